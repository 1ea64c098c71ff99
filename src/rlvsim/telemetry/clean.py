"""Clean webcast-overlay telemetry without inventing data.

The overlay prints speed in whole km/h and altitude in 0.1 km (1 km above 100 km); a 30 fps
video samples that readout, so a value repeats over several frames while the quantity moves
less than one step per frame (or while the readout waits for its next update); frames are
missing where the overlay was off-screen.  This module finds the quantisation step of each segment, snaps
values that a float export moved off that grid (e.g. 32299 m for 32.3 km), finds dropouts
(reported, never filled), collapses repeated samples to the mid-time of each plateau, and
estimates the time of first motion and the altitude shown on the pad.  Every step appends a
line to ``metadata["notes"]`` of the returned :class:`~rlvsim.telemetry.readers.Telemetry`.
"""
from __future__ import annotations

from dataclasses import replace
from typing import NamedTuple, Optional

import numpy as np

from .readers import Telemetry

DEFAULT_MIN_GAP_S = 0.25      # gaps longer than this are dropouts (a few missed frames are not)
_MULTIPLES = (100, 50, 20, 10, 5, 2)
_MIN_COARSE_LEVELS = 6        # a coarser grid needs this many consecutive levels on it
_KNOWN_UNITS_SI = (1.0, 1.0 / 3.6, 0.3048, 0.44704)   # m or m/s, km/h, ft or ft/s, mph


class QuantSegment(NamedTuple):
    """Samples ``[i_start, i_stop)`` (times ``t_start_s..t_end_s``) printed on the grid
    ``offset + k * step`` (offset non-zero e.g. after a pad altitude was subtracted)."""

    i_start: int
    i_stop: int
    t_start_s: float
    t_end_s: float
    step: float
    offset: float = 0.0


class Dropout(NamedTuple):
    """A gap in the samples: last sample before, first sample after, and its length (s)."""

    t_before_s: float
    t_after_s: float
    duration_s: float


class Plateaus(NamedTuple):
    """Runs of equal consecutive values (split at dropouts), one entry per run."""

    t_mid_s: np.ndarray      # (first + last sample time) / 2
    value: np.ndarray
    count: np.ndarray        # samples in the run
    t_first_s: np.ndarray
    t_last_s: np.ndarray
    i_first: np.ndarray      # index of the run's first sample


class Liftoff(NamedTuple):
    """Estimated first motion in the file's time base, its 1-sigma uncertainty and how."""

    time_s: float
    sigma_s: float
    method: str


def _nice_step(base: float) -> float:
    """Snap a measured step to 1, 2 or 5 x 10^k of a common unit when within 1.5 %."""
    best, err = base, 0.015
    for unit in _KNOWN_UNITS_SI:
        for k in range(-4, 5):
            for m in (1.0, 2.0, 5.0):
                cand = unit * m * 10.0 ** k
                e = abs(base / cand - 1.0)
                if e < err:
                    best, err = cand, e
    return best


def base_step(values) -> float:
    """The finest printing step of a series: the typical smallest non-zero change, snapped to a
    1-2-5 multiple of m, km/h, ft or mph when within 1.5 %; ``nan`` if the series never changes."""
    d = np.abs(np.diff(np.asarray(values, dtype=np.float64)))
    d = d[d > 0.0]
    if d.size == 0:
        return float("nan")
    floor = 0.2 * float(np.median(d))           # ignores float-export artefacts (e.g. 1 m)
    s0 = float(np.min(d[d >= floor]))
    near = d[(d >= 0.75 * s0) & (d <= 1.5 * s0)]
    return _nice_step(float(np.median(near)))


def _residue(x: np.ndarray, step: float) -> np.ndarray:
    """x minus the nearest multiple of step, in [-step/2, step/2]."""
    return x - step * np.round(x / step)


def _grid_offset(x: np.ndarray, step: float) -> float:
    """Offset of the grid the values sit on (0 when within 5 % of a step of zero)."""
    r = float(np.median(_residue(x, step)))
    return 0.0 if abs(r) <= 0.05 * step else r


