"""Bayesian learning curves (grid posterior) and the discounted Beta-Bernoulli model, checked against
closed forms, an independent optimiser, and hand recurrences."""
from pathlib import Path

import numpy as np
import pytest
from scipy.stats import beta as beta_dist

from rlvsim.economics.attempts import read_attempts
from rlvsim.economics.learning import beta_discounted, fit_learning_curve, weighted_quantile
from rlvsim.errors import InputError

DATA = Path(__file__).parent / "data" / "falcon9_landing_attempts.csv"


def test_no_data_gives_the_prior():
    f = fit_learning_curve([], "logistic")
    m = f.posterior_mean_params()
    # prior a, b ~ N(0, 1.5^2) on symmetric grids (a in [-5, 5], b in [-4.5, 4.5]): mean 0
    assert abs(m["a"]) < 1e-9 and abs(m["b"]) < 1e-9     # symmetry; rounding only
    w = f.weights
    sd_a = np.sqrt(w @ f.points[:, 0] ** 2)
    assert sd_a == pytest.approx(1.5, rel=0.01)           # truncation at 3.3 sd changes sd by < 1%


def test_map_matches_direct_optimisation():
    from scipy.optimize import minimize
    o = read_attempts(DATA).outcomes()
    f = fit_learning_curve(o, "logistic")
    n = np.arange(1, o.size + 1)

    def nlp(x):
        p = 1 / (1 + np.exp(-(x[0] + x[1] * np.log(n))))
        return -(np.sum(o * np.log(p) + (1 - o) * np.log1p(-p)) - 0.5 * (x[0] / 1.5) ** 2 - 0.5 * (x[1] / 1.5) ** 2)
    r = minimize(nlp, [0.0, 0.0], method="Nelder-Mead", options={"xatol": 1e-8, "fatol": 1e-10})
    m = f.map_params
    # grid spacing: a 1/12, b 1/20 -> the grid MAP is within one spacing of the true MAP
    assert abs(m["a"] - r.x[0]) <= 1 / 12 + 1e-9 and abs(m["b"] - r.x[1]) <= 1 / 20 + 1e-9


def test_weighted_quantile_against_repeated_samples():
    x = np.array([3.0, 1.0, 2.0])
    w = np.array([0.2, 0.5, 0.3])
    # cumulative weights sorted: 1->0.5, 2->0.8, 3->1.0
    assert weighted_quantile(x, w, [0.4, 0.5, 0.6, 0.95]).tolist() == [1.0, 1.0, 2.0, 3.0]


def test_beta_bernoulli_plain_update_is_conjugate():
    o = [1, 0, 1, 1, 0, 1]
    r = beta_discounted(o, alpha0=2, beta0=3, credibility=0.8)
    a, b = 2 + 4, 3 + 2                                    # Beta(2+s, 3+f)
    assert r["p_next_mean"] == pytest.approx(a / (a + b), rel=1e-14)
    assert r["p_next_interval"][0] == pytest.approx(beta_dist.ppf(0.1, a, b), rel=1e-12)


def test_beta_bernoulli_discount_hand_recurrence():
    r = beta_discounted([1, 0, 1], alpha0=1, beta0=1, discount=0.5)
    # alpha: 0.5+1 = 1.5, 0.75+0 = 0.75, 0.375+1 = 1.375; beta: 0.5, 0.25+1 = 1.25, 0.625
    assert r["alpha"] == pytest.approx([1.5, 0.75, 1.375]) and r["beta"] == pytest.approx([0.5, 1.25, 0.625])
    assert r["p_next_mean"] == pytest.approx(1.375 / 2.0)
    assert r["effective_memory_attempts"] == pytest.approx(2.0)


def test_power_prior_weight_zero_is_the_default_prior():
    h = read_attempts(DATA).outcomes()
    prior = fit_learning_curve(h, "logistic")
    a = fit_learning_curve([0], "logistic", prior_fit=prior, prior_weight=0.0)
    b = fit_learning_curve([0], "logistic")
    np.testing.assert_allclose(a.weights, b.weights, rtol=1e-12)


@pytest.mark.parametrize("form", ["logistic", "exponential"])
def test_new_vehicle_first_failure_lowers_the_next_attempt(form):
    # Zhuque-3 (2025-12-03) and Long March 12A (2025-12-23): one attempt each, a failure
    f9_early = read_attempts(DATA).between(None, "2016-12-31").outcomes()
    prior = fit_learning_curve(f9_early, form)
    no_data = fit_learning_curve([], form, prior_fit=prior, prior_weight=1.0)
    after_fail = fit_learning_curve([0], form, prior_fit=prior, prior_weight=1.0)
    p0 = no_data.p_success([2])["mean"][0]
    p1 = after_fail.p_success([2])["mean"][0]
    assert p1 < p0                                       # a failure is evidence of a lower p
    d = after_fail.as_dict()
    assert 0 < d["p_next_interval"][0] < d["p_next_mean"] < d["p_next_interval"][1] < 1


def test_errors():
    with pytest.raises(InputError):
        fit_learning_curve([0, 2], "logistic")
    with pytest.raises(InputError):
        fit_learning_curve([0], "cubic")
    with pytest.raises(InputError):
        beta_discounted([1], discount=0)


@pytest.mark.parametrize("form", ["logistic", "exponential"])
def test_attempts_to_reach_matches_brute_force(form):
    o = read_attempts(DATA).outcomes()
    f = fit_learning_curve(o, form)
    ns = np.arange(1, 301)
    P, w = f.success_matrix(ns, min_weight=0.0)          # every grid point, p_n evaluated directly
    brute = ns[np.flatnonzero(w @ (P >= 0.9) >= 0.5)[0]]
    assert f.attempts_to_reach(0.9) == brute
