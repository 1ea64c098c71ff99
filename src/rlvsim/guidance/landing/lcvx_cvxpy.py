"""Fixed-final-time lossless-convexification SOCP in CVXPY (reference solve paths).

Two ways, same problem and discretisation as `problem.py` (scaled units, ENU frame):
- ``solve_fresh``: a new CVXPY problem for every call, as most open-source examples do
  (kept only as the benchmark's and tests' reference; ECOS if installed, else Clarabel);
- ``solve_cached``: a parameterised (DPP) problem built once per (N, kind, pointing, glide slope)
  and cached; the final time enters only through parameters (dt, dt^2/2, alpha dt and the
  per-interval constant terms), so re-solving skips CVXPY's compilation.  Solver: Clarabel.

Variables: r, v (N+1, 3), z = ln(m/m0) (N+1), u = T/(m g) (N, 3), sigma >= |u| (N).
"""
from __future__ import annotations

import time

import numpy as np

from .problem import FixedResult, Scaled, dynamics_terms, profiles

_CACHE: dict = {}
FRESH_SOLVER = None    # solver of `solve_fresh` (a CVXPY name); None: ECOS if installed, else Clarabel


def _build(N: int, kind: str, cos_point: float, sin_gs: float, cos_gs: float, par: dict):
    """CVXPY problem over the parameters (or constants) in `par`; returns (problem, variables)."""
    import cvxpy as cp

    r = cp.Variable((N + 1, 3))
    v = cp.Variable((N + 1, 3))
    z = cp.Variable(N + 1)
    u = cp.Variable((N, 3))
    s = cp.Variable(N)
    zk = z[:-1]
    cons = [
        r[0] == par["r0"], v[0] == par["v0"], z[0] == 0.0,
        r[1:] == r[:-1] + par["dt"] * v[:-1] + par["h2"] * u + par["cr"],
        v[1:] == v[:-1] + par["dt"] * u + par["cv"],
        z[1:] == zk - par["adt"] * s,
        cp.SOC(s, u, axis=1),
        u[:, 2] >= cos_point * s,
        s <= par["b_up"] - cp.multiply(par["a_up"], zk),
        0.5 * cp.square(cp.multiply(par["sq_c"], zk) - par["sq_cz"])
        + par["d_lo"] - cp.multiply(par["c_lo"], zk) <= s,
        z[1:] >= par["zlo"][1:], z[1:] <= par["zhi"][1:],
        v[N] == 0.0, r[N, 2] == 0.0, z[N] >= par["zdry"],
    ]
    if kind == "fuel":
        cons += [r[N, :2] == 0.0, cp.SOC(sin_gs * r[1:N, 2], cos_gs * r[1:N, :2], axis=1)]
    else:       # glide slope measured from the landing point (Blackmore et al. 2010)
        rel = r[0:N, :2] - np.ones((N, 1)) @ cp.reshape(r[N, :2], (1, 2), order="C")
        cons.append(cp.SOC(sin_gs * r[0:N, 2], cos_gs * rel, axis=1))
    if kind == "fuel":
        obj = cp.Minimize(-z[N])
    elif kind == "min_error":
        obj = cp.Minimize(cp.norm(r[N, :2]))
    else:
        cons.append(cp.norm(r[N, :2]) <= par["radius"])
        obj = cp.Minimize(-z[N])
    return cp.Problem(obj, cons), (r, v, z, u, s)


def _values(sp: Scaled, tf: float, radius: float):
    """Numerical values of every parameter for final time tf (scaled), or None if tf is hopeless."""
    prof = profiles(sp, tf)
    if prof is None:
        return None
    dt, zlo, zhi, a_up, c_lo = prof
    cr, cv = dynamics_terms(sp, dt)
    return {"r0": sp.r0, "v0": sp.v0, "dt": dt, "h2": 0.5 * dt * dt, "adt": sp.alpha * dt,
            "cr": cr, "cv": cv, "zlo": zlo, "zhi": zhi, "a_up": a_up[:-1],
            "b_up": a_up[:-1] * (1.0 + zlo[:-1]), "c_lo": c_lo[:-1],
            "d_lo": c_lo[:-1] * (1.0 + zlo[:-1]), "sq_c": np.sqrt(c_lo[:-1]),
            "sq_cz": np.sqrt(c_lo[:-1]) * zlo[:-1], "zdry": sp.zdry, "radius": max(radius, 0.0)}


