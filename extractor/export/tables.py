"""Write commitment rows as CSV (standard library) or Parquet (pyarrow, optional)."""

from __future__ import annotations

import csv
from pathlib import Path
from typing import Any

from extractor.errors import ConfigError
from extractor.export.rows import ColumnType, Rows

# A cell starting with one of these is a formula to Excel and LibreOffice; article text
# is outside data, so such cells get a leading apostrophe (OWASP's CSV-injection advice).
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def _inert(value: Any) -> Any:
    if isinstance(value, str) and value.startswith(_FORMULA_START):
        return "'" + value
    return value


def write_csv(rows: Rows, path: Path) -> None:
    """UTF-8 CSV with a header; empty cells for missing values; text cells that a
    spreadsheet would run as a formula are made inert."""
    try:
        with path.open("w", encoding="utf-8", newline="") as stream:
            writer = csv.DictWriter(stream, fieldnames=rows.names)
            writer.writeheader()
            writer.writerows({k: _inert(v) for k, v in row.items()} for row in rows.rows)
    except OSError as exc:
        raise ConfigError(f"cannot write -o {path}: {exc}") from exc


def write_parquet(rows: Rows, path: Path) -> None:
    """Parquet with an explicit schema, so an empty or all-null column keeps its type."""
    try:
        import pyarrow as pa
        import pyarrow.parquet as pq
    except ImportError as exc:
        raise ConfigError("--to parquet needs pyarrow: pip install 'extractor[export]' "
                          "(or pip install pyarrow)") from exc
    types: dict[ColumnType, Any] = {"str": pa.string(), "int": pa.int64(),
                                    "float": pa.float64(), "bool": pa.bool_()}
    schema = pa.schema([(name, types[kind]) for name, kind in rows.columns])
    table = pa.Table.from_pylist(rows.rows, schema=schema)
    try:
        pq.write_table(table, path)
    except OSError as exc:
        raise ConfigError(f"cannot write -o {path}: {exc}") from exc
