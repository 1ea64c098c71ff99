"""Anomaly onset: the first time an observed flight departs from its predicted one beyond the
telemetry's noise, found by CUSUM on normalised residuals, and the phase it falls in.

Method (all times from first motion; the prediction is a simulated Flight's booster track):

1. Time base: the telemetry is shifted so that its first motion is t = 0
   (:func:`~rlvsim.telemetry.clean.clean_telemetry`), then a residual offset ``d`` is fitted over
   the first ``align_s`` seconds (the flight is assumed on plan there):
   ``d = -sum(a e) / sum(a^2)`` with ``e`` the speed residual and ``a`` the predicted d|v|/dt.
2. Residuals of each channel (speed, altitude) at the telemetry's plateau points (one point per
   run of equal readings, at the run's mid-time; a constant readout latency is part of the
   offset of step 1), observed minus predicted, each with the quantisation noise
   ``sqrt((step/sqrt(12))^2 + (rate frame/sqrt(12))^2)`` (step and frame measured from the data).  The prediction's own kinks (engine start/stop)
   cancel here, so smoothing the residual has no bias where the flight follows its plan.
3. The residual is smoothed on a grid of ``grid_step_s`` by the local quadratic of the
   kinematics module (half-width ``half_width_s``, widened to 8 points): three channels,
   ``altitude`` and ``speed`` (the smoothed residual) and ``acceleration`` (its slope, the
   d|v|/dt residual), each ``z = value / sigma`` with the propagated sigma (not inflated by the
   local chi-square: a departure must not widen its own band).  The propagation treats the
   points' quantisation errors as independent, which fails where the readout locks onto the
   printing grid: when the quantity moves by close to a whole number of steps per readout
   update (or crosses one step in close to a whole number of updates), successive readings
   carry the same error for seconds, and a 2 s average keeps up to step/2 of it (e.g. a 20 Hz
   readout of a speed changing by 5.6 m/s^2 = 1 km/h per update).  The value's sigma is
   therefore at least the coherent part :func:`coherent_quantisation_sigma` (readout period
   measured from the data by :func:`~rlvsim.telemetry.kinematics.readout_interval`, rate from
   the prediction).
4. Noise level from the data: each channel's z is divided by
   ``k = max(1, 1.4826 median|z|)`` (the robust spread of z over the record: what the
   quantisation model leaves unexplained -- readout latency, model error -- counts as noise as
   long as it is typical of the flight; a departure occupying less than half the record does
   not move a median).  Neighbouring grid values share data (window 2 x half-width): z is
   further multiplied by ``sqrt(min(1, grid step / window))`` so that a sum of n increments has
   variance n, as the CUSUM's random-walk threshold assumes.
5. Two-sided CUSUM per channel, ``S+ = max(0, S+ + z - kappa)``, ``S- = max(0, S- - z - kappa)``;
   ``kappa = 0.5`` (tuned to a shift of one sigma, kappa = shift/2).  Threshold ``h`` from
   Siegmund's approximation of the in-control average run length of a one-sided CUSUM with unit
   Gaussian increments, ``ARL0 = (exp(2 kappa b) - 2 kappa b - 1) / (2 kappa^2)``,
   ``b = h + 1.166``, set to ``ARL0 = n_grid x n_channels x 2 / false_alarm``: a false alarm
   anywhere in the record has probability about ``false_alarm`` (default 1 %).  For a 500 s
   record on a 1 s grid: h = 10.75.
6. Onset: for the first statistic to cross h, the change point of the generalised likelihood
   ratio for a mean shift of unknown size between the time the statistic last left zero and the
   alarm: ``argmax_t (n_t mean_t^2)`` over the increments from t to the alarm (an abrupt change
   after a stretch where the statistic wandered above zero is placed at the change, not at the
   start of the wandering); ``phase``: the predicted flight's phase at the onset.
"""
from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Optional

import numpy as np

from .synth import Track

CHANNELS = ("altitude", "speed", "acceleration")
SIEGMUND_OFFSET = 1.166


