"""Crow-AMSAA reliability growth (NHPP with power-law intensity), MIL-HDBK-189C (2011) section 5.

Expected failures by cumulative "time" t: Lambda(t) = lam * t**beta; intensity rho(t) = lam*beta*t**(beta-1).
beta < 1 means the failure intensity falls: reliability grows.

For landing attempts, "time" is the attempt count: attempt n occupies the interval (n-1, n].  Three
estimators are offered (see docs/economics.md):
  * ``individual``: failure "times" are the attempt numbers; MIL-HDBK-189C MLE
    beta = N / sum ln(T/t_i), lam = N / T**beta; time-truncated (T = attempts flown) or
    failure-truncated (T = t_N, beta = N / sum_{i<N} ln(t_N/t_i)); unbiased beta, chi-square
    bounds on beta, Cramer-von Mises goodness of fit.
  * ``grouped``: MIL-HDBK-189C grouped-data MLE with one group per attempt (Poisson counts).
  * ``bernoulli``: at most one failure per attempt, P(fail at n) = 1 - exp(-(Lambda(n) - Lambda(n-1))).
P(success at attempt n) = exp(-(Lambda(n) - Lambda(n-1))) for all three: the Poisson probability of
no failure event during attempt n (close to exp(-rho(n)) once n >> 1; always in (0, 1], unlike 1 - rho).
"""
from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np

from ..errors import InputError


# ------------------------------------------------------------------------------ log-likelihoods
def _loglik_individual(loglam, beta, times, T):
    lam = math.exp(loglam)
    n = len(times)
    return n * loglam + n * math.log(beta) + (beta - 1) * float(np.sum(np.log(times))) - lam * T ** beta


def _loglik_grouped(loglam, beta, ends, counts, T):
    lam = math.exp(loglam)
    starts = np.concatenate(([0.0], ends[:-1]))
    d = ends ** beta - np.where(starts > 0, starts, 0.0) ** beta
    return float(np.sum(counts * (loglam + np.log(d)))) - lam * T ** beta


def _increments(loglam, beta, n_attempts):
    k = np.arange(1, n_attempts + 1, dtype=float)
    return math.exp(loglam) * (k ** beta - (k - 1) ** beta)


def _loglik_bernoulli(loglam, beta, outcomes):
    d = _increments(loglam, beta, len(outcomes))
    fail = outcomes == 0
    return float(np.sum(np.log(-np.expm1(-d[fail]))) - np.sum(d[~fail]))


def _hessian_cov(f, x0, h=(1e-4, 1e-4)):
    """Covariance = inverse of the negative Hessian of log-likelihood f at its maximum x0."""
    x0 = np.asarray(x0, float)
    H = np.zeros((2, 2))
    for i in range(2):
        for j in range(2):
            ei = np.eye(2)[i] * h[i]
            ej = np.eye(2)[j] * h[j]
            H[i, j] = (f(*(x0 + ei + ej)) - f(*(x0 + ei - ej)) - f(*(x0 - ei + ej)) + f(*(x0 - ei - ej))) \
                / (4 * h[i] * h[j])
    try:
        return np.linalg.inv(-H)
    except np.linalg.LinAlgError:
        return np.full((2, 2), np.nan)


