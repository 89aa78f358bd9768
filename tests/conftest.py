"""Shared test setup: Hypothesis profiles and small helpers for building fleets."""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

import orjson
import pytest
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st

from sim import Fleet, InitialState
from sim.cli.commands import main
from sim.engine.memo import Stepper
from sim.events.build import build_event
from sim.io.initial_file import initial_state
from sim.traffic.generator import Generation
from sim.traffic.history import generate
from sim.traffic.profile import read_profile

# "ci" keeps the suite quick; HYPOTHESIS_PROFILE=deep runs the same properties much harder.
settings.register_profile(
    "ci", max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)
settings.register_profile(
    "deep", max_examples=3000, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))
DEEP = os.environ.get("HYPOTHESIS_PROFILE") == "deep"


def examples(quick: int) -> int:
    """How many examples a costly property runs: ``quick`` in the suite, twenty times as
    many in the deep profile."""
    return quick * 20 if DEEP else quick


DATA = Path(__file__).parent / "data"
ENDPOINT = 1001
ORGANISATION = 100
T0 = 1_746_086_400.0


def fleet_with(
    state: Mapping[str, Any] | None = None,
    *,
    profile: Mapping[str, str] | None = None,
    trace: bool = True,
    lenient: bool = True,
) -> Fleet:
    """A fleet whose device ENDPOINT starts in ``state`` (in service profile 7 if ``profile``)."""
    document: dict[str, Any] = {
        "devices": {ENDPOINT: {"organisation": ORGANISATION, "state": dict(state or {})}}
    }
    if profile is not None:
        document["devices"][ENDPOINT]["service_profile"] = 7
        document["organisations"] = {ORGANISATION: {"service_profiles": {7: dict(profile)}}}
    initial: InitialState = initial_state(document, "test")
    return Fleet(initial, trace=trace, lenient=lenient)


class Clock:
    """Event ids and timestamps that increase, for hand-written sequences."""

    def __init__(self) -> None:
        self.n = 0

    def event(
        self, type_id: int, variant: str = "", endpoint: int | None = ENDPOINT, **extra: Any
    ) -> dict[str, Any]:
        self.n += 1
        return build_event(
            type_id,
            event_id=self.n,
            time=T0 + 60 * self.n,
            organisation=ORGANISATION,
            endpoint=endpoint,
            variant=variant,
            **extra,
        )


def write_jsonl(path: Path, events: list[Any]) -> str:
    """Events as a JSON Lines file; its path as the command line takes it."""
    path.write_bytes(b"".join(orjson.dumps(e) + b"\n" for e in events))
    return str(path)


def run_cli(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    """``devicesim ARGV``: exit code, stdout, stderr."""
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


#: Set by ``.ci/run``: a test that needs a program (Graphviz, Chromium) fails instead of
#: skipping, so that CI always runs them.
REQUIRE_PROGRAMS = os.environ.get("DEVICESIM_REQUIRE_PROGRAMS") == "1"


def program(name: str, package: str) -> str:
    """The path of an installed program; without it the test is skipped with one line naming
    the Debian package to install (under ``.ci/run``, it fails instead)."""
    found = shutil.which(name)
    if found is None:
        message = f"needs {name}: install the {package} package (apt-get install {package})"
        if REQUIRE_PROGRAMS:
            pytest.fail(message)
        pytest.skip(message)
    return found


class Page:
    """A browser tab that remembers every console error and uncaught exception, and every
    request that left the page (a report must make none)."""

    def __init__(self, tab: Any) -> None:
        self.tab = tab
        self.problems: list[str] = []
        self.requests: list[str] = []
        tab.on(
            "console",
            lambda m: self.problems.append(f"{m.type}: {m.text}") if m.type == "error" else None,
        )
        tab.on("pageerror", lambda error: self.problems.append(f"uncaught: {error}"))
        tab.on("request", lambda request: self.requests.append(request.url))


@pytest.fixture(scope="session")
def chromium() -> Iterator[Any]:
    """Headless Chromium from the distribution's packages, driven by Playwright."""
    path = program("chromium", "chromium")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=path, args=["--no-sandbox"])
        yield browser
        browser.close()


@pytest.fixture
def browser_page(chromium: Any) -> Iterator[Page]:
    """A fresh tab, 1400x1000, in its own browser context."""
    context = chromium.new_context(viewport={"width": 1400, "height": 1000})
    yield Page(context.new_page())
    context.close()


pytest_plugins = ["pytester"]


@pytest.fixture(autouse=True)
def _fresh_memo_under_mutation() -> None:
    """Under mutation testing (mutmut sets MUTANT_UNDER_TEST) every test starts without the
    process-wide memo: a memo inherited from the clean run would hide the mutant."""
    if os.environ.get("MUTANT_UNDER_TEST"):
        Stepper.forget_shared()


def history(
    devices: int, hours: float, seed: int = 1, profile: Any = None
) -> tuple[Generation, list[str]]:
    """A generated fleet history (``devicesim generate``) and its lines."""
    generation = generate(read_profile(profile), devices, hours * 3600, seed)
    return generation, [line for chunk in generation.chunks() for line in chunk]


#: Profiles that stress what the defaults do rarely: operators busy, quotas small, roaming often.
BUSY = {
    "quota_management": 100,
    "quota": {"volume": 0.3, "expires": "6h", "top_up_after": "1h"},
    "suspend": {"rate": 20, "lasts": "2h"},
    "disable": {"rate": 20, "lasts": "1h"},
    "organisation_block": {"rate": 30, "lasts": "1h"},
    "roamer": {"roam": 60},
    "new_devices": 50,
}


@st.composite
def histories(
    draw: st.DrawFn, devices: int = 25, organisations: int = 4
) -> tuple[Generation, list[str]]:
    """Generated fleet histories of up to ``devices`` devices, 72 hours and ``organisations``
    organisations, with the defaults or a ``BUSY`` profile."""
    profile = {
        **(BUSY if draw(st.booleans()) else {}),
        "organisations": draw(st.integers(1, organisations)),
    }
    hours = draw(st.integers(1, 72))
    return history(draw(st.integers(1, devices)), hours, draw(st.integers(0, 2**32)), profile)
