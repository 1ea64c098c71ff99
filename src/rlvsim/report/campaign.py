"""The campaign report: landing probability with its interval, outcomes and causes, the touchdown
footprint with the 99 % ellipse over the landing-zone circle, the propellant-margin histogram, the
sensitivity ranking, and a flight report for each failed run (re-flown on demand) linked from it.

Numbers printed come from the statistics dict (``rlvsim.campaign.stats.summarize``); points and
histograms from the runs table (one row per run).
"""
from __future__ import annotations

import math
from pathlib import Path

import numpy as np

from .html import Page, esc, table

OUTCOME_COLOURS = {"landed": "#2ca02c", "hard_landing": "#ff7f0e", "tipped_over": "#9467bd",
                   "missed_zone": "#8c564b", "crashed": "#d62728", "lost": "#7f7f7f", "error": "#000000"}


def _columns(runs) -> dict:
    """Runs table (pyarrow.Table, or a dict of columns) -> dict of numpy arrays."""
    if hasattr(runs, "column_names"):
        return {c: runs.column(c).to_numpy(zero_copy_only=False) for c in runs.column_names}
    return {k: np.asarray(v) for k, v in dict(runs).items()}


def _num(cols, name, n):
    v = cols.get(name)
    return np.full(n, np.nan) if v is None else np.array([np.nan if x is None else x for x in v], float)


def run_file(k: int) -> str:
    return f"runs/run-{int(k):06d}.html"


def outcome_figure(stats: dict) -> dict:
    oc = stats.get("outcomes") or {}
    names = sorted(oc, key=lambda k: -oc[k])
    return {"data": [{"type": "bar", "x": names, "y": [oc[k] for k in names], "text": [oc[k] for k in names],
                      "textposition": "auto", "marker": {"color": [OUTCOME_COLOURS.get(k, "#17becf") for k in names]},
                      "name": "runs"}],
            "layout": {"title": {"text": "Outcomes"}, "yaxis": {"title": {"text": "runs"}}, "showlegend": False}}


def _ellipse_xy(e: dict, n: int = 121):
    a, b, th = e["semi_major_m"], e["semi_minor_m"], math.radians(e["angle_deg"])
    u = np.linspace(0.0, 2.0 * math.pi, n)
    x, y = a * np.cos(u), b * np.sin(u)
    return (e["centre_east_m"] + x * math.cos(th) - y * math.sin(th),
            e["centre_north_m"] + x * math.sin(th) + y * math.cos(th))


def footprint_figure(stats: dict, cols: dict) -> dict:
    """Touchdown points (zone ENU, m) by outcome, the 99 % ellipse and the zone circle."""
    n = len(cols.get("run", []))
    east, north = _num(cols, "touchdown_east_m", n), _num(cols, "touchdown_north_m", n)
    outcome = np.asarray(cols.get("outcome", np.full(n, "")), str)
    data = []
    for oc in dict.fromkeys(outcome.tolist()):
        m = (outcome == oc) & np.isfinite(east) & np.isfinite(north)
        if not m.any():
            continue
        data.append({"type": "scatter", "mode": "markers", "x": east[m], "y": north[m], "name": f"{oc} ({int(m.sum())})",
                     "marker": {"size": 7, "color": OUTCOME_COLOURS.get(oc, "#17becf"), "opacity": 0.8},
                     "customdata": np.asarray(cols["run"])[m].astype(int) if "run" in cols else None,
                     "hovertemplate": "run %{customdata}<br>E %{x:.2f} m, N %{y:.2f} m<extra>" + oc + "</extra>"})
    zone = stats.get("zone") or {}
    if zone.get("radius_m"):
        u = np.linspace(0.0, 2.0 * math.pi, 121)
        r = float(zone["radius_m"])
        data.append({"type": "scatter", "mode": "lines", "x": r * np.cos(u), "y": r * np.sin(u),
                     "name": f"zone {zone.get('name')} (radius {zone['radius_m']} m)",
                     "line": {"color": "#2ca02c", "width": 1.5}, "fill": "toself", "fillcolor": "rgba(44,160,44,0.06)"})
    e = stats.get("touchdown_ellipse99")
    if e:
        x, y = _ellipse_xy(e)
        data.append({"type": "scatter", "mode": "lines", "x": x, "y": y, "name": "99 % ellipse",
                     "line": {"color": "#d62728", "dash": "dash", "width": 2}})
    data.append({"type": "scatter", "mode": "markers", "x": [0.0], "y": [0.0], "name": "aim point",
                 "marker": {"symbol": "x", "size": 10, "color": "#000"}})
    return {"data": data, "layout": {"title": {"text": "Touchdown footprint (landing zone ENU)"},
                                     "xaxis": {"title": {"text": "east (m)"}, "gridcolor": "#eee"},
                                     "yaxis": {"title": {"text": "north (m)"}, "scaleanchor": "x", "scaleratio": 1,
                                               "gridcolor": "#eee"}}}


