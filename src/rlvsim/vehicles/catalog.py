"""Plain-data summaries of vehicles (for ``rlvsim vehicles list/show``)."""
from __future__ import annotations

from typing import Any

from rlvsim.vehicles.budget import ideal_delta_v_m_s
from rlvsim.vehicles.loader import list_vehicles, load_vehicle
from rlvsim.vehicles.model import Stage, Vehicle
from rlvsim.vehicles.provenance import provenance_rows

__all__ = ["list_vehicles", "vehicle_summary", "catalog_summaries"]


def _stage_summary(st: Stage) -> dict[str, Any]:
    e = st.engine
    return {
        "name": st.name,
        "engines": f"{st.engine_count} x {e.name}",
        "engine_count": st.engine_count,
        "engine": {
            "name": e.name,
            "thrust_sl_N": e.thrust_sl_N,
            "thrust_vac_N": e.thrust_vac_N,
            "isp_sl_s": e.isp_sl_s,
            "isp_vac_s": e.isp_vac_s,
            "exit_area_m2": e.exit_area_m2,
            "throttle_min": e.throttle_min,
            "throttle_max": e.throttle_max,
            "restarts": e.restarts,
            "mdot_max_kg_s": e.mdot_max_kg_s,
        },
        "thrust_sl_N": st.thrust_sl_N,
        "thrust_vac_N": st.thrust_vac_N,
        "dry_mass_kg": st.dry_mass_kg,
        "propellant_mass_kg": st.propellant_mass_kg,
        "residual_propellant_kg": st.residual_propellant_kg,
        "burn_time_full_thrust_s": st.burn_time_full_thrust_s,
        "diameter_m": st.diameter_m,
        "reference_area_m2": st.reference_area_m2,
        "burns": dict(st.burns),
        "aero_configurations": sorted(st.aero),
        "grid_fins": st.grid_fins.model_dump() if st.grid_fins else None,
        "landing_legs": st.landing_legs.model_dump() if st.landing_legs else None,
        "recovery_reserve": dict(st.recovery_reserve),
    }


def vehicle_summary(v: Vehicle) -> dict[str, Any]:
    """Stages, masses, engines, thrust, Isp, payloads, sources and provenance, as plain data."""
    payloads = dict(v.payload_leo_published_kg)
    exp = payloads.get("expendable")
    return {
        "name": v.name,
        "full_name": v.full_name,
        "manufacturer": v.manufacturer,
        "first_flight": v.first_flight,
        "description": v.description,
        "liftoff_mass_kg_no_payload": v.liftoff_mass_kg(0.0),
        "liftoff_mass_kg_published": v.liftoff_mass_kg_published,
        "liftoff_thrust_sl_N": v.liftoff_thrust_sl_N,
        "liftoff_thrust_to_weight_no_payload": v.liftoff_thrust_to_weight(0.0),
        "payload_leo_published_kg": payloads,
        "ideal_delta_v_m_s_with_expendable_payload": (
            ideal_delta_v_m_s(v, exp) if exp is not None else None),
        "fairing": v.fairing.model_dump(),
        "stages": [_stage_summary(s) for s in v.stages],
        "sources": dict(v.sources),
        "provenance": [{"field": f, "value": val, "source": src} for f, val, src in provenance_rows(v)],
    }


def catalog_summaries() -> list[dict[str, Any]]:
    """One summary per built-in vehicle."""
    return [vehicle_summary(load_vehicle(n)) for n in list_vehicles()]
