"""``devicesim play``: the playground driven in headless Chromium, its API, and the command.

Each test starts its own server on 127.0.0.1 (an ephemeral port) with a fresh session and stops
it after; the page is driven through its stable hooks (``[data-event]``, ``[data-machine]``,
``[data-action]``) and waits on ``<html data-position>``, which the page sets once it shows a
new answer.
"""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from conftest import Page, run_cli
from playwright.sync_api import expect

from sim.engine.vocabulary import MACHINES, VIEWS
from sim.events.catalogue import lookup
from sim.scenarios.library import bundled_library
from sim.scenarios.runner import run_scenario
from sim.scenarios.session import load_session, saved
from sim.web.playground import Playground, bundled, state_view
from sim.web.server import bind, serve_in_thread

KEEP = os.environ.get("DEVICESIM_SCREENSHOTS")
SCREENSHOTS = Path(KEEP).resolve() if KEEP else None
BRING_UP = ('[data-event="1"]', '[data-event="2"]', '[data-event="3"][data-variant="accepted"]')


@pytest.fixture
def server() -> Iterator[str]:
    """A playground with a fresh session; its URL."""
    with serve_in_thread(Playground().app()) as url:
        yield url


@pytest.fixture
def tab(server: str, browser_page: Page) -> Iterator[Any]:
    """The playground open in Chromium, showing the first device."""
    browser_page.tab.goto(server)
    expect(browser_page.tab.locator("html")).to_have_attribute("data-position", "0")
    yield browser_page.tab
    assert browser_page.problems == []
    assert all(url.startswith(server) for url in browser_page.requests)


def click(tab: Any, selector: str) -> None:
    """Click, and wait until the page shows the answer (the position moved)."""
    before = tab.locator("html").get_attribute("data-position")
    tab.click(selector)
    expect(tab.locator("html")).not_to_have_attribute("data-position", before)


def shows(tab: Any, **states: str) -> None:
    for name, state in states.items():
        expect(tab.locator(f'[data-machine="{name}"]')).to_have_text(state)


def test_bring_up_then_quota_used_up(tab: Any, tmp_path: Path) -> None:
    shows(tab, connectivity="Offline", network="Detached", pdp="Disconnected")
    for selector in BRING_UP:
        click(tab, selector)
    shows(tab, network="Combined Attached", pdp="Connected", connectivity="Online")
    expect(tab.locator('[data-badge="connectivity"]')).to_have_text("Online")
    click(tab, '[data-event="52"]')
    shows(tab, pdp="Disconnected", data_service="Denied", connectivity="Attached")
    click(tab, '[data-event="56"]')
    click(tab, '[data-event="3"][data-variant="accepted"]')
    shows(tab, data_quota="Active", pdp="Connected", connectivity="Online")
    used_up = tab.locator('[data-event="19"]')
    expect(used_up).to_have_attribute("data-possible", "true")
    click(tab, '[data-event="19"]')
    shows(
        tab,
        data_quota="Exhausted",
        pdp="Disconnected",
        connectivity="Attached",
        data_service="Denied",
    )
    expect(tab.locator("#last")).to_contain_text("data_quota: Active -> Exhausted")
    expect(tab.locator("#last")).to_contain_text(
        "pdp: Connected -> Disconnected (rule data_service: data quota is Exhausted"
    )
    node = tab.locator('.diagram[data-diagram="data_quota"] [data-node="data_quota:Exhausted"]')
    expect(node).to_have_class("node current")
    # No session to update; an accepted session stays possible: it would prove the daily refill.
    expect(tab.locator('[data-event="4"]')).to_have_attribute("data-possible", "false")
    expect(tab.locator('[data-event="3"][data-variant="accepted"]')).to_have_attribute(
        "data-possible", "true"
    )
    expect(tab.locator("#message")).to_be_hidden()
    tab.screenshot(path=str(tmp_path / "playground.png"), full_page=True)
    if SCREENSHOTS is not None:
        shutil.copy(tmp_path / "playground.png", SCREENSHOTS / "playground.png")


