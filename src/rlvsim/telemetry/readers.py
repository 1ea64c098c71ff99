"""Read flight telemetry (time, speed magnitude, altitude) from CSV or the SpaceXtract JSON format.

Three inputs are understood:

* rlvsim CSV: columns ``time_s, velocity_m_s, altitude_m`` and optionally ``stage``
  (``speed_m_s`` is accepted for ``velocity_m_s``);
* SpaceXtract JSON (``*.json``): keys ``time`` (s), ``velocity`` (m/s), ``altitude`` (km);
* any CSV, with ``mapping`` from the fields ``time_s``, ``speed_m_s``, ``altitude_m`` (and
  optionally ``stage``) to the file's column names, and ``units`` from a column name to its unit.

Values are converted to SI and nothing else: no sorting, de-duplication or resampling.
Every rejected file raises :class:`~rlvsim.errors.InputError` with one line naming the file,
the column/row and the rule.
"""
from __future__ import annotations

import csv
import json
import math
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Mapping, Optional

import numpy as np

from ..errors import InputError

FIELDS = ("time_s", "speed_m_s", "altitude_m")

# unit -> (dimension, factor to SI)
UNITS: dict[str, tuple[str, float]] = {
    "s": ("time", 1.0), "ms": ("time", 1e-3), "min": ("time", 60.0),
    "m": ("length", 1.0), "km": ("length", 1000.0), "ft": ("length", 0.3048),
    "m/s": ("speed", 1.0), "km/h": ("speed", 1.0 / 3.6), "ft/s": ("speed", 0.3048),
    "mph": ("speed", 0.44704),
}
_DIMENSION = {"time_s": "time", "speed_m_s": "speed", "altitude_m": "length"}

# Default column names of the rlvsim CSV (first match wins) and of the SpaceXtract JSON.
_CSV_COLUMNS = {"time_s": ("time_s",), "speed_m_s": ("velocity_m_s", "speed_m_s"),
                "altitude_m": ("altitude_m",), "stage": ("stage",)}
_JSON_MAPPING = {"time_s": "time", "speed_m_s": "velocity", "altitude_m": "altitude"}
_JSON_UNITS = {"time": "s", "velocity": "m/s", "altitude": "km"}


@dataclass(frozen=True, eq=False)
class Telemetry:
    """One stage's telemetry: time (s), Earth-relative speed magnitude (m/s), altitude (m).

    ``metadata`` records what was done to the data (``metadata["notes"]``: one line per step)
    and any estimates attached by :mod:`rlvsim.telemetry.clean`.
    """

    time_s: np.ndarray
    speed_m_s: np.ndarray
    altitude_m: np.ndarray
    stage: Optional[int] = None
    source: Optional[Path] = None
    metadata: dict[str, Any] = field(default_factory=dict)

    def __post_init__(self):
        for name in FIELDS:
            object.__setattr__(self, name, np.ascontiguousarray(getattr(self, name), dtype=np.float64))
        n = self.time_s.shape[0]
        if self.time_s.ndim != 1 or self.speed_m_s.shape != (n,) or self.altitude_m.shape != (n,):
            raise ValueError("Telemetry arrays must be 1-D and of equal length")
        self.metadata.setdefault("notes", [])

    def __len__(self) -> int:
        return self.time_s.shape[0]

    @property
    def notes(self) -> list[str]:
        return self.metadata["notes"]


def _unit(path: Path, column: str, unit: str, fld: str) -> float:
    if unit not in UNITS:
        raise InputError(f"{path}: column {column!r}: unknown unit {unit!r} "
                         f"(rule: one of {', '.join(UNITS)})")
    dim, factor = UNITS[unit]
    if dim != _DIMENSION[fld]:
        raise InputError(f"{path}: column {column!r}: unit {unit!r} is a {dim} unit but {fld} needs a "
                         f"{_DIMENSION[fld]} unit (rule: units must match the field)")
    return factor


