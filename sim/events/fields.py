"""The boundary where payload values become the model's values, each with a type and range check.

Every field the model reads from an event is converted here or by the readers that call these
functions, so there is one rule per kind of value and one limit, documented in the README's
"Limits and bad input":

- ids are integers from 0 to 2**63 - 1 (the platform's are signed 64-bit); a JSON number that
  is integral (``1002.0``) or a string of ASCII digits (``"1002"``) is read as one;
- timestamps are ISO 8601 strings between 1970-01-01 and 9999-12-30 (UTC), read as UTC when
  they give no offset;
- texts the model reads (the description) are strings, or absent.

Anything else raises ``EventFormatError`` naming the field, what was expected and the value as
given, cut short (``shown``), so that one bad event becomes one ``invalid`` line.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime

from sim.errors import EventFormatError, shown

#: The largest id the platform can give (a signed 64-bit integer).
MAX_ID = 2**63 - 1
#: Timestamps outside this range (seconds since the epoch) are refused: every moment the
#: model prints must be a valid date, also after the timers it schedules (minutes later).
MIN_TIME = 0.0
MAX_TIME = datetime(9999, 12, 30, tzinfo=UTC).timestamp()
_DIGITS = re.compile(r"[0-9]+")
_ID_RANGE = "an integer id from 0 to 2**63-1"


def read_id(value: object, field: str) -> int:
    """An id from an int, an integral float or a string of ASCII digits, within 64 bits."""
    number: int | None = None
    if type(value) is int:
        number = value
    elif type(value) is float and value.is_integer():
        number = int(value)
    elif type(value) is str and _DIGITS.fullmatch(text := value.strip()):
        if len(text) > len(str(MAX_ID)):
            raise EventFormatError(
                f"field '{field}': expected {_ID_RANGE}, got {len(text)} digits", field=field
            )
        number = int(text)
    if number is not None and 0 <= number <= MAX_ID:
        return number
    got = shown(value)
    if number is not None and number > MAX_ID:
        # A JSON number beyond 64 bits was decoded as a float: say its size, not its float.
        size = f"a {len(str(number))}-digit number" if type(value) is float else got
        got = f"{size} (beyond 64 bits)"
    raise EventFormatError(f"field '{field}': expected {_ID_RANGE}, got {got}", field=field)


def read_text(value: object, field: str) -> str:
    """A text field the model reads: a string, or empty when absent or null."""
    if value is None:
        return ""
    if type(value) is str:
        return value
    raise EventFormatError(f"field '{field}': expected a string, got {shown(value)}", field=field)


def parse_time(value: object) -> float:
    """Seconds since the epoch (UTC) from any timestamp format the platform uses; ValueError
    (with the value cut short) for anything else or a moment out of range."""
    if not isinstance(value, str):
        raise ValueError(f"expected an ISO 8601 timestamp string, got {shown(value)}")
    try:
        moment = datetime.fromisoformat(value.strip())
    except ValueError:
        raise ValueError(f"expected an ISO 8601 timestamp, got {shown(value)}") from None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    seconds = moment.timestamp()
    if MIN_TIME <= seconds <= MAX_TIME:
        return seconds
    raise ValueError(f"expected a time between 1970-01-01 and 9999-12-30 (UTC), got {shown(value)}")


def digits_id(text: str) -> int | None:
    """The id a text names when it is only ASCII digits within 64 bits (``"1002"``), else
    None: ``"²"`` and a 5,000-digit string name no id (``str.isdigit`` accepts both)."""
    text = text.strip()
    if _DIGITS.fullmatch(text) and len(text) <= len(str(MAX_ID)) and int(text) <= MAX_ID:
        return int(text)
    return None
