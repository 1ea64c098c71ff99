"""WGS-84 frames: geodetic <-> ECEF, NED/ENU bases, ECI <-> ECEF, a local ENU frame, geodesics.

Conventions
* ECEF: origin at the Earth's centre, z along the rotation axis, x through (lat 0, lon 0).
* ECI: coincides with ECEF at t = 0 when theta0 = 0; ECEF turns about +z by
  theta(t) = theta0 + omega t, so r_ECEF = R3(theta) r_ECI with
  R3 = [[cos, sin, 0], [-sin, cos, 0], [0, 0, 1]].
* Velocities "in ECEF" are relative to the rotating Earth: v_ECEF = R3 (v_ECI - omega x r_ECI).
* Geodetic latitude/height use the ellipsoid normal; f = 0 gives a sphere of radius a.
* Bases are 3x3 matrices whose ROWS are the unit vectors expressed in ECEF, so
  x_local = basis @ x_ECEF and x_ECEF = basis.T @ x_local.
"""
from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np
from numba import njit

from .constants import OMEGA_EARTH_RAD_S, WGS84_A_M, WGS84_F


# --------------------------------------------------------------------------- geodetic <-> ECEF
@njit(cache=True)
def geodetic_to_ecef_xyz(lat_rad, lon_rad, h_m, a=WGS84_A_M, f=WGS84_F):
    """Scalar kernel: geodetic (rad, rad, m) -> ECEF (x, y, z) m (NIMA TR8350.2 eq. 4-14)."""
    e2 = f * (2.0 - f)
    sl = math.sin(lat_rad)
    cl = math.cos(lat_rad)
    n = a / math.sqrt(1.0 - e2 * sl * sl)
    return ((n + h_m) * cl * math.cos(lon_rad), (n + h_m) * cl * math.sin(lon_rad),
            (n * (1.0 - e2) + h_m) * sl)


def geodetic_to_ecef(lat_rad, lon_rad, h_m, a: float = WGS84_A_M, f: float = WGS84_F) -> np.ndarray:
    """Geodetic -> ECEF position (m).  Scalars give shape (3,); arrays broadcast to (..., 3)."""
    lat, lon, h = np.broadcast_arrays(*(np.asarray(v, dtype=float) for v in (lat_rad, lon_rad, h_m)))
    e2 = f * (2.0 - f)
    sl, cl = np.sin(lat), np.cos(lat)
    n = a / np.sqrt(1.0 - e2 * sl * sl)
    return np.stack([(n + h) * cl * np.cos(lon), (n + h) * cl * np.sin(lon), (n * (1.0 - e2) + h) * sl],
                    axis=-1)


@njit(cache=True)
def ecef_to_geodetic(x, y, z, a=WGS84_A_M, f=WGS84_F):
    """ECEF (m) -> (lat_rad, lon_rad, h_m), closed form (Heikkinen 1982), no iteration.

    Exact to rounding (< 1e-8 m, < 1e-14 rad in tests) for |h| up to several thousand km.
    Not valid within about 50 km of the Earth's centre.  f = 0 is handled as a sphere.
    """
    lon = math.atan2(y, x)
    p2 = x * x + y * y
    p = math.sqrt(p2)
    if f == 0.0:
        return math.atan2(z, p), lon, math.sqrt(p2 + z * z) - a
    e2 = f * (2.0 - f)
    b = a * (1.0 - f)
    a2 = a * a
    b2 = b * b
    z2 = z * z
    ff = 54.0 * b2 * z2
    g = p2 + (1.0 - e2) * z2 - e2 * (a2 - b2)
    c = e2 * e2 * ff * p2 / (g * g * g)
    s = (1.0 + c + math.sqrt(c * c + 2.0 * c)) ** (1.0 / 3.0)
    k = s + 1.0 + 1.0 / s
    pp = ff / (3.0 * k * k * g * g)
    q = math.sqrt(1.0 + 2.0 * e2 * e2 * pp)
    rad = 0.5 * a2 * (1.0 + 1.0 / q) - pp * (1.0 - e2) * z2 / (q * (1.0 + q)) - 0.5 * pp * p2
    r0 = -(pp * e2 * p) / (1.0 + q) + math.sqrt(max(rad, 0.0))
    t = p - e2 * r0
    u = math.sqrt(t * t + z2)
    v = math.sqrt(t * t + (1.0 - e2) * z2)
    z0 = b2 * z / (a * v)
    h = u * (1.0 - b2 / (a * v))
    lat = math.atan2(z + (a2 - b2) / b2 * z0, p)
    return lat, lon, h


