"""Real-time fixed-final-time solve: the landing SOCP fed to the Numba interior-point method.

Same problem and discretisation as `lcvx_cvxpy` (scaled units, ENU).  Per stage k (interval k,
state at its start) the cone rows are: pointing, linear upper thrust bound, z >= z0, z <= zhi
(four half-lines), |u| <= sigma (cone of size 4), the second-order lower thrust bound (size 3) and
the glide-slope cone (size 3).  Rows that would only constrain the given initial state are made
constant (always satisfied).  The minimum-landing-error problems carry the landing point q in the
state (free initial value, constant in time) so that the glide slope is measured from it.
The stage structure lets `socp_riccati` solve each KKT system in O(N).
"""
from __future__ import annotations

import time

import numpy as np
from numba import njit

from .problem import FixedResult, Scaled, dynamics_terms, profiles
from .socp_cones import JIT
from .socp_ipm import INACCURATE, OPTIMAL, PINF, STATUS_TEXT, ipm

ROWS = 14          # cone rows per stage
TROWS = 8          # terminal rows
_STRUCT: dict = {}
KIND_CODE = {"fuel": 0, "min_error": 1, "fuel_disk": 2}
SETTINGS = {"maxit": 60, "feastol": 1e-7, "abstol": 1e-6, "reltol": 1e-6, "reg": 1e-11}


def state_size(kind: str) -> int:
    """7 = (r, v, z) for 'fuel'; 9 = (r, v, z, q) when the landing point q is free."""
    return 7 if kind == "fuel" else 9


