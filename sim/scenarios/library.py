"""Where the bundled scenario library is: the lessons installed with the package.

A wheel carries the repository's ``scenarios/`` folder as ``sim/library`` (``pyproject.toml``
force-includes it); a source checkout (an editable install, the tests) reads the folder
itself. Either way ``devicesim run`` can teach from any directory.
"""

from __future__ import annotations

from pathlib import Path

#: The installed copy, and the checkout's own folder.
_INSTALLED = Path(__file__).resolve().parent.parent / "library"
_CHECKOUT = Path(__file__).resolve().parent.parent.parent / "scenarios"


def bundled_library() -> Path:
    """The folder of bundled scenarios."""
    return _INSTALLED if _INSTALLED.is_dir() else _CHECKOUT


def default_paths() -> tuple[list[str], bool]:
    """What ``devicesim run`` runs when given no path: ``./scenarios`` if there is one, else
    the bundled library; and whether it is the bundled one."""
    here = Path("scenarios")
    if here.is_dir():
        return [str(here)], False
    return [str(bundled_library())], True
