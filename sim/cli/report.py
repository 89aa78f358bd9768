"""How scenario runs are shown: pytest-style progress and summary, JSON, JUnit XML, narration."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ElementTree
from typing import Any

from sim.cli.render import trace_line
from sim.scenarios.results import Result
from sim.scenarios.suite import SuiteResult


def progress_line(result: Result) -> str:
    """One line per scenario as it finishes: its path and a dot, or an F."""
    return f"{result.scenario.path} {'.' if result.passed else 'F'}"


def failures(suite: SuiteResult) -> list[str]:
    """The FAILURES section: per failed scenario, its failures with their causes."""
    lines: list[str] = []
    for result in suite.failed:
        lines.append(f"____ {result.scenario.name} ({result.scenario.path}) ____")
        for failure in result.failures:
            lines += failure.lines()
        lines.append("")
    return lines


def summary(suite: SuiteResult, seconds: float) -> str:
    """The closing line: counts and time, as pytest prints it."""
    parts = [f"{len(suite.results) - len(suite.failed)} passed", f"{len(suite.failed)} failed"]
    if suite.invalid:
        parts.append(f"{len(suite.invalid)} invalid")
    if suite.deselected:
        parts.append(f"{suite.deselected} deselected")
    return f"{', '.join(parts)} in {seconds:.2f}s"


def narrate(result: Result) -> list[str]:
    """Every step of a scenario: what it did, which machines changed and why, and what the
    customer sees after it (every step for one device; the devices whose view changed, for
    several)."""
    lines = [f"{result.scenario.path}: {result.scenario.name}"]
    before = result.start
    for report in result.steps:
        lines.append(f"  step {report.step.number}: {report.step.label}")
        for entry in report.entries:
            lines += ["    " + line for line in trace_line(entry).splitlines()]
        lines += ["    " + line for line in customer_sees(before, report.states)]
        before = report.states
    return lines


def _portal(states: dict[str, str]) -> str:
    return f"{states['connectivity']}, data {states['data_service']}, SMS {states['sms_service']}"


def customer_sees(before: dict[str, dict[str, str]], after: dict[str, dict[str, str]]) -> list[str]:
    """What the Portal shows after a step: the status, and the data and SMS service."""
    if len(after) == 1:
        return [f"customer sees: {_portal(states)}" for states in after.values()]
    changed = [
        f"customer sees {alias}: {_portal(states)}"
        for alias, states in after.items()
        if alias not in before or _portal(before[alias]) != _portal(states)
    ]
    return changed or ["customer sees no change"]


def as_json(suite: SuiteResult, seconds: float) -> dict[str, Any]:
    """The ``devicesim run --json`` document."""
    return {
        "scenarios": [
            {
                "path": str(r.scenario.path),
                "name": r.scenario.name,
                "tags": r.scenario.tags,
                "passed": r.passed,
                "seconds": round(r.seconds, 6),
                "failures": [
                    {
                        "where": f.where,
                        "step": f.step,
                        "device": f.device,
                        "endpoint": f.endpoint,
                        "message": f.message,
                        "causes": f.causes,
                    }
                    for f in r.failures
                ],
            }
            for r in suite.results
        ],
        "invalid": [
            {
                "path": error.path,
                "errors": [
                    {"line": e.line, "column": e.column, "message": e.message} for e in error.errors
                ],
                "not_shown": error.not_shown,
            }
            for error in suite.invalid
        ],
        "summary": {
            "passed": len(suite.results) - len(suite.failed),
            "failed": len(suite.failed),
            "invalid": len(suite.invalid),
            "deselected": suite.deselected,
            "seconds": round(seconds, 3),
        },
    }


def junit_xml(suite: SuiteResult, seconds: float) -> bytes:
    """A JUnit XML report: one testcase per scenario, one error per invalid file."""
    root = ElementTree.Element(
        "testsuite",
        name="devicesim",
        tests=str(len(suite.results) + len(suite.invalid)),
        failures=str(len(suite.failed)),
        errors=str(len(suite.invalid)),
        time=f"{seconds:.3f}",
    )
    for result in suite.results:
        case = ElementTree.SubElement(
            root,
            "testcase",
            classname=str(result.scenario.path),
            name=result.scenario.name,
            time=f"{result.seconds:.6f}",
        )
        if result.failures:
            failure = ElementTree.SubElement(case, "failure", message=result.failures[0].text)
            failure.text = "\n".join(line for f in result.failures for line in f.lines())
    for error in suite.invalid:
        case = ElementTree.SubElement(root, "testcase", classname=error.path or "", name="validate")
        lines = str(error).splitlines()
        invalid = ElementTree.SubElement(
            case, "error", message=lines[0], line=str(error.line or "")
        )
        invalid.text = "\n".join(lines)
    document: bytes = ElementTree.tostring(root, encoding="utf-8", xml_declaration=True)
    return _NOT_XML.sub(lambda m: b"\\x%02x" % m.group()[-1], document)


#: Characters XML 1.0 cannot hold, even escaped (ElementTree writes them as they are): the
#: C0 controls but tab, newline and carriage return, and U+FFFE/U+FFFF (as UTF-8). A control
#: character in a scenario name would otherwise make the whole report unreadable.
_NOT_XML = re.compile(rb"[\x00-\x08\x0b\x0c\x0e-\x1f]|\xef\xbf[\xbe\xbf]")
