"""Benchmark the landing-burn solve paths (N = 50, Acikmese & Ploen Mars problem (b), fixed tf).

    python benchmarks/bench_landing_solve.py [--quick]

Paths: (a) a new CVXPY problem per call (ECOS if installed, else Clarabel), (b) the cached DPP
CVXPY problem with Clarabel, (c) the real-time Numba interior-point method; plus QOCO through the
cached problem when the `qoco` package is installed (information only).  Prints p50 / p99 wall time
per fixed-tf solve, ratios, the largest fuel difference between paths and unconverged solves, the
real-time path's interior-point iterations, the same at N = 30 (the simulator's node count), the
free-final-time search cold and warm-started, and a shrinking-horizon re-plan sequence (every 0.2 s
along the plan, small state errors) solved cold and with the solver's warm start
(`realtime.WARM_START`, off by default).  Random perturbations use a fixed seed.
"""
from __future__ import annotations

import math
import sys
import time

import numpy as np

from rlvsim.guidance.landing import LandingLimits, solve_landing
from rlvsim.guidance.landing import lcvx_cvxpy, realtime, warmstart
from rlvsim.guidance.landing.problem import check_inputs, scale
from rlvsim.guidance.landing.realtime import solve_fixed

C27 = math.cos(math.radians(27.0))
MARS = LandingLimits(thrust_min_N=6 * 0.3 * 3100 * C27, thrust_max_N=6 * 0.8 * 3100 * C27,
                     exhaust_speed_m_s=225.0 * 9.807 * C27, dry_mass_kg=1505.0, pointing_max_deg=90.0,
                     glide_slope_deg=86.0, g_m_s2=3.7114)
N, TF = 50, 72.0


def cases(count, seed=1, n_nodes=N):
    rng = np.random.default_rng(seed)
    out = []
    for _ in range(count):
        r = np.array([2000.0, 0.0, 1500.0]) * rng.uniform(0.95, 1.05, 3)
        v = np.array([80.0, 30.0, -75.0]) + rng.uniform(-5.0, 5.0, 3)
        m = 1905.0 + rng.uniform(-20.0, 20.0)
        _bad, (r, v, m, n, d) = check_inputs(r, v, m, MARS, n_nodes, None)
        out.append((r, v, m, scale(r, v, m, MARS, n, d)))
    return out


def run(fn, sample, iterations=None):
    """Times, fuels (nan unless optimal), unconverged count (not optimal at full accuracy and not
    proven infeasible) and infeasible count; appends each solve's iterations to `iterations`."""
    times, fuels, bad, infeasible = [], [], 0, 0
    for _r, _v, m, sp in sample:
        t0 = time.perf_counter()
        res = fn(sp, TF / sp.T_s)
        times.append(time.perf_counter() - t0)
        if iterations is not None:
            iterations.append(res.iterations)
        ok = res.status == "optimal" and not res.message
        fuels.append(m * (1.0 - math.exp(res.z[-1])) if ok else math.nan)
        infeasible += res.status == "infeasible" and "inaccurate" not in res.message
        bad += not ok and not (res.status == "infeasible" and "inaccurate" not in res.message)
    return np.array(times), np.array(fuels), bad, infeasible


def qoco_cached(sp, tf):
    """The cached DPP problem solved by QOCO (only if installed)."""
    lcvx_cvxpy.solve_cached(sp, tf)           # builds the cache entry / sets the parameters
    key = next(k for k in lcvx_cvxpy._CACHE if k[0] == sp.n_nodes and k[1] == "fuel")
    prob, variables, _par = lcvx_cvxpy._CACHE[key]
    t0 = time.perf_counter()
    return lcvx_cvxpy._solve(prob, variables, "QOCO", t0)


def replans(n_nodes, seed=2):
    """Shrinking-horizon re-plans every 0.2 s along the nominal plan, each solved cold and warm:
    (cold times, warm times, cold iterations, warm iterations, max relative fuel difference,
    warm starts repeated cold)."""
    rng = np.random.default_rng(seed)
    plan = solve_landing([2000.0, 0.0, 1500.0], [80.0, 30.0, -75.0], 1905.0, MARS, n_nodes=n_nodes)
    out = ([], [], [], [], 0.0)
    warmstart.clear()
    realtime.WARM_STATS.update(tried=0, repeated_cold=0)
    t = 0.2
    while plan.tf_s - t > 2.0:
        r = np.array([np.interp(t, plan.t_s, plan.r_enu_m[:, j]) for j in range(3)])
        v = np.array([np.interp(t, plan.t_s, plan.v_enu_m_s[:, j]) for j in range(3)])
        r, v = r + rng.normal(0.0, 0.5, 3), v + rng.normal(0.0, 0.1, 3)     # tracking errors
        m = float(np.interp(t, plan.t_s, plan.mass_kg))
        res = []
        for warm in (False, True):
            realtime.WARM_START = warm
            t0 = time.perf_counter()
            p = solve_landing(r, v, m, MARS, n_nodes=n_nodes, tf_s=plan.tf_s - t, min_error_fallback=False)
            res.append((time.perf_counter() - t0, p))
        realtime.WARM_START = False
        (tc, pc), (tw, pw) = res
        if pc.status == pw.status == "optimal":
            out[0].append(tc)
            out[1].append(tw)
            out[2].append(pc.iterations)
            out[3].append(pw.iterations)
            out = out[:4] + (max(out[4], abs(pw.fuel_kg - pc.fuel_kg) / pc.fuel_kg),)
        t += 0.2
    return out + (realtime.WARM_STATS["repeated_cold"],)


