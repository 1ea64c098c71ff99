"""Flight events of a first-stage booster, found in its speed/altitude telemetry.

Everything rests on the engine-attributed acceleration along the velocity,

    r = d|v|/dt - a_coast,   a_coast = -g(h) v_z / |v| - q / beta,

i.e. the measured tangential acceleration minus what gravity (g(h) = g0 (R/(R+h))^2, R = 6371 km)
and drag (q = rho v^2 / 2 from US76, beta = the stage's ballistic coefficient m / (Cd A),
estimated from its own unpowered descent) would give.  Coasting, r = 0; a burn makes |r| of
one to several g.  Coriolis and centrifugal terms (< 0.03 g) and winds are ignored.

Rules (thresholds in g0 = 9.80665 m/s^2; all times in the file's time base):

* burn: |r| >= ``burn_g`` (1 g) for at least 1 s, looked for only where the drag term is below
  half that (its error could otherwise reach it); start and end are where |r| crosses
  ``edge_g`` (0.5 g) next to that core; burns less than 3 s apart are one (the boostback passes
  |r| = 0 when the velocity turns perpendicular to the thrust); an end is reported only if the
  data go on for 3 s + b after it.  The drag term is applied on the descent only (ascending,
  the full stage has a far larger beta: drag < 0.05 g).
* ``meco``: end of the first burn (the ascent).  ``maxq``: maximum of q before MECO.
* ``boostback_start/end``: the first burn after MECO that starts before apogee.
* ``apogee``: zero crossing of the smoothed vertical speed at the altitude maximum (only if
  the altitude falls by more than 1 km afterwards).
* ``entry_start/end``: the first burn that starts after apogee above 20 km.  As r has the drag
  expectation removed, this is deceleration beyond drag (at 40-70 km q / beta is a few
  hundredths of a g, the burn several g; both are in ``metadata``).
* ``landing_start``: drag-independent: after the peak of aerodynamic deceleration the
  deceleration eases as the stage slows; the landing burn is where it stops easing and grows by
  ``kink_g`` (0.3 g) within 3 s while q does not grow by more than 10 %.  The event is that
  turning point (the maximum of r).
* ``landing_end``: smoothed speed below ``touchdown_speed_m_s`` (2 m/s) with the altitude within
  two altitude steps of its lowest reading; absent if the data stop before.

Each event has an uncertainty (s): for threshold crossings sqrt((sigma_r / |dr/dt|)^2 +
(b / 2)^2) with b the speed smoothing half-width (the time resolution), plus half the length
of a dropout within b of the event; for maxima, the span over which the quantity stays within
its noise (maxq: within 2 % of the maximum, for the US76-vs-real-air difference).
"""
from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, NamedTuple

import numpy as np

from .clean import DEFAULT_MIN_GAP_S, detect_quantisation, find_dropouts
from .kinematics import derive_kinematics
from .readers import Telemetry

G0 = 9.80665
R_EARTH_M = 6371008.8
MERGE_S = 3.0
MIN_BURN_S = 1.0


class DetectedEvent(NamedTuple):
    """One event: time (s), uncertainty (s) and the rule that found it."""

    time_s: float
    uncertainty_s: float
    rule: str


@dataclass(frozen=True, eq=False)
class EventDetection(Mapping):
    """Mapping event name -> time_s; ``details`` holds the uncertainty and rule of each."""

    details: dict[str, DetectedEvent]
    metadata: dict[str, Any] = field(default_factory=dict)

    def __getitem__(self, name: str) -> float:
        return self.details[name].time_s

    def __iter__(self):
        return iter(self.details)

    def __len__(self) -> int:
        return len(self.details)

    @property
    def uncertainty_s(self) -> dict[str, float]:
        return {k: e.uncertainty_s for k, e in self.details.items()}


def _crossing(t, y, i, j, level):
    """Time where y crosses ``level`` between grid indices i and j (linear)."""
    if y[j] == y[i]:
        return float(t[j])
    f = (level - y[i]) / (y[j] - y[i])
    return float(t[i] + min(max(f, 0.0), 1.0) * (t[j] - t[i]))


