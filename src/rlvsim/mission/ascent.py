"""Fly the stacked ascent (first stage burning) and the upper stage to orbit."""
from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from ..earth.constants import WGS84_A_M
from ..flight import dynamics as D
from ..flight.orbit import orbit_from_state
from ..flight.propagator import Body, EarthModel, Event
from ..flight.recorder import Recorder
from ..guidance.ascent import enu_axes_eci, launch_azimuth_deg, throttle_at, tilted
from ..guidance.upper import InsertionTarget, LinearTangentGuidance
from .flight import FlightEvent


class AscentFailure(RuntimeError):
    """The stacked ascent could not continue (e.g. the vehicle fell back)."""


@dataclass
class StackResult:
    t_meco: float
    y_meco: np.ndarray
    t_sep: float
    y_sep: np.ndarray
    booster_mass_sep_kg: float
    fairing_on: bool
    max_q_Pa: float
    t_max_q: float
    azimuth_deg: float


def _event(rec: Recorder, name: str, stage: str, **detail) -> FlightEvent:
    row = rec.last
    return FlightEvent(name, stage, float(row[0]), float(row[8]), float(row[11]), detail)


def engine_args(stage, burn: str):
    e = stage.engine
    n = stage.burns.get(burn, stage.engine_count)
    return n, e.thrust_vac_N, e.exit_area_m2, e.isp_vac_s


def pitch_program(rec: Recorder):
    """The nominal gravity turn as an attitude program: (time_s, tilt from the local vertical in deg)
    of the Earth-relative velocity along the recorded ascent (gravity-turn rows)."""
    tab = rec.table()
    m = tab["phase"] == "gravity_turn"
    v = np.maximum(tab["speed_m_s"][m], 1e-6)
    tilt = np.degrees(np.arccos(np.clip(tab["vertical_speed_m_s"][m] / v, -1.0, 1.0)))
    return np.column_stack([tab["time_s"][m], tilt])


