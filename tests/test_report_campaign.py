"""Campaign report from a hand-built statistics dict and runs table (the schema of
rlvsim.campaign.stats.summarize and the store's runs table)."""
import math
import re

import numpy as np
import pyarrow as pa
import pytest

from rlvsim.report.campaign import _ellipse_xy, footprint_figure, write_campaign_report

OUTCOMES = ["landed"] * 44 + ["crashed"] * 3 + ["missed_zone"] * 2 + ["hard_landing"]
FAILED = [k for k, o in enumerate(OUTCOMES) if o != "landed"]


def runs_table() -> pa.Table:
    """50 runs: touchdown points on a known grid, margins 1000..1490 kg, two dispersed inputs."""
    k = np.arange(50)
    east = np.where(np.array(OUTCOMES) == "missed_zone", 80.0, (k % 7 - 3) * 2.0)
    north = np.where(np.array(OUTCOMES) == "missed_zone", -60.0, (k % 5 - 2) * 1.5)
    crashed = np.array(OUTCOMES) == "crashed"
    return pa.table({
        "run": k, "outcome": OUTCOMES,
        "phase": [None if o == "landed" else ("landing_burn" if o == "crashed" else "touchdown") for o in OUTCOMES],
        "cause": [None if o == "landed" else f"{o} cause" for o in OUTCOMES],
        "touchdown_east_m": np.where(crashed, np.nan, east), "touchdown_north_m": np.where(crashed, np.nan, north),
        "miss_distance_m": np.hypot(east, north), "vertical_speed_m_s": np.where(crashed, 80.0, 1.0),
        "horizontal_speed_m_s": np.full(50, 0.5), "tilt_deg": np.full(50, 2.0),
        "propellant_remaining_kg": 1000.0 + 10.0 * k, "in_thrust_scale": 1.0 + 0.001 * k, "in_wind_m_s": k % 3 * 1.0,
    })


STATS = {
    "campaign_id": "c-test", "mission": "zhuque3", "seed": 7, "runs": 50, "landed": 44,
    "landing_probability": 0.88, "ci95": [0.762, 0.9438],
    "outcomes": {"landed": 44, "crashed": 3, "missed_zone": 2, "hard_landing": 1},
    "causes": [{"phase": "landing_burn", "cause": "crashed cause", "count": 3},
               {"phase": "touchdown", "cause": "missed_zone cause", "count": 2},
               {"phase": "touchdown", "cause": "hard_landing cause", "count": 1}],
    "touchdown_ellipse99": {"centre_east_m": 1.0, "centre_north_m": -2.0, "semi_major_m": 12.0,
                            "semi_minor_m": 5.0, "angle_deg": 30.0},
    "propellant_margin_kg": {"p1": 1004.9, "p5": 1024.5, "p50": 1245.0, "p95": 1465.5, "p99": 1485.1, "min": 1000.0},
    "sensitivity": [{"input": "thrust_scale", "rho_failure": -0.4123, "p_failure": 0.003, "rho_miss": 0.05},
                    {"input": "wind_m_s", "rho_failure": 0.1017, "p_failure": 0.48, "rho_miss": 0.31}],
    "zone": {"name": "Minqin-ZQ3", "radius_m": 50.0},
}


@pytest.fixture(scope="module")
def failed_flight():
    from rlvsim.mission import fly
    return fly("zq3-y1")


@pytest.fixture(scope="module")
def report(failed_flight, tmp_path_factory):
    out = tmp_path_factory.mktemp("camp") / "campaign.html"
    asked = []

    def replay(k):
        asked.append(k)
        return failed_flight
    p = write_campaign_report(STATS, runs_table(), out, replay=replay)
    return p, p.read_text(), asked


def test_numbers_are_the_statistics_own(report):
    _, html, _ = report
    for v in ("0.88", "0.762", "0.9438", "1245.0", "-0.4123", "0.31"):
        assert f">{v}<" in html or f"{v}," in html or f", {v}" in html, v
    assert "88.0 %" in html and "[76.2 %, 94.4 %]" in html      # 0.88, 0.762, 0.9438 as percentages
    for oc, n in STATS["outcomes"].items():
        assert f'"{oc}"' in html and f">{n}<" in html
    for c in STATS["causes"]:
        assert c["cause"] in html
    assert "zone Minqin-ZQ3 (radius 50.0 m)" in html


def test_failed_runs_are_replayed_and_linked(report):
    p, html, asked = report
    assert asked == FAILED                                     # only failed runs, in run order
    for k in FAILED:
        f = p.parent / f"runs/run-{k:06d}.html"
        assert f.exists() and f'href="runs/run-{k:06d}.html"' in html
        page = f.read_text()
        assert '<script src="plotly.min.js">' in page and f.stat().st_size < 1e6   # plotly.js shared, not inlined
    assert (p.parent / "runs/plotly.min.js").stat().st_size > 1e6
    assert html.count("Plotly.newPlot(") == int(re.search(r'data-figures="(\d+)"', html).group(1)) == 4


def test_failed_report_cap_and_no_replay(tmp_path):
    p = write_campaign_report(STATS, runs_table(), tmp_path / "c.html", replay=lambda k: 1 / 0, max_flight_reports=2)
    html = p.read_text()
    assert html.count("replay failed: ZeroDivisionError") == 2    # a failing replay is reported, not raised
    assert "first 2 failed runs" in html
    html = write_campaign_report(STATS, runs_table(), tmp_path / "plain" / "d.html").read_text()
    assert "run-0000" not in html and not (tmp_path / "plain" / "runs").exists()


def test_ellipse_drawn_is_the_stated_ellipse():
    """Closed form: a point (x, y) of the ellipse with centre c, semi-axes a, b, major axis at
    angle th satisfies (u/a)^2 + (v/b)^2 = 1 with (u, v) the rotated offsets."""
    e = STATS["touchdown_ellipse99"]
    x, y = _ellipse_xy(e)
    th = math.radians(e["angle_deg"])
    dx, dy = x - e["centre_east_m"], y - e["centre_north_m"]
    u = dx * math.cos(th) + dy * math.sin(th)
    v = -dx * math.sin(th) + dy * math.cos(th)
    assert np.allclose((u / e["semi_major_m"]) ** 2 + (v / e["semi_minor_m"]) ** 2, 1.0, atol=1e-12)  # float rounding
    fig = footprint_figure(STATS, {c: runs_table()[c].to_numpy(zero_copy_only=False) for c in runs_table().column_names})
    pts = sum(len(t["x"]) for t in fig["data"] if t.get("mode") == "markers" and t["name"] != "aim point")
    assert pts == 47                                           # 50 runs less 3 crashed ones without a touchdown point
