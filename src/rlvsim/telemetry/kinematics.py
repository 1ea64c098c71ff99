"""Smoothed speed and altitude, and the quantities derived from them, with 1-sigma uncertainties.

Method (local polynomial regression, a linear smoother, so its noise propagates exactly):

1. Each channel is collapsed to its plateaus (:func:`rlvsim.telemetry.clean.plateaus`): one
   point per run of equal values; runs never span a dropout.  The point's time is the run's
   mid-time when the run is as long as the quantity needs to cross one printed step (a dwell
   between levels), and half a frame before the run's first sample when the run is longer
   than that (a readout waiting for its next update holds a value computed when it appeared):
   ``t = t_first - frame/2 + min(t_last - t_first + frame, step/|rate|) / 2``, with the rate
   from a first pass at the mid-times.
2. Each point gets a noise sigma: uniform quantisation ``step / sqrt(12)`` (step per segment from
   :func:`~rlvsim.telemetry.clean.detect_quantisation`) plus ``|rate| * frame / sqrt(12)`` for
   not knowing where within a frame interval the value changed.
3. At every output time a weighted quadratic is fitted to the points within a half-width
   ``b`` (tricube kernel, weights kernel / sigma^2).  ``b`` is the channel's minimum half-width,
   widened where needed to hold ``min_points`` points (e.g. near apogee, where the 1 km altitude
   readout holds one value for many seconds).  The fit gives the value and the first derivative.
4. Their covariance is propagated from the point sigmas (sandwich formula) and scaled up by the
   local reduced chi-square of the residuals when that exceeds 1, so unmodelled noise (readout
   glitches, timing jitter) widens the band instead of being hidden.

Derived: vertical speed ``dh/dt``; tangential acceleration ``d|v|/dt``; horizontal speed
``sqrt(max(v^2 - v_z^2, 0))``.  The sigmas are statistical: where the true acceleration changes
faster than the window resolves (engine ignition/cut-off) the smoothed value is the true one
averaged over about +-b/2, and that smoothing bias is not in the sigma; nor is the readout's
own latency (a constant time offset).  Altitude plateau mid-points are usually far better than
``step / sqrt(12)``, so sigma(altitude) and sigma(v_z) are upper bounds (2-4x the actual error
in the synthetic tests); sigma(d|v|/dt) is close to the actual error (docs/telemetry.md).
Outputs are evaluated at the original sample times (or times you give); the raw data are not
replaced or resampled.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Optional

import numpy as np
from numba import njit

from .clean import DEFAULT_MIN_GAP_S, detect_quantisation, plateaus, step_per_sample
from .readers import Telemetry

SQRT12 = np.sqrt(12.0)


@njit(cache=True)
def _bisect(a, x, right):
    """First index i with a[i] > x (right) or a[i] >= x (left); a sorted ascending."""
    lo, hi = 0, a.shape[0]
    while lo < hi:
        mid = (lo + hi) // 2
        if a[mid] < x or (right and a[mid] == x):
            lo = mid + 1
        else:
            hi = mid
    return lo


@njit(cache=True)
def _local_quadratic(tp, yp, sp, tq, bmin, kmin):
    """Tricube-weighted local quadratic fit at each ``tq``.

    Returns (value, slope, sigma_value, sigma_slope, half_width, chi2_reduced) arrays.
    With u = (t - t0)/b the normal matrix is the Hankel matrix of the moments S_n = sum w u^n
    (w = kernel / sigma^2); the covariance is A^-1 C A^-1 with C built from sum w k u^n."""
    n = tp.shape[0]
    m = tq.shape[0]
    out = np.full((6, m), np.nan)
    s = np.zeros(5)
    c = np.zeros(5)
    for q in range(m):
        t0 = tq[q]
        # half-width: bmin, widened to hold kmin points (k-th nearest neighbour distance)
        i = _bisect(tp, t0, False)
        lo, hi = i - 1, i
        dk = 0.0
        for _ in range(min(kmin, n)):
            if lo < 0 or (hi < n and tp[hi] - t0 < t0 - tp[lo]):
                dk = tp[hi] - t0
                hi += 1
            else:
                dk = t0 - tp[lo]
                lo -= 1
        b = max(bmin, 1.5 * dk)
        j0 = _bisect(tp, t0 - b, False)
        j1 = _bisect(tp, t0 + b, True)
        s[:] = 0.0
        c[:] = 0.0
        r0 = r1 = r2 = sk = sk2 = 0.0
        for j in range(j0, j1):
            u = (tp[j] - t0) / b
            au = abs(u)
            if au >= 1.0:
                continue
            k = (1.0 - au * au * au) ** 3
            w = k / (sp[j] * sp[j])
            un = 1.0
            for e in range(5):
                s[e] += w * un
                c[e] += w * k * un
                un *= u
            r0 += w * yp[j]
            r1 += w * u * yp[j]
            r2 += w * u * u * yp[j]
            sk += k
            sk2 += k * k
        if sk2 <= 0.0 or sk * sk / sk2 < 3.5:
            continue
        # inverse of the symmetric matrix [[s0 s1 s2] [s1 s2 s3] [s2 s3 s4]] by cofactors
        i00 = s[2] * s[4] - s[3] * s[3]
        i01 = s[2] * s[3] - s[1] * s[4]
        i02 = s[1] * s[3] - s[2] * s[2]
        i11 = s[0] * s[4] - s[2] * s[2]
        i12 = s[1] * s[2] - s[0] * s[3]
        i22 = s[0] * s[2] - s[1] * s[1]
        det = s[0] * i00 + s[1] * i01 + s[2] * i02
        if not det > 1e-12 * s[0] ** 3:
            continue
        a0 = (i00 / det, i01 / det, i02 / det)          # rows 0 and 1 of A^-1
        a1 = (i01 / det, i11 / det, i12 / det)
        coef0 = a0[0] * r0 + a0[1] * r1 + a0[2] * r2
        coef1 = a1[0] * r0 + a1[1] * r1 + a1[2] * r2
        coef2 = (i02 * r0 + i12 * r1 + i22 * r2) / det
        var0 = 0.0
        var1 = 0.0
        for e in range(3):
            for f in range(3):
                var0 += a0[e] * c[e + f] * a0[f]
                var1 += a1[e] * c[e + f] * a1[f]
        chi = 0.0
        for j in range(j0, j1):
            u = (tp[j] - t0) / b
            au = abs(u)
            if au >= 1.0:
                continue
            k = (1.0 - au * au * au) ** 3
            res = (yp[j] - (coef0 + coef1 * u + coef2 * u * u)) / sp[j]
            chi += k * res * res
        neff = sk * sk / sk2
        chi2 = chi / sk * neff / (neff - 3.0)
        scale = max(chi2, 1.0)
        out[0, q] = coef0
        out[1, q] = coef1 / b
        out[2, q] = np.sqrt(var0 * scale)
        out[3, q] = np.sqrt(var1 * scale) / b
        out[4, q] = b
        out[5, q] = chi2
    return out


def _fit(tp, yp, sp, tq, half_width_s, min_points):
    """Typed call of the compiled kernel (one signature only)."""
    c = np.ascontiguousarray
    return _local_quadratic(c(tp, dtype=np.float64), c(yp, dtype=np.float64), c(sp, dtype=np.float64),
                            c(tq, dtype=np.float64), float(half_width_s), int(min_points))


class SmoothedChannel(dict):
    """value, rate, sigma_value, sigma_rate, half_width_s, chi2 arrays of one channel."""


def _plateau_sigma(time_s, values, min_gap_s, dropouts=None):
    t = np.asarray(time_s, dtype=np.float64)
    x = np.asarray(values, dtype=np.float64)
    steps = step_per_sample(detect_quantisation(t, x), x.size)
    steps = np.where(np.isfinite(steps), steps, 0.0)
    p = plateaus(t, x, min_gap_s=min_gap_s, dropouts=dropouts)
    sq = steps[p.i_first] / SQRT12
    sq = np.where(sq > 0.0, sq, max(float(np.max(sq)), 1e-9))
    return p, sq, steps


def readout_interval(time_s, values, *, min_gap_s: float = DEFAULT_MIN_GAP_S,
                     half_width_s: float = 1.0, min_points: int = 8) -> float:
    """Mean update interval of the readout behind a video-sampled channel (s).

    Where the channel moves more than two printed steps per frame a repeated value means the
    readout did not update: interval = frame / (1 - repeat fraction there).  Falls back to the
    frame interval when fewer than 20 such frame pairs exist.  A diagnostic: for both F9 files
    it returns one frame (the speed readout changes every frame while it moves fast)."""
    t = np.asarray(time_s, dtype=np.float64)
    x = np.asarray(values, dtype=np.float64)
    dt = np.diff(t)
    frame = float(np.median(dt))
    p, sq, steps = _plateau_sigma(t, x, min_gap_s)
    rate = _fit(p.t_mid_s, p.value, sq, t[:-1], half_width_s, min_points)[1]
    fast = (np.abs(np.nan_to_num(rate)) * frame > 2.0 * steps[:-1]) & (dt < 1.5 * frame)
    if np.count_nonzero(fast) < 20:
        return frame
    rep = float(np.mean(x[1:][fast] == x[:-1][fast]))
    return frame / (1.0 - min(rep, 0.8))


def smooth_channel(time_s, values, eval_times_s, *, half_width_s: float, min_points: int = 8,
                   min_gap_s: float = DEFAULT_MIN_GAP_S, dropouts: Optional[list] = None,
                   frame_s: Optional[float] = None) -> SmoothedChannel:
    """Local-quadratic smoothing of one quantised channel (see module doc, steps 1-4).

    ``dropouts`` / ``frame_s``: as recorded by :func:`~rlvsim.telemetry.clean.clean_telemetry`
    (needed for deduplicated data); by default gaps > ``min_gap_s`` and the median spacing."""
    t = np.asarray(time_s, dtype=np.float64)
    tq = np.ascontiguousarray(eval_times_s, dtype=np.float64)
    p, sq, steps = _plateau_sigma(t, values, min_gap_s, dropouts)
    frame = float(np.median(np.diff(t))) if frame_s is None else float(frame_s)
    # first pass at the plateau mid-times gives the rate used by the second pass
    first = _fit(p.t_mid_s, p.value, sq, p.t_mid_s, half_width_s, min_points)
    rate = np.abs(np.nan_to_num(first[1]))
    step = steps[p.i_first]
    dwell = np.where(rate > 0.0, step / np.maximum(rate, 1e-300), np.inf)
    shown = p.t_last_s - p.t_first_s + frame
    tp = p.t_first_s - 0.5 * frame + 0.5 * np.minimum(shown, dwell)
    order = np.argsort(tp, kind="stable")
    sp = np.sqrt(sq ** 2 + (rate * frame / SQRT12) ** 2)
    o = _fit(tp[order], p.value[order], sp[order], tq, half_width_s, min_points)
    return SmoothedChannel(value=o[0], rate=o[1], sigma_value=o[2], sigma_rate=o[3],
                           half_width_s=o[4], chi2=o[5])


@dataclass(frozen=True, eq=False)
class Kinematics:
    """Smoothed and derived kinematics at ``time_s`` (all 1-sigma sigmas are statistical)."""

    time_s: np.ndarray
    speed_m_s: np.ndarray
    altitude_m: np.ndarray
    vertical_speed_m_s: np.ndarray
    horizontal_speed_m_s: np.ndarray
    accel_m_s2: np.ndarray               # tangential, d|v|/dt
    sigma_speed_m_s: np.ndarray
    sigma_altitude_m: np.ndarray
    sigma_vertical_speed_m_s: np.ndarray
    sigma_horizontal_speed_m_s: np.ndarray
    sigma_accel_m_s2: np.ndarray
    speed_half_width_s: np.ndarray       # smoothing half-width used at each time
    altitude_half_width_s: np.ndarray
    metadata: dict[str, Any] = field(default_factory=dict)


def horizontal_speed(v, sv, vz, svz) -> tuple[np.ndarray, np.ndarray]:
    """v_h = sqrt(max(v^2 - v_z^2, 0)) and its sigma (first order; where v_h^2 is within its
    own sigma of zero, sigma = sqrt(sigma(v_h^2)))."""
    vh2 = v * v - vz * vz
    s2 = 2.0 * np.sqrt((v * sv) ** 2 + (vz * svz) ** 2)     # sigma of v^2 - v_z^2
    vh = np.sqrt(np.maximum(vh2, 0.0))
    with np.errstate(divide="ignore", invalid="ignore"):
        svh = np.where(vh2 > s2, s2 / (2.0 * vh), np.sqrt(s2))
    return vh, svh


def derive_kinematics(tel: Telemetry, *, times_s=None, speed_half_width_s: float = 1.0,
                      altitude_half_width_s: float = 2.0, min_points: int = 8,
                      min_gap_s: float = DEFAULT_MIN_GAP_S) -> Kinematics:
    """Smooth speed and altitude and derive vertical/horizontal speed and d|v|/dt.

    ``times_s``: output times (default: the sample times).  The half-widths are minima; each
    channel's window widens to hold ``min_points`` plateau points (see module doc).  Dropouts
    and the frame interval come from ``tel.metadata`` when cleaning recorded them."""
    tq = tel.time_s if times_s is None else np.asarray(times_s, dtype=np.float64)
    drops, frame = tel.metadata.get("dropouts"), tel.metadata.get("frame_s")
    sv = smooth_channel(tel.time_s, tel.speed_m_s, tq, half_width_s=speed_half_width_s, min_points=min_points,
                        min_gap_s=min_gap_s, dropouts=drops, frame_s=frame)
    sh = smooth_channel(tel.time_s, tel.altitude_m, tq, half_width_s=altitude_half_width_s, min_points=min_points,
                        min_gap_s=min_gap_s, dropouts=drops, frame_s=frame)
    vh, svh = horizontal_speed(sv["value"], sv["sigma_value"], sh["rate"], sh["sigma_rate"])
    meta = {"method": "local quadratic (tricube kernel) on plateau points",
            "speed_half_width_min_s": speed_half_width_s, "altitude_half_width_min_s": altitude_half_width_s,
            "min_points": min_points, "speed_chi2": sv["chi2"], "altitude_chi2": sh["chi2"]}
    return Kinematics(tq.copy(), sv["value"], sh["value"], sh["rate"], vh, sv["rate"],
                      sv["sigma_value"], sh["sigma_value"], sh["sigma_rate"], svh, sv["sigma_rate"],
                      sv["half_width_s"], sh["half_width_s"], meta)
