"""How the engine packs a device and a step into single integers, with the widths checked.

A fleet of a million devices cannot afford an object per device, and the memo must be found
with one dict lookup. So states and contexts are *interned* (numbered in order of first
sight, the objects shared) and:

- a device is one integer, ``member << STATE_BITS | state``: its state's number and its
  membership's (organisation, service profile) number;
- a memo key is one integer, ``state << (CONTEXT_BITS + KIND_BITS) | context << KIND_BITS |
  kind``: the step's state, context and event kind.

Each field has a fixed width; ``Interner`` refuses to number past it and the stepper refuses a
kind past it, so an overflow is a clear error instead of two steps sharing a key. Room left
today: kinds 70 of 256; contexts 18 of 256 (organisation 2 x data and SMS quota management 3
each); states a few thousand reachable of 4,194,304, room for what later issues add to a
device (observed/assumed marks, a Portal-offline flag, an IMEI-lock flag).
"""

from __future__ import annotations

from collections.abc import Hashable
from typing import Generic, TypeVar

Value = TypeVar("Value", bound=Hashable)

KIND_BITS = 8
CONTEXT_BITS = 8
STATE_BITS = 22
KIND_MASK = (1 << KIND_BITS) - 1
CONTEXT_MASK = (1 << CONTEXT_BITS) - 1
STATE_MASK = (1 << STATE_BITS) - 1
#: Shifts of the memo key's fields.
CONTEXT_SHIFT = KIND_BITS
STATE_SHIFT = KIND_BITS + CONTEXT_BITS
#: Shift of the membership in a device's integer.
MEMBER_SHIFT = STATE_BITS


class Interner(Generic[Value]):
    """Numbers values in order of first sight, up to ``2 ** bits`` of them."""

    def __init__(self, bits: int, what: str) -> None:
        self.values: list[Value] = []
        self._index: dict[Value, int] = {}
        self._limit = 1 << bits
        self._what = what

    def index(self, value: Value) -> int:
        """The number of a value, interning it on first sight."""
        found = self._index.get(value)
        if found is None:
            if len(self.values) >= self._limit:
                raise OverflowError(
                    f"more than {self._limit} {self._what}: widen the field in sim.engine.packing"
                )
            found = self._index[value] = len(self.values)
            self.values.append(value)
        return found


def memo_key(state_id: int, context_id: int, kind_id: int) -> int:
    """The memo key of a step (the hot path inlines the same expression)."""
    return (state_id << STATE_SHIFT) | (context_id << CONTEXT_SHIFT) | kind_id


def unpack_key(key: int) -> tuple[int, int, int]:
    """(state id, context id, kind id) of a memo key."""
    return key >> STATE_SHIFT, (key >> CONTEXT_SHIFT) & CONTEXT_MASK, key & KIND_MASK


def device_code(state_id: int, member: int) -> int:
    """A device as one integer (the hot path inlines the same expression)."""
    return state_id | (member << MEMBER_SHIFT)


def check_kind(kind_id: int) -> None:
    """Refuse a kind number the memo key has no room for."""
    if not 0 <= kind_id <= KIND_MASK:
        raise OverflowError(
            f"event kind {kind_id} does not fit {KIND_BITS} bits: widen KIND_BITS in sim.engine.packing"
        )
