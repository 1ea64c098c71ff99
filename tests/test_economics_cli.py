"""`rlvsim economics ...` as a user meets it: tables, --json, --html pages and --png pictures.

The figures the tables and pages show must be the command's own result (the JSON), and the new
plain data (fleet x cadence sweep, per-vehicle comparison, reliability curves) is checked against
hand arithmetic and the closed forms of the models, not against earlier runs."""
import json
import math
import re

import numpy as np
import pytest
from typer.testing import CliRunner

from rlvsim.cli import app

RUN = CliRunner()
PNG = b"\x89PNG\r\n\x1a\n"


def _json(args):
    r = RUN.invoke(app, [*args, "--json"])
    assert r.exit_code == 0, r.output
    return json.loads(r.output)


def test_cost_table_shows_the_json_figures():
    res = _json(["economics", "cost", "falcon9"])
    r = RUN.invoke(app, ["economics", "cost", "falcon9"], env={"COLUMNS": "140"})
    assert r.exit_code == 0
    assert [m["recovery"] for m in res["modes"]] == ["expendable", "rtls", "droneship"] or \
        [m["recovery"] for m in res["modes"]] == ["expendable", "droneship", "rtls"]   # all three side by side
    for m in res["modes"]:
        assert m["recovery"] in r.output
        if "error" in m:
            assert "no cited payload" in r.output
            continue
        assert f"${m['per_kg_usd']:,.0f}" in r.output          # the per-kg figure, as computed
        assert f"{m['payload_kg']:,.0f}" in r.output


def test_cost_html_and_png_carry_the_result(tmp_path):
    html, png = tmp_path / "cost.html", tmp_path / "cost.png"
    res = _json(["economics", "cost", "zhuque3", "--html", str(html), "--png", str(png)])
    text = html.read_text()
    assert res["html"] == str(html) and png.read_bytes()[:8] == PNG
    assert "Plotly.newPlot" in text and "https://" not in text.split("<body")[0][:2000]  # plotly embedded
    for m in [m for m in res["modes"] if "error" not in m]:
        # the bar labels are the result's per-kg cost (formatted, not recomputed)
        assert f"${m['per_kg_usd']:,.0f}/kg" in text


def test_constellation_sweep_and_vehicle_comparison_by_hand():
    res = _json(["economics", "constellation", "--vehicle", "zhuque3", "--preset", "qianfan", "--sweep",
                 "--fleets", "4,64", "--cadences", "12,24", "--compare"])
    n = res["launches"]
    assert n == math.ceil(res["satellites"] / res["satellites_per_launch"])
    sw = res["sweep"]
    assert sw["fleet_sizes"] == [4, 64] and sw["cadences"] == [12.0, 24.0]
    # the plan's own fleet and cadence (4 boosters, 24/yr) is a point of the sweep: same years
    assert sw["years"][0][1] == pytest.approx(res["years_to_last_launch"], rel=1e-12)
    # with 64 boosters for 100s of launches the fleet never limits: years = (launches - 1) / cadence
    for j, c in enumerate(sw["cadences"]):
        assert sw["years"][1][j] == pytest.approx((n - 1) / c, rel=1e-9)
    # a bigger fleet never deploys slower, a higher cadence never slower
    y = np.asarray(sw["years"])
    assert np.all(np.diff(y, axis=0) <= 1e-9) and np.all(np.diff(y, axis=1) <= 1e-9)
    rows = {r["vehicle"]: r for r in res["vehicles"]}
    assert {"falcon9", "zhuque3", "longmarch12a"} <= set(rows)
    for r in rows.values():
        if "error" not in r:
            assert r["launches"] == math.ceil(r["satellites"] / r["satellites_per_launch"])
    assert rows["zhuque3"]["launches"] == n                       # the same plan, reached two ways