def test_an_impossible_event_is_marked_and_followed_with_its_warning(tab: Any) -> None:
    button = tab.locator('[data-event="19"]')
    expect(button).to_have_attribute("data-possible", "false")
    expect(button).to_be_enabled()
    click(tab, '[data-event="19"]')
    shows(tab, data_quota="Exhausted")
    expect(tab.locator("#message")).to_contain_text(
        "followed an impossible event: data_quota cannot 'use_up' from None"
    )


def test_every_machine_and_view_has_exactly_one_display(tab: Any) -> None:
    for name in (*VIEWS, *MACHINES):
        cells = tab.locator(f'[data-machine="{name}"]')
        expect(cells).to_have_count(1)
        assert cells.inner_text() in ("Offline", "Allowed", "Activated", "Assigned", "Enabled",
                                      "Unblocked", "Detached", "Disconnected", "None")  # fmt: skip


def test_undo_and_redo(tab: Any) -> None:
    expect(tab.locator('[data-action="undo"]')).to_be_disabled()
    for selector in BRING_UP:
        click(tab, selector)
    click(tab, '[data-action="undo"]')
    shows(tab, pdp="Disconnected", connectivity="Attached", network="Combined Attached")
    click(tab, '[data-action="undo"]')
    shows(tab, network="IMSI Attached")
    click(tab, '[data-action="redo"]')
    click(tab, '[data-action="redo"]')
    shows(tab, pdp="Connected", connectivity="Online")
    expect(tab.locator('[data-action="redo"]')).to_be_disabled()
    click(tab, '[data-action="undo"]')
    click(tab, '[data-event="16"]')
    shows(tab, network="IMSI Attached", pdp="Disconnected")
    expect(tab.locator('[data-action="redo"]')).to_be_disabled()


