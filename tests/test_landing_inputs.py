"""Bad input gives a status and a one-line reason, never an exception (the guidance contract)."""
import math

import pytest

from rlvsim.guidance.landing import LandingLimits, ignition_search, solve_landing

LIM = LandingLimits(thrust_min_N=4000.0, thrust_max_N=13000.0, exhaust_speed_m_s=1966.0,
                    dry_mass_kg=1505.0, g_m_s2=3.7114)
R, V, M = [500.0, 0.0, 1500.0], [0.0, 0.0, -50.0], 1900.0


@pytest.mark.parametrize("r, v, m, status, word", [
    ([math.nan, 0, 1500], V, M, "infeasible", "not finite"),
    (R, [0, math.inf, -50], M, "infeasible", "not finite"),
    (R, V, -5.0, "infeasible", "mass_kg"),
    (R, V, 1000.0, "infeasible", "dry_mass"),
    ([0, 0, 0.0], [0, 0, 0], M, "infeasible", "ground"),
    ([0, 0, -3.0], V, M, "infeasible", "ground"),
    ("abc", V, M, "error", "3-vectors"),
    ([1, 2], V, M, "error", "3-vectors"),
])
def test_bad_state(r, v, m, status, word):
    plan = solve_landing(r, v, m, LIM)
    assert plan.status == status and word in plan.message
    assert not plan.ok and len(plan.t_s) == 0


@pytest.mark.parametrize("kwargs, word", [
    ({"thrust_min_N": 20000.0}, "thrust_max_N"),
    ({"exhaust_speed_m_s": -1.0}, "exhaust_speed_m_s"),
    ({"glide_slope_deg": 95.0}, "glide_slope_deg"),
    ({"pointing_max_deg": 0.0}, "pointing_max_deg"),
    ({"g_m_s2": math.nan}, "g_m_s2"),
])
def test_bad_limits(kwargs, word):
    lim = LandingLimits(**{**LIM.__dict__, **kwargs})
    plan = solve_landing(R, V, M, lim)
    assert plan.status == "error" and word in plan.message


@pytest.mark.parametrize("kwargs, word", [
    ({"method": "magic"}, "method"), ({"n_nodes": 2}, "n_nodes"), ({"tf_s": -4.0}, "tf_s"),
    ({"tf_s": "x"}, "tf_s"), ({"accel_disturbance_enu": [1.0, 2.0]}, "accel_disturbance_enu"),
])
def test_bad_options(kwargs, word):
    plan = solve_landing(R, V, M, LIM, **kwargs)
    assert plan.status == "error" and word in plan.message


def test_not_limits_object():
    plan = solve_landing(R, V, M, {"thrust_max_N": 1.0})
    assert plan.status == "error" and "LandingLimits" in plan.message


def test_ignition_search_never_raises():
    t, plan = ignition_search(R, V, math.nan, LIM)
    assert math.isnan(t) and plan.status == "infeasible"
