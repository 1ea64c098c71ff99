"""The flight report: one self-contained HTML page of a simulated mission.

Numbers printed on the page (events, summary table, touchdown, landing burn) are summary.json's
own values; curves are the stages' recorded trajectories (flight.recorder.COLUMNS).
"""
from __future__ import annotations

from pathlib import Path

import numpy as np

from .html import Page, bands_and_markers, phase_legend, stacked_layout, stage_colour, table, yref

# (column, axis label, display scale): plotted rows of the per-stage time series
SERIES = (("altitude_m", "altitude (km)", 1e-3), ("speed_m_s", "speed (m/s)", 1.0),
          ("accel_g", "acceleration (g)", 1.0), ("dynamic_pressure_Pa", "dyn. pressure (kPa)", 1e-3),
          ("mach", "Mach", 1.0), ("throttle", "throttle", 1.0), ("mass_kg", "mass (t)", 1e-3))


def segments(flight) -> list[tuple[str, dict]]:
    """(label, columns) pieces of the flight drawn once each: the stacked ascent that every stage's
    table starts with ("stack"), then each stage from separation on (starting at the last shared
    row so the curves join)."""
    names = list(flight.stages)
    tabs = [flight.stages[n].trajectory for n in names]
    if not tabs or len(tabs[0]["time_s"]) == 0:
        return []
    k = len(tabs[0]["time_s"])
    for tb in tabs[1:]:
        n = min(k, len(tb["time_s"]))
        same = (tabs[0]["time_s"][:n] == tb["time_s"][:n]) & (tabs[0]["x_eci_m"][:n] == tb["x_eci_m"][:n])
        k = int(np.argmin(same)) if not same.all() else n
    if len(tabs) == 1:
        return [(names[0], tabs[0])]
    out = [("stack", {c: v[:k] for c, v in tabs[0].items()})] if k > 0 else []
    for name, tb in zip(names, tabs):
        if len(tb["time_s"]) > k:
            s = max(k - 1, 0)
            out.append((name, {c: v[s:] for c, v in tb.items()}))
    return out


def phase_runs(columns: dict) -> list[tuple[str, float, float]]:
    """(phase, t_start, t_end) for each run of equal phase in a table."""
    ph, t = columns["phase"], columns["time_s"]
    out = []
    i = 0
    while i < len(ph):
        j = i
        while j + 1 < len(ph) and ph[j + 1] == ph[i]:
            j += 1
        t1 = t[j + 1] if j + 1 < len(ph) else t[j]
        out.append((str(ph[i]), float(t[i]), float(t1)))
        i = j + 1
    return out


def _event_hover(e: dict) -> str:
    return "<br>".join(f"{k}: {v}" for k, v in e.items())


def stage_figure(stage: str, segs: list, events: list[dict]) -> dict:
    """Altitude, speed, acceleration, dynamic pressure, Mach, throttle and mass versus time of the
    stack and one stage, with its phase bands and its events (from summary.json)."""
    parts = [(lab, cols) for lab, cols in segs if lab in ("stack", stage)]
    data = []
    for lab, cols in parts:
        for i, (col, label, k) in enumerate(SERIES):
            data.append({"type": "scattergl" if len(cols["time_s"]) > 5000 else "scatter", "mode": "lines",
                         "x": cols["time_s"], "y": np.asarray(cols[col], float) * k, "yaxis": yref(i),
                         "name": lab, "legendgroup": lab, "showlegend": i == 0,
                         "line": {"color": stage_colour(lab), "width": 1.6},
                         "hovertemplate": f"{label}: %{{y:.4g}}<br>T+%{{x:.1f}} s<extra>{lab}</extra>"})
    evs = [e for e in events if e["stage"] in ("stack", stage)]
    data.append({"type": "scatter", "mode": "markers", "x": [e["time_s"] for e in evs],
                 "y": [e["altitude_m"] * 1e-3 for e in evs], "yaxis": "y", "name": "events",
                 "marker": {"symbol": "diamond", "size": 8, "color": "#222"},
                 "text": [_event_hover(e) for e in evs], "hovertemplate": "%{text}<extra></extra>"})
    phases = [r for _, cols in parts for r in phase_runs(cols)]
    seen = list(dict.fromkeys(p[0] for p in phases))
    data += phase_legend(seen)
    shapes, notes = bands_and_markers(phases, [(e["name"], e["time_s"]) for e in evs])
    lay = stacked_layout([s[1] for s in SERIES], f"{stage}: trajectory versus time")
    lay.update(shapes=shapes, annotations=notes, margin={"t": 110, "l": 70, "r": 30, "b": 50})
    return {"data": data, "layout": lay}


