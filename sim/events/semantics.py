"""What a row of the event catalogue says, and the registry that numbers and indexes the rows.

An ``EventType`` is everything the package knows about one type id: its variants (an accepted
or refused Create PDP Context, a Generic event that disconnects or only informs) with the
machine triggers each fires, what the event is about (an endpoint, its organisation, a service
profile, an organisation-level entity and where the payload names it), how the parser reads
its variant, the timers it sets or cancels, the events the platform sends after it when a data
session was cut, and sample payload fields for building it. Parsing, building, the engine,
the walker and scenario steps read these rows; none of them compares raw type ids.

The registry numbers every (type id, variant) as a *kind*: events carry that number, and the
engine's memo is keyed by it. Kinds are only ever appended, so a registered type (a test's
temporary one, say) never renumbers the others; the indexes below are updated in place, so
modules that hold them see every registration.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any, Literal, NamedTuple

from sim.errors import CatalogueError
from sim.events.fields import digits_id
from statemachines import ALL_MACHINES, trigger_names

Subject = Literal["endpoint", "organisation", "service_profile", "entity"]
#: How the parser tells the variants of a type apart: not at all, a Generic disconnect or
#: notice, a registration the network accepted or refused, an accepted or refused data
#: session, a quota with its action on exhaustion.
Payload = Literal["plain", "notice", "registration", "session", "quota"]
Trigger = tuple[str, str]
Kind = tuple[int, str]
NETWORK, POLICY_CONTROL, API = 0, 1, 2
SOURCE_NAMES = {NETWORK: "Network", POLICY_CONTROL: "Policy Control", API: "API"}


class Timer(NamedTuple):
    """A timer an event sets (or cancels): the clock synthesises ``fires`` when it is due,
    ``after`` seconds after the event or at the expiry date of the quota the event assigns."""

    fires: int
    cancel: bool = False
    after: float = 0.0
    at_quota_expiry: bool = False


class Refusal(NamedTuple):
    """One reason the platform gives for refusing a data session."""

    code: str
    #: In words, for explanations and warnings.
    words: str
    #: What the platform writes after "PDP Context Request rejected, because ...".
    text: str
    #: Lower-case substrings of a description that name this reason.
    matches: tuple[str, ...]
    #: Values of ``detail.data_service_failure_cause`` that name it (lower case).
    causes: tuple[str, ...]
    #: The refusal shows that data quota management applies to the device.
    proves_quota_management: bool = False
    #: Device attributes the refusal sets (an IMEI lock shows the device Blocked).
    sets: tuple[tuple[str, object], ...] = ()


@dataclass(frozen=True)
class Effect:
    """What one variant of an event type does, and how it looks in a payload."""

    triggers: tuple[Trigger, ...] = ()
    #: Device attributes the event sets (quota action, inferred quota management).
    sets: tuple[tuple[str, object], ...] = ()
    #: The event reports a request the platform refused, and the refusal's code.
    rejected: bool = False
    refusal: str = ""
    #: How the parser recognises this variant, for ``explain``.
    when: str = ""
    timers: tuple[Timer, ...] = ()
    #: The ``event_source`` id the platform writes for this variant.
    source: int = API
    #: Top-level payload fields of a built event: ``{subject}``, ``{subject_number}`` and
    #: ``{service_profile}`` in strings are filled in (see ``sim.events.build``).
    sample: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class EventType:
    """One row of the catalogue."""

    id: int
    name: str
    category: str
    subject: Subject
    explanation: str
    effects: Mapping[str, Effect] = field(default_factory=lambda: {"": Effect()})
    payload: Payload = "plain"
    #: Where an entity event names its entity, tried in order (see ``sim.events.parse``).
    subject_at: tuple[str, ...] = ()
    #: What the platform sends after this event when the event (or a rule it set off) cut a
    #: data session: the kinds, in order.
    follow_ups: tuple[Kind, ...] = ()
    #: Other names the type goes by: the platform's event documentation names some types
    #: differently from the catalogue ("SIM factory", "Organization blocked").
    aliases: tuple[str, ...] = ()

    @property
    def scope(self) -> Literal["endpoint", "organisation", "service_profile"]:
        """Which part of the model the event reaches: a device, its organisation (entities
        included) or a service profile."""
        return "organisation" if self.subject == "entity" else self.subject

    @property
    def audit_only(self) -> bool:
        """True when no variant of this type changes any state."""
        return all(not e.triggers and not e.sets and not e.rejected for e in self.effects.values())

    @property
    def default_variant(self) -> str:
        """The variant an event gets when nothing says otherwise: the first listed."""
        return next(iter(self.effects))

    @property
    def machines(self) -> tuple[str, ...]:
        """The machines any variant drives, in first-use order."""
        return tuple(dict.fromkeys(m for e in self.effects.values() for m, _ in e.triggers))


#: Every (type id, variant) the model distinguishes, numbered. Index 0 is the recheck after an
#: organisation or profile change. Appended to only.
KINDS: list[Kind] = [(-1, "recheck")]
RECHECK_KIND = 0
KIND_IDS: dict[Kind, int] = {KINDS[0]: 0}
#: Kinds that reach one device.
DEVICE_KINDS: set[int] = set()
#: Kind id -> the timers events of that kind set or cancel (kinds without timers are absent).
TIMERS: dict[int, tuple[Timer, ...]] = {}
#: Type id -> kind id of the endpoint and organisation types whose payload needs no reading
#: beyond the common fields (the parser's fast path).
PLAIN_KINDS: dict[int, int] = {}
#: Type id -> kind id of the types the clock synthesises (some timer fires them).
SYNTHESISED: dict[int, int] = {}
_BY_ID: dict[int, EventType] = {}
_BY_NAME: dict[str, EventType] = {}
#: The catalogue by type id (read-only; ``register`` adds to it).
CATALOGUE: Mapping[int, EventType] = MappingProxyType(_BY_ID)


def _check(etype: EventType) -> None:
    if etype.id in _BY_ID:
        raise CatalogueError(f"event type {etype.id} is already registered", event_id=etype.id)
    for variant, effect in etype.effects.items():
        for machine, trigger in effect.triggers:
            table = ALL_MACHINES.get(machine)
            if table is None or trigger not in trigger_names(table):
                raise CatalogueError(
                    f"event type {etype.id} ({variant or 'default'}): no trigger {machine}.{trigger}",
                    event_id=etype.id,
                )
    if etype.subject == "entity" and not etype.subject_at:
        raise CatalogueError(
            f"event type {etype.id}: an entity event needs subject_at", event_id=etype.id
        )


def register(etype: EventType) -> None:
    """Add a row: it is checked against the machine tables, its kinds are numbered after every
    kind known so far, and every index is updated in place."""
    _check(etype)
    _BY_ID[etype.id] = etype
    for name in (etype.name, *etype.aliases):
        _BY_NAME[name.casefold()] = etype
    for variant in etype.effects:
        KIND_IDS[(etype.id, variant)] = len(KINDS)
        KINDS.append((etype.id, variant))
    _index()


def unregister(type_id: int) -> None:
    """Remove the row registered last (kinds are never renumbered, so only the last can go).
    Memoised steps of its kinds are the engine's to forget (``Stepper.forget_shared``)."""
    if not _BY_ID or next(reversed(_BY_ID)) != type_id:
        raise CatalogueError(
            f"only the type registered last can be removed, not {type_id}", event_id=type_id
        )
    etype = _BY_ID.pop(type_id)
    for name in (etype.name, *etype.aliases):
        _BY_NAME.pop(name.casefold(), None)
    while KINDS[-1][0] == type_id:
        del KIND_IDS[KINDS.pop()]
    _index()


