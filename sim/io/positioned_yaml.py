"""YAML with positions: mappings and lists that remember where each key and value stood.

Scenario errors must point at ``file:line:col``; PyYAML knows positions only while composing,
so this loader builds ``PositionedDict`` and ``PositionedList`` values that keep them. It
extends the package's safe loader (``sim.io.safe_yaml``), so its limits and rules hold.
"""

from __future__ import annotations

from typing import Any

import yaml
from yaml.nodes import MappingNode, Node, SequenceNode

from sim.io.safe_yaml import SafeLoader

Position = tuple[int, int]  # 1-based line and column


def _position(node: Node) -> Position:
    return node.start_mark.line + 1, node.start_mark.column + 1


class PositionedDict(dict[Any, Any]):
    """A mapping that knows where it, each key and each value started."""

    position: Position = (1, 1)

    def __init__(self) -> None:
        super().__init__()
        self.key_positions: dict[Any, Position] = {}
        self.value_positions: dict[Any, Position] = {}

    def key_at(self, key: Any) -> Position:
        """Where ``key`` was written (the mapping itself when it was not)."""
        return self.key_positions.get(key, self.position)

    def value_at(self, key: Any) -> Position:
        """Where the value of ``key`` was written (the mapping itself when it was not)."""
        return self.value_positions.get(key, self.position)


class PositionedList(list[Any]):
    """A list that knows where it and each item started."""

    position: Position = (1, 1)

    def __init__(self) -> None:
        super().__init__()
        self.positions: list[Position] = []

    def at(self, index: int) -> Position:
        """Where item ``index`` was written."""
        return self.positions[index] if index < len(self.positions) else self.position


class PositionedLoader(SafeLoader):
    """The package's safe loader, constructing positioned containers."""

    def construct_positioned_mapping(self, node: MappingNode) -> PositionedDict:
        mapping = PositionedDict()
        mapping.position = _position(node)
        self.flatten_mapping(node)
        for key_node, value_node in node.value:
            key = self.construct_object(key_node, deep=True)
            try:
                hash(key)
            except TypeError:
                raise yaml.constructor.ConstructorError(
                    None, None, "a mapping key must be a plain value", key_node.start_mark
                ) from None
            mapping[key] = self.construct_object(value_node, deep=True)
            mapping.key_positions[key] = _position(key_node)
            mapping.value_positions[key] = _position(value_node)
        return mapping

    def construct_positioned_sequence(self, node: SequenceNode) -> PositionedList:
        sequence = PositionedList()
        sequence.position = _position(node)
        for item in node.value:
            sequence.append(self.construct_object(item, deep=True))
            sequence.positions.append(_position(item))
        return sequence


PositionedLoader.add_constructor(
    "tag:yaml.org,2002:map", PositionedLoader.construct_positioned_mapping
)
PositionedLoader.add_constructor(
    "tag:yaml.org,2002:seq", PositionedLoader.construct_positioned_sequence
)


def load(text: str) -> Any:
    """Load one YAML document with positions; ``yaml.YAMLError`` carries a mark on failure."""
    return yaml.load(text, Loader=PositionedLoader)