def _structure(N: int, nx: int):
    """Index data that depend only on (N, nx): (perm, Gi, nlin, cst, csz, row_blk, blk_off, E).

    Rows are built stage by stage (14 per stage, 8 terminal) and then permuted (perm: new -> old)
    so that all half-line rows come first and the cones follow, as `socp_cones` expects.  With
    nx = 9 the glide-slope cone is centred on the landing point q (Blackmore et al. 2010).
    """
    key = (N, nx)
    if key in _STRUCT:
        return _STRUCT[key]
    ns, U, S = nx + 4, nx, nx + 3
    qx, qy = (7, 8) if nx == 9 else (-1, -1)
    M = ROWS * N + TROWS
    Gi = -np.ones((M, 2), dtype=np.int64)
    loc = np.array([[U + 2, S], [6, S], [6, -1], [6, -1], [S, -1], [U, -1], [U + 1, -1], [U + 2, -1],
                    [S, 6], [6, -1], [S, 6], [2, -1], [0, qx], [1, qy]])
    for k in range(N):
        Gi[ROWS * k:ROWS * (k + 1)] = np.where(loc >= 0, loc + ns * k, -1)
    e = nx
    tloc = np.array([[6, -1], [6, -1], [6, -1], [e, -1], [e, -1], [e, -1],
                     [qx if nx == 9 else 0, -1], [qy if nx == 9 else 1, -1]])
    Gi[ROWS * N:] = np.where(tloc >= 0, tloc + ns * N, -1)
    base = ROWS * np.arange(N)[:, None]
    T = ROWS * N
    perm = np.concatenate(((base + np.arange(4)).ravel(), T + np.arange(5),
                           (base + np.arange(4, 8)).ravel(), (base + np.arange(8, 11)).ravel(),
                           (base + np.arange(11, 14)).ravel(), T + np.arange(5, 8)))
    nlin = 4 * N + 5
    csz = np.array([4] * N + [3] * (2 * N + 1), dtype=np.int64)
    cst = (nlin + np.concatenate(([0], np.cumsum(csz)[:-1]))).astype(np.int64)
    row_blk = np.minimum(perm // ROWS, N).astype(np.int64)
    blk_off = (ns * np.arange(N + 1)).astype(np.int64)
    E = np.zeros((6, nx))                      # terminal: r_N - q = 0 (q = 0 when nx = 7), v_N = 0
    for i in range(6):
        E[i, i] = 1.0
    if nx == 9:
        E[0, 7] = E[1, 8] = -1.0
    _STRUCT[key] = (perm, np.ascontiguousarray(Gi[perm]), nlin, cst, csz, row_blk, blk_off, E)
    return _STRUCT[key]


@njit(**JIT)
def _fill(N, nx, kind, radius, zlo, zhi, a_up, c_lo, cos_point, sin_gs, cos_gs, zdry, r0, v0, cr, cv,
          perm):
    """Coefficients of the cone rows (stage layout, then permuted), cost c and equality rhs b."""
    M = ROWS * N + TROWS
    ns = nx + 4
    Gs = np.zeros((M, 2))
    hs = np.zeros(M)
    for k in range(N):
        o = ROWS * k
        z0, a, cl = zlo[k], a_up[k], c_lo[k]
        Gs[o, 0], Gs[o, 1] = -1.0, cos_point                      # u_z >= cos(point) sigma
        Gs[o + 1, 0], Gs[o + 1, 1], hs[o + 1] = a, 1.0, a * (1.0 + z0)   # upper thrust bound
        if k > 0:
            Gs[o + 2, 0], hs[o + 2] = -1.0, -z0                  # z >= z0
            Gs[o + 3, 0], hs[o + 3] = 1.0, zhi[k]                # z <= zhi
        else:
            hs[o + 2], hs[o + 3] = 1.0, 1.0
        if k > 0 or nx == 9:                                     # glide-slope cone (about q)
            Gs[o + 11, 0] = -sin_gs
            Gs[o + 12, 0], Gs[o + 12, 1] = -cos_gs, cos_gs
            Gs[o + 13, 0], Gs[o + 13, 1] = -cos_gs, cos_gs
        else:
            hs[o + 11] = 1.0
        for i in range(4):                                       # |u| <= sigma
            Gs[o + 4 + i, 0] = -1.0
        if cl > 0.0:                                             # second-order lower thrust bound
            Gs[o + 8, 0], Gs[o + 8, 1], hs[o + 8] = -1.0, -cl, -cl * (z0 + 0.5)
            Gs[o + 9, 0], hs[o + 9] = -cl, -cl * z0
            Gs[o + 10, 0], Gs[o + 10, 1], hs[o + 10] = -1.0, -cl, -cl * (z0 + 1.5)
        else:
            hs[o + 8] = 1.0
    T = ROWS * N
    Gs[T, 0], Gs[T + 1, 0], Gs[T + 2, 0] = -1.0, -1.0, 1.0
    hs[T], hs[T + 1], hs[T + 2] = -zdry, -zlo[N], zhi[N]
    Gs[T + 3, 0], Gs[T + 4, 0] = -1.0, 1.0
    hs[T + 4] = 1e3 if kind == 1 else 1.0
    c = np.zeros(ns * N + nx + 1)
    if kind == 0:
        hs[T + 5] = 1.0
        c[ns * N + 6] = -1.0
    elif kind == 1:                                              # min |q| : (e, q) in SOC
        Gs[T + 5, 0], Gs[T + 6, 0], Gs[T + 7, 0] = -1.0, -1.0, -1.0
        c[ns * N + nx] = 1.0
    else:                                                        # |q| <= radius
        Gs[T + 6, 0], Gs[T + 7, 0] = -1.0, -1.0
        hs[T + 5] = max(radius, 0.0)
        c[ns * N + 6] = -1.0
    Gv = np.empty((M, 2))
    h = np.empty(M)
    for i in range(M):
        Gv[i, 0], Gv[i, 1], h[i] = Gs[perm[i], 0], Gs[perm[i], 1], hs[perm[i]]
    b = np.zeros(7 + nx * N + 6)
    for i in range(3):
        b[i], b[3 + i] = r0[i], v0[i]
    for k in range(N):
        for i in range(3):
            b[7 + nx * k + i] = cr[k, i]
            b[7 + nx * k + 3 + i] = cv[k, i]
    return Gv, h, c, b


def problem_arrays(sp: Scaled, tf: float, kind: str = "fuel", radius: float = 0.0):
    """(Gi, Gv, h, c, b, E, dt, nx, structure) of the conic problem, or None if tf is hopeless."""
    prof = profiles(sp, tf)
    if prof is None:
        return None
    dt, zlo, zhi, a_up, c_lo = prof
    N = sp.n_nodes
    nx = state_size(kind)
    perm, Gi, nlin, cst, csz, row_blk, blk_off, E = _structure(N, nx)
    cr, cv = dynamics_terms(sp, dt)
    Gv, h, c, b = _fill(N, nx, KIND_CODE[kind], float(radius), zlo, zhi, a_up, c_lo, sp.cos_point,
                        sp.sin_gs, sp.cos_gs, sp.zdry, sp.r0, sp.v0, cr, cv, perm)
    return Gi, Gv, h, c, b, E, dt, nx, (nlin, cst, csz, row_blk, blk_off)


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


def solve_fixed(sp: Scaled, tf: float, kind: str = "fuel", radius: float = 0.0,
                accept_inaccurate: bool = True) -> FixedResult:
    """Solve one fixed-final-time problem (tf scaled) with the Numba interior-point method."""
    t0 = time.perf_counter()
    arrs = problem_arrays(sp, tf, kind, radius)
    if arrs is None:
        return FixedResult("infeasible", solve_time_s=time.perf_counter() - t0,
                           message="minimum thrust over tf burns all the propellant")
    Gi, Gv, h, c, b, E, dt, nx, (nlin, cst, csz, row_blk, blk_off) = arrs
    N = sp.n_nodes
    st = SETTINGS
    try:
        status, it, x, _y, _z, _s = ipm(N, nx, dt, 0.5 * dt * dt, sp.alpha * dt, E, c, b, Gi, Gv, h,
                                        nlin, cst, csz, row_blk, blk_off, st["maxit"], st["feastol"],
                                        st["abstol"], st["reltol"], st["reg"])
    except Exception as exc:  # noqa: BLE001 - compiled kernel unavailable: pure CVXPY fallback
        from .lcvx_cvxpy import solve_cached
        res = solve_cached(sp, tf, kind, radius)
        res.message = (res.message + "; " if res.message else "") + f"real-time kernel failed ({exc})"
        return res
    el = time.perf_counter() - t0
    if status == OPTIMAL or (status == INACCURATE and accept_inaccurate):
        ns = nx + 4
        X = x[:ns * N].reshape(N, ns)
        xN = x[ns * N:ns * N + nx]
        r = np.vstack((X[:, 0:3], xN[0:3]))
        v = np.vstack((X[:, 3:6], xN[3:6]))
        z = np.append(X[:, 6], xN[6])
        obj = float(c @ x)
        return FixedResult("optimal", obj, r, v, z, X[:, nx:nx + 3].copy(), X[:, nx + 3].copy(), it, el,
                           message="" if status == OPTIMAL else "reduced accuracy")
    if status == PINF:
        return FixedResult("infeasible", iterations=it, solve_time_s=el, message="primal infeasible")
    return FixedResult("error", iterations=it, solve_time_s=el,
                       message=f"interior point: {STATUS_TEXT[status]}")