# ------------------------------------------------------------------------------ the fit
@dataclass
class CrowAmsaaFit:
    """A fitted power-law NHPP.  `cov` is the covariance of (ln lam, beta) from the observed information."""
    method: str
    beta: float
    lam: float
    n_failures: int
    T: float
    truncation: str
    confidence: float
    beta_bounds: tuple[float, float]
    cov: np.ndarray
    beta_unbiased: float | None = None
    gof: dict | None = None
    failure_times: np.ndarray = field(default_factory=lambda: np.zeros(0))

    # -- model quantities
    def expected_failures(self, t):
        return self.lam * np.asarray(t, float) ** self.beta

    def intensity(self, t):
        """Instantaneous failure intensity rho(t) (failures per attempt)."""
        return self.lam * self.beta * np.asarray(t, float) ** (self.beta - 1)

    def mtbf(self, t):
        """Instantaneous MTBF 1/rho(t) (attempts per failure)."""
        return 1.0 / self.intensity(t)

    def p_success(self, n):
        """P(success at attempt n) = exp(-(Lambda(n) - Lambda(n-1))), n = 1, 2, ..."""
        n = np.asarray(n, float)
        return np.exp(-self.lam * (n ** self.beta - (n - 1) ** self.beta))

    def intensity_bounds(self, t, confidence: float | None = None):
        """Two-sided Fisher-matrix bounds on rho(t) (ln rho treated as normal; delta method)."""
        from scipy.stats import norm
        c = self.confidence if confidence is None else confidence
        z = norm.ppf(0.5 + c / 2)
        t = np.asarray(t, float)
        g = np.stack([np.ones_like(t), 1.0 / self.beta + np.log(t)])   # d ln rho / d(ln lam, beta)
        sd = np.sqrt(np.einsum("i...,ij,j...->...", g, self.cov, g))
        rho = self.intensity(t)
        return rho * np.exp(-z * sd), rho * np.exp(z * sd)

    def draws(self, n_draws: int = 4000, seed: int = 0) -> np.ndarray:
        """Parameter draws (ln lam, beta) from the asymptotic normal of the MLE; beta kept > 0."""
        rng = np.random.default_rng(seed)
        x = rng.multivariate_normal([math.log(self.lam), self.beta], self.cov, size=n_draws)
        x[:, 1] = np.clip(x[:, 1], 1e-3, None)
        return x

    def success_matrix(self, ns, n_draws: int = 2000, seed: int = 0):
        """(P, w): P[s, k] = P(success at attempt ns[k]) under draw s, equal weights w (for budget.py)."""
        ns = np.asarray(ns, float)
        x = self.draws(n_draws, seed)
        lam = np.exp(x[:, :1])
        beta = x[:, 1:]
        P = np.exp(-lam * (ns ** beta - (ns - 1) ** beta))
        return P, np.full(len(x), 1.0 / len(x))

    def predict_rate(self, ns, confidence: float | None = None, n_draws: int = 4000, seed: int = 0) -> dict:
        """Mean P(success) over attempts `ns`: point value, parameter interval, and a predictive
        interval for the observed success fraction (parameter draws + Bernoulli outcomes)."""
        c = self.confidence if confidence is None else confidence
        ns = np.asarray(ns, float)
        P, _ = self.success_matrix(ns, n_draws, seed)
        mean_p = P.mean(axis=1)
        rng = np.random.default_rng(seed + 1)
        observed = (rng.random(P.shape) < P).mean(axis=1)
        lo_q, hi_q = 0.5 - c / 2, 0.5 + c / 2
        return {"attempts": [int(ns[0]), int(ns[-1])], "n": int(ns.size),
                "p_mean": float(self.p_success(ns).mean()),
                "p_interval": [float(np.quantile(mean_p, lo_q)), float(np.quantile(mean_p, hi_q))],
                "observed_rate_predictive_interval": [float(np.quantile(observed, lo_q)),
                                                      float(np.quantile(observed, hi_q))],
                "confidence": c}

    def attempts_to_reach(self, target: float, n_max: int = 100000) -> int | None:
        """Smallest attempt number n with P(success at n) >= target; None if never (beta >= 1)."""
        if not 0 < target < 1:
            raise InputError(f"target = {target}: must be in (0, 1)")
        n = np.arange(1, n_max + 1)
        ok = np.flatnonzero(self.p_success(n) >= target)
        return int(n[ok[0]]) if ok.size else None

    def as_dict(self) -> dict:
        lo, hi = self.intensity_bounds(self.T)
        d = {"model": "crow-amsaa", "method": self.method, "truncation": self.truncation,
             "n_failures": self.n_failures, "T": self.T, "beta": self.beta, "lambda": self.lam,
             "beta_unbiased": self.beta_unbiased, "confidence": self.confidence,
             "beta_bounds": list(self.beta_bounds),
             "intensity_at_T": float(self.intensity(self.T)),
             "intensity_at_T_bounds_fisher": [float(lo), float(hi)],
             "mtbf_at_T": float(self.mtbf(self.T)),
             "mtbf_at_T_bounds_fisher": [float(1 / hi), float(1 / lo)],
             "p_success_next": float(self.p_success(math.floor(self.T) + 1))}
        if self.gof:
            d["goodness_of_fit"] = self.gof
        return d