def test_reliability_curve_is_the_fitted_model():
    res = _json(["economics", "reliability", "--fit-until", "2016-12-31", "--predict-year", "2017"])
    c, fit = res["curve"], res["crow_amsaa"]["grouped"]
    n = np.asarray(c["attempt"], float)
    lam, beta = fit["lambda"], fit["beta"]
    # Crow-AMSAA closed form: P(attempt n lands) = exp(-lambda (n^beta - (n-1)^beta))
    assert np.allclose(c["crow_amsaa"]["p"], np.exp(-lam * (n ** beta - (n - 1) ** beta)), rtol=1e-12)
    assert np.all(np.asarray(c["crow_amsaa"]["lower"]) <= np.asarray(c["crow_amsaa"]["upper"]))
    o = np.asarray(c["outcome"])
    assert o.size == res["data"]["attempts"] and o.sum() == res["data"]["successes"]
    assert c["running_rate"][-1] == pytest.approx(res["data"]["success_rate"])
    lc = c["learning_curve"]
    assert np.all(np.asarray(lc["lower"]) <= np.asarray(lc["p"])) and np.all(np.asarray(lc["p"]) <= np.asarray(lc["upper"]))


def test_reliability_and_budget_pages(tmp_path):
    rel = _json(["economics", "reliability", "--fit-until", "2016-12-31", "--predict-year", "2017",
                 "--html", str(tmp_path / "r.html"), "--png", str(tmp_path / "r.png")])
    text = (tmp_path / "r.html").read_text()
    assert text.count('class="rlv-fig"') == 1 and (tmp_path / "r.png").read_bytes()[:8] == PNG
    # the page shows the result's own predictions (full-precision floats, not re-computed)
    pred = rel["prediction"]
    assert str(pred["learning_curve"]["p_mean"]) in text and str(pred["crow_amsaa"]["p_mean"]) in text
    bud = _json(["economics", "budget", "--budget-usd", "3e8", "--cost-per-flight-usd", "3e7",
                 "--html", str(tmp_path / "b.html"), "--png", str(tmp_path / "b.png")])
    assert bud["attempts_affordable"] == 10                      # 300 M / 30 M
    assert str(bud["p_first_success"]) in (tmp_path / "b.html").read_text()


@pytest.mark.parametrize("args, words", [
    (["economics", "constellation", "--vehicle", "zhuque3", "--preset", "qianfan", "--sweep", "--fleets", "a,b"],
     "--fleets"),
    (["economics", "constellation", "--vehicle", "zhuque3", "--preset", "qianfan", "--png", "x.png"], "--sweep"),
    (["economics", "cost", "zhuque3", "--landing-probability", "0.9", "--campaign", "nowhere"], "not both"),
])
def test_bad_input_is_one_line_exit_2(args, words, tmp_path, monkeypatch):
    import subprocess
    import sys
    monkeypatch.chdir(tmp_path)
    p = subprocess.run([sys.executable, "-m", "rlvsim.cli", *args], capture_output=True, text=True)
    assert p.returncode == 2, p.stderr
    lines = [ln for ln in p.stderr.splitlines() if ln.strip()]
    assert len(lines) == 1 and words in lines[0] and "Traceback" not in p.stderr
    assert not re.search(r"\.png$", " ".join(str(x) for x in tmp_path.iterdir()))   # nothing half-written


def test_new_vehicle_reliability_with_the_falcon9_prior():
    # Zhuque-3's one attempt (a failure), Falcon 9 2013-2020 as a power prior of weight 0.25: the
    # command must hand exactly that to the learning curve (its maths is tested in
    # test_economics_learning.py against direct optimisation and conjugate updates)
    from rlvsim.economics.attempts import read_attempts
    from rlvsim.economics.commands import attempts_path, builtin_attempts_path
    from rlvsim.economics.learning import fit_learning_curve
    res = _json(["economics", "reliability", "zhuque3", "--prior-weight", "0.25"])
    assert res["data"]["attempts"] == 1 and res["data"]["failures"] == 1
    own = read_attempts(attempts_path("zhuque3")).outcomes()
    f9 = read_attempts(builtin_attempts_path()).outcomes()
    ref = fit_learning_curve(own, prior_fit=fit_learning_curve(f9), prior_weight=0.25).as_dict()
    lc = res["learning_curve"]
    assert lc["p_next_mean"] == pytest.approx(ref["p_next_mean"], rel=1e-12)
    assert lc["p_next_interval"] == pytest.approx(ref["p_next_interval"], rel=1e-12)
    # one attempt cannot fix Crow-AMSAA's two parameters: every estimator says so
    assert all("error" in f for f in res["crow_amsaa"].values())
    # Falcon 9 landed 87 % of its attempts: its history pulls a new vehicle's lone failure up
    bare = _json(["economics", "reliability", "zhuque3"])["learning_curve"]["p_next_mean"]
    assert lc["p_next_mean"] > bare
