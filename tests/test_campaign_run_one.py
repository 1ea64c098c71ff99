"""One campaign run, in this process (issue #4, item 4): the dispersed separation state, a fault
given as a --fault spec, an exception recorded as an 'error' run, replaying a run, scope mission."""
import math

import numpy as np
import pytest

from rlvsim.campaign.config import build_config
from rlvsim.campaign.run import _nominal, dispersed_stack, replay, run_one
from rlvsim.flight.propagator import EarthModel

KNOWN = {"landed", "hard_landing", "tipped_over", "missed_zone", "crashed", "error"}


@pytest.fixture(scope="module")
def cfg():
    return build_config("zhuque3", 8, seed=0)


def _geodetic(t, y, earth):
    from rlvsim.earth.frames import ecef_to_geodetic
    th = earth.theta0_rad + earth.rotation_rate_rad_s * t
    c, s = math.cos(th), math.sin(th)
    return ecef_to_geodetic(c * y[0] + s * y[1], -s * y[0] + c * y[1], y[2], earth.a_m, earth.f)


def test_separation_offsets_are_in_the_local_enu_frame(cfg):
    stack, _, _ = _nominal(cfg)
    earth = EarthModel()
    d = dispersed_stack(stack, {"sep_pos_up_m": 100.0, "sep_vel_east_m_s": 10.0,
                                "booster_propellant_sep_offset_kg": -250.0}, 40.0, earth)
    lat0, lon0, h0 = _geodetic(stack.t_sep, stack.y_sep, earth)
    lat1, lon1, h1 = _geodetic(d.t_sep, d.y_sep, earth)
    # 100 m along the geodetic up: height +100 m, latitude and longitude unchanged (to 1 mm of
    # arc: the up axis is the ellipsoid normal, exactly what the geodetic height is measured along)
    assert abs((h1 - h0) - 100.0) < 1e-6
    assert abs(lat1 - lat0) < 1e-9 and abs(lon1 - lon0) < 1e-9
    # +10 m/s east: the velocity change is horizontal, eastward (unit vector -sin lon, cos lon, 0 in
    # ECEF at time 0 rotated to ECI), and nothing else
    th = earth.theta0_rad + earth.rotation_rate_rad_s * stack.t_sep
    east_ecef = np.array([-math.sin(lon0), math.cos(lon0), 0.0])
    east_eci = np.array([math.cos(th) * east_ecef[0] - math.sin(th) * east_ecef[1],
                         math.sin(th) * east_ecef[0] + math.cos(th) * east_ecef[1], 0.0])
    assert np.allclose(d.y_sep[3:6] - stack.y_sep[3:6], 10.0 * east_eci, atol=1e-9)   # float rounding only
    # booster mass: +40 kg dry, -250 kg propellant
    assert d.booster_mass_sep_kg - stack.booster_mass_sep_kg == pytest.approx(-210.0, abs=1e-9)


def test_fault_spec_is_flown(cfg):
    c = build_config("zhuque3", 1, seed=0, faults=["engine_out:phase=landing_burn,delay_s=3,engines=1"])
    assert c.campaign_id != cfg.campaign_id and c.identity()["faults"][0]["kind"] == "engine_out"
    rec = run_one(c, 0)
    # the single landing engine fails 3 s into the landing burn: nothing left to stop the fall
    assert rec["outcome"] == "crashed" and rec["failure_phase"] == "landing_burn", rec
    assert "engine" in rec["failure_cause"]
    # the fault comes 3 s after the landing-burn start (the faults' own trigger rule); the landing
    # start may be the command or the lit engine: at most the 0.5 s ignition-delay cut of the defaults
    assert 3.0 - 1e-6 <= rec["t_fault_s"] - rec["t_landing_start_s"] <= 3.0 + 0.5 + 1e-6


def test_exception_is_recorded_as_error(cfg, monkeypatch):
    from rlvsim.mission import recovery

    def boom(self):
        raise RuntimeError("boom at purpose")
    monkeypatch.setattr(recovery.BoosterFlight, "run", boom)
    rec = run_one(cfg, 5)
    assert rec["outcome"] == "error" and rec["failure_cause"] == "RuntimeError: boom at purpose"
    assert "Traceback" in rec["error_traceback"] and rec["run"] == 5
    from rlvsim.campaign.dispersions import sample
    assert rec["in_booster_thrust_scale"] == sample(cfg.dispersions, 0, 5)[0]["booster_thrust_scale"]   # inputs kept


def test_replay_flies_the_same_run(cfg):
    rec = run_one(cfg, 9)              # a quick run of this campaign (about 1 s)
    flight = replay(cfg, 9)
    st = flight.stage("booster")
    assert st.outcome == rec["outcome"]
    td = st.info["touchdown"]
    # the same draws, the same code, the same process: bit-identical touchdown state
    assert td["vertical_speed_m_s"] == rec["vertical_speed_m_s"] and td["miss_distance_m"] == rec["miss_distance_m"]
    tab = st.trajectory
    assert tab["time_s"][0] == 0.0                               # the nominal ascent from liftoff ...
    assert tab["time_s"][-1] == pytest.approx(rec["t_touchdown_s"] if not math.isnan(rec["t_touchdown_s"])
                                              else rec["t_impact_s"], abs=1e-3)    # ... to touchdown (events: 4 decimals)
    assert flight.trajectory_table().num_rows == len(tab["time_s"])


def test_mission_scope_run(cfg):
    c = build_config("zhuque3", 1, seed=0, scope="mission")
    rec = run_one(c, 0)
    assert rec["outcome"] in KNOWN and rec["outcome"] != "error", rec.get("error_traceback")
    assert rec["upper_outcome"] in ("orbit", "failed_to_orbit")
    assert "in_upper_thrust_scale" in rec and not any(k.startswith("in_sep_") for k in rec)
