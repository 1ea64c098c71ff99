"""U.S. Standard Atmosphere 1976 (NOAA-S/T 76-1562 = NASA-TM-X-74335), geometric altitude input.

Below 86 km: the standard's seven layers, computed from its defining constants
(R* = 8314.32 J/(kmol K), M0 = 28.9644 kg/kmol, g0 = 9.80665 m/s^2, r0 = 6356766 m) at the
geopotential altitude H = r0 h / (r0 + h).  Layer-base pressures are derived from the layer
formulas (they reproduce the standard's Table 4 values).  Between 80 and 86 km the kinetic
temperature is T_M * (M/M0) with the molecular-weight ratio of the standard's Table 8.
Density uses the molecular-scale temperature (rho = p M0 / (R* T_M)), as the standard does.
From -5 km (the standard's lower end) to 0 the first layer simply continues; below -5 km the
-5 km values are returned (clamped).

Above 86 km (the standard's heterosphere) this module does not integrate the species
diffusion equations.  Instead:
* temperature: the standard's closed-form kinetic-temperature profile (isothermal 86-91 km,
  elliptical arc 91-110 km, linear 110-120 km, exponential approach to 1000 K above 120 km);
* density and pressure: log-linear interpolation between values printed in the standard's
  Table I (geometric altitude), nodes listed in ``_RHO_NODES`` / ``_P_NODES``.  The 86 km node is
  the value of the lower model at 86 km, so p and rho are exactly continuous there.  Between
  nodes the interpolation is within 1.5 % of the printed table (checked in the tests);
* 1000-2000 km: log-linear extrapolation with the 950-1000 km slope (the standard stops at
  1000 km); above 2000 km the 2000 km values are multiplied by exp(-(h - 2000 km) / 10 km), i.e.
  density and pressure fall to essentially zero.  Temperature stays on the 1000 K asymptote.
* speed of sound above 86 km: sqrt(1.4 R* T / M) with M frozen at its 86 km value
  (0.999579 M0), continuous at 86 km.  The real gas above ~100 km is not a diatomic ideal gas of
  fixed M: the value is only meant for Mach numbers, which do not matter there.
"""
from __future__ import annotations

import math
from typing import NamedTuple

import numpy as np
from numba import njit

R0_GEOPOTENTIAL_M = 6356766.0
RSTAR_J_KMOL_K = 8314.32
M0_KG_KMOL = 28.9644
G0_M_S2 = 9.80665
GAMMA_AIR = 1.4
R_AIR_J_KG_K = RSTAR_J_KMOL_K / M0_KG_KMOL

# Table 4 of the standard: geopotential layer bases (m') and molecular-scale lapse rates (K/m').
_HB = np.array([0.0, 11000.0, 20000.0, 32000.0, 47000.0, 51000.0, 71000.0, 84852.0])
_LB = np.array([-6.5e-3, 0.0, 1.0e-3, 2.8e-3, 0.0, -2.8e-3, -2.0e-3, 0.0])
_GMR = G0_M_S2 * M0_KG_KMOL / RSTAR_J_KMOL_K  # K/m'


def _layer_bases():
    """Base molecular-scale temperatures and pressures of the seven layers (Table 4)."""
    tb = np.empty(8)
    pb = np.empty(8)
    tb[0], pb[0] = 288.15, 101325.0
    for i in range(7):
        dh = _HB[i + 1] - _HB[i]
        tb[i + 1] = tb[i] + _LB[i] * dh
        if _LB[i] == 0.0:
            pb[i + 1] = pb[i] * math.exp(-_GMR * dh / tb[i])
        else:
            pb[i + 1] = pb[i] * (tb[i] / tb[i + 1]) ** (_GMR / _LB[i])
    return tb, pb


_TB, _PB = _layer_bases()

