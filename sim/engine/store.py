"""The fleet's storage: devices, memberships and organisations, and the queries on them.

A device is stored as one integer: the number of its (interned) state plus the number of its
membership (organisation, service profile), whose context number is kept up to date when an
organisation or profile event changes it. ``sim.fleet`` applies events on top of this.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Hashable, Iterator
from typing import Any

from sim.engine.clock import Clock
from sim.engine.initial import InitialState, organisation_state
from sim.engine.organisations import OrganisationState
from sim.engine.outcomes import (
    OUTCOMES,
)
from sim.engine.state import ATTRIBUTES, Context, DeviceState, describe
from sim.engine.step import Move, Step, Stepper
from sim.engine.trace import DeviceChange, TraceEntry
from sim.events.catalogue import CATALOGUE, KIND_IDS
from sim.events.parse import Event

#: A device is one integer: its state's number, and its membership's number shifted by SHIFT.
SHIFT = 20
MASK = (1 << SHIFT) - 1


class FleetState:
    """Devices keyed by endpoint id, their organisations, the clock, the counts and the trace."""

    def __init__(
        self,
        initial: InitialState | None = None,
        *,
        lenient: bool = True,
        trace: bool = False,
        memo: bool = True,
    ) -> None:
        self.initial = initial or InitialState()
        self.stepper = (
            Stepper.shared(follow=lenient) if memo else Stepper(follow=lenient, memo=False)
        )
        self._memo = self.stepper.memo
        self.clock = Clock()
        self.outcomes: Counter[str] = Counter(dict.fromkeys(OUTCOMES, 0))
        self.synthesised: Counter[int] = Counter()
        self.trace: list[TraceEntry] | None = [] if trace else None
        self.organisations: dict[int | None, OrganisationState] = {}
        self._devices: dict[Hashable, int] = {}
        #: membership id -> (organisation id, service profile id), and its context id.
        self._members: list[tuple[int | None, int | None]] = []
        self._member_index: dict[tuple[int | None, int | None], int] = {}
        self._member_context: list[int] = []
        self._member_org: list[int | None] = []
        self._seen: set[int] = set()
        pool = self.stepper.pool
        self._default = pool.index(self.initial.defaults)
        self._loose_sim = pool.index(
            self.initial.defaults._replace(sim="Issued", sim_assignment="Unassigned")
        )
        for org_id, setup in self.initial.organisations.items():
            self.organisations[org_id] = organisation_state(setup)
        for key, device in self.initial.devices.items():
            member = self._membership(device.organisation, device.service_profile)
            self._devices[key] = pool.index(device.state) | (member << SHIFT)

    def preview(self, key: Hashable, kind: tuple[int, str]) -> Step:
        """What applying an event of ``kind`` to this device would do, without doing it."""
        code = self._devices[key]
        return self.stepper.step(code & MASK, self._member_context[code >> SHIFT], KIND_IDS[kind])

    def _organisation(self, org_id: int | None) -> OrganisationState:
        found = self.organisations.get(org_id)
        if found is None:
            found = self.organisations[org_id] = OrganisationState()
        return found

    def _membership(self, org_id: int | None, profile_id: int | None) -> int:
        key = (org_id, profile_id)
        found = self._member_index.get(key)
        if found is None:
            found = self._member_index[key] = len(self._members)
            self._members.append(key)
            self._member_org.append(org_id)
            context = self._organisation(org_id).context(profile_id)
            self._member_context.append(self.stepper.context_id(context))
        return found

    def _new_device(self, key: Hashable, org_id: int | None) -> int:
        index = self._loose_sim if isinstance(key, str) else self._default
        code = index | (self._membership(org_id, None) << SHIFT)
        self._devices[key] = code
        return code

    def _entry(
        self,
        event: Event,
        endpoint: Hashable | None,
        outcome: str,
        step: Step | None = None,
        key: Hashable | None = None,
        warnings: tuple[str, ...] = (),
        changes: tuple[DeviceChange, ...] = (),
        moves: tuple[Move, ...] = (),
        checks: tuple[str, ...] = (),
    ) -> TraceEntry:
        if step is not None:
            changes = tuple(DeviceChange(key, c) for c in step.changes)
            warnings = step.warnings
        etype = CATALOGUE.get(event.type_id)
        return TraceEntry(
            event.id, event.time, event.type_id, etype.name if etype else "unknown",
            endpoint, event.organisation, outcome, changes, warnings,
            step.notes if step else (), False, step.moves if step else moves, step.checks if step else checks,
        )  # fmt: skip

    def endpoints(self) -> Iterator[Hashable]:
        """Every device key seen or set up, in first-seen order."""
        return iter(self._devices)

    def __len__(self) -> int:
        return len(self._devices)

    def __contains__(self, key: object) -> bool:
        return key in self._devices

    def state(self, key: Hashable) -> DeviceState:
        """The raw state of a device (KeyError if never seen)."""
        return self.stepper.pool.values[self._devices[key] & MASK]

    def context(self, key: Hashable) -> Context:
        """What a device reads from its organisation and service profile."""
        return self.stepper.contexts[self._member_context[self._devices[key] >> SHIFT]]

    def membership(self, key: Hashable) -> tuple[int | None, int | None]:
        """(organisation id, service profile id) of a device."""
        return self._members[self._devices[key] >> SHIFT]

    def device(self, key: Hashable) -> dict[str, str]:
        """Every machine state and derived view of a device, by name."""
        return describe(self.state(key), self.context(key))

    def value(self, key: Hashable, name: str) -> str:
        """One machine, view or attribute (``data_quota_action``) of a device, by the name
        scenarios and observations use."""
        if name in ATTRIBUTES:
            return str(getattr(self.state(key), name))
        return self.device(key)[name]

    def snapshot(self) -> dict[str, Any]:
        """The JSON document ``devicesim replay --json`` prints (without the trace)."""
        return {
            "devices": {str(key): self.device(key) for key in self._devices},
            "organisations": {
                str(org_id): org.to_json() for org_id, org in self.organisations.items()
            },
            "outcomes": dict(self.outcomes),
            "synthesised": {str(k): v for k, v in sorted(self.synthesised.items())},
        }
