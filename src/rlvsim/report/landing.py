"""The landing burn in detail: thrust against its bounds, the planned thrust of the re-plans, the
fallbacks, height and speed to touchdown, and the path against the glide-slope cone.

With the booster's LandingReport (``StageResult.landing``: plans, fallback_log, limits) the plans,
bounds and fallbacks are drawn from it; without it, from the trajectory table and summary.json's
landing_burn, with the bounds taken from the mission (glide slope) and the vehicle (throttle).
"""
from __future__ import annotations

import math

import numpy as np

from .html import bands_and_markers, stacked_layout, table, yref

ROWS = ("thrust (kN)", "throttle", "height above zone (m)", "speed (m/s)")
EVENTS_SHOWN = ("landing_start", "fault", "engine_shutdown", "touchdown", "impact")


def burn_window(flight, summary: dict):
    """(t_start, t_end, rows mask) of the booster's landing burn, or None when it did not fly one."""
    if "booster" not in flight.stages:
        return None
    tr = flight.stages["booster"].trajectory
    t = np.asarray(tr["time_s"], float)
    lb = summary["stages"].get("booster", {}).get("landing_burn") or {}
    t0 = lb.get("ignition_time_s")
    if t0 is None or not math.isfinite(t0):
        on = np.flatnonzero(tr["phase"] == "landing_burn")
        if not on.size:
            return None
        t0 = float(t[on[0]])
    mask = t >= t0 - 3.0
    return (float(t0), float(t[-1]), mask) if mask.sum() >= 2 else None


def _limits(flight, mission):
    """(thrust_min_N, thrust_max_N, glide_slope_deg, pointing_max_deg, source) with None for unknown."""
    rep = getattr(flight.stages.get("booster"), "landing", None)
    lim = getattr(rep, "limits", None)
    if lim is not None:
        return (getattr(lim, "thrust_min_N", None), getattr(lim, "thrust_max_N", None),
                getattr(lim, "glide_slope_deg", None), getattr(lim, "pointing_max_deg", None), "guidance limits")
    if mission is not None:
        r = mission.recovery
        return None, None, r.landing_glide_slope_deg, r.landing_pointing_max_deg, "mission"
    return None, None, None, None, ""


def bound_steps(flight, t0: float, t1: float):
    """(times, thrust_min_N, thrust_max_N) as steps from the limits the burn started with and each
    change in the LandingReport's limits_log (engine out, shutdown); None without a LandingReport."""
    rep = getattr(flight.stages.get("booster"), "landing", None)
    lim = getattr(rep, "limits", None)
    changes = [(float(c[0]), c[1]) for c in (getattr(rep, "limits_log", None) or []) if len(c) >= 2]
    if lim is None and not changes:
        return None
    steps = sorted(([(t0, lim)] if lim is not None else []) + changes, key=lambda c: c[0])
    x, lo, hi = [], [], []
    for t, lm in steps:
        x.append(max(t, t0))
        lo.append(getattr(lm, "thrust_min_N", float("nan")))
        hi.append(getattr(lm, "thrust_max_N", float("nan")))
    x.append(t1)
    lo.append(lo[-1])
    hi.append(hi[-1])
    return np.array(x), np.array(lo, float), np.array(hi, float)


def _throttle_bounds(flight):
    try:
        from ..vehicles import load_vehicle
        e = load_vehicle(flight.vehicle).stages[0].engine
        return float(e.throttle_min), float(e.throttle_max)
    except Exception:
        return None


def _plans(flight, k_max: int = 12):
    """Up to k_max (t0, plan) re-plans spread over the burn (first and last kept)."""
    rep = getattr(flight.stages.get("booster"), "landing", None)
    plans = [p for p in (getattr(rep, "plans", None) or []) if len(getattr(p[1], "t_s", ())) > 1]
    if len(plans) <= k_max:
        return plans, plans
    idx = np.unique(np.linspace(0, len(plans) - 1, k_max).round().astype(int))
    return [plans[i] for i in idx], plans


def _hline(x0, x1, y, name, row, colour, dash="dash"):
    """A horizontal bound on row ``row`` of the stacked landing figure."""
    return {"type": "scatter", "mode": "lines", "x": [x0, x1], "y": [y, y], "yaxis": yref(row), "name": name,
            "line": {"color": colour, "dash": dash, "width": 1.5}, "hovertemplate": f"{name}: %{{y:.4g}}<extra></extra>"}