def ecef_to_geodetic_array(r_ecef_m, a: float = WGS84_A_M, f: float = WGS84_F):
    """Vectorised :func:`ecef_to_geodetic`: r shape (3,) or (n, 3) -> (lat_rad, lon_rad, h_m)."""
    r = np.asarray(r_ecef_m, dtype=float)
    flat = r.reshape(-1, 3)
    out = np.array([ecef_to_geodetic(p[0], p[1], p[2], a, f) for p in flat]).reshape(-1, 3)
    if r.ndim == 1:
        return float(out[0, 0]), float(out[0, 1]), float(out[0, 2])
    return out[:, 0], out[:, 1], out[:, 2]


# --------------------------------------------------------------------------- local bases
@njit(cache=True)
def ned_basis(lat_rad, lon_rad):
    """3x3 matrix whose rows are the North, East, Down unit vectors in ECEF."""
    sl, cl = math.sin(lat_rad), math.cos(lat_rad)
    so, co = math.sin(lon_rad), math.cos(lon_rad)
    m = np.empty((3, 3))
    m[0, 0], m[0, 1], m[0, 2] = -sl * co, -sl * so, cl
    m[1, 0], m[1, 1], m[1, 2] = -so, co, 0.0
    m[2, 0], m[2, 1], m[2, 2] = -cl * co, -cl * so, -sl
    return m


@njit(cache=True)
def enu_basis(lat_rad, lon_rad):
    """3x3 matrix whose rows are the East, North, Up unit vectors in ECEF."""
    sl, cl = math.sin(lat_rad), math.cos(lat_rad)
    so, co = math.sin(lon_rad), math.cos(lon_rad)
    m = np.empty((3, 3))
    m[0, 0], m[0, 1], m[0, 2] = -so, co, 0.0
    m[1, 0], m[1, 1], m[1, 2] = -sl * co, -sl * so, cl
    m[2, 0], m[2, 1], m[2, 2] = cl * co, cl * so, sl
    return m


# --------------------------------------------------------------------------- ECI <-> ECEF
def _rotate_z(vec, theta, sign):
    """Apply R3(sign * theta) to rows of vec; vec (3,) or (n, 3), theta scalar or (n,)."""
    v = np.asarray(vec, dtype=float)
    th = sign * np.asarray(theta, dtype=float)
    c, s = np.cos(th), np.sin(th)
    x, y = v[..., 0], v[..., 1]
    out = np.empty(np.broadcast_shapes(v.shape, np.shape(th) + (3,)))
    out[..., 0] = c * x + s * y
    out[..., 1] = -s * x + c * y
    out[..., 2] = v[..., 2]
    return out


def _omega_cross(r, omega):
    r = np.asarray(r, dtype=float)
    out = np.zeros_like(r)
    out[..., 0] = -omega * r[..., 1]
    out[..., 1] = omega * r[..., 0]
    return out


def earth_rotation_angle(t_s, omega: float = OMEGA_EARTH_RAD_S, theta0_rad: float = 0.0):
    """Angle (rad) of the ECEF x axis from the ECI x axis at time t_s."""
    return theta0_rad + omega * np.asarray(t_s, dtype=float)


def eci_to_ecef_position(r_eci, t_s, omega: float = OMEGA_EARTH_RAD_S, theta0_rad: float = 0.0):
    """ECI position(s) (3,) or (n, 3) at time(s) t_s -> ECEF, same shape."""
    return _rotate_z(r_eci, earth_rotation_angle(t_s, omega, theta0_rad), 1.0)


def ecef_to_eci_position(r_ecef, t_s, omega: float = OMEGA_EARTH_RAD_S, theta0_rad: float = 0.0):
    """ECEF position(s) -> ECI (inverse of :func:`eci_to_ecef_position`)."""
    return _rotate_z(r_ecef, earth_rotation_angle(t_s, omega, theta0_rad), -1.0)


def eci_to_ecef_state(r_eci, v_eci, t_s, omega: float = OMEGA_EARTH_RAD_S, theta0_rad: float = 0.0):
    """(r, v) ECI -> (r, v) ECEF; v_ECEF is relative to the rotating Earth."""
    th = earth_rotation_angle(t_s, omega, theta0_rad)
    v_rel = np.asarray(v_eci, dtype=float) - _omega_cross(r_eci, omega)
    return _rotate_z(r_eci, th, 1.0), _rotate_z(v_rel, th, 1.0)