def _beta_bounds_fisher(beta, var_beta, confidence):
    from scipy.stats import norm
    z = norm.ppf(0.5 + confidence / 2)
    s = math.sqrt(max(var_beta, 0.0)) / beta
    return float(beta * math.exp(-z * s)), float(beta * math.exp(z * s))


def fit_crow_amsaa(times, T: float | None = None, truncation: str = "time", confidence: float = 0.9,
                   gof: bool = True, gof_sims: int = 20000, seed: int = 0) -> CrowAmsaaFit:
    """MIL-HDBK-189C MLE from individual failure times (cumulative test time of each failure).

    truncation='time': test ended at T >= last failure.  'failure': test ended at the N-th failure
    (T = t_N).  Beta bounds: 2*N*beta/beta_hat ~ chi2(2N) (time) or chi2(2N-2) (failure)."""
    from scipy.stats import chi2
    t = np.sort(np.asarray(times, float))
    n = t.size
    if truncation not in ("time", "failure"):
        raise InputError(f"truncation = {truncation!r}: must be 'time' or 'failure'")
    if not 0 < confidence < 1:
        raise InputError(f"confidence = {confidence}: must be in (0, 1)")
    if n < 2 or np.any(t <= 0):
        raise InputError(f"failure times: need at least 2 failures at times > 0 (got {n})")
    if truncation == "failure":
        T = float(t[-1])
    elif T is None or T < t[-1]:
        raise InputError(f"T = {T}: a time-truncated test needs T >= the last failure time {t[-1]:g}")
    s = float(np.sum(np.log(T / t)))
    if s <= 0:
        raise InputError("failure times: all equal to T, the power law is not estimable")
    beta = n / s
    lam = n / T ** beta
    dof = 2 * n if truncation == "time" else 2 * (n - 1)
    beta_unb = beta * ((n - 1) / n if truncation == "time" else (n - 2) / n)
    a = (1 - confidence) / 2
    bounds = (float(beta * chi2.ppf(a, dof) / (2 * n)), float(beta * chi2.ppf(1 - a, dof) / (2 * n)))
    cov = _hessian_cov(lambda ll, b: _loglik_individual(ll, b, t, T), (math.log(lam), beta))
    fit = CrowAmsaaFit("individual", beta, lam, n, float(T), truncation, confidence, bounds, cov,
                       beta_unbiased=beta_unb, failure_times=t)
    if gof:
        fit.gof = cramer_von_mises(t, T, truncation, sims=gof_sims, seed=seed)
    return fit


def cramer_von_mises(times, T: float, truncation: str = "time", alpha: float = 0.10,
                     sims: int = 20000, seed: int = 0) -> dict:
    """MIL-HDBK-189C Cramer-von Mises statistic with the unbiased beta:
    C2 = 1/(12M) + sum_i [(t_i/T)**beta_bar - (2i-1)/(2M)]**2, M = N (time) or N-1 (failure),
    beta_bar = (M-1) / sum_{i<=M} ln(T/t_i).  The critical value and p-value come from a seeded
    Monte Carlo of the statistic under the model (its law depends on M only)."""
    t = np.sort(np.asarray(times, float))
    m = t.size if truncation == "time" else t.size - 1
    if m < 2:
        return {"statistic": None, "M": m, "note": "needs M >= 2"}
    u = t[:m] / T
    i = np.arange(1, m + 1)

    def stat(uu):
        bb = (m - 1) / np.sum(-np.log(uu), axis=-1, keepdims=True)
        return 1 / (12 * m) + np.sum((uu ** bb - (2 * i - 1) / (2 * m)) ** 2, axis=-1)

    c2 = float(stat(u[None, :])[0])
    rng = np.random.default_rng(seed)
    null = stat(np.sort(rng.random((sims, m)), axis=1))
    crit = float(np.quantile(null, 1 - alpha))
    return {"statistic": c2, "M": m, "alpha": alpha, "critical_value_mc": crit,
            "p_value_mc": float(np.mean(null >= c2)), "reject": bool(c2 > crit), "mc_samples": sims}


