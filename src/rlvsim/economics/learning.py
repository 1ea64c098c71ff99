"""Bayesian learning curves for landing success, on a parameter grid (numpy only, no sampling noise).

Forms of p_n = P(success at attempt n), n = 1, 2, ...:
  * ``logistic``:    logit p_n = a + b ln n        priors a, b ~ Normal(0, 1.5^2)
  * ``exponential``: p_n = p_inf - (p_inf - p_1) exp(-(n-1)/tau)
                     priors p_1, p_inf ~ Uniform(0, 1), ln tau ~ Uniform(ln 0.5, ln 300)
Likelihood: independent Bernoulli outcomes.  The posterior is evaluated on a fixed grid, so the MAP
point, posterior means and credible bounds are deterministic.  A history from another vehicle enters
as a power prior: prior(theta) * L_hist(theta)**weight (weight 0 = ignore, 1 = full exchangeability).

Also the conjugate Beta-Bernoulli model with a forgetting factor (constant p, old flights discounted).
"""
from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from ..errors import InputError

FORMS = ("logistic", "exponential")


def _grid(form: str) -> tuple[np.ndarray, np.ndarray, tuple[str, ...]]:
    """Grid points (S, d) and their log prior (up to a constant)."""
    if form == "logistic":
        a = np.linspace(-5, 5, 121)
        b = np.linspace(-4.5, 4.5, 181)
        A, B = np.meshgrid(a, b, indexing="ij")
        pts = np.column_stack([A.ravel(), B.ravel()])
        lp = -0.5 * (pts[:, 0] / 1.5) ** 2 - 0.5 * (pts[:, 1] / 1.5) ** 2
        return pts, lp, ("a", "b")
    if form == "exponential":
        u = (np.arange(40) + 0.5) / 40
        lt = np.linspace(math.log(0.5), math.log(300), 40)
        P1, PI, LT = np.meshgrid(u, u, lt, indexing="ij")
        pts = np.column_stack([P1.ravel(), PI.ravel(), np.exp(LT.ravel())])
        return pts, np.zeros(len(pts)), ("p_1", "p_inf", "tau")
    raise InputError(f"form = {form!r}: must be one of {', '.join(FORMS)}")


def curve(form: str, params: np.ndarray, ns) -> np.ndarray:
    """p_n for each parameter row: shape (S, len(ns))."""
    p = np.atleast_2d(params)
    n = np.asarray(ns, float)[None, :]
    if form == "logistic":
        x = p[:, :1] + p[:, 1:2] * np.log(n)
        return 1.0 / (1.0 + np.exp(-x))
    return p[:, 1:2] - (p[:, 1:2] - p[:, :1]) * np.exp(-(n - 1) / p[:, 2:3])


def _loglik(form, pts, outcomes, first_attempt=1):
    o = np.asarray(outcomes, float)
    if o.size == 0:
        return np.zeros(len(pts))
    ns = np.arange(first_attempt, first_attempt + o.size)
    out = np.zeros(len(pts))
    for s in range(0, len(pts), 20000):          # chunks keep memory small
        P = np.clip(curve(form, pts[s:s + 20000], ns), 1e-12, 1 - 1e-12)
        out[s:s + 20000] = np.log(P) @ o + np.log1p(-P) @ (1 - o)
    return out


def _reach_interval(form: str, pts: np.ndarray, target: float):
    """Per grid point, the real interval [lo, hi] of n on which p_n >= target (lo > hi: never)."""
    inf = np.inf
    if form == "logistic":
        a, b = pts[:, 0], pts[:, 1]
        x = math.log(target / (1 - target))
        with np.errstate(divide="ignore", invalid="ignore"):
            c = np.exp(np.clip((x - a) / b, -700, 700))
        lo = np.where(b > 0, c, np.where(b < 0, 1.0, np.where(a >= x, 1.0, inf)))
        hi = np.where(b > 0, inf, np.where(b < 0, c, np.where(a >= x, inf, 0.0)))
        return lo, hi
    p1, pi, tau = pts[:, 0], pts[:, 1], pts[:, 2]
    d = pi - p1
    with np.errstate(divide="ignore", invalid="ignore"):
        up = 1 + tau * np.log(d / (pi - target))          # rising curve crosses target here
        down = 1 + tau * np.log(-d / (target - pi))       # falling curve leaves target here
    lo = np.where(d > 0, np.where(pi > target, np.where(p1 >= target, 1.0, up), inf),
                  np.where(p1 >= target, 1.0, inf))
    hi = np.where(d > 0, inf, np.where(p1 >= target, np.where(pi >= target, inf, down), 0.0))
    return lo, hi