def fly_stack(mission, vehicle, site, reserve_kg: float, rec: Recorder, events: list,
              earth: EarthModel, dt_s: float = 1.0, perturb=None, program=None) -> StackResult:
    """Liftoff to separation.  Returns the state at MECO and separation.

    Without ``program`` the first stage flies a gravity turn (thrust along the Earth-relative
    velocity).  With ``program`` ((t, tilt_deg) rows, e.g. pitch_program() of a nominal flight) it
    flies that attitude program in the launch-azimuth plane, as real first stages do: a dispersed
    flight then does not run away the way an open-loop gravity turn does."""
    from ..earth.frames import geodetic_to_ecef

    booster, upper = vehicle.stages[0], vehicle.stages[1]
    asc = mission.ascent
    lat = math.radians(site.lat_deg)
    lon = math.radians(site.lon_deg)
    r0 = np.asarray(geodetic_to_ecef(lat, lon, site.alt_m, earth.a_m, earth.f), float)
    w = earth.rotation_rate_rad_s
    v0 = np.array([-w * r0[1], w * r0[0], 0.0])
    m_upper = upper.dry_mass_kg + upper.propellant_mass_kg + upper.residual_propellant_kg
    m0 = (booster.dry_mass_kg + booster.propellant_mass_kg + booster.residual_propellant_kg
          + m_upper + vehicle.fairing.mass_kg + mission.payload_kg)
    y = np.concatenate([r0, v0, [m0]])
    # MECO: on time when the profile gives one (the booster keeps what is left), else when the
    # propellant above the recovery reserve is spent
    m_meco = m0 - (booster.propellant_mass_kg - (0.0 if asc.meco_time_s else reserve_kg))
    az = asc.launch_azimuth_deg
    if az is None:
        az = launch_azimuth_deg(site.lat_deg, mission.target.inclination_deg)

    body = Body(earth=earth)
    if perturb is not None:
        perturb.apply(body, "stack")
    a = booster.aero["ascent_stack"]
    body.set_aero(a.mach, a.cd, booster.reference_area_m2)
    n, fv, ae, isp = engine_args(booster, "ascent")
    body.set_engines(n, fv, ae, isp, 1.0, mass_min_kg=m_meco - 1.0)

    t = 0.0
    rec.add(t, y, body, "vertical_rise")
    events.append(_event(rec, "liftoff", "stack"))
    stop = [Event("meco", "mass", m_meco, -1), Event("ground", "altitude", site.alt_m - 50.0, -1)]
    if asc.meco_time_s:
        stop.append(Event("meco", "time", asc.meco_time_s, +1))
    t_kick_end = asc.vertical_rise_s + asc.pitch_kick_duration_s
    while True:
        # steering for this step
        e_, n_, u_ = enu_axes_eci(lat, lon, t, earth.theta0_rad, w)
        if t < asc.vertical_rise_s - 1e-9:
            phase = "vertical_rise"
            t_next = min(t + dt_s, asc.vertical_rise_s)
            body.point_inertial(u_)
        elif t < t_kick_end - 1e-9:
            phase = "pitch_kick"
            t_next = min(t + dt_s, t_kick_end)
            k0 = asc.pitch_kick_deg * (t - asc.vertical_rise_s) / asc.pitch_kick_duration_s
            k1 = asc.pitch_kick_deg * (t_next - asc.vertical_rise_s) / asc.pitch_kick_duration_s
            d0 = tilted(u_, e_, n_, az, k0)
            d1 = tilted(u_, e_, n_, az, k1)
            body.point_inertial(d0, (d1 - d0) / (t_next - t), t)
        else:
            phase = "gravity_turn"
            t_next = t + dt_s
            if program is None:
                body.point_prograde()
            else:
                k0 = float(np.interp(t, program[:, 0], program[:, 1]))
                k1 = float(np.interp(t_next, program[:, 0], program[:, 1]))
                d0 = tilted(u_, e_, n_, az, k0)
                d1 = tilted(u_, e_, n_, az, k1)
                body.point_inertial(d0, (d1 - d0) / (t_next - t), t)
        body.set_throttle(throttle_at(asc.throttle_schedule, t))
        seg = body.propagate(t, y, t_next, stop)
        t, y = seg.t_s, seg.y
        rec.add(t, y, body, phase)
        if seg.event == "ground":
            raise AscentFailure(f"the stack fell back to the ground at T+{t:.1f} s (phase {phase})")
        if seg.event == "meco":
            break
    t_meco, y_meco = t, y.copy()
    events.append(_event(rec, "meco", "stack"))
    # max-Q from the record, refined by a parabola through the three samples around the peak
    tab_q = np.array([r_[14] for r_ in rec._rows])
    tab_t = np.array([r_[0] for r_ in rec._rows])
    i = int(np.argmax(tab_q))
    t_q, q_max = tab_t[i], tab_q[i]
    if 0 < i < len(tab_q) - 1:
        tq = tab_t[i - 1:i + 2]
        qq = tab_q[i - 1:i + 2]
        c = np.polyfit(tq - tq[1], qq, 2)
        if c[0] < 0:
            t_q = tq[1] - c[1] / (2 * c[0])
            q_max = float(np.polyval(c, t_q - tq[1]))
    row = rec._rows[i]
    events.append(FlightEvent("max_q", "stack", float(t_q), float(row[8]), float(row[11]),
                              {"dynamic_pressure_Pa": round(q_max, 1)}))
    # coast to separation
    body.engines_off()
    t_sep = t_meco + asc.separation_delay_s
    if t_sep > t_meco:
        seg = body.propagate(t, y, t_sep)
        t, y = seg.t_s, seg.y
    rec.add(t, y, body, "separation")
    events.append(_event(rec, "separation", "stack"))
    fairing_on = True                      # the fairing rides on the upper stage at separation
    upper_stack = m_upper + mission.payload_kg + vehicle.fairing.mass_kg
    booster_mass = float(y[6] - upper_stack)
    return StackResult(t_meco, y_meco, t, y.copy(), booster_mass, fairing_on, float(q_max),
                       float(t_q), az)


