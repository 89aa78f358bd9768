"""What ``devicesim fuzz`` runs: a ``WebhookIntegration`` built for one consumer, driven by
Hypothesis outside pytest, with one answer: how many examples agreed, or the story of the
first disagreement, shrunk.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

import httpx
from hypothesis import HealthCheck, Phase, seed, settings
from hypothesis.errors import Flaky
from hypothesis.reporting import with_reporter
from hypothesis.stateful import run_state_machine_as_test

from sim.errors import ConsumerUnreachable, Disagreement, UsageError, shown
from sim.testing.webhook import WebhookIntegration


@dataclass(frozen=True)
class Consumer:
    """Where a webhook consumer listens and how to ask it what it believes."""

    webhook: str
    observe: str
    views: Mapping[str, str] = field(default_factory=dict)
    reset: str | None = None
    bulk: bool = True
    headers: Mapping[str, str] = field(default_factory=dict)
    timeout: float = 10.0

    def name(self) -> str:
        """A file name for its findings, from the webhook's address: ``127.0.0.1-8000-events``."""
        parts = urlsplit(self.webhook)
        return re.sub(r"[^\w.]+", "-", f"{parts.netloc}{parts.path}").strip("-") or "webhook"


@dataclass(frozen=True)
class Outcome:
    """How a run ended: the examples tried, and the failure's story if one was found."""

    examples: int
    failure: str | None = None


def probe(consumer: Consumer) -> None:
    """Ask once before fuzzing: a consumer that does not answer is a usage error, not a
    finding. Any answer will do."""
    url = consumer.reset or consumer.observe.format(endpoint=1001)
    method = "POST" if consumer.reset else "GET"
    try:
        httpx.request(method, url, headers=dict(consumer.headers), timeout=consumer.timeout)
    except httpx.TransportError as exc:
        raise ConsumerUnreachable(
            f"cannot reach the consumer: {method} {url}: {exc or type(exc).__name__}"
        ) from None


def fuzz(
    consumer: Consumer,
    *,
    devices: int = 1,
    max_examples: int = 100,
    steps: int = 30,
    out: Path = Path("devicesim-failures"),
    seed_value: int | None = None,
) -> Outcome:
    """Drive the consumer with histories the model allows until one disagrees or
    ``max_examples`` agreed (``probe`` it first). ConsumerUnreachable when it stops answering."""
    machine: type[WebhookIntegration] = type(
        "WebhookFuzz",
        (WebhookIntegration,),
        {
            "webhook": consumer.webhook, "observe_url": consumer.observe,
            "views": dict(consumer.views), "reset_url": consumer.reset, "bulk": consumer.bulk,
            "headers": dict(consumer.headers), "timeout": consumer.timeout,
            "devices": devices, "export_dir": out, "file_name": consumer.name(),
        },
    )  # fmt: skip
    if seed_value is not None:
        machine = seed(seed_value)(machine)
    chosen = settings(
        max_examples=max_examples, stateful_step_count=steps, deadline=None, database=None,
        suppress_health_check=list(HealthCheck), report_multiple_bugs=False, print_blob=False,
        phases=[Phase.explicit, Phase.generate, Phase.shrink],
    )  # fmt: skip
    try:
        with with_reporter(lambda _: None):  # the story is in the failure; steps say less
            run_state_machine_as_test(machine, settings=chosen)
    except Disagreement as failure:
        return Outcome(machine.examples, str(failure))
    except Flaky:
        story = (
            "the consumer disagreed with the model once, then agreed on the same history: it keeps "
            "state between examples (give --reset a URL that makes it forget everything) or "
            "depends on timing"
        )
        return Outcome(machine.examples, story)
    if not machine.compared:
        raise UsageError(
            f"fuzz: nothing was compared: no answer of {consumer.observe} had a field to compare "
            f"(the last: {shown(machine.last_answer) if machine.last_answer else 'none, every GET was a 404'}); "
            "map its fields to the model's views with --map VIEW=JSONPATH, e.g. connectivity=$.status"
        )
    return Outcome(machine.examples)
