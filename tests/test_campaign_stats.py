"""Campaign statistics (issue #4, item 6) against published values and closed forms, and the
store's atomic fragments, manifest checks and DuckDB queries (item 5) on synthetic records."""
import json
import math
import os

import numpy as np
import pytest

from rlvsim.campaign.stats import ellipse, sensitivity, summarize, wilson_interval
from rlvsim.campaign.store import Store, fragment_name
from rlvsim.errors import InputError


# Newcombe R.G. (1998), "Two-sided confidence intervals for the single proportion: comparison of
# seven methods", Stat. Med. 17:857-872, Table I, method 3 (Wilson score, no continuity
# correction), printed to 4 decimals.
@pytest.mark.parametrize("k,n,lo,hi", [(81, 263, 0.2553, 0.3662), (15, 148, 0.0624, 0.1605),
                                       (0, 20, 0.0, 0.1611), (1, 29, 0.0061, 0.1718)])
def test_wilson_matches_newcombe_1998(k, n, lo, hi):
    a, b = wilson_interval(k, n)
    # the paper prints 4 decimals: agree to half a unit in the last place
    assert abs(a - lo) <= 5e-5 and abs(b - hi) <= 5e-5


def test_wilson_edge_cases():
    # all successes: upper limit exactly 1, lower limit n / (n + z^2) (Wilson 1927 with p = 1)
    z2 = 1.959963984540054 ** 2
    a, b = wilson_interval(200, 200)
    assert b == 1.0 and abs(a - 200 / (200 + z2)) < 1e-12       # closed form, float rounding only
    assert all(math.isnan(x) for x in wilson_interval(0, 0))
    with pytest.raises(ValueError):
        wilson_interval(5, 3)


def test_ellipse99_axes_and_coverage():
    # bivariate normal, sd 30 m along 30 deg from east and 10 m across it, centred at (5, -2)
    rng = np.random.default_rng(1)
    n = 40_000
    th = math.radians(30.0)
    R = np.array([[math.cos(th), -math.sin(th)], [math.sin(th), math.cos(th)]])
    pts = (R @ (rng.standard_normal((2, n)) * np.array([[30.0], [10.0]]))).T + [5.0, -2.0]
    e = ellipse(pts[:, 0], pts[:, 1], 0.99)
    # chi-square(2) 0.99 quantile is -2 ln(0.01) = 9.2103 (closed form): semi-axes sqrt(9.2103) sd
    k = math.sqrt(-2 * math.log(0.01))
    # sample sd of 40k points is within ~0.4 % of the true one (1/sqrt(2n) = 0.35 %); allow 2 %
    assert abs(e["semi_major_m"] / (k * 30.0) - 1) < 0.02 and abs(e["semi_minor_m"] / (k * 10.0) - 1) < 0.02
    assert abs(e["angle_deg"] - 30.0) < 1.0          # axis direction of a 3:1 ellipse from 40k points
    assert abs(e["centre_east_m"] - 5.0) < 1.0 and abs(e["centre_north_m"] + 2.0) < 1.0   # 5 SE of the mean
    # coverage: share of fresh points inside the ellipse ~ 0.99, within 5 binomial standard errors
    fresh = (R @ (rng.standard_normal((2, n)) * np.array([[30.0], [10.0]]))).T + [5.0, -2.0]
    d = fresh - [e["centre_east_m"], e["centre_north_m"]]
    u = np.radians(e["angle_deg"])
    a = d[:, 0] * math.cos(u) + d[:, 1] * math.sin(u)
    b = -d[:, 0] * math.sin(u) + d[:, 1] * math.cos(u)
    inside = np.mean((a / e["semi_major_m"]) ** 2 + (b / e["semi_minor_m"]) ** 2 <= 1.0)
    assert abs(inside - 0.99) < 5 * math.sqrt(0.99 * 0.01 / n)


def test_spearman_sensitivity_hand_example():
    # failure exactly when x > 0.5: rank correlation of x with the 0/1 failure indicator.  By hand:
    # ranks of x = 1..8, failure ranks (ties averaged) = 2.5 x4, 6.5 x4 -> rho = 0.8729 (Pearson of ranks)
    x = np.array([0.1, 0.2, 0.3, 0.4, 0.6, 0.7, 0.8, 0.9])
    y = np.array([5.0, 1.0, 4.0, 2.0, 8.0, 6.0, 3.0, 7.0])      # unrelated, for the other two columns
    cols = {"outcome": np.array(["landed"] * 4 + ["crashed"] * 4), "in_x": x, "in_flat": np.ones(8),
            "miss_distance_m": y, "propellant_remaining_kg": -x}
    out = sensitivity(cols, ["x", "flat"])
    assert [r["input"] for r in out] == ["x"]                 # a constant input is not ranked
    assert abs(out[0]["rho_failure"] - 0.8729) < 1e-4         # 4 decimals of the hand computation
    assert out[0]["rho_miss_distance"] is None or abs(out[0]["rho_miss_distance"]) <= 1


def _rec(k, outcome, east=0.0, north=0.0, prop=1000.0, phase=None, cause=None, x=0.0):
    return {"run": k, "seed": 0, "in_x": x, "outcome": outcome, "failure_phase": phase, "failure_cause": cause,
            "miss_distance_m": math.hypot(east, north), "propellant_remaining_kg": prop,
            "touchdown_east_m": east, "touchdown_north_m": north, "wall_time_s": 0.5, "worker": "w"}