def fly_upper(mission, vehicle, stack: StackResult, rec: Recorder, events: list,
              earth: EarthModel, dt_s: float = 2.0, perturb=None):
    """Separation to SECO under closed-loop guidance.  Returns (orbit, outcome, info)."""
    upper = vehicle.stages[1]
    asc = mission.ascent
    y = stack.y_sep.copy()
    y[6] -= stack.booster_mass_sep_kg
    t = stack.t_sep
    body = Body(earth=earth)
    if perturb is not None:
        perturb.apply(body, "upper")
    a = upper.aero["upper"]
    body.set_aero(a.mach, a.cd, upper.reference_area_m2)
    fairing_on = stack.fairing_on
    m_burnout = upper.dry_mass_kg + upper.residual_propellant_kg + mission.payload_kg
    rec.add(t, y, body, "coast")
    if fairing_on and body.derived(t, y)[D.D_ALT] >= vehicle.fairing.jettison_altitude_m:
        y[6] -= vehicle.fairing.mass_kg       # separated above the jettison altitude: drop it now
        fairing_on = False
        events.append(_event(rec, "fairing_jettison", "upper"))
    if fairing_on:
        m_burnout += vehicle.fairing.mass_kg
    # coast to ignition
    t_ses = t + asc.upper_ignition_delay_s
    if t_ses > t:
        body.point_prograde()
        seg = body.propagate(t, y, t_ses)
        t, y = seg.t_s, seg.y
    n, fv, ae, isp = engine_args(upper, "ascent")
    body.set_engines(n, fv, ae, isp, 1.0, mass_min_kg=m_burnout - 1.0)
    rec.add(t, y, body, "upper_burn")
    events.append(_event(rec, "ses", "upper"))
    tgt = mission.target
    R = WGS84_A_M
    target = InsertionTarget(R + tgt.perigee_km * 1e3, R + tgt.apogee_km * 1e3,
                             math.radians(tgt.inclination_deg))
    guid = LinearTangentGuidance(target, m_burnout - 1.0)
    cycle = asc.guidance_cycle_s
    outcome = "orbit"
    t_update = -1e9
    u0 = ud = None
    while True:
        remaining = guid.last.time_to_go_s - (t - t_update) if guid.last else 1e9
        if guid.last is None or (t - t_update >= cycle - 1e-9 and remaining > 2 * cycle):
            u0, ud, tref = guid.update(body, t, y, azimuth_hint_deg=stack.azimuth_deg)
            t_update = t
            body.point_inertial(u0, ud, tref)
        stop = [Event("seco", "energy", target.energy_J_kg, +1), Event("burnout", "mass", m_burnout, -1),
                Event("ground", "altitude", 0.0, -1)]
        if fairing_on:
            stop.append(Event("fairing", "altitude", vehicle.fairing.jettison_altitude_m, +1))
        seg = body.propagate(t, y, t + dt_s, stop, h_max_s=dt_s)
        t, y = seg.t_s, seg.y
        rec.add(t, y, body, "upper_burn")
        if seg.event == "fairing":
            y = y.copy()
            y[6] -= vehicle.fairing.mass_kg
            m_burnout -= vehicle.fairing.mass_kg
            guid.mass_min_kg = m_burnout - 1.0
            body.set_engines(n, fv, ae, isp, 1.0, mass_min_kg=m_burnout - 1.0)
            fairing_on = False
            events.append(_event(rec, "fairing_jettison", "upper"))
            continue
        if seg.event in ("seco", "burnout", "ground"):
            break
    body.engines_off()
    rec.add(t, y, body, "orbit")
    orbit = orbit_from_state(y[:3], y[3:6])
    prop_left = y[6] - m_burnout
    if seg.event in ("burnout", "ground") or orbit.perigee_alt_m() < 0.9 * tgt.perigee_km * 1e3:
        outcome = "failed_to_orbit"
    events.append(_event(rec, "seco", "upper", propellant_remaining_kg=round(float(prop_left), 1)))
    info = {"propellant_remaining_kg": round(float(prop_left), 1),
            "guidance_solves": guid.solves,
            "guidance_residual": round(guid.last.residual, 6) if guid.last else None}
    return orbit, outcome, info, float(prop_left)
