"""Ideal (Tsiolkovsky) delta-v of a vehicle, and the payload that a delta-v budget allows.

Conventions (the ones docs/vehicles.md uses for the catalog estimates):
* vacuum Isp for every stage (back-pressure loss is counted with gravity/drag losses);
* each stage burns its usable propellant (propellant - residual); the first stage also keeps
  back ``recovery_reserve[mode]`` of its propellant when a recovery mode is given;
* the fairing rides on the first stage and is dropped at first staging;
* stages and fairing drop as soon as they burn out (no coast, no losses).
"""
from __future__ import annotations

import math

from rlvsim.earth.constants import G0_M_S2
from rlvsim.errors import InputError
from rlvsim.vehicles.model import Vehicle


def _reserve_fraction(vehicle: Vehicle, recovery: str | None) -> float:
    if recovery is None:
        return 0.0
    booster = vehicle.stages[0]
    if recovery not in booster.recovery_reserve:
        known = ", ".join(booster.recovery_reserve) or "none"
        raise InputError(f"recovery = {recovery!r}: vehicle {vehicle.name!r} has no recovery_reserve "
                         f"for it (known: {known})")
    return booster.recovery_reserve[recovery]


def ideal_delta_v_per_stage_m_s(vehicle: Vehicle, payload_kg: float,
                                recovery: str | None = None) -> list[float]:
    """Tsiolkovsky delta-v (m/s) of each stage, first stage first."""
    reserve = _reserve_fraction(vehicle, recovery)
    mass = vehicle.liftoff_mass_kg(payload_kg)
    out = []
    for k, st in enumerate(vehicle.stages):
        burned = st.usable_propellant_kg - (reserve * st.propellant_mass_kg if k == 0 else 0.0)
        out.append(st.engine.isp_vac_s * G0_M_S2 * math.log(mass / (mass - burned)))
        mass -= st.wet_mass_kg + (vehicle.fairing.mass_kg if k == 0 else 0.0)
    return out


def ideal_delta_v_m_s(vehicle: Vehicle, payload_kg: float, recovery: str | None = None) -> float:
    """Total Tsiolkovsky delta-v (m/s) with a payload, expendable or keeping a recovery reserve."""
    return sum(ideal_delta_v_per_stage_m_s(vehicle, payload_kg, recovery))


def payload_for_delta_v_kg(vehicle: Vehicle, delta_v_m_s: float, recovery: str | None = None) -> float:
    """Largest payload (kg) whose ideal delta-v reaches ``delta_v_m_s``; 0 if none does."""
    if ideal_delta_v_m_s(vehicle, 0.0, recovery) < delta_v_m_s:
        return 0.0
    lo, hi = 0.0, vehicle.liftoff_mass_kg(0.0)
    for _ in range(200):  # bisection on a monotone function; 200 halvings reach float resolution
        mid = 0.5 * (lo + hi)
        if ideal_delta_v_m_s(vehicle, mid, recovery) >= delta_v_m_s:
            lo = mid
        else:
            hi = mid
        if hi - lo < 1e-6:
            break
    return lo
