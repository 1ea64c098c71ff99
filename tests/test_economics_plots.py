"""Each economics plot renders a non-empty PNG."""
from pathlib import Path

import pytest

from rlvsim.economics import plots
from rlvsim.economics.attempts import read_attempts
from rlvsim.economics.budget import budget_analysis
from rlvsim.economics.constellation import sweep
from rlvsim.economics.cost import compare_modes
from rlvsim.economics.learning import fit_learning_curve
from rlvsim.economics.reliability import fit_attempts

pytest.importorskip("matplotlib")
DATA = Path(__file__).parent / "data" / "falcon9_landing_attempts.csv"
PNG = b"\x89PNG\r\n\x1a\n"


def _ok(p):
    b = Path(p).read_bytes()
    assert b[:8] == PNG and len(b) > 2000


def test_all_plots(tmp_path):
    h = read_attempts(DATA)
    early, later = h.between(None, "2016-12-31").outcomes(), h.between("2017-01-01", None).outcomes()
    _ok(plots.plot_reliability(early, tmp_path / "rel.png", fit_attempts(early), fit_learning_curve(early),
                               observed=later))
    rows = [m for v in ("falcon9", "zhuque3", "longmarch12a") for m in compare_modes(v)["modes"]]
    _ok(plots.plot_cost_per_kg(rows, tmp_path / "cost.png"))
    s = sweep([1, 2, 4, 8], [12, 24, 48], satellites=1296, satellite_mass_kg=230, payload_kg_per_launch=8000,
              landing_probability=0.9, booster_life=20)
    _ok(plots.plot_deployment(s, tmp_path / "deploy.png"))
    _ok(plots.plot_budget(budget_analysis(300e6, 30e6, p=0.5), tmp_path / "budget.png"))