def timeline_figure(events: list[dict]) -> dict:
    """Every event of summary.json on one time axis, one row per stage."""
    rows = list(dict.fromkeys(e["stage"] for e in events))
    data = []
    for st in rows:
        evs = [e for e in events if e["stage"] == st]
        data.append({"type": "scatter", "mode": "markers+text", "x": [e["time_s"] for e in evs],
                     "y": [st] * len(evs), "text": [e["name"] for e in evs],
                     "textposition": ["top center" if i % 2 == 0 else "bottom center" for i in range(len(evs))],
                     "textfont": {"size": 10}, "name": st, "marker": {"size": 10, "color": stage_colour(st)},
                     "customdata": [_event_hover(e) for e in evs],
                     "hovertemplate": "%{customdata}<extra></extra>"})
    lay = {"title": {"text": "Events"},
           "xaxis": {"title": {"text": "time from liftoff (s)"}, "gridcolor": "#eee", "zeroline": False},
           "yaxis": {"type": "category", "categoryorder": "array", "categoryarray": rows[::-1]},
           "showlegend": False}
    return {"data": data, "layout": lay}


def events_table(events: list[dict]) -> str:
    rows = []
    for e in events:
        extra = ", ".join(f"{k} {v}" for k, v in e.items() if k not in ("name", "stage", "time_s", "altitude_m",
                                                                          "speed_m_s"))
        rows.append([e["name"], e["stage"], e["time_s"], e["altitude_m"], e["speed_m_s"], extra])
    return table(["event", "stage", "time_s", "altitude_m", "speed_m_s", "detail"], rows)


def _flat(prefix: str, d: dict, out: list):
    for k, v in d.items():
        key = f"{prefix}{k}"
        if isinstance(v, dict):
            _flat(key + ".", v, out)
        elif isinstance(v, list) and v and isinstance(v[0], dict):
            for i, item in enumerate(v):
                _flat(f"{key}[{i}].", item, out)
        else:
            out.append([key, v])


def summary_table(s: dict) -> str:
    """summary.json as a two-column table (nested fields as dotted names), values verbatim."""
    rows: list = []
    _flat("", {k: v for k, v in s.items() if k not in ("events", "stages")}, rows)
    for name, st in s.get("stages", {}).items():
        _flat(f"stages.{name}.", st, rows)
    return table(["field", "value"], rows)


def _resolve_mission(flight, mission):
    """The Mission object behind a flight (for its sites and landing limits), or None."""
    if mission is not None and not isinstance(mission, (str, Path)):
        return mission
    try:
        from ..mission import load_mission
        return load_mission(str(mission) if mission is not None else flight.mission)
    except Exception:          # a flight of a mission file that moved: draw without it
        return None


def build_flight_page(flight, mission=None, summary: dict | None = None) -> Page:
    """Assemble the flight report page (see module doc)."""
    from . import groundtrack, landing

    s = summary if summary is not None else flight.summary()
    m = _resolve_mission(flight, mission)
    events = s["events"]
    outcomes = ", ".join(f"{n}: {st['outcome']}" for n, st in s["stages"].items())
    page = Page(f"{s['mission']} — {s['vehicle']}", f"payload {s['payload_kg']} kg · {outcomes}")
    segs = segments(flight)
    page.heading("Events", "events")
    page.figure(timeline_figure(events), 300)
    page.html(events_table(events))
    page.heading("Trajectory versus time", "series")
    own = [n for n in flight.stages if any(lab == n for lab, _ in segs)] or ["stack"]
    for name in own:
        what = "the stacked vehicle (no separation)" if name == "stack" else \
            f"the stacked ascent (grey) then the {name} alone"
        page.figure(stage_figure(name, segs, events), 1150,
                    f"{name}: {what}; bands are flight phases, dotted lines events.")
    page.heading("Ground track", "map")
    sites = groundtrack.resolve_sites(flight, m, s)
    page.figure(groundtrack.map_figure(segs, s, sites), 520,
                "Ground track over Natural Earth 1:110m; launch site, landing zone and where the booster came down.")
    page.heading("3-D trajectory", "3d")
    page.figure(groundtrack.trajectory3d_figure(segs, s, sites), 620,
                "East and north of the launch site (km, local ENU) against geodetic altitude (km).")
    page.heading("Landing burn", "landing")
    landing.add_landing_section(page, flight, s, m, sites)
    page.heading("Summary", "summary")
    page.html(summary_table(s))
    for n in s.get("notes", []):
        page.text(f"note: {n}", "bad")
    return page


def write_flight_report(flight, out, mission=None, summary: dict | None = None,
                        shared_assets: dict | None = None) -> Path:
    """Write the flight report to ``out`` (a .html path, or a directory -> DIR/report.html)."""
    p = Path(out)
    if p.suffix.lower() not in (".html", ".htm"):
        p = p / "report.html"
    return build_flight_page(flight, mission, summary).write(p, shared_assets)
