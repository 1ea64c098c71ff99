"""Gravitational attraction (no centrifugal term): inverse-square or with the J2 zonal term.

Formulas as in NASA/TM-2015-218675 (NESC check cases) with r in an Earth-centred frame whose
z axis is the rotation axis (ECI or ECEF: J2 is axisymmetric about z so either works).
"""
from __future__ import annotations

import math

import numpy as np
from numba import njit

from .constants import GRAVITY_J2, J2_EARTH, J2_REFERENCE_RADIUS_M, MU_EARTH_M3_S2


@njit(cache=True, fastmath=False)
def gravity_accel(x, y, z, model, mu, j2, r_ref):
    """Acceleration (m/s^2) at (x, y, z) m.  model: 0 inverse-square, 1 J2."""
    r2 = x * x + y * y + z * z
    r = math.sqrt(r2)
    k0 = -mu / (r2 * r)
    if model == GRAVITY_J2:
        k = 1.5 * j2 * (r_ref * r_ref) / r2
        s = z * z / r2
        fxy = 1.0 + k * (1.0 - 5.0 * s)
        fz = 1.0 + k * (3.0 - 5.0 * s)
        return k0 * x * fxy, k0 * y * fxy, k0 * z * fz
    return k0 * x, k0 * y, k0 * z


def gravity(r_m, model: str = "j2", mu: float = MU_EARTH_M3_S2, j2: float = J2_EARTH,
            r_ref: float = J2_REFERENCE_RADIUS_M) -> np.ndarray:
    """Vectorised convenience wrapper: r_m shape (3,) or (n, 3) -> acceleration, same shape."""
    r = np.atleast_2d(np.asarray(r_m, dtype=float))
    code = GRAVITY_J2 if model == "j2" else 0
    out = np.array([gravity_accel(p[0], p[1], p[2], code, mu, j2, r_ref) for p in r])
    return out.reshape(np.shape(r_m))
