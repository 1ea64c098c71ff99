"""What-ifs of a failure scenario: fly the scenario as given and with each of its ``[whatifs.NAME]``
options, and say in one line per option whether the booster landed and the physics why.

The 'why' is computed from the flown flight, not written in advance: engines left after the fault,
their thrust-to-weight at the fault (full throttle, at the pad's air pressure), the share of the
thrust the landing plan counted on that they still give, and the touchdown or impact state.
"""
from __future__ import annotations

import numpy as np

G0 = 9.80665
AS_FLOWN = "as-flown"


def whatif_names(mission) -> list[str]:
    return [AS_FLOWN, *mission.whatifs]


def fly_whatif(mission, name: str, vehicle=None, perturb=None):
    """The Flight of what-if ``name`` ('as-flown' = the mission itself)."""
    from .simulation import simulate
    m = mission if name == AS_FLOWN else mission.with_whatif(name)
    return simulate(m, vehicle, perturb=perturb)


def fly_whatifs(mission, names=None, vehicle=None, perturb=None) -> list[dict]:
    """One row per what-if (default: as flown, then every what-if of the mission)."""
    from ..vehicles import load_vehicle
    vehicle = vehicle or load_vehicle(mission.vehicle)
    rows = []
    for name in names or whatif_names(mission):
        flight = fly_whatif(mission, name, vehicle, perturb)
        desc = mission.description if name == AS_FLOWN else (mission.whatifs[name].description or "")
        rows.append(whatif_row(name, desc, flight, mission, vehicle))
    return rows


def _thrust_one_engine_N(vehicle, alt_m) -> float:
    from ..earth.atmosphere import us76
    e = vehicle.stages[0].engine
    _, p, _, _ = us76(alt_m)
    return e.throttle_max * e.thrust_vac_N - p * e.exit_area_m2


def whatif_row(name, description, flight, mission, vehicle) -> dict:
    """The table row of one flown what-if, with the physical reason for its outcome."""
    from .recovery import zone_site
    s = flight.summary()["stages"]["booster"]
    td, lb = s.get("touchdown", {}), s.get("landing_burn", {})
    zone_alt = zone_site(mission.recovery).alt_m
    ev = [e for e in flight.events if e.stage == "booster"]
    start = next((e for e in ev if e.name == "landing_start"), None)
    faults = [e for e in ev if e.name == "fault"]
    shut = [e for e in ev if e.name == "engine_shutdown"]
    row = {"whatif": name, "description": description, "outcome": s["outcome"],
           "crash_phase": (s.get("crash") or {}).get("phase"), "crash_cause": (s.get("crash") or {}).get("cause"),
           "ignition_altitude_m": lb.get("ignition_altitude_m"), "engines_lit": start.detail.get("engines") if start else 0,
           "miss_distance_m": td.get("miss_distance_m"), "east_m": td.get("east_m"), "north_m": td.get("north_m"),
           "vertical_speed_m_s": td.get("vertical_speed_m_s"), "horizontal_speed_m_s": td.get("horizontal_speed_m_s"),
           "propellant_remaining_kg": td.get("propellant_remaining_kg")}
    f = next((e for e in faults if e.detail.get("phase_at_fault") == "landing_burn"), None)
    tw = share = None
    if f is not None:
        tr = flight.stage("booster").trajectory
        m = float(np.interp(f.time_s, tr["time_s"], tr["mass_kg"]))
        left = int(f.detail.get("engines_left", f.detail.get("engines_lit", 0)))
        thrust = left * _thrust_one_engine_N(vehicle, zone_alt)
        tw = thrust / (m * G0)
        rep = flight.stage("booster").landing
        if rep is not None and rep.limits is not None and left > 0:
            share = thrust / rep.limits.thrust_max_N
        row.update({"fault_time_after_ignition_s": round(f.time_s - start.time_s, 2) if start else None,
                    "fault_height_m": round(f.altitude_m - zone_alt, 1), "engines_left": left,
                    "thrust_to_weight_after_fault": round(tw, 3),
                    "thrust_vs_plan_after_fault": round(share, 3) if share is not None else None})
    row["why"] = _why(row, f, shut, start)
    return row


def _why(row, f, shut, start) -> str:
    out, vs, miss = row["outcome"], row["vertical_speed_m_s"], row["miss_distance_m"]
    where = f"{vs:.1f} m/s, {miss:.0f} m from the pad"
    if start is None:
        return f"{row['crash_cause'] or out}: no landing burn ({where})"
    if f is None:
        if out == "landed":
            return f"no fault in the landing burn: landed at {where}"
        return f"{out}: {row['crash_cause'] or 'landing criteria not met'} ({where})"
    h, dt, left = row["fault_height_m"], row["fault_time_after_ignition_s"], row["engines_left"]
    lit = row["engines_lit"]
    shut_txt = ""
    before = [e for e in shut if e.time_s <= f.time_s]
    if before:
        shut_txt = (f"the guidance had already shut down to {before[-1].detail['engines_lit']} engine(s) "
                    f"({lit} could not throttle low enough there), so ")
    if left == 0:
        return (f"{shut_txt}the fault {dt:.1f} s after ignition at {h:.0f} m left no landing engine "
                f"({lit} lit): nothing to brake with, impact at {where}")
    tw, share = row["thrust_to_weight_after_fault"], row["thrust_vs_plan_after_fault"]
    if out == "landed":
        return (f"{shut_txt}{left} engine(s) left after the fault at {h:.0f} m give thrust/weight {tw:.2f}, "
                f"{share:.0%} of the thrust the plan counted on: re-planned and landed at {where}")
    return (f"{shut_txt}{left} engine(s) left after the fault at {h:.0f} m give thrust/weight {tw:.2f}, "
            f"{share:.0%} of the thrust the plan counted on: too little height left to stop, "
            f"{out} at {where}")