def ecef_to_eci_state(r_ecef, v_ecef, t_s, omega: float = OMEGA_EARTH_RAD_S, theta0_rad: float = 0.0):
    """(r, v) ECEF (v relative to the Earth) -> (r, v) ECI."""
    th = earth_rotation_angle(t_s, omega, theta0_rad)
    r_eci = _rotate_z(r_ecef, th, -1.0)
    return r_eci, _rotate_z(v_ecef, th, -1.0) + _omega_cross(r_eci, omega)


# --------------------------------------------------------------------------- local ENU frame
@dataclass(frozen=True)
class LocalFrame:
    """East-North-Up frame with origin at a geodetic point (WGS-84 unless a, f given)."""

    lat_deg: float
    lon_deg: float
    alt_m: float = 0.0
    a: float = WGS84_A_M
    f: float = WGS84_F
    origin_ecef_m: np.ndarray = field(init=False, repr=False, compare=False)
    basis: np.ndarray = field(init=False, repr=False, compare=False)

    def __post_init__(self):
        lat, lon = math.radians(self.lat_deg), math.radians(self.lon_deg)
        object.__setattr__(self, "origin_ecef_m", geodetic_to_ecef(lat, lon, self.alt_m, self.a, self.f))
        object.__setattr__(self, "basis", enu_basis(lat, lon))

    def to_enu(self, r_ecef_m):
        """ECEF position(s) (3,) or (n, 3) -> ENU coordinates (m) about the origin."""
        return (np.asarray(r_ecef_m, dtype=float) - self.origin_ecef_m) @ self.basis.T

    def from_enu(self, x_enu_m):
        """ENU coordinates (3,) or (n, 3) -> ECEF position(s)."""
        return np.asarray(x_enu_m, dtype=float) @ self.basis + self.origin_ecef_m

    def vel_to_enu(self, v_ecef_m_s):
        """Earth-relative velocity (ECEF axes) -> ENU axes."""
        return np.asarray(v_ecef_m_s, dtype=float) @ self.basis.T

    def vel_from_enu(self, v_enu_m_s):
        """ENU-axes velocity -> ECEF axes."""
        return np.asarray(v_enu_m_s, dtype=float) @ self.basis


# --------------------------------------------------------------------------- geodesics (Vincenty)
def _vincenty_ab(u2):
    big_a = 1.0 + u2 / 16384.0 * (4096.0 + u2 * (-768.0 + u2 * (320.0 - 175.0 * u2)))
    big_b = u2 / 1024.0 * (256.0 + u2 * (-128.0 + u2 * (74.0 - 47.0 * u2)))
    return big_a, big_b


def _delta_sigma(big_b, sin_s, cos_s, cos2sm):
    return big_b * sin_s * (cos2sm + big_b / 4.0 * (
        cos_s * (-1.0 + 2.0 * cos2sm * cos2sm)
        - big_b / 6.0 * cos2sm * (-3.0 + 4.0 * sin_s * sin_s) * (-3.0 + 4.0 * cos2sm * cos2sm)))


def geodesic_inverse(lat1_deg, lon1_deg, lat2_deg, lon2_deg, a: float = WGS84_A_M, f: float = WGS84_F):
    """Vincenty (1975) inverse: (distance_m, azimuth1_deg, azimuth2_deg), azimuths clockwise
    from north in [0, 360), azimuth2 being the forward direction at point 2.

    Accuracy ~0.1 mm.  For nearly antipodal points, where the iteration does not converge in 200
    steps, the distance falls back to a great circle on the sphere of radius (2a + b)/3 (error
    below 0.5 %) and the azimuths are those of the last iterate.
    """
    b = a * (1.0 - f)
    phi1, phi2 = math.radians(lat1_deg), math.radians(lat2_deg)
    big_l = math.radians(((lon2_deg - lon1_deg + 180.0) % 360.0) - 180.0)
    u1 = math.atan((1.0 - f) * math.tan(phi1))
    u2_ = math.atan((1.0 - f) * math.tan(phi2))
    su1, cu1, su2, cu2 = math.sin(u1), math.cos(u1), math.sin(u2_), math.cos(u2_)
    lam = big_l
    converged = False
    for _ in range(200):
        sl, cl = math.sin(lam), math.cos(lam)
        sin_s = math.hypot(cu2 * sl, cu1 * su2 - su1 * cu2 * cl)
        if sin_s == 0.0:
            return 0.0, 0.0, 0.0
        cos_s = su1 * su2 + cu1 * cu2 * cl
        sigma = math.atan2(sin_s, cos_s)
        sin_al = cu1 * cu2 * sl / sin_s
        cos2al = 1.0 - sin_al * sin_al
        cos2sm = cos_s - 2.0 * su1 * su2 / cos2al if cos2al != 0.0 else 0.0
        c = f / 16.0 * cos2al * (4.0 + f * (4.0 - 3.0 * cos2al))
        lam_prev = lam
        lam = big_l + (1.0 - c) * f * sin_al * (
            sigma + c * sin_s * (cos2sm + c * cos_s * (-1.0 + 2.0 * cos2sm * cos2sm)))
        if abs(lam - lam_prev) < 1e-13:
            converged = True
            break
    az1 = math.degrees(math.atan2(cu2 * math.sin(lam), cu1 * su2 - su1 * cu2 * math.cos(lam))) % 360.0
    az2 = math.degrees(math.atan2(cu1 * math.sin(lam), -su1 * cu2 + cu1 * su2 * math.cos(lam))) % 360.0
    if not converged:
        p1 = geodetic_to_ecef(phi1, math.radians(lon1_deg), 0.0, 1.0, 0.0)
        p2 = geodetic_to_ecef(phi2, math.radians(lon2_deg), 0.0, 1.0, 0.0)
        ang = math.atan2(np.linalg.norm(np.cross(p1, p2)), float(np.dot(p1, p2)))
        return (2.0 * a + b) / 3.0 * ang, az1, az2
    big_a, big_b = _vincenty_ab(cos2al * (a * a - b * b) / (b * b))
    s = b * big_a * (sigma - _delta_sigma(big_b, sin_s, cos_s, cos2sm))
    return s, az1, az2