# Table 8 of the standard: M/M0 at geometric altitudes 80.0 ... 86.0 km, every 0.5 km.
_MRATIO_Z0_M = 80000.0
_MRATIO = np.array([1.000000, 0.999996, 0.999989, 0.999971, 0.999941, 0.999909, 0.999870,
                    0.999829, 0.999786, 0.999741, 0.999694, 0.999641, 0.999579])
_MRATIO_86 = 0.999579

Z86_M = 86000.0
_Z_TOP_M = 1.0e6
_Z_CUT_M = 2.0e6
_CUT_SCALE_M = 1.0e4

# Table I of the standard (geometric altitude), density in kg/m^3, nodes used for interpolation.
# The 86 km entry is replaced by the lower model's own value at 86 km (printed: 6.958e-6).
_RHO_TABLE = np.array([
    (86, 6.958e-06), (88, 4.875e-06), (90, 3.416e-06), (92, 2.393e-06), (94, 1.67e-06),
    (96, 1.162e-06), (98, 8.071e-07), (100, 5.604e-07), (104, 2.769e-07), (108, 1.381e-07),
    (110, 9.708e-08), (112, 6.838e-08), (116, 3.72e-08), (120, 2.222e-08), (124, 1.428e-08),
    (128, 9.717e-09), (132, 6.904e-09), (136, 5.074e-09), (140, 3.831e-09), (144, 2.958e-09),
    (150, 2.076e-09), (160, 1.233e-09), (170, 7.815e-10), (180, 5.194e-10), (190, 3.581e-10),
    (200, 2.541e-10), (210, 1.846e-10), (220, 1.367e-10), (230, 1.029e-10), (240, 7.858e-11),
    (250, 6.073e-11), (260, 4.742e-11), (270, 3.738e-11), (280, 2.971e-11), (290, 2.378e-11),
    (300, 1.916e-11), (320, 1.264e-11), (340, 8.503e-12), (360, 5.805e-12), (380, 4.013e-12),
    (400, 2.803e-12), (440, 1.402e-12), (480, 7.208e-13), (500, 5.215e-13), (550, 2.384e-13),
    (600, 1.137e-13), (650, 5.712e-14), (700, 3.07e-14), (750, 1.788e-14), (800, 1.136e-14),
    (850, 7.824e-15), (900, 5.759e-15), (950, 4.453e-15), (1000, 3.561e-15),
])
# Table I pressures (Pa) at geometric altitude; the 86 km entry (printed 3.7338e-1) is replaced
# the same way.
_P_TABLE = np.array([
    (86, 3.7338e-01), (88, 2.6173e-01), (90, 1.8359e-01), (92, 1.2887e-01), (94, 9.0560e-02),
    (96, 6.3765e-02), (98, 4.5057e-02), (100, 3.2011e-02), (105, 1.4477e-02), (110, 7.1042e-03),
    (115, 4.0096e-03), (120, 2.5382e-03), (130, 1.2505e-03), (150, 4.5422e-04),
    (175, 1.7936e-04), (200, 8.4736e-05), (250, 2.4767e-05), (300, 8.7704e-06),
    (400, 1.4518e-06), (500, 3.0236e-07), (600, 8.2130e-08), (700, 3.1908e-08),
    (800, 1.7036e-08), (900, 1.0873e-08), (1000, 7.5138e-09),
])


@njit(cache=True)
def _lower(h_m, z_clamped_m):
    """Layers 0-6 (h <= 86 km).  Returns (T_kinetic, p, rho, T_M)."""
    hp = R0_GEOPOTENTIAL_M * h_m / (R0_GEOPOTENTIAL_M + h_m)
    i = 0
    while i < 6 and hp >= _HB[i + 1]:
        i += 1
    dh = hp - _HB[i]
    lapse = _LB[i]
    tm = _TB[i] + lapse * dh
    if lapse == 0.0:
        p = _PB[i] * math.exp(-_GMR * dh / _TB[i])
    else:
        p = _PB[i] * (_TB[i] / tm) ** (_GMR / lapse)
    rho = p * M0_KG_KMOL / (RSTAR_J_KMOL_K * tm)
    t = tm
    if z_clamped_m > _MRATIO_Z0_M:
        x = (z_clamped_m - _MRATIO_Z0_M) / 500.0
        k = min(int(x), 11)
        f = x - k
        t = tm * (_MRATIO[k] + f * (_MRATIO[k + 1] - _MRATIO[k]))
    return t, p, rho, tm


