"""WGS-84 frames and geodesics against published examples, closed forms and independent routes."""
import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from rlvsim.earth.constants import OMEGA_EARTH_RAD_S, SPHERE_RADIUS_M, WGS84_A_M, WGS84_F
from rlvsim.earth.frames import (
    LocalFrame, downrange_point, ecef_to_eci_position, ecef_to_eci_state, ecef_to_geodetic,
    ecef_to_geodetic_array, eci_to_ecef_position, eci_to_ecef_state, enu_basis, geodesic_direct,
    geodesic_inverse, geodetic_to_ecef, geodetic_to_ecef_xyz, ned_basis, surface_distance_m)

B_M = WGS84_A_M * (1.0 - WGS84_F)
RAD = math.radians


def dms(d, m, s, sign=1.0):
    return sign * (d + m / 60.0 + s / 3600.0)


# ----------------------------------------------------------------------------- published points
def test_geographiclib_cartconvert_example():
    # GeographicLib CartConvert(1) man page: "echo 33.3 44.4 6000 | CartConvert"
    # => 3816209.60 3737108.55 3485109.57 (WGS-84), printed to 0.01 m.
    r = geodetic_to_ecef(RAD(33.3), RAD(44.4), 6000.0)
    np.testing.assert_allclose(r, [3816209.60, 3737108.55, 3485109.57], atol=0.006)
    lat, lon, h = ecef_to_geodetic(3816209.60, 3737108.55, 3485109.57)
    # Inputs rounded to 5 mm: 1e-9 rad ~ 6 mm on the ground, 0.01 m in height.
    assert math.degrees(lat) == pytest.approx(33.3, abs=1e-7)
    assert math.degrees(lon) == pytest.approx(44.4, abs=1e-7)
    assert h == pytest.approx(6000.0, abs=0.01)


def test_geographiclib_local_cartesian_example():
    # CartConvert man page: "echo 33.3 44.4 6000 | CartConvert -l 33 44 20"
    # => 37288.97 33374.29 5783.64 (x east, y north, z up), printed to 0.01 m.  The printed up
    # value is 6.6 mm below the exact one (other independent implementations find the same
    # residual; the page seems to truncate), so the tolerance is one printed unit, 0.01 m.
    frame = LocalFrame(33.0, 44.0, 20.0)
    enu = frame.to_enu(geodetic_to_ecef(RAD(33.3), RAD(44.4), 6000.0))
    np.testing.assert_allclose(enu, [37288.97, 33374.29, 5783.64], atol=0.01)
    back = frame.from_enu(enu)
    np.testing.assert_allclose(back, geodetic_to_ecef(RAD(33.3), RAD(44.4), 6000.0), atol=1e-6)


@pytest.mark.parametrize("h", [-1000.0, 0.0, 1.0e5, 2.0e6])
def test_poles_and_equator(h):
    # Closed forms: pole at (0, 0, +-(b + h)); equator at radius a + h.
    np.testing.assert_allclose(geodetic_to_ecef(RAD(90.0), 0.0, h), [0.0, 0.0, B_M + h], atol=1e-6)
    np.testing.assert_allclose(geodetic_to_ecef(RAD(-90.0), 0.0, h), [0.0, 0.0, -B_M - h], atol=1e-6)
    np.testing.assert_allclose(geodetic_to_ecef(0.0, RAD(90.0), h), [0.0, WGS84_A_M + h, 0.0], atol=1e-6)
    lat, _, hh = ecef_to_geodetic(0.0, 0.0, B_M + h)
    assert lat == pytest.approx(math.pi / 2, abs=1e-15) and hh == pytest.approx(h, abs=1e-6)
    lat, lon, hh = ecef_to_geodetic(0.0, -(WGS84_A_M + h), 0.0)
    assert lat == 0.0 and lon == pytest.approx(-math.pi / 2) and hh == pytest.approx(h, abs=1e-6)


# ----------------------------------------------------------------------------- round trips
lat_s = st.floats(-90.0, 90.0)
lon_s = st.floats(-180.0, 180.0)
h_s = st.floats(-1000.0, 2.0e6)


@settings(max_examples=400, deadline=None)
@given(lat_s, lon_s, h_s)
def test_geodetic_round_trip(lat, lon, h):
    x, y, z = geodetic_to_ecef_xyz(RAD(lat), RAD(lon), h)
    la, lo, hh = ecef_to_geodetic(x, y, z)
    # Brief: < 1e-4 m in height and < 1e-10 rad in latitude (observed ~1e-8 m, ~1e-16 rad).
    assert abs(hh - h) < 1e-4
    assert abs(la - RAD(lat)) < 1e-10
    if abs(lat) < 89.9999:  # longitude is undefined on the axis
        assert abs(math.remainder(lo - RAD(lon), 2 * math.pi)) < 1e-10


