"""Writing scenario documents as YAML files, the way people write them.

Generated scenarios (``devicesim cover``, the toolkit's regression cases) are read by people
as well as by the runner, so multi-line text is written as literal blocks and keys keep the
order the document gives them.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml


class _Dumper(yaml.SafeDumper):
    """Safe YAML with multi-line text as literal blocks, the way people write descriptions."""


def _text(dumper: yaml.SafeDumper, text: str) -> yaml.ScalarNode:
    style = "|" if "\n" in text else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", text, style=style)


_Dumper.add_representer(str, _text)


def scenario_text(document: dict[str, Any]) -> str:
    """A scenario document as the YAML people write."""
    return yaml.dump(document, Dumper=_Dumper, sort_keys=False, allow_unicode=True, width=100)


def write_scenario(document: dict[str, Any], path: Path) -> Path:
    """Write a scenario document as YAML; return the path."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(scenario_text(document), encoding="utf-8")
    return path