def weighted_quantile(x, w, q):
    """Quantiles q of samples x (along axis 0) with weights w."""
    x = np.asarray(x, float)
    order = np.argsort(x, axis=0)
    xs = np.take_along_axis(x, order, axis=0)
    cw = np.cumsum(w[order], axis=0)
    cw /= cw[-1]
    q = np.atleast_1d(q)
    out = np.empty((len(q),) + x.shape[1:])
    for j, qq in enumerate(q):
        idx = np.argmax(cw >= qq, axis=0)
        out[j] = np.take_along_axis(xs, idx[None, ...], axis=0)[0]
    return out


@dataclass
class LearningCurveFit:
    form: str
    names: tuple[str, ...]
    points: np.ndarray
    log_prior: np.ndarray
    loglik: np.ndarray
    n_attempts: int
    n_successes: int
    credibility: float = 0.9
    prior_note: str = "default prior"

    @property
    def weights(self) -> np.ndarray:
        lp = self.log_prior + self.loglik
        w = np.exp(lp - lp.max())
        return w / w.sum()

    @property
    def map_params(self) -> dict:
        i = int(np.argmax(self.log_prior + self.loglik))
        return dict(zip(self.names, map(float, self.points[i])))

    def posterior_mean_params(self) -> dict:
        return dict(zip(self.names, map(float, self.weights @ self.points)))

    def success_matrix(self, ns, min_weight: float = 1e-7):
        """(P, w): grid points carrying weight > min_weight * max, renormalised (for budget.py)."""
        w = self.weights
        keep = w > min_weight * w.max()
        return curve(self.form, self.points[keep], ns), w[keep] / w[keep].sum()

    def p_success(self, ns, credibility: float | None = None) -> dict:
        """Posterior mean, MAP and equal-tailed credible bounds of p_n."""
        c = self.credibility if credibility is None else credibility
        P, w = self.success_matrix(ns)
        lo, med, hi = weighted_quantile(P, w, [0.5 - c / 2, 0.5, 0.5 + c / 2])
        mp = curve(self.form, np.array(list(self.map_params.values())), ns)[0]
        return {"n": np.asarray(ns).tolist(), "mean": (w @ P).tolist(), "median": med.tolist(),
                "map": mp.tolist(), "lower": lo.tolist(), "upper": hi.tolist(), "credibility": c}

    def predict_rate(self, ns, credibility: float | None = None) -> dict:
        """Posterior of the mean success probability over attempts `ns`."""
        c = self.credibility if credibility is None else credibility
        P, w = self.success_matrix(ns)
        m = P.mean(axis=1)
        lo, hi = weighted_quantile(m, w, [0.5 - c / 2, 0.5 + c / 2])
        return {"attempts": [int(ns[0]), int(ns[-1])], "n": len(ns), "p_mean": float(w @ m),
                "p_interval": [float(lo), float(hi)], "credibility": c}

    def attempts_to_reach(self, target: float, prob: float = 0.5, n_max: int = 100000) -> int | None:
        """Smallest n with posterior P(p_n >= target) >= prob; None if not within n_max.
        Exact on the grid: each point's p_n is monotone in n, so {n : p_n >= target} is an interval."""
        if not 0 < target < 1:
            raise InputError(f"target = {target}: must be in (0, 1)")
        lo, hi = _reach_interval(self.form, self.points, target)
        w = self.weights
        lo = np.maximum(1.0, np.ceil(lo - 1e-9))
        hi = np.floor(np.minimum(hi, 1e15) + 1e-9)
        ok = (lo <= hi) & (lo <= n_max)
        pos = np.concatenate([lo[ok], hi[ok] + 1])
        dw = np.concatenate([w[ok], -w[ok]])
        u, inv = np.unique(pos, return_inverse=True)
        level = np.cumsum(np.bincount(inv, weights=dw))
        hit = np.flatnonzero((level >= prob - 1e-12) & (u <= n_max))
        return int(u[hit[0]]) if hit.size else None

    def as_dict(self) -> dict:
        nxt = self.n_attempts + 1
        ps = self.p_success([nxt])
        return {"model": f"learning-curve/{self.form}", "prior": self.prior_note,
                "attempts": self.n_attempts, "successes": self.n_successes,
                "map": self.map_params, "posterior_mean": self.posterior_mean_params(),
                "next_attempt": nxt, "p_next_mean": ps["mean"][0],
                "p_next_interval": [ps["lower"][0], ps["upper"][0]], "credibility": self.credibility,
                "attempts_to_p90": self.attempts_to_reach(0.9)}