def geodesic_direct(lat_deg, lon_deg, azimuth_deg, distance_m, a: float = WGS84_A_M, f: float = WGS84_F):
    """Vincenty (1975) direct: -> (lat2_deg, lon2_deg, azimuth2_deg forward at the end point)."""
    b = a * (1.0 - f)
    alpha1 = math.radians(azimuth_deg)
    sa1, ca1 = math.sin(alpha1), math.cos(alpha1)
    u1 = math.atan((1.0 - f) * math.tan(math.radians(lat_deg)))
    su1, cu1 = math.sin(u1), math.cos(u1)
    sigma1 = math.atan2(math.tan(u1), ca1)
    sin_al = cu1 * sa1
    cos2al = 1.0 - sin_al * sin_al
    big_a, big_b = _vincenty_ab(cos2al * (a * a - b * b) / (b * b))
    sigma = distance_m / (b * big_a)
    for _ in range(200):
        cos2sm = math.cos(2.0 * sigma1 + sigma)
        sin_s, cos_s = math.sin(sigma), math.cos(sigma)
        sigma_prev = sigma
        sigma = distance_m / (b * big_a) + _delta_sigma(big_b, sin_s, cos_s, cos2sm)
        if abs(sigma - sigma_prev) < 1e-14:
            break
    sin_s, cos_s = math.sin(sigma), math.cos(sigma)
    cos2sm = math.cos(2.0 * sigma1 + sigma)
    tmp = su1 * sin_s - cu1 * cos_s * ca1
    phi2 = math.atan2(su1 * cos_s + cu1 * sin_s * ca1, (1.0 - f) * math.hypot(sin_al, tmp))
    lam = math.atan2(sin_s * sa1, cu1 * cos_s - su1 * sin_s * ca1)
    c = f / 16.0 * cos2al * (4.0 + f * (4.0 - 3.0 * cos2al))
    big_l = lam - (1.0 - c) * f * sin_al * (
        sigma + c * sin_s * (cos2sm + c * cos_s * (-1.0 + 2.0 * cos2sm * cos2sm)))
    lon2 = ((lon_deg + math.degrees(big_l) + 180.0) % 360.0) - 180.0
    az2 = math.degrees(math.atan2(sin_al, -tmp)) % 360.0
    return math.degrees(phi2), lon2, az2


def surface_distance_m(lat1_deg, lon1_deg, lat2_deg, lon2_deg, a: float = WGS84_A_M,
                       f: float = WGS84_F) -> float:
    """Geodesic distance (m) on the ellipsoid between two geodetic points (Vincenty)."""
    return geodesic_inverse(lat1_deg, lon1_deg, lat2_deg, lon2_deg, a, f)[0]


def downrange_point(lat_deg, lon_deg, azimuth_deg, distance_m, a: float = WGS84_A_M,
                    f: float = WGS84_F) -> tuple[float, float]:
    """Point (lat_deg, lon_deg) reached along the geodesic leaving at azimuth_deg (from north)."""
    lat2, lon2, _ = geodesic_direct(lat_deg, lon_deg, azimuth_deg, distance_m, a, f)
    return lat2, lon2
