"""The engine's fast path: every device step computed once per (state, context, kind).

States and contexts are interned to small integers and kinds are numbered by the catalogue, so
a memo key is one integer (``sim.engine.packing``) and a replay of millions of events asks the
``transitions`` machines only for the few thousand combinations it meets. ``Stepper`` holds the
pools and the memo; fleets of one process share one per mode.
"""

from __future__ import annotations

from sim.engine.packing import (
    CONTEXT_BITS,
    STATE_BITS,
    Interner,
    check_kind,
    memo_key,
    unpack_key,
)
from sim.engine.state import Context, DeviceState
from sim.engine.step import StepResult, reference_step
from sim.events.catalogue import KINDS


class Stepper:
    """Steps devices stored as state ids, memoising ``reference_step``.

    ``follow`` is the lenient mode: follow an impossible event to the state it reports (never
    out of a final state) instead of leaving the device as it was. ``silent`` lets an event
    prove a change the platform makes without one (a policy unblocked, a quota refilled).
    """

    def __init__(self, *, follow: bool = True, silent: bool = False, memo: bool = True) -> None:
        self.follow = follow
        self.silent = silent
        self.pool: Interner[DeviceState] = Interner(STATE_BITS, "device states")
        self._contexts: Interner[Context] = Interner(CONTEXT_BITS, "device contexts")
        #: Contexts by number (read on the hot path).
        self.contexts = self._contexts.values
        #: The memo itself: the engine reads it directly on its hot path.
        self.memo: dict[int, StepResult] = {}
        self._keep = memo

    @classmethod
    def shared(cls, *, follow: bool, silent: bool) -> Stepper:
        """The process-wide stepper of a mode: fleets built one after another (scenarios,
        generated tests) then reuse each other's memo instead of asking ``transitions`` again.
        Interning only ever appends, so sharing is safe within one thread."""
        found = _SHARED.get((follow, silent))
        if found is None:
            found = _SHARED[(follow, silent)] = cls(follow=follow, silent=silent)
        return found

    def context_id(self, context: Context) -> int:
        """The number of a context, interning it on first sight."""
        return self._contexts.index(context)

    def step(self, state_id: int, context_id: int, kind_id: int) -> StepResult:
        """Apply kind ``kind_id`` to the device state ``state_id`` in context ``context_id``."""
        key = memo_key(state_id, context_id, kind_id)
        return self.memo.get(key) or self.compute(key)

    def compute(self, key: int) -> StepResult:
        """Compute a step with the ``transitions`` machines (and remember it, unless off)."""
        state_id, context_id, kind_id = unpack_key(key)
        check_kind(kind_id)
        done = reference_step(
            self.pool.values[state_id],
            self.contexts[context_id],
            KINDS[kind_id],
            self.follow,
            self.silent,
        )
        found = done._replace(state_id=self.pool.index(done.state))
        if self._keep:
            self.memo[key] = found
        return found

    @staticmethod
    def forget_shared() -> None:
        """Drop the shared steppers: after the catalogue or a machine table changed (a test's
        temporary event type), memoised steps may no longer hold."""
        _SHARED.clear()


_SHARED: dict[tuple[bool, bool], Stepper] = {}
