"""Test-program budget: the exact recursion against closed forms, brute-force enumeration and a
seeded Monte Carlo."""
import itertools
import json

import numpy as np
import pytest

from rlvsim.economics.budget import ConstantP, budget_analysis, program_monte_carlo, program_probabilities
from rlvsim.economics.commands import budget_report
from rlvsim.economics.learning import fit_learning_curve
from rlvsim.errors import InputError


def test_constant_p_first_success_closed_form():
    p = 0.3
    r = program_probabilities(ConstantP(p), 12)
    np.testing.assert_allclose(r["p_first_success"], [1 - (1 - p) ** k for k in range(13)], rtol=1e-13)


def test_three_in_a_row_fair_coin():
    # 5 tosses of a fair coin: 8 of the 32 sequences contain HHH (HHHxx: 4, THHHx: 2, xTHHH: 2)
    r = program_probabilities(ConstantP(0.5), 5)
    assert r["p_3_consecutive"][5] == pytest.approx(8 / 32, rel=1e-14)


class _Fixed:
    """Attempt-dependent p_n, one parameter draw."""

    def __init__(self, p):
        self.p = np.asarray(p)

    def success_matrix(self, ns):
        return self.p[np.asarray(ns) - 1][None, :], np.ones(1)


def test_recursion_vs_enumeration_with_learning():
    p = np.array([0.2, 0.35, 0.5, 0.6, 0.7, 0.75, 0.8, 0.85, 0.9])
    k = 8
    r = program_probabilities(_Fixed(p), k, target_consecutive=3)
    first = run3 = 0.0
    for seq in itertools.product([0, 1], repeat=k):
        pr = np.prod([p[i] if s else 1 - p[i] for i, s in enumerate(seq)])
        first += pr * any(seq)
        run3 += pr * ("111" in "".join(map(str, seq)))
    assert r["p_first_success"][k] == pytest.approx(first, rel=1e-12)
    assert r["p_3_consecutive"][k] == pytest.approx(run3, rel=1e-12)
    # reliability >= 0.9 is reached at the 9th attempt, i.e. after 8 funded ones
    assert r["p_reliability_reached"][7] == 0 and r["p_reliability_reached"][8] == 1


def test_exact_vs_monte_carlo_with_posterior_uncertainty():
    model = fit_learning_curve([0, 1, 1, 0, 0, 1, 0, 1, 0, 0, 1, 1, 1, 0, 1, 1], "logistic")
    exact = program_probabilities(model, 10, first_attempt=17)
    mc = program_monte_carlo(model, 10, first_attempt=17, runs=40000, seed=5)
    # binomial sd with 40,000 runs <= 0.0025; 4 sd
    assert abs(mc["p_first_success"] - exact["p_first_success"][10]) < 0.01
    assert abs(mc["p_3_consecutive"] - exact["p_3_consecutive"][10]) < 0.01


def test_budget_analysis_and_curve():
    r = budget_analysis(105e6, 20e6, p=0.4)
    assert r["attempts_affordable"] == 5                 # floor(105 / 20)
    assert r["p_first_success"] == pytest.approx(1 - 0.6 ** 5)
    c = r["curve"]
    assert c["budget_usd"][1] == 20e6 and len(c["budget_usd"]) == 11      # up to 2 x budget = 10 flights
    assert all(a <= b for a, b in zip(c["p_first_success"], c["p_first_success"][1:]))


def test_budget_report_models(tmp_path):
    csv = tmp_path / "zq3.csv"
    csv.write_text("date,mission,landing_type,outcome\n2025-12-03,ZQ-3 Y1,downrange,Failure\n")
    r = budget_report(200e6, 25e6, attempts_csv=str(csv))
    json.dumps(r)                                       # plain data for `--json`
    assert r["first_attempt"] == 2 and r["attempts_affordable"] == 8
    assert 0 < r["p_first_success"] < 1
    assert budget_report(50e6, 25e6, landing_probability=0.5)["p_first_success"] == pytest.approx(0.75)


def test_errors():
    with pytest.raises(InputError):
        budget_analysis(1e6, 0, p=0.5)
    with pytest.raises(InputError):
        budget_analysis(1e6, 1e5)
    with pytest.raises(InputError, match="5000"):
        budget_analysis(1e12, 1.0, p=0.5)
