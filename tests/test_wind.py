"""Wind model: closed-form interpolation, NESC [wind] tables, and input validation."""
import tomllib
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from numba import njit

from rlvsim.earth.wind import WindModel, wind_from_mapping, wind_ned
from rlvsim.errors import InputError

PROFILE = {"model": "shear", "altitude_m": [0.0, 1000.0, 3000.0],
           "wind_north_m_s": [0.0, 10.0, 10.0], "wind_east_m_s": [5.0, -5.0, 15.0],
           "wind_down_m_s": [0.0, 0.0, 1.0]}


def test_still_air():
    w = WindModel()
    assert w.at(0.0) == (0.0, 0.0, 0.0) and w.at(5.0e4) == (0.0, 0.0, 0.0)
    alt, n, e, d = w.to_arrays()
    assert all(a.dtype == np.float64 and a.shape == (1,) for a in (alt, n, e, d))


def test_steady_is_constant():
    w = wind_from_mapping({"model": "steady", "wind_north_m_s": 3.0, "wind_east_m_s": -4.0,
                           "wind_down_m_s": 0.5}, "case.toml")
    for h in (-100.0, 0.0, 1.0e4, 1.0e6):
        assert w.at(h) == (3.0, -4.0, 0.5)


def test_profile_linear_closed_form():
    w = wind_from_mapping(PROFILE, "case.toml")
    # Table rows exactly; midpoints are the averages (linear interpolation, closed form).
    assert w.at(1000.0) == (10.0, -5.0, 0.0)
    assert w.at(500.0) == pytest.approx((5.0, 0.0, 0.0), abs=1e-12)
    assert w.at(2000.0) == pytest.approx((10.0, 5.0, 0.5), abs=1e-12)
    assert w.at(2500.0) == pytest.approx((10.0, 10.0, 0.75), abs=1e-12)
    # Constant beyond the table ends (documented).
    assert w.at(-50.0) == (0.0, 5.0, 0.0)
    assert w.at(9000.0) == (10.0, 15.0, 1.0)


def test_profile_synonym_and_direct_construction():
    a = wind_from_mapping(PROFILE, "x.toml")
    b = wind_from_mapping({**PROFILE, "model": "profile"}, "x.toml")
    c = WindModel(kind="profile", altitude_m=[0, 1000, 3000], north_m_s=[0, 10, 10],
                  east_m_s=[5, -5, 15], down_m_s=[0, 0, 1], source="x.toml")
    assert a == b == c


@settings(max_examples=200, deadline=None)
@given(st.floats(-1.0e4, 1.0e5))
def test_profile_stays_in_hull(h):
    # Linear interpolation never leaves the range of the table values.
    n, e, d = wind_from_mapping(PROFILE).at(h)
    assert 0.0 <= n <= 10.0 and -5.0 <= e <= 15.0 and 0.0 <= d <= 1.0


def test_kernel_is_nopython_compatible():
    @njit
    def inner(h, alt, wn, we, wd):
        return wind_ned(h, alt, wn, we, wd)[1]

    arrays = wind_from_mapping(PROFILE).to_arrays()
    assert inner(2000.0, *arrays) == pytest.approx(5.0)


NESC = Path(__file__).parent / "data" / "nesc"      # copied from shared/validation


@pytest.mark.skipif(not NESC.exists(), reason="tests/data/nesc absent")
def test_nesc_case_tables():
    for case in sorted(NESC.glob("case_*/case.toml")):
        table = tomllib.loads(case.read_text())["wind"]
        w = wind_from_mapping(table, str(case))
        assert w.kind == "none" and w.at(1000.0) == (0.0, 0.0, 0.0)  # cases 1, 6, 9: still air


@pytest.mark.parametrize("table, field", [
    ({"model": "shear", "altitude_m": [0.0, 0.0], "wind_east_m_s": [1.0, 2.0]}, "altitude_m"),
    ({"model": "shear", "altitude_m": [0.0, 10.0], "wind_east_m_s": [1.0]}, "wind_east_m_s"),
    ({"model": "shear", "altitude_m": [0.0, float("nan")], "wind_north_m_s": [1.0, 2.0]}, "altitude_m"),
    ({"model": "steady", "wind_east_m_s": float("inf")}, "wind_east_m_s"),
    ({"model": "steady", "wind_east_m_s": "fast"}, "wind_east_m_s"),
    ({"model": "steady", "wind_east_m_s": [1.0, 2.0]}, "wind_east_m_s"),
    ({"model": "gusty"}, "model"),
    ({"model": "steady", "wind_speed": 3.0}, "wind_speed"),
    ({"model": "shear", "wind_north_m_s": [1.0]}, "altitude_m"),
    ({"model": "shear", "altitude_m": [0.0], "interpolation": "cubic"}, "interpolation"),
])
def test_invalid_tables_name_file_and_field(table, field):
    with pytest.raises(InputError) as err:
        wind_from_mapping(table, "mission.toml")
    msg = str(err.value)
    assert msg.startswith("mission.toml: ") and f"wind.{field} " in msg and "\n" not in msg


def test_model_is_frozen():
    w = WindModel(kind="steady", north_m_s=1.0)
    with pytest.raises(Exception):
        w.kind = "none"
