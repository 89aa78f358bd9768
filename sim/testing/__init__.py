"""The property-testing toolkit: Hypothesis strategies and the stateful integration harness.

Built on Hypothesis (the ``test`` extra). The walker generates what the platform could really
send by asking the engine what each event would do. This room may import the engine, events,
io and scenarios rooms (to write regression scenarios), never the CLI.
"""

from sim.testing.integration import IntegrationStateMachine
from sim.testing.strategies import (
    event_streams,
    events,
    histories,
    malformed,
    scenarios,
)

__all__ = [
    "IntegrationStateMachine",
    "event_streams",
    "events",
    "histories",
    "malformed",
    "scenarios",
]
