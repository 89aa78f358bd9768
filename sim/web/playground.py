"""The playground's server: the page, and a small JSON API over one session.

Every answer is the whole view (``state_view``): the selected device's machines and views, what
the last step did and why, every event marked possible or not, where the session is. Bad
requests get a 400 with ``{"error": ...}``; the session is changed only by a request that
succeeds.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from json import JSONDecodeError
from typing import Any

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, Response
from starlette.routing import Route

from sim.engine.vocabulary import MACHINES, STATE_ATTRIBUTES, VIEWS
from sim.errors import DeviceSimError, UsageError
from sim.events.catalogue import lookup
from sim.pictures.playground_page import playground_html
from sim.pictures.timeline import mark
from sim.scenarios import suite
from sim.scenarios.choices import choices, offered
from sim.scenarios.library import bundled_library
from sim.scenarios.session import Session, load_session, saved
from sim.web.server import EXCEPTION_HANDLERS, problem

#: The longest wait one click may ask for: a year.
MAX_WAIT = 366 * 86_400


def bundled() -> list[str]:
    """The bundled scenarios by their path in the library, to offer and to load."""
    root = bundled_library()
    return [path.relative_to(root).as_posix() for path in suite.collect([str(root)])]


def _describe(step: dict[str, Any]) -> str:
    return ", ".join(f"{key} {value}" for key, value in step.items())


def state_view(session: Session) -> dict[str, Any]:
    """What the page shows, for the selected device."""
    result = session.result()
    alias = session.selected
    endpoint = session.devices[alias]
    reports = result.steps if session.position else []
    history = [result.start[alias], *(report.states[alias] for report in reports)]
    now = history[-1]
    shown = {name: now[name] for name in (*VIEWS, *MACHINES, *STATE_ATTRIBUTES)}
    last = None
    if reports:
        step = reports[-1]
        marks = [mark(entry, endpoint, None) for entry in step.entries]
        last = {"label": f"step {step.step.number}: {step.step.label}", "marks": marks}
    upcoming = session.script[session.position] if session.position < len(session.script) else None
    return {
        "name": session.name,
        "mode": session.mode,
        "position": session.position,
        "length": len(session.script),
        "can_undo": session.position > 0,
        "can_redo": upcoming is not None,
        "next": _describe(upcoming) if upcoming else None,
        "devices": [{"alias": a, "endpoint": e} for a, e in session.devices.items()],
        "selected": alias,
        "lanes": [*VIEWS, *MACHINES],
        "states": shown,
        "changed": [name for name in shown if len(history) > 1 and history[-2][name] != now[name]],
        "visited": {m: sorted({states[m] for states in history}) for m in MACHINES},
        "last": last,
        "events": choices(session),
    }


async def _body(request: Request) -> dict[str, Any]:
    try:
        body = await request.json()
    except (JSONDecodeError, UnicodeDecodeError) as exc:
        raise UsageError(f"expected a JSON object: {exc}") from exc
    if not isinstance(body, dict):
        raise UsageError("expected a JSON object")
    return body


def _field(body: dict[str, Any], name: str, kind: type) -> Any:
    value = body.get(name)
    if not isinstance(value, kind) or (isinstance(value, bool) and kind is int):
        raise UsageError(f"expected {name!r} as a {kind.__name__}, got {value!r}")
    return value


Handler = Callable[[Session, dict[str, Any]], None]


def _event(session: Session, body: dict[str, Any]) -> None:
    etype = lookup(_field(body, "type", int))
    variant = body.get("variant") or ""
    if etype is None:
        raise UsageError(f"no event type {body['type']!r}")
    if variant not in offered(etype):
        raise UsageError(f"{etype.name} has no variant {variant!r} here: {list(offered(etype))}")
    session.send(session.event_step(etype, variant))


def _wait(session: Session, body: dict[str, Any]) -> None:
    seconds = _field(body, "seconds", int)
    if not 0 < seconds <= MAX_WAIT:
        raise UsageError(f"expected 'seconds' from 1 to {MAX_WAIT}, got {seconds}")
    session.send({"wait": f"{seconds}s"})


def _move(forward: bool) -> Handler:
    def move(session: Session, body: dict[str, Any]) -> None:
        if not (session.redo() if forward else session.undo()):
            raise UsageError("nothing to redo" if forward else "nothing to undo")

    return move


def _device(session: Session, body: dict[str, Any]) -> None:
    state = body.get("state") or {}
    if not isinstance(state, dict) or not all(isinstance(v, str) for v in state.values()):
        raise UsageError("expected 'state' as an object of machine names and states")
    session.add_device(_field(body, "name", str), state)


class Playground:
    """One session behind the API; ``reset`` starts a new one."""

    def __init__(self) -> None:
        self.session = Session()
        self.scenarios = bundled()

    def _load(self, session: Session, body: dict[str, Any]) -> None:
        name = _field(body, "scenario", str)
        if name not in self.scenarios:
            raise UsageError(f"no bundled scenario {name!r}")
        self.session = load_session(bundled_library() / name)

    def _reset(self, session: Session, body: dict[str, Any]) -> None:
        self.session = Session()

    def action(self, handler: Handler) -> Callable[[Request], Awaitable[Response]]:
        """An endpoint that applies ``handler`` to the session and answers the new view."""

        async def endpoint(request: Request) -> Response:
            try:
                handler(self.session, await _body(request))
                return JSONResponse(state_view(self.session))
            except DeviceSimError as exc:
                return problem(400, str(exc))

        return endpoint

    def app(self) -> Starlette:
        """The playground's Starlette app."""
        page = playground_html(self.scenarios)

        async def index(request: Request) -> Response:
            return HTMLResponse(page)

        async def state(request: Request) -> Response:
            return JSONResponse(state_view(self.session))

        async def save(request: Request) -> Response:
            disposition = 'attachment; filename="playground.yaml"'
            return Response(saved(self.session), media_type="application/yaml",
                            headers={"Content-Disposition": disposition})  # fmt: skip

        actions = {
            "event": _event, "wait": _wait, "undo": _move(False), "redo": _move(True),
            "device": _device, "select": lambda s, b: s.select(_field(b, "device", str)),
            "load": self._load, "reset": self._reset,
        }  # fmt: skip
        routes = [
            Route("/", index),
            Route("/api/state", state),
            Route("/api/save", save),
            *(
                Route(f"/api/{name}", self.action(h), methods=["POST"])
                for name, h in actions.items()
            ),
        ]
        return Starlette(routes=routes, exception_handlers=EXCEPTION_HANDLERS)
