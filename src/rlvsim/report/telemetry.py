"""Telemetry overlay: a simulated booster against real first-stage telemetry (altitude, speed),
the residuals, and the event times, drawn from ``rlvsim.telemetry.compare.compare``'s result.

The residual curves are the simulated booster table interpolated at the telemetry's sample times
(what compare() evaluates); every number printed on the page is the compare() result's own.
"""
from __future__ import annotations

from pathlib import Path

import numpy as np

from .html import Page, stacked_layout, table

ROWS = ("altitude (km)", "speed (m/s)", "altitude residual sim - real (m)", "speed residual sim - real (m/s)")
MAX_POINTS = 4000      # telemetry samples drawn per curve (every k-th; the statistics use all)
MARKS = (("event_times_sim_s", "simulated", "#1f77b4", "dot"),
         ("event_times_detected_s", "found in telemetry", "#2ca02c", "dash"))


def _stride(n: int) -> int:
    return max(1, -(-n // MAX_POINTS))


def overlay_figure(flight, tel, result: dict, webcast_events: dict | None = None) -> dict:
    tr = flight.stage("booster").trajectory
    t_sim = np.asarray(tr["time_s"], float)
    inside = (tel.time_s >= t_sim[0]) & (tel.time_s <= t_sim[-1])
    k = _stride(int(inside.sum()))
    t = tel.time_s[inside][::k]
    h_obs, v_obs = tel.altitude_m[inside][::k], tel.speed_m_s[inside][::k]
    h_sim, v_sim = np.interp(t, t_sim, tr["altitude_m"]), np.interp(t, t_sim, tr["speed_m_s"])
    ks = _stride(len(t_sim))
    real = {"color": "#222", "width": 1.2}
    sim = {"color": "#1f77b4", "width": 2}
    data = [
        {"type": "scatter", "mode": "lines", "x": tel.time_s[::_stride(len(tel))], "yaxis": "y",
         "y": tel.altitude_m[::_stride(len(tel))] * 1e-3, "name": "telemetry", "legendgroup": "real", "line": real},
        {"type": "scatter", "mode": "lines", "x": t_sim[::ks], "y": np.asarray(tr["altitude_m"], float)[::ks] * 1e-3,
         "yaxis": "y", "name": f"simulated ({result['mission']})", "legendgroup": "sim", "line": sim},
        {"type": "scatter", "mode": "lines", "x": tel.time_s[::_stride(len(tel))], "yaxis": "y2",
         "y": tel.speed_m_s[::_stride(len(tel))], "name": "telemetry", "legendgroup": "real", "showlegend": False,
         "line": real},
        {"type": "scatter", "mode": "lines", "x": t_sim[::ks], "y": np.asarray(tr["speed_m_s"], float)[::ks],
         "yaxis": "y2", "name": "simulated", "legendgroup": "sim", "showlegend": False, "line": sim},
        {"type": "scatter", "mode": "lines", "x": t, "y": h_sim - h_obs, "yaxis": "y3", "name": "altitude residual",
         "line": {"color": "#d62728", "width": 1.2}},
        {"type": "scatter", "mode": "lines", "x": t, "y": v_sim - v_obs, "yaxis": "y4", "name": "speed residual",
         "line": {"color": "#ff7f0e", "width": 1.2}},
    ]
    marks = list(MARKS)
    if webcast_events:
        result = {**result, "_webcast": {k: v for k, v in webcast_events.items() if v is not None}}
        marks.append(("_webcast", "webcast events.csv", "#9467bd", "dashdot"))
    shapes, notes = [], []
    for key, who, colour, dash in marks:
        times = result.get(key) or {}
        xs = [v for v in times.values() if v is not None]
        names = [n for n, v in times.items() if v is not None]
        for name, x in zip(names, xs):
            shapes.append({"type": "line", "xref": "x", "yref": "paper", "x0": x, "x1": x, "y0": 0, "y1": 1,
                           "line": {"color": colour, "width": 1, "dash": dash}})
            if key == "event_times_sim_s":
                notes.append({"x": x, "y": 1.0, "xref": "x", "yref": "paper", "text": name, "showarrow": False,
                              "textangle": -60, "xanchor": "left", "yanchor": "bottom", "font": {"size": 9}})
        data.append({"type": "scatter", "mode": "markers", "x": xs, "y": [0.0] * len(xs), "yaxis": "y",
                     "name": f"events, {who}", "text": names, "hovertemplate": "%{text}: T+%{x} s<extra>" + who + "</extra>",
                     "marker": {"symbol": "line-ns-open", "size": 14, "color": colour, "line": {"width": 2}}})
    lay = stacked_layout(ROWS, "Simulated booster against telemetry")
    lay.update(shapes=shapes, annotations=notes, margin={"t": 110, "l": 70, "r": 30, "b": 50})
    return {"data": data, "layout": lay}


def build_telemetry_page(flight, tel, result: dict, webcast_events: dict | None = None) -> Page:
    page = Page(f"{result['mission']} against {Path(str(result['telemetry'])).name}",
                f"vehicle {result['vehicle']} · {result['samples_compared']} telemetry samples compared over "
                f"T+{result['time_span_s']} s")
    page.heading("Overlay", "overlay")
    page.figure(overlay_figure(flight, tel, result, webcast_events), 1000,
                f"Telemetry drawn every {_stride(len(tel))}th sample; the statistics below use every sample.")
    page.heading("Residuals", "residuals")
    keys = ("samples_compared", "altitude_rms_m", "speed_rms_m_s", "max_altitude_m", "max_speed_m_s",
            "altitude_rms_fraction_of_max", "speed_rms_fraction_of_max")
    page.html(table(["field", "value"], [[k, result.get(k)] for k in keys]))
    rows = [[ph, d["samples"], d["time_s"], d["altitude_rms_m"], d["altitude_max_abs_m"], d["speed_rms_m_s"],
             d["speed_max_abs_m_s"]] for ph, d in result.get("per_phase", {}).items()]
    page.html("<p>Per simulated phase</p>" + table(["phase", "samples", "time_s", "altitude_rms_m",
                                                     "altitude_max_abs_m", "speed_rms_m_s", "speed_max_abs_m_s"], rows))
    page.heading("Event timing", "events")
    sim, det = result.get("event_times_sim_s", {}), result.get("event_times_detected_s", {})
    err, errw = result.get("event_time_errors_s", {}), result.get("event_time_errors_vs_webcast_s", {})
    web = webcast_events or {}
    names = list(dict.fromkeys([*sim, *det]))
    page.html(table(["event", "simulated (s)", "found in telemetry (s)", "webcast (s)", "sim - found (s)",
                     "sim - webcast (s)"],
                    [[n, sim.get(n), det.get(n), web.get(n), err.get(n), errw.get(n)] for n in names]))
    return page


def write_telemetry_report(flight, tel, result: dict, out, webcast_events: dict | None = None) -> Path:
    """Write the overlay page to ``out`` (.html)."""
    return build_telemetry_page(flight, tel, result, webcast_events).write(out)
