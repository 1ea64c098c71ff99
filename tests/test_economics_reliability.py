"""Crow-AMSAA against a published worked example, Monte Carlo checks of the MIL-HDBK-189C bounds and
unbiased beta, a hand-computed Cramer-von Mises value, and the Falcon 9 2013-2016 -> 2017 prediction."""
import json
import math
from pathlib import Path

import numpy as np
import pytest

from rlvsim.economics.attempts import read_attempts
from rlvsim.economics.commands import reliability_report
from rlvsim.economics.reliability import cramer_von_mises, fit_attempts, fit_crow_amsaa, fit_grouped
from rlvsim.errors import InputError

DATA = Path(__file__).parent / "data" / "falcon9_landing_attempts.csv"

# ReliaSoft "Crow-AMSAA Parameter Estimation Example" (reliawiki.com/index.php/
# Crow-AMSAA_Parameter_Estimation_Example; RGA reference): 22 failure times (hr) of a prototype under
# test-fix-test, failure-terminated at 620 hr.  Published: sum ln T_i = 105.6355, beta = 0.6142,
# lambda = 0.4239.
RELIAWIKI_TIMES = [2.7, 10.3, 12.5, 30.6, 57.0, 61.3, 80.0, 109.5, 125.0, 128.6, 143.8, 167.9, 229.2,
                   296.7, 320.6, 328.2, 366.2, 396.7, 421.1, 438.2, 501.2, 620.0]


def test_published_example_beta_lambda():
    assert sum(math.log(t) for t in RELIAWIKI_TIMES) == pytest.approx(105.6355, abs=5e-5)  # 4 decimals published
    f = fit_crow_amsaa(RELIAWIKI_TIMES, truncation="failure")
    # published to 4 decimals; 3 significant figures required by the brief
    assert f.beta == pytest.approx(0.6142, abs=5e-5)
    assert f.lam == pytest.approx(0.4239, abs=5e-5)
    assert f.beta_unbiased == pytest.approx(0.6142 * 20 / 22, rel=1e-4)   # (N-2)/N, failure-truncated


def _simulate_power_law(rng, beta, n_sets, n_fail):
    """Failure-truncated sets: S_i = lam t_i^beta is a unit-rate Poisson process (lam = 1)."""
    s = np.cumsum(rng.exponential(size=(n_sets, n_fail)), axis=1)
    return s ** (1 / beta)


def test_chi_square_beta_bounds_cover_at_the_stated_level():
    rng = np.random.default_rng(1)
    beta, sets = 0.7, 2000
    t = _simulate_power_law(rng, beta, sets, 8)
    cover = 0
    for row in t:
        lo, hi = fit_crow_amsaa(row, truncation="failure", confidence=0.9, gof=False).beta_bounds
        cover += lo <= beta <= hi
    # exact pivot -> coverage 0.90; binomial sd with 2000 sets = 0.0067, allow 3 sd
    assert abs(cover / sets - 0.90) < 0.02


def test_unbiased_beta_is_unbiased_time_truncated():
    rng = np.random.default_rng(2)
    beta, lam, T = 0.6, 2.0, 100.0          # expected failures lam T^beta = 31.7
    est = []
    for _ in range(1500):
        n = rng.poisson(lam * T ** beta)
        if n < 2:
            continue
        u = np.sort(rng.random(n))           # given N, S_i/S(T) are uniform order statistics
        est.append(fit_crow_amsaa(T * u ** (1 / beta), T=T, gof=False).beta_unbiased)
    est = np.array(est)
    # MIL-HDBK-189C: (N-1)/N beta_hat is unbiased; tolerance 4 standard errors of the mean
    assert abs(est.mean() - beta) < 4 * est.std() / math.sqrt(est.size)


def test_cramer_von_mises_hand_computed():
    # t = (1, 4), T = 8, time-truncated, M = 2: beta_bar = 1/ln 16;
    # (1/8)^beta_bar = e^-0.75, (4/8)^beta_bar = e^-0.25;
    # C2 = 1/24 + (e^-0.75 - 1/4)^2 + (e^-0.25 - 3/4)^2
    expected = 1 / 24 + (math.exp(-0.75) - 0.25) ** 2 + (math.exp(-0.25) - 0.75) ** 2
    g = cramer_von_mises([1.0, 4.0], 8.0, "time", sims=2000)
    assert g["statistic"] == pytest.approx(expected, rel=1e-12)   # same arithmetic, rounding only


