"""`economics cost|constellation --campaign STORE`: the landing probability comes from a campaign
store (landed fraction, 95 % Wilson interval) and flows through the cost arithmetic unchanged."""
import json
import math

import pytest
from typer.testing import CliRunner

from rlvsim.cli import app
from rlvsim.economics.assumptions import load_assumptions
from rlvsim.economics.cost import launch_cost, published_payload


@pytest.fixture(scope="module")
def store_8_of_10(tmp_path_factory):
    """A store of 10 zhuque3 runs, 8 landed: one real run's record, copied with set outcomes (the
    economics only reads outcomes; flying 10 runs would add nothing here)."""
    from rlvsim.campaign.config import build_config
    from rlvsim.campaign.run import run_one
    from rlvsim.campaign.store import Store
    cfg = build_config("zhuque3", 10, seed=0)
    rec = run_one(cfg, 0)
    path = tmp_path_factory.mktemp("camp") / "store"
    st = Store(path)
    st.init(cfg, "zhuque3")
    for k in range(10):
        st.write_run({**rec, "run": k, "outcome": "landed" if k < 8 else "crashed"})
    return path


def wilson(k, n, z=1.959963984540054):
    """Wilson (1927) score interval, written out from its definition."""
    p = k / n
    c = (p + z * z / (2 * n)) / (1 + z * z / n)
    h = z / (1 + z * z / n) * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n))
    return c - h, c + h


def test_cost_uses_the_campaign_probability(store_8_of_10):
    r = CliRunner().invoke(app, ["economics", "cost", "zhuque3", "--recovery", "downrange",
                                 "--campaign", str(store_8_of_10), "--json"])
    assert r.exit_code == 0, r.output
    out = json.loads(r.output)
    src = out["landing_probability_source"]
    assert (src["runs"], src["landed"]) == (10, 8)
    assert out["landing_probability"] == pytest.approx(0.8, abs=1e-12)   # 8 / 10 exactly
    lo, hi = wilson(8, 10)
    assert src["ci95"] == pytest.approx([lo, hi], abs=1e-9)              # closed form, float rounding
    a = load_assumptions("zhuque3")
    expect = launch_cost(a, published_payload(a, "downrange"), "downrange", 0.8)
    assert out["per_kg_usd"] == pytest.approx(expect["per_kg_usd"], rel=1e-12)
    # a lower landing probability can only cost more per kg: the interval's ends bracket the estimate
    p_lo, p_hi = out["per_kg_usd_at_ci95"]
    assert p_lo > out["per_kg_usd"] > p_hi


def test_wrong_vehicle_or_both_sources_is_one_line(store_8_of_10):
    from rlvsim.errors import InputError
    r = CliRunner().invoke(app, ["economics", "cost", "falcon9", "--campaign", str(store_8_of_10)])
    # main() turns an InputError into one line and exit 2 (tests/test_cli.py checks that path)
    assert isinstance(r.exception, InputError) and "\n" not in str(r.exception)
    assert "falcon9" in str(r.exception)
    r = CliRunner().invoke(app, ["economics", "cost", "zhuque3", "--campaign", str(store_8_of_10),
                                 "--landing-probability", "0.5"])
    assert isinstance(r.exception, InputError) and "not both" in str(r.exception)


def test_constellation_takes_the_campaign_probability(store_8_of_10):
    r = CliRunner().invoke(app, ["economics", "constellation", "--vehicle", "zhuque3", "--recovery", "downrange",
                                 "--satellites", "1000", "--satellite-mass-kg", "800",
                                 "--campaign", str(store_8_of_10), "--json"])
    assert r.exit_code == 0, r.output
    out = json.loads(r.output)
    assert out["landing_probability"] == pytest.approx(0.8, abs=1e-12)
    assert out["landing_probability_source"]["runs"] == 10
