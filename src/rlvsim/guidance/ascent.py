"""First-stage ascent steering: vertical rise, pitch kick toward the launch azimuth, gravity turn.

Directions are unit vectors in ECI.  The local frame here is geodetic East-North-Up at the
vehicle's position.
"""
from __future__ import annotations

import math

import numpy as np


def enu_axes_eci(lat_rad: float, lon_rad: float, t_s: float, theta0_rad: float, omega_rad_s: float):
    """East, North, Up unit vectors (ECI) at geodetic (lat, lon) at time t."""
    th = theta0_rad + omega_rad_s * t_s
    lam = lon_rad + th                      # inertial longitude
    sl, cl = math.sin(lat_rad), math.cos(lat_rad)
    so, co = math.sin(lam), math.cos(lam)
    east = np.array([-so, co, 0.0])
    north = np.array([-sl * co, -sl * so, cl])
    up = np.array([cl * co, cl * so, sl])
    return east, north, up


def launch_azimuth_deg(lat_deg: float, inclination_deg: float, orbit_speed_m_s: float = 7800.0,
                       omega_rad_s: float = 7.292115e-5, r_m: float = 6378137.0,
                       ascending: bool = True) -> float:
    """Launch azimuth (deg from north) for a target inclination, corrected for the Earth's rotation.

    Inertial azimuth sin(beta_i) = cos(i) / cos(lat) (spherical trigonometry), then rotated into the
    Earth-relative frame by subtracting the surface speed.  If the inclination is below the latitude
    the due-east launch (minimum inclination) is returned.
    """
    lat = math.radians(lat_deg)
    ci = math.cos(math.radians(inclination_deg))
    s = ci / math.cos(lat)
    s = max(-1.0, min(1.0, s))
    beta_i = math.asin(s)
    if not ascending:
        beta_i = math.pi - beta_i
    v_e = orbit_speed_m_s * math.sin(beta_i) - omega_rad_s * r_m * math.cos(lat)
    v_n = orbit_speed_m_s * math.cos(beta_i)
    return math.degrees(math.atan2(v_e, v_n)) % 360.0


def tilted(up: np.ndarray, east: np.ndarray, north: np.ndarray, azimuth_deg: float,
           tilt_deg: float) -> np.ndarray:
    """Unit vector tilted ``tilt_deg`` from ``up`` toward ``azimuth_deg`` (from north)."""
    az = math.radians(azimuth_deg)
    hz = math.sin(az) * east + math.cos(az) * north
    k = math.radians(tilt_deg)
    return math.cos(k) * up + math.sin(k) * hz


def throttle_at(schedule, t_s: float) -> float:
    """Piecewise-linear throttle schedule [[t, throttle], ...]; 1 before and last value after."""
    if not schedule:
        return 1.0
    ts = [p[0] for p in schedule]
    vs = [p[1] for p in schedule]
    if t_s <= ts[0]:
        return 1.0 if t_s < ts[0] else vs[0]
    return float(np.interp(t_s, ts, vs))