@settings(max_examples=300, deadline=None)
@given(st.floats(-1.0, 1.0), st.floats(-1.0, 1.0), st.floats(-1.0, 1.0), st.floats(-1000.0, 3.0e6))
def test_normal_through_point_independent_route(ux, uy, uz, h_target):
    # Independent route: pick an ECEF point directly (no geodetic input), invert it, then check
    # with ellipsoid geometry only: S = P - h n lies on the ellipsoid and n is its surface normal
    # (gradient (x/a^2, y/a^2, z/b^2)).
    u = np.array([ux, uy, uz])
    if np.linalg.norm(u) < 1e-3:
        return
    u /= np.linalg.norm(u)
    p = u * (WGS84_A_M + h_target)
    lat, lon, h = ecef_to_geodetic(*p)
    n = np.array([math.cos(lat) * math.cos(lon), math.cos(lat) * math.sin(lon), math.sin(lat)])
    s = p - h * n
    # On the ellipsoid: residual of x^2/a^2 + y^2/a^2 + z^2/b^2 = 1 (1e-12 ~ 6 micrometres).
    assert abs((s[0] ** 2 + s[1] ** 2) / WGS84_A_M ** 2 + s[2] ** 2 / B_M ** 2 - 1.0) < 1e-12
    grad = np.array([s[0] / WGS84_A_M ** 2, s[1] / WGS84_A_M ** 2, s[2] / B_M ** 2])
    grad /= np.linalg.norm(grad)
    # Normal direction equal to 1e-12 rad (sub-micrometre at the surface).
    assert np.linalg.norm(np.cross(grad, n)) < 1e-12 and grad @ n > 0


@settings(max_examples=200, deadline=None)
@given(lat_s, lon_s, h_s)
def test_sphere_case(lat, lon, h):
    # f = 0: geodetic = geocentric, h = |r| - R (closed form).
    r = geodetic_to_ecef(RAD(lat), RAD(lon), h, SPHERE_RADIUS_M, 0.0)
    assert np.linalg.norm(r) == pytest.approx(SPHERE_RADIUS_M + h, abs=1e-6)
    la, _, hh = ecef_to_geodetic(r[0], r[1], r[2], SPHERE_RADIUS_M, 0.0)
    assert hh == pytest.approx(h, abs=1e-6)  # rounding of |r| ~ 1e-9 m
    assert la == pytest.approx(math.asin(r[2] / np.linalg.norm(r)), abs=1e-12)


def test_array_wrappers():
    lat = np.radians([10.0, -45.0, 80.0])
    lon = np.radians([20.0, 170.0, -60.0])
    h = np.array([0.0, 1.0e5, 1.0e6])
    r = geodetic_to_ecef(lat, lon, h)
    assert r.shape == (3, 3)
    la, lo, hh = ecef_to_geodetic_array(r)
    np.testing.assert_allclose(la, lat, atol=1e-14)  # exact closed form both ways
    np.testing.assert_allclose(hh, h, atol=1e-6)


# ----------------------------------------------------------------------------- local bases
@pytest.mark.parametrize("lat, lon", [(0.0, 0.0), (28.56, -80.58), (40.92, 100.25), (-89.0, 45.0)])
def test_ned_enu_bases(lat, lon):
    la, lo = RAD(lat), RAD(lon)
    ned, enu = ned_basis(la, lo), enu_basis(la, lo)
    np.testing.assert_allclose(ned @ ned.T, np.eye(3), atol=1e-15)
    assert np.linalg.det(enu) == pytest.approx(1.0)  # right-handed
    np.testing.assert_allclose(ned, np.array([enu[1], enu[0], -enu[2]]), atol=0)
    # Independent route: finite differences of the position w.r.t. latitude / longitude give
    # north and east; the ellipsoid gradient gives up.
    d = 1e-7
    north = geodetic_to_ecef(la + d, lo, 0.0) - geodetic_to_ecef(la - d, lo, 0.0)
    east = geodetic_to_ecef(la, lo + d, 0.0) - geodetic_to_ecef(la, lo - d, 0.0)
    s = geodetic_to_ecef(la, lo, 0.0)
    up = np.array([s[0] / WGS84_A_M ** 2, s[1] / WGS84_A_M ** 2, s[2] / B_M ** 2])
    # Central differences over 1e-7 rad: direction error ~1e-9.
    np.testing.assert_allclose(ned[0], north / np.linalg.norm(north), atol=1e-8)
    np.testing.assert_allclose(ned[1], east / np.linalg.norm(east), atol=1e-8)
    np.testing.assert_allclose(enu[2], up / np.linalg.norm(up), atol=1e-12)


