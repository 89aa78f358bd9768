"""What ``--help`` says: per command a summary, a paragraph and examples; the commands grouped
by what people do with them. Kept apart from the parser so the words can be read (and
reviewed) as text."""

from __future__ import annotations

import argparse
import textwrap
from typing import Any, NamedTuple

#: Where help paragraphs wrap.
WIDTH = 88


class Help(NamedTuple):
    """One command's help: the one line listed under its group, the paragraph on its own
    page, and examples (a comment, then the command)."""

    summary: str
    description: str
    examples: tuple[tuple[str, str], ...]


HELP = {
    "events": Help(
        "list the event catalogue",
        "List every event type the platform sends (id, name, category, what it drives), as "
        "the catalogue of the emnify documentation names them. Names and ids are what "
        "scenario steps, 'explain' and '--trace-where type=' accept.",
        (
            ("the catalogue as a table", "devicesim events"),
            ("as JSON, e.g. for a dashboard's legend", "devicesim events --json"),
        ),
    ),
    "explain": Help(
        "explain what event types do",
        "Explain event types: each machine an event moves and from which states, the "
        "attributes it sets, its variants (a refused session, a quota's action), what it "
        "needs to be consistent, and the cross-machine rules it can set off. Name several "
        "events to explain each; a word that is no event's exact name or id is a keyword, "
        "and several matches are listed.",
        (
            ("by name, or by id", 'devicesim explain "Quota used up" 3'),
            ("find the quota events", "devicesim explain quota"),
        ),
    ),
    "diagram": Help(
        "draw the machines as state diagrams",
        "Draw machines from their tables: every state, every transition labelled with the "
        "events (and cross-machine rules) that make it, final states marked, no-ops dashed. "
        "With no machine, or 'all', one diagram of every machine and the views a customer "
        "sees, with which machines feed each view. Mermaid (paste into GitHub, GitLab or "
        "mermaid.live) and DOT are text; SVG needs Graphviz's dot program.",
        (
            (
                "the data session, its current state highlighted",
                "devicesim diagram pdp --state pdp=Connected",
            ),
            ("everything, as a picture", "devicesim diagram all --format svg -o machines.svg"),
        ),
    ),
    "report": Help(
        "scenarios and logs as one HTML page with timelines",
        "Run scenarios and replay event logs, and write one self-contained HTML page (it "
        "loads nothing from the network): per scenario its story, each step with its "
        "event, outcome, changes and causes, the connectivity badge a customer would see "
        "and the checks passed or failed, the diagrams of the machines each device moved "
        "through; for the logs (replayed together) the outcome counts and a table of every "
        "device to filter and sort; per device a timeline with a lane per machine and view "
        "and a mark per event (hover it for the payload).",
        (
            ("the bundled lessons", "devicesim report scenarios/ -o lessons.html"),
            ("a customer's export", "devicesim report export.jsonl.gz -o export.html"),
        ),
    ),
    "play": Help(
        "try events in a browser playground",
        "Serve a playground on this machine and open it in a browser: one in-service "
        "device (add others, or load a bundled scenario and step through it), a button for "
        "every event by section of the catalogue (those impossible now are marked, and "
        "clicking one follows it as a lenient scenario does, with the warning), the "
        "device's machines, views and diagrams, what the last step changed and why, undo "
        "and redo, and 'save as scenario' for a file 'devicesim run' passes.",
        (
            ("open it", "devicesim play"),
            (
                "on another port, without opening a browser",
                "devicesim play --port 9000 --no-browser",
            ),
        ),
    ),
    "new": Help(
        "write a commented starting scenario",
        "Write NAME.yaml: a commented scenario with a set-up, the events given with --event "
        "(or a device coming online), and expectations the model computed, so that it "
        "passes 'devicesim run' as written and you edit from a working example. It refuses "
        "to overwrite a file. The first line points editors at the installed JSON Schema.",
        (
            ("a device coming online", "devicesim new first-session"),
            (
                "the events you want to study",
                'devicesim new quota-story --event "Data quota assigned" --event "Quota used up"',
            ),
            ("two devices", "devicesim new fleet --devices 2"),
        ),
    ),
    "validate": Help(
        "check scenario files without running them",
        "Read scenario files and report every error of each file at once, one line each "
        "with file:line:col and a did-you-mean, without running anything. Exit 2 when a "
        "file is invalid, 5 when no scenario file is found.",
        (
            ("one file", "devicesim validate quota-story.yaml"),
            ("a folder", "devicesim validate scenarios/"),
        ),
    ),
    "run": Help(
        "run scenario files (default: scenarios/, else the bundled library)",
        "Run scenario files as a test suite, as pytest would: a dot or F per file, each "
        "failure with its position, the device it is about and the chain of causes behind "
        "the actual state, then a summary. A file with errors is reported and not run. "
        "Exit 0 all passed, 1 a scenario failed, 2 a file is invalid, 5 nothing selected. "
        "With no PATH it runs ./scenarios, or the bundled library when there is none. "
        "--explain narrates each step: the events, what changed and why, and what the "
        "customer sees (the Portal's status, data and SMS service).",
        (
            ("every scenario under ./scenarios (or the bundled lessons)", "devicesim run"),
            ("by tag or name, narrating each step", "devicesim run -k data-quota --explain"),
            ("for CI", "devicesim run scenarios/ --junit-xml report.xml"),
        ),
    ),
    "cover": Help(
        "write scenarios exercising every transition and rule",
        "Write a small set of scenarios that together take every transition of every "
        "machine and set off every cross-machine rule, found by searching the model. Run "
        "them with --coverage to see it; exit 1 if some target cannot be reached.",
        (
            ("write them", "devicesim cover --out covered/"),
            ("and see what they exercise", "devicesim run covered/ --coverage"),
        ),
    ),
    "schema": Help(
        "print the JSON Schema of scenario files",
        "Print the JSON Schema of scenario files, for editors that complete and check YAML "
        "as you type (the YAML language server reads the '# yaml-language-server: "
        "$schema=...' line that 'devicesim new' writes). --path prints where the installed "
        "file is instead.",
        (
            ("save it next to your scenarios", "devicesim schema > scenario.schema.json"),
            ("where the installed copy is", "devicesim schema --path"),
        ),
    ),
    "scenarios": Help(
        "the bundled scenario library: copy it out, or find it",
        "The lessons installed with the package, one folder per section of the event "
        "catalogue. 'copy DIR' writes them into a new or empty folder to read and edit; "
        "'path' prints where they are installed.",
        (
            ("a copy to edit", "devicesim scenarios copy lessons/"),
            ("run the copy", "devicesim run lessons/"),
        ),
    ),
    "replay": Help(
        "replay event files (JSON, JSON array, JSON Lines, Parquet, gzip)",
        "Replay events as the platform sent them (a Data Streamer capture, an Event API "
        "export, '-' for stdin) and print each device's final states and the outcome "
        "counts. Unreadable events are named on stderr, counted, and skipped; the replay "
        "still exits 0. --strict exits 1 on an inconsistent or invalid event, and also "
        "changes how impossible events are applied: the model does not follow them "
        "(lenient, the default, follows the state they report and warns).",
        (
            ("a customer's export", "devicesim replay export.json"),
            (
                "a daily job: yesterday's state, today's events",
                "devicesim replay --from-state fleet.state --save-state fleet.state today.jsonl",
            ),
            (
                "a year's archive on 8 local workers, devices as Parquet",
                "devicesim replay --workers 8 --out states/ archive/*.jsonl.gz",
            ),
        ),
    ),
    "why": Help(
        "replay event files and say why a device is as it is",
        "Replay event files and explain one device: for each view a customer sees that is "
        "not healthy (connectivity, data and SMS service) and each machine people ask "
        "about, the chain of causes back to the events and rules that made it so.",
        (
            ("why is endpoint 1001 Offline?", "devicesim why 1001 export.json"),
            ("a SIM seen without an endpoint", "devicesim why sim:2001 export.json --json"),
        ),
    ),
    "generate": Help(
        "generate a realistic fleet history by walking the model",
        "Write a fleet's events as the platform would send them, as JSON Lines: duty-cycled "
        "trackers, always-on routers, roaming devices and devices that fall silent, operators "
        "activating and suspending SIMs, assigning quotas, disabling endpoints, and "
        "organisations blocked for a while. The model decides what happens (a session is "
        "refused without quota) and what the platform sends by itself (Quota used up and the "
        "session's end, Device offline, quota expiry). The same seed gives the same history; "
        "a --strict replay of it finds nothing inconsistent.",
        (
            ("a week of 1,000 devices", "devicesim generate --devices 1000 -o week.jsonl"),
            (
                "your own mix, compressed",
                "devicesim generate --profile fleet.yaml -o fleet.jsonl.gz",
            ),
            (
                "straight to a webhook",
                "devicesim generate --duration 1d | devicesim stream - --to http://127.0.0.1:8000/events --bulk",
            ),
        ),
    ),
    "stream": Help(
        "deliver event files to a webhook as the Data Streamer does",
        "POST events to a URL as the platform's Data Streamer does: one event object per "
        "request, or with --bulk JSON arrays of up to N events (a batch goes when full or "
        "--interval seconds after its first event). Connection errors, timeouts, 408, 429 "
        "and 5xx are retried with exponential back-off; any other 4xx (or a redirect, never "
        "followed) stops the stream at once. Nothing is lost: the report counts events "
        "delivered, retried and failed, and the exit code is 1 if any failed. --faults "
        "injects duplicates and reordering, seeded, to test a receiver's de-duplication.",
        (
            (
                "a capture, in bulk",
                "devicesim stream capture.jsonl --to http://127.0.0.1:8000/hook --bulk",
            ),
            (
                "with Basic auth, duplicates and reordering",
                "devicesim stream week.jsonl --to https://example.test/hook --auth basic:me:secret "
                "--faults duplicate=0.01,reorder=0.05",
            ),
        ),
    ),
    "fuzz": Help(
        "property-test a webhook consumer in any language over HTTP",
        "Drive a running webhook consumer with event histories the model allows (the "
        "platform's own events in between: Device offline, quota expiry), POSTed to --webhook "
        "as the Data Streamer would, and after every step GET what it believes about each "
        "device (--observe, with {endpoint} in the URL) and compare the --map'ed fields with "
        "the model, ignoring case. A 404 is a device the consumer has not seen, a mismatch "
        "only once the model has. On a disagreement Hypothesis shrinks the history; the story "
        "is printed, the history written as DIR/<name>.yaml (a scenario devicesim run passes) "
        "with the exact HTTP exchange beside it (.http), and the exit code is 1; 0 when every "
        "example agreed, 2 for bad arguments or a consumer that does not answer.",
        (
            (
                "the bundled example consumer (python -m examples.webhook_app)",
                "devicesim fuzz --webhook http://127.0.0.1:8000/events "
                "--observe 'http://127.0.0.1:8000/devices/{endpoint}' --map 'connectivity=$.status' "
                "--reset http://127.0.0.1:8000/reset",
            ),
            (
                "harder: two devices, 500 examples, arrays of events",
                "devicesim fuzz --webhook URL --observe URL/{endpoint} --devices 2 "
                "--max-examples 500 --bulk",
            ),
        ),
    ),
    "serve": Help(
        "run a local emnify platform: the REST API the official SDK talks to",
        "Serve the subset of the emnify REST API (under /api) that the official SDK uses: "
        "authentication, endpoints, SIMs, connectivity, operators and the Event API. Every "
        "action goes through the model and emits the events the platform would (activating "
        "a SIM emits SIM activation, disabling an endpoint ends its session: a Generic "
        "disconnect and a Delete PDP Context follow), stored and served by the Event API. "
        "State is kept in a SQLite file, so a restart continues where it stopped. Routes "
        "under /_sim (simulation only) make devices attach and open sessions, and move the "
        "clock. Point the SDK at it with EMNIFY_SDK_API_ENDPOINT_URL=http://127.0.0.1:8080/api.",
        (
            ("100 devices to try things on", "devicesim serve --seed-fleet 100"),
            (
                "a throwaway platform for a test run, on a free port",
                "devicesim serve --db :memory: --seed-fleet 10 --port 0 --token secret",
            ),
        ),
    ),
}

