"""Walking the model to generate event histories the platform could really have sent.

At every point the walker offers the events the model allows (an accepted data session only
with data service, a refused one only without it, a user verified only once invited, ...),
plus organisation and service-profile events. Firing one applies it and, where the model
says a rule ended a data session, appends what the platform sends next (rule 9): a Policy
Control Generic "Disconnecting data access ..." after an endpoint was disabled or a quota
changed, then the Delete PDP Context that closes the session. Waiting delivers what the
platform sends by itself meanwhile (Device offline, a quota's expiry at its date), so callers
wait first and then ask what is allowed. Choosing is left to the caller (a Hypothesis
strategy, a state machine), so that it can shrink.
"""

from __future__ import annotations

from collections.abc import Hashable
from functools import cache
from typing import Any, NamedTuple

from sim.engine.fleet import Fleet
from sim.engine.machines import RUNNERS
from sim.engine.outcomes import INCONSISTENT, INVALID
from sim.engine.trace import TraceEntry
from sim.engine.views import refusal_reason
from sim.events.build import build_event, timestamp
from sim.events.catalogue import CATALOGUE, KINDS, SYNTHESISED, UNKNOWN_REFUSAL, EventType
from sim.io.initial_file import initial_state

START = 1_746_086_400.0  # 2025-05-01T08:00:00Z
ORGANISATION = 100
PROFILE = 7
SUBJECTS = {
    "cloudconnect": ("385", "386"),
    "openvpn": ("alice@example.com",),
    "user": ("alice@example.com", "bob@example.com"),
}


#: How long after its assignment a quota with an expiry date expires: within a few steps, so
#: that histories reach the expiry the platform sends by itself.
EXPIRES_IN = 900.0


class Choice(NamedTuple):
    """One event the model allows now: its kind, the device or subject it concerns, and for a
    quota assignment whether the quota has an expiry date."""

    type_id: int
    variant: str
    endpoint: int | None = None
    subject: str | None = None
    expires: bool = False

    def __repr__(self) -> str:
        """The event by name, as Hypothesis prints the draws of a failing history:
        ``Create PDP Context (3), rejected:no_quota, device-1001``."""
        parts = [f"{CATALOGUE[self.type_id].name} ({self.type_id})"]
        parts += [self.variant] if self.variant else []
        parts += ["expires in 15 min"] if self.expires else []
        parts += [f"device-{self.endpoint}"] if self.endpoint else []
        parts += [self.subject] if self.subject else []
        return ", ".join(parts)


