"""``devicesim fuzz`` and ``WebhookIntegration``: webhook consumers tested over real HTTP.

Every consumer here is a real web app on 127.0.0.1 (an ephemeral port, stopped at the end):
the bundled example with its planted bug and fixed, one that is the model itself (so it must
pass, whatever views are compared), and consumers that fail in the ways services do.
"""

from __future__ import annotations

import os
import re
import socket
import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any, ClassVar

import orjson
import pytest
import yaml
from hypothesis import settings
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from examples.webhook_app import webhook_app
from sim.cli import main
from sim.engine.fleet import Fleet
from sim.errors import Disagreement
from sim.testing import WebhookIntegration
from sim.testing.walker import Walker
from sim.web.server import serve_in_thread

ROOT = Path(__file__).resolve().parent.parent
#: What a failure must not show: the harness's lines, Hypothesis' internals, our ids.
INTERNALS = ("sim/testing/", "Choice(", "always and only run", "hypothesis/")


@pytest.fixture
def served() -> Iterator[Callable[[Starlette], str]]:
    """Serve apps for one test; their base URLs (no trailing slash)."""
    stack: list[Any] = []

    def serve(app: Starlette) -> str:
        context = serve_in_thread(app)
        stack.append(context)
        return context.__enter__().rstrip("/")

    yield serve
    for context in reversed(stack):
        context.__exit__(None, None, None)


def fuzz_args(base: str, *extra: str) -> list[str]:
    return [
        "fuzz", "--webhook", f"{base}/events", "--observe", f"{base}/devices/{{endpoint}}",
        "--reset", f"{base}/reset", *extra,
    ]  # fmt: skip