def fit_grouped(ends, counts, T: float | None = None, confidence: float = 0.9) -> CrowAmsaaFit:
    """MIL-HDBK-189C grouped-data MLE: failures `counts[i]` in (ends[i-1], ends[i]], test to T >= ends[-1].
    beta solves sum n_i (T_i^b ln T_i - T_{i-1}^b ln T_{i-1}) / (T_i^b - T_{i-1}^b) = N ln T; lam = N/T^b."""
    from scipy.optimize import brentq
    e = np.asarray(ends, float)
    c = np.asarray(counts, float)
    if e.size == 0 or e.size != c.size or np.any(np.diff(e) <= 0) or e[0] <= 0 or np.any(c < 0):
        raise InputError("grouped data: ends must increase from > 0 and match counts >= 0 in length")
    T = float(e[-1] if T is None else T)
    if T < e[-1]:
        raise InputError(f"T = {T}: must be >= the last group end {e[-1]:g}")
    keep = c > 0
    n = float(c.sum())
    if n < 1:
        raise InputError("grouped data: no failures, the power law is not estimable")
    starts = np.concatenate(([0.0], e[:-1]))[keep]
    ee, cc = e[keep], c[keep]
    lnT = math.log(T)

    def score(b):
        a1 = ee ** b * np.log(ee)
        a0 = np.where(starts > 0, starts ** b * np.log(np.where(starts > 0, starts, 1.0)), 0.0)
        return float(np.sum(cc * (a1 - a0) / (ee ** b - starts ** b))) - n * lnT

    lo, hi = 1e-3, 50.0
    if score(lo) * score(hi) > 0:
        raise InputError("grouped data: no finite beta maximises the likelihood (all failures at the end?)")
    beta = brentq(score, lo, hi, xtol=1e-12)
    lam = n / T ** beta
    cov = _hessian_cov(lambda ll, b: _loglik_grouped(ll, b, ee, cc, T), (math.log(lam), beta))
    return CrowAmsaaFit("grouped", beta, lam, int(n), T, "time", confidence,
                        _beta_bounds_fisher(beta, cov[1, 1], confidence), cov,
                        failure_times=np.repeat(ee, cc.astype(int)))


def fit_attempts(outcomes, method: str = "grouped", confidence: float = 0.9, gof_sims: int = 20000,
                 seed: int = 0) -> CrowAmsaaFit:
    """Crow-AMSAA on a 0/1 landing sequence (1 = success), attempt n = "time" n, test truncated at
    the last attempt.  method: 'individual' | 'grouped' | 'bernoulli' (see module docstring)."""
    from scipy.optimize import minimize
    o = np.asarray(outcomes, int)
    n_att = o.size
    k_fail = np.flatnonzero(o == 0) + 1.0
    if k_fail.size < 1:
        raise InputError(f"attempts: {n_att} attempts and no failure: the power law is not estimable")
    if n_att < 2:
        raise InputError("attempts: one attempt cannot fix the power law's two parameters (lambda, beta)")
    if method == "individual":
        return fit_crow_amsaa(k_fail, T=float(n_att), truncation="time", confidence=confidence,
                              gof_sims=gof_sims, seed=seed)
    g = fit_grouped(k_fail, np.ones_like(k_fail), T=float(n_att), confidence=confidence)
    if method == "grouped":
        return g
    if method != "bernoulli":
        raise InputError(f"method = {method!r}: must be individual, grouped or bernoulli")
    if k_fail.size == n_att:
        raise InputError("attempts: every attempt failed; the Bernoulli fit has no finite maximum")
    f = lambda x: -_loglik_bernoulli(x[0], math.exp(x[1]), o)   # noqa: E731
    res = minimize(f, [math.log(g.lam), math.log(g.beta)], method="Nelder-Mead",
                   options={"xatol": 1e-10, "fatol": 1e-12, "maxiter": 4000})
    loglam, beta = float(res.x[0]), math.exp(float(res.x[1]))
    cov = _hessian_cov(lambda ll, b: _loglik_bernoulli(ll, b, o), (loglam, beta))
    return CrowAmsaaFit("bernoulli", beta, math.exp(loglam), int(k_fail.size), float(n_att), "time",
                        confidence, _beta_bounds_fisher(beta, cov[1, 1], confidence), cov,
                        failure_times=k_fail)