@dataclass
class AnomalyResult:
    """Where (if anywhere) the observed flight left its prediction."""

    detected: bool
    onset_s: Optional[float]          # simulated time (from liftoff); file time = + time_offset_s
    alarm_s: Optional[float]
    channel: Optional[str]
    direction: Optional[str]          # "above" or "below" the prediction
    phase: Optional[str]
    threshold: float
    kappa: float
    noise_scale: dict                 # channel -> k (step 4)
    time_offset_s: float              # file time of the simulated liftoff (step 1)
    grid_step_s: float
    samples: int
    first_alarm_by_channel: dict = field(default_factory=dict)
    peak_by_channel: dict = field(default_factory=dict)    # largest CUSUM value (to its alarm)

    def to_dict(self) -> dict:
        r = lambda x, n=3: None if x is None else round(float(x), n)   # noqa: E731
        f = None if self.onset_s is None else self.onset_s + self.time_offset_s
        return {"anomaly_detected": self.detected, "onset_time_s": r(self.onset_s), "onset_time_file_s": r(f),
                "alarm_time_s": r(self.alarm_s),
                "channel": self.channel, "direction": self.direction, "phase": self.phase,
                "cusum_threshold": r(self.threshold), "cusum_drift": self.kappa,
                "noise_scale": {k: r(v) for k, v in self.noise_scale.items()},
                "first_alarm_by_channel_s": {k: r(v) for k, v in self.first_alarm_by_channel.items()},
                "peak_cusum_by_channel": {k: r(v, 2) for k, v in self.peak_by_channel.items()},
                "time_offset_s": r(self.time_offset_s, 4), "grid_step_s": self.grid_step_s,
                "grid_points": self.samples}


def cusum_threshold(n_steps: int, kappa: float = 0.5, false_alarm: float = 0.01, n_statistics: int = 6) -> float:
    """h such that ``n_statistics`` one-sided CUSUMs over ``n_steps`` unit-Gaussian increments
    false-alarm with probability about ``false_alarm`` (Siegmund's ARL approximation)."""
    from scipy.optimize import brentq

    target = max(n_steps, 1) * n_statistics / false_alarm

    def arl(h):
        x = 2.0 * kappa * (h + SIEGMUND_OFFSET)
        return (math.exp(x) - x - 1.0) / (2.0 * kappa * kappa)

    return float(brentq(lambda h: math.log(arl(h)) - math.log(target), 0.0, 200.0))


def cusum(z: np.ndarray, kappa: float, h: float) -> tuple[Optional[int], Optional[int], int, float]:
    """Two-sided CUSUM of increments ``z``: (alarm index, onset index, side +1/-1, peak statistic
    up to the alarm), or (None, None, 0, peak) without an alarm."""
    sp = sm = peak = 0.0
    start_p = start_m = 0
    for i, x in enumerate(z):
        if not np.isfinite(x):
            continue
        if sp == 0.0:
            start_p = i
        if sm == 0.0:
            start_m = i
        sp = max(0.0, sp + x - kappa)
        sm = max(0.0, sm - x - kappa)
        peak = max(peak, sp, sm)
        if sp > h:
            return i, start_p, +1, peak
        if sm > h:
            return i, start_m, -1, peak
    return None, None, 0, peak


def change_point(z: np.ndarray, i0: int, i1: int) -> int:
    """Index t in [i0, i1] maximising (i1 - t + 1) mean(z[t:i1+1])^2 (non-finite z count as 0)."""
    seg = np.nan_to_num(np.asarray(z[i0:i1 + 1], dtype=np.float64))
    tail = np.cumsum(seg[::-1])[::-1]                   # sum from t to i1
    n = np.arange(seg.size, 0, -1)
    return i0 + int(np.argmax(tail * tail / n))