def _to_float(path: Path, column: str, row_label: str, cell: Any) -> float:
    if cell is None or cell == "":
        raise InputError(f"{path}: column {column!r} {row_label}: empty cell (rule: every cell needs a number)")
    if isinstance(cell, bool):
        cell = None
    try:
        x = float(cell)
    except (TypeError, ValueError):
        raise InputError(f"{path}: column {column!r} {row_label}: value {cell!r} is not a number "
                         f"(rule: cells must be numeric)") from None
    if not math.isfinite(x):
        raise InputError(f"{path}: column {column!r} {row_label}: value {cell!r} is not finite "
                         f"(rule: no NaN or infinite values)")
    return x


def _check_time(path: Path, column: str, t: np.ndarray, row_of) -> None:
    d = np.diff(t)
    bad = np.flatnonzero(d <= 0.0)
    if bad.size:
        i = int(bad[0]) + 1
        what = "decreases" if d[i - 1] < 0 else "repeats"
        raise InputError(f"{path}: column {column!r} {row_of(i)}: time {what} ({t[i - 1]:g} -> {t[i]:g}) "
                         f"(rule: time must increase strictly; nothing is re-sorted)")


def _read_csv_table(path: Path) -> tuple[list[str], list[list[str]]]:
    try:
        with open(path, newline="", encoding="utf-8-sig") as fh:
            rows = [r for r in csv.reader(fh) if r and any(c.strip() for c in r)]
    except OSError as exc:
        raise InputError(f"{path}: cannot read file ({exc.strerror}) (rule: file must exist and be readable)") from None
    if not rows:
        raise InputError(f"{path}: file is empty (rule: a header row and at least one data row)")
    header = [c.strip() for c in rows[0]]
    if len(rows) < 2:
        raise InputError(f"{path}: no data rows after the header (rule: at least one data row)")
    return header, rows[1:]


def _resolve_columns(path: Path, header: list[str], mapping: Optional[Mapping[str, str]]) -> dict[str, Optional[str]]:
    cols: dict[str, Optional[str]] = {}
    if mapping is not None:
        unknown = set(mapping) - set(FIELDS) - {"stage"}
        if unknown:
            raise InputError(f"{path}: mapping key {sorted(unknown)[0]!r} is not a field "
                             f"(rule: keys are {', '.join(FIELDS)}, stage)")
    for fld in (*FIELDS, "stage"):
        if mapping is not None and fld in mapping:
            name = mapping[fld]
            if name not in header:
                raise InputError(f"{path}: missing column {name!r} for {fld} (found: {', '.join(header)})")
            cols[fld] = name
        else:
            found = [c for c in _CSV_COLUMNS[fld] if c in header]
            if not found and fld != "stage":
                raise InputError(f"{path}: missing column {_CSV_COLUMNS[fld][0]!r} "
                                 f"(found: {', '.join(header)}; rule: give a mapping for other names)")
            cols[fld] = found[0] if found else None
    return cols


def _read_csv(path: Path, mapping, units) -> Telemetry:
    header, rows = _read_csv_table(path)
    cols = _resolve_columns(path, header, mapping)
    index = {name: header.index(name) for name in cols.values() if name is not None}
    data: dict[str, list[float]] = {fld: [] for fld in cols if cols[fld] is not None}
    for k, row in enumerate(rows):
        label = f"data row {k + 1} (line {k + 2})"
        for fld, name in cols.items():
            if name is None:
                continue
            j = index[name]
            cell = row[j].strip() if j < len(row) else ""
            data[fld].append(_to_float(path, name, label, cell))
    return _assemble(path, cols, data, units, lambda i: f"data row {i + 1} (line {i + 2})")


