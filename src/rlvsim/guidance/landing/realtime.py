"""Real-time fixed-final-time solve: the landing SOCP fed to the Numba interior-point method.

Same problem and discretisation as `lcvx_cvxpy` (scaled units, ENU).  Per stage k (interval k,
state at its start) the cone rows are: pointing, linear upper thrust bound, z >= z0, z <= zhi
(four half-lines), |u| <= sigma (cone of size 4), the second-order lower thrust bound (size 3) and
the glide-slope cone (size 3); layout and matrices in `socp_ops`.  Rows that would only constrain
the given initial state are made constant (always satisfied).  The minimum-landing-error problems
measure the position from the free landing point q (so x_0's horizontal part is free and the glide
slope is centred on q).  Setup, solve and extraction run in one compiled call.
"""
from __future__ import annotations

import math
import time

import numpy as np
from numba import njit

from . import warmstart
from .problem import FixedResult, Scaled
from .socp_cones import JIT, JITF
from .socp_ipm import (INACCURATE, OPTIMAL, PINF, PINF_NEAR, STATUS_TEXT, TIMEOUT,
                       TIMEOUT_INACCURATE, ipm)
from .socp_ops import NP, NS, NX, offsets

KIND_CODE = {"fuel": 0, "min_error": 1, "fuel_disk": 2}
SETTINGS = {"maxit": 60, "feastol": 1e-6, "abstol": 1e-5, "reltol": 1e-5, "reg": 1e-11}
# Start 'fuel' solves from the last neighbouring solution (`warmstart`): ~30 % fewer iterations in
# closed loop, but the plans differ slightly from cold solves and can change marginal closed-loop
# outcomes (docs/landing_guidance.md), so it is off by default.
WARM_START = False
WARM_MARGIN = 1e-3     # how far the warm slacks and duals are moved inside their cones (scaled)
WARM_MAXIT = 20        # a warm start not converged by then is repeated cold
_EMPTY = np.zeros(0)
WARM_STATS = {"tried": 0, "repeated_cold": 0}   # warm starts attempted / not converged (then cold)


@njit(**JIT)
def _setup(N, tf, kind, radius, alpha, rho1, rho2, zdry, cos_point, sin_gs, cos_gs, r0, v0, dist):
    """Profiles (see `problem.profiles`), cone coefficients co, h, cost c and equality rhs b.
    rho1: (N,) minimum thrust / (m0 g) of each interval.

    Returns (ok, dt, co, h, c, b); ok is False when minimum thrust over tf burns all the propellant.
    """
    dt = tf / N
    mdry = math.exp(zdry)
    co = np.zeros((N, 6))
    h = np.zeros(14 * N + 8)
    c = np.zeros(NS * N + 8)
    b = np.zeros(NX + NX * N + NP)
    burn = 0.0                    # sum of rho1 over the intervals so far
    for k in range(N):
        burn += rho1[k]
    if 1.0 - alpha * dt * burn <= mdry:
        return False, dt, co, h, c, b
    free0 = kind != 0
    nlin, c4, c3a, c3b, cq = offsets(N)
    burn = 0.0
    for k in range(N + 1):
        t = dt * k
        z0 = math.log(max(1.0 - alpha * rho2 * t, mdry))
        zhi = math.log(1.0 - alpha * dt * burn)
        if k == N:
            break
        burn += rho1[k]
        e = math.exp(-z0)
        a, cl = rho2 * e, rho1[k] * e
        co[k, 0] = a
        h[4 * k + 1] = a * (1.0 + z0)
        if k > 0:
            co[k, 1] = 1.0
            h[4 * k + 2], h[4 * k + 3] = -z0, zhi
        else:
            h[4 * k + 2], h[4 * k + 3] = 1.0, 1.0
        j = c3a + 3 * k
        if cl > 0.0:
            co[k, 2], co[k, 3] = cl, 1.0
            h[j], h[j + 1], h[j + 2] = -cl * (z0 + 0.5), -cl * z0, -cl * (z0 + 1.5)
        else:
            h[j] = 1.0
        if k > 0 or free0:
            co[k, 4], co[k, 5] = sin_gs, cos_gs
        else:
            h[c3b + 3 * k] = 1.0
    i = 4 * N
    h[i], h[i + 1], h[i + 2], h[i + 4] = -zdry, -z0, zhi, 1e3 if kind == 1 else 1.0
    if kind == 0:
        h[cq] = 1.0
        c[NS * N + 6] = -1.0
    else:
        h[cq + 1], h[cq + 2] = r0[0], r0[1]
        if kind == 1:
            c[NS * N + 7] = 1.0
        else:
            h[cq] = max(radius, 0.0)
            c[NS * N + 6] = -1.0
    for i in range(3):
        b[i], b[3 + i] = r0[i], v0[i]
    if free0:
        b[0], b[1] = 0.0, 0.0
    for k in range(N):
        for i in range(3):
            gk = dist[k, i] - (1.0 if i == 2 else 0.0)
            b[NX + NX * k + i] = 0.5 * dt * dt * gk
            b[NX + NX * k + 3 + i] = dt * gk
    return True, dt, co, h, c, b


