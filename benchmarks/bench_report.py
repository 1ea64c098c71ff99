"""Flight-report generation: wall time and size of report.html for full missions (issue #6
target: <= 2 s, < 10 MB), the same figures through plotly's Python layer for comparison
(plotly.graph_objects.Figure + plotly.io.to_html, the usual way), and the PNGs.

The flight is flown once, outside the timing; the report is timed in process after a warm-up
(median of repeats), cold (first call: imports and reading plotly.js included) separately.
Run:  python benchmarks/bench_report.py [MISSION ...] [--quick]
"""
from __future__ import annotations

import statistics
import sys
import tempfile
import time
from pathlib import Path


def median_time(fn, repeats):
    ts = []
    for _ in range(repeats):
        t0 = time.perf_counter()
        fn()
        ts.append(time.perf_counter() - t0)
    return statistics.median(ts)


def plotly_python_way(page_figs, path):
    """The figures of the page through plotly's own objects, plotly.js embedded once."""
    import plotly.graph_objects as go
    import plotly.io as pio
    parts = []
    for i, (fig, height) in enumerate(page_figs):
        f = go.Figure(fig)
        f.update_layout(height=height)
        parts.append(pio.to_html(f, full_html=False, include_plotlyjs=(i == 0)))
    Path(path).write_text("<html><body>" + "".join(parts) + "</body></html>")


def main(missions, repeats):
    from rlvsim.mission import fly
    from rlvsim.report import flight as R

    out = Path(tempfile.mkdtemp(prefix="bench_report_"))
    t0 = time.perf_counter()
    first = fly(missions[0])
    t_fly = time.perf_counter() - t0
    t0 = time.perf_counter()
    R.write_flight_report(first, out / "cold.html")
    t_cold = time.perf_counter() - t0
    print(f"flying {missions[0]}: {t_fly:.2f} s (not in the report times); first report in the process "
          f"(imports, reading plotly.js): {t_cold:.3f} s")
    print(f"{'mission':12s} {'rows':>6s} {'figs':>5s} {'report (s)':>11s} {'size (MB)':>10s} "
          f"{'plotly.py way (s)':>18s} {'ratio':>6s} {'PNGs (s)':>9s}")
    for name in missions:
        f = first if name == missions[0] else fly(name)
        rows = sum(len(s.trajectory["time_s"]) for s in f.stages.values())
        path = out / f"{name}.html"
        t_rep = median_time(lambda: R.write_flight_report(f, path), repeats)
        page = R.build_flight_page(f)
        figs = _figures(page, f)
        t_py = median_time(lambda: plotly_python_way(figs, out / f"{name}_plotly.html"), max(1, repeats // 2))
        try:
            from rlvsim.report.png import write_pngs
            t_png = median_time(lambda: write_pngs(f, out / name), max(1, repeats // 2))
            png = f"{t_png:9.3f}"
        except Exception as exc:             # matplotlib missing
            png = f"  n/a ({type(exc).__name__})"
        print(f"{name:12s} {rows:6d} {page.n_figures:5d} {t_rep:11.3f} {path.stat().st_size / 1e6:10.2f} "
              f"{t_py:18.3f} {t_py / t_rep:6.1f} {png}")
    print(f"(reports in {out}; ratio = plotly.py way / rlvsim; target report <= 2 s, size < 10 MB)")


def _figures(page, flight):
    """(figure dict, height) of every figure on the page, rebuilt the way build_flight_page does."""
    from rlvsim.report import groundtrack as G
    from rlvsim.report import landing as L
    from rlvsim.report.flight import _resolve_mission, segments, stage_figure, timeline_figure
    s = flight.summary()
    m = _resolve_mission(flight, None)
    segs = segments(flight)
    sites = G.resolve_sites(flight, m, s)
    figs = [(timeline_figure(s["events"]), 300)]
    figs += [(stage_figure(n, segs, s["events"]), 1150) for n in flight.stages if any(lab == n for lab, _ in segs)]
    figs += [(G.map_figure(segs, s, sites), 520), (G.trajectory3d_figure(segs, s, sites), 620)]
    if L.burn_window(flight, s) is not None:
        figs.append((L.burn_figure(flight, s, m, sites.zone.alt_m if sites.zone else 0.0), 900))
        if sites.zone is not None:
            figs.append((L.cone_figure(flight, s, sites.zone, L._limits(flight, m)[2]), 520))
    from rlvsim.report.html import jsonable
    return [(jsonable(f), h) for f, h in figs]


if __name__ == "__main__":
    args = [a for a in sys.argv[1:] if not a.startswith("--")]
    main(args or ["zhuque3", "zq3-y1", "falcon9"], 3 if "--quick" in sys.argv else 7)
