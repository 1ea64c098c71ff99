"""NASA NESC check cases 1, 6, 9 against every NASA tool's reference trajectory.

Tolerance per column: our largest difference from each tool over the run must not exceed the
largest difference between any two NASA tools (`spread_*_max` in case.toml) -- then we are as close
to each tool as the tools are to each other -- plus a floor of 1 cm / 1 mm/s that covers output-time
rounding where the spread is sub-millimetre (case 1), as the data's README suggests.  Mach and
dynamic pressure are compared with the three closest tools (sims 04-06) only, since the others carry
documented artefacts (README 'notes'): 1e-4 in Mach (~3 cm/s airspeed) and 0.5% of q.
"""
import tomllib
from pathlib import Path

import numpy as np
import pytest

from rlvsim.flight.checkcase import differences, load_case, read_reference, run_case

NESC = Path(__file__).parent / "data" / "nesc"
CASES = sorted(p.parent.name for p in NESC.glob("case_*/case.toml"))


@pytest.fixture(scope="module", params=CASES)
def case_run(request):
    path = NESC / request.param / "case.toml"
    case = load_case(path)
    meta = tomllib.loads(path.read_text())["reference"]
    return path, case, meta, run_case(case)


def test_within_spread_of_every_nasa_tool(case_run):
    path, case, meta, res = case_run
    for ref_file in meta["files"]:
        ref = read_reference(path.parent / ref_file)
        d = differences(res, ref, case)
        assert len(d["time_s"]) == len(ref["time_s"])          # every reference time compared
        assert d["altitude_m"].max() <= meta["spread_altitude_m_max"] + 0.01, ref_file
        assert d["ground_m"].max() <= meta["spread_ground_m_max"] + 0.01, ref_file
        assert d["velocity_m_s"].max() <= meta["spread_velocity_m_s_max"] + 0.001, ref_file


def test_within_core_spread_of_the_closest_tools(case_run):
    path, case, meta, res = case_run
    for tool in meta["core_tools"]:
        ref = read_reference(path.parent / f"reference_{tool}.csv")
        d = differences(res, ref, case)
        assert d["altitude_m"].max() <= meta["core_spread_altitude_m_max"] + 0.01
        assert d["ground_m"].max() <= meta["core_spread_ground_m_max"] + 0.01
        assert d["velocity_m_s"].max() <= meta["core_spread_velocity_m_s_max"] + 0.001
        if "mach" in d:
            assert d["mach"].max() < 1e-4
        if "dynamic_pressure_Pa" in d:
            q = ref["dynamic_pressure_Pa"]
            assert np.all(d["dynamic_pressure_Pa"] <= 0.005 * q + 0.01)


def test_final_state_matches_core_mean(case_run):
    _, case, meta, res = case_run
    # the README's quick check: mean of sims 04-06 at 30 s; core spread bounds the distance to the mean
    assert res.table["altitude_m"][-1] == pytest.approx(meta["core_mean_final_altitude_m"],
                                                        abs=meta["core_spread_altitude_m_at_final"] + 0.01)
    assert res.table["velocity_down_m_s"][-1] == pytest.approx(
        meta["core_mean_final_velocity_down_m_s"], abs=meta["core_spread_velocity_m_s_at_final"] + 0.001)
