"""Benchmark the landing-burn solve paths (N = 50, Acikmese & Ploen Mars problem (b), fixed tf).

    python benchmarks/bench_landing_solve.py [--quick] [--census TRIALS]

Paths, in one run on the same perturbed states: (a) a new CVXPY problem per call, with ECOS (if
installed) and with Clarabel, (b) the cached DPP CVXPY problem with Clarabel, (c) the real-time
Numba interior-point method; plus QOCO through the cached problem when the `qoco` package is
installed (information only).  Prints p50 / p99 wall time per fixed-tf solve, ratios to (c), the
largest fuel difference of each path from (c), unconverged solves (neither optimal at full accuracy
nor proven infeasible), the real-time path's interior-point iterations, the same at N = 30 (the
simulator's node count), the free-final-time search (what the closed loop runs) cold and started
from a guess, a shrinking-horizon re-plan sequence (every 0.2 s along the plan, small state errors)
solved cold and with the solver's warm start (`realtime.WARM_START`, off by default), and the time
budget (`max_time_s`).  --census TRIALS also flies the three missions and TRIALS dispersed
falcon9-rtls landing burns and counts every real-time solve by outcome.  Fixed random seeds.
"""
from __future__ import annotations

import math
import sys
import time
from collections import Counter

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
RT = "(c) real-time Numba IPM"


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
        proven = res.status == "infeasible" and "inaccurate" not in res.message
        fuels.append(m * (1.0 - math.exp(res.z[-1])) if ok else math.nan)
        infeasible += proven
        bad += not ok and not proven
    return np.array(times), np.array(fuels), bad, infeasible


def fresh(solver):
    """A new CVXPY problem per call (`lcvx_cvxpy.solve_fresh`) with the named solver."""
    def fn(sp, tf):
        old = lcvx_cvxpy.FRESH_SOLVER
        lcvx_cvxpy.FRESH_SOLVER = solver
        try:
            return lcvx_cvxpy.solve_fresh(sp, tf)
        finally:
            lcvx_cvxpy.FRESH_SOLVER = old
    return fn


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


def ms(t, q):
    return np.percentile(t, q) * 1e3


