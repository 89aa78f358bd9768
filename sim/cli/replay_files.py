"""``replay --out DIR``: the replay's document as files, for fleets too large for one: the
devices as Parquet (``sim.io.parquet_files``), the rest as ``fleet.json``."""

from __future__ import annotations

from collections.abc import Hashable, Iterator, Sequence
from pathlib import Path
from typing import Any

import orjson

from sim.engine.fleet import Fleet
from sim.io.parquet_files import write_devices


def write_fleet(folder: Path, fleet: Fleet, keys: Sequence[Hashable]) -> str:
    """Write the devices ``keys`` (in order) and the rest of the document; what was written."""
    folder.mkdir(parents=True, exist_ok=True)
    files = write_devices(folder, _rows(fleet, keys))
    rest = {"organisations": fleet.store.organisations_json(), **fleet.ledger.to_json()}
    (folder / "fleet.json").write_bytes(orjson.dumps(rest, option=orjson.OPT_INDENT_2) + b"\n")
    return f"{len(keys)} devices in {files} Parquet files, and fleet.json, written to {folder}"


def _rows(fleet: Fleet, keys: Sequence[Hashable]) -> Iterator[dict[str, Any]]:
    store = fleet.store
    for key in keys:
        yield {"device": str(key), "organisation": store.organisation_of(key),
               **store.device_json(key)}  # fmt: skip