def main(quick: bool = False):
    import cvxpy as cp

    n_fresh, n_dpp, n_rt, n_free = (5, 40, 200, 5) if quick else (20, 200, 1000, 20)
    sample = cases(n_rt)
    solve_fixed(sample[0][3], TF / sample[0][3].T_s)      # compile / load the Numba cache
    lcvx_cvxpy.solve_cached(sample[0][3], TF / sample[0][3].T_s)
    rows = []
    fresh_name = "ECOS" if "ECOS" in cp.installed_solvers() else "Clarabel"
    paths = [(f"(a) fresh CVXPY + {fresh_name}", lcvx_cvxpy.solve_fresh, n_fresh),
             ("(b) DPP CVXPY + Clarabel", lcvx_cvxpy.solve_cached, n_dpp),
             ("(c) real-time Numba IPM", solve_fixed, n_rt)]
    if "QOCO" in cp.installed_solvers():
        paths.append(("(info) DPP CVXPY + QOCO", qoco_cached, n_dpp))
    results = {}
    rt_iters = []
    for name, fn, count in paths:
        t, f, bad, infeasible = run(fn, sample[:count], rt_iters if fn is solve_fixed else None)
        results[name] = (t, f, bad)
        rows.append((name, count, np.percentile(t, 50) * 1e3, np.percentile(t, 99) * 1e3, bad,
                     infeasible))
    print(f"Fixed-tf solve, N = {N}, tf = {TF} s, Mars problem (b) perturbed (seed 1)")
    print(f"{'path':34s} {'solves':>6s} {'p50 ms':>9s} {'p99 ms':>9s} {'unconverged':>12s} "
          f"{'infeasible':>10s}")
    for name, count, p50, p99, bad, infeasible in rows:
        print(f"{name:34s} {count:6d} {p50:9.3f} {p99:9.3f} {bad:12d} {infeasible:10d}")
    p50 = {name: p for name, _c, p, _q, _b, _i in rows}
    rt = p50["(c) real-time Numba IPM"]
    for name in p50:
        if name != "(c) real-time Numba IPM":
            print(f"ratio {name} / (c): {p50[name] / rt:8.1f}")
    f_rt = results["(c) real-time Numba IPM"][1]
    for name, (_t, f, _b) in results.items():
        if name.startswith("(c)"):
            continue
        k = len(f)
        diff = np.nanmax(np.abs(f - f_rt[:k]) / f_rt[:k])
        print(f"max relative fuel difference {name} vs (c): {diff:.2e}")
    print(f"(c) interior-point iterations per solve: median {np.median(rt_iters):.0f}, "
          f"mean {np.mean(rt_iters):.1f}, max {max(rt_iters)}")
    # the simulator's node count
    s30 = cases(n_rt, n_nodes=30)
    solve_fixed(s30[0][3], TF / s30[0][3].T_s)
    it30 = []
    t30, f30, bad30, inf30 = run(solve_fixed, s30, it30)
    _t, f30_ref, _b, _i = run(lcvx_cvxpy.solve_cached, s30[:n_dpp // 2])
    diff30 = np.nanmax(np.abs(f30_ref - f30[:len(f30_ref)]) / f30[:len(f30_ref)])
    print(f"(c) at N = 30: {n_rt} solves, p50 {np.percentile(t30, 50) * 1e3:.3f} ms, p99 "
          f"{np.percentile(t30, 99) * 1e3:.3f} ms, unconverged {bad30}, infeasible {inf30}; iterations "
          f"median {np.median(it30):.0f}, max {max(it30)}; max fuel difference vs (b) {diff30:.2e}")
    # free final time: cold search, then warm-started from the cold optimum shifted by 3 %
    cold_t, warm_t, cold_it, warm_it, dtf = [], [], [], [], []
    for r, v, m, _sp in sample[:n_free]:
        t0 = time.perf_counter()
        cold = solve_landing(r, v, m, MARS, n_nodes=N)
        cold_t.append(time.perf_counter() - t0)
        t0 = time.perf_counter()
        warm = solve_landing(r, v, m, MARS, n_nodes=N, warm_start=cold.tf_s * 1.03)
        warm_t.append(time.perf_counter() - t0)
        cold_it.append(cold.iterations)
        warm_it.append(warm.iterations)
        dtf.append(abs(warm.fuel_kg - cold.fuel_kg) / cold.fuel_kg)
    print(f"free-tf search (real-time path, {n_free} states): cold p50 {np.median(cold_t) * 1e3:.1f} ms "
          f"({np.median(cold_it):.0f} IPM iterations), warm-started p50 {np.median(warm_t) * 1e3:.1f} ms "
          f"({np.median(warm_it):.0f} iterations); max fuel difference warm vs cold {max(dtf):.1e}")
    for n_nodes in (30, 50):
        tc, tw, ic, iw, dfuel, again = replans(n_nodes)
        print(f"re-plans every 0.2 s, N = {n_nodes} ({len(tc)} solves): cold p50 {np.median(tc) * 1e3:.3f} "
              f"ms ({np.mean(ic):.1f} iterations), solver warm start p50 {np.median(tw) * 1e3:.3f} ms "
              f"({np.mean(iw):.1f} iterations, {again} repeated cold); max fuel difference {dfuel:.1e}")


if __name__ == "__main__":
    t_start = time.perf_counter()
    main(quick="--quick" in sys.argv)
    print(f"benchmark wall time {time.perf_counter() - t_start:.1f} s")
