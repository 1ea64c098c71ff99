"""Test-program budget: how likely is a landing (or a reliable booster) before the money runs out?

The budget buys k = floor(budget / cost per flight) attempts, numbered first_attempt, first_attempt+1, ...
A reliability model gives P[s, n] = P(success at attempt n) for parameter draws s with weights w
(`model.success_matrix(ns)`: Crow-AMSAA draws, a learning-curve posterior, or one constant p).
Attempts are independent given the parameters, so, exactly (no sampling):
  P(first success within m attempts) = sum_s w_s [1 - prod_{n<=m} (1 - P[s, n])]
  P(R consecutive successes within m) : forward recursion over the current run length 0..R-1
  P(reliability reached)              = sum_s w_s [P[s, m+1] >= target]  (the next attempt's p)
A seeded Monte Carlo of the same quantities is available to check the recursion.
"""
from __future__ import annotations

import math

import numpy as np

from ..errors import InputError


class ConstantP:
    """The same success probability p on every attempt (no learning, no uncertainty)."""

    def __init__(self, p: float):
        if not 0 <= p <= 1:
            raise InputError(f"p = {p}: must be in [0, 1]")
        self.p = float(p)

    def success_matrix(self, ns):
        return np.full((1, len(np.atleast_1d(ns))), self.p), np.ones(1)


def _curves(P, w, target_consecutive):
    """Cumulative probabilities after m = 0..k attempts (arrays of length k+1)."""
    S, k = P.shape
    surv = np.cumprod(1 - P, axis=1)
    p_first = np.concatenate(([0.0], 1 - w @ surv))
    R = int(target_consecutive)
    st = np.zeros((S, R))
    st[:, 0] = 1.0
    done = np.zeros(S)
    p_run = [0.0]
    for n in range(k):
        p = P[:, n:n + 1]
        done = done + st[:, -1] * P[:, n]
        new = np.zeros_like(st)
        new[:, 0] = st.sum(axis=1) * (1 - P[:, n])
        new[:, 1:] = st[:, :-1] * p
        st = new
        p_run.append(float(w @ done))
    return p_first, np.array(p_run)


def program_probabilities(model, n_attempts: int, first_attempt: int = 1, target_consecutive: int = 3,
                          target_reliability: float = 0.9) -> dict:
    """Exact probabilities after m = 0..n_attempts attempts (see the module docstring)."""
    if n_attempts < 0 or first_attempt < 1 or target_consecutive < 1:
        raise InputError("n_attempts >= 0, first_attempt >= 1 and target_consecutive >= 1 are required")
    if not 0 < target_reliability < 1:
        raise InputError(f"target_reliability = {target_reliability}: must be in (0, 1)")
    ns = np.arange(first_attempt, first_attempt + n_attempts + 1)
    P, w = model.success_matrix(ns)
    w = np.asarray(w, float) / np.sum(w)
    p_first, p_run = _curves(P[:, :-1], w, target_consecutive)
    p_rel = w @ (P >= target_reliability)
    return {"attempts": list(range(n_attempts + 1)), "p_first_success": p_first.tolist(),
            f"p_{target_consecutive}_consecutive": p_run.tolist(),
            "p_reliability_reached": np.asarray(p_rel, float).tolist(),
            "target_consecutive": target_consecutive, "target_reliability": target_reliability}


def program_monte_carlo(model, n_attempts: int, first_attempt: int = 1, target_consecutive: int = 3,
                        runs: int = 20000, seed: int = 0) -> dict:
    """Seeded Monte Carlo of P(first success) and P(R in a row) within n_attempts."""
    ns = np.arange(first_attempt, first_attempt + n_attempts)
    P, w = model.success_matrix(ns)
    rng = np.random.default_rng(seed)
    s = rng.choice(len(w), size=runs, p=np.asarray(w) / np.sum(w))
    x = rng.random((runs, n_attempts)) < P[s]
    first = x.any(axis=1)
    run = np.zeros(runs, int)
    best = np.zeros(runs, int)
    for n in range(n_attempts):
        run = np.where(x[:, n], run + 1, 0)
        best = np.maximum(best, run)
    return {"runs": runs, "seed": seed, "p_first_success": float(first.mean()),
            f"p_{target_consecutive}_consecutive": float((best >= target_consecutive).mean())}


def budget_analysis(budget_usd: float, cost_per_flight_usd: float, model=None, p: float | None = None,
                    first_attempt: int = 1, target_consecutive: int = 3, target_reliability: float = 0.9,
                    curve_max_budget_usd: float | None = None) -> dict:
    """Probabilities at the given budget, and the budget -> probability curve (arrays for plotting)
    from 0 to curve_max_budget_usd (default 2 x budget) in steps of one flight."""
    if budget_usd < 0:
        raise InputError(f"budget_usd = {budget_usd}: must be >= 0")
    if cost_per_flight_usd <= 0:
        raise InputError(f"cost_per_flight_usd = {cost_per_flight_usd}: must be > 0")
    if model is None:
        if p is None:
            raise InputError("budget: give a reliability model or a constant landing probability p")
        model = ConstantP(p)
    k = math.floor(budget_usd / cost_per_flight_usd + 1e-9)
    k_max = max(k, math.floor((curve_max_budget_usd or 2 * budget_usd) / cost_per_flight_usd + 1e-9))
    if k_max > 5000:
        raise InputError(f"budget / cost per flight = {k_max} attempts: more than 5000, check the units")
    r = program_probabilities(model, k_max, first_attempt, target_consecutive, target_reliability)
    key = f"p_{target_consecutive}_consecutive"
    return {"budget_usd": budget_usd, "cost_per_flight_usd": cost_per_flight_usd, "attempts_affordable": k,
            "first_attempt": first_attempt, "p_first_success": r["p_first_success"][k],
            key: r[key][k], "p_reliability_reached": r["p_reliability_reached"][k],
            "target_consecutive": target_consecutive, "target_reliability": target_reliability,
            "curve": {"budget_usd": [m * cost_per_flight_usd for m in r["attempts"]], "attempts": r["attempts"],
                      "p_first_success": r["p_first_success"], key: r[key],
                      "p_reliability_reached": r["p_reliability_reached"]}}
