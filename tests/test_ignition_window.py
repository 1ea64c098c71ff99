"""The ignition decision's 1-D window (`landing_plan.stop_heights`, `ignition_window`): the height a
vertical stop at constant thrust needs, against closed forms, and the window it gives on the
nominal missions against the planner's own latest ignition."""
import math

import numpy as np
import pytest
from scipy.optimize import brentq

import rlvsim
from rlvsim.guidance.landing import LandingLimits
from rlvsim.mission import descent as DS
from rlvsim.mission.landing_plan import stop_heights

G = 9.80665
LIM = LandingLimits(thrust_min_N=3e5, thrust_max_N=8e5, exhaust_speed_m_s=3000.0, dry_mass_kg=2e4, g_m_s2=G)


def _rocket_stop_m(v0, m0, T, c, g):
    """Closed form: distance to stop a vertical fall at v0 (m/s, down) with constant thrust T, mass
    flow T/c and gravity g, no drag.  Speed down v(t) = v0 + g t - c ln(m0 / m(t)), m = m0 - q t;
    distance = v0 t + g t^2 / 2 - (c / q) (m0 - m - m ln(m0 / m))."""
    q = T / c

    def v(t):
        return v0 + g * t - c * math.log(m0 / (m0 - q * t))

    t = brentq(v, 0.0, 0.999 * m0 / q)
    m = m0 - q * t
    return v0 * t + 0.5 * g * t * t - (c / q) * (m0 - m - m * math.log(m0 / m))


def test_stop_height_without_drag_matches_the_rocket_equation():
    v0 = np.array([50.0, 150.0, 300.0, 420.0])
    m0 = np.array([30e3, 34e3, 37e3, 40e3])
    got = stop_heights(np.full(4, 5000.0), v0, m0, np.zeros(4), np.full(4, 0.7), LIM)
    want = [_rocket_stop_m(v, m, LIM.thrust_max_N, LIM.exhaust_speed_m_s, G) for v, m in zip(v0, m0)]
    # 24 midpoint steps in speed, a second-order rule: measured within 2e-4 of the closed form
    # (a single step is 11 % off at 420 m/s); bound 1e-3
    np.testing.assert_allclose(got, want, rtol=1e-3)


def test_stop_height_at_constant_mass_is_v2_over_2a():
    """With an exhaust speed so large that no mass is burned the deceleration is constant, and the
    midpoint rule is exact."""
    lim = LandingLimits(thrust_min_N=3e5, thrust_max_N=8e5, exhaust_speed_m_s=1e12, dry_mass_kg=2e4)
    v0, m0 = np.array([80.0, 300.0]), np.array([35e3, 35e3])
    a = lim.thrust_max_N / m0 - lim.g_m_s2
    got = stop_heights(np.full(2, 3000.0), v0, m0, np.zeros(2), np.full(2, 1.0), lim)
    np.testing.assert_allclose(got, v0 ** 2 / (2 * a), rtol=1e-9)


def test_drag_shortens_the_stop_and_too_little_thrust_never_stops():
    v0, m0 = np.full(3, 400.0), np.full(3, 37e3)
    h = np.full(3, 5000.0)
    rho = np.full(3, 0.736)          # US 1976 at 5 km
    got = stop_heights(h, v0, m0, np.array([0.0, 5.0, 20.0]), rho, LIM)
    assert got[0] > got[1] > got[2] > 0.0
    # drag ~ rho v^2 falls with the speed: 20 m/s^2 now helps far less than 20 m/s^2 held, whose
    # stop would take v^2 / 2 (a + 20)
    a = LIM.thrust_max_N / 37e3 - G
    assert got[2] > 400.0 ** 2 / (2 * (a + 20.0))
    weak = LandingLimits(thrust_min_N=1e5, thrust_max_N=3e5, exhaust_speed_m_s=3000.0, dry_mass_kg=2e4)
    assert np.isinf(stop_heights(np.array([5000.0]), np.array([100.0]), np.array([37e3]), np.zeros(1),
                                 np.full(1, 0.736), weak))[0]


@pytest.mark.parametrize("mission", ["falcon9-rtls", "zhuque3"])
def test_window_starts_the_checks_before_the_latest_ignition(mission, monkeypatch):
    """The planner's checks start ARM_LEAD_S before the window closes, so a window later than the
    planner's latest ignition by that much would start them too late.  The last prediction before
    the checks start must be within ARM_LEAD_S - 1 s of the ignition flown (1 s left for the checks
    to find the first plan).  falcon9-rtls is the case the old rule-of-thumb gate (a third of
    today's drag) never opened for, so its checks began at 10 km, ~8 s early."""
    calls = []
    real = DS.ignition_window

    def spy(body, t, y, zone, limits, g, *a, **k):
        out = real(body, t, y, zone, limits, g, *a, **k)
        calls.append((t, out))
        return out

    monkeypatch.setattr(DS, "ignition_window", spy)
    f = rlvsim.fly(mission)
    b = f.summary()["stages"]["booster"]
    assert b["outcome"] == "landed"
    t_ign = b["landing_burn"]["ignition_time_s"]
    t_last, t_win = calls[-1]
    assert t_win is not None
    assert abs(t_win - t_ign) < DS.ARM_LEAD_S - 1.0, (t_win, t_ign)
    assert t_last < t_ign - 1.0
    # no fallback lit the engine: the planner's checks found the latest ignition
    assert b["landing_burn"].get("fallbacks_ignition_by_1d_gate", 0) == 0


def test_window_sampled_every_second_matches_a_fine_sampling(monkeypatch):
    """The window samples the predicted coast every 1 s and interpolates the stop margin (height
    left minus the stop's) linearly to its zero.  The margin is smooth, so the crossing matches a
    10x finer sampling to a small fraction of the step, where the last sample alone (the former
    rule, at 0.5 s) is off by up to the step itself."""
    from rlvsim.mission.landing_plan import ignition_window
    seen = []
    real = DS.ignition_window

    def spy(body, t, y, zone, limits, g, *a, **k):
        seen.append((body.clone(), t, np.array(y, float), zone, limits, g))
        return real(body, t, y, zone, limits, g, *a, **k)

    monkeypatch.setattr(DS, "ignition_window", spy)
    rlvsim.fly("zhuque3")
    body, t, y, zone, limits, g = seen[-1]
    coarse = ignition_window(body, t, y, zone, limits, g)
    fine = ignition_window(body, t, y, zone, limits, g, step_s=0.1)
    assert coarse is not None and fine is not None
    # measured |coarse - fine| <= 0.0033 s on the last three windows of each of the three nominal
    # missions; bound 0.02 s, a fiftieth of the step (the last sample alone lands inside it by
    # chance 2 % of the time)
    assert abs(coarse - fine) < 0.02, (coarse, fine)
