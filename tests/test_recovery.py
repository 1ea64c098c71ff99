"""Booster recovery, flown end to end with the closed-loop convex landing guidance.

Landing criteria are the landing zone's (shared/DESIGN.md defaults): vertical <= 2 m/s,
horizontal <= 1 m/s, tilt <= 5 deg, inside the zone radius; the issue asks in addition for a miss
<= 10 m on the nominal missions.
"""
import pytest

import rlvsim


@pytest.fixture(scope="module", params=["zhuque3", "falcon9-rtls", "falcon9-droneship"])
def flight(request):
    return request.param, rlvsim.fly(request.param)


def test_nominal_mission_lands(flight):
    name, f = flight
    s = f.summary()
    b = s["stages"]["booster"]
    assert b["outcome"] == "landed", (name, b)
    td = b["touchdown"]
    assert td["miss_distance_m"] <= 10.0
    assert td["vertical_speed_m_s"] <= 2.0
    assert td["horizontal_speed_m_s"] <= 1.0
    assert td["propellant_remaining_kg"] >= 0.0
    assert s["stages"]["upper"]["outcome"] == "orbit"
    # the touchdown point in the zone's ENU frame is the miss distance's point (2-decimal rounding)
    assert (td["east_m"] ** 2 + td["north_m"] ** 2) ** 0.5 == pytest.approx(td["miss_distance_m"], abs=0.02)
    # the landing report rides on the stage (for reports), with the limits the burn started with
    rep = f.stage("booster").landing
    assert rep.replans == b["landing_burn"]["replans"] and len(rep.plans) > 0
    assert rep.limits.thrust_min_N < rep.limits.thrust_max_N
    # the default per-re-plan solver budget never ran out (tests/test_landing_budget.py: when it does)
    assert b["landing_burn"]["timeouts"] == 0 and 0 < rep.replan_iterations_max


def test_recovery_events_in_order(flight):
    name, f = flight
    ev = {e.name: e.time_s for e in f.events if e.stage == "booster"}
    order = ["boostback_start", "boostback_end", "apogee", "entry_start", "entry_end", "landing_start", "touchdown"]
    times = [ev[k] for k in order if k in ev]
    assert times == sorted(times)
    for k in ("apogee", "entry_start", "entry_end", "landing_start", "touchdown"):
        assert k in ev
    lb = f.summary()["stages"]["booster"]["landing_burn"]
    # re-planned at the recovery plan's rate or faster over the burn (the terminal law flies the
    # last 2 s)
    hz = rlvsim.load_mission(name).recovery.landing_replan_hz
    assert lb["replans"] >= hz * (lb["duration_s"] - 2.0) * 0.9
    assert lb["ignition_time_s"] == pytest.approx(ev["landing_start"], abs=1e-3)   # summary rounds to 1 ms


def test_crs11_recovery_shape_against_the_webcast():
    """Falcon 9 CRS-11 recovery against the webcast events: boostback start and end, booster
    apogee (time and height), entry burn start and end, landing burn start and touchdown within
    10 s (the webcast times are whole seconds judged by eye), apogee height within 10 %."""
    from pathlib import Path
    from rlvsim.telemetry import read_events
    web = read_events(Path(__file__).parent / "data" / "telemetry" / "events.csv", "f9_crs11_2017-06-03_rtls")
    f = rlvsim.fly("falcon9-rtls")
    ev = {e.name: e for e in f.events if e.stage == "booster"}
    web["touchdown"] = web["landing_end"]
    for k in ("boostback_start", "boostback_end", "apogee", "entry_start", "entry_end", "landing_start",
              "touchdown"):
        assert abs(ev[k].time_s - web[k]) <= 10.0, k
    # booster apogee ~120 km in the webcast telemetry (the readout holds 120 km from 240 s to 255 s)
    assert ev["apogee"].altitude_m == pytest.approx(120_000.0, rel=0.10)


def test_entry_burn_is_skipped_when_its_target_speed_is_not_below_the_booster_speed():
    """An entry target speed above the booster's speed at the entry altitude (e.g. a fitted mission)
    cannot be reached by a retrograde burn: the recovery skips the burn and says why (it used to
    burn on to the propellant floor and stall the integrator)."""
    import numpy as np
    m = rlvsim.load_mission("zhuque3")
    m = m.model_copy(update={"recovery": m.recovery.model_copy(update={"entry_target_speed_m_s": 2000.0})})
    f = rlvsim.simulate(m, rlvsim.load_vehicle(m.vehicle))
    b = f.summary()["stages"]["booster"]
    ev = {e.name: e for e in f.events if e.stage == "booster"}
    assert "entry_start" not in ev and "entry_end" not in ev
    skip = ev["entry_skipped"]
    assert any(n.startswith("entry burn skipped") for n in b["notes"])
    tr = f.stage("booster").trajectory
    i = int(np.argmin(np.abs(tr["time_s"] - skip.time_s)))
    # the speed it was judged on is the trajectory's own at that instant (event rounds to 0.1 m/s),
    # at the entry altitude (60 km in the zhuque3 mission), and below the target
    assert skip.detail["speed_m_s"] == pytest.approx(tr["speed_m_s"][i], abs=0.06)
    assert tr["altitude_m"][i] == pytest.approx(m.recovery.entry_start_altitude_m, abs=1.0)
    assert skip.detail["speed_m_s"] < skip.detail["target_speed_m_s"] == 2000.0
    # no engine burned between the skipped entry and the landing burn, and the descent went on to
    # the landing burn (a booster this heavy and fast then cannot stop: it is not a numerical stall)
    coast = (tr["time_s"] > skip.time_s) & (tr["time_s"] < ev["landing_start"].time_s)
    assert coast.any() and np.all(tr["engines_lit"][coast] == 0)
    assert "numerical" not in b.get("crash", {}).get("cause", "")
