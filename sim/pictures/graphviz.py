"""SVG from DOT with Graphviz's own ``dot`` program, when it is installed.

Graphviz lays out graphs better than anything this package could; it is not a Python
dependency but a program, so its absence is said in one line with the fix.
"""

from __future__ import annotations

import shutil
import subprocess

from sim.errors import UsageError

#: How to get ``dot``, said when it is missing.
INSTALL = "install Graphviz (Debian/Ubuntu: apt-get install graphviz; macOS: brew install graphviz)"
#: Longest a layout may take; the largest diagram (all machines) takes well under a second.
TIMEOUT = 60


def available() -> bool:
    """Whether Graphviz's ``dot`` is on the PATH."""
    return shutil.which("dot") is not None


def svg(dot_text: str) -> str:
    """The SVG Graphviz draws for ``dot_text``."""
    program = shutil.which("dot")
    if program is None:
        raise UsageError(
            f"SVG needs Graphviz's dot program on the PATH: {INSTALL}, or use --format dot "
            "or --format mermaid"
        )
    done = subprocess.run(
        [program, "-Tsvg"], input=dot_text, capture_output=True, text=True, timeout=TIMEOUT,
        check=False,
    )  # fmt: skip
    if done.returncode != 0:
        said = done.stderr.strip().splitlines() or [f"exit code {done.returncode}"]
        raise UsageError(f"Graphviz's dot failed: {said[-1]}")
    return done.stdout