def fit_learning_curve(outcomes, form: str = "logistic", prior_fit: LearningCurveFit | None = None,
                       prior_weight: float = 1.0, credibility: float = 0.9) -> LearningCurveFit:
    """Grid posterior for a 0/1 landing sequence.  `prior_fit` (same form): its likelihood,
    raised to `prior_weight`, multiplies the default prior (power prior from another vehicle)."""
    o = np.asarray(outcomes, int)
    if o.size and not np.all((o == 0) | (o == 1)):
        raise InputError("outcomes: must be 0 (failure) or 1 (success)")
    if not 0 <= prior_weight <= 1:
        raise InputError(f"prior_weight = {prior_weight}: must be in [0, 1]")
    pts, lp, names = _grid(form)
    note = "default prior"
    if prior_fit is not None:
        if prior_fit.form != form:
            raise InputError(f"prior_fit form {prior_fit.form!r} differs from form {form!r}")
        lp = lp + prior_weight * prior_fit.loglik
        note = (f"power prior: {prior_fit.n_attempts} attempts ({prior_fit.n_successes} successes) "
                f"weighted {prior_weight:g}")
    return LearningCurveFit(form, names, pts, lp, _loglik(form, pts, o), int(o.size), int(o.sum()),
                            credibility, note)


# ------------------------------------------------------------------------------ Beta-Bernoulli
def beta_discounted(outcomes, alpha0: float = 1.0, beta0: float = 1.0, discount: float = 1.0,
                    credibility: float = 0.9) -> dict:
    """Conjugate Beta posterior for a constant p with forgetting: after each attempt
    alpha <- discount*alpha + success, beta <- discount*beta + failure (discount = 1: plain update).
    Returns the posterior after every attempt and the prediction for the next one."""
    from scipy.stats import beta as beta_dist
    if not 0 < discount <= 1:
        raise InputError(f"discount = {discount}: must be in (0, 1]")
    if alpha0 <= 0 or beta0 <= 0:
        raise InputError(f"alpha0, beta0 = {alpha0}, {beta0}: must be > 0")
    a, b = float(alpha0), float(beta0)
    al, be = [], []
    for x in np.asarray(outcomes, int):
        a = discount * a + x
        b = discount * b + (1 - x)
        al.append(a)
        be.append(b)
    al, be = np.array(al), np.array(be)
    q = 0.5 - credibility / 2
    return {"model": "beta-bernoulli", "discount": discount, "alpha0": alpha0, "beta0": beta0,
            "alpha": al.tolist(), "beta": be.tolist(), "mean": (al / (al + be)).tolist() if al.size else [],
            "lower": beta_dist.ppf(q, al, be).tolist() if al.size else [],
            "upper": beta_dist.ppf(1 - q, al, be).tolist() if al.size else [],
            "p_next_mean": float(a / (a + b)),
            "p_next_interval": [float(beta_dist.ppf(q, a, b)), float(beta_dist.ppf(1 - q, a, b))],
            "credibility": credibility, "effective_memory_attempts": (1 / (1 - discount)) if discount < 1 else None}


def beta_success_matrix(alpha: float, beta: float, ns, n_draws: int = 4000, seed: int = 0):
    """(P, w) for budget.py: constant p drawn from Beta(alpha, beta), the same for every attempt."""
    rng = np.random.default_rng(seed)
    p = rng.beta(alpha, beta, size=n_draws)
    return np.repeat(p[:, None], len(np.atleast_1d(ns)), axis=1), np.full(n_draws, 1.0 / n_draws)
