"""The Zhuque-3 Y1 failure reproduced: the single landing engine fails ~3 s after landing-burn
ignition (personofthehour.com 2025-12-04, in tests/data/vehicle_figures.md); the booster hit the
ground ~67 m from the pad centre.  The fault changes only the engines the simulator flies."""
import pytest

import rlvsim
from rlvsim.errors import InputError


@pytest.fixture(scope="module")
def y1():
    return rlvsim.fly("zq3-y1")


def test_zq3_y1_crashes_in_the_landing_burn_near_the_pad(y1):
    b = y1.summary()["stages"]["booster"]
    assert b["outcome"] == "crashed"
    assert b["crash"]["phase"] == "landing_burn"
    assert "engine out" in b["crash"]["cause"]
    # the aero descent and boostback aimed the pad; only the last ~10 s of fall remain after the
    # fault: the impact is within a few hundred metres (the bound; Y1: ~67 m)
    assert b["touchdown"]["miss_distance_m"] < 1000.0
    fault = y1.event("fault", "booster")
    ign = y1.event("landing_start", "booster")
    assert fault.time_s - ign.time_s == pytest.approx(3.0, abs=1e-3)
    assert fault.detail["engines_left"] == 0
    assert y1.outcome("upper") == "orbit"          # the second stage still reached orbit, as on Y1


def test_unknown_fault_kind_is_a_clear_error(tmp_path):
    src = (rlvsim.mission.catalog.DATA / "zq3-y1.toml").read_text()
    f = tmp_path / "bad.toml"
    f.write_text(src.replace('kind = "engine_out"', 'kind = "gremlins"'))
    with pytest.raises(InputError) as e:
        rlvsim.load_mission(str(f))
    msg = str(e.value)
    assert "bad.toml" in msg and "faults[0].kind" in msg and "\n" not in msg
