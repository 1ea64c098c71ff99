"""Provenance of vehicle numbers: which numeric leaves exist and which cite a source or an estimate.

Paths name stages by their ``name``: ``stages.booster.engine.isp_sl_s``,
``stages.upper.aero.upper.cd``, ``fairing.mass_kg``.  An entry may also cover a whole table:
an aero configuration (``stages.booster.aero.ascent_stack``), all aero tables of a stage
(``stages.booster.aero``) or a dict field (``stages.booster.burns``).
A value is ``"<source id>"``, ``"<source id>: <note>"`` or ``"estimate: <how it was derived>"``.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from pydantic import BaseModel

from rlvsim.vehicles.rules import rule

if TYPE_CHECKING:
    from rlvsim.vehicles.model import Vehicle

DERIVED_FIELDS = frozenset({"exit_area_m2", "reference_area_m2"})  # computed when omitted
_SKIP = frozenset({"sources", "provenance"})
ESTIMATE_PREFIX = "estimate:"


@dataclass(frozen=True)
class Leaf:
    path: str
    groups: tuple[str, ...]  # enclosing tables an entry may cover the leaf through
    derived: bool  # filled in by a validator (not in the file): needs no entry of its own


def _is_number(x: object) -> bool:
    return isinstance(x, (int, float)) and not isinstance(x, bool)


def _walk(model: BaseModel, path: str, groups: tuple[str, ...], out: list[Leaf], tables: set[str]) -> None:
    for name in type(model).model_fields:
        if name in _SKIP:
            continue
        value = getattr(model, name)
        p = f"{path}.{name}" if path else name
        if isinstance(value, BaseModel):
            _walk(value, p, groups, out, tables)
        elif isinstance(value, list) and value and all(isinstance(v, BaseModel) for v in value):
            for item in value:
                _walk(item, f"{p}.{getattr(item, 'name')}", groups, out, tables)
        elif isinstance(value, dict):
            tables.add(p)
            for key, item in value.items():
                kp = f"{p}.{key}"
                if isinstance(item, BaseModel):
                    tables.add(kp)
                    _walk(item, kp, groups + (p, kp), out, tables)
                elif _is_number(item):
                    out.append(Leaf(kp, groups + (p,), False))
        elif isinstance(value, str):
            tables.add(p)  # text (dates, names): an entry is allowed, not required
        elif _is_number(value) or (isinstance(value, list) and value and all(map(_is_number, value))):
            derived = name in DERIVED_FIELDS and name not in model.model_fields_set
            out.append(Leaf(p, groups, derived))


def leaves(vehicle: BaseModel) -> tuple[list[Leaf], set[str]]:
    """Every numeric leaf (a number or a list of numbers), and every other path an entry may name
    (tables and text fields)."""
    out: list[Leaf] = []
    tables: set[str] = set()
    _walk(vehicle, "", (), out, tables)
    return out, tables


def source_id(entry: str) -> str | None:
    """The cited source id of a provenance value, or None for an estimate."""
    text = entry.strip()
    if text.lower().startswith(ESTIMATE_PREFIX):
        return None
    return text.split(":", 1)[0].strip()


def missing_provenance(vehicle: Vehicle) -> list[str]:
    """Paths of numeric leaves with no provenance entry (derived, omitted fields excepted)."""
    prov = vehicle.provenance
    found, _ = leaves(vehicle)
    return [
        leaf.path for leaf in found
        if not leaf.derived and leaf.path not in prov and not any(g in prov for g in leaf.groups)
    ]


def check_provenance_entries(vehicle: Vehicle) -> None:
    """Raise (rule protocol) if an entry names no field, or cites no known source and no estimate."""
    if not vehicle.provenance:
        return
    found, tables = leaves(vehicle)
    valid = {leaf.path for leaf in found} | tables
    ids = ", ".join(sorted(vehicle.sources)) or "none given"
    for key, entry in vehicle.provenance.items():
        where = f'provenance."{key}"'
        if key not in valid:
            raise rule(where, entry, "does not name a field or table of this vehicle "
                       "(e.g. 'stages.booster.dry_mass_kg')")
        sid = source_id(entry)
        if sid is None:
            if not entry.strip()[len(ESTIMATE_PREFIX):].strip():
                raise rule(where, entry, "an estimate must say how it was derived")
        elif sid not in vehicle.sources:
            raise rule(where, entry, f"must start with a source id from [sources] ({ids}) "
                       "or with 'estimate:'")


def _fmt_value(value: object) -> str:
    if isinstance(value, BaseModel):
        return ", ".join(f"{k} {_fmt_value(v)}" for k, v in value.model_dump().items())
    if isinstance(value, dict):
        return ", ".join(f"{k} {_fmt_value(v)}" for k, v in value.items())
    if isinstance(value, list):
        return f"{value[0]:g}..{value[-1]:g} ({len(value)} values)"
    return f"{value:g}" if isinstance(value, float) else str(value)


def provenance_rows(vehicle: Vehicle) -> list[tuple[str, str, str]]:
    """(path, value, provenance) for every numeric leaf in file order; leaves covered by one
    table entry (aero configuration, burns...) share one row.  For docs and reports."""
    prov = vehicle.provenance
    found, _ = leaves(vehicle)
    rows: list[tuple[str, str, str]] = []
    done: set[str] = set()
    for leaf in found:
        path, entry = leaf.path, prov.get(leaf.path)
        if entry is None:
            group = next((g for g in reversed(leaf.groups) if g in prov), None)
            if group is not None:
                path, entry = group, prov[group]
            else:
                entry = "derived from the fields it depends on" if leaf.derived else "MISSING"
        if path not in done:
            done.add(path)
            rows.append((path, _fmt_value(_value_at(vehicle, path)), entry))
    return rows


def markdown_table(vehicle: Vehicle) -> str:
    """The provenance rows as a Markdown table (docs/vehicles.md embeds one per catalog vehicle)."""
    lines = ["| field | value | source or estimate |", "|---|---|---|"]
    lines += [f"| `{p}` | {v} | {e.replace('|', '/')} |" for p, v, e in provenance_rows(vehicle)]
    return "\n".join(lines)


def _value_at(vehicle: Vehicle, path: str) -> object:
    node: object = vehicle
    parts = path.split(".")
    i = 0
    while i < len(parts):
        part = parts[i]
        if part == "stages" and isinstance(node, BaseModel):
            node = next(s for s in getattr(node, "stages") if s.name == parts[i + 1])
            i += 2
            continue
        node = node[part] if isinstance(node, dict) else getattr(node, part)
        i += 1
    return node
