"""The property-testing toolkit: Hypothesis strategies and the stateful integration harness."""

from sim.testing.strategies import (
    IntegrationStateMachine,
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
