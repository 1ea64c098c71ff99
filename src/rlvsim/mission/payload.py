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


def _template(vehicle_name: str, recovery: str = "expendable") -> Mission | None:
    """The vehicle's reference mission: the one whose recovery mode matches, else the one named
    after the vehicle, else any mission of that vehicle."""
    mine = [load_mission(m) for m in list_missions()]
    mine = [m for m in mine if m.vehicle == vehicle_name]
    for m in mine:
        if m.recovery.mode == recovery and recovery != "expendable":
            return m
    for m in mine:
        if m.name == vehicle_name:
            return m
    return mine[0] if mine else None


def _zone_on_track(tpl: Mission, launch_site: str, inclination_deg: float):
    """(lat, lon, alt) at the reference zone's distance from its launch site, along the launch
    azimuth of an orbit of this inclination (the same side, north- or south-going, as the
    reference mission)."""
    from ..earth.frames import downrange_point, geodesic_inverse
    from ..earth.sites import get_site
    from ..guidance.ascent import launch_azimuth_deg
    from .recovery import zone_site
    ref_site = get_site(tpl.launch_site)
    zone = zone_site(tpl.recovery)
    dist, az_ref, _ = geodesic_inverse(ref_site.lat_deg, ref_site.lon_deg, zone.lat_deg, zone.lon_deg)
    site = get_site(launch_site)
    southward = 90.0 < (az_ref % 360.0) < 270.0
    az = launch_azimuth_deg(site.lat_deg, inclination_deg, ascending=not southward)
    lat, lon = downrange_point(site.lat_deg, site.lon_deg, az, dist)
    return (float(lat), float(lon), float(zone.alt_m))


def build_mission(vehicle, orbit_alt_km, inclination_deg, recovery="expendable", site=None,
                  payload_kg=0.0, landing_zone=None) -> Mission:
    tpl = _template(vehicle.name, recovery)
    ascent = tpl.ascent if tpl else Ascent()
    launch_site = site or (tpl.launch_site if tpl else None)
    if launch_site is None:
        raise InputError(f"vehicle '{vehicle.name}' has no reference mission: give --site")
    if recovery not in ("expendable", "downrange", "rtls", "droneship"):
        raise InputError(f"--recovery = {recovery!r}: must be one of expendable, downrange, rtls, droneship")
    az = None
    if tpl and tpl.ascent.launch_azimuth_deg is not None and 90.0 < tpl.ascent.launch_azimuth_deg < 270.0:
        # the reference mission flies south-going: keep that side of the orbit plane
        from ..earth.sites import get_site
        from ..guidance.ascent import launch_azimuth_deg
        az = launch_azimuth_deg(get_site(launch_site).lat_deg, inclination_deg, ascending=False)
    rec = Recovery(mode=recovery, landing_zone=landing_zone or ("unspecified" if recovery != "expendable" else None))
    if recovery != "expendable" and landing_zone is None:
        # the reference mission's recovery settings; for a downrange pad or a drone ship, the zone
        # is placed on this orbit's ground track at the reference zone's downrange distance
        if tpl and tpl.recovery.mode == recovery:
            rec = tpl.recovery.model_copy(update={"reserve_kg": None})
            if recovery in ("downrange", "droneship"):
                rec = rec.model_copy(update={"landing_zone_position": _zone_on_track(
                    tpl, launch_site, inclination_deg)})
        else:
            rec = Recovery(mode=recovery, landing_zone="unspecified")
    return Mission(name=f"{vehicle.name}-payload", vehicle=vehicle.name, launch_site=launch_site,
                   payload_kg=payload_kg,
                   target=Target(perigee_km=orbit_alt_km, apogee_km=orbit_alt_km,
                                 inclination_deg=inclination_deg),
                   # a flight's own throttle schedule (e.g. CRS-11's Block 3 thrust) is not the
                   # vehicle's capability: payload runs fly full throttle
                   ascent=ascent.model_copy(update={"launch_azimuth_deg": az, "throttle_schedule": [],
                                                    "meco_time_s": None}),
                   recovery=rec)


def margin_kg(mission: Mission, vehicle) -> float:
    """Upper-stage propellant left at SECO; negative = propellant still missing at burnout."""
    from .ascent import fly_upper, fly_stack
    from .simulation import recovery_reserve_kg
    from ..earth.sites import get_site
    from ..flight.propagator import EarthModel
    from ..flight.recorder import Recorder

    earth = EarthModel()
    site = get_site(mission.launch_site)
    try:
        stack = fly_stack(mission, vehicle, site, recovery_reserve_kg(mission, vehicle),
                          Recorder("stack"), [], earth)
        orbit, outcome, info, left = fly_upper(mission, vehicle, stack, Recorder("upper"), [], earth)
    except (RuntimeError, FloatingPointError):     # AscentFailure is a RuntimeError
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