def _runs(mask):
    d = np.diff(np.r_[0, mask.astype(np.int8), 0])
    return list(zip(np.flatnonzero(d == 1), np.flatnonzero(d == -1)))  # [a, b)


def _burns(t, rg, burn_g, edge_g, allowed):
    """(i_start_edge, i_core_a, i_core_b, i_end_edge) of each burn on the grid.

    Cores: |r| >= burn_g where ``allowed``; edges: |r| >= edge_g next to a core; burns whose
    edges are less than MERGE_S apart are one burn; cores shorter than MIN_BURN_S are dropped."""
    ok = np.isfinite(rg)
    y = np.abs(np.nan_to_num(rg))
    out: list[list[int]] = []
    for a, b in _runs(ok & allowed & (y >= burn_g)):
        if t[b - 1] - t[a] < MIN_BURN_S:
            continue
        i = a
        while i > 0 and ok[i - 1] and y[i - 1] >= edge_g:
            i -= 1
        j = b - 1
        while j < t.size - 1 and ok[j + 1] and y[j + 1] >= edge_g:
            j += 1
        if out and t[i] - t[out[-1][3]] < MERGE_S:
            out[-1][2:] = [b, j]
        else:
            out.append([i, a, b, j])
    return [tuple(x) for x in out]


class _Ctx(NamedTuple):
    t: np.ndarray
    rg: np.ndarray
    srg: np.ndarray
    b: float
    drops: list


def _edge_event(c: _Ctx, i_in, i_out, edge_g, rule):
    """Event at the |r| = edge_g crossing between an inside index and the neighbouring outside one."""
    t, y = c.t, np.abs(c.rg)
    if i_out < 0 or i_out >= t.size or not np.isfinite(y[i_out]):
        te, slope = float(t[i_in]), np.inf
    else:
        te = _crossing(t, y, i_out, i_in, edge_g)
        slope = abs(y[i_in] - y[i_out]) / abs(t[i_in] - t[i_out])
    sig = c.srg[i_in] / slope if slope > 0 else np.inf
    unc = float(np.hypot(sig, c.b / 2.0))
    for d in c.drops:
        if d.t_before_s - c.b <= te <= d.t_after_s + c.b:
            unc += d.duration_s / 2.0
    return DetectedEvent(te, unc, rule)


def _span_within(t, y, k, tol):
    """Half the span of times around index k where y stays within tol of y[k]."""
    lo = k
    while lo > 0 and np.isfinite(y[lo - 1]) and y[lo - 1] >= y[k] - tol:
        lo -= 1
    hi = k
    while hi < t.size - 1 and np.isfinite(y[hi + 1]) and y[hi + 1] >= y[k] - tol:
        hi += 1
    return 0.5 * (t[hi] - t[lo])


def _landing_kink(t, r0g, q, i_from, kink_g):
    """Index of the first maximum of r after the peak drag that is followed by a drop of
    ``kink_g`` within 3 s while q grows by at most 10 %; None if there is none."""
    n = t.size
    seg = np.arange(i_from, n)
    thick = seg[np.nan_to_num(q[seg]) > 10e3]
    if thick.size == 0:
        return None
    i_drag = int(thick[np.nanargmin(r0g[thick])])
    w = int(round(3.0 / (t[1] - t[0])))
    for k in range(i_drag + 1, n - 1):
        if not (np.isfinite(r0g[k]) and r0g[k] >= r0g[k - 1] and r0g[k] > r0g[k + 1]):
            continue
        k2 = min(k + w, n - 1)
        if np.nanmin(r0g[k:k2 + 1]) <= r0g[k] - kink_g and q[k2] <= 1.1 * q[k]:
            return k
    return None


