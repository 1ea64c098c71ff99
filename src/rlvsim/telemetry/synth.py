"""A simulated booster's altitude and speed as continuous functions of time, and synthetic
telemetry made from them the way the webcast overlay shows a flight.

:class:`Track` interpolates a trajectory table (Earth-relative speed magnitude, geodetic altitude,
time from liftoff): altitude by cubic Hermite with the recorded vertical speed as its slope, speed
by monotone cubic (PCHIP), so neither overshoots at engine start/stop rows.  Past the table's end
the last values hold (a stage on the ground stays there).

:func:`synthetic_telemetry` samples a track like the Falcon 9 overlay read by SpaceXtract
(docs/telemetry.md "Cleaning"): video frames at 30 fps, speed printed in whole km/h and exported
as k/3.6 truncated to 3 decimals, altitude in 0.1 km steps (1 km steps above 100 km).  Optional:
a readout that updates at its own rate (frames repeat the last value), a random phase of the
frame clock, and dropouts (frames removed, never filled).
"""
from __future__ import annotations

from pathlib import Path
from typing import Optional, Sequence

import numpy as np

from .readers import Telemetry

SPEED_STEP_M_S = 1.0 / 3.6       # one km/h
ALTITUDE_STEP_M = 100.0          # 0.1 km
ALTITUDE_STEP_HIGH_M = 1000.0    # 1 km, above HIGH_ABOVE_M
HIGH_ABOVE_M = 100_000.0


class Track:
    """Altitude (m) and speed (m/s) of one stage vs time (s from liftoff), from a trajectory
    table with columns ``time_s, altitude_m, vertical_speed_m_s, speed_m_s, phase``."""

    def __init__(self, table: dict):
        from scipy.interpolate import CubicHermiteSpline, PchipInterpolator

        t = np.asarray(table["time_s"], dtype=np.float64)
        # rows sharing a time (a stage's table starts where the stack's ends): keep the last
        keep = np.r_[np.diff(t) > 1e-9, True]
        self.time_s = t[keep]
        self.altitude_m = np.asarray(table["altitude_m"], dtype=np.float64)[keep]
        self.speed_m_s = np.asarray(table["speed_m_s"], dtype=np.float64)[keep]
        vz = np.asarray(table["vertical_speed_m_s"], dtype=np.float64)[keep]
        self.phase = np.asarray(table["phase"], dtype=object)[keep]
        if self.time_s.size < 2:
            raise ValueError("a track needs at least two trajectory rows")
        self._h = CubicHermiteSpline(self.time_s, self.altitude_m, vz, extrapolate=False)
        self._v = PchipInterpolator(self.time_s, self.speed_m_s, extrapolate=False)

    @classmethod
    def from_flight(cls, flight, stage: str = "booster") -> "Track":
        return cls(flight.stage(stage).trajectory)

    @property
    def t_end_s(self) -> float:
        return float(self.time_s[-1])

    def at(self, times_s) -> tuple[np.ndarray, np.ndarray]:
        """(altitude_m, speed_m_s) at ``times_s``; clamped to the first/last row outside the table."""
        t = np.clip(np.asarray(times_s, dtype=np.float64), self.time_s[0], self.time_s[-1])
        return self._h(t), np.maximum(self._v(t), 0.0)

    def phase_at(self, time_s: float) -> str:
        """The phase flown at ``time_s`` (that of the row starting the interval holding it)."""
        i = int(np.searchsorted(self.time_s, time_s, side="right"))
        return str(self.phase[min(max(i, 1), self.time_s.size - 1)])


def quantise_speed(v_m_s, step_m_s: float = SPEED_STEP_M_S) -> np.ndarray:
    """Nearest whole step (km/h by default), exported as k/3.6 truncated to 3 decimals."""
    k = np.round(np.asarray(v_m_s, dtype=np.float64) / step_m_s)
    return np.floor(k * step_m_s * 1000.0 + 1e-9) / 1000.0


