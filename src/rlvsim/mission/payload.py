"""Largest payload to a circular orbit: fly the whole ascent and solve for zero propellant left.

For a given payload the upper stage's propellant left at SECO (negative: the equivalent propellant
still missing when it burns out short of the orbit) is a smooth, nearly linear function of the
payload mass, so a secant iteration on it converges in a few flights.  The first-stage pitch kick
(the one free shape parameter of the gravity turn) is chosen first by a golden-section search that
maximises the propellant left, since the best ascent shape changes with the orbit and the vehicle.
"""
from __future__ import annotations

import math

from ..errors import InputError
from ..vehicles import load_vehicle
from .catalog import list_missions, load_mission
from .model import Ascent, Mission, Recovery, Target


def _template(vehicle_name: str) -> Mission | None:
    if vehicle_name in list_missions():
        return load_mission(vehicle_name)
    for m in list_missions():
        mm = load_mission(m)
        if mm.vehicle == vehicle_name:
            return mm
    return None


def build_mission(vehicle, orbit_alt_km, inclination_deg, recovery="expendable", site=None,
                  payload_kg=0.0, landing_zone=None) -> Mission:
    tpl = _template(vehicle.name)
    ascent = tpl.ascent if tpl else Ascent()
    launch_site = site or (tpl.launch_site if tpl else None)
    if launch_site is None:
        raise InputError(f"vehicle '{vehicle.name}' has no reference mission: give --site")
    if recovery not in ("expendable", "downrange", "rtls", "droneship"):
        raise InputError(f"--recovery = {recovery!r}: must be one of expendable, downrange, rtls, droneship")
    zone = landing_zone
    if recovery != "expendable" and zone is None:
        zone = tpl.recovery.landing_zone if (tpl and tpl.recovery.mode == recovery) else "unspecified"
    return Mission(name=f"{vehicle.name}-payload", vehicle=vehicle.name, launch_site=launch_site,
                   payload_kg=payload_kg,
                   target=Target(perigee_km=orbit_alt_km, apogee_km=orbit_alt_km,
                                 inclination_deg=inclination_deg),
                   ascent=ascent.model_copy(update={"launch_azimuth_deg": None}),
                   recovery=Recovery(mode=recovery, landing_zone=zone))


def margin_kg(mission: Mission, vehicle) -> float:
    """Upper-stage propellant left at SECO; negative = propellant still missing at burnout."""
    from .ascent import fly_upper, fly_stack
    from .simulate import recovery_reserve_kg
    from ..earth.sites import get_site
    from ..flight.propagator import EarthModel
    from ..flight.recorder import Recorder

    earth = EarthModel()
    site = get_site(mission.launch_site)
    try:
        stack = fly_stack(mission, vehicle, site, recovery_reserve_kg(mission, vehicle),
                          Recorder("stack"), [], earth)
        orbit, outcome, info, left = fly_upper(mission, vehicle, stack, Recorder("upper"), [], earth)
    except (RuntimeError, FloatingPointError):
        return -1e6
    if outcome == "orbit":
        return left
    # burnout short of the orbit: convert the energy deficit into missing propellant
    upper = vehicle.stages[1]
    c = upper.engine.isp_vac_s * 9.80665
    r_t = 6378137.0 + mission.target.perigee_km * 1e3
    e_t = -3.986004418e14 / (2 * r_t)
    v = math.sqrt(max(2 * (orbit.specific_energy_J_kg + 3.986004418e14 / orbit.perigee_radius_m), 1.0)) \
        if orbit.perigee_radius_m > 0 else 7000.0
    dv = max(e_t - orbit.specific_energy_J_kg, 0.0) / max(v, 1000.0)
    m_bo = upper.dry_mass_kg + upper.residual_propellant_kg + mission.payload_kg
    return -m_bo * (math.exp(dv / c) - 1.0) - 1.0


def _golden_max(f, lo, hi, n):
    g = (math.sqrt(5) - 1) / 2
    a, b = lo, hi
    c, d = b - g * (b - a), a + g * (b - a)
    fc, fd = f(c), f(d)
    for _ in range(n):
        if fc > fd:
            b, d, fd = d, c, fc
            c = b - g * (b - a)
            fc = f(c)
        else:
            a, c, fc = c, d, fd
            d = a + g * (b - a)
            fd = f(d)
    return (c, fc) if fc > fd else (d, fd)


def max_payload(vehicle, *, orbit_alt_km: float, inclination_deg: float, recovery: str = "expendable",
                site: str | None = None, tol_kg: float = 20.0) -> dict:
    v = load_vehicle(vehicle) if isinstance(vehicle, str) else vehicle
    base = build_mission(v, orbit_alt_km, inclination_deg, recovery, site)
    from ..earth.sites import get_site
    s = get_site(base.launch_site)
    if inclination_deg < abs(s.lat_deg) - 1e-6 or inclination_deg > 180 - abs(s.lat_deg) + 1e-6:
        raise InputError(f"--inclination-deg = {inclination_deg}: not reachable by a direct ascent from "
                         f"{s.name} (latitude {s.lat_deg:.2f} deg): use {abs(s.lat_deg):.1f}..{180 - abs(s.lat_deg):.1f}")
    flights = 0

    def with_(payload, kick):
        nonlocal flights
        flights += 1
        m = base.model_copy(update={"payload_kg": max(payload, 0.0),
                                    "ascent": base.ascent.model_copy(update={"pitch_kick_deg": kick})})
        return margin_kg(m, v)

    guess = 0.02 * v.liftoff_mass_kg(0.0)
    kick, _ = _golden_max(lambda k: with_(guess, k), 0.5, 8.0, 7)
    # secant on the payload
    p0, f0 = guess, with_(guess, kick)
    p1 = max(p0 + f0 * 0.7, 0.0)
    f1 = with_(p1, kick)
    for _ in range(12):
        if abs(f1 - f0) < 1e-9:
            break
        p2 = p1 - f1 * (p1 - p0) / (f1 - f0)
        p2 = max(p2, 0.0)
        p0, f0 = p1, f1
        p1, f1 = p2, with_(p2, kick)
        if abs(p1 - p0) < tol_kg and f1 >= -tol_kg:
            break
    payload = p1 if f1 >= 0 else max(p1 + f1, 0.0)
    if payload <= 0.0 and f1 < 0:
        raise InputError(f"{v.name} cannot reach a {orbit_alt_km:g} km, {inclination_deg:g} deg orbit "
                         f"with recovery '{recovery}' even with no payload")
    from .simulate import recovery_reserve_kg
    return {"vehicle": v.name, "site": s.name, "recovery": recovery, "orbit_alt_km": orbit_alt_km,
            "inclination_deg": inclination_deg, "payload_kg": round(payload, 0),
            "booster_recovery_reserve_kg": round(recovery_reserve_kg(base, v), 0),
            "pitch_kick_deg": round(kick, 3), "flights_simulated": flights}