# ----------------------------------------------------------------------------- ECI <-> ECEF
def test_eci_ecef_positions():
    r = np.array([7.0e6, -1.0e6, 2.0e6])
    np.testing.assert_array_equal(eci_to_ecef_position(r, 0.0), r)  # frames coincide at t = 0
    # An Earth-fixed point seen from ECI after a quarter turn: rotated +90 deg about z.
    t = (math.pi / 2) / OMEGA_EARTH_RAD_S
    np.testing.assert_allclose(ecef_to_eci_position(r, t), [1.0e6, 7.0e6, 2.0e6], atol=1e-6)
    ts = np.array([0.0, 100.0, 5000.0, 86164.0])
    rs = np.tile(r, (4, 1)) * np.array([[1.0], [1.1], [0.9], [1.2]])
    back = ecef_to_eci_position(eci_to_ecef_position(rs, ts), ts)
    np.testing.assert_allclose(back, rs, atol=1e-8)
    assert eci_to_ecef_position(r, ts).shape == (4, 3)
    assert eci_to_ecef_position(rs, 10.0).shape == (4, 3)


def test_state_transport_theorem():
    # v_ECEF must equal d/dt of the ECEF position of an ECI straight-line motion (independent
    # numerical route), at several times.
    r0 = np.array([6.5e6, 1.0e6, -2.0e6])
    v = np.array([-1000.0, 7000.0, 500.0])
    for t in (0.0, 1234.5, 40000.0):
        dt = 1e-3
        fd = (eci_to_ecef_position(r0 + v * (t + dt), t + dt)
              - eci_to_ecef_position(r0 + v * (t - dt), t - dt)) / (2 * dt)
        r_e, v_e = eci_to_ecef_state(r0 + v * t, v, t)
        # Central difference of a ~7 km/s motion: truncation ~1e-8 m/s, rounding ~1e-6 m/s.
        np.testing.assert_allclose(v_e, fd, atol=1e-5)
        r_i, v_i = ecef_to_eci_state(r_e, v_e, t)
        np.testing.assert_allclose(r_i, r0 + v * t, atol=1e-7)
        np.testing.assert_allclose(v_i, v, atol=1e-10)


def test_earth_fixed_point_inertial_speed():
    # At rest on the equator: inertial speed omega * a, eastward (NESC README, initial state).
    r = np.array([WGS84_A_M, 0.0, 0.0])
    _, v_i = ecef_to_eci_state(r, np.zeros(3), 0.0)
    np.testing.assert_allclose(v_i, [0.0, OMEGA_EARTH_RAD_S * WGS84_A_M, 0.0], atol=1e-12)


def test_local_frame_velocity_round_trip():
    frame = LocalFrame(28.5618571, -80.577366, 5.0)
    v = np.array([[10.0, -3.0, 250.0], [0.0, 0.0, -1.0]])
    np.testing.assert_allclose(frame.vel_to_enu(frame.vel_from_enu(v)), v, atol=1e-12)
    # Straight up in ENU is the ellipsoid normal in ECEF.
    up = frame.vel_from_enu([0.0, 0.0, 1.0])
    la, lo = RAD(28.5618571), RAD(-80.577366)
    n = [math.cos(la) * math.cos(lo), math.cos(la) * math.sin(lo), math.sin(la)]
    np.testing.assert_allclose(up, n, atol=1e-15)


# ----------------------------------------------------------------------------- geodesics
GRS80_F = 1.0 / 298.257222101
FLINDERS = (dms(37, 57, 3.72030, -1), dms(144, 25, 29.52440))
BUNINYONG = (dms(37, 39, 10.15610, -1), dms(143, 55, 35.38390))


