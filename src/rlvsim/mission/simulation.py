"""`simulate()`: wire guidance to dynamics for every stage of a mission and return a Flight."""
from __future__ import annotations


import numpy as np

from ..flight.propagator import Body, EarthModel, Event
from ..flight.recorder import Recorder
from .ascent import AscentFailure, _event, fly_stack, fly_upper
from .flight import Flight, StageResult


def recovery_reserve_kg(mission, vehicle) -> float:
    """Booster propellant kept for recovery: the mission's value, else the vehicle's fraction."""
    mode = mission.recovery.mode
    if mode == "expendable":
        return 0.0
    if mission.recovery.reserve_kg is not None:
        return float(mission.recovery.reserve_kg)
    booster = vehicle.stages[0]
    frac = booster.recovery_reserve.get(mode, 0.0)
    return frac * booster.propellant_mass_kg


def _coast_booster(vehicle, stack, rec: Recorder, events: list, earth: EarthModel, site_alt_m=0.0,
                   dt_s: float = 2.0, perturb=None):
    """Unpowered, tail-first fall of an expended booster from separation to the ground."""
    booster = vehicle.stages[0]
    body = Body(earth=earth)
    if perturb is not None:
        perturb.apply(body, "booster")
    a = booster.aero.get("booster_tail_first") or booster.aero["ascent_stack"]
    body.set_aero(a.mach, a.cd, booster.reference_area_m2)
    t = stack.t_sep
    y = stack.y_sep.copy()
    y[6] = stack.booster_mass_sep_kg
    rec.add(t, y, body, "coast")
    stop = [Event("apogee", "vertical_speed", 0.0, -1), Event("impact", "altitude", site_alt_m, -1)]
    while True:
        seg = body.propagate(t, y, t + dt_s, stop)
        t, y = seg.t_s, seg.y
        rec.add(t, y, body, "coast" if seg.event != "impact" else "impact")
        if seg.event == "apogee":
            events.append(_event(rec, "apogee", "booster"))
            stop = stop[1:]
        if seg.event == "impact" or t > stack.t_sep + 3600:
            break
    row = rec.last
    events.append(_event(rec, "impact", "booster"))
    return {"impact_latitude_deg": round(float(row[9]), 6), "impact_longitude_deg": round(float(row[10]), 6),
            "impact_speed_m_s": round(float(row[11]), 2)}


def simulate(mission, vehicle=None, *, earth: EarthModel | None = None, perturb=None) -> Flight:
    """Fly a mission: ascent, staging, upper stage to orbit, and the booster after separation.
    ``perturb`` (flight.perturbation.Perturbation) disperses the physics flown (thrust, Isp, drag,
    air density, wind); a dispersed vehicle (masses) is passed as ``vehicle``."""
    from ..earth.sites import get_site
    from ..vehicles import load_vehicle

    if vehicle is None:
        vehicle = load_vehicle(mission.vehicle)
    earth = earth or EarthModel()
    site = get_site(mission.launch_site)
    reserve = recovery_reserve_kg(mission, vehicle)
    events: list = []
    rec_stack = Recorder("stack")
    program = None
    if perturb is not None:
        # a dispersed flight flies the nominal flight's attitude program (see fly_stack)
        from .ascent import pitch_program
        rec_nom = Recorder("stack")
        fly_stack(mission, load_nominal(mission, vehicle), site, reserve, rec_nom, [], earth)
        program = pitch_program(rec_nom)
    try:
        stack = fly_stack(mission, vehicle, site, reserve, rec_stack, events, earth, perturb=perturb,
                          program=program)
    except AscentFailure as exc:
        tab = rec_stack.table()
        info = {"crash": {"phase": "ascent", "cause": str(exc)}}
        stages = {"booster": StageResult("booster", tab, "crashed", info),
                  "upper": StageResult("upper", tab, "lost", info)}
        return Flight(vehicle.name, mission.name, mission.payload_kg, events, stages, None, 0.0,
                      notes=[f"ascent failed: {exc}"])
    rec_upper = Recorder("upper")
    orbit, up_outcome, up_info, _ = fly_upper(mission, vehicle, stack, rec_upper, events, earth, perturb=perturb)
    rec_boost = Recorder("booster")
    landing_report = None
    if mission.recovery.mode == "expendable":
        b_info = _coast_booster(vehicle, stack, rec_boost, events, earth, site_alt_m=0.0, perturb=perturb)
        b_outcome = "expended"
    else:
        from .recovery import BoosterFlight
        bf = BoosterFlight(mission, vehicle, stack, rec_boost, events, earth, perturb=perturb)
        landing_report = bf.landing
        try:
            b_outcome, b_info = bf.run()
        except FloatingPointError as exc:      # never crash a campaign: record it as a lost booster
            b_outcome, b_info = "crashed", {"crash": {"phase": bf.phase, "cause": f"numerical failure: {exc}"}}
    # the booster's own table starts with the shared ascent
    stack_tab = rec_stack.table()
    stages = {
        "booster": StageResult("booster", _join(stack_tab, rec_boost.table()), b_outcome,
                               {"recovery_mode": mission.recovery.mode,
                                "propellant_at_separation_kg": round(
                                    stack.booster_mass_sep_kg - vehicle.stages[0].dry_mass_kg
                                    - vehicle.stages[0].residual_propellant_kg, 1), **b_info},
                               landing=landing_report),
        "upper": StageResult("upper", _join(stack_tab, rec_upper.table()), up_outcome, up_info),
    }
    return Flight(vehicle.name, mission.name, mission.payload_kg, events, stages, orbit,
                  stack.max_q_Pa)


def load_nominal(mission, vehicle):
    """The undispersed vehicle of a (possibly mass-dispersed) vehicle: the catalog entry by name
    when there is one, else the vehicle itself."""
    from ..vehicles import list_vehicles, load_vehicle
    return load_vehicle(vehicle.name) if vehicle.name in list_vehicles() else vehicle


def _join(a: dict, b: dict) -> dict:
    return {k: np.concatenate([a[k], b[k]]) for k in a}