def test_fuzz_finds_the_planted_bug_and_writes_a_scenario_that_passes(
    served: Callable[[Starlette], str], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    base = served(webhook_app())
    out = tmp_path / "found"
    argv = fuzz_args(base, "--map", "connectivity=$.status", "--out", str(out), "--seed", "1")
    assert main(argv) == 1
    printed = capsys.readouterr().out
    assert "the system disagrees with the model, after" in printed
    assert re.search(
        r"Create PDP Context \(3\)  device-1001  'PDP Context Request rejected", printed
    )
    assert re.search(r"device-1001  connectivity  \w+ +ONLINE", printed)  # side by side
    assert not [word for word in INTERNALS if word in printed]
    name = base.removeprefix("http://").replace(":", "-") + "-events"
    scenario, exchange = out / f"{name}.yaml", out / f"{name}.http"
    assert f"regression scenario: {scenario}" in printed and f"HTTP exchange: {exchange}" in printed
    assert main(["run", str(scenario)]) == 0  # the model's side of the story holds
    # The exchange is the exact conversation of the shrunk history: replaying its POSTs against
    # a fresh consumer gives the answer it recorded last.
    blocks = exchange.read_text().split("\n### ")[1:]
    assert blocks[0].splitlines()[1] == f"POST {base}/reset"
    assert blocks[-1].splitlines()[1] == f"GET {base}/devices/1001"
    assert '"status":"ONLINE"' in blocks[-1]
    bodies = [b.split("\n\n")[1] for b in blocks if b.splitlines()[1] == f"POST {base}/events"]
    events = [orjson.loads(body) for body in bodies]
    steps = yaml.safe_load(scenario.read_text())["steps"]
    assert events == [step["event_json"] for step in steps]


def test_a_correct_consumer_passes_200_examples(
    served: Callable[[Starlette], str], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    base = served(webhook_app(fixed=True))
    argv = fuzz_args(base, "--map", "connectivity=$.status", "--max-examples", "200")
    assert main([*argv, "--out", str(tmp_path), "--bulk"]) == 0
    examples = int(re.search(r"fuzz: (\d+) histories, none disagreed", capsys.readouterr().out)[1])
    assert examples >= 200
    assert not list(tmp_path.iterdir())


def model_consumer(devices: int) -> Starlette:
    """A consumer that is the model: it must pass on every view; it answers in lower case and
    knows a device only once an event named it."""
    initial = Walker(devices).fleet.initial
    state = {"fleet": Fleet(initial), "seen": set()}

    async def events(request: Request) -> Response:
        body = orjson.loads(await request.body())
        for event in body if isinstance(body, list) else [body]:
            state["fleet"].apply(event)
            if event.get("endpoint"):
                state["seen"].add(event["endpoint"]["id"])
        return Response(status_code=202)

    async def device(request: Request) -> Response:
        endpoint = request.path_params["endpoint"]
        if endpoint not in state["seen"]:
            return JSONResponse({"error": "unknown"}, status_code=404)
        found = state["fleet"].device(endpoint)
        keys = ("connectivity", "pdp", "data_quota", "sms_quota", "sim", "data_service")
        return JSONResponse({key: found[key].lower() for key in keys} | {"other": 1})

    async def reset(request: Request) -> Response:
        state["fleet"], state["seen"] = Fleet(initial), set()
        return Response(status_code=204)

    return Starlette(routes=[
        Route("/events", events, methods=["POST"]),
        Route("/devices/{endpoint:int}", device),
        Route("/reset", reset, methods=["POST"]),
    ])  # fmt: skip


@pytest.mark.parametrize("mode", [[], ["--bulk"]])
def test_the_model_as_a_consumer_agrees_on_every_view_without_a_map(
    mode: list[str], served: Callable[[Starlette], str], tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:  # fmt: skip
    base = served(model_consumer(2))
    argv = fuzz_args(base, "--devices", "2", "--max-examples", "40", "--out", str(tmp_path), *mode)
    assert main(argv) == 0, capsys.readouterr().out
    assert "none disagreed with the model" in capsys.readouterr().out


def failing_consumer(answer: Callable[[list[dict[str, Any]]], Response | None]) -> Starlette:
    """A consumer that answers deliveries with ``answer`` (or 200) and reports no view."""

    async def events(request: Request) -> Response:
        body = orjson.loads(await request.body())
        return answer(body if isinstance(body, list) else [body]) or Response(status_code=200)

    async def device(request: Request) -> Response:
        return JSONResponse({"name": "a device"})

    return Starlette(
        routes=[Route("/events", events, methods=["POST"]), Route("/devices/{endpoint}", device)]
    )


def test_a_consumer_that_fails_on_quota_expiry_is_a_finding(
    served: Callable[[Starlette], str], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    def answer(events: list[dict[str, Any]]) -> Response | None:
        if any(event["event_type"]["id"] == 60 for event in events):
            return JSONResponse({"error": "KeyError: 'volume'"}, status_code=500)
        return None

    base = served(failing_consumer(answer))
    argv = ["fuzz", "--webhook", f"{base}/events", "--observe", f"{base}/devices/{{endpoint}}"]
    assert main([*argv, "--max-examples", "1000", "--out", str(tmp_path), "--seed", "1"]) == 1
    printed = capsys.readouterr().out
    assert f"POST {base}/events answered 500 Internal Server Error, after" in printed
    assert re.search(r"Data quota expired \(60\)  device-1001\n", printed)  # the platform's own
    assert '-> 500 Internal Server Error: {"error":"KeyError: \'volume\'"}' in printed
    assert "expires 2025-05-01T" in printed  # the assignment that set the date


def test_a_404_is_fine_until_the_model_has_seen_the_device(
    served: Callable[[Starlette], str], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    async def events(request: Request) -> Response:
        return Response(status_code=200)

    async def device(request: Request) -> Response:
        return JSONResponse({"error": "never heard of it"}, status_code=404)

    base = served(
        Starlette(routes=[Route("/events", events, methods=["POST"]), Route("/d/{e}", device)])
    )
    argv = ["fuzz", "--webhook", f"{base}/events", "--observe", f"{base}/d/{{endpoint}}"]
    assert main([*argv, "--out", str(tmp_path), "--seed", "2"]) == 1
    printed = capsys.readouterr().out
    history = printed.split("\n\n")[0].splitlines()[1:]
    assert "device-1001" in history[-1]  # the first event that named the device, not before
    assert not [line for line in history[:-1] if "device-1001" in line]
    assert re.search(r"device-1001  connectivity  \w+ +\(404: device unknown\)", printed)


def test_an_unreachable_consumer_is_exit_2(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    base = f"http://127.0.0.1:{port}"
    assert main([*fuzz_args(base), "--out", str(tmp_path)]) == 2
    err = capsys.readouterr().err
    assert f"cannot reach the consumer: POST {base}/reset" in err
    assert "Traceback" not in err


@pytest.mark.parametrize(
    ("extra", "said"),
    [
        (
            ["--map", "conectivity=$.status"],
            "'conectivity' is no view or machine (did you mean 'connectivity'?)",
        ),
        (["--map", "connectivity"], "expected VIEW=JSONPATH"),
        (["--map", "connectivity=status"], "starts with $"),
        (["--map", "connectivity=$.a[x]"], "cannot read the path from '[x]'"),
        (["--observe", "http://127.0.0.1:1/devices/1001"], "expected {endpoint} in the URL"),
        (["--observe", "http://127.0.0.1:1/{device}"], "only {endpoint} can be filled in"),
        (["--webhook", "127.0.0.1:1/events"], "expected an http:// or https:// URL"),
        (["--auth", "token"], "--auth: expected basic:USER:PASS or bearer:TOKEN"),
        (["--out", "/dev/null/x"], "--out /dev/null/x"),
    ],
)
def test_bad_arguments_are_one_line_and_exit_2(
    extra: list[str], said: str, capsys: pytest.CaptureFixture[str]
) -> None:
    argv = [*fuzz_args("http://127.0.0.1:1"), *extra]  # the last --observe or --webhook wins
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert said in err and len(err.strip().splitlines()) == 1, err


def test_webhook_integration_in_python_under_pytest(
    served: Callable[[Starlette], str], tmp_path: Path
) -> None:
    base = served(webhook_app())

    class MyConsumer(WebhookIntegration):
        webhook = f"{base}/events"
        observe_url = f"{base}/devices/{{endpoint}}"
        views: ClassVar[dict[str, str]] = {"connectivity": "$.status"}
        reset_url = f"{base}/reset"
        bulk = False
        export_dir = tmp_path

    MyConsumer.TestCase.settings = settings(max_examples=300, stateful_step_count=30, database=None)
    with pytest.raises(Disagreement, match=r"device-100\d  connectivity  \w+ +ONLINE") as caught:
        MyConsumer.TestCase("runTest").runTest()
    assert f"HTTP exchange: {tmp_path / 'my-consumer.http'}" in str(caught.value)
    assert "MyConsumer at " + base in (tmp_path / "my-consumer.yaml").read_text()


def test_the_guides_snippet_copied_as_written_fails_quietly_with_the_story(tmp_path: Path) -> None:
    guide = (ROOT / "docs" / "testing.md").read_text()
    snippet = next(
        b for b in re.findall(r"```python\n(.*?)```", guide, re.S) if "IntegrationStateMachine" in b
    )
    assert "settings(" in snippet  # the guide assigns its own settings, explain phase and all
    code = snippet.replace(
        "from myapp.webhook import DeviceTable", "from examples.webhook_consumer import DeviceTable"
    )
    (tmp_path / "test_snippet.py").write_text(code)
    done = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "test_snippet.py"],
        cwd=tmp_path, capture_output=True, text=True, timeout=300,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
    )  # fmt: skip
    assert done.returncode == 1, done.stdout + done.stderr
    assert "the system disagrees with the model, after" in done.stdout
    assert re.search(r"Create PDP Context \(3\)  device-1001", done.stdout)
    assert re.search(r"device-1001  connectivity  \w+ +Online", done.stdout)
    assert not [word for word in INTERNALS if word in done.stdout], done.stdout
    assert (tmp_path / "devicesim-failures" / "webhook-consumer-machine.yaml").exists()


def test_a_run_that_compared_nothing_is_no_pass(
    served: Callable[[Starlette], str], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    base = served(failing_consumer(lambda events: None))  # answers {"name": "a device"}
    argv = ["fuzz", "--webhook", f"{base}/events", "--observe", f"{base}/devices/{{endpoint}}"]
    assert main([*argv, "--max-examples", "5", "--out", str(tmp_path)]) == 2
    err = capsys.readouterr().err
    assert "nothing was compared" in err and '(the last: \'{"name":"a device"}\')' in err
    assert "--map VIEW=JSONPATH" in err