def burn_figure(flight, summary, mission, zone_alt_m: float) -> dict:
    t0, t1, mask = burn_window(flight, summary)
    tr = flight.stages["booster"].trajectory
    t = np.asarray(tr["time_s"], float)[mask]
    col = {"color": "#1f77b4", "width": 2}
    data = [
        {"type": "scatter", "mode": "lines", "x": t, "y": np.asarray(tr["thrust_N"], float)[mask] * 1e-3, "yaxis": "y",
         "name": "thrust flown", "line": col, "line_shape": "hv"},
        {"type": "scatter", "mode": "lines", "x": t, "y": np.asarray(tr["throttle"], float)[mask], "yaxis": "y2",
         "name": "throttle flown", "line": {"color": "#9467bd", "width": 1.5}, "line_shape": "hv"},
        {"type": "scatter", "mode": "lines", "x": t, "y": np.asarray(tr["altitude_m"], float)[mask] - zone_alt_m,
         "yaxis": "y3", "name": "height above zone", "line": col},
        {"type": "scatter", "mode": "lines", "x": t, "y": np.asarray(tr["speed_m_s"], float)[mask], "yaxis": "y4",
         "name": "speed", "line": col},
        {"type": "scatter", "mode": "lines", "x": t, "y": -np.asarray(tr["vertical_speed_m_s"], float)[mask],
         "yaxis": "y4", "name": "descent rate", "line": {"color": "#ff7f0e", "width": 1.5}},
    ]
    shown, all_plans = _plans(flight)
    for i, (tp, plan) in enumerate(shown):
        f = np.linalg.norm(np.asarray(plan.thrust_enu_N, float), axis=1) * 1e-3
        data.append({"type": "scatter", "mode": "lines", "x": tp + np.asarray(plan.t_s, float)[:len(f)], "y": f,
                     "yaxis": "y", "line_shape": "hv", "name": "re-plans (planned thrust)", "legendgroup": "plans",
                     "showlegend": i == 0, "opacity": 0.55, "line": {"color": "#7f7f7f", "width": 1},
                     "hovertemplate": f"plan made at T+{tp:.2f} s<br>%{{y:.1f}} kN<extra></extra>"})
    if all_plans:
        data.append({"type": "scatter", "mode": "markers", "x": [p[0] for p in all_plans], "y": [0.0] * len(all_plans),
                     "yaxis": "y", "name": f"re-plan instants ({len(all_plans)} kept)",
                     "marker": {"symbol": "line-ns-open", "size": 8, "color": "#444"}})
    steps = bound_steps(flight, t0, t1)
    if steps is not None:
        x, lo, hi = steps
        for y, name, dash in ((lo, "thrust_min_N", "dash"), (hi, "thrust_max_N (planning share)", "dot")):
            data.append({"type": "scatter", "mode": "lines", "x": x, "y": y * 1e-3, "yaxis": "y", "line_shape": "hv",
                         "name": f"{name}, guidance limits", "line": {"color": "#d62728", "dash": dash, "width": 1.5}})
        if mission is not None:
            full = hi / mission.recovery.landing_throttle_plan
            data.append({"type": "scatter", "mode": "lines", "x": x, "y": full * 1e-3, "yaxis": "y", "line_shape": "hv",
                         "name": "full thrust (fallback reserve)", "line": {"color": "#ff9896", "dash": "dot", "width": 1}})
    thr = _throttle_bounds(flight)
    if thr:
        data.append(_hline(t0, t1, thr[0], "engine throttle_min", 1, "#d62728"))
        data.append(_hline(t0, t1, thr[1], "engine throttle_max", 1, "#d62728", "dot"))
    evs = [(e["name"], e["time_s"]) for e in summary["events"] if e["stage"] == "booster" and e["name"] in EVENTS_SHOWN]
    rep = getattr(flight.stages["booster"], "landing", None)
    for item in getattr(rep, "fallback_log", None) or []:
        evs.append((f"fallback: {item[1]}", float(item[0])))
    shapes, notes = bands_and_markers([], evs)
    lay = stacked_layout(ROWS, "Landing burn")
    lay.update(shapes=shapes, annotations=notes, margin={"t": 110, "l": 70, "r": 30, "b": 50})
    return {"data": data, "layout": lay}