def _read_json(path: Path, mapping, units) -> Telemetry:
    try:
        obj = json.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise InputError(f"{path}: cannot read file ({exc.strerror}) (rule: file must exist and be readable)") from None
    except json.JSONDecodeError as exc:
        raise InputError(f"{path}: not valid JSON (line {exc.lineno}: {exc.msg})") from None
    if not isinstance(obj, dict):
        raise InputError(f"{path}: top level is not an object (rule: keys time, velocity, altitude)")
    cols: dict[str, Optional[str]] = dict(mapping) if mapping is not None else dict(_JSON_MAPPING)
    cols.setdefault("stage", None)
    units = dict(_JSON_UNITS if mapping is None else {}) | dict(units or {})
    data: dict[str, list[float]] = {}
    n = None
    for fld in FIELDS:
        key = cols.get(fld)
        if key is None or key not in obj:
            raise InputError(f"{path}: missing key {key or fld!r} (found: {', '.join(map(str, obj))})")
        seq = obj[key]
        if not isinstance(seq, list):
            raise InputError(f"{path}: key {key!r} is not a list (rule: one number per sample)")
        if n is not None and len(seq) != n:
            raise InputError(f"{path}: key {key!r} has {len(seq)} values, expected {n} (rule: equal lengths)")
        n = len(seq)
        data[fld] = [_to_float(path, key, f"index {i}", c) for i, c in enumerate(seq)]
    if not n:
        raise InputError(f"{path}: no samples (rule: at least one sample)")
    return _assemble(path, cols, data, units, lambda i: f"index {i}")


def _assemble(path, cols, data, units, row_of) -> Telemetry:
    units = dict(units or {})
    for col in units:
        if col not in cols.values():
            raise InputError(f"{path}: units given for {col!r}, which is not a used column "
                             f"(rule: units are keyed by the file's column names)")
    arrays = {}
    for fld in FIELDS:
        col = cols[fld]
        factor = _unit(path, col, units[col], fld) if col in units else 1.0
        arrays[fld] = np.asarray(data[fld], dtype=np.float64) * factor
    _check_time(path, cols["time_s"], arrays["time_s"], row_of)
    stage = None
    if cols.get("stage") is not None:
        st = np.unique(np.asarray(data["stage"]))
        if st.size != 1 or st[0] != int(st[0]):
            raise InputError(f"{path}: column {cols['stage']!r}: values {st[:4].tolist()} "
                             f"(rule: one integer stage per file; split mixed files)")
        stage = int(st[0])
    conv = ", ".join(f"{c} [{units[c]}]" for c in units) or "none"
    meta = {"notes": [f"read {len(arrays['time_s'])} samples from {path.name}; unit conversions: {conv}"],
            "columns": {fld: cols[fld] for fld in FIELDS}}
    return Telemetry(arrays["time_s"], arrays["speed_m_s"], arrays["altitude_m"], stage, path, meta)


def read_telemetry(path, *, mapping: Optional[Mapping[str, str]] = None,
                   units: Optional[Mapping[str, str]] = None) -> Telemetry:
    """Read a telemetry file into SI arrays (see module doc for formats, mapping and units).

    ``mapping``: field (``time_s``, ``speed_m_s``, ``altitude_m``, ``stage``) -> column/key name.
    ``units``: column/key name -> unit among ``s, ms, min, m, km, ft, m/s, km/h, ft/s, mph``.
    """
    path = Path(path)
    if path.suffix.lower() == ".json":
        return _read_json(path, mapping, units)
    return _read_csv(path, mapping, units)


def read_events(path, file_stem: str) -> dict[str, Optional[float]]:
    """Event times (s after liftoff) of one flight from an ``events.csv``
    (columns ``mission,file,event,time_s``); an empty time gives ``None``."""
    path = Path(path)
    header, rows = _read_csv_table(path)
    for need in ("file", "event", "time_s"):
        if need not in header:
            raise InputError(f"{path}: missing column {need!r} (found: {', '.join(header)})")
    jf, je, jt = header.index("file"), header.index("event"), header.index("time_s")
    out: dict[str, Optional[float]] = {}
    for k, row in enumerate(rows):
        row = row + [""] * (len(header) - len(row))
        if row[jf].strip() != file_stem:
            continue
        cell = row[jt].strip()
        out[row[je].strip()] = _to_float(path, "time_s", f"data row {k + 1} (line {k + 2})", cell) if cell else None
    if not out:
        raise InputError(f"{path}: no rows with file == {file_stem!r} (rule: file is the data file's stem)")
    return out