def _burn_events(c: _Ctx, burns, t_apo, h, i_land, edge_g, out, meta, r0g, drag_g, q, step):
    """meco + maxq (ascent burn), boostback (first burn after MECO, before apogee) and entry
    (first burn after apogee above 20 km, before the landing burn).  A burn's end is reported
    only if the data go on for MERGE_S + b after it (it could otherwise still be running)."""
    t = c.t

    def ended(j):
        return t[-1] - t[j] >= MERGE_S + c.b

    def start_end(name, i, j, rule):
        out[f"{name}_start"] = _edge_event(c, i, i - 1, edge_g, rule.format("rises"))
        if ended(j):
            out[f"{name}_end"] = _edge_event(c, j, j + 1, edge_g, rule.format("falls"))

    rest = list(burns)
    if rest and np.nanmean(c.rg[rest[0][1]:rest[0][2]]) > 0 and ended(rest[0][3]) and t[rest[0][3]] < t_apo:
        j = rest.pop(0)[3]
        out["meco"] = _edge_event(c, j, j + 1, edge_g, f"end of the ascent burn: r falls through {edge_g:g} g")
        kq = int(np.nanargmax(np.where(t <= t[j], q, np.nan)))
        out["maxq"] = DetectedEvent(float(t[kq]), float(max(_span_within(t, q, kq, 0.02 * q[kq]), step)),
                                    "maximum of q = rho(US76) v^2 / 2 before MECO")
        bb = [bn for bn in rest if bn[0] > j and t[bn[0]] < t_apo]
        if bb:
            start_end("boostback", bb[0][0], bb[0][3], f"first burn after MECO: |r| {{}} through {edge_g:g} g")
    for i, a0, b0, j in burns:
        if t[i] > t_apo and h[i] > 20e3 and (i_land is None or i < i_land):
            start_end("entry", i, j, f"first burn after apogee above 20 km: |r| {{}} through {edge_g:g} g")
            meta["entry_peak_decel_g"] = float(np.nanmax(-r0g[a0:b0]))
            meta["entry_drag_expectation_g"] = float(np.nanmax(drag_g[a0:b0]))
            break


def _landing_events(tel, t, v, h, r0g, srg, i_land, kink_g, touchdown_speed_m_s, b, out):
    unc = _span_within(t, r0g, i_land, 2.0 * srg[i_land])
    out["landing_start"] = DetectedEvent(float(t[i_land]), float(max(unc, b / 2.0)),
                                         f"deceleration stops easing and grows by {kink_g:g} g within 3 s")
    steps = [s.step for s in detect_quantisation(tel.time_s, tel.altitude_m) if np.isfinite(s.step)]
    h_floor = float(np.min(tel.altitude_m)) + 2.0 * (min(steps) if steps else 0.0)
    td = np.flatnonzero((np.arange(t.size) > i_land) & (v <= touchdown_speed_m_s) & (h <= h_floor))
    if td.size:
        j = int(td[0])
        out["landing_end"] = DetectedEvent(_crossing(t, v, j - 1, j, touchdown_speed_m_s), b / 2.0,
                                           f"speed below {touchdown_speed_m_s:g} m/s at the lowest altitude")