def test_save_gives_a_scenario_that_run_passes(
    tab: Any, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    for selector in (*BRING_UP, '[data-event="19"]', '[data-event="9"]'):
        click(tab, selector)
    with tab.expect_download() as download:
        tab.click('[data-action="save"]')
    assert download.value.suggested_filename == "playground.yaml"
    saved = tmp_path / "saved.yaml"
    download.value.save_as(saved)
    text = saved.read_text()
    assert "outcome: inconsistent" in text and "event: SIM suspension" in text
    code, out, err = run_cli(capsys, "run", str(saved))
    assert (code, err) == (0, ""), out
    assert "1 passed, 0 failed" in out


def test_a_loaded_scenario_steps_forwards_and_backwards(tab: Any) -> None:
    tab.select_option("#scenario", "data-quota/quota-used-up-block.yaml")
    expect(tab.locator("#session")).to_contain_text("step 0 of 7")
    shows(tab, data_quota="Active", pdp="Connected")
    click(tab, '[data-action="redo"]')
    click(tab, '[data-action="redo"]')
    shows(tab, data_quota="Exhausted", pdp="Disconnected", connectivity="Attached")
    click(tab, '[data-action="undo"]')
    shows(tab, data_quota="Active", pdp="Connected")
    expect(tab.locator("#position")).to_contain_text("next: event 19")


def test_another_device(tab: Any, browser_page: Page) -> None:
    tab.fill('#add-device input[name="name"]', "b")
    tab.click("#add-device button")
    expect(tab.locator("#device")).to_have_value("b")
    click(tab, '[data-event="1"]')
    shows(tab, network="IMSI Attached")
    tab.select_option("#device", "device")
    shows(tab, network="Detached")
    tab.fill('#add-device input[name="name"]', "b")
    tab.click("#add-device button")
    expect(tab.locator("#message")).to_have_text("there is a device 'b' already")
    refused = (
        "error: Failed to load resource: the server responded with a status of 400 (Bad Request)"
    )
    assert browser_page.problems == [refused]
    browser_page.problems.clear()


@pytest.mark.parametrize(
    ("path", "body", "status", "error"),
    [
        ("/api/event", {"type": 999}, 400, "no event type 999"),
        ("/api/event", {"type": "1"}, 400, "expected 'type' as a int"),
        ("/api/event", {"type": 3, "variant": "maybe"}, 400, "has no variant 'maybe'"),
        ("/api/event", [1], 400, "expected a JSON object"),
        ("/api/wait", {"seconds": 0}, 400, "expected 'seconds' from 1"),
        ("/api/load", {"scenario": "../../etc/passwd"}, 400, "no bundled scenario"),
        ("/api/undo", {}, 400, "nothing to undo"),
        ("/api/select", {"device": "z"}, 400, "no device 'z'"),
        ("/api/device", {"name": "1x"}, 400, "starting with a letter"),
        ("/api/nowhere", {}, 404, "POST /api/nowhere: Not Found"),
    ],
)
def test_bad_requests_get_a_clear_4xx(
    server: str, path: str, body: Any, status: int, error: str
) -> None:
    answer = httpx.post(server.rstrip("/") + path, json=body)
    assert answer.status_code == status
    assert error in answer.json()["error"]
    assert httpx.get(server + "api/state").json()["position"] == 0


def test_a_body_that_is_not_json(server: str) -> None:
    answer = httpx.post(
        server + "api/event", content=b"\xff{", headers={"Content-Type": "application/json"}
    )
    assert answer.status_code == 400 and answer.json()["error"].startswith("expected a JSON object")


def test_the_command_serves_on_localhost_until_interrupted() -> None:
    process = subprocess.Popen(
        [sys.executable, "-m", "sim", "play", "--no-browser", "--port", "0"],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )  # fmt: skip
    try:
        line = process.stdout.readline() if process.stdout else ""
        assert line.startswith("devicesim playground: http://127.0.0.1:")
        url = line.split()[2]
        assert "devicesim playground" in httpx.get(url).text
    finally:
        process.send_signal(signal.SIGINT)
        _, err = process.communicate(timeout=20)
    assert process.returncode == 0
    assert err.strip().endswith("devicesim playground: stopped")


def test_a_busy_port_is_one_line(capsys: pytest.CaptureFixture[str], server: str) -> None:
    port = server.rstrip("/").rsplit(":", 1)[1]
    code, out, err = run_cli(capsys, "play", "--no-browser", "--port", port)
    assert (code, out) == (2, "")
    assert err == f"devicesim: 127.0.0.1:{port} is in use: choose another with --port\n"


@pytest.mark.parametrize("lesson", bundled(), ids=str)
def test_every_bundled_scenario_steps_through_the_playground(lesson: str) -> None:
    """Loaded, each lesson plays to its end, and every step's view can be shown; at the end
    the playground agrees with the lesson's own run."""
    session = load_session(bundled_library() / lesson)
    shown = [state_view(session)]
    while session.redo():
        shown.append(state_view(session))
    assert [view["position"] for view in shown] == list(range(len(session.script) + 1))
    assert session.states() == run_scenario(bundled_library() / lesson).steps[-1].states


def test_a_strict_lesson_refuses_an_impossible_event_it_is_sent(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    session = load_session(bundled_library() / "device-status/forbidden-delete-assigned-sim.yaml")
    assert session.mode == "strict"
    session.send(session.event_step(lookup("SIM deletion"), ""))
    assert session.states()["gateway"]["sim"] == "Activated"
    assert session.script[-1]["outcome"] == "inconsistent"
    view = state_view(session)
    assert view["mode"] == "strict" and view["last"]["marks"][0]["outcome"] == "inconsistent"
    (tmp_path / "strict.yaml").write_text(saved(session))
    code, out, _ = run_cli(capsys, "run", str(tmp_path / "strict.yaml"))
    assert code == 0 and "1 passed" in out


def test_the_servers_socket_says_it_is_tcp() -> None:
    """asyncio turns Nagle's algorithm off only on sockets that say they are TCP; without it
    every answer of a server run in a thread waited 40 ms for the client's delayed ACK (a
    request and its answer took 44 ms instead of 1.3 ms)."""
    sock = bind("127.0.0.1", 0)
    try:
        assert sock.proto == socket.IPPROTO_TCP
    finally:
        sock.close()
