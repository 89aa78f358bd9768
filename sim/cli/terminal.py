"""What the command writes: text made safe for a terminal, output paths checked before work.

Events and scenario files carry text from anywhere (a username, a description, a scenario
name), and some of it reaches the terminal. A raw ESC, OSC or other control character there
could retitle the window, move the cursor or hide lines, so every line the command prints
passes through ``escaping``: control characters are shown as ``\\x1b``-style escapes. Only
newlines, tabs and carriage returns (progress bars) pass, and the colour codes of the replay
table while ``colours`` is on. JSON output needs none of this: JSON escapes control characters.

An output file or folder is checked before the work that fills it, so that a long run never
ends with "cannot write" and nothing to show for it.
"""

from __future__ import annotations

import os
import re
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, TextIO

from sim.errors import UsageError

#: A colour code (group 1), or any control character but newline, tab and carriage return.
_CONTROL = re.compile(r"(\x1b\[[0-9;]*m)|[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")


def _escaped(match: re.Match[str]) -> str:
    text = match.group(0)
    return f"\\x{ord(text[0]):02x}{text[1:]}"


class EscapingWriter:
    """A text stream that shows control characters as escapes (see the module)."""

    def __init__(self, stream: TextIO) -> None:
        self.stream = stream
        self.colour = False

    def write(self, text: str) -> int:
        """Write ``text`` with its control characters escaped."""
        keep = self.colour
        self.stream.write(
            _CONTROL.sub(lambda m: m.group(0) if keep and m.group(1) else _escaped(m), text)
        )
        return len(text)

    def __getattr__(self, name: str) -> Any:
        return getattr(self.stream, name)


@contextmanager
def escaping() -> Iterator[None]:
    """Route ``sys.stdout`` and ``sys.stderr`` through ``EscapingWriter`` for the block."""
    saved = sys.stdout, sys.stderr
    sys.stdout = EscapingWriter(saved[0])
    sys.stderr = EscapingWriter(saved[1])
    try:
        yield
    finally:
        sys.stdout, sys.stderr = saved


@contextmanager
def colours(on: bool) -> Iterator[None]:
    """Let the colour codes that the block prints to stdout through (when ``on``)."""
    stream = sys.stdout
    if not on or not isinstance(stream, EscapingWriter):
        yield
        return
    stream.colour = True
    try:
        yield
    finally:
        stream.colour = False


def writable_file(name: str, option: str) -> Path:
    """The path of an output file that can be written, or a UsageError saying why not."""
    path = Path(name)
    if not name or path.is_dir():
        raise UsageError(f"{option} {name!r}: expected a file name, not a folder")
    _writable_folder(path.parent, option, name)
    if path.exists() and not os.access(path, os.W_OK):
        raise UsageError(f"{option} {name}: the file is not writable")
    return path


def writable_folder(name: str, option: str) -> Path:
    """The path of an output folder (existing or to be made), or a UsageError."""
    path = Path(name)
    if not name:
        raise UsageError(f"{option}: expected a folder name, got ''")
    if path.exists() and not path.is_dir():
        raise UsageError(f"{option} {name}: exists and is not a folder")
    _writable_folder(path if path.exists() else _existing_parent(path), option, name)
    return path


def _existing_parent(path: Path) -> Path:
    for parent in path.parents:
        if parent.exists():
            return parent
    return Path(".")


def _writable_folder(folder: Path, option: str, name: str) -> None:
    folder = folder if str(folder) else Path(".")
    if not folder.is_dir():
        raise UsageError(f"{option} {name}: {folder} is not a folder")
    if not os.access(folder, os.W_OK):
        raise UsageError(f"{option} {name}: cannot write in {folder} (read-only)")


def print_json(document: object) -> None:
    """One indented JSON document on stdout."""
    import orjson  # here, not at the top: the command line's start stays quick

    sys.stdout.buffer.write(orjson.dumps(document, option=orjson.OPT_INDENT_2) + b"\n")
    sys.stdout.flush()
