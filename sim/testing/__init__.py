"""The property-testing toolkit: Hypothesis strategies and the stateful integration harness.

Built on Hypothesis (installed with the package); ``WebhookIntegration`` and ``fuzz`` drive
a consumer over HTTP (``devicesim fuzz``). The walker generates what the platform could really
send by asking the engine what each event would do. This room may import the engine, events,
io and scenarios rooms (to write regression scenarios), never the CLI; the CLI imports it
only when ``devicesim fuzz`` runs.
"""

from sim.testing.integration import IntegrationStateMachine
from sim.testing.strategies import (
    event_streams,
    events,
    histories,
    malformed,
    scenarios,
)
from sim.testing.webhook import WebhookIntegration

__all__ = [
    "IntegrationStateMachine",
    "WebhookIntegration",
    "event_streams",
    "events",
    "histories",
    "malformed",
    "scenarios",
]