def test_flinders_peak_buninyong():
    # Geoscience Australia / Vincenty example on GRS80: 54972.271 m, azimuth 306 52 05.37,
    # reverse azimuth 127 10 25.07 (printed to 1 mm and 0.01 arcsec).
    s, az1, az2 = geodesic_inverse(*FLINDERS, *BUNINYONG, f=GRS80_F)
    assert s == pytest.approx(54972.271, abs=1e-3)
    assert az1 == pytest.approx(dms(306, 52, 5.37), abs=0.006 / 3600)
    assert (az2 - 180.0) % 360.0 == pytest.approx(dms(127, 10, 25.07), abs=0.006 / 3600)
    lat, lon = downrange_point(*FLINDERS, dms(306, 52, 5.37), 54972.271, f=GRS80_F)
    # Inputs rounded to 0.005 arcsec in azimuth (~1.3 mm across 55 km) and 0.5 mm in distance.
    assert lat == pytest.approx(BUNINYONG[0], abs=1e-4 / 3600)
    assert lon == pytest.approx(BUNINYONG[1], abs=1e-4 / 3600)
    # WGS-84 vs GRS80 flattening (1.5e-9 relative) changes this line by far less than 1 mm.
    assert surface_distance_m(*FLINDERS, *BUNINYONG) == pytest.approx(54972.271, abs=1e-3)


BESSEL = (6377397.155, 1.0 / 299.1528128)
INTL = (6378388.0, 1.0 / 297.0)
# Vincenty (1975), Survey Review 23(176), Table II: ellipsoid, phi1, phi2, L, alpha1, s, alpha2.
VINCENTY_LINES = [
    (BESSEL, dms(55, 45, 0), dms(33, 26, 0, -1), dms(108, 13, 0), dms(96, 36, 8.79960),
     14110526.170, dms(137, 52, 22.01454)),
    (INTL, dms(37, 19, 54.95367), dms(26, 7, 42.83946), dms(41, 28, 35.50729),
     dms(95, 27, 59.63089), 4085966.703, dms(118, 5, 58.96161)),
    (INTL, dms(35, 16, 11.24862), dms(67, 22, 14.77638), dms(137, 47, 28.31435),
     dms(15, 44, 23.74850), 8084823.839, dms(144, 55, 39.92147)),
    (INTL, dms(1, 0, 0), dms(0, 59, 53.83076, -1), dms(179, 17, 48.02997), dms(89, 0, 0),
     19960000.000, dms(91, 0, 6.11733)),
    (INTL, dms(1, 0, 0), dms(1, 1, 15.18952), dms(179, 46, 17.84244), dms(4, 59, 59.99995),
     19780006.558, dms(174, 59, 59.88481)),
]


@pytest.mark.parametrize("ell, phi1, phi2, lon2, az1, s, az2", VINCENTY_LINES)
def test_vincenty_1975_lines(ell, phi1, phi2, lon2, az1, s, az2):
    a, f = ell
    lat, lon, az_end = geodesic_direct(phi1, 0.0, az1, s, a, f)
    # Direct: paper prints 1e-5 arcsec; Vincenty's series truncation adds a few 1e-5 arcsec.
    assert lat == pytest.approx(phi2, abs=1e-4 / 3600)
    assert lon == pytest.approx(lon2, abs=1e-4 / 3600)
    assert az_end == pytest.approx(az2, abs=1e-4 / 3600)
    if s < 1.9e7:  # lines (d), (e) are nearly antipodal: inverse checked only for (a)-(c)
        dist, a1, a2 = geodesic_inverse(phi1, 0.0, phi2, lon2, a, f)
        # Paper prints 1 mm; the formulae's truncation contributes up to ~0.7 mm here.
        assert dist == pytest.approx(s, abs=1.5e-3)
        assert a1 == pytest.approx(az1, abs=1e-4 / 3600)
        assert a2 == pytest.approx(az2, abs=1e-4 / 3600)


@settings(max_examples=200, deadline=None)
@given(st.floats(-80.0, 80.0), lon_s, st.floats(0.0, 359.9), st.floats(1.0, 3.0e6))
def test_direct_inverse_round_trip(lat, lon, az, dist):
    lat2, lon2 = downrange_point(lat, lon, az, dist)
    s, a1, _ = geodesic_inverse(lat, lon, lat2, lon2)
    assert s == pytest.approx(dist, abs=1e-4)  # both iterate to 1e-13 rad: sub-mm
    assert abs(math.remainder(a1 - az, 360.0)) < 1e-6


def test_nearly_antipodal_fallback_is_close():
    # Vincenty's iteration fails near antipodes: the documented great-circle fallback is within
    # 0.5 % of the true geodesic (Vincenty line (d) on the International ellipsoid: 19960000 m).
    a, f = INTL
    s, _, _ = geodesic_inverse(dms(1, 0, 0), 0.0, dms(0, 59, 53.83076, -1), dms(179, 17, 48.02997), a, f)
    assert s == pytest.approx(19960000.0, rel=5e-3)
