"""The landing burn's per-re-plan solver budget (recovery `landing_replan_max_iterations`,
`landing_replan_max_time_s`): a re-plan that runs out of it never crashes the flight; it falls back
on the last good plan (or, with no plan yet, the terminal stop law) and is counted as a timeout.

Ignition state: the nominal zhuque3 flight's landing-burn ignition (one engine, Minqin pad).
"""
import pytest
from conftest import nominal_ignition

import rlvsim.mission.landing as landing
from rlvsim.mission.descent import fly_from
from rlvsim.mission.model import Recovery


@pytest.fixture(scope="module")
def ignition():
    return nominal_ignition("zhuque3")


def _fly(ignition, **recovery):
    m, v, t0, y0 = ignition
    m = m.model_copy(update={"recovery": m.recovery.model_copy(update=recovery)})
    return fly_from(m, v, t0, y0, "landing_burn")


@pytest.mark.parametrize("budget", [{"landing_replan_max_iterations": 5},
                                    # no solve finishes in a microsecond (one takes >= 0.3 ms)
                                    {"landing_replan_max_time_s": 1e-6}])
def test_a_budget_too_small_for_any_plan_times_out_every_replan_and_the_flight_completes(ignition, budget):
    bf = _fly(ignition, **budget)
    lb = bf.info["landing_burn"]
    assert lb["replans"] > 0
    # every re-plan that needed the solver ran out of budget: one timeout and one fallback each,
    # logged as such.  Late in the burn the terminal law has the vehicle slow and low, where even
    # minimum thrust over the shortest burn stops it above the pad: that is found infeasible from
    # the problem's bounds before any solver iteration (no budget spent, so no timeout)
    assert lb["replans"] == lb["fallbacks"] == lb["timeouts"] + lb.get("fallbacks_infeasible", 0)
    # the timeouts come at the re-plan rate through the burn; the bound-infeasible cycles only in
    # its last second (the terminal law coasting at 50 Hz, re-planned at every step for want of a
    # plan: 11 in the last 0.6 s of the nominal zhuque3 burn)
    hz = ignition[0].recovery.landing_replan_hz
    assert lb["timeouts"] == lb["fallbacks_timeout"] >= 0.9 * hz * (lb["duration_s"] - 1.0)
    t_end = lb["ignition_time_s"] + lb["duration_s"]
    assert all(t >= t_end - 1.0 for t, k, _ in bf.landing.fallback_log if k == "infeasible")
    assert bf.landing.replan_iterations_max <= budget.get("landing_replan_max_iterations", 10**9)
    kinds = {k for _, k, _ in bf.landing.fallback_log}
    assert kinds <= {"timeout", "terminal_law", "infeasible"}
    assert bf.landing.plans == []                       # no plan was ever accepted
    # no plan at all: the terminal stop law flew the burn (constant deceleration to the pad at
    # the contact speed it aims for, 1 m/s); no divert, so only the vertical criterion is asked
    assert bf.outcome in ("landed", "missed_zone", "tipped_over")
    assert bf.info["touchdown"]["vertical_speed_m_s"] <= 2.0


def test_timeouts_in_mid_burn_fly_the_last_good_plan(ignition, monkeypatch):
    # the ten re-plan cycles from 5 s after ignition (cycles 26-35 at 5 Hz, 13-22 at 2.5 Hz) get a
    # 3-iteration budget, too small for the ~11-iteration shrinking-horizon solve; every other
    # cycle keeps the default
    real = landing.ReplanBudget
    cycle = {"n": 0}
    hz = ignition[0].recovery.landing_replan_hz
    first = round(5.0 * hz)

    def budget(max_iterations, max_time_s):
        cycle["n"] += 1
        return real(3 if first <= cycle["n"] - 1 < first + 10 else max_iterations, max_time_s)

    monkeypatch.setattr(landing, "ReplanBudget", budget)
    bf = _fly(ignition)
    lb = bf.info["landing_burn"]
    assert lb["timeouts"] == 10
    out = [(t, why) for t, k, why in bf.landing.fallback_log if k == "timeout"]
    assert len(out) == 10 and all(why.endswith("last good plan") for _, why in out)
    t_ign = lb["ignition_time_s"]
    assert all(5.0 - 0.25 <= t - t_ign < 5.0 + 10.0 / hz for t, _ in out)   # cycles every 1/hz s, first at 0 s
    # the last good plan through the window, re-plans after it: still soft and on the pad
    td = bf.info["touchdown"]
    assert bf.outcome == "landed"
    assert td["vertical_speed_m_s"] <= 2.0 and td["miss_distance_m"] <= 10.0


def test_the_default_budget_is_a_real_limit_that_a_nominal_landing_stays_inside(ignition):
    budget = Recovery().landing_replan_max_iterations
    assert budget is not None
    bf = _fly(ignition)
    lb = bf.info["landing_burn"]
    assert lb["timeouts"] == 0 and bf.outcome == "landed"
    # the busiest cycle (the cold first plan: free-final-time search, drag iterated twice) is
    # within the budget, with room for the 60-iteration cap of one more solve: nothing was cut
    used = bf.landing.replan_iterations_max
    assert 0 < used <= budget - 60
