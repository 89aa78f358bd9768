"""Property-testing the webhook consumer against the model: finds its bug in seconds.

Run: ``pytest examples/test_webhook_consumer.py``. The test fails (that is the point): the
failure message names the regression scenario it wrote, a short history in which a refused
Create PDP Context leaves the dashboard saying Online. ``devicesim run`` on that file passes,
because it asserts what the platform really did.
"""

from __future__ import annotations

from typing import Any

from hypothesis import settings

from examples.webhook_consumer import DeviceTable
from sim.testing import IntegrationStateMachine


class WebhookConsumerMachine(IntegrationStateMachine):
    devices = 1
    export_dir = "devicesim-failures"

    def __init__(self) -> None:
        super().__init__()
        self.table = DeviceTable()

    def deliver(self, events: list[dict[str, Any]]) -> None:
        self.table.handle(events)

    def observe(self, endpoint_id: int) -> dict[str, str]:
        return {"connectivity": self.table.connectivity(endpoint_id)}


WebhookConsumerMachine.TestCase.settings = settings(
    max_examples=300, stateful_step_count=30, deadline=None
)
TestWebhookConsumer = WebhookConsumerMachine.TestCase
