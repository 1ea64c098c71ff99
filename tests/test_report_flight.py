"""Flight report (HTML and PNG): what the page says is summary.json's, what it draws is the flight's."""
import json
import math
import re
from dataclasses import replace

import numpy as np
import pytest

from rlvsim.mission import fly
from rlvsim.mission.flight import StageResult
from rlvsim.report import flight as R
from rlvsim.report import groundtrack as G
from rlvsim.report.html import jsonable, plotly_js


@pytest.fixture(scope="module")
def z3():
    return fly("zhuque3")


@pytest.fixture(scope="module")
def y1():
    return fly("zq3-y1")


@pytest.fixture(scope="module")
def z3_html(z3, tmp_path_factory):
    p = R.write_flight_report(z3, tmp_path_factory.mktemp("z3") / "report.html")
    return p, p.read_text()


def test_report_is_one_self_contained_file(z3_html):
    p, html = z3_html
    assert p.stat().st_size < 10e6                     # issue #6 budget: below 10 MB
    assert html.count(plotly_js()[:300]) == 1          # plotly.js inlined exactly once
    assert "<script src=" not in html                  # nothing loaded from elsewhere
    assert "window.PlotlyGeoAssets" in html            # the map is inlined too (no CDN fetch)
    n = int(re.search(r'data-figures="(\d+)"', html).group(1))
    assert html.count("Plotly.newPlot(") == n >= 7     # timeline, 2 stages, map, 3-D, landing x2


@pytest.mark.parametrize("name", ["zhuque3", "zq3-y1"])
def test_html_carries_summary_json_events_and_figures(name, z3, y1, tmp_path):
    flight = z3 if name == "zhuque3" else y1
    flight.write(tmp_path)
    s = json.loads((tmp_path / "summary.json").read_text())     # the file a user has, not the object
    html = R.write_flight_report(flight, tmp_path / "report.html").read_text()
    for e in s["events"]:
        # every event by name and with summary.json's own time and altitude strings (JSON floats = repr)
        assert f"<td>{e['name']}</td>" in html
        assert f">{e['time_s']!r}<" in html and f">{e['altitude_m']!r}<" in html
    b = s["stages"]["booster"]
    for k, v in {**b["touchdown"], **b["landing_burn"]}.items():
        assert f">{v!r}<" in html, k
    assert f">{s['max_q_Pa']!r}<" in html
    assert f">{b['outcome']}<" in html
    if name == "zq3-y1":                               # the failure is on the page with its cause
        assert b["crash"]["cause"] in html and "fault" in html


def test_segments_split_at_separation(z3):
    """The shared ascent is drawn once and ends at summary.json's separation event; each stage's
    own curve starts where it ends."""
    segs = dict(R.segments(z3))
    assert list(segs) == ["stack", "booster", "upper"]
    t_sep = z3.event("separation").time_s
    assert segs["stack"]["time_s"][-1] == pytest.approx(t_sep, abs=1e-6)   # event located to 1 us
    for st in ("booster", "upper"):
        assert segs[st]["time_s"][0] == segs["stack"]["time_s"][-1]
        assert segs[st]["time_s"][-1] == z3.stage(st).trajectory["time_s"][-1]


def test_phase_runs_by_hand():
    cols = {"phase": np.array(["a", "a", "b", "b", "b", "c"], dtype=object),
            "time_s": np.array([0.0, 1.0, 2.0, 3.0, 4.0, 5.0])}
    assert R.phase_runs(cols) == [("a", 0.0, 2.0), ("b", 2.0, 5.0), ("c", 5.0, 5.0)]


def test_jsonable_gaps():
    assert jsonable(np.array([1.0, np.nan, np.inf])) == [1.0, None, None]     # plotly draws a gap
    assert jsonable({"a": np.float64(2.5), "b": np.int64(3)}) == {"a": 2.5, "b": 3}


