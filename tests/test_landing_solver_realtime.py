"""Real-time landing solver: agreement with Clarabel, the feasibility boundary, and time budgets.

References: CVXPY + Clarabel on the same convex problem (an independent solver) for optima and
feasibility verdicts; the optimum itself for budget-limited searches (a plan found under a budget is
feasible, so it cannot use less fuel than the optimum); the budget contract (a flagged result, never
an exception) for the rest.
"""
import math

import numpy as np
import pytest

from rlvsim.guidance.landing import LandingLimits, ignition_search, lcvx_cvxpy, solve_landing
from rlvsim.guidance.landing.problem import check_inputs, scale
from rlvsim.guidance.landing.realtime import SETTINGS, solve_fixed

G0 = 9.80665
F9 = LandingLimits(thrust_min_N=0.4 * 845e3, thrust_max_N=845e3, exhaust_speed_m_s=282.0 * G0,
                   dry_mass_kg=25600.0, pointing_max_deg=15.0, glide_slope_deg=80.0)
C27 = math.cos(math.radians(27.0))
MARS = LandingLimits(thrust_min_N=6 * 0.3 * 3100 * C27, thrust_max_N=6 * 0.8 * 3100 * C27,
                     exhaust_speed_m_s=225.0 * 9.807 * C27, dry_mass_kg=1505.0, pointing_max_deg=90.0,
                     glide_slope_deg=86.0, g_m_s2=3.7114)


def _scaled(r, v, m, limits, n, dist=None):
    _bad, (r, v, m, n, d) = check_inputs(r, v, m, limits, n, dist)
    return scale(r, v, m, limits, n, d)


def _fuel_fraction(res):
    return 1.0 - math.exp(res.z[-1])


def test_booster_states_with_drag_agree_with_clarabel():
    """Falcon-9-like landing burns (N = 30, the simulator's node count) with a drag profile per
    interval, random fixed final times across and beyond the feasible window."""
    rng = np.random.default_rng(31)
    n_opt = n_inf = 0
    for _ in range(40):
        r = np.array([rng.uniform(-300, 300), rng.uniform(-300, 300), rng.uniform(1500.0, 2500.0)])
        v = np.array([rng.uniform(-20, 20), rng.uniform(-20, 20), rng.uniform(-260.0, -180.0)])
        m = rng.uniform(29000.0, 33000.0)
        drag = np.zeros((30, 3))
        drag[:, 2] = np.linspace(rng.uniform(3.0, 6.0), 0.2, 30)          # falls with the speed
        sp = _scaled(r, v, m, F9, 30, drag)
        tf = rng.uniform(9.0, 22.0) / sp.T_s
        ref = lcvx_cvxpy.solve_cached(sp, tf)
        fast = solve_fixed(sp, tf)
        assert fast.iterations < SETTINGS["maxit"]                          # never at the cap
        if ref.status == "optimal" and not ref.message:
            n_opt += 1
            assert fast.status == "optimal", fast.message
            # 0.1 %: the bound (both stop at a ~1e-5 relative gap or better)
            assert _fuel_fraction(fast) == pytest.approx(_fuel_fraction(ref), rel=1e-3)
            # the plans, not only the fuel: touchdown at the target, scaled units (1e-5 ~ 2 cm)
            assert np.abs(fast.r[-1]).max() < 1e-5 and np.abs(fast.v[-1]).max() < 1e-5
        elif ref.status == "infeasible" and not ref.message.endswith("inaccurate"):
            n_inf += 1
            assert fast.status == "infeasible", fast.message
    assert n_opt >= 10 and n_inf >= 5, (n_opt, n_inf)


def _boundary(sp, lo, hi):
    """Lower end of the feasible final times in [lo, hi] (scaled), by bisection with Clarabel."""
    assert lcvx_cvxpy.solve_cached(sp, lo).status == "infeasible"
    assert lcvx_cvxpy.solve_cached(sp, hi).status == "optimal"
    while hi - lo > 1e-5 * hi:
        mid = 0.5 * (lo + hi)
        if lcvx_cvxpy.solve_cached(sp, mid).status == "optimal":
            hi = mid
        else:
            lo = mid
    return 0.5 * (lo + hi)