def cone_figure(flight, summary, zone, glide_deg) -> dict:
    """Height against horizontal distance from the zone (its ENU frame) with the glide-slope cone:
    allowed is |r_horizontal| <= tan(glide_slope) * r_up (cone half-angle from the vertical)."""
    from .groundtrack import enu_km
    _, _, mask = burn_window(flight, summary)
    tr = flight.stages["booster"].trajectory
    cols = {c: np.asarray(tr[c])[mask] for c in ("x_eci_m", "y_eci_m", "z_eci_m", "time_s")}
    enu = enu_km(cols, zone.lat_deg, zone.lon_deg, zone.alt_m) * 1e3
    rh = np.hypot(enu[:, 0], enu[:, 1])
    data = [{"type": "scatter", "mode": "lines", "x": rh, "y": enu[:, 2], "name": "path flown",
             "line": {"color": "#1f77b4", "width": 2.5}, "customdata": cols["time_s"],
             "hovertemplate": "T+%{customdata:.2f} s<br>%{x:.1f} m from the zone, %{y:.1f} m up<extra></extra>"}]
    shown, _ = _plans(flight)
    for i, (tp, plan) in enumerate(shown):
        r = np.asarray(plan.r_enu_m, float)
        data.append({"type": "scatter", "mode": "lines", "x": np.hypot(r[:, 0], r[:, 1]), "y": r[:, 2],
                     "name": "re-plans (planned path)", "legendgroup": "plans", "showlegend": i == 0, "opacity": 0.5,
                     "line": {"color": "#7f7f7f", "width": 1}, "hoverinfo": "skip"})
    h_max = float(max(np.nanmax(enu[:, 2]), 1.0)) * 1.05
    x_max = float(max(np.nanmax(rh), 1.0)) * 1.2
    if glide_deg is not None:
        tan_g = math.tan(math.radians(glide_deg))
        x_edge = min(h_max * tan_g, 1e7)
        xs = np.array([0.0, x_edge, max(x_edge, x_max)])
        data.append({"type": "scatter", "mode": "lines", "x": xs, "y": xs / tan_g, "fill": "tozeroy",
                     "fillcolor": "rgba(214,39,40,0.10)", "line": {"color": "#d62728", "width": 1.5},
                     "name": f"glide-slope cone edge ({glide_deg:g} deg from vertical); below it is forbidden"})
    data.append({"type": "scatter", "mode": "markers", "x": [0.0], "y": [0.0], "name": f"zone {zone.name}",
                 "marker": {"symbol": "square", "size": 10, "color": "#2ca02c"}})
    lay = {"title": {"text": "Landing burn against the glide-slope cone (zone ENU)"},
           "xaxis": {"title": {"text": "horizontal distance from the zone (m)"}, "range": [0, x_max], "gridcolor": "#eee"},
           "yaxis": {"title": {"text": "height above the zone (m)"}, "range": [min(0.0, float(np.nanmin(enu[:, 2]))), h_max],
                     "gridcolor": "#eee"}}
    return {"data": data, "layout": lay}


def add_landing_section(page, flight, summary: dict, mission, sites) -> None:
    """The landing-burn section of the flight report."""
    b = summary["stages"].get("booster", {})
    win = burn_window(flight, summary)
    if win is None:
        page.text(f"The booster flew no landing burn (outcome: {b.get('outcome', 'n/a')}).")
        return
    zone = sites.zone
    page.figure(burn_figure(flight, summary, mission, zone.alt_m if zone is not None else 0.0), 900,
                "Thrust flown (step: the guidance holds each command) against the bounds, the thrust the "
                "re-plans asked for, throttle against the engine's range, height and speed to the ground.")
    if zone is not None:
        glide = _limits(flight, mission)[2]
        page.figure(cone_figure(flight, summary, zone, glide), 520)
    rows = []
    for group in ("landing_burn", "touchdown", "crash"):
        for k, v in (b.get(group) or {}).items():
            rows.append([f"{group}.{k}", v])
    for i, f in enumerate(b.get("faults", [])):
        for k, v in f.items():
            rows.append([f"faults[{i}].{k}", v])
    outcome = b.get("outcome", "n/a")
    cls = "ok" if outcome == "landed" else "bad"
    page.html(f'<p>Outcome: <span class="{cls}">{outcome}</span></p>' + table(["field", "value"], rows))
    rep = getattr(flight.stages["booster"], "landing", None)
    log = getattr(rep, "fallback_log", None) or []
    if log:
        page.html("<p>Fallbacks of the landing guidance</p>" +
                  table(["time_s", "fallback", "reason"], [list(x)[:3] for x in log]))