def quantise_altitude(h_m, step_m: float = ALTITUDE_STEP_M, step_high_m: float = ALTITUDE_STEP_HIGH_M,
                      high_above_m: float = HIGH_ABOVE_M) -> np.ndarray:
    """Nearest 0.1 km (1 km at and above 100 km by default)."""
    h = np.asarray(h_m, dtype=np.float64)
    step = np.where(h >= high_above_m, step_high_m, step_m)
    return np.round(h / step) * step


def synthetic_telemetry(flight_or_track, *, stage: str = "booster", frame_rate_hz: float = 30.0,
                        readout_hz: Optional[float] = None, t_start_s: float = 0.0,
                        t_end_s: Optional[float] = None, seed: Optional[int] = None,
                        dropouts: Sequence[tuple[float, float]] = (),
                        speed_step_m_s: float = SPEED_STEP_M_S, altitude_step_m: float = ALTITUDE_STEP_M,
                        altitude_step_high_m: float = ALTITUDE_STEP_HIGH_M) -> Telemetry:
    """Telemetry of a simulated stage as the webcast overlay would show it (module doc).

    ``readout_hz``: the overlay's own update rate (default: every frame); each frame shows the
    value of the latest update.  ``seed``: random phases of the frame clock and of the readout
    (default: both zero).  ``dropouts``: (start_s, end_s) spans with no frames.  Ends at
    ``t_end_s`` or the track's last row (touchdown or impact)."""
    track = flight_or_track if isinstance(flight_or_track, Track) else Track.from_flight(flight_or_track, stage)
    rng = np.random.default_rng(seed)
    frame = 1.0 / frame_rate_hz
    t_end = track.t_end_s if t_end_s is None else min(t_end_s, track.t_end_s)
    phase = float(rng.uniform(0.0, frame)) if seed is not None else 0.0
    t = np.arange(t_start_s + phase, t_end + 1e-9, frame)
    for a, b in dropouts:
        t = t[(t < a) | (t > b)]
    t_read = t
    if readout_hz is not None:
        period = 1.0 / readout_hz
        r0 = float(rng.uniform(0.0, period)) if seed is not None else 0.0
        t_read = np.maximum(np.floor((t - r0) / period) * period + r0, t_start_s)
    h, v = track.at(t_read)
    notes = [f"synthetic: {t.size} frames at {frame_rate_hz:g} fps from {t[0]:.3f} to {t[-1]:.3f} s; "
             f"speed step {speed_step_m_s:.6g} m/s, altitude step {altitude_step_m:g} m "
             f"({altitude_step_high_m:g} m above {HIGH_ABOVE_M:g} m); readout "
             f"{'every frame' if readout_hz is None else f'{readout_hz:g} Hz'}; seed {seed}"]
    meta = {"notes": notes, "synthetic": {"frame_rate_hz": frame_rate_hz, "readout_hz": readout_hz,
                                          "seed": seed, "dropouts": list(dropouts)}}
    return Telemetry(np.round(t, 6), quantise_speed(v, speed_step_m_s),
                     quantise_altitude(h, altitude_step_m, altitude_step_high_m), 1, None, meta)


def write_telemetry_csv(tel: Telemetry, path) -> Path:
    """Write telemetry in the rlvsim CSV format (``time_s, velocity_m_s, altitude_m, stage``)
    that :func:`~rlvsim.telemetry.readers.read_telemetry` reads."""
    p = Path(path)
    stage = tel.stage if tel.stage is not None else 1
    rows = ["time_s,velocity_m_s,altitude_m,stage"]
    rows += [f"{t:.3f},{v:.3f},{h:.1f},{stage}" for t, v, h in zip(tel.time_s, tel.speed_m_s, tel.altitude_m)]
    p.write_text("\n".join(rows) + "\n", encoding="utf-8")
    return p