def test_fisher_matrix_matches_the_analytic_information():
    t = np.array(RELIAWIKI_TIMES[:-1])
    f = fit_crow_amsaa(t, T=650.0, gof=False)
    n, lam, b, T = len(t), f.lam, f.beta, 650.0
    # analytic observed information in (lam, beta) for the time-truncated likelihood
    info = np.array([[n / lam ** 2, T ** b * math.log(T)],
                     [T ** b * math.log(T), n / b ** 2 + lam * T ** b * math.log(T) ** 2]])
    J = np.diag([lam, 1.0])                  # d(lam, beta)/d(ln lam, beta)
    cov = np.linalg.inv(J @ info @ J)
    np.testing.assert_allclose(f.cov, cov, rtol=1e-4)   # finite-difference Hessian truncation error


def test_grouped_mle_matches_direct_maximisation():
    from scipy.optimize import minimize
    ends = np.array([62., 100., 187., 210., 350., 500.])
    counts = np.array([12, 6, 15, 3, 18, 16])
    g = fit_grouped(ends, counts)

    def nll(x):
        lam, b = math.exp(x[0]), math.exp(x[1])
        starts = np.concatenate(([0.0], ends[:-1]))
        mu = lam * (ends ** b - starts ** b)
        return -(np.sum(counts * np.log(mu)) - mu.sum())   # Poisson counts per interval
    r = minimize(nll, [0.0, 0.0], method="Nelder-Mead", options={"xatol": 1e-10, "fatol": 1e-12})
    assert g.beta == pytest.approx(math.exp(r.x[1]), rel=1e-5)   # optimiser tolerance
    assert g.lam == pytest.approx(math.exp(r.x[0]), rel=1e-4)


def test_grouped_tends_to_individual_for_fine_groups():
    # grouping each failure into a tiny interval ending at its time recovers the individual MLE
    t = np.array(RELIAWIKI_TIMES)
    ends = np.sort(np.concatenate([t, t - 1e-6]))
    counts = np.tile([0, 1], len(t))
    g = fit_grouped(ends, counts, T=700.0)
    f = fit_crow_amsaa(t, T=700.0, gof=False)
    assert g.beta == pytest.approx(f.beta, rel=1e-5)   # interval width 1e-6 hr


def test_p_success_for_a_homogeneous_process():
    # beta = 1: constant intensity lam, P(no failure in one attempt) = exp(-lam) for every attempt
    # beta_hat = 2 / (ln T + ln(T/2)) = 1  <=>  ln T = 1 + ln(2)/2
    f = fit_crow_amsaa([1.0, 2.0], T=math.e * math.sqrt(2.0), gof=False)
    assert f.beta == pytest.approx(1.0, rel=1e-12)
    np.testing.assert_allclose(f.p_success([1, 5, 50]), math.exp(-f.lam), rtol=1e-12)


def test_errors():
    with pytest.raises(InputError):
        fit_crow_amsaa([5.0], T=10.0)
    with pytest.raises(InputError):
        fit_crow_amsaa([1.0, 20.0], T=10.0)
    with pytest.raises(InputError, match="no failure"):
        fit_attempts([1, 1, 1])


def test_falcon9_2013_2016_predicts_2017():
    h = read_attempts(DATA)
    early = h.between(None, "2016-12-31").outcomes()
    observed_early = early.mean()                       # 9 / 16
    r = reliability_report(str(DATA), fit_until="2016-12-31", predict_year=2017)
    json.dumps(r)                                       # plain data for `--json`
    pred = r["prediction"]
    assert pred["attempts"] == 15 and pred["observed_rate"] == 1.0   # 15 of 15 landings in 2017
    for key in ("crow_amsaa", "learning_curve"):
        lo, hi = pred[key]["p_interval"]
        assert 0 < lo <= pred[key]["p_mean"] <= hi < 1
        # sanity, not a tuned value: reliability grew, so the predicted 2017 rate beats 2013-2016's
        assert pred[key]["p_mean"] > observed_early
    for m in ("individual", "grouped", "bernoulli"):
        f = fit_attempts(early, m)
        assert f.beta < 1                              # growth
        assert f.p_success(np.arange(17, 32)).mean() > observed_early
