"""Compare a simulated flight with real first-stage telemetry: residuals per phase and event
timing against the events found in the telemetry itself (and the webcast's events.csv if given).

The telemetry speed is the webcast's Earth-relative speed magnitude and altitude; the simulated
booster table has the same quantities (`speed_m_s`, `altitude_m`, the booster's own table starts
with the stacked ascent).  Residuals are evaluated at the telemetry's sample times that fall inside
the simulated flight, grouped by the simulated phase at that time.
"""
from __future__ import annotations

import numpy as np

# simulated event name (stage) -> telemetry event name
EVENT_MAP = {
    ("meco", "stack"): "meco", ("boostback_start", "booster"): "boostback_start",
    ("boostback_end", "booster"): "boostback_end", ("apogee", "booster"): "apogee",
    ("entry_start", "booster"): "entry_start", ("entry_end", "booster"): "entry_end",
    ("landing_start", "booster"): "landing_start", ("touchdown", "booster"): "landing_end",
    ("max_q", "stack"): "maxq",
}


def _rms(x):
    return float(np.sqrt(np.mean(np.square(x)))) if len(x) else float("nan")


def compare(flight, tel, webcast_events: dict | None = None) -> dict:
    """Plain-data comparison (the JSON of `rlvsim telemetry compare`)."""
    from .events import detect_events

    tr = flight.stage("booster").trajectory
    t_sim = tr["time_s"]
    inside = (tel.time_s >= t_sim[0]) & (tel.time_s <= t_sim[-1])
    t = tel.time_s[inside]
    h_obs, v_obs = tel.altitude_m[inside], tel.speed_m_s[inside]
    h_sim = np.interp(t, t_sim, tr["altitude_m"])
    v_sim = np.interp(t, t_sim, tr["speed_m_s"])
    dh, dv = h_sim - h_obs, v_sim - v_obs
    idx = np.clip(np.searchsorted(t_sim, t, side="right") - 1, 0, len(t_sim) - 1)
    phase = tr["phase"][idx]
    per_phase = {}
    for ph in dict.fromkeys(phase.tolist()):
        m = phase == ph
        per_phase[str(ph)] = {"samples": int(m.sum()), "time_s": [round(float(t[m][0]), 2), round(float(t[m][-1]), 2)],
                              "altitude_rms_m": round(_rms(dh[m]), 1), "altitude_max_abs_m": round(float(np.max(np.abs(dh[m]))), 1),
                              "speed_rms_m_s": round(_rms(dv[m]), 2), "speed_max_abs_m_s": round(float(np.max(np.abs(dv[m]))), 2)}
    detected = detect_events(tel)
    errors, errors_web, sim_times = {}, {}, {}
    for (name, stage), tel_name in EVENT_MAP.items():
        ev = flight.event(name, stage)
        if ev is None:
            continue
        sim_times[tel_name] = round(ev.time_s, 2)
        if detected.get(tel_name) is not None:
            errors[tel_name] = round(ev.time_s - detected[tel_name], 2)
        if webcast_events and webcast_events.get(tel_name) is not None:
            errors_web[tel_name] = round(ev.time_s - webcast_events[tel_name], 2)
    return {
        "mission": flight.mission, "vehicle": flight.vehicle, "telemetry": str(tel.source),
        "samples_compared": int(inside.sum()),
        "time_span_s": [round(float(t[0]), 2), round(float(t[-1]), 2)] if len(t) else None,
        "altitude_rms_m": round(_rms(dh), 1), "speed_rms_m_s": round(_rms(dv), 2),
        "max_altitude_m": round(float(np.max(h_obs)), 1) if len(t) else None,
        "max_speed_m_s": round(float(np.max(v_obs)), 2) if len(t) else None,
        "altitude_rms_fraction_of_max": round(_rms(dh) / float(np.max(h_obs)), 5) if len(t) else None,
        "speed_rms_fraction_of_max": round(_rms(dv) / float(np.max(v_obs)), 5) if len(t) else None,
        "per_phase": per_phase,
        "event_times_sim_s": sim_times,
        "event_times_detected_s": {k: (round(v, 2) if v is not None else None) for k, v in detected.items()},
        "event_time_errors_s": errors,
        "event_time_errors_vs_webcast_s": errors_web,
    }
