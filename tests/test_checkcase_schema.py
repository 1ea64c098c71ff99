"""Check-case features the three NESC cases do not use: spherical Earth, inverse-square gravity,
non-rotating Earth, steady wind and a wind profile, each against independent physics."""

import numpy as np
import pytest

from rlvsim.flight.checkcase import CheckCase, run_case

MU = 3.986004418e14
R = 6371007.1809


def case(**over):
    d = {"name": "synthetic", "duration_s": 20.0, "output_step_s": 0.5,
         "earth": {"shape": "sphere", "radius_m": R, "rotating": False, "rotation_rate_rad_s": 0.0,
                   "gravity": "inverse_square", "mu_m3_s2": MU},
         "vehicle": {"mass_kg": 14.5939029372, "reference_area_m2": 0.0182414654525, "drag_coefficient": 0.0},
         "initial": {"latitude_deg": 10.0, "longitude_deg": 20.0, "altitude_m": 30000.0}}
    for k, v in over.items():
        d[k] = {**d.get(k, {}), **v} if isinstance(v, dict) else v
    return CheckCase.model_validate(d)


def test_sphere_inverse_square_radial_fall_matches_kepler():
    res = run_case(case())
    r0 = R + 30000.0
    # radial Kepler fall from rest: t(r) = sqrt(r0^3 / 2mu) [sqrt(x(1-x)) + acos(sqrt(x))]
    r = R + res.table["altitude_m"]
    x = np.clip(r / r0, 0.0, 1.0)
    t = np.sqrt(r0 ** 3 / (2 * MU)) * (np.sqrt(x * (1 - x)) + np.arccos(np.sqrt(x)))
    assert np.max(np.abs(t - res.table["time_s"])) < 1e-6       # integrator at rtol 1e-12
    # a non-rotating sphere: the fall stays on the initial vertical
    assert np.allclose(res.table["latitude_deg"], 10.0, atol=1e-9)
    assert np.allclose(res.table["longitude_deg"], 20.0, atol=1e-9)


def test_steady_wind_drags_the_body_to_the_wind_speed():
    # a light, draggy body at low altitude: horizontal velocity relaxes to the wind (drag ~ v_rel^2);
    # after 60 s at ~1e3 ballistic time constants the difference is far below 1 %
    c = case(duration_s=60.0, initial={"altitude_m": 20000.0},
             vehicle={"mass_kg": 1.0, "reference_area_m2": 1.0, "drag_coefficient": 1.0},
             wind={"model": "steady", "wind_north_m_s": 0.0, "wind_east_m_s": 10.0, "wind_down_m_s": 0.0})
    res = run_case(c)
    assert res.table["velocity_east_m_s"][-1] == pytest.approx(10.0, rel=0.01)
    assert abs(res.table["velocity_north_m_s"][-1]) < 0.1


def test_wind_profile_constant_equals_steady():
    steady = case(duration_s=10.0, vehicle={"mass_kg": 5.0, "reference_area_m2": 0.5, "drag_coefficient": 0.8},
                  wind={"model": "steady", "wind_north_m_s": 3.0, "wind_east_m_s": -7.0, "wind_down_m_s": 0.0})
    prof = case(duration_s=10.0, vehicle={"mass_kg": 5.0, "reference_area_m2": 0.5, "drag_coefficient": 0.8},
                wind={"model": "shear", "altitude_m": [0.0, 50000.0], "wind_north_m_s": [3.0, 3.0],
                      "wind_east_m_s": [-7.0, -7.0], "wind_down_m_s": [0.0, 0.0]})
    a, b = run_case(steady), run_case(prof)
    for c in ("altitude_m", "velocity_north_m_s", "velocity_east_m_s"):
        assert np.allclose(a.table[c], b.table[c], atol=1e-9)


def test_rotating_sphere_conserves_inertial_angular_momentum_z():
    # dragless: gravity is central, so the z-component of inertial angular momentum is constant;
    # a body released at rest relative to the Earth keeps its inertial angular momentum while its
    # radius shrinks, so it drifts east of the ground below it (the classic eastward deflection)
    w = 7.292115e-5
    c = case(earth={"rotating": True, "rotation_rate_rad_s": w}, initial={"latitude_deg": 0.0, "altitude_m": 30000.0})
    res = run_case(c)
    r = R + res.table["altitude_m"]
    v_e = res.table["velocity_east_m_s"]
    hz = r * (v_e + w * r)
    assert np.allclose(hz, hz[0], rtol=1e-9)
    assert v_e[-1] > 0