def coherent_quantisation_sigma(rate, step, period_s, window_s, harmonics: int = 20) -> np.ndarray:
    """1-sigma of the part of a window-average of quantised readings that does not average out.

    A readout updating every ``period_s`` shows ``step * round(v / step)``.  Where it moves
    ``phi = |rate| period / step`` steps per update (phi >= 1: every update a new value, error
    ``step * saw(v / step)``) or crosses one step every ``1 / phi`` updates (phi < 1: a plateau's
    mid-time is late by the latency of its first update, error ``rate x`` that latency), the
    errors of successive values are ``a * saw(x0 + k psi)``, ``psi = max(phi, 1/phi)``,
    amplitude ``a = min(step, |rate| period)``, over ``N = floor(window x min(1, phi) / period)`` values.
    With ``saw(x) = -sum_m sin(2 pi m x) / (pi m)`` and a random phase ``x0`` the variance of
    their mean is ``a^2 / 12 * sum_m 6/(pi m)^2 D_N(m psi)^2`` (Dirichlet kernel
    ``D_N(x) = sin(pi N x) / (N sin(pi x))``): ``a^2 / (12 N)`` for an irrational psi, the full
    ``a^2 / 12`` when psi is within ~1/(2N) of a whole number (the readout locked onto the grid).
    The first ``harmonics`` terms are summed; the rest count as independent (``/ N``)."""
    r = np.abs(np.asarray(rate, dtype=np.float64))
    step = np.asarray(step, dtype=np.float64)
    with np.errstate(divide="ignore", invalid="ignore"):
        phi = r * period_s / step
        psi = np.where(phi >= 1.0, phi, 1.0 / phi)
        n = np.maximum(np.floor(np.asarray(window_s, dtype=np.float64) * np.minimum(1.0, phi) / period_s), 1.0)
        m = np.arange(1, harmonics + 1)[:, None]
        x = m * psi[None, :]
        den = n * np.sin(np.pi * x)
        d = np.where(np.abs(den) > 1e-12, np.sin(np.pi * n * x) / den, 1.0)
        d = np.where(np.isfinite(d), d, 1.0)
        c = np.sum(6.0 / (np.pi * m) ** 2 * d * d, axis=0)
        c += (1.0 - np.sum(6.0 / (np.pi * m[:, 0]) ** 2)) / n
        amp = np.minimum(step, r * period_s)
        out = amp * np.sqrt(np.minimum(c, 1.0) / 12.0)
    return np.where(np.isfinite(out), out, 0.0)


def _residual_points(tel, values, pred_fn, rate_fn):
    """Plateau points of one channel: (time, observed - predicted, sigma, step)."""
    from .clean import detect_quantisation, plateaus, step_per_sample
    from .kinematics import SQRT12

    t = tel.time_s
    drops, frame = tel.metadata.get("dropouts"), tel.metadata.get("frame_s")
    frame = float(np.median(np.diff(t))) if frame is None else float(frame)
    steps = step_per_sample(detect_quantisation(t, values), values.size)
    steps = np.where(np.isfinite(steps), steps, 0.0)
    p = plateaus(t, values, dropouts=drops)       # runs never span a dropout
    step = steps[p.i_first]
    tp = p.t_mid_s
    rate = np.abs(rate_fn(tp))
    sq = np.sqrt((step / SQRT12) ** 2 + (rate * frame / SQRT12) ** 2)
    sq = np.where(sq > 0.0, sq, max(float(np.max(sq)), 1e-9))
    return tp, p.value - pred_fn(tp), sq, step


def _time_offset(tel, track: Track, align_s: float) -> float:
    """Offset d (s) such that the prediction at t - d best matches the speed over the first
    ``align_s`` seconds (step 1)."""
    m = tel.time_s <= tel.time_s[0] + align_s
    t, v = tel.time_s[m], tel.speed_m_s[m]
    d = 0.0
    for _ in range(3):
        vp = track.at(t - d)[1]
        a = (track.at(t - d + 0.05)[1] - track.at(t - d - 0.05)[1]) / 0.1
        den = float(np.sum(a * a))
        if den <= 0.0:
            break
        d += float(np.sum(a * (vp - v)) / den)
    return d