def _nodes(table, value_at_86):
    z = table[:, 0] * 1000.0
    logv = np.log(table[:, 1])
    logv[0] = math.log(value_at_86)
    return z, logv


_T86, _P86, _RHO86, _TM86 = _lower.py_func(Z86_M, Z86_M)  # pure Python: no compile at import
_ZR, _LOGR = _nodes(_RHO_TABLE, _RHO86)
_ZP, _LOGP = _nodes(_P_TABLE, _P86)


@njit(cache=True)
def _loglin(z, zs, logv):
    """Log-linear interpolation; linear extrapolation of log(value) beyond the last node."""
    n = zs.shape[0]
    if z >= zs[n - 1]:
        j = n - 2
    else:
        j = np.searchsorted(zs, z, side="right") - 1
        if j < 0:
            j = 0
    s = (logv[j + 1] - logv[j]) / (zs[j + 1] - zs[j])
    return math.exp(logv[j] + s * (z - zs[j]))


@njit(cache=True)
def _upper_temperature(z_m):
    """Kinetic temperature of the standard above 86 km (continued to any altitude)."""
    zk = z_m / 1000.0
    if zk < 91.0:
        return 186.8673
    if zk < 110.0:
        u = (zk - 91.0) / -19.9429
        return 263.1905 - 76.3232 * math.sqrt(max(0.0, 1.0 - u * u))
    if zk < 120.0:
        return 240.0 + 12.0 * (zk - 110.0)
    r0k = R0_GEOPOTENTIAL_M / 1000.0
    xi = (zk - 120.0) * (r0k + 120.0) / (r0k + zk)
    return 1000.0 - 640.0 * math.exp(-0.01875 * xi)


@njit(cache=True)
def us76(h_m):
    """(T_K, p_Pa, rho_kg_m3, a_m_s) of US76 at geometric altitude h_m (see module doc)."""
    if not (h_m == h_m):
        nan = math.nan
        return nan, nan, nan, nan
    if h_m <= Z86_M:
        z = max(h_m, -5000.0)
        t, p, rho, tm = _lower(z, z)
        return t, p, rho, math.sqrt(GAMMA_AIR * R_AIR_J_KG_K * tm)
    t = _upper_temperature(h_m)
    a = math.sqrt(GAMMA_AIR * R_AIR_J_KG_K * t / _MRATIO_86)
    z = min(h_m, _Z_CUT_M)
    rho = _loglin(z, _ZR, _LOGR)
    p = _loglin(z, _ZP, _LOGP)
    if h_m > _Z_CUT_M:
        f = math.exp(-(h_m - _Z_CUT_M) / _CUT_SCALE_M)
        rho *= f
        p *= f
    return t, p, rho, a


@njit(cache=True)
def _us76_many(h):
    n = h.shape[0]
    out = np.empty((4, n))
    for i in range(n):
        t, p, rho, a = us76(h[i])
        out[0, i] = t
        out[1, i] = p
        out[2, i] = rho
        out[3, i] = a
    return out


class AtmosphereState(NamedTuple):
    """US76 state; each field has the shape of the altitude argument."""

    temperature_K: np.ndarray
    pressure_Pa: np.ndarray
    density_kg_m3: np.ndarray
    speed_of_sound_m_s: np.ndarray


def atmosphere(h_m) -> AtmosphereState:
    """Vectorised :func:`us76`: h_m (geometric altitude, m) scalar or array of any shape."""
    h = np.asarray(h_m, dtype=np.float64)
    out = _us76_many(np.ascontiguousarray(h.ravel()))
    return AtmosphereState(*(out[k].reshape(h.shape) for k in range(4)))
