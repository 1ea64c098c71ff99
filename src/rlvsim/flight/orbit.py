"""Keplerian elements from an ECI state (two-body, mu of the Earth model)."""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..earth.constants import MU_EARTH_M3_S2, WGS84_A_M


@dataclass(frozen=True)
class Orbit:
    semi_major_axis_m: float
    eccentricity: float
    inclination_deg: float
    raan_deg: float
    perigee_radius_m: float
    apogee_radius_m: float
    specific_energy_J_kg: float

    def perigee_alt_m(self, r_ref_m: float = WGS84_A_M) -> float:
        return self.perigee_radius_m - r_ref_m

    def apogee_alt_m(self, r_ref_m: float = WGS84_A_M) -> float:
        return self.apogee_radius_m - r_ref_m

    @property
    def period_s(self) -> float:
        a = self.semi_major_axis_m
        return float(2 * np.pi * np.sqrt(a ** 3 / MU_EARTH_M3_S2)) if a > 0 else float("inf")


def orbit_from_state(r_eci_m, v_eci_m_s, mu: float = MU_EARTH_M3_S2) -> Orbit:
    """Osculating elements.  Altitudes above the equatorial radius are the convention used for
    'orbit altitude' throughout rlvsim (a 200 km orbit has radius a_WGS84 + 200 km)."""
    r = np.asarray(r_eci_m, float)
    v = np.asarray(v_eci_m_s, float)
    rn = np.linalg.norm(r)
    energy = 0.5 * v @ v - mu / rn
    h = np.cross(r, v)
    hn = np.linalg.norm(h)
    e_vec = np.cross(v, h) / mu - r / rn
    e = float(np.linalg.norm(e_vec))
    a = -mu / (2 * energy) if energy < 0 else float("inf")
    inc = float(np.degrees(np.arccos(np.clip(h[2] / hn, -1, 1)))) if hn > 0 else 0.0
    node = np.cross([0.0, 0.0, 1.0], h)
    raan = float(np.degrees(np.arctan2(node[1], node[0]))) % 360.0
    p = hn * hn / mu
    rp = p / (1 + e)
    ra = p / (1 - e) if e < 1 else float("inf")
    return Orbit(a, e, inc, raan, rp, ra, float(energy))
