"""``replay --trace-where FIELD=VALUE``: choosing trace entries by what operators filter on.

The fields are those of a JSON trace entry that people search a log by: its type (id or name,
the seed's names included), severity, alert flag, outcome, device, organisation, refusal code
and whether the clock synthesised it. Values compare case-insensitively, so ``severity=WARN``
finds the platform's ``Warn``. ``--where`` stays the device filter of the final table.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from sim.engine.trace import TraceEntry
from sim.errors import CommandLineError, suggest
from sim.events.catalogue import lookup

Test = Callable[[TraceEntry], bool]


def _text(read: Callable[[TraceEntry], object]) -> Callable[[str], Test]:
    def field(value: str) -> Test:
        wanted = value.casefold()
        return lambda entry: str(read(entry)).casefold() == wanted

    return field


def _flag(read: Callable[[TraceEntry], bool]) -> Callable[[str], Test]:
    def field(value: str) -> Test:
        wanted = value.casefold()
        if wanted not in ("true", "false"):
            raise ValueError("expected true or false")
        return lambda entry: read(entry) == (wanted == "true")

    return field


def _type(value: str) -> Test:
    found = lookup(value)
    if found is None:
        raise ValueError("no such event type")
    return lambda entry: entry.type_id == found.id


#: Field name -> how a value of it becomes a test of an entry.
FIELDS: dict[str, Callable[[str], Test]] = {
    "type": _type,
    "severity": _text(lambda e: e.severity),
    "alert": _flag(lambda e: e.alert),
    "outcome": _text(lambda e: e.outcome),
    "endpoint": _text(lambda e: e.endpoint),
    "organisation": _text(lambda e: e.organisation),
    "refusal": _text(lambda e: e.refusal),
    "synthesised": _flag(lambda e: e.synthesised),
}


def parse_trace_where(items: Sequence[str]) -> list[Test]:
    """The ``--trace-where`` filters; CommandLineError naming the one that cannot be read."""
    tests = []
    for item in items:
        name, equals, value = item.partition("=")
        name, value = name.strip().casefold(), value.strip()
        if name not in FIELDS:
            raise CommandLineError(
                f"devicesim replay: --trace-where {item!r}: unknown field {name!r}"
                f"{suggest(name, FIELDS)} (one of {', '.join(FIELDS)})"
            )
        if not equals or not value:
            raise CommandLineError(
                f"devicesim replay: --trace-where {item!r}: expected FIELD=VALUE, e.g. alert=true"
            )
        try:
            tests.append(FIELDS[name](value))
        except ValueError as exc:
            raise CommandLineError(f"devicesim replay: --trace-where {item!r}: {exc}") from None
    return tests
