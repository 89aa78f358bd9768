"""The outcomes applying an event can yield (domain.md section 5), in report order."""

from typing import Final

APPLIED: Final = "applied"
UNCHANGED: Final = "unchanged"
REJECTED: Final = "rejected"
RECORDED: Final = "recorded"
INCONSISTENT: Final = "inconsistent"
DUPLICATE: Final = "duplicate"
UNKNOWN: Final = "unknown"
INVALID: Final = "invalid"

OUTCOMES: Final = (
    APPLIED,
    UNCHANGED,
    REJECTED,
    RECORDED,
    INCONSISTENT,
    DUPLICATE,
    UNKNOWN,
    INVALID,
)
