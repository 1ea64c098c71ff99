"""Time-aligned damping of the landing re-plans' drag profile (recovery `landing_drag_damping`:
"time", the default, against "nodes", the former default).

Each re-plan averages the drag along the previous plan with the previous profile.  Node by node,
node k of the new (shorter) horizon is lent the drag of an earlier, faster instant; on zhuque3
(drag up to 1.6 g at ignition) the shrinking-horizon re-plans then cannot keep their touchdown
time and slip it cycle after cycle into full-thrust fallbacks.  Averaged at the same instants, the
horizon holds.  Ignition state: the nominal zhuque3 flight's.
"""
from conftest import nominal_ignition

from rlvsim.mission.descent import fly_from


def test_time_aligned_drag_damping_keeps_the_shrinking_horizon():
    m, v, t0, y0 = nominal_ignition("zhuque3")
    m = m.model_copy(update={"recovery": m.recovery.model_copy(update={"landing_drag_damping": "time"})})
    bf = fly_from(m, v, t0, y0, "landing_burn")
    lb = bf.info["landing_burn"]
    assert bf.outcome == "landed"
    assert lb["fallbacks"] == 0                  # never needed the full-thrust reserve
    # touchdown when the first plan said, up to the terminal law: its last metres (the terminal
    # gate, 1 m by default, up to 5 m) are flown at the minimum-thrust deceleration (T_min/m - g
    # ~ 1.3 m/s^2 here) from ~3.7 to 1 m/s at most, ~2 s; so at most 2.5 s later (the slipping
    # horizon: 5 s)
    first = bf.landing.plans[0][1]
    assert 0.0 <= lb["duration_s"] - first.tf_s <= 2.5