def size_recovery_reserve(mission: Mission, vehicle, reserve_kg: float, max_flights: int = 14,
                          rel_tol: float = 0.03):
    """The least booster propellant with which the flown recovery lands, plus the mission's stated
    margin (``recovery.reserve_margin``).

    A recovery fails with too little propellant (the boostback or the landing burn runs short) but
    also with too much (a heavy booster the landing engines cannot stop), and a booster that lands
    keeps its unspent landing margin, so what one flight used is not what it needed.  So: find a
    reserve that lands (the given one, then x0.75, 1.25, 0.55, 1.5), step down by x0.7 until one
    fails, bisect between the two to ``rel_tol``, add the margin and fly that once more (if it does
    not land, the least landing reserve found is used).  Returns (reserve_kg, landed, flights)."""
    from .simulation import simulate
    margin = mission.recovery.reserve_margin
    cap = 0.6 * vehicle.stages[0].propellant_mass_kg
    floor = 0.02 * vehicle.stages[0].propellant_mass_kg
    flights = 0

    def lands(res) -> bool:
        nonlocal flights
        m = mission.model_copy(update={"recovery": mission.recovery.model_copy(update={"reserve_kg": res})})
        flights += 1
        return simulate(m, vehicle).summary()["stages"]["booster"]["outcome"] == "landed"

    good = None
    for factor in (1.0, 0.75, 1.25, 0.55, 1.5):
        trial = min(reserve_kg * factor, cap)
        if lands(trial):
            good = trial
            break
    if good is None:
        return reserve_kg, False, flights
    bad = None
    while bad is None and flights < max_flights:
        trial = 0.7 * good
        if trial < floor:
            bad = 0.0
        elif lands(trial):
            good = trial
        else:
            bad = trial
    while bad is not None and good - bad > rel_tol * good and flights < max_flights - 1:
        mid = 0.5 * (good + bad)
        if lands(mid):
            good = mid
        else:
            bad = mid
    sized = min(good * (1.0 + margin), cap)
    if sized > good and not lands(sized):
        return good, True, flights
    return sized, True, flights