#: ``devicesim --help``: the commands by what people do with them.
GROUPS = (
    ("learn the machines", ("events", "explain", "diagram", "report", "play")),
    ("write and test scenarios", ("new", "validate", "run", "cover", "schema", "scenarios")),
    ("replay what devices did", ("replay", "why")),
    ("test integrations over HTTP", ("generate", "stream", "fuzz", "serve")),
)

INTEGRATE = """\
integrate (Python):
  sim.testing     Hypothesis strategies and a rule-based state machine that drive your
                  integration with event streams and compare it to the model
  pytest          collects scenarios/ itself once the package is installed"""


def overview() -> str:
    """The commands of ``devicesim --help``, grouped."""
    width = max(len(name) for _, names in GROUPS for name in names) + 4
    parts = []
    for title, commands in GROUPS:
        rows = [f"  {name:<{width}}{HELP[name].summary}" for name in commands]
        parts.append("\n".join([f"{title}:", *rows]))
    parts.append(INTEGRATE)
    parts.append("'devicesim COMMAND --help' explains a command, with examples.")
    return "\n\n".join(parts)


def examples(name: str) -> str:
    """The examples section of a command's help page."""
    lines = ["examples:"]
    for comment, command in HELP[name].examples:
        lines += [f"  # {comment}", f"  {command}"]
    return "\n".join(lines)


def command_parser(commands: Any, name: str) -> argparse.ArgumentParser:
    """Add the subcommand ``name`` with its help page: summary, paragraph and examples."""
    text = HELP[name]
    parser: argparse.ArgumentParser = commands.add_parser(
        name,
        help=text.summary,
        description=textwrap.fill(text.description, WIDTH),
        epilog=examples(name),
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    return parser
