"""Per-interval minimum thrust (`solve_landing(thrust_min_N=...)`, `MinThrust`).

An engine's thrust at a given throttle is throttle x vacuum thrust - p(h) x exit area: up high, with
less back-pressure on the nozzles, minimum throttle gives more thrust than at the pad (Falcon 9,
one Merlin 1D at 5 km: ~481 kN against ~453 kN at sea level).  A landing plan whose minimum-thrust
arc takes the pad's value everywhere asks the engine for thrust it cannot throttle down to; the
planner takes each interval's minimum from the height it is flown at instead.
"""
import math

import numpy as np
import pytest
from conftest import nominal_ignition

from rlvsim.guidance.landing import LandingLimits, solve_landing
from rlvsim.mission.descent import fly_from
from rlvsim.mission.landing_plan import MinThrust

C27 = math.cos(math.radians(27.0))
# Acikmese & Ploen (2007) Mars example (tests/data/landing_guidance.md), case B
MARS = LandingLimits(thrust_min_N=6 * 0.3 * 3100 * C27, thrust_max_N=6 * 0.8 * 3100 * C27,
                     exhaust_speed_m_s=225.0 * 9.807 * C27, dry_mass_kg=1505.0, pointing_max_deg=90.0,
                     glide_slope_deg=86.0, g_m_s2=3.7114)
R0, V0, M0, N = [2000.0, 0.0, 1500.0], [80.0, 30.0, -75.0], 1905.0, 50


def test_a_per_interval_minimum_is_honoured_and_both_solvers_find_the_same_optimum():
    # the minimum rises to 1.4 x the example's on the first intervals, falling to it at the end:
    # the optimum's middle minimum-thrust arc (max-min-max) then binds on a higher floor
    prof = MARS.thrust_min_N * np.linspace(1.4, 1.0, N)
    base = solve_landing(R0, V0, M0, MARS, n_nodes=N)
    plans = {m: solve_landing(R0, V0, M0, MARS, n_nodes=N, thrust_min_N=prof, method=m)
             for m in ("realtime", "cvxpy")}
    for p in plans.values():
        assert p.status == "optimal"
        mag = np.linalg.norm(p.thrust_enu_N, axis=1)
        # each interval's thrust at its start (where the bound is imposed) >= its minimum; 1e-4:
        # the interior point's tolerance (1e-5 to 1e-6 in scaled units) with margin
        assert np.all(mag >= prof * (1.0 - 1e-4))
        # a smaller feasible set cannot have a cheaper optimum (the same final-time search, to 0.1 %)
        assert p.fuel_kg >= base.fuel_kg * (1.0 - 1e-4)
    # and the floor binds: some interval sits on it, above the example's own minimum
    mag = np.linalg.norm(plans["realtime"].thrust_enu_N, axis=1)
    on_floor = np.abs(mag / prof - 1.0) < 1e-3
    assert np.any(on_floor & (prof > 1.05 * MARS.thrust_min_N))
    # the bound between the solve paths: the same optimal fuel within 0.1 %
    assert plans["realtime"].fuel_kg == pytest.approx(plans["cvxpy"].fuel_kg, rel=1e-3)


def test_a_constant_profile_is_the_scalar_minimum():
    a = solve_landing(R0, V0, M0, MARS, n_nodes=N)
    b = solve_landing(R0, V0, M0, MARS, n_nodes=N, thrust_min_N=MARS.thrust_min_N)
    # the same problem (the per-interval sums of a constant reproduce rho1 t to rounding)
    assert b.fuel_kg == pytest.approx(a.fuel_kg, rel=1e-9) and b.tf_s == pytest.approx(a.tf_s, rel=1e-9)


@pytest.mark.parametrize("prof, words", [
    (np.full(N, MARS.thrust_max_N), "thrust_max_N"),
    (np.full(N - 1, MARS.thrust_min_N), "n_nodes = 50"),
    (np.r_[np.nan, np.full(N - 1, MARS.thrust_min_N)], "finite"),
    (np.full(N, -1.0), "[0, thrust_max_N"),
])
def test_a_bad_profile_is_an_error_plan_never_an_exception(prof, words):
    p = solve_landing(R0, V0, M0, MARS, n_nodes=N, thrust_min_N=prof)
    assert p.status == "error" and "thrust_min_N" in p.message and words in p.message


@pytest.fixture(scope="module")
def rtls():
    return nominal_ignition("falcon9-rtls")


def _node0_shortfall(bf, vehicle):
    """Re-plans whose first interval asks for less thrust than the engine gives at minimum throttle
    at the height the plan starts from (what `apply_thrust` would clip)."""
    e = vehicle.stages[0].engine
    n = bf.landing.limits_log[0][2]
    model = MinThrust(e, n, bf.zone.alt_m, 0.0, math.inf)
    bad = 0
    for _t, p in bf.landing.plans:
        if p.tf_s > 4.0:                                 # the terminal law flies the last 2 s
            ask = float(np.linalg.norm(p.thrust_enu_N[0]))
            bad += ask < 0.995 * float(model.at(p.r_enu_m[0, 2]))
    return bad


def test_falcon9_rtls_plans_only_thrust_its_engine_can_give(rtls):
    m, v, t0, y0 = rtls
    bf = fly_from(m, v, t0, y0, "landing_burn")
    assert bf.outcome == "landed"
    # 0.5 %: the heights come from the previous plan (the new one starts from the navigated state,
    # metres away), which moves the engine's minimum by far less than that
    assert _node0_shortfall(bf, v) == 0
    # the pad's minimum on every interval (the former planner): its minimum-thrust arc up high asks
    # for less than minimum throttle gives there (~453 against ~481 kN at 5 km)
    off = m.model_copy(update={"recovery": m.recovery.model_copy(update={"landing_min_thrust_by_height": False})})
    bf0 = fly_from(off, v, t0, y0, "landing_burn")
    assert _node0_shortfall(bf0, v) > 10
    # the burn the engine can fly as planned costs less than the one corrected on the way down
    # (6266 against 6327 kg from this state when written)
    used = y0[6] - bf.rec.table()["mass_kg"][-1]
    used0 = y0[6] - bf0.rec.table()["mass_kg"][-1]
    assert used < used0
