"""Plain-data entry points for the `rlvsim economics ...` commands (the CLI only parses and prints)."""
from __future__ import annotations

from importlib import resources

import numpy as np

from .attempts import read_attempts
from ..errors import InputError


def builtin_attempts_path(vehicle: str = "falcon9") -> str:
    return str(resources.files("rlvsim.economics") / "data" / f"{vehicle}_landing_attempts.csv")


def attempts_path(name_or_path: str | None) -> str:
    """A CSV path, or a vehicle with a built-in attempt history (falcon9, zhuque3, longmarch12a)."""
    if name_or_path is None:
        return builtin_attempts_path()
    p = resources.files("rlvsim.economics") / "data" / f"{str(name_or_path).lower()}_landing_attempts.csv"
    return str(p) if p.is_file() else str(name_or_path)


def reliability_report(path: str | None = None, fit_until: str | None = None, predict_year: int | None = None,
                       method: str = "grouped", form: str = "logistic", confidence: float = 0.9,
                       target_reliability: float = 0.9, prior_weight: float | None = None) -> dict:
    """`rlvsim economics reliability [ATTEMPTS.csv | VEHICLE]`: Crow-AMSAA (all three estimators)
    and a Bayesian learning curve fitted to the attempts up to `fit_until` (ISO date, default all),
    with the prediction for the attempts of `predict_year` next to the observed rate when given.
    `prior_weight` w: the learning curve takes Falcon 9's whole history (2013-2020) as a power
    prior of weight w (a new vehicle with a handful of attempts)."""
    from .learning import beta_discounted, fit_learning_curve
    from .reliability import fit_attempts
    hist = read_attempts(attempts_path(path))
    train = hist.between(None, fit_until) if fit_until else hist
    o = train.outcomes()
    if o.size == 0:
        raise InputError(f"{hist.source}: no landing attempts up to {fit_until}")
    out = {"data": train.summary(), "crow_amsaa": {}, "fit_until": fit_until}
    fits = {}
    for m in ("individual", "grouped", "bernoulli"):
        try:
            fits[m] = fit_attempts(o, m, confidence)
            out["crow_amsaa"][m] = fits[m].as_dict()
            out["crow_amsaa"][m]["attempts_to_target"] = fits[m].attempts_to_reach(target_reliability)
        except InputError as exc:
            out["crow_amsaa"][m] = {"error": str(exc)}
    prior = None
    if prior_weight is not None:
        prior = fit_learning_curve(read_attempts(builtin_attempts_path()).outcomes(), form)
    lc = fit_learning_curve(o, form, prior_fit=prior, prior_weight=1.0 if prior_weight is None else prior_weight,
                            credibility=confidence)
    out["learning_curve"] = lc.as_dict()
    out["beta_bernoulli"] = {k: v for k, v in beta_discounted(o, discount=0.9, credibility=confidence).items()
                             if k not in ("alpha", "beta", "mean", "lower", "upper")}
    out["target_reliability"] = target_reliability
    out["curve"] = _curves(o, fits.get(method), lc)
    if predict_year is not None:
        test = hist.between(f"{predict_year}-01-01", f"{predict_year}-12-31")
        ot = test.outcomes()
        if ot.size:
            ns = np.arange(o.size + 1, o.size + ot.size + 1)
            pred = {"year": predict_year, "attempts": int(ot.size), "observed_rate": float(ot.mean()),
                    "learning_curve": lc.predict_rate(ns, confidence)}
            if method in fits:
                pred["crow_amsaa"] = fits[method].predict_rate(ns, confidence)
                pred["crow_amsaa_method"] = method
            out["prediction"] = pred
    return out


def _curves(outcomes, crow, lc, extra: int = 10) -> dict:
    """P(success) of attempt n = 1 .. attempts + extra: the data (0/1 and running rate), the
    Crow-AMSAA curve exp(-intensity(n - 1/2)) with its Fisher bounds, and the learning curve's
    posterior mean and credible band (plain lists, for plots and scripts)."""
    o = np.asarray(outcomes, int)
    ns = np.arange(1, o.size + extra + 1)
    out = {"attempt": ns.tolist(), "outcome": o.tolist(),
           "running_rate": (np.cumsum(o) / np.arange(1, o.size + 1)).tolist()}
    if crow is not None:
        lo, hi = crow.intensity_bounds(ns - 0.5)
        out["crow_amsaa"] = {"method": crow.method, "p": np.asarray(crow.p_success(ns)).tolist(),
                             "lower": np.exp(-np.asarray(hi)).tolist(), "upper": np.exp(-np.asarray(lo)).tolist()}
    d = lc.p_success(ns)
    out["learning_curve"] = {"p": np.asarray(d["mean"]).tolist(), "lower": np.asarray(d["lower"]).tolist(),
                             "upper": np.asarray(d["upper"]).tolist()}
    return out


def budget_report(budget_usd: float, cost_per_flight_usd: float, attempts_csv: str | None = None,
                  target_reliability: float = 0.9, target_consecutive: int = 3,
                  landing_probability: float | None = None, form: str = "logistic",
                  prior_weight: float = 0.5) -> dict:
    """`rlvsim economics budget`: the model is, in order of precedence: a constant
    --landing-probability; the learning curve fitted to ATTEMPTS (the program continues from the
    next attempt), with the built-in Falcon 9 history as a power prior of weight `prior_weight`;
    or, without ATTEMPTS, a new vehicle that learns like Falcon 9 (its history as the posterior)."""
    from .budget import ConstantP, budget_analysis
    from .learning import fit_learning_curve
    f9 = read_attempts(builtin_attempts_path()).outcomes()
    if landing_probability is not None:
        model, first, note = ConstantP(landing_probability), 1, f"constant p = {landing_probability}"
    elif attempts_csv:
        own = read_attempts(attempts_csv).outcomes()
        prior = fit_learning_curve(f9, form)
        model = fit_learning_curve(own, form, prior_fit=prior, prior_weight=prior_weight)
        first, note = own.size + 1, f"learning curve on {attempts_csv}; {model.prior_note}"
    else:
        model = fit_learning_curve(f9, form)
        first, note = 1, "new vehicle learning like Falcon 9 (2013-2020 history)"
    r = budget_analysis(budget_usd, cost_per_flight_usd, model=model, first_attempt=first,
                        target_consecutive=target_consecutive, target_reliability=target_reliability)
    r["model"] = note
    return r