def _index() -> None:
    device: set[int] = set()
    timers: dict[int, tuple[Timer, ...]] = {}
    plain: dict[int, int] = {}
    for kind_id, (type_id, variant) in enumerate(KINDS):
        etype = _BY_ID.get(type_id)
        if etype is None:
            continue
        effect = etype.effects[variant]
        if etype.scope == "endpoint":
            device.add(kind_id)
        if effect.timers:
            timers[kind_id] = effect.timers
        if etype.payload == "plain" and etype.subject in ("endpoint", "organisation"):
            plain[type_id] = kind_id
    fired = {timer.fires for kind_timers in timers.values() for timer in kind_timers}
    synthesised = {t: KIND_IDS[(t, _BY_ID[t].default_variant)] for t in fired if t in _BY_ID}
    DEVICE_KINDS.clear()
    DEVICE_KINDS.update(device)
    TIMERS.clear()
    TIMERS.update(timers)
    PLAIN_KINDS.clear()
    PLAIN_KINDS.update(plain)
    SYNTHESISED.clear()
    SYNTHESISED.update(synthesised)


def lookup(key: int | str) -> EventType | None:
    """Find a type by id (int or digit string) or by name (case-insensitive)."""
    if isinstance(key, int):
        return CATALOGUE.get(key)
    text = key.strip()
    number = digits_id(text)
    if number is not None:
        return CATALOGUE.get(number)
    return _BY_NAME.get(text.casefold())


def search(keyword: str) -> list[EventType]:
    """Types whose name or alias contains every word of ``keyword`` (case-insensitive), in
    catalogue order: how ``explain quota`` finds the quota events."""
    words = keyword.casefold().split()
    return [
        row
        for row in _BY_ID.values()
        if words
        and any(all(word in name.casefold() for word in words) for name in (row.name, *row.aliases))
    ]


def names() -> list[str]:
    """Every type name and alias, for did-you-mean suggestions."""
    return [name for row in _BY_ID.values() for name in (row.name, *row.aliases)]


def effect_of(kind: Kind) -> Effect:
    """The effect of an event kind; the recheck kind has none."""
    if kind == KINDS[RECHECK_KIND]:
        return Effect()
    return _BY_ID[kind[0]].effects[kind[1]]