class _Cfg:
    """The parts of a CampaignConfig a store needs (synthetic campaign)."""
    runs = 10
    campaign_id = "synthetic"
    dispersions = type("D", (), {"sources": []})()
    fault_specs = ()

    def __init__(self, seed=0):
        self.seed = seed

    def identity(self):
        return {"mission": "synthetic", "seed": self.seed, "scope": "recovery", "faults": []}

    def input_names(self):
        return ["x"]

    mission = vehicle = type("M", (), {"model_dump_json": lambda self: "{}"})()


def test_store_fragments_manifest_and_summary(tmp_path):
    st = Store(tmp_path / "s")
    st.init(_Cfg())
    recs = [_rec(k, "landed", east=k, north=-k, prop=100.0 * (k + 1)) for k in range(8)]
    recs += [_rec(8, "crashed", phase="landing_burn", cause="no engine left"),
             _rec(9, "tipped_over", east=1, north=1, phase="touchdown", cause="tilt 6 deg > 5 deg")]
    for r in reversed(recs):
        st.write_run(r)
    assert st.completed() == set(range(10))
    assert sorted(os.listdir(st.runs_dir)) == [fragment_name(k) for k in range(10)]   # no temp files left
    tab = st.runs_table()
    assert tab["run"].to_pylist() == list(range(10))        # sorted by run whatever the write order
    # a temp file of a writer killed before its rename is not a run, and init() removes it
    (st.runs_dir / f".{fragment_name(10)}.tmp-999").write_bytes(b"partial")
    assert st.completed() == set(range(10))
    st.init(_Cfg())
    assert not list(st.runs_dir.glob(".run-*"))
    s = summarize(st)
    assert (s["runs"], s["landed"], s["errors"]) == (10, 8, 0)
    assert s["outcomes"] == {"landed": 8, "crashed": 1, "tipped_over": 1}
    assert s["ci95"] == list(wilson_interval(8, 10))
    assert {(c["phase"], c["count"]) for c in s["causes"]} == {("landing_burn", 1), ("touchdown", 1)}
    # propellant margin of the 9 runs that touched down (100..800 and 1000 kg): median 500 kg
    assert s["propellant_margin_kg"]["p50"] == 500.0 and s["propellant_margin_kg"]["min"] == 100.0
    assert s["touchdown_ellipse99"]["points"] == 9
    # DuckDB over the fragments
    q = st.query("SELECT outcome, count(*) AS n FROM runs GROUP BY outcome ORDER BY n DESC")
    assert q["outcome"][0].as_py() == "landed" and q["n"][0].as_py() == 8


def test_store_refuses_another_campaign_and_non_stores(tmp_path):
    st = Store(tmp_path / "s")
    st.init(_Cfg(seed=0))
    before = st.manifest_path.read_bytes()
    with pytest.raises(InputError) as exc:
        st.check(_Cfg(seed=1))
    msg = str(exc.value)
    assert "\n" not in msg and "holds campaign" in msg and "seed" in msg and "use a new --store" in msg
    assert st.manifest_path.read_bytes() == before             # untouched
    with pytest.raises(InputError, match="not a campaign store"):
        Store.open(tmp_path / "nothing")
    junk = tmp_path / "junk"
    junk.mkdir()
    (junk / "x.txt").write_text("mine")
    with pytest.raises(InputError, match="not empty and holds no campaign"):
        Store(junk).check(_Cfg())
    assert json.loads(before)["runs"] == 10


def test_spearman_drops_non_finite_pairs_and_refuses_undefined_rho():
    from rlvsim.campaign.stats import spearman
    # the hand example above (rho = 0.8729 for x against failure), with a crashed run that has no
    # touchdown state (NaN) added: the NaN pair is dropped, not ranked
    x = np.array([0.1, 0.2, 0.3, 0.4, 0.6, 0.7, 0.8, 0.9, np.nan])
    f = np.array([0, 0, 0, 0, 1, 1, 1, 1, 1], float)
    rho, p = spearman(x, f)
    # p: t = rho sqrt(6 / (1 - rho^2)) = 4.38 on 6 dof; t tables give two-sided p = 0.01 at 3.707 and
    # 0.001 at 5.959, and the t distribution puts 4.38 at p = 0.0047
    assert abs(rho - 0.8729) < 1e-4 and 0.003 < p < 0.006
    assert spearman([1.0, 2.0], [2.0, 1.0]) is None           # fewer than 3 pairs
    assert spearman([1.0, 1.0, 1.0, 1.0], [1.0, 2.0, 3.0, 4.0]) is None    # constant column: rho undefined


def test_store_reads_columns_by_name_and_falls_back_when_fragments_differ(tmp_path):
    # fragments of one campaign share their columns, maybe in another order: matched by name
    st = Store(tmp_path / "s")
    st.init(_Cfg())
    a = _rec(0, "landed", east=1.0, north=2.0)
    b = dict(reversed(list(_rec(1, "crashed", east=3.0, north=4.0, phase="landing_burn", cause="x").items())))
    st.write_run(a)
    st.write_run(b)
    tab = st.runs_table()
    assert tab["touchdown_east_m"].to_pylist() == [1.0, 3.0] and tab["outcome"].to_pylist() == ["landed", "crashed"]
    # a fragment without a column (e.g. written by another version) still reads, as a null there
    c = _rec(2, "landed")
    del c["wall_time_s"]
    st.write_run(c)
    tab = st.runs_table()
    assert tab["run"].to_pylist() == [0, 1, 2] and tab["wall_time_s"].to_pylist()[2] is None
