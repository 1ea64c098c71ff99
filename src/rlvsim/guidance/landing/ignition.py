"""Latest ignition of a coasting vehicle (`ignition_search`) and the ballistic coast it assumes.

Frame ENU (x East, y North, z Up, origin at the landing target).  Never raises: failures are plans
with status 'infeasible' or 'error' and a message.
"""
from __future__ import annotations

import math
import time

import numpy as np

from .budget import Budget
from .problem import LandingLimits, failed
from .search import solve_landing


def coast(r_enu_m, v_enu_m_s, t_s: float, g_m_s2: float, accel_disturbance_enu=None):
    """Ballistic ENU state after t_s of coasting: constant gravity -g z plus a constant disturbance."""
    a = np.array([0.0, 0.0, -g_m_s2])
    if accel_disturbance_enu is not None:
        a = a + np.asarray(accel_disturbance_enu, dtype=float).reshape(3)
    r = np.asarray(r_enu_m, dtype=float) + np.asarray(v_enu_m_s, dtype=float) * t_s + 0.5 * a * t_s ** 2
    return r, np.asarray(v_enu_m_s, dtype=float) + a * t_s


def ignition_search(r_enu_m, v_enu_m_s, mass_kg, limits: LandingLimits, *, n_nodes: int = 50,
                    accel_disturbance_enu=None, method: str = "realtime", tol_s: float = 0.01,
                    t_max_s: float | None = None, max_time_s: float | None = None,
                    max_iterations: int | None = None):
    """Latest ignition time (s from now) of a coasting vehicle from which a soft landing exists.

    Bisection on the coast time; the coast is ballistic (constant gravity and constant
    disturbance).  Returns (t_ignition_s, plan) with the fuel-optimal plan from that ignition
    (plan times count from ignition), or (nan, plan) when even igniting now cannot land on target.
    Optional budget for the whole search (see `solve_landing`): when it runs out the bisection stops
    at the latest ignition proven so far and the plan has timed_out=True.
    """
    t0 = time.perf_counter()
    try:
        bad = Budget.problem(max_time_s, max_iterations)
        if bad:
            return math.nan, failed("error", bad)
        budget = Budget(max_time_s, max_iterations, t0)

        def solve(r, v, warm=None):
            left = budget.time_left()
            its = None if budget.max_iterations is None else budget.max_iterations - budget.used
            p = solve_landing(r, v, mass_kg, limits, n_nodes=n_nodes, method=method, warm_start=warm,
                              accel_disturbance_enu=accel_disturbance_enu,
                              max_time_s=None if left is None else max(left, 1e-9),
                              max_iterations=None if its is None else max(its, 1))
            budget.used += p.iterations
            return p

        plan = solve(r_enu_m, v_enu_m_s)
        if plan.status != "optimal" or plan.timed_out:
            return (math.nan if plan.status != "optimal" else 0.0), plan
        g = float(limits.g_m_s2)
        dist = None
        if accel_disturbance_enu is not None:
            dist = np.asarray(accel_disturbance_enu, dtype=float)
            dist = dist.reshape(3) if dist.size == 3 else dist.reshape(-1, 3).mean(axis=0)
        r0 = np.asarray(r_enu_m, dtype=float)
        v0 = np.asarray(v_enu_m_s, dtype=float)
        az = -g + (0.0 if dist is None else float(dist[2]))
        vz, hz = float(v0[2]), float(r0[2])
        disc = vz * vz - 2.0 * az * hz
        hi = (-vz - math.sqrt(disc)) / az if az < 0.0 and disc >= 0.0 else 1e3
        if t_max_s is not None:
            hi = min(hi, float(t_max_s))
        lo, best = 0.0, plan
        while hi - lo > tol_s:
            if budget.spent():
                best.timed_out = True
                break
            mid = 0.5 * (lo + hi)
            r, v = coast(r0, v0, mid, g, dist)
            warm = best.tf_s - (mid - lo) if best.ok else None
            trial = solve(r, v, warm)
            if trial.timed_out:
                best.timed_out = True
                break
            if trial.status == "optimal":
                lo, best = mid, trial
            else:
                hi = mid
        best.solve_time_s = time.perf_counter() - t0
        best.iterations = budget.used
        return lo, best
    except Exception as exc:  # noqa: BLE001 - never raise
        return math.nan, failed("error", f"{type(exc).__name__}: {exc}",
                                solve_time_s=time.perf_counter() - t0)
