"""PNG plots for the economics results (matplotlib's Agg canvas; no global backend change)."""
from __future__ import annotations

from pathlib import Path

import numpy as np


def _figure(w=7.0, h=4.5):
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure
    fig = Figure(figsize=(w, h), dpi=110)
    FigureCanvasAgg(fig)
    return fig


def _save(fig, path) -> Path:
    p = Path(path)
    p.parent.mkdir(parents=True, exist_ok=True)
    fig.tight_layout()
    fig.savefig(p, format="png")
    return p


def _reliability_axes(o, ns, crow=None, learning=None, title: str = "Landing reliability growth"):
    """Figure and axes with the data (running rate, 0/1 ticks) and the model curves: ``crow`` and
    ``learning`` are (p, lower, upper, label) over the attempt numbers ``ns``."""
    fig = _figure()
    ax = fig.add_subplot(111)
    k = np.arange(1, o.size + 1)
    ax.plot(k, np.cumsum(o) / k, "k.-", lw=1, label="observed running success rate")
    ax.scatter(k, o, marker="|", color="k", s=60)
    for model, colour in ((crow, "tab:blue"), (learning, "tab:orange")):
        if model is not None:
            p, lo, hi, label = model
            ax.plot(ns, p, color=colour, label=label)
            ax.fill_between(ns, lo, hi, color=colour, alpha=0.15, label=f"{label}: band")
    ax.set_xlabel("landing attempt number")
    ax.set_ylabel("P(successful landing)")
    ax.set_ylim(-0.05, 1.05)
    ax.set_title(title)
    ax.grid(alpha=0.3)
    return fig, ax


def plot_reliability(outcomes, path, crow_fit=None, learning_fit=None, n_max: int | None = None,
                     observed=None, title: str = "Landing reliability growth") -> Path:
    """Success probability per attempt: data (running rate and 0/1 points), the Crow-AMSAA curve
    with Fisher bounds and the learning-curve posterior band.  `observed` = later outcomes to mark."""
    o = np.asarray(outcomes, int)
    later = np.asarray(observed if observed is not None else [], int)
    n_all = o.size + later.size
    ns = np.arange(1, (n_max or max(n_all + 5, 10)) + 1)
    crow = learning = None
    if crow_fit is not None:
        lo, hi = crow_fit.intensity_bounds(ns - 0.5)
        crow = (crow_fit.p_success(ns), np.exp(-hi), np.exp(-lo),
                f"Crow-AMSAA ({crow_fit.method}), beta={crow_fit.beta:.2f}, {crow_fit.confidence:.0%} Fisher bounds")
    if learning_fit is not None:
        d = learning_fit.p_success(ns)
        learning = (d["mean"], d["lower"], d["upper"],
                    f"learning curve ({learning_fit.form}), {d['credibility']:.0%} credible")
    fig, ax = _reliability_axes(o, ns, crow, learning, title)
    if later.size:
        ax.scatter(np.arange(o.size + 1, n_all + 1), later, marker="|", color="tab:green", s=60,
                   label="later attempts (not fitted)")
    ax.legend(fontsize=7, loc="center right", framealpha=0.9)
    return _save(fig, path)


def plot_cost_per_kg(rows, path, title: str = "Expected cost per kg to LEO") -> Path:
    """Bar chart; rows = launch_cost()/compare_modes() dicts (vehicle, recovery, per_kg_usd)."""
    rows = [r for r in rows if "per_kg_usd" in r]
    fig = _figure()
    ax = fig.add_subplot(111)
    labels = [f"{r['vehicle']}\n{r['recovery']}" for r in rows]
    vals = [r["per_kg_usd"] for r in rows]
    colors = ["tab:gray" if r["recovery"] == "expendable" else "tab:blue" for r in rows]
    ax.bar(range(len(rows)), vals, color=colors)
    for i, v in enumerate(vals):
        ax.text(i, v, f"${v:,.0f}", ha="center", va="bottom", fontsize=7)
    ax.set_xticks(range(len(rows)))
    ax.set_xticklabels(labels, fontsize=7)
    ax.set_ylabel("USD per kg (expected)")
    ax.set_title(title)
    ax.grid(axis="y", alpha=0.3)
    return _save(fig, path)


def plot_deployment(sweep_result, path, title: str = "Years to deploy vs fleet and cadence") -> Path:
    """One line per cadence: years to the last launch vs booster fleet size (from constellation.sweep)."""
    fig = _figure()
    ax = fig.add_subplot(111)
    years = np.asarray(sweep_result["years"])
    for j, c in enumerate(sweep_result["cadences"]):
        ax.plot(sweep_result["fleet_sizes"], years[:, j], "o-", label=f"{c:g} launches/yr max")
    ax.set_xlabel("boosters in the fleet")
    ax.set_ylabel("years to last launch")
    ax.set_title(title)
    ax.grid(alpha=0.3)
    ax.legend(fontsize=7)
    return _save(fig, path)


def plot_budget(budget_result, path, title: str = "Test-program budget") -> Path:
    """Probability curves vs budget (from budget.budget_analysis)."""
    c = budget_result["curve"]
    fig = _figure()
    ax = fig.add_subplot(111)
    b = np.asarray(c["budget_usd"]) / 1e6
    ax.step(b, c["p_first_success"], where="post", label="first successful landing")
    key = f"p_{budget_result['target_consecutive']}_consecutive"
    ax.step(b, c[key], where="post", label=f"{budget_result['target_consecutive']} landings in a row")
    ax.step(b, c["p_reliability_reached"], where="post",
            label=f"model reliability >= {budget_result['target_reliability']:g}")
    ax.axvline(budget_result["budget_usd"] / 1e6, color="k", ls="--", lw=1, label="budget")
    ax.set_xlabel("budget (million USD)")
    ax.set_ylabel("probability")
    ax.set_ylim(-0.02, 1.02)
    ax.set_title(title)
    ax.grid(alpha=0.3)
    ax.legend(fontsize=7)
    return _save(fig, path)


def plot_reliability_curve(curve: dict, path, prediction: dict | None = None,
                           title: str = "Landing reliability growth") -> Path:
    """The same picture as plot_reliability from the plain-data ``curve`` of
    ``economics.commands.reliability_report`` (what `rlvsim economics reliability --png` draws)."""
    ns = np.asarray(curve["attempt"])
    ca, lc = curve.get("crow_amsaa"), curve["learning_curve"]
    crow = (ca["p"], ca["lower"], ca["upper"], f"Crow-AMSAA ({ca['method']})") if ca else None
    fig, ax = _reliability_axes(np.asarray(curve["outcome"], int), ns, crow,
                                (lc["p"], lc["lower"], lc["upper"], "learning curve"), title)
    if prediction:
        a0, a1 = prediction["learning_curve"]["attempts"]
        ax.plot([a0, a1], [prediction["observed_rate"]] * 2, color="tab:green", lw=3,
                label=f"observed rate {prediction['year']}")
    ax.legend(fontsize=7, loc="lower right", framealpha=0.9)
    return _save(fig, path)