def detect_events(tel: Telemetry, *, grid_step_s: float = 0.1, speed_half_width_s: float = 1.0,
                  altitude_half_width_s: float = 2.0, burn_g: float = 1.0, edge_g: float = 0.5,
                  kink_g: float = 0.3, touchdown_speed_m_s: float = 2.0,
                  min_gap_s: float = DEFAULT_MIN_GAP_S) -> EventDetection:
    """Find maxq, meco, boostback_start/end, apogee, entry_start/end, landing_start/end.

    The kinematics are evaluated on a ``grid_step_s`` grid spanning the data.  Events that the
    data do not show are absent.  See the module doc for the rules."""
    from ..earth.atmosphere import atmosphere

    t = np.arange(tel.time_s[0], tel.time_s[-1] + 1e-9, grid_step_s)
    k = derive_kinematics(tel, times_s=t, speed_half_width_s=speed_half_width_s,
                          altitude_half_width_s=altitude_half_width_s, min_gap_s=min_gap_s)
    v, h, vz, a = k.speed_m_s, k.altitude_m, k.vertical_speed_m_s, k.accel_m_s2
    g = G0 * (R_EARTH_M / (R_EARTH_M + h)) ** 2
    with np.errstate(invalid="ignore", divide="ignore"):
        a_grav = np.where(v > 30.0, -g * vz / v, np.nan)     # below 30 m/s, v_z/v is too noisy
        s_grav = g * k.sigma_vertical_speed_m_s / v
    q = 0.5 * atmosphere(np.clip(h, -5000.0, None)).density_kg_m3 * v * v
    r0g = (a - a_grav) / G0
    srg = np.hypot(k.sigma_accel_m_s2, s_grav) / G0
    drops = tel.metadata.get("dropouts")
    if drops is None:
        drops = find_dropouts(tel.time_s, min_gap_s=min_gap_s)
    out: dict[str, DetectedEvent] = {}
    meta: dict[str, Any] = {"grid_step_s": grid_step_s, "burn_g": burn_g, "edge_g": edge_g}

    i_apo = int(np.nanargmax(h))
    if h[i_apo] - np.nanmin(h[i_apo:]) > 1000.0:
        out["apogee"] = _apogee(t, vz, k.sigma_vertical_speed_m_s, g, i_apo, grid_step_s)
    descends = "apogee" in out
    t_apo = float(t[i_apo]) if descends else np.inf
    # landing start (drag-independent), then beta from the unpowered descent before it
    i_land = _landing_kink(t, r0g, q, i_apo, kink_g) if descends else None
    beta = _ballistic_coefficient(t, q, a, a_grav, vz, i_apo if descends else None, i_land)
    meta["ballistic_coefficient_kg_m2"] = beta
    drag_g = np.where(vz < 0.0, q / beta / G0, 0.0) if np.isfinite(beta) else np.zeros_like(q)
    c = _Ctx(t, r0g + drag_g, srg, speed_half_width_s, drops)
    # where the drag model's error (Cd changes with Mach by tens of %) could reach the burn
    # threshold, no burn core is looked for (the landing burn is found by the kink rule)
    burns = _burns(t, c.rg, burn_g, edge_g, drag_g <= 0.5 * burn_g)
    meta["burns_s"] = [(float(t[i]), float(t[j])) for i, _, _, j in burns]
    _burn_events(c, burns, t_apo, h, i_land, edge_g, out, meta, r0g, drag_g, q, grid_step_s)
    if i_land is not None:
        _landing_events(tel, t, v, h, r0g, srg, i_land, kink_g, touchdown_speed_m_s, speed_half_width_s, out)
    order = ["maxq", "meco", "boostback_start", "boostback_end", "apogee", "entry_start", "entry_end",
             "landing_start", "landing_end"]
    return EventDetection({n: out[n] for n in order if n in out}, meta)


def _apogee(t, vz, svz, g, i_max, step) -> DetectedEvent:
    """Zero crossing of the smoothed vertical speed nearest the altitude maximum
    (uncertainty sigma(v_z) / g); the maximum itself if v_z does not change sign there."""
    sign = np.flatnonzero((vz[:-1] > 0.0) & (vz[1:] <= 0.0))
    if sign.size:
        i = int(sign[np.argmin(np.abs(sign - i_max))])
        if abs(t[i] - t[i_max]) < 10.0:
            te = _crossing(t, vz, i, i + 1, 0.0)
            return DetectedEvent(te, float(np.hypot(svz[i] / g[i], step)),
                                 "smoothed vertical speed crosses zero (altitude maximum)")
    return DetectedEvent(float(t[i_max]), float(np.hypot(svz[i_max] / g[i_max], step)),
                         "maximum of the smoothed altitude")


def _ballistic_coefficient(t, q, a, a_grav, vz, i_apo, i_land) -> float:
    """beta = m / (Cd A) (kg/m^2): median of q / (a_grav - a) over the descent before the landing
    burn where q > 10 kPa (unpowered, drag-dominated); nan if there is no such point."""
    if i_apo is None:
        return float("nan")
    stop = i_land if i_land is not None else t.size
    idx = np.arange(i_apo, stop)
    drag = a_grav[idx] - a[idx]
    sel = (np.nan_to_num(q[idx]) > 10e3) & (np.nan_to_num(drag) > 0.0) & (vz[idx] < 0.0)
    if np.count_nonzero(sel) < 10:
        return float("nan")
    return float(np.median(q[idx][sel] / drag[sel]))