def _dwell_jumps(levels: np.ndarray, lengths: np.ndarray, step: float) -> int:
    """Transitions of exactly one ``step`` made after the value was held for 2+ samples.

    A series that dwells moves less than one printed step per sample; if it then jumps by
    ``step`` without showing the levels in between, ``step`` is the printing step."""
    one = np.abs(np.abs(np.diff(levels)) - step) <= 0.05 * step
    return int(np.count_nonzero(one & (lengths[:-1] >= 2)))


def detect_quantisation(time_s, values) -> list[QuantSegment]:
    """Segments of constant printing step covering the whole series.

    The base step comes from :func:`base_step`.  A segment printed on a coarser grid
    (m x base, m in 100, 50, 20, 10, 5, 2) is a run of at least six consecutive levels whose
    differences are all multiples of the coarse step (so the grid may have any offset), in
    which at least half the changes are one coarse step made after the value was held for two
    or more samples (e.g. altitude above 100 km: 1 km instead of 0.1 km).  The second rule
    rejects fast-moving series that happen to skip fine levels evenly."""
    t = np.asarray(time_s, dtype=np.float64)
    x = np.asarray(values, dtype=np.float64)
    n = x.size
    base = base_step(x)
    if not np.isfinite(base):
        return [QuantSegment(0, n, float(t[0]), float(t[-1]), float("nan"))]
    starts = np.flatnonzero(np.r_[True, x[1:] != x[:-1]])       # first sample of each level run
    levels = x[starts]
    lengths = np.diff(np.r_[starts, n])
    step_of_level = np.full(levels.size, base)
    jumps = np.diff(levels)
    for m in _MULTIPLES:
        pair = np.abs(_residue(jumps, m * base)) <= 0.05 * base       # levels i, i+1 share a grid
        edges = np.flatnonzero(np.diff(np.r_[0, pair.astype(np.int8), 0]))
        for p0, p1 in zip(edges[::2], edges[1::2]):
            a, b = p0, p1 + 1                                          # levels a..b-1
            if np.any(step_of_level[a:b] != base):
                continue
            if b - a >= _MIN_COARSE_LEVELS and \
                    _dwell_jumps(levels[a:b], lengths[a:b], m * base) >= max(3, (b - a - 1) // 2):
                step_of_level[a:b] = m * base
    segs: list[QuantSegment] = []
    change = np.flatnonzero(np.diff(step_of_level)) + 1
    bounds = np.r_[0, change, levels.size]
    for a, b in zip(bounds[:-1], bounds[1:]):
        i0 = int(starts[a])
        i1 = int(starts[b]) if b < levels.size else n
        st = float(step_of_level[a])
        segs.append(QuantSegment(i0, i1, float(t[i0]), float(t[i1 - 1]), st, _grid_offset(levels[a:b], st)))
    return segs


def step_per_sample(segments: list[QuantSegment], n: int) -> np.ndarray:
    """The printing step of every sample, from :func:`detect_quantisation` segments."""
    out = np.full(n, np.nan)
    for s in segments:
        out[s.i_start:s.i_stop] = s.step
    return out


def offset_per_sample(segments: list[QuantSegment], n: int) -> np.ndarray:
    """The grid offset of every sample, from :func:`detect_quantisation` segments."""
    out = np.zeros(n)
    for s in segments:
        out[s.i_start:s.i_stop] = s.offset
    return out


def snap_to_grid(values, steps, offsets=0.0, *, max_shift: float = 0.05) -> tuple[np.ndarray, int, float]:
    """Round each value to its grid ``offset + k * step`` when within ``max_shift`` x step of it.

    Returns (snapped values, number changed, largest distance from the grid in steps).
    Values farther off the grid are left as they are (and counted in the largest distance)."""
    x = np.asarray(values, dtype=np.float64)
    s = np.asarray(steps, dtype=np.float64)
    c = np.broadcast_to(np.asarray(offsets, dtype=np.float64), x.shape)
    good = np.isfinite(s) & (s > 0)
    r = np.where(good, (x - c) / np.where(good, s, 1.0), 0.0)
    off = np.abs(r - np.round(r))
    move = good & (off <= max_shift)
    out = x.copy()
    out[move] = c[move] + np.round(r[move]) * s[move]
    changed = int(np.count_nonzero(out != x))
    return out, changed, float(off[good].max()) if good.any() else 0.0


def find_dropouts(time_s, *, min_gap_s: float = DEFAULT_MIN_GAP_S) -> list[Dropout]:
    """Gaps between consecutive samples longer than ``min_gap_s`` (reported, not filled)."""
    t = np.asarray(time_s, dtype=np.float64)
    d = np.diff(t)
    return [Dropout(float(t[i]), float(t[i + 1]), float(d[i])) for i in np.flatnonzero(d > min_gap_s)]


def gap_mask(time_s, dropouts: list[Dropout]) -> np.ndarray:
    """True between samples i and i+1 when one of ``dropouts`` lies between them."""
    t = np.asarray(time_s, dtype=np.float64)
    out = np.zeros(max(t.size - 1, 0), dtype=bool)
    for d in dropouts:
        i = int(np.searchsorted(t, d.t_before_s + 1e-9, side="right")) - 1
        if 0 <= i < out.size and t[i + 1] >= d.t_after_s - 1e-9:
            out[i] = True
    return out


def plateaus(time_s, values, *, min_gap_s: float = DEFAULT_MIN_GAP_S,
             dropouts: Optional[list[Dropout]] = None) -> Plateaus:
    """Collapse runs of equal consecutive values to one point at the run's mid-time.

    A run never spans a dropout: equal values on both sides of a gap are two runs.  Dropouts are
    gaps longer than ``min_gap_s``, or the given list (e.g. ``metadata["dropouts"]`` of
    deduplicated data, whose samples are not evenly spaced)."""
    t = np.asarray(time_s, dtype=np.float64)
    x = np.asarray(values, dtype=np.float64)
    gaps = np.diff(t) > min_gap_s if dropouts is None else gap_mask(t, dropouts)
    brk = np.r_[True, (x[1:] != x[:-1]) | gaps]
    first = np.flatnonzero(brk)
    last = np.r_[first[1:] - 1, t.size - 1]
    return Plateaus(0.5 * (t[first] + t[last]), x[first], last - first + 1, t[first], t[last], first)


def deduplicate(tel: Telemetry, *, min_gap_s: float = DEFAULT_MIN_GAP_S) -> Telemetry:
    """Replace each run of samples with identical speed AND altitude by one sample at its
    mid-time (runs never span a dropout)."""
    t, v, h = tel.time_s, tel.speed_m_s, tel.altitude_m
    brk = np.r_[True, (v[1:] != v[:-1]) | (h[1:] != h[:-1]) | (np.diff(t) > min_gap_s)]
    first = np.flatnonzero(brk)
    last = np.r_[first[1:] - 1, t.size - 1]
    notes = tel.notes + [f"deduplicated: {t.size} samples -> {first.size} "
                         f"(runs of identical speed and altitude -> their mid-time)"]
    return replace(tel, time_s=0.5 * (t[first] + t[last]), speed_m_s=v[first], altitude_m=h[first],
                   metadata=dict(tel.metadata, notes=notes))


def estimate_liftoff(tel: Telemetry, *, fit_window_s: float = 1.0) -> Liftoff:
    """First motion, from the speed readout.

    If the file starts at rest: midway between the last zero and the first non-zero speed
    (sigma: half that interval, at least one frame).  If it starts moving: a straight line through
    the speed plateaus of the first ``fit_window_s`` extrapolated to zero speed (sigma: the
    extrapolation span / 2, at least one frame)."""
    t, v = tel.time_s, tel.speed_m_s
    frame = float(np.median(np.diff(t))) if t.size > 1 else 0.0
    moving = np.flatnonzero(v > 0.0)
    if moving.size == 0:
        return Liftoff(float("nan"), float("nan"), "speed never leaves zero")
    i = int(moving[0])
    if i > 0:
        return Liftoff(float(0.5 * (t[i - 1] + t[i])), float(max(0.5 * (t[i] - t[i - 1]), frame)),
                       "midway between the last zero and the first non-zero speed sample")
    p = plateaus(t, v)
    sel = p.t_mid_s <= t[0] + fit_window_s
    if np.count_nonzero(sel) < 3:
        return Liftoff(float(t[0]), float("nan"), "moving at the first sample; too few points to extrapolate")
    slope, icpt = np.polyfit(p.t_mid_s[sel], p.value[sel], 1)
    if slope <= 0.0:
        return Liftoff(float(t[0]), float("nan"), "moving at the first sample; speed not increasing")
    t0 = min(-icpt / slope, float(t[0]))
    return Liftoff(float(t0), float(max(0.5 * (t[0] - t0), frame)),
                   f"moving at the first sample; linear speed fit over {fit_window_s:g} s extrapolated to zero")


def clean_telemetry(tel: Telemetry, *, snap: bool = True, subtract_pad_altitude: bool = False,
                    shift_time_to_liftoff: bool = False, dedup: bool = False,
                    min_gap_s: float = DEFAULT_MIN_GAP_S) -> Telemetry:
    """Run the cleaning steps and return a new Telemetry; every step is noted in ``metadata``.

    Always reported: quantisation segments (``metadata["quantisation"]``, per channel, indices of
    the returned samples), dropouts between video frames (``"dropouts"``, returned time base),
    first motion (``"liftoff"``, in the input's time base), the altitude shown there
    (``"pad_altitude_m"``) and the video frame interval (``"frame_s"``).  Optional: snap values
    to their grid (default on), subtract the pad altitude, shift time so that first motion is
    t = 0 (``"time_shift_s"``), and collapse repeated samples (:func:`deduplicate`)."""
    notes = list(tel.notes)
    t, v, h = tel.time_s.copy(), tel.speed_m_s.copy(), tel.altitude_m.copy()
    for name, x in (("speed_m_s", v), ("altitude_m", h)):
        segs = detect_quantisation(t, x)
        desc = "; ".join(f"{s.t_start_s:.2f}..{s.t_end_s:.2f} s: {s.step:.6g}"
                         + (f" (offset {s.offset:.6g})" if s.offset else "") for s in segs)
        notes.append(f"{name} quantisation step per segment: {desc}")
        if snap:
            snapped, k, worst = snap_to_grid(x, step_per_sample(segs, x.size), offset_per_sample(segs, x.size))
            x[:] = snapped
            notes.append(f"{name}: snapped {k} values to their grid (largest offset {worst:.3f} step)")
    lift = estimate_liftoff(replace(tel, speed_m_s=v, metadata={}))
    k0 = min(int(np.searchsorted(t, lift.time_s)), t.size - 1) if np.isfinite(lift.time_s) else 0
    pad = float(h[k0])
    notes.append(f"first motion at t = {lift.time_s:.3f} +- {lift.sigma_s:.3f} s ({lift.method}); "
                 f"altitude shown there {pad:g} m")
    if subtract_pad_altitude and pad != 0.0:
        h -= pad
        notes.append(f"subtracted the pad altitude {pad:g} m from altitude_m")
    shift = -lift.time_s if shift_time_to_liftoff and np.isfinite(lift.time_s) else 0.0
    if shift:
        t += shift
        notes.append(f"shifted time by {shift:+.3f} s so that first motion is t = 0")
    drops = find_dropouts(t, min_gap_s=min_gap_s)
    dt = np.diff(t)
    short = int(np.count_nonzero((dt > 1.5 * np.median(dt)) & (dt <= min_gap_s))) if dt.size else 0
    notes.append(f"dropouts > {min_gap_s:g} s: {len(drops)} (longest "
                 f"{max((d.duration_s for d in drops), default=0.0):.2f} s), not filled; "
                 f"{short} shorter skips of a few frames")
    out = replace(tel, time_s=t, speed_m_s=v, altitude_m=h,
                  metadata=dict(tel.metadata, notes=notes, liftoff=lift, pad_altitude_m=pad,
                                time_shift_s=shift, dropouts=drops,
                                frame_s=float(np.median(dt)) if dt.size else float("nan")))
    if dedup:
        out = deduplicate(out, min_gap_s=min_gap_s)
    out.metadata["quantisation"] = {"speed_m_s": detect_quantisation(out.time_s, out.speed_m_s),
                                    "altitude_m": detect_quantisation(out.time_s, out.altitude_m)}
    return out
