"""The commands that teach the model: ``events`` (the catalogue), ``explain`` (what event types
do) and ``diagram`` (the machines drawn from their tables)."""

from __future__ import annotations

import argparse
import sys

from sim.cli import render
from sim.cli.exits import EXIT_OK, EXIT_USAGE
from sim.cli.terminal import print_json, writable_file
from sim.errors import CommandLineError, closest, suggest
from sim.events.catalogue import EventType, lookup, names, search
from sim.pictures import diagram, drawing, graphviz


def cmd_events(args: argparse.Namespace) -> int:
    """List the event catalogue."""
    if args.json:
        print_json(render.events_json())
    else:
        print(render.events_table())
    return EXIT_OK


def found_events(words: list[str]) -> list[EventType | tuple[str, list[EventType]]]:
    """What ``explain`` was asked about: the words together when they are one exact name or
    id, or a keyword that names events; else each word: an exact name or id, or a keyword
    with its matches. An exact name always wins over a keyword; a word that finds nothing is
    a usage error (about the whole phrase when that is close to a name: a misspelt name)."""
    phrase = " ".join(words)
    together = lookup(phrase)
    if together is not None:
        return [together]
    found: list[EventType | tuple[str, list[EventType]]] = []
    for word in [phrase] if search(phrase) else words:
        exact = lookup(word)
        matches = [exact] if exact else search(word)
        if not matches:
            wrong = phrase if closest(phrase, names()) else word
            raise CommandLineError(
                f"devicesim explain: unknown event {wrong!r}{suggest(wrong, names())}"
            )
        found.append(matches[0] if len(matches) == 1 else (word, matches))
    return found


def cmd_explain(args: argparse.Namespace) -> int:
    """Explain event types, or list the ones a keyword finds."""
    parts = []
    for item in found_events(args.event):
        if isinstance(item, tuple):
            keyword, matches = item
            rows = [f"  {etype.id:>3}  {etype.name}" for etype in matches]
            parts.append(
                "\n".join(
                    [f"{len(matches)} events match {keyword!r}; explain one by id or name:", *rows]
                )
            )
        else:
            parts.append(render.explain(item))
    print("\n\n".join(parts))
    return EXIT_OK


def cmd_diagram(args: argparse.Namespace) -> int:
    """Draw machines from their tables as Mermaid, DOT or SVG."""
    drawn = diagram.diagram(args.machines)
    current = diagram.highlights(args.state)
    missing = sorted(set(current) - {machine.name for machine in drawn.machines})
    if missing:
        print(
            f"devicesim diagram: --state names {', '.join(missing)}, which is not drawn; "
            f"draw it too or leave the --state out",
            file=sys.stderr,
        )
        return EXIT_USAGE
    out = writable_file(args.output, "-o") if args.output else None
    if args.format == "mermaid":
        text = drawing.mermaid(drawn, current, {})
    else:
        text = drawing.dot(drawn, current, {})
        if args.format == "svg":
            text = graphviz.svg(text)
    if out:
        out.write_text(text, encoding="utf-8")
        print(f"wrote {out}")
    else:
        sys.stdout.write(text)
    return EXIT_OK