def warmup() -> float:
    """Compile (or load from Numba's cache) the real-time kernels; returns the seconds it took.

    The first compilation takes tens of seconds on a 2-core machine; later processes load the
    cache in under a second.  Call it before timing-sensitive work (CI, benchmarks, a simulator).
    """
    from .problem import LandingLimits, check_inputs, scale

    t0 = time.perf_counter()
    lim = LandingLimits(thrust_min_N=4e3, thrust_max_N=1.3e4, exhaust_speed_m_s=2e3, dry_mass_kg=1.5e3)
    _bad, (r, v, m, n, d) = check_inputs([100.0, 0.0, 1000.0], [0.0, 0.0, -50.0], 1.9e3, lim, 10, None)
    sp = scale(r, v, m, lim, n, d)
    for kind in ("fuel", "min_error"):
        solve_fixed(sp, 30.0 / sp.T_s, kind)
    return time.perf_counter() - t0


@njit(**JITF)
def _kernel(N, tf, kind, radius, alpha, rho1, rho2, zdry, cos_point, sin_gs, cos_gs, r0, v0, dist, maxit,
            feastol, abstol, reltol, reg, wx, wy, wz, margin, max_time_s):
    """Set up and solve (warm start from wx, wy, wz when margin > 0; time budget max_time_s when > 0;
    see `socp_ipm.ipm`).

    Returns (status (-1: hopeless tf), iterations, objective, nodes (N+1, 7) = (r, v, z) with r from
    the target, inputs (N, 4) = (u, sigma), and the solution x, y, z of the conic problem).
    """
    ok, dt, co, h, c, b = _setup(N, tf, kind, radius, alpha, rho1, rho2, zdry, cos_point, sin_gs, cos_gs,
                                 r0, v0, dist)
    nodes = np.zeros((N + 1, NX))
    w = np.zeros((N, 4))
    if not ok:
        return -1, 0, 0.0, nodes, w, c, b, h
    status, it, x, y, z, _s = ipm(N, dt, 0.5 * dt * dt, alpha * dt, co, cos_point,
                                  1.0 if kind == 1 else 0.0, 1.0 if kind != 0 else 0.0, kind != 0, c, b, h,
                                  maxit, feastol, abstol, reltol, reg, wx, wy, wz, margin, max_time_s)
    obj = 0.0
    for i in range(x.size):
        obj += c[i] * x[i]
    qx = r0[0] - x[0] if kind != 0 else 0.0     # r was measured from the landing point q
    qy = r0[1] - x[1] if kind != 0 else 0.0
    for k in range(N + 1):
        for i in range(NX):
            nodes[k, i] = x[NS * k + i]
        nodes[k, 0] += qx
        nodes[k, 1] += qy
        if k < N:
            for i in range(4):
                w[k, i] = x[NS * k + NX + i]
    return status, it, obj, nodes, w, x, y, z


def _run(sp: Scaled, tf: float, code: int, radius: float, warm, maxit: int, max_time_s: float = 0.0):
    """One compiled solve (`_kernel`), cold or from warm = (x, y, z); max_time_s > 0: time budget."""
    st = SETTINGS
    N = sp.n_nodes
    if warm is None:
        wx, wy, wz, margin = _EMPTY, _EMPTY, _EMPTY, 0.0
    else:
        (wx, wy, wz), margin = warm, WARM_MARGIN
    return _kernel(N, float(tf), code, float(radius), sp.alpha, sp.rho1_k, sp.rho2, sp.zdry, sp.cos_point,
                   sp.sin_gs, sp.cos_gs, sp.r0, sp.v0, sp.dist, maxit, st["feastol"], st["abstol"],
                   st["reltol"], st["reg"], wx, wy, wz, margin, max_time_s)


