"""The fleet's storage: devices, memberships and organisations, and the queries on them.

A device is stored as one integer (``sim.engine.packing``): the number of its interned state
plus the number of its membership (organisation, service profile), whose context number is
kept up to date when an organisation or profile event changes it. ``sim.engine.fleet`` applies
events on top of this; the organisation events and the timers share it.
"""

from __future__ import annotations

from collections.abc import Hashable, Iterator
from typing import Any, NamedTuple

from sim.engine.initial import DeviceSetup, InitialState, organisation_state
from sim.engine.memo import Stepper
from sim.engine.organisation_state import OrganisationState
from sim.engine.packing import MEMBER_SHIFT, STATE_MASK, device_code
from sim.engine.state import ALL_ASSUMED, LOOSE_SIM, Context, DeviceState
from sim.engine.step import Change, Move, StepResult
from sim.engine.trace import DeviceChange, DeviceView
from sim.engine.views import describe, view_changes
from sim.engine.vocabulary import ATTRIBUTES, MACHINES, STATE_ATTRIBUTES, attribute_text
from sim.events.catalogue import KIND_IDS, RECHECK_KIND, Kind
from sim.events.fields import digits_id

Membership = tuple[int | None, int | None]

#: How a device first seen in the events starts: every machine assumed until events show it
#: (``evidence``), or known to be in service (``in-service``: SIM Activated and Assigned,
#: Enabled, Unblocked, Detached, no quotas; the model before evidence existed).
EVIDENCE, IN_SERVICE = "evidence", "in-service"
ASSUMPTIONS = (EVIDENCE, IN_SERVICE)


def by_id(key: Hashable) -> tuple[int, int, str]:
    """Ascending id order for device and organisation keys: none first, then numbers, then
    ``sim:<id>`` keys by their number."""
    if key is None:
        return (0, 0, "")
    if isinstance(key, int):
        return (1, key, "")
    text = str(key)
    number = text.removeprefix("sim:")
    found = digits_id(number)
    return (2, found, text) if found is not None else (3, 0, text)


class FanOut(NamedTuple):
    """What re-applying the rules to the devices of an organisation or profile did."""

    changes: list[DeviceChange]
    moves: list[Move]
    checks: list[str]
    views: list[DeviceView]

    @classmethod
    def of_step(cls, key: Hashable, step: StepResult, changes: tuple[Change, ...] = ()) -> FanOut:
        """One device's step (after ``changes`` made before it) as a fan-out."""
        return cls(
            [DeviceChange(key, c) for c in (*changes, *step.changes)],
            [*((c.machine, c.source, c.trigger) for c in changes if c.trigger), *step.moves],
            list(step.checks),
            [DeviceView(key, *v) for v in step.views],
        )


def joined(first: FanOut | None, second: FanOut) -> FanOut:
    """Two things done to a device before its event, in order."""
    if first is None:
        return second
    return FanOut(
        first.changes + second.changes,
        first.moves + second.moves,
        first.checks + second.checks,
        first.views + second.views,
    )