def margin_figure(stats: dict, cols: dict) -> dict:
    """Propellant left by the runs that touched down (the runs of the statistics' percentiles; a
    crashed booster's propellant at impact is not a margin)."""
    from ..campaign.run import TOUCHED_DOWN
    n = len(cols.get("run", []))
    x = _num(cols, "propellant_remaining_kg", n)
    outcome = np.asarray(cols.get("outcome", np.full(n, "landed")), str)
    x = x[np.isfinite(x) & np.isin(outcome, TOUCHED_DOWN)]
    data = [{"type": "histogram", "x": x, "name": "runs", "marker": {"color": "#1f77b4"}, "opacity": 0.8}]
    pm = stats.get("propellant_margin_kg") or {}
    shapes, notes = [], []
    for key in ("p1", "p5", "p50", "p95", "p99"):
        if pm.get(key) is None:
            continue
        shapes.append({"type": "line", "xref": "x", "yref": "paper", "x0": pm[key], "x1": pm[key], "y0": 0, "y1": 1,
                       "line": {"color": "#d62728", "dash": "dot", "width": 1}})
        notes.append({"x": pm[key], "y": 1.0, "xref": "x", "yref": "paper", "text": key, "showarrow": False,
                      "yanchor": "bottom", "font": {"size": 10}})
    return {"data": data, "layout": {"title": {"text": f"Propellant left at touchdown ({len(x)} runs)"},
                                     "shapes": shapes,
                                     "annotations": notes, "bargap": 0.05, "showlegend": False,
                                     "xaxis": {"title": {"text": "propellant remaining (kg)"}},
                                     "yaxis": {"title": {"text": "runs"}}}}


SENSITIVITY_BARS = 15          # inputs drawn (the statistics rank them; the table lists them all)


def sensitivity_figure(stats: dict) -> dict | None:
    rows = [r for r in (stats.get("sensitivity") or []) if r.get("input")][:SENSITIVITY_BARS]
    if not rows:
        return None
    keys = [k for k in dict.fromkeys(k for r in rows for k in r if k.startswith("rho_"))]
    names = [r["input"] for r in rows][::-1]          # largest at the top
    data = [{"type": "bar", "orientation": "h", "y": names, "name": k[4:].replace("_", " "),
             "x": [r.get(k) for r in rows][::-1]} for k in keys]
    return {"data": data, "layout": {"title": {"text": "Which inputs drive the outcome (Spearman rank correlation)"},
                                     "barmode": "group", "xaxis": {"title": {"text": "rho"}, "range": [-1, 1]},
                                     "legend": {"orientation": "h", "y": -0.25}, "margin": {"l": 180}}}


def _replay_failed(cols, out: Path, replay, max_reports: int) -> dict:
    """Re-fly failed runs and write their flight reports under out.parent/runs; run -> link or error."""
    from .flight import write_flight_report
    from .html import write_shared_assets
    n = len(cols.get("run", []))
    outcome = np.asarray(cols.get("outcome", np.full(n, "")), str)
    links: dict = {}
    if replay is None:
        return links
    failed = [int(k) for k, o in zip(cols.get("run", []), outcome) if o != "landed"][:max_reports]
    if not failed:
        return links
    assets = write_shared_assets(out.parent / "runs")
    for k in failed:
        try:
            write_flight_report(replay(k), out.parent / run_file(k), shared_assets=assets)
            links[k] = f'<a href="{esc(run_file(k))}">flight report</a>'
        except Exception as exc:               # one bad replay must not lose the campaign report
            links[k] = esc(f"replay failed: {type(exc).__name__}: {exc}")
    return links


