"""``devicesim serve`` with its real users: the official emnify SDK, unmodified, in its own
virtual environment (it pins pydantic 1 and an old urllib3: never the project's), and the
command itself, stopped and started again on the same database."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import venv
from collections.abc import Iterator
from pathlib import Path

import httpx
import orjson
import pytest
from conftest import REQUIRE_PROGRAMS
from platform_client import serving

from sim.engine.outcomes import INCONSISTENT
from sim.platform.event_log import rebuild
from sim.platform.seeding import SPARE_BIC

SDK = "emnify-sdk==0.5.3"
SESSION = Path(__file__).parent / "sdk_session.py"


@pytest.fixture(scope="session")
def sdk_python(request: pytest.FixtureRequest) -> Path:
    """The Python of a virtual environment with the official SDK, made once and cached."""
    folder = request.config.cache.mkdir("emnify-sdk-0.5.3")
    python = folder / "bin" / "python"
    ready = (
        python.exists()
        and subprocess.run([python, "-c", "import emnify"], capture_output=True).returncode == 0
    )
    if not ready:
        venv.create(folder, clear=True, with_pip=True)
        installed = subprocess.run(
            [python, "-m", "pip", "install", "-q", SDK], capture_output=True, text=True
        )
        if installed.returncode != 0:
            message = f"needs {SDK} from the package index: pip could not install it ({installed.stderr.strip()[-200:]})"
            if REQUIRE_PROGRAMS:
                pytest.fail(message)
            pytest.skip(message)
    return python


def test_the_official_sdk_works_against_the_local_platform(sdk_python: Path) -> None:
    with serving(seed_fleet=3, token="app-token") as served:
        env = {**os.environ, "EMNIFY_SDK_API_ENDPOINT_URL": f"{served.url}api",
               "SIM_CONTROL_URL": served.url.rstrip("/"), "APP_TOKEN": "app-token"}  # fmt: skip
        run = subprocess.run(
            [sdk_python, SESSION, SPARE_BIC], env=env, capture_output=True, text=True, timeout=120
        )
        assert run.returncode == 0, run.stderr[-3000:]
        seen = orjson.loads(run.stdout)
        platform = served.platform
        device, sim = seen["device_id"], seen["sim_id"]
        assert seen["seeded"] == ["device-000001", "device-000002", "device-000003"]
        assert {status for _, status in seen["registered"]} == {"Activated"}
        assert seen["retrieved"] == {
            "name": "sdk-tracker",
            "status": "Enabled",
            "sim": sim,
            "sim_status": "Activated",
        }
        assert seen["filtered"] == [device]
        assert (
            seen["attach"] == [1, 2] and seen["session"] == [3] and seen["attach_again"] == [1, 2]
        )
        # Offline before it registers; Blocked while the SIM is suspended; the network forgets
        # a suspended SIM's registration; Reset connectivity cancels it again.
        assert seen["connectivity"] == [
            "OFFLINE",
            "ATTACHED",
            "ONLINE",
            "BLOCKED",
            "OFFLINE",
            "OFFLINE",
            "BLOCKED",
        ]
        assert seen["sim_after_suspend"] == "Suspended"
        assert seen["disabled"] == {"status": "Disabled", "sim_status": "Suspended"}
        assert "cannot change from Suspended to Issued" in seen["refused"]
        assert "Telekom" in seen["operators"]
        assert seen["sms"] == [["wake up", "DELIVERED"]]
        assert seen["blacklist"] == ["Orange"]
        assert "is not in the blacklist" in seen["not_blacklisted"]
        assert "sdk-tracker" not in seen["after_delete"] and seen["sim_after_delete"] == "Suspended"
        # What the SDK read is what was stored, and the model made the same of it.
        stored = platform.database.rows(
            "SELECT id, type FROM event WHERE endpoint = ? ORDER BY id DESC", (device,)
        )
        assert [(i, t) for i, t, _ in seen["events"]] == [
            (row["id"], row["type"]) for row in stored
        ][-len(seen["events"]) :]
        assert [t for _, t, _ in reversed(seen["events"])] == [
            51,
            1,
            2,
            3,
            9,
            5,
            8,
            1,
            2,
            68,
            43,
            9,
        ]
        assert platform.fleet.device(device)["connectivity"] == "Blocked"
        again = rebuild(platform.database)
        assert again.outcomes[INCONSISTENT] == 0
        assert again.store.to_json() == platform.fleet.store.to_json()


@pytest.fixture
def command(tmp_path: Path) -> Iterator[list[subprocess.Popen[str]]]:
    started: list[subprocess.Popen[str]] = []
    yield started
    for process in started:
        if process.poll() is None:
            process.kill()
            process.wait()


def start(
    command: list[subprocess.Popen[str]], database: Path, *extra: str
) -> tuple[subprocess.Popen[str], str]:
    process = subprocess.Popen(
        [sys.executable, "-m", "sim", "serve", "--port", "0", "--db", str(database), *extra],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )  # fmt: skip
    command.append(process)
    assert process.stdout is not None
    first = process.stdout.readline()
    assert first.startswith("devicesim platform: http://127.0.0.1:"), first + (
        process.stderr.read() if process.stderr else ""
    )
    return process, first.split()[2]


def stop(process: subprocess.Popen[str]) -> str:
    process.send_signal(signal.SIGINT)
    _, err = process.communicate(timeout=20)
    assert process.returncode == 0, err
    return err


def test_a_restart_continues_where_it_stopped(
    tmp_path: Path, command: list[subprocess.Popen[str]]
) -> None:
    database = tmp_path / "platform.db"
    process, url = start(command, database, "--seed-fleet", "2", "--token", "t0ken")
    api = httpx.Client(base_url=url, timeout=10)
    api.headers["Authorization"] = (
        "Bearer "
        + api.post("/v1/authenticate", json={"application_token": "t0ken"}).json()["auth_token"]
    )
    control = url.removesuffix("api") + "_sim"
    assert httpx.post(f"{control}/endpoint/1/attach", json={}).status_code == 200
    assert httpx.post(f"{control}/endpoint/1/session").status_code == 200
    assert httpx.delete(f"{control}/endpoint/1/session").status_code == 200
    assert (
        api.patch("/v1/endpoint/2", json={"name": "renamed", "status": {"id": 1}}).status_code
        == 204
    )
    before = {
        path: api.get(path).json()
        for path in ("/v1/endpoint", "/v1/sim", "/v1/event", "/v1/endpoint/1/connectivity")
    }
    assert before["/v1/endpoint/1/connectivity"]["status"]["description"] == "ATTACHED"
    assert "stopped" in stop(process)

    process, url = start(command, database, "--seed-fleet", "5", "--token", "t0ken")
    api = httpx.Client(base_url=url, timeout=10, headers=dict(api.headers))
    after = {path: api.get(path).json() for path in before}
    assert after == before, "the tokens, the devices, their SIMs, events and connectivity survive"
    # The session's Device offline was pending when it stopped: the clock still fires it, once.
    control = url.removesuffix("api") + "_sim"
    fired = httpx.post(f"{control}/clock", json={"seconds": 400}).json()["events"]
    assert [(e["event_type"]["id"], e["endpoint"]["id"]) for e in fired] == [(49, 1)]
    assert api.get("/v1/endpoint/1/connectivity").json()["status"]["description"] == "OFFLINE"
    stop(process)


def test_a_database_of_something_else_is_refused(
    tmp_path: Path, command: list[subprocess.Popen[str]]
) -> None:
    other = tmp_path / "other.db"
    sqlite3.connect(other).execute("CREATE TABLE t (x)").connection.commit()
    run = subprocess.run(
        [sys.executable, "-m", "sim", "serve", "--port", "0", "--db", str(other)],
        capture_output=True,
        text=True,
        timeout=30,
    )
    assert run.returncode == 2
    assert "not a devicesim platform database" in run.stderr and "Traceback" not in run.stderr
    text = tmp_path / "notes.txt"
    text.write_text("hello, not a database\n" * 100)
    run = subprocess.run(
        [sys.executable, "-m", "sim", "serve", "--port", "0", "--db", str(text)],
        capture_output=True,
        text=True,
        timeout=30,
    )
    assert run.returncode == 2 and "cannot be used as the platform's database" in run.stderr
