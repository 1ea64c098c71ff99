"""The three solve paths agree: real-time Numba IPM vs CVXPY + Clarabel (independent solver)."""
import math

import numpy as np
import pytest

from rlvsim.guidance.landing import LandingLimits, solve_landing
from rlvsim.guidance.landing import lcvx_cvxpy
from rlvsim.guidance.landing.problem import check_inputs, scale
from rlvsim.guidance.landing.realtime import solve_fixed

C27 = math.cos(math.radians(27.0))
MARS = LandingLimits(thrust_min_N=6 * 0.3 * 3100 * C27, thrust_max_N=6 * 0.8 * 3100 * C27,
                     exhaust_speed_m_s=225.0 * 9.807 * C27, dry_mass_kg=1505.0, pointing_max_deg=90.0,
                     glide_slope_deg=86.0, g_m_s2=3.7114)


def _random_cases(seed, count, downrange=(1600.0, 2400.0)):
    rng = np.random.default_rng(seed)
    for _ in range(count):
        r = np.array([rng.uniform(*downrange), rng.uniform(-300, 300), rng.uniform(1300.0, 1700.0)])
        v = np.array([80.0, 30.0, -75.0]) + rng.uniform(-10.0, 10.0, 3)
        m = rng.uniform(1880.0, 1950.0)
        tf = rng.uniform(64.0, 76.0)
        bad, (r, v, m, n, d) = check_inputs(r, v, m, MARS, 50, None)
        yield scale(r, v, m, MARS, n, d), tf


def test_realtime_matches_clarabel_on_random_states():
    n_opt = 0
    for sp, tf in _random_cases(7, 70):
        ref = lcvx_cvxpy.solve_cached(sp, tf / sp.T_s)
        fast = solve_fixed(sp, tf / sp.T_s)
        if ref.status == "optimal":
            n_opt += 1
            assert fast.status == "optimal", fast.message        # no unconverged solves
            fuel_ref = 1.0 - math.exp(ref.z[-1])
            fuel = 1.0 - math.exp(fast.z[-1])
            # 0.1 %: the brief's bound (the real-time solver stops at a 1e-5 relative gap, Clarabel 1e-8)
            assert fuel == pytest.approx(fuel_ref, rel=1e-3)
        elif ref.status == "infeasible":
            assert fast.status == "infeasible"
    assert n_opt >= 45


def test_min_error_problem_matches_clarabel():
    hits = 0
    for sp, tf in _random_cases(11, 10, downrange=(3500.0, 4500.0)):
        ref = lcvx_cvxpy.solve_cached(sp, tf / sp.T_s, "min_error")
        if ref.status != "optimal" or ref.objective < 1e-3:
            continue
        fast = solve_fixed(sp, tf / sp.T_s, "min_error")
        assert fast.status == "optimal"
        # scaled landing error (unit ~2.5 km): the real-time solver stops at a 1e-5 duality gap,
        # so 1e-5 absolute (2.5 cm; Clarabel stops at 1e-8)
        assert fast.objective == pytest.approx(ref.objective, abs=1e-5)
        hits += 1
    assert hits >= 3


@pytest.mark.parametrize("method", ["cvxpy", "cvxpy_fresh"])
def test_free_final_time_paths_agree(method):
    fast = solve_landing([2000.0, 0.0, 1500.0], [80.0, 30.0, -75.0], 1905.0, MARS, n_nodes=30)
    ref = solve_landing([2000.0, 0.0, 1500.0], [80.0, 30.0, -75.0], 1905.0, MARS, n_nodes=30, method=method)
    assert fast.status == ref.status == "optimal"
    assert fast.fuel_kg == pytest.approx(ref.fuel_kg, rel=1e-3)   # 0.1 %: brief's bound
    # the fuel minimum is flat in tf: 0.1 % search tolerance on each side plus flatness
    assert fast.tf_s == pytest.approx(ref.tf_s, rel=5e-3)