def fixed_tf(n_fresh, n_dpp, n_rt):
    """Section 1: fixed-tf solves of every path on the same states."""
    import cvxpy as cp

    sample = cases(n_rt)
    solve_fixed(sample[0][3], TF / sample[0][3].T_s)      # compile / load the Numba cache
    lcvx_cvxpy.solve_cached(sample[0][3], TF / sample[0][3].T_s)
    paths = [(f"(a) fresh CVXPY + {s}", fresh(s), n_fresh) for s in ("ECOS", "CLARABEL")
             if s in cp.installed_solvers()]
    paths += [("(b) DPP CVXPY + Clarabel", lcvx_cvxpy.solve_cached, n_dpp), (RT, solve_fixed, n_rt)]
    if "QOCO" in cp.installed_solvers():
        paths.append(("(info) DPP CVXPY + QOCO", qoco_cached, n_dpp))
    rows, fuels, rt_iters = [], {}, []
    for name, fn, count in paths:
        fn(*((sample[0][3], TF / sample[0][3].T_s)))       # first call: imports, compilation
        t, f, bad, infeasible = run(fn, sample[:count], rt_iters if fn is solve_fixed else None)
        fuels[name] = f
        rows.append((name, count, ms(t, 50), ms(t, 99), bad, infeasible))
    print(f"1. Fixed-tf solve, N = {N}, tf = {TF} s, Mars problem (b) perturbed (seed 1)")
    print(f"{'path':32s} {'solves':>6s} {'p50 ms':>8s} {'p99 ms':>8s} {'unconverged':>11s} "
          f"{'infeasible':>10s} {'p50 / (c)':>9s} {'max fuel diff vs (c)':>21s}")
    p50_rt = next(r[2] for r in rows if r[0] == RT)
    for name, count, p50, p99, bad, infeasible in rows:
        f = fuels[name]
        diff = np.nanmax(np.abs(f - fuels[RT][:len(f)]) / fuels[RT][:len(f)]) if name != RT else 0.0
        print(f"{name:32s} {count:6d} {p50:8.3f} {p99:8.3f} {bad:11d} {infeasible:10d} {p50 / p50_rt:9.1f} "
              f"{diff:21.1e}")
    print(f"    (c) interior-point iterations per solve: median {np.median(rt_iters):.0f}, "
          f"mean {np.mean(rt_iters):.2f}, max {max(rt_iters)}")
    s30 = cases(n_rt, n_nodes=30)                         # the simulator's node count
    solve_fixed(s30[0][3], TF / s30[0][3].T_s)
    it30 = []
    t30, f30, bad30, inf30 = run(solve_fixed, s30, it30)
    _t, f30_ref, _b, _i = run(lcvx_cvxpy.solve_cached, s30[:n_dpp // 2])
    diff30 = np.nanmax(np.abs(f30_ref - f30[:len(f30_ref)]) / f30[:len(f30_ref)])
    print(f"    (c) at N = 30: {n_rt} solves, p50 {ms(t30, 50):.3f} ms, p99 {ms(t30, 99):.3f} ms, "
          f"unconverged {bad30}, infeasible {inf30}; iterations median {np.median(it30):.0f}, mean "
          f"{np.mean(it30):.2f}, max {max(it30)}; max fuel difference vs (b) {diff30:.1e}")
    return sample


def free_tf(sample, n_free):
    """Section 2: free final time (the closed loop's search), and the time budget."""
    print(f"2. Free final time, real-time path, N = {N}, {n_free} states")
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
    print(f"    cold search: p50 {np.median(cold_t) * 1e3:.1f} ms, p99 {ms(cold_t, 99):.1f} ms "
          f"({np.median(cold_it):.0f} IPM iterations); from a guess 3 % off: p50 {np.median(warm_t) * 1e3:.1f} "
          f"ms, p99 {ms(warm_t, 99):.1f} ms ({np.median(warm_it):.0f} iterations); max fuel difference "
          f"{max(dtf):.1e}")
    for budget in (0.002, 0.005):
        flags, fuels = Counter(), []
        for r, v, m, _sp in sample[:n_free]:
            p = solve_landing(r, v, m, MARS, n_nodes=N, max_time_s=budget)
            flags[(p.status, p.timed_out)] += 1
            if p.ok:
                fuels.append(p.fuel_kg)
        print(f"    max_time_s = {budget * 1e3:.0f} ms on the cold search: (status, timed_out) {dict(flags)}")
    for n_nodes in (30, 50):
        tc, tw, ic, iw, dfuel, again = replans(n_nodes)
        print(f"    re-plans every 0.2 s, N = {n_nodes} ({len(tc)} solves): cold p50 {np.median(tc) * 1e3:.3f} "
              f"ms ({np.mean(ic):.1f} iterations), solver warm start p50 {np.median(tw) * 1e3:.3f} ms "
              f"({np.mean(iw):.1f} iterations, {again} repeated cold); max fuel difference {dfuel:.1e}")


def census(trials):
    """Section 3: every real-time solve of closed-loop flights, counted by outcome."""
    from rlvsim.mission import fly, load_mission
    from rlvsim.mission.recovery import landing_trial
    from rlvsim.mission.simulation import simulate
    from rlvsim.vehicles import load_vehicle

    counts, iters = Counter(), []
    inner = realtime.solve_fixed

    def counted(sp, tf, kind="fuel", radius=0.0, accept_inaccurate=True, **kw):
        res = inner(sp, tf, kind, radius, accept_inaccurate, **kw)
        counts[(kind, res.status, res.message)] += 1
        iters.append(res.iterations)
        return res

    realtime.solve_fixed = counted
    try:
        for name in ("zhuque3", "falcon9-rtls", "falcon9-droneship"):
            fly(name)
        m = load_mission("falcon9-rtls")
        v = load_vehicle(m.vehicle)
        tr = simulate(m, v).stage("booster").trajectory
        i = int(np.where(tr["phase"] == "landing_burn")[0][0]) - 1
        cols = ["x_eci_m", "y_eci_m", "z_eci_m", "vx_eci_m_s", "vy_eci_m_s", "vz_eci_m_s", "mass_kg"]
        t0, y0, alt = tr["time_s"][i], np.array([tr[c][i] for c in cols]), tr["altitude_m"][i]
        omega = np.array([0.0, 0.0, 7.292115e-5])
        rng = np.random.default_rng(20251203)             # the dispersions of test_landing_closed_loop
        outcomes = Counter()
        for _ in range(trials):
            d = rng.uniform(-0.03, 0.03, 4)
            y = y0.copy()
            y[:3] = y0[:3] + y0[:3] / np.linalg.norm(y0[:3]) * alt * d[0]
            y[3:6] = (y0[3:6] - np.cross(omega, y0[:3])) * (1 + d[1]) + np.cross(omega, y[:3])
            y[6] = y0[6] * (1 + d[2])
            outcomes[landing_trial(m, v, t0, y, thrust_scale=1 + d[3])[0]] += 1
    finally:
        realtime.solve_fixed = inner
    total = sum(counts.values())
    capped = sum(1 for it in iters if it >= realtime.SETTINGS["maxit"])
    print(f"3. Closed-loop census: 3 missions + {trials} dispersed falcon9-rtls landing burns "
          f"({dict(outcomes)}): {total} real-time solves, {np.mean(iters):.2f} iterations per solve, "
          f"{capped} at the {realtime.SETTINGS['maxit']}-iteration cap")
    for key, val in sorted(counts.items(), key=lambda kv: -kv[1]):
        print(f"    {val:7d}  {key[0]:10s} {key[1]:10s} {key[2]}")


def main(quick: bool = False, trials: int = 0):
    n_fresh, n_dpp, n_rt, n_free = (5, 40, 200, 5) if quick else (20, 200, 1000, 20)
    sample = fixed_tf(n_fresh, n_dpp, n_rt)
    free_tf(sample, n_free)
    if trials:
        census(trials)


if __name__ == "__main__":
    t_start = time.perf_counter()
    args = sys.argv[1:]
    n_census = int(args[args.index("--census") + 1]) if "--census" in args else 0
    main(quick="--quick" in args, trials=n_census)
    print(f"benchmark wall time {time.perf_counter() - t_start:.1f} s")