def _left(max_time_s, t0: float) -> float:
    """Seconds of the budget left (> 0), 0.0 when there is no budget, -1.0 when it is spent."""
    if max_time_s is None:
        return 0.0
    left = float(max_time_s) - (time.perf_counter() - t0)
    return left if left > 0.0 else -1.0


def solve_fixed(sp: Scaled, tf: float, kind: str = "fuel", radius: float = 0.0,
                accept_inaccurate: bool = True, *, max_time_s: float | None = None,
                max_iterations: int | None = None) -> FixedResult:
    """Solve one fixed-final-time problem (tf scaled) with the Numba interior-point method.

    Budgets (optional): max_time_s of wall time (checked every iteration inside the compiled loop) and
    max_iterations interior-point iterations (at most SETTINGS['maxit']).  A solve that runs out of
    budget returns timed_out=True: status 'error', or 'optimal' with message 'reduced accuracy ...'
    when its best iterate already meets INACCURATE_TOL (and accept_inaccurate).  Never raises.
    With WARM_START, 'fuel' problems start from the last neighbouring solution when there is one
    (`warmstart`); a warm start that does not converge is repeated cold.
    """
    t0 = time.perf_counter()
    code = KIND_CODE[kind]
    maxit = SETTINGS["maxit"]
    if max_iterations is not None:
        maxit = max(0, min(int(max_iterations), maxit))
    capped = maxit < SETTINGS["maxit"]
    if _left(max_time_s, t0) < 0.0:
        return FixedResult("error", message="time budget exhausted before the solve", timed_out=True)
    try:
        warm = warmstart.lookup(sp, tf) if (WARM_START and code == 0) else None
        its = 0
        if warm is not None:
            WARM_STATS["tried"] += 1
            status, it, obj, nodes, w, x, y, z = _run(sp, tf, code, radius, warm, min(WARM_MAXIT, maxit),
                                                      _left(max_time_s, t0))
            its = it
            if status not in (OPTIMAL, PINF, PINF_NEAR, -1, TIMEOUT, TIMEOUT_INACCURATE):
                WARM_STATS["repeated_cold"] += 1
                warm = None
        if warm is None:
            left = _left(max_time_s, t0)
            if left < 0.0:
                status = TIMEOUT
            else:
                status, it, obj, nodes, w, x, y, z = _run(sp, tf, code, radius, None, max(maxit - its, 0),
                                                          left)
                its += it
    except Exception as exc:  # noqa: BLE001 - compiled kernel unavailable: pure CVXPY fallback
        from .lcvx_cvxpy import solve_cached
        res = solve_cached(sp, tf, kind, radius)
        res.message = (res.message + "; " if res.message else "") + f"real-time kernel failed ({exc})"
        return res
    el = time.perf_counter() - t0
    timed_out = status in (TIMEOUT, TIMEOUT_INACCURATE) or (capped and its >= maxit
                                                           and status not in (OPTIMAL, PINF, PINF_NEAR))
    if status == -1:
        return FixedResult("infeasible", solve_time_s=el,
                           message="minimum thrust over tf burns all the propellant")
    if status == OPTIMAL or (status in (INACCURATE, TIMEOUT_INACCURATE) and accept_inaccurate):
        if status == OPTIMAL and code == 0 and WARM_START:
            warmstart.store(sp, tf, x, y, z)
        return FixedResult("optimal", obj, nodes[:, 0:3], nodes[:, 3:6], nodes[:, 6], w[:, 0:3], w[:, 3], its,
                           el, message="" if status == OPTIMAL else STATUS_TEXT[status], timed_out=timed_out)
    if status in (PINF, PINF_NEAR):
        return FixedResult("infeasible", iterations=its, solve_time_s=el, message=STATUS_TEXT[status])
    return FixedResult("error", iterations=its, solve_time_s=el, timed_out=timed_out,
                       message=f"interior point: {STATUS_TEXT[status]}")
