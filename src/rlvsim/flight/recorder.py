"""Trajectory tables: one row per recorded instant, columns with units in their names."""
from __future__ import annotations

import math

import numpy as np

from ..earth.constants import G0_M_S2
from . import dynamics as D

COLUMNS = {
    "time_s": "s", "x_eci_m": "m", "y_eci_m": "m", "z_eci_m": "m",
    "vx_eci_m_s": "m/s", "vy_eci_m_s": "m/s", "vz_eci_m_s": "m/s", "mass_kg": "kg",
    "altitude_m": "m", "latitude_deg": "deg", "longitude_deg": "deg",
    "speed_m_s": "m/s (Earth-relative)", "vertical_speed_m_s": "m/s (geodetic up)",
    "mach": "1", "dynamic_pressure_Pa": "Pa", "thrust_N": "N", "throttle": "1",
    "accel_g": "g0 (sensed, non-gravitational)", "engines_lit": "1",
}


class Recorder:
    """Accumulates rows for one stage; `table()` returns columns as numpy arrays plus `phase`."""

    def __init__(self, stage: str):
        self.stage = stage
        self._rows: list[np.ndarray] = []
        self._phase: list[str] = []

    def add(self, t, y, body, phase: str) -> np.ndarray:
        d = body.derived(t, y)
        P = body.P
        lit = P[D.P_N_LIT] if d[D.D_THRUST] > 0 else 0.0
        row = np.array([
            t, *y[:7], d[D.D_ALT], math.degrees(d[D.D_LAT]), math.degrees(d[D.D_LON]),
            d[D.D_VREL], d[D.D_VUP], d[D.D_MACH], d[D.D_Q], d[D.D_THRUST],
            P[D.P_THROTTLE] if lit else 0.0, d[D.D_ACCEL] / G0_M_S2, lit])
        if self._rows and self._rows[-1][0] == t:
            self._rows[-1] = row
            self._phase[-1] = phase
        else:
            self._rows.append(row)
            self._phase.append(phase)
        return row

    def __len__(self):
        return len(self._rows)

    @property
    def last(self) -> np.ndarray:
        return self._rows[-1]

    def table(self) -> dict:
        arr = np.array(self._rows) if self._rows else np.zeros((0, len(COLUMNS)))
        out = {name: arr[:, i] for i, name in enumerate(COLUMNS)}
        out["phase"] = np.array(self._phase, dtype=object)
        return out
