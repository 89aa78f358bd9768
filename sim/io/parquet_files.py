"""Parquet files: event archives with the payload's fields as columns (what a data lake keeps
of a Data Streamer capture), and the device states ``replay --out`` writes.

pyarrow is in the ``dask`` extra: it is imported only when a Parquet file is read or written,
and its absence is said in one line naming what to install.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from typing import Any

from sim.engine.vocabulary import MACHINES, VIEWS
from sim.errors import InputError

#: The first and last four bytes of every Parquet file.
MAGIC = b"PAR1"
#: Rows decoded at a time: memory stays bounded by a batch, whatever the file's size.
BATCH_ROWS = 65_536


def is_parquet(path: str) -> bool:
    """Whether ``path`` is a Parquet file (by its first bytes, as gzip is recognised)."""
    if path == "-" or not os.path.isfile(path):
        return False
    with open(path, "rb") as source:
        return source.read(4) == MAGIC


def parquet_items(path: str, label: str) -> Iterator[tuple[int, Any]]:
    """(row number, payload) of every row, a batch at a time; a column missing from a row
    (null) is left out of it, as the platform leaves out fields an event has not."""
    parquet = _pyarrow(label, "reading")
    try:
        batches = parquet.ParquetFile(path).iter_batches(batch_size=BATCH_ROWS)
        index = 0
        for batch in batches:
            for row in batch.to_pylist():
                yield index, _present(row)
                index += 1
    except (OSError, ValueError) as exc:  # pyarrow's errors derive from these
        raise InputError(f"{label}: not a readable Parquet file: {exc}") from exc


def _present(value: Any) -> Any:
    """``value`` without the nulls Parquet gives for the fields a row has not."""
    if isinstance(value, dict):
        return {key: _present(item) for key, item in value.items() if item is not None}
    if isinstance(value, list):
        return [_present(item) for item in value]
    return value


def _pyarrow(label: str, doing: str) -> Any:
    try:
        import pyarrow.parquet
    except ImportError as exc:
        raise InputError(
            f"{label}: {doing} Parquet needs pyarrow: pip install 'emnify-devicesim[dask]'"
        ) from exc
    return pyarrow.parquet


#: Devices per file ``replay --out`` writes: files a data tool reads in parallel.
DEVICES_PER_FILE = 250_000


def write_devices(folder: str | os.PathLike[str], rows: Iterator[dict[str, Any]]) -> int:
    """Device rows (``device``, ``organisation``, every machine and view, the attributes,
    ``assumed``) as ``devices-00000.parquet``, ... in ``folder``; how many files."""
    parquet = _pyarrow(os.fspath(folder), "writing")
    import pyarrow

    schema = pyarrow.schema(
        [("device", pyarrow.string()), ("organisation", pyarrow.uint64())]
        + [(name, pyarrow.string()) for name in (*MACHINES, *VIEWS, "data_quota_action")]
        + [("portal_offline", pyarrow.bool_()), ("imei_locked", pyarrow.bool_())]
        + [("assumed", pyarrow.list_(pyarrow.string()))]
    )
    files = 0
    for chunk in _chunks(rows, DEVICES_PER_FILE):
        table = pyarrow.Table.from_pylist(chunk, schema=schema)
        parquet.write_table(table, os.path.join(folder, f"devices-{files:05}.parquet"))
        files += 1
    return files


def _chunks(rows: Iterator[dict[str, Any]], size: int) -> Iterator[list[dict[str, Any]]]:
    chunk: list[dict[str, Any]] = []
    for row in rows:
        chunk.append(row)
        if len(chunk) == size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk
