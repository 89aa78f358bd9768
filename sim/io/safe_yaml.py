"""The one YAML loader of the package: safe, bounded, strict about keys, dates left as text.

Scenario and initial-state files come from many hands, so loading one must not take the
machine or hide a mistake:

- aliases may expand to at most ``ALIAS_BUDGET`` values in all (a 500-byte "billion laughs"
  would otherwise expand to billions when used), and an alias may not refer to the node it
  is inside of;
- nesting is limited to ``MAX_DEPTH`` levels (deeper documents would exhaust the stack);
- a key written twice in one mapping is refused with both positions (YAML would keep the
  last one silently, and a step with two ``event:`` keys would run only one);
- dates and times stay strings (``2025-13-45`` is then a clear error where a time is
  expected, and ``name: 2025-02-30`` is a name), and numbers too long to convert are refused;
- only true/false are booleans (YAML 1.2): on/off/yes/no are too close to state names.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import orjson
import yaml
from yaml.composer import ComposerError
from yaml.constructor import ConstructorError
from yaml.nodes import MappingNode, Node, ScalarNode

from sim.errors import InputError, shown

#: How many values all aliases of one document may expand to.
ALIAS_BUDGET = 10_000
#: How deeply collections may nest.
MAX_DEPTH = 64
_BOOL = "tag:yaml.org,2002:bool"
_TIMESTAMP = "tag:yaml.org,2002:timestamp"


class SafeLoader(yaml.SafeLoader):
    """PyYAML's safe loader with the limits and rules of this module."""

    def __init__(self, stream: str) -> None:
        super().__init__(stream)
        self._depth = 0
        self._values = 0
        self._expanded = 0
        self._sizes: dict[str, int] = {}

    def compose_node(self, parent: Node | None, index: int) -> Node | None:
        """Count values and depth; refuse an alias past the budget or inside itself."""
        if self.check_event(yaml.AliasEvent):
            event = self.peek_event()  # type: ignore[no-untyped-call]
            size = self._sizes.get(event.anchor or "")
            if size is None and event.anchor in self.anchors:
                raise ComposerError(
                    None, None, f"alias *{event.anchor} refers to a node it is inside of",
                    event.start_mark,
                )  # fmt: skip
            self._expanded += size or 0
            self._values += size or 0
            if self._expanded > ALIAS_BUDGET:
                raise ComposerError(
                    None, None, f"aliases expand to more than {ALIAS_BUDGET} values",
                    event.start_mark,
                )  # fmt: skip
            return super().compose_node(parent, index)
        event = self.peek_event()  # type: ignore[no-untyped-call]
        self._depth += 1
        if self._depth > MAX_DEPTH:
            raise ComposerError(
                None, None, f"nested more than {MAX_DEPTH} levels deep", event.start_mark
            )
        before = self._values
        self._values += 1
        node = super().compose_node(parent, index)
        self._depth -= 1
        if event.anchor is not None:
            self._sizes[event.anchor] = self._values - before
        return node

    def compose_mapping_node(self, anchor: Any) -> MappingNode:
        """A mapping, refused when a key is written twice (both places are named)."""
        node = super().compose_mapping_node(anchor)
        seen: dict[tuple[str, str], Node] = {}
        for key, _ in node.value:
            if not isinstance(key, ScalarNode):
                continue
            first = seen.setdefault((key.tag, key.value), key)
            if first is not key:
                where = f"line {first.start_mark.line + 1}, column {first.start_mark.column + 1}"
                raise ComposerError(
                    None, None, f"key {shown(key.value)} written twice (first at {where})",
                    key.start_mark,
                )  # fmt: skip
        return node

    def construct_yaml_int(self, node: ScalarNode) -> int:
        """An integer, or a positioned error for one too long to convert."""
        try:
            return super().construct_yaml_int(node)
        except ValueError:
            raise ConstructorError(
                None, None, f"a number of {len(node.value)} characters is too long",
                node.start_mark,
            ) from None  # fmt: skip


SafeLoader.yaml_implicit_resolvers = {
    first: [(tag, rx) for tag, rx in resolvers if tag not in (_BOOL, _TIMESTAMP)]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}
SafeLoader.add_implicit_resolver(
    _BOOL, re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"), list("tTfF")
)
SafeLoader.add_constructor("tag:yaml.org,2002:int", SafeLoader.construct_yaml_int)


def problem_of(exc: yaml.YAMLError) -> tuple[tuple[int, int], str]:
    """Where (1-based line and column) and what a YAML error is, for a one-line message."""
    mark = getattr(exc, "problem_mark", None) or getattr(exc, "context_mark", None)
    position = (mark.line + 1, mark.column + 1) if mark else (1, 1)
    return position, getattr(exc, "problem", None) or str(exc).splitlines()[0]


def load_document(path: str, loader: type[SafeLoader] | None = None) -> Any:
    """A YAML or JSON document (initial state, fleet profile), chosen by extension; JSON is
    also YAML. ``loader`` may construct positioned values (``sim.io.positioned_yaml``)."""
    try:
        text = Path(path).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError(f"{path}: cannot read: {getattr(exc, 'strerror', None) or exc}") from exc
    try:
        if path.endswith(".json"):
            return orjson.loads(text)
        return yaml.load(text, Loader=loader or SafeLoader)
    except orjson.JSONDecodeError as exc:
        raise InputError(f"{path}: not valid JSON: {exc}") from exc
    except yaml.YAMLError as exc:
        (line, column), problem = problem_of(exc)
        raise InputError(f"{path}:{line}:{column}: not valid YAML: {problem}") from exc