class FleetStore:
    """Devices keyed by endpoint id (or ``sim:<id>``), their memberships and organisations."""

    def __init__(
        self,
        initial: InitialState | None,
        *,
        lenient: bool,
        memo: bool,
        assume: str,
        silent: bool,
    ) -> None:
        if assume not in ASSUMPTIONS:
            raise ValueError(f"assume must be one of {', '.join(ASSUMPTIONS)}, not {assume!r}")
        self.initial = initial or InitialState()
        self.stepper = (
            Stepper.shared(follow=lenient, silent=silent)
            if memo
            else Stepper(follow=lenient, silent=silent, memo=False)
        )
        self.organisations: dict[int | None, OrganisationState] = {}
        self.devices: dict[Hashable, int] = {}
        #: SIM ids with a device of their own (``sim:<id>``): first seen without an endpoint.
        self.loose_sims: set[int] = set()
        #: SIM id -> the endpoint a loose SIM was handed over to: where its later events go.
        self.sim_homes: dict[int, Hashable] = {}
        #: membership id -> (organisation id, service profile id), its organisation and the
        #: number of its context.
        self.members: list[Membership] = []
        self.member_org: list[int | None] = []
        self.member_context: list[int] = []
        self._member_index: dict[Membership, int] = {}
        pool = self.stepper.pool
        defaults = self.initial.defaults
        if assume == EVIDENCE:
            defaults = defaults._replace(assumed=ALL_ASSUMED)
        self._default = pool.index(defaults)
        self._loose_sim = pool.index(
            defaults._replace(sim=LOOSE_SIM.sim, sim_assignment=LOOSE_SIM.sim_assignment)
        )
        for org_id, setup in self.initial.organisations.items():
            self.organisations[org_id] = organisation_state(setup)
        for key, device in self.initial.devices.items():
            member = self.membership(device.organisation, device.service_profile)
            state = device.state
            if assume == EVIDENCE and device.known is not None:
                state = state._replace(assumed=ALL_ASSUMED - device.known)
            self.devices[key] = device_code(pool.index(state), member)

    @property
    def defaults(self) -> DeviceState:
        """How a device first seen starts: the initial state's defaults, assumed or not."""
        return self.stepper.pool.values[self._default]

    def organisation(self, org_id: int | None) -> OrganisationState:
        """An organisation, created Active on first use."""
        found = self.organisations.get(org_id)
        if found is None:
            found = self.organisations[org_id] = OrganisationState()
        return found

    def membership(self, org_id: int | None, profile_id: int | None) -> int:
        """The number of an (organisation, service profile) pair, numbered on first use."""
        key = (org_id, profile_id)
        found = self._member_index.get(key)
        if found is None:
            found = self._member_index[key] = len(self.members)
            self.members.append(key)
            self.member_org.append(org_id)
            context = self.organisation(org_id).context(profile_id)
            self.member_context.append(self.stepper.context_id(context))
        return found

    def new_device(self, key: Hashable, org_id: int | None, sim_id: int | None) -> int:
        """A device seen for the first time: from the defaults (assumed, unless in service),
        or a loose SIM for ``sim:<id>``."""
        loose = isinstance(key, str)
        code = device_code(
            self._loose_sim if loose else self._default, self.membership(org_id, None)
        )
        self.devices[key] = code
        if loose and sim_id is not None:
            self.loose_sims.add(sim_id)
        return code

    def add(self, key: Hashable, setup: DeviceSetup) -> None:
        """A device provisioned while the fleet runs (the local platform creates endpoints),
        with what is known of it: its state, organisation and service profile."""
        if key in self.devices:
            raise ValueError(f"device {key} exists already")
        member = self.membership(setup.organisation, setup.service_profile)
        self.devices[key] = device_code(self.stepper.pool.index(setup.state), member)

    def release_sim(self, key: Hashable, sim_id: int) -> None:
        """SIM ``sim_id`` left endpoint ``key`` (SIM Released): it is a loose SIM again, with
        the status it had, so that the endpoint it is put in next takes that status."""
        code = self.devices[key]
        loose = self.stepper.pool.values[self._loose_sim]._replace(sim=self.state_of(code).sim)
        self.sim_homes.pop(sim_id, None)
        self.loose_sims.add(sim_id)
        member = self.membership(self.member_org[code >> MEMBER_SHIFT], None)
        self.devices[f"sim:{sim_id}"] = device_code(self.stepper.pool.index(loose), member)

    def sim_key(self, sim_id: int | None) -> Hashable:
        """The device an event naming only a SIM goes to: the endpoint a loose SIM was handed
        over to, else the SIM's own (``sim:<id>``); None when no SIM is named either."""
        if sim_id is None:
            return None
        return self.sim_homes.get(sim_id, f"sim:{sim_id}")

    def adopt_sim(self, key: Hashable, sim_id: int) -> FanOut:
        """A SIM seen before without an endpoint turns up in endpoint ``key``: it is one SIM,
        so the endpoint takes over its state and the SIM's own device goes (domain.md rule 13).
        The rules apply again, since the SIM's status decides network access."""
        self.loose_sims.discard(sim_id)
        self.sim_homes[sim_id] = key
        loose = self.state_of(self.devices.pop(f"sim:{sim_id}"))
        code = self.devices[key]
        state = self.state_of(code)
        assumed = state.assumed - {"sim"} | loose.assumed & {"sim"}
        adopted = state._replace(sim=loose.sim, assumed=assumed)
        reason = f"SIM {sim_id} was seen before without an endpoint: the endpoint takes its state"
        changes = (Change("sim", state.sim, loose.sim, "event", reason, inferred=True),)
        member = code >> MEMBER_SHIFT
        step = self.step(device_code(self.stepper.pool.index(adopted), member), RECHECK_KIND)
        self.devices[key] = device_code(step.state_id, member)
        return FanOut.of_step(key, step, changes if loose.sim != state.sim else ())

    def state_of(self, code: int) -> DeviceState:
        """The state of a device stored as ``code``."""
        return self.stepper.pool.values[code & STATE_MASK]

    def step(self, code: int, kind_id: int) -> StepResult:
        """What an event kind does to the device stored as ``code`` (not stored back)."""
        member = code >> MEMBER_SHIFT
        return self.stepper.step(code & STATE_MASK, self.member_context[member], kind_id)

    def recheck(self, org_id: int | None, profile_id: int | None) -> FanOut:
        """Re-apply the rules to the devices an organisation or profile change reaches: their
        context changed."""
        organisation = self.organisation(org_id)
        before: dict[int, Context] = {}
        for member, (org, profile) in enumerate(self.members):
            if org == org_id and (profile_id is None or profile == profile_id):
                before[member] = self.stepper.contexts[self.member_context[member]]
                context = organisation.context(profile)
                self.member_context[member] = self.stepper.context_id(context)
        fanned = FanOut([], [], [], [])
        updates: dict[Hashable, int] = {}
        for key, code in self.devices.items():
            member = code >> MEMBER_SHIFT
            if member in before:
                step = self.step(code, RECHECK_KIND)
                state = self.state_of(code)
                context = self.stepper.contexts[self.member_context[member]]
                seen = view_changes(state, before[member], step.state, context)
                fanned.views.extend(DeviceView(key, *v) for v in seen)
                if step.changes:
                    updates[key] = device_code(step.state_id, member)
                    fanned.changes.extend(DeviceChange(key, c) for c in step.changes)
                    fanned.moves.extend(step.moves)
                    fanned.checks.extend(step.checks)
        self.devices.update(updates)
        return fanned

    def preview(self, key: Hashable, kind: Kind) -> StepResult:
        """What applying an event of ``kind`` to this device would do, without doing it."""
        return self.step(self.devices[key], KIND_IDS[kind])

    def endpoints(self) -> Iterator[Hashable]:
        """Every device key seen or set up, in first-seen order."""
        return iter(self.devices)

    def to_json(self) -> dict[str, Any]:
        """Devices (states, views, what is still assumed) and organisations, by ascending id."""
        devices = {str(key): self.device_json(key) for key in sorted(self.devices, key=by_id)}
        return {"devices": devices, "organisations": self.organisations_json()}

    def device_json(self, key: Hashable) -> dict[str, Any]:
        """One device as ``replay --json`` shows it: machines, views, attributes, assumed."""
        return {**self.device(key), **self.attributes(key), "assumed": self.assumed(key)}

    def organisations_json(self) -> dict[str, Any]:
        """The organisations by ascending id, as ``replay --json`` shows them."""
        return {
            str(org_id): self.organisations[org_id].to_json()
            for org_id in sorted(self.organisations, key=by_id)
        }

    def state(self, key: Hashable) -> DeviceState:
        """The raw state of a device (KeyError if never seen)."""
        return self.state_of(self.devices[key])

    def organisation_of(self, key: Hashable) -> int | None:
        """The id of the organisation a device belongs to."""
        return self.member_org[self.devices[key] >> MEMBER_SHIFT]

    def context(self, key: Hashable) -> Context:
        """What a device reads from its organisation and service profile."""
        return self.stepper.contexts[self.member_context[self.devices[key] >> MEMBER_SHIFT]]

    def device(self, key: Hashable) -> dict[str, str]:
        """Every machine state and derived view of a device, by name."""
        return describe(self.state(key), self.context(key))

    def attributes(self, key: Hashable) -> dict[str, object]:
        """The device's attributes people read (``STATE_ATTRIBUTES``), as JSON values."""
        state = self.state(key)
        return {name: getattr(state, name) for name in STATE_ATTRIBUTES}

    def assumed(self, key: Hashable) -> list[str]:
        """The device's machines no event has shown yet, in the order state is reported."""
        assumed = self.state(key).assumed
        return [machine for machine in MACHINES if machine in assumed]

    def value(self, key: Hashable, name: str) -> str:
        """One machine, view or attribute (``data_quota_action``) of a device, by the name
        scenarios and observations use."""
        if name in ATTRIBUTES:
            return attribute_text(getattr(self.state(key), name))
        return self.device(key)[name]