def _parameters(N: int):
    import cvxpy as cp

    p = {name: cp.Parameter(shape) for name, shape in (
        ("r0", 3), ("v0", 3), ("cr", (N, 3)), ("cv", (N, 3)), ("zlo", N + 1), ("zhi", N + 1),
        ("a_up", N), ("b_up", N), ("d_lo", N), ("sq_c", N), ("sq_cz", N))}
    for name in ("dt", "h2", "adt", "radius"):
        p[name] = cp.Parameter(nonneg=True)
    p["c_lo"] = cp.Parameter(N, nonneg=True)
    p["zdry"] = cp.Parameter()
    return p


def _result(prob, variables, t0: float) -> FixedResult:
    r, v, z, u, s = variables
    st = prob.status
    try:
        iters = int(prob.solver_stats.num_iters or 0)
    except (AttributeError, TypeError):
        iters = 0
    dt_s = time.perf_counter() - t0
    if st in ("optimal", "optimal_inaccurate"):
        return FixedResult("optimal", float(prob.value), r.value.copy(), v.value.copy(),
                           z.value.copy(), u.value.copy(), s.value.copy(), iters, dt_s,
                           message="" if st == "optimal" else "solver: optimal_inaccurate")
    if st in ("infeasible", "infeasible_inaccurate"):
        return FixedResult("infeasible", iterations=iters, solve_time_s=dt_s, message=f"solver: {st}")
    return FixedResult("error", iterations=iters, solve_time_s=dt_s, message=f"solver: {st}")


def _solve(prob, variables, solver: str, t0: float) -> FixedResult:
    import cvxpy as cp

    try:
        prob.solve(solver=solver)
    except cp.error.SolverError as exc:
        return FixedResult("error", solve_time_s=time.perf_counter() - t0, message=f"solver: {exc}")
    return _result(prob, variables, t0)


def solve_fresh(sp: Scaled, tf: float, kind: str = "fuel", radius: float = 0.0) -> FixedResult:
    """Build and solve a new CVXPY problem (constants, no cache) for final time tf (scaled)."""
    import cvxpy as cp

    t0 = time.perf_counter()
    vals = _values(sp, tf, radius)
    if vals is None:
        return FixedResult("infeasible", message="minimum thrust over tf burns all the propellant")
    prob, variables = _build(sp.n_nodes, kind, sp.cos_point, sp.sin_gs, sp.cos_gs, vals)
    solver = FRESH_SOLVER or (cp.ECOS if "ECOS" in cp.installed_solvers() else cp.CLARABEL)
    return _solve(prob, variables, solver, t0)


def solve_cached(sp: Scaled, tf: float, kind: str = "fuel", radius: float = 0.0) -> FixedResult:
    """Solve the cached DPP problem for final time tf (scaled) with Clarabel."""
    import cvxpy as cp

    t0 = time.perf_counter()
    vals = _values(sp, tf, radius)
    if vals is None:
        return FixedResult("infeasible", message="minimum thrust over tf burns all the propellant")
    key = (sp.n_nodes, kind, round(sp.cos_point, 12), round(sp.sin_gs, 12), round(sp.cos_gs, 12))
    if key not in _CACHE:
        par = _parameters(sp.n_nodes)
        prob, variables = _build(sp.n_nodes, kind, sp.cos_point, sp.sin_gs, sp.cos_gs, par)
        _CACHE[key] = (prob, variables, par)
    prob, variables, par = _CACHE[key]
    for name, p in par.items():
        p.value = vals[name]
    return _solve(prob, variables, cp.CLARABEL, t0)
