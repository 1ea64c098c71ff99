"""Campaign statistics: landing probability with a Wilson interval, outcomes and failure causes,
the 99 % touchdown ellipse, propellant-margin percentiles, and which inputs drive failures
(Spearman rank correlation)."""
from __future__ import annotations

import math

import numpy as np

from .run import TOUCHED_DOWN


def wilson_interval(k: int, n: int, conf: float = 0.95) -> tuple[float, float]:
    """Wilson (1927) score interval for a binomial proportion k/n (no continuity correction):
    (p + z^2/2n -+ z sqrt(p(1-p)/n + z^2/4n^2)) / (1 + z^2/n).  (nan, nan) for n = 0."""
    if n <= 0:
        return (math.nan, math.nan)
    if not 0 <= k <= n:
        raise ValueError(f"k = {k} must be in [0, n = {n}]")
    from statistics import NormalDist
    z = NormalDist().inv_cdf(0.5 + conf / 2.0)
    p = k / n
    den = 1.0 + z * z / n
    centre = (p + z * z / (2 * n)) / den
    half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / den
    return (max(0.0, centre - half), min(1.0, centre + half))


def ellipse(east, north, prob: float = 0.99) -> dict | None:
    """Ellipse holding ``prob`` of a bivariate normal fitted to the points (sample mean and
    covariance): semi-axes sqrt(chi2_2(prob) * eigenvalues); angle of the major axis in degrees
    counter-clockwise from east.  None with fewer than 3 points."""
    e, n = np.asarray(east, float), np.asarray(north, float)
    ok = np.isfinite(e) & np.isfinite(n)
    e, n = e[ok], n[ok]
    if len(e) < 3:
        return None
    cov = np.cov(np.vstack([e, n]))
    w, v = np.linalg.eigh(cov)
    k = -2.0 * math.log(1.0 - prob)                # chi-square(2 dof) quantile of prob, closed form
    major = v[:, 1]
    return {"centre_east_m": float(e.mean()), "centre_north_m": float(n.mean()),
            "semi_major_m": float(math.sqrt(k * max(w[1], 0.0))), "semi_minor_m": float(math.sqrt(k * max(w[0], 0.0))),
            "angle_deg": float(math.degrees(math.atan2(major[1], major[0])) % 180.0), "probability": prob,
            "points": int(len(e))}


def spearman(x, y) -> tuple[float, float] | None:
    """Spearman's rho and its two-sided p-value (scipy.stats.spearmanr: average ranks for ties,
    t approximation with n-2 degrees of freedom) over the finite pairs; None when fewer than 3
    finite pairs or a constant column (rho undefined)."""
    x, y = np.asarray(x, float), np.asarray(y, float)
    ok = np.isfinite(x) & np.isfinite(y)
    x, y = x[ok], y[ok]
    if len(x) < 3 or np.ptp(x) == 0 or np.ptp(y) == 0:
        return None
    from scipy.stats import spearmanr
    res = spearmanr(x, y)
    return float(res.statistic), float(res.pvalue)


def sensitivity(cols: dict, inputs: list[str]) -> list[dict]:
    """Each dispersed input ranked by |Spearman rho| with failure (1 = not landed); also its rho
    with miss distance and propellant margin (runs that touched down)."""
    fail = (cols["outcome"] != "landed").astype(float)
    td = np.isin(cols["outcome"], TOUCHED_DOWN)
    out = []
    for name in inputs:
        x = cols[f"in_{name}"]
        if not np.isfinite(x).any() or np.ptp(x[np.isfinite(x)]) == 0:
            continue
        row = {"input": name}
        for label, y, mask in (("failure", fail, slice(None)), ("miss_distance", cols["miss_distance_m"], td),
                               ("propellant_margin", cols["propellant_remaining_kg"], td)):
            r = spearman(x[mask], y[mask])
            row[f"rho_{label}"] = None if r is None else round(r[0], 4)
            row[f"p_{label}"] = None if r is None else float(f"{r[1]:.3g}")
        out.append(row)
    return sorted(out, key=lambda r: -abs(r["rho_failure"] or 0.0))


def _pct(x) -> dict | None:
    x = np.asarray(x, float)
    x = x[np.isfinite(x)]
    if not len(x):
        return None
    p = np.percentile(x, [1, 5, 50, 95, 99])
    return {"p1": float(p[0]), "p5": float(p[1]), "p50": float(p[2]), "p95": float(p[3]), "p99": float(p[4]),
            "min": float(x.min()), "mean": float(x.mean())}


def summarize(store, table=None) -> dict:
    """The statistics of a store (see docs/campaign.md for every formula)."""
    man = store.manifest
    tab = store.runs_table() if table is None else table
    n = tab.num_rows
    cols = {c: tab[c].to_numpy(zero_copy_only=False) for c in tab.column_names if c != "error_traceback"}
    outcome = cols.get("outcome", np.array([], dtype=object)).astype(str)
    cols["outcome"] = outcome
    landed = int((outcome == "landed").sum())
    lo, hi = wilson_interval(landed, n)
    outcomes = {k: int(v) for k, v in zip(*np.unique(outcome, return_counts=True))} if n else {}
    causes: dict = {}
    for o, ph, ca in zip(outcome, cols.get("failure_phase", [None] * n), cols.get("failure_cause", [None] * n)):
        if o != "landed":
            key = (str(ph or "unknown"), str(ca or o))
            causes[key] = causes.get(key, 0) + 1
    zone = _zone(store)
    out = {"campaign_id": man.get("campaign_id"), "mission": man["identity"]["mission"],
           "scope": man["identity"]["scope"], "seed": man["identity"]["seed"], "runs_planned": man.get("runs"),
           "runs": n, "landed": landed, "landing_probability": landed / n if n else math.nan,
           "ci95": [lo, hi], "outcomes": outcomes, "errors": outcomes.get("error", 0),
           "causes": [{"phase": p, "cause": c, "count": k}
                      for (p, c), k in sorted(causes.items(), key=lambda kv: -kv[1])],
           "zone": zone}
    if n:
        td = np.isin(outcome, TOUCHED_DOWN)
        out["touchdown_ellipse99"] = ellipse(cols["touchdown_east_m"][td], cols["touchdown_north_m"][td], 0.99)
        out["propellant_margin_kg"] = _pct(cols["propellant_remaining_kg"][td])
        out["miss_distance_m"] = _pct(cols["miss_distance_m"][td])
        out["sensitivity"] = sensitivity(cols, [c[3:] for c in tab.column_names if c.startswith("in_")])
        out["wall_time_s_per_run"] = _pct(cols.get("wall_time_s", []))
    return out


def _zone(store) -> dict:
    try:
        from ..mission.recovery import zone_site
        cfg = store.config()
        z = zone_site(cfg.mission.recovery)
        return {"name": z.name, "radius_m": z.zone_radius_m, "max_vertical_speed_m_s": z.max_vertical_speed_m_s,
                "max_horizontal_speed_m_s": z.max_horizontal_speed_m_s, "max_tilt_deg": z.max_tilt_deg}
    except Exception:                          # expendable mission or unknown zone: no zone
        return {"name": None, "radius_m": None}