@pytest.mark.parametrize("n", [30, 50])
def test_no_unconverged_solves_at_the_feasibility_boundary(n):
    """Final times within 1e-3 .. 1e-10 (relative) of the shortest feasible one: the iterates stall
    there (duals without bound, no strictly feasible point).  Every solve must end well before the
    iteration cap with a plan or an infeasibility verdict; away from the boundary (1e-4 and more,
    beyond Clarabel's bisection width 1e-5) the verdict must be Clarabel's."""
    sp = _scaled([2000.0, 0.0, 1500.0], [80.0, 30.0, -75.0], 1905.0, MARS, n)
    tb = _boundary(sp, 50.0 / sp.T_s, 70.0 / sp.T_s)
    for e in np.concatenate([-np.logspace(-3, -10, 15), np.logspace(-10, -3, 15)]):
        res = solve_fixed(sp, tb * (1.0 + e))
        assert res.iterations <= 30, (e, res.status, res.message)            # cap is 60
        assert res.status in ("optimal", "infeasible"), (e, res.message)
        if abs(e) >= 1e-4:
            assert res.status == ("optimal" if e > 0 else "infeasible"), (e, res.message)
            assert not res.message or res.status == "infeasible"             # full accuracy


def _mars_sp(n=50):
    return _scaled([2000.0, 0.0, 1500.0], [80.0, 30.0, -75.0], 1905.0, MARS, n)


def test_fixed_solve_iteration_budget_is_flagged():
    sp = _mars_sp()
    res = solve_fixed(sp, 72.0 / sp.T_s, max_iterations=3)
    assert res.timed_out and res.status == "error" and res.iterations == 3, res
    full = solve_fixed(sp, 72.0 / sp.T_s, max_iterations=SETTINGS["maxit"])
    assert full.status == "optimal" and not full.timed_out


def test_fixed_solve_time_budget_is_flagged():
    sp = _mars_sp()
    res = solve_fixed(sp, 72.0 / sp.T_s, max_time_s=1e-5)                   # less than one iteration
    assert res.timed_out and res.status in ("error", "optimal")
    assert res.iterations < 5


REF = {}


def _reference():
    if not REF:
        REF["plan"] = solve_landing([2000.0, 0.0, 1500.0], [80.0, 30.0, -75.0], 1905.0, MARS, n_nodes=30)
    return REF["plan"]


def test_search_iteration_budget_keeps_the_best_plan_so_far():
    ref = _reference()
    assert ref.status == "optimal" and not ref.timed_out and ref.iterations > 150
    plan = solve_landing([2000.0, 0.0, 1500.0], [80.0, 30.0, -75.0], 1905.0, MARS, n_nodes=30,
                         max_iterations=150)
    assert plan.timed_out and plan.iterations <= 150
    assert plan.status == "optimal" and "budget" in plan.message
    # a feasible plan found under the budget cannot beat the optimum (1e-6: solver tolerance)
    assert plan.fuel_kg >= ref.fuel_kg * (1.0 - 1e-6)
    assert np.abs(plan.r_enu_m[-1]).max() < 0.1                              # still lands on target


def test_search_budgets_never_raise():
    r, v, m = [2000.0, 0.0, 1500.0], [80.0, 30.0, -75.0], 1905.0
    tiny = solve_landing(r, v, m, MARS, n_nodes=30, max_iterations=5)
    assert tiny.timed_out and tiny.status == "error" and "budget" in tiny.message
    quick = solve_landing(r, v, m, MARS, n_nodes=30, max_time_s=1e-4)
    assert quick.timed_out and quick.status in ("error", "optimal")
    fixed = solve_landing(r, v, m, MARS, n_nodes=30, tf_s=72.0, max_iterations=4)
    assert fixed.timed_out and fixed.status == "error"
    for bad in ({"max_time_s": -1.0}, {"max_time_s": "soon"}, {"max_iterations": 0},
                {"max_iterations": 2.5}):
        plan = solve_landing(r, v, m, MARS, n_nodes=30, **bad)
        assert plan.status == "error" and next(iter(bad)) in plan.message, (bad, plan.message)
    # the CVXPY paths are checked between solves: at most one solve (< 60 iterations) beyond
    slow = solve_landing(r, v, m, MARS, n_nodes=30, method="cvxpy", max_iterations=30)
    assert slow.timed_out and 30 <= slow.iterations < 90, (slow.iterations, slow.message)
    t_ign, plan = ignition_search([0.0, 0.0, 1500.0], [0.0, 0.0, -75.0], 1905.0, MARS, n_nodes=30,
                                  max_iterations=60)
    assert plan.timed_out and plan.iterations <= 60
    assert math.isnan(t_ign) or t_ign >= 0.0


def test_generous_budget_changes_nothing():
    ref = _reference()
    plan = solve_landing([2000.0, 0.0, 1500.0], [80.0, 30.0, -75.0], 1905.0, MARS, n_nodes=30,
                         max_iterations=10_000, max_time_s=60.0)
    assert not plan.timed_out and plan.status == "optimal"
    assert plan.fuel_kg == ref.fuel_kg and plan.tf_s == ref.tf_s              # same solves, same plan