def max_payload(vehicle, *, orbit_alt_km: float, inclination_deg: float, recovery: str = "expendable",
                site: str | None = None, tol_kg: float = 20.0, size_reserve: bool = True) -> dict:
    v = load_vehicle(vehicle) if isinstance(vehicle, str) else vehicle
    base = build_mission(v, orbit_alt_km, inclination_deg, recovery, site)
    from ..earth.sites import get_site
    s = get_site(base.launch_site)
    notes = []
    if abs(s.lat_deg) - 0.5 <= inclination_deg < abs(s.lat_deg) + 0.05:
        # the conventional '28.5 deg' from a pad at 28.56 N: fly the due-east (minimum) inclination
        notes.append(f"inclination {inclination_deg} deg is at or below the site latitude "
                     f"{s.lat_deg:.2f} deg: flown due east (minimum inclination)")
        inclination_deg = abs(s.lat_deg) + 0.05
        base = build_mission(v, orbit_alt_km, inclination_deg, recovery, site)
    if inclination_deg < abs(s.lat_deg) - 1e-6 or inclination_deg > 180 - abs(s.lat_deg) + 1e-6:
        raise InputError(f"--inclination-deg = {inclination_deg}: not reachable by a direct ascent from "
                         f"{s.name} (latitude {s.lat_deg:.2f} deg, the '{recovery}' reference mission's site): use "
                         f"{abs(s.lat_deg):.1f}..{180 - abs(s.lat_deg):.1f}, or another site with --site")
    flights = 0

    def with_(payload, kick):
        nonlocal flights
        flights += 1
        m = base.model_copy(update={"payload_kg": max(payload, 0.0),
                                    "ascent": base.ascent.model_copy(update={"pitch_kick_deg": kick})})
        return margin_kg(m, v)

    def secant(p_guess, kick):
        """Largest payload with propellant left >= 0 for a fixed pitch kick: a bracketed
        secant (Illinois) search that never trusts a payload whose flight failed."""
        lo, f_lo = 0.0, with_(0.0, kick)
        if f_lo < 0:
            return 0.0, f_lo
        hi, f_hi = p_guess, with_(p_guess, kick)
        while f_hi >= 0:                         # expand until the payload is too heavy
            lo, f_lo = hi, f_hi
            hi = hi * 1.5 + 1000.0
            f_hi = with_(hi, kick)
        side = 0
        for _ in range(30):
            if hi - lo < tol_kg:
                break
            p = hi - f_hi * (hi - lo) / (f_hi - f_lo) if f_lo != f_hi else 0.5 * (lo + hi)
            if not (lo < p < hi):
                p = 0.5 * (lo + hi)
            f = with_(p, kick)
            if f >= 0:
                lo, f_lo = p, f
                if side == 1:
                    f_hi *= 0.5
                side = 1
            else:
                hi, f_hi = p, f
                if side == -1:
                    f_lo *= 0.5
                side = -1
        return lo, f_lo

    # the best gravity-turn shape depends on the payload: coarse grid at a first guess, payload,
    # then a local golden-section refinement of the kick at that payload and the payload again
    # first guess from the ideal delta-v (vehicles.budget): ~9.3 km/s to a 200 km LEO including
    # losses, plus the Hohmann-like extra to go higher (~0.55 m/s per km up to a few thousand km)
    from ..vehicles.budget import payload_for_delta_v_kg
    dv_need = 9300.0 + 0.55 * max(orbit_alt_km - 200.0, 0.0)
    guess = max(payload_for_delta_v_kg(v, dv_need, None if recovery == "expendable" else recovery),
                0.01 * v.liftoff_mass_kg(0.0))
    grid = [0.75 + 0.5 * i for i in range(15)]
    # at half the guess most kicks still reach orbit, so the grid compares propellant left, not
    # the depth of failures
    vals = [with_(0.5 * guess, k) for k in grid]
    if max(vals) < 0:        # a hard orbit: even half the guess fails for every kick; compare at zero payload
        vals = [with_(0.0, k) for k in grid]
    kick = grid[int(max(range(len(grid)), key=lambda i: vals[i]))]
    p1, f1 = secant(guess, kick)
    for _ in range(3):
        kick, _ = _golden_max(lambda k: with_(max(p1, 0.3 * guess), k), max(kick - 1.0, 0.2), kick + 1.0, 7)
        p_prev = p1
        p1, f1 = secant(max(p1, 0.3 * guess), kick)
        if abs(p1 - p_prev) < max(0.01 * p1, tol_kg):
            break
    payload = p1
    from .simulation import recovery_reserve_kg
    reserve = recovery_reserve_kg(base, v)
    if f1 < 0 and recovery != "expendable" and size_reserve and base.recovery.landing_zone != "unspecified":
        # the file's reserve fraction is only a placeholder: size it by flying with no payload
        # (the least reserve that lands) and search the payload again before giving up
        sized, landed, n_fl = size_recovery_reserve(
            base.model_copy(update={"payload_kg": 0.0,
                                    "ascent": base.ascent.model_copy(update={"pitch_kick_deg": kick})}), v, reserve)
        flights += n_fl
        if landed and sized < reserve:
            reserve = sized
            base = base.model_copy(update={"recovery": base.recovery.model_copy(update={"reserve_kg": reserve})})
            payload, f1 = secant(max(0.3 * guess, 1000.0), kick)
            notes.append(f"no payload reached the orbit with the vehicle file's reserve fraction: "
                         f"reserve first sized by flying the recovery with no payload ({reserve:.0f} kg)")
    if f1 < 0:
        raise InputError(f"{v.name} cannot reach a {orbit_alt_km:g} km, {inclination_deg:g} deg orbit "
                         f"with recovery '{recovery}' even with no payload")
    reserve_source = "vehicle file fraction" if recovery != "expendable" else "none"
    if recovery != "expendable" and size_reserve:
        if base.recovery.landing_zone == "unspecified":
            notes.append("no landing zone for this recovery mode in the vehicle's reference mission: "
                         "the reserve is the vehicle file's fraction, not a flown recovery")
        else:
            sized, landed, n_fl = size_recovery_reserve(
                base.model_copy(update={"payload_kg": payload,
                                        "ascent": base.ascent.model_copy(update={"pitch_kick_deg": kick})}),
                v, reserve)
            flights += n_fl
            if landed:
                reserve = sized
                reserve_source = "flown recovery + %.0f %% margin" % (100 * base.recovery.reserve_margin)
                base = base.model_copy(update={"recovery": base.recovery.model_copy(update={"reserve_kg": reserve})})
                payload, f1 = secant(max(payload, 0.3 * guess), kick)
            else:
                notes.append(f"the flown recovery did not land with up to {sized:.0f} kg kept: "
                             "reserve left at the vehicle file's fraction")
    return {"vehicle": v.name, "site": s.name, "recovery": recovery, "orbit_alt_km": orbit_alt_km,
            "inclination_deg": inclination_deg, "payload_kg": round(payload, 0),
            "booster_recovery_reserve_kg": round(reserve, 0), "reserve_source": reserve_source,
            "pitch_kick_deg": round(kick, 3), "flights_simulated": flights, "notes": notes}
