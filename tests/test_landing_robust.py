"""10,000 random initial states, many impossible: the guidance never raises and always says why.

Speed: 9,900 states use fixed-final-time solves (one to three interior-point solves each) and 100
use the free-final-time search; all at n_nodes = 15 so the whole file runs in well under a minute.
The reference here is the contract itself (status set, message, finite plan), not a number.
"""
import math
import time

import numpy as np

from rlvsim.guidance.landing import LandingLimits, LandingPlan, solve_landing

G0 = 9.80665
F9 = LandingLimits(thrust_min_N=0.4 * 845e3, thrust_max_N=845e3, exhaust_speed_m_s=282.0 * G0,
                   dry_mass_kg=25600.0, pointing_max_deg=15.0, glide_slope_deg=80.0)
STATUSES = {"optimal", "min_error", "infeasible", "error"}


def _state(rng):
    kind = rng.integers(0, 10)
    r = np.array([rng.uniform(-500, 500), rng.uniform(-500, 500), rng.uniform(500.0, 3000.0)])
    v = np.array([rng.uniform(-30, 30), rng.uniform(-30, 30), rng.uniform(-250.0, -50.0)])
    m = rng.uniform(28000.0, 32000.0)
    if kind == 1:
        v[2] = -rng.uniform(500.0, 3000.0)            # too fast
    elif kind == 2:
        r[2] = rng.uniform(0.1, 20.0)                 # too low
        v[2] = -rng.uniform(50.0, 300.0)
    elif kind == 3:
        m = rng.uniform(90e3, 400e3)                  # too heavy: thrust below weight
    elif kind == 4:
        bad = rng.integers(0, 7)
        vals = [math.nan, math.inf, -math.inf]
        if bad < 3:
            r[rng.integers(0, 3)] = vals[bad]
        elif bad < 6:
            v[rng.integers(0, 3)] = vals[bad - 3]
        else:
            m = math.nan
    elif kind == 5:
        m = -rng.uniform(0.0, 1e4) if rng.random() < 0.5 else rng.uniform(0.0, F9.dry_mass_kg)
    elif kind == 6:
        r[2] = -rng.uniform(0.0, 100.0)               # on or below the ground
    elif kind == 7:
        r[:2] *= 50.0                                 # far off: target out of reach
    return r, v, m


def _check(plan):
    assert isinstance(plan, LandingPlan)
    assert plan.status in STATUSES
    if plan.ok:
        n = len(plan.t_s) - 1
        assert plan.r_enu_m.shape == (n + 1, 3) and plan.thrust_enu_N.shape == (n, 3)
        assert np.all(np.isfinite(plan.r_enu_m)) and np.all(np.isfinite(plan.thrust_enu_N))
        assert math.isfinite(plan.fuel_kg) and plan.fuel_kg >= -1e-6
    else:
        assert plan.message


def test_ten_thousand_random_states_never_raise():
    rng = np.random.default_rng(20240607)
    counts = dict.fromkeys(STATUSES, 0)
    t0 = time.perf_counter()
    for i in range(10_000):
        r, v, m = _state(rng)
        tf = None if i % 100 == 0 else rng.uniform(8.0, 40.0)
        plan = solve_landing(r, v, m, F9, n_nodes=15, tf_s=tf)
        _check(plan)
        counts[plan.status] += 1
    elapsed = time.perf_counter() - t0
    # every outcome occurs, and the fast path keeps the sweep short (60 s: the brief's budget)
    assert all(counts[s] > 0 for s in ("optimal", "min_error", "infeasible")), counts
    assert elapsed < 60.0, (elapsed, counts)
