"""The fitted descent drag: a copy of a mission's vehicle whose returning-booster drag table
(``stages[0].aero.booster_tail_first``, used only after separation) is scaled.

A mission file has no drag knob, so a fitted drag scale is written as a vehicle file (the source
vehicle's TOML data with the scaled table, a new name and a provenance note) that the fitted
mission names by path.  The ascent's drag table is not touched.
"""
from __future__ import annotations

import copy
import tomllib
from pathlib import Path
from typing import Optional

DESCENT_TABLE = "booster_tail_first"


def vehicle_data(mission) -> tuple[dict, str]:
    """(TOML data, file label) of the vehicle a mission names: a catalog name or a file path."""
    from ..errors import InputError
    from ..vehicles import list_vehicles
    from ..vehicles.loader import catalog_path

    name = str(mission.vehicle)
    path = catalog_path(name) if name.strip().lower() in list_vehicles() else Path(name)
    try:
        return tomllib.loads(path.read_text(encoding="utf-8")), path.name
    except OSError as exc:
        raise InputError(f"vehicle = {name!r}: cannot read {path} ({exc.strerror})") from None


def has_descent_table(data: dict) -> bool:
    stages = data.get("stages") or []
    return bool(stages) and DESCENT_TABLE in (stages[0].get("aero") or {})


def scaled_vehicle_data(data: dict, drag_scale: float, note: str = "") -> dict:
    """A copy of vehicle TOML data with the descent drag table's cd multiplied by ``drag_scale``,
    named ``<name>-fitted`` and with a provenance entry saying so."""
    d = copy.deepcopy(data)
    st = d["stages"][0]
    table = st["aero"][DESCENT_TABLE]
    table["cd"] = [round(float(c) * drag_scale, 5) for c in table["cd"]]
    base = d["name"]
    d["name"] = f"{base}-fitted"
    d["full_name"] = f"{d.get('full_name', base)} (descent drag x {drag_scale:.4g} fitted)"
    key = f"stages.{st.get('name', 'booster')}.aero.{DESCENT_TABLE}"
    prov = d.setdefault("provenance", {})
    old = prov.get(key, "catalog table")
    prov[key] = (f"estimate: {base}'s table x {drag_scale:.4g} (drag scale fitted to telemetry"
                 f"{' ' + note if note else ''} by rlvsim telemetry fit); the table was: {old}")
    return d


def scaled_vehicle(data: dict, drag_scale: Optional[float]):
    """The Vehicle of ``data`` with the descent drag scaled (``None``: unchanged)."""
    from ..vehicles.loader import vehicle_from_dict

    d = data if drag_scale is None else scaled_vehicle_data(data, drag_scale)
    return vehicle_from_dict(d, f"{data.get('name', 'vehicle')} (drag x {drag_scale})")