class Walker:
    """A fleet of ``devices`` devices (one organisation, one service profile) and its history."""

    def __init__(self, devices: int = 1, *, organisation_events: bool = True) -> None:
        self.endpoints = [1001 + n for n in range(devices)]
        document = {
            "organisations": {ORGANISATION: {"service_profiles": {PROFILE: {}}}},
            "devices": {
                e: {"organisation": ORGANISATION, "service_profile": PROFILE}
                for e in self.endpoints
            },
        }
        self.fleet = Fleet(initial_state(document), lenient=False, trace=True)
        self.organisation_events = organisation_events
        self.now = START
        self.next_id = 1
        self.history: list[dict[str, Any]] = []

    def choices(self) -> list[Choice]:
        """Every event the model allows now, in a stable order."""
        found = [c for endpoint in self.endpoints for c in self._device_choices(endpoint)]
        if self.organisation_events:
            found += self._organisation_choices()
        return found

    def _device_choices(self, endpoint: int) -> list[Choice]:
        found = []
        state, context = self.fleet.state(endpoint), self.fleet.context(endpoint)
        reason = refusal_reason(state, context)
        for type_id, variant in KINDS[1:]:
            etype = CATALOGUE[type_id]
            # The clock synthesises Device offline and quota expiry (expiry needs dates).
            if etype.scope != "endpoint" or type_id in SYNTHESISED:
                continue
            effect = etype.effects[variant]
            if effect.rejected:
                # The platform refuses exactly when the model denies data service, and says why.
                if effect.refusal == reason != UNKNOWN_REFUSAL:
                    found.append(Choice(type_id, variant, endpoint))
                continue
            preview = self.fleet.preview(endpoint, (type_id, variant))
            # Without warnings too: the platform sends 18-21 only under quota management.
            if preview.outcome != INCONSISTENT and not preview.warnings:
                found.append(Choice(type_id, variant, endpoint))
                if etype.payload == "quota":
                    found.append(Choice(type_id, variant, endpoint, expires=True))
        return found

    def _organisation_choices(self) -> list[Choice]:
        org = self.fleet.organisations[ORGANISATION]
        found = [
            Choice(t, e.default_variant)
            for t, e in CATALOGUE.items()
            if e.subject == "service_profile"
        ]
        audit = []
        for type_id, etype in CATALOGUE.items():
            triggers = etype.effects[etype.default_variant].triggers
            if etype.scope != "organisation":
                continue
            if not triggers:
                audit.append(Choice(type_id, etype.default_variant))
                continue
            machine, trigger = triggers[0]
            for subject in SUBJECTS.get(machine, (None,)) if etype.subject == "entity" else (None,):
                current = (
                    org.entities.get(machine, {}).get(subject, RUNNERS[machine].initial)
                    if subject is not None
                    else org.holder(machine)[machine]
                )
                if _allowed(machine, current, trigger):
                    found.append(Choice(type_id, etype.default_variant, subject=subject))
        return found + audit

    def open_with(
        self, data_quota_management: bool, sms_quota_management: bool
    ) -> list[dict[str, Any]]:
        """Start the story with quota management switched on for the devices' profile, as
        the platform reports it (Data quota enabled, SMS quota enabled): histories stay
        self-contained."""
        sent = []
        for wanted, machine in (
            (data_quota_management, "data_quota_management"),
            (sms_quota_management, "sms_quota_management"),
        ):
            if wanted:
                etype = _switching_on(machine)
                sent += self.fire(Choice(etype.id, etype.default_variant), gap=1.0)
        return sent

    def wait(self, gap: float) -> list[dict[str, Any]]:
        """Let ``gap`` seconds pass; return what the platform sends by itself meanwhile. Wait
        before asking for ``choices``: an expiry on the way changes what is allowed."""
        self.now += gap
        return self._due()

    def fire(self, choice: Choice, gap: float = 0.0) -> list[dict[str, Any]]:
        """Apply one allowed event ``gap`` seconds after the last, with the platform's
        follow-ups; return every event sent, in order."""
        sent = self.wait(gap)
        expiry = {"expiryDate": timestamp(self.now + EXPIRES_IN)} if choice.expires else None
        event = self._send(choice.type_id, choice.variant, choice.endpoint, choice.subject, expiry)
        sent.append(event)
        return sent + self._follow_ups(self._apply(event))

    def _follow_ups(self, entry: TraceEntry) -> list[dict[str, Any]]:
        """What the platform sends after an event whose rule ended data sessions."""
        sent = []
        for endpoint in _sessions_ended(entry):
            for type_id, variant in CATALOGUE[entry.type_id].follow_ups:
                sent += self._follow_up(type_id, variant, endpoint)
        return sent

    def _follow_up(self, type_id: int, variant: str, endpoint: Hashable) -> list[dict[str, Any]]:
        self.now += 1
        sent = self._due()
        sent.append(self._send(type_id, variant, int(str(endpoint)), None))
        self._apply(sent[-1])
        return sent

    def _due(self) -> list[dict[str, Any]]:
        """What the platform sends by itself by now: the events the model's clock synthesises
        (Device offline five minutes after a session ended, a quota's expiry), already applied
        to the model, and the end of the session an expiry cut."""
        sent = []
        for entry in self.fleet.advance_to(self.now):
            sent.append(
                self._send(entry.type_id, "", int(str(entry.endpoint)), None, at=entry.time)
            )
            sent += self._follow_ups(entry)
        return sent

    def _send(
        self,
        type_id: int,
        variant: str,
        endpoint: int | None,
        subject: str | None,
        quota: dict[str, Any] | None = None,
        *,
        at: float | None = None,
    ) -> dict[str, Any]:
        event = build_event(
            type_id, event_id=self.next_id, time=self.now if at is None else at,
            organisation=ORGANISATION, endpoint=endpoint, variant=variant,
            service_profile=PROFILE, subject=subject, quota=quota,
        )  # fmt: skip
        self.next_id += 1
        self.history.append(event)
        return event

    def _apply(self, event: dict[str, Any]) -> TraceEntry:
        entry = self.fleet.apply(event)
        if entry.outcome in (INCONSISTENT, INVALID):
            raise AssertionError(f"the walker offered an impossible event: {entry}")
        return entry


def _switching_on(machine: str) -> EventType:
    """The service-profile event that switches a quota management machine on."""
    return next(
        etype
        for etype in CATALOGUE.values()
        if etype.effects[etype.default_variant].triggers == ((machine, "enable"),)
    )


@cache
def _allowed(machine: str, state: str, trigger: str) -> bool:
    """Whether the machine's table allows ``trigger`` in ``state`` (asked once per triple)."""
    return RUNNERS[machine].fire(state, trigger) is not None


def _sessions_ended(entry: TraceEntry) -> list[Hashable]:
    """Devices whose data session this event ended by a rule or a Generic disconnect."""
    ended = []
    for item in entry.changes:
        change = item.change
        if change.machine == "pdp" and change.trigger == "cut_off":
            ended.append(item.endpoint)
    return list(dict.fromkeys(ended))