def build_campaign_page(stats: dict, runs, out: Path, replay=None, max_flight_reports: int = 50) -> Page:
    cols = _columns(runs)
    title = f"Campaign: {stats.get('mission', '')}".strip()
    page = Page(title, f"{stats.get('runs')} runs · campaign {stats.get('campaign_id', '')} · seed {stats.get('seed', '')}")
    p, ci = stats.get("landing_probability"), stats.get("ci95") or [None, None]
    page.heading("Landing probability", "probability")
    pct = (lambda v: f"{100 * v:.1f} %" if isinstance(v, (int, float)) and math.isfinite(v) else "n/a")
    page.html(f'<p style="font-size:20px">P(landing) = <b>{pct(p)}</b>, 95 % interval '
              f'[{pct(ci[0])}, {pct(ci[1])}] — {esc(stats.get("landed"))} of {esc(stats.get("runs"))} runs landed</p>')
    page.html(table(["field", "value"], [["landing_probability", p], ["ci95", ci], ["runs", stats.get("runs")],
                                          ["landed", stats.get("landed")]]))
    page.heading("Outcomes and causes", "outcomes")
    page.figure(outcome_figure(stats), 360)
    oc, nruns = stats.get("outcomes") or {}, stats.get("runs")
    if oc:
        page.html(table(["outcome", "runs", "share"],
                        [[k, v, f"{100 * v / nruns:.1f} %" if nruns else "n/a"]
                         for k, v in sorted(oc.items(), key=lambda kv: -kv[1])]))
    causes = stats.get("causes") or []
    if causes:
        page.html(table(["phase", "cause", "runs"], [[c.get("phase"), c.get("cause"), c.get("count")] for c in causes]))
    page.heading("Touchdown footprint", "footprint")
    page.figure(footprint_figure(stats, cols), 620)
    e = stats.get("touchdown_ellipse99")
    if e:
        page.html(table(["99 % ellipse", "value"], [[k, v] for k, v in e.items()]))
    page.heading("Propellant margin", "margin")
    page.figure(margin_figure(stats, cols), 380)
    if stats.get("propellant_margin_kg"):
        page.html(table(["propellant_margin_kg", "value"], [[k, v] for k, v in stats["propellant_margin_kg"].items()]))
    sens = sensitivity_figure(stats)
    page.heading("Sensitivity", "sensitivity")
    if sens:
        n_in = len(stats["sensitivity"])
        page.figure(sens, max(320, 160 + 50 * min(n_in, SENSITIVITY_BARS)),
                    caption=f"The {min(n_in, SENSITIVITY_BARS)} inputs most correlated with failure, of {n_in} "
                            "dispersed (all in the table)." if n_in > SENSITIVITY_BARS else "")
        keys = list(dict.fromkeys(k for r in stats["sensitivity"] for k in r))
        page.html(table(keys, [[r.get(k) for k in keys] for r in stats["sensitivity"]]))
    else:
        page.text("No dispersed input varied: no sensitivity to rank.")
    page.heading("Failed runs", "failed")
    links = _replay_failed(cols, out, replay, max_flight_reports)
    n = len(cols.get("run", []))
    outcome = np.asarray(cols.get("outcome", np.full(n, "")), str)
    phase = cols.get("phase", cols.get("failure_phase", [None] * n))
    cause = cols.get("cause", cols.get("failure_cause", [None] * n))
    miss = _num(cols, "miss_distance_m", n)
    vz = _num(cols, "vertical_speed_m_s", n)
    rows = [[int(k), outcome[i], phase[i], cause[i], round(float(miss[i]), 3), round(float(vz[i]), 3),
             links.get(int(k), "")]
            for i, k in enumerate(cols.get("run", [])) if outcome[i] != "landed"]
    if rows:
        page.html(table(["run", "outcome", "phase", "cause", "miss_distance_m", "vertical_speed_m_s", "report"],
                        rows, raw_columns=(6,)))
        if replay is not None and len(rows) > max_flight_reports:
            page.text(f"Flight reports written for the first {max_flight_reports} failed runs.")
    else:
        page.text("No failed run.")
    return page


def write_campaign_report(stats: dict, runs, out, replay=None, max_flight_reports: int = 50) -> Path:
    """Write the campaign report to ``out`` (.html).  ``replay(k) -> Flight`` re-flies run k; the
    failed runs' flight reports go to ``out.parent/runs/run-000012.html`` (plotly.js shared once
    there as runs/plotly.min.js) and are linked from the failed-runs table."""
    out = Path(out)
    return build_campaign_page(stats, runs, out, replay, max_flight_reports).write(out)