def test_ground_track_starts_at_the_pad_and_ends_on_the_zone(z3):
    """Physical check of the drawn map: the track starts at the catalog launch site and, for a
    landing 0.56 m from the aim point (summary.json), ends inside the zone's 50 m radius."""
    from rlvsim.earth.frames import surface_distance_m
    from rlvsim.earth.sites import get_site
    s = z3.summary()
    segs = R.segments(z3)
    fig = G.map_figure(segs, s, G.resolve_sites(z3, R._resolve_mission(z3, None), s))
    track = {t["name"]: t for t in fig["data"] if t.get("mode") == "lines"}
    pad, zone = get_site("LC-96B"), get_site("Minqin-ZQ3")
    assert surface_distance_m(track["stack"]["lat"][0], track["stack"]["lon"][0], pad.lat_deg, pad.lon_deg) < 1.0  # liftoff at the pad
    end = surface_distance_m(track["booster"]["lat"][-1], track["booster"]["lon"][-1], zone.lat_deg, zone.lon_deg)
    assert end < zone.zone_radius_m
    assert any(t["name"] == "booster touchdown" for t in fig["data"])


def test_landing_path_in_zone_frame_matches_summary_miss(z3):
    """The landing figures' zone-ENU conversion (LocalFrame of earth.frames) puts touchdown where
    the simulator's own zone frame put it: summary.json's miss_distance_m, east_m, north_m."""
    from rlvsim.report.groundtrack import enu_km
    from rlvsim.earth.sites import get_site
    td = z3.summary()["stages"]["booster"]["touchdown"]
    tr = z3.stage("booster").trajectory
    z = get_site("Minqin-ZQ3")
    e = enu_km({c: tr[c][-1:] for c in ("x_eci_m", "y_eci_m", "z_eci_m", "time_s")}, z.lat_deg, z.lon_deg, z.alt_m)[0] * 1e3
    assert math.hypot(e[0], e[1]) == pytest.approx(td["miss_distance_m"], abs=0.006)   # summary rounds to 0.01 m
    if "east_m" in td:
        assert e[0] == pytest.approx(td["east_m"], abs=0.006) and e[1] == pytest.approx(td["north_m"], abs=0.006)
    assert abs(e[2]) < 0.01                            # touchdown is located on the zone's surface


def test_landing_section_without_landing_report(z3):
    """A booster without a LandingReport draws the burn from its table, the cone from the mission."""
    st = z3.stage("booster")
    bare = replace(z3, stages={**z3.stages, "booster": replace(st, landing=None)})
    html = R.build_flight_page(bare).render()
    assert "glide-slope cone edge (30 deg" in html     # zhuque3 mission: landing_glide_slope_deg default 30
    assert "re-plans (planned thrust)" not in html     # no plans without the report
    assert "thrust flown" in html


def test_expendable_booster_has_no_landing_burn(tmp_path):
    import rlvsim.mission as M
    m = M.load_mission("falcon9")
    m = m.model_copy(update={"recovery": m.recovery.model_copy(update={"mode": "expendable"})})
    f = M.simulate(m)
    html = R.build_flight_page(f, mission=m).render()
    assert "flew no landing burn (outcome: expended)" in html


def test_cli_fly_writes_report_and_pngs(tmp_path):
    from typer.testing import CliRunner
    from rlvsim.cli import app
    res = CliRunner().invoke(app, ["fly", "zhuque3", "--out", str(tmp_path), "--png"])
    assert res.exit_code == 0, res.output
    assert (tmp_path / "report.html").stat().st_size > 1e6
    for name in ("trajectory.png", "groundtrack.png", "landing_burn.png"):
        assert (tmp_path / name).read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"      # PNG signature
    assert "report.html" in res.output


def test_cli_png_needs_out():
    from typer.testing import CliRunner
    from rlvsim.cli import app
    res = CliRunner().invoke(app, ["fly", "zhuque3", "--png"])
    assert res.exit_code == 2 and "--png" in res.output and "--out" in res.output


def test_failed_ascent_draws_the_stack_alone(z3):
    """A flight lost in ascent has one table shared by both stages (simulation.simulate): the page
    draws it once, as the stack, and says there was no landing burn."""
    k = int(np.searchsorted(z3.stage("booster").trajectory["time_s"], 60.0))
    tab = {c: v[:k] for c, v in z3.stage("booster").trajectory.items()}
    info = {"crash": {"phase": "ascent", "cause": "test"}}
    stages = {"booster": StageResult("booster", tab, "crashed", info),
              "upper": StageResult("upper", tab, "lost", info)}
    lost = replace(z3, stages=stages, events=[e for e in z3.events if e.time_s < 60.0], orbit=None)
    assert [lab for lab, _ in R.segments(lost)] == ["stack"]
    html = R.build_flight_page(lost).render()
    assert "flew no landing burn (outcome: crashed)" in html and "stack: trajectory versus time" in html