def detect_anomaly(tel, predicted, *, grid_step_s: float = 1.0, half_width_s: float = 1.0, kappa: float = 0.5,
                   false_alarm: float = 0.01, align_s: float = 30.0, min_points: int = 8) -> AnomalyResult:
    """Onset of the first departure of telemetry ``tel`` from the ``predicted`` Flight (or
    :class:`~rlvsim.telemetry.synth.Track`); see the module doc for the method."""
    from .clean import clean_telemetry
    from .kinematics import _fit, readout_interval

    track = predicted if isinstance(predicted, Track) else Track.from_flight(predicted)
    dt = float(np.median(np.diff(tel.time_s))) if len(tel) > 1 else 0.0
    c = clean_telemetry(tel, shift_time_to_liftoff=True, min_gap_s=max(0.25, 2.5 * dt))
    d = _time_offset(c, track, align_s)

    def pred(i):
        return lambda t: track.at(np.asarray(t) - d)[i]

    def rate(i):
        return lambda t: (pred(i)(np.asarray(t) + 0.05) - pred(i)(np.asarray(t) - 0.05)) / 0.1

    t0, t1 = float(c.time_s[0]), float(c.time_s[-1])
    grid = np.arange(math.ceil(t0 + half_width_s), t1 - half_width_s + 1e-9, grid_step_s)
    z: dict[str, np.ndarray] = {}
    scale_corr: dict[str, np.ndarray] = {}
    for name, idx, values in (("altitude", 0, c.altitude_m), ("speed", 1, c.speed_m_s)):
        tp, e, sp, step = _residual_points(c, values, pred(idx), rate(idx))
        o = _fit(tp, e, sp, grid, half_width_s, min_points)
        infl = np.sqrt(np.maximum(o[5], 1.0))
        corr = np.sqrt(np.minimum(1.0, grid_step_s / (2.0 * o[4])))
        period = readout_interval(c.time_s, values, min_gap_s=max(0.25, 2.5 * dt))
        step_g = step[np.clip(np.searchsorted(tp, grid), 0, tp.size - 1)]
        s_coh = coherent_quantisation_sigma(rate(idx)(grid), step_g, period, 2.0 * o[4])
        with np.errstate(divide="ignore", invalid="ignore"):
            z[name] = o[0] / np.maximum(o[2] / infl, s_coh)
            scale_corr[name] = corr
            if name == "speed":
                z["acceleration"] = o[1] / (o[3] / infl)
                scale_corr["acceleration"] = corr
    h = cusum_threshold(grid.size, kappa, false_alarm, 2 * len(CHANNELS))
    noise, first, peaks, best = {}, {}, {}, None
    for ch in CHANNELS:
        zc = z[ch]
        fin = np.isfinite(zc)
        k = max(1.0, 1.4826 * float(np.median(np.abs(zc[fin])))) if fin.any() else 1.0
        noise[ch] = k
        inc = zc / k * scale_corr[ch]
        alarm, start, side, peaks[ch] = cusum(inc, kappa, h)
        if alarm is None:
            continue
        start = change_point(inc, start, alarm)
        first[ch] = float(grid[alarm])
        if best is None or grid[alarm] < best[0] or (grid[alarm] == best[0] and grid[start] < best[1]):
            best = (float(grid[alarm]), float(grid[start]), ch, side)
    offset = float(c.metadata.get("time_shift_s", 0.0))
    if best is None:
        return AnomalyResult(False, None, None, None, None, None, h, kappa, noise, d - offset, grid_step_s,
                             int(grid.size), first, peaks)
    alarm_t, onset_t, ch, side = best          # in the shifted time base: the prediction's is t - d
    return AnomalyResult(True, onset_t - d, alarm_t - d, ch, "above" if side > 0 else "below",
                         track.phase_at(onset_t - d), h, kappa, noise, d - offset, grid_step_s, int(grid.size),
                         {k: v - d for k, v in first.items()}, peaks)
