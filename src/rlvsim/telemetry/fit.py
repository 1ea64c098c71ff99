"""Fit a mission's unknown knobs to first-stage telemetry by bounded nonlinear least squares.

Data (:func:`observe`): the cleaned telemetry with time shifted so that first motion is t = 0
(the simulator's liftoff), smoothed altitude and speed on a 1 s grid with their 1-sigma from
:func:`~rlvsim.telemetry.kinematics.derive_kinematics`, the events detected in it, and, when
given, the webcast's events.csv times.

Residuals of a stage (:func:`_residuals`):

* trajectory: ``w (simulated - observed) / sigma`` for altitude and speed at the grid times in
  the stage's window, ``sigma^2 = sigma_telemetry^2 + floor^2``.  The floor (0.5 % of the
  maximum altitude, 1 % of the maximum speed) stands for model error, which is far above the
  telemetry's noise (+-10 m, +-0.03 m/s): without it the mm/s speed readings would outweigh
  everything else.  Model error is smooth, so neighbouring residuals are not independent:
  ``w = sqrt(grid step / 10 s)`` counts one independent residual per 10 s of flight;
* events: ``(simulated - observed time) / sigma``, against the detected event
  (``sigma^2 = detection uncertainty^2 + (1 s)^2``) and the webcast's (``sigma = 2 s``: whole
  seconds judged by eye); an event the flight does not reach counts as 60 s;
* for a booster the telemetry shows reaching its landing burn (taken to have landed: a fit
  reproduces a recovery, and a failed one would show in the data): the boostback's predicted
  miss of its zone / 100 m, in every booster stage (its boostback reached; the margin of the
  entry stage changes what the boostback may burn).  With a 1 km scale the entry stage traded a
  3 km planned miss for a closer entry burn, and the fitted booster then reached its pad only
  through the descent's steering, by a margin a 0.2 t payload change undid.  100 m is the size
  of the planner's own misses when the zone is in reach (8-25 m on CRS-11); and a flight to
  the ground that does not land (crashed, hard landing, missed zone, tipped over) counts as a
  touchdown missing by ``MISSING_EVENT_S``;
* priors (:mod:`rlvsim.telemetry.params`): ``(value - start) / prior sigma``.

Stages (each :func:`scipy.optimize.least_squares`, method trf, bounds from
:mod:`rlvsim.telemetry.params`, forward-difference Jacobian with one parameter step, started
one step inside the bounds):

1. ``ascent`` against the data up to separation (detected MECO + separation delay), flying the
   ascent only (a few ms per flight);
2. ``boostback`` against separation .. apogee + 10 s, flying the booster from the fitted
   separation state and stopping it there;
3. ``entry`` against apogee + 10 s .. 20 s before the detected landing burn, stopped there (or
   at landing-burn ignition, or 2 km below the altitude observed there);
4. ``landing`` against entry-burn end .. end of data, flying to the ground.

The landing stage starts from the best of a coarse scan of the descent drag scale
(:data:`DRAG_SCAN`, the other knobs at their start values): the landing burn's ignition is a
discontinuous function of the descent (the guidance's ignition search changes mode: on
Iridium-3 the ignition time stays at one value over drag 0.5-0.85, then jumps by 13-20 s),
so a local method started on such a plateau sees a zero gradient and stops there.

Booster flights of the fit use a coarser landing guidance (FIT_LANDING: replanning at 2 Hz on
15 nodes, never finer than the mission's; the landing burn's replanning is most of a flight's
cost), and the fitted mission keeps it: its knobs were fitted with that guidance.
Each stage's covariance is ``s^2 (J^T J)^-1`` (J at the solution, ``s^2`` = chi-square of the
data rows / (effective residual count - n); prior rows keep their own sigma), conditional on
the earlier stages' values (cross-stage covariances are not estimated).  Finally the whole fitted mission is flown once and compared
with the telemetry (:func:`~rlvsim.telemetry.compare.compare`, plus RMS over every sample).
"""
from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Optional

import numpy as np

from .fitresult import FitResult, StageFit
from .flights import FlightFailed, FlightRunner, event_times
from .params import GROUPS, PARAMS, apply_values, default_names, start_values
from .synth import Track

FLOOR_FRACTION = {"altitude": 0.005, "speed": 0.01}
EVENT_FLOOR_S = 1.0
WEBCAST_EVENT_SIGMA_S = 2.0       # events.csv: whole seconds judged by eye from the webcast
MISSING_EVENT_S = 60.0
MIN_GRID_POINTS = 20               # grid points (s) of telemetry a fit needs
FAILED_RESIDUAL = 1e3             # every residual of a flight that cannot be flown
GROUP_EVENTS = {"ascent": ("meco",), "boostback": ("boostback_start", "boostback_end", "apogee"),
                "entry": ("entry_start", "entry_end"), "landing": ("landing_start", "landing_end")}
MAX_NFEV = {"ascent": 30, "boostback": 20, "entry": 20, "landing": 6}
BOOSTBACK_PAST_APOGEE_S = 10.0    # the boostback stage's data end this long after apogee
ENTRY_STOP_BEFORE_LANDING_S = 20.0  # the entry stage's data end this long before the landing burn
ENTRY_CUTOFF_MAX_FRACTION = 0.95  # entry cut-off speed <= this x the observed speed at entry start
STOP_BELOW_WINDOW_M = 2000.0      # entry-stage flights stop this far below the window end's altitude
CORRELATION_TIME_S = 10.0         # model error: one independent residual per 10 s of flight
MISS_SCALE_M = 100.0              # boostback predicted miss, for a booster seen to land
# guidance fidelity of fit flights (re-plans and ignition checks at 2 Hz, 15 nodes)
FIT_LANDING = {"landing_replan_hz": 2.0, "landing_ignition_check_hz": 2.0, "landing_nodes": 15}
DRAG_SCAN = tuple(np.round(np.geomspace(0.5, 3.0, 12), 3))      # landing-stage start scan (ratio 1.18)


@dataclass
class Observed:
    """Telemetry prepared for fitting (times from first motion)."""

    tel: object                       # cleaned Telemetry, time shifted to first motion
    shift_s: float                    # added to the file's times
    grid_s: np.ndarray
    altitude_m: np.ndarray
    speed_m_s: np.ndarray
    sigma_altitude_m: np.ndarray      # telemetry 1-sigma with the model floor
    sigma_speed_m_s: np.ndarray
    events: dict                      # detected name -> (time_s, 1-sigma s)
    webcast: Optional[dict]           # events.csv name -> time_s, shifted like the data
    max_altitude_m: float
    max_speed_m_s: float

    def at(self, t):
        """(altitude_m, speed_m_s) of the smoothed telemetry at time ``t``."""
        return float(np.interp(t, self.grid_s, self.altitude_m)), float(np.interp(t, self.grid_s, self.speed_m_s))


def observe(tel, webcast: Optional[dict] = None, grid_step_s: float = 1.0) -> Observed:
    """Clean ``tel`` (time shifted to first motion), smooth it onto a grid, detect its events."""
    from .clean import clean_telemetry
    from .events import detect_events
    from .kinematics import derive_kinematics

    c = clean_telemetry(tel, shift_time_to_liftoff=True)
    shift = float(c.metadata.get("time_shift_s", 0.0))
    grid = np.arange(np.ceil(c.time_s[0]), c.time_s[-1] + 1e-9, grid_step_s)
    if grid.size < MIN_GRID_POINTS:
        from ..errors import InputError
        raise InputError(f"{tel.source}: telemetry spans {c.time_s[-1] - c.time_s[0]:.1f} s "
                         f"(rule: a fit needs at least {MIN_GRID_POINTS * grid_step_s:g} s of data)")
    k = derive_kinematics(c, times_s=grid)
    ok = np.isfinite(k.altitude_m) & np.isfinite(k.speed_m_s) & np.isfinite(k.sigma_altitude_m) \
        & np.isfinite(k.sigma_speed_m_s)
    hmax, vmax = float(np.max(c.altitude_m)), float(np.max(c.speed_m_s))
    sh = np.hypot(k.sigma_altitude_m[ok], FLOOR_FRACTION["altitude"] * hmax)
    sv = np.hypot(k.sigma_speed_m_s[ok], FLOOR_FRACTION["speed"] * vmax)
    det = detect_events(c)
    events = {n: (float(det[n]), float(det.uncertainty_s.get(n, 0.5))) for n in det if det[n] is not None}
    web = None
    if webcast:
        web = {n: float(t) + shift for n, t in webcast.items() if t is not None}
    return Observed(c, shift, grid[ok], k.altitude_m[ok], k.speed_m_s[ok], sh, sv, events, web, hmax, vmax)


def _windows(obs: Observed, separation_delay_s: float) -> dict[str, tuple[float, float]]:
    """Data span of each stage, from the detected events (times from first motion)."""
    ev = {n: t for n, (t, _) in obs.events.items()}
    t_end = float(obs.grid_s[-1])
    t_sep = ev.get("meco", t_end) + separation_delay_s
    t_bb = min(ev["apogee"] + BOOSTBACK_PAST_APOGEE_S, t_end) if "apogee" in ev else t_end
    t_en = max(ev["landing_start"] - ENTRY_STOP_BEFORE_LANDING_S, t_bb + 1.0) if "landing_start" in ev else t_end
    return {"ascent": (-1.0, t_sep), "boostback": (t_sep, t_bb), "entry": (t_bb, t_en),
            "landing": (ev.get("entry_end", t_bb), t_end)}


def _window_mask(obs: Observed, window) -> np.ndarray:
    return (obs.grid_s > window[0]) & (obs.grid_s <= window[1])


def _residuals(obs: Observed, table, sim_events, window, event_names, landed: bool = False,
               outcome: Optional[str] = None) -> np.ndarray:
    """Weighted residuals of one stage: altitude and speed on the grid inside ``window`` (each
    weighted by sqrt(grid step / CORRELATION_TIME_S)), the events, and for a booster the
    telemetry shows landing, the boostback's predicted miss of its zone and whether the flight
    (``outcome``: of a flight to the ground, else None) failed to land."""
    m = _window_mask(obs, window)
    t = obs.grid_s[m]
    h, v = Track(table).at(t)
    w = np.sqrt(min(1.0, (obs.grid_s[1] - obs.grid_s[0]) / CORRELATION_TIME_S))
    rh = w * (h - obs.altitude_m[m]) / obs.sigma_altitude_m[m]
    rv = w * (v - obs.speed_m_s[m]) / obs.sigma_speed_m_s[m]
    ev = event_times(sim_events)
    re = []
    for n in event_names:
        seen = []
        if n in obs.events:
            seen.append((obs.events[n][0], float(np.hypot(obs.events[n][1], EVENT_FLOOR_S))))
        if obs.webcast and n in obs.webcast:
            seen.append((obs.webcast[n], WEBCAST_EVENT_SIGMA_S))
        for t_obs, s in seen:
            re.append((ev[n] - t_obs) / s if n in ev else MISSING_EVENT_S / s)
    if landed:
        bb = next((e for e in sim_events if e.name == "boostback_end"), None)
        if bb is not None and "predicted_miss_m" in bb.detail:
            re.append(float(bb.detail["predicted_miss_m"]) / MISS_SCALE_M)
        failed = outcome is not None and outcome != "landed"
        re.append(MISSING_EVENT_S / WEBCAST_EVENT_SIGMA_S if failed else 0.0)   # a fixed row count
    return np.concatenate([rh, rv, np.asarray(re, dtype=np.float64)])


def _effective_count(obs: Observed, window, n_total: int) -> float:
    """Independent residuals in a stage: trajectory points count one per CORRELATION_TIME_S."""
    n_traj = 2 * int(np.count_nonzero(_window_mask(obs, window)))
    w2 = min(1.0, (obs.grid_s[1] - obs.grid_s[0]) / CORRELATION_TIME_S)
    return n_traj * w2 + (n_total - n_traj)


def _solve(group, names, fun, x0: dict, runner: FlightRunner, n_eff=None, bounds=None) -> StageFit:
    from scipy.optimize import least_squares

    p = [PARAMS[n] for n in names]
    bnd = [(bounds or {}).get(q.name, (q.lower, q.upper)) for q in p]
    xv = np.array([min(max(x0[n], b[0]), b[1]) for n, b in zip(names, bnd)])
    step = np.array([q.step for q in p])
    lb = (np.array([b[0] for b in bnd]) - xv) / step
    ub = (np.array([b[1] for b in bnd]) - xv) / step
    cache: dict = {}
    fails = [0]
    n_before, t0 = runner.total, time.perf_counter()
    prior = np.array([q.prior_sigma(x0[q.name]) or 0.0 for q in p])
    has_prior = prior > 0.0

    def f(u):
        key = np.round(u, 9).tobytes()
        if key not in cache:
            try:
                cache[key] = fun(dict(zip(names, xv + u * step)))
            except FlightFailed:
                fails[0] += 1
                cache[key] = None
        r = cache[key]
        if r is None:                       # knobs that cannot be flown: a large, flat penalty
            n = next((v.size for v in cache.values() if v is not None), 1)
            r = np.full(n, FAILED_RESIDUAL)
        return np.concatenate([r, (u * step / np.where(has_prior, prior, 1.0))[has_prior]])

    def jac(u):
        f0 = f(u)
        J = np.empty((f0.size, u.size))
        for j in range(u.size):
            h = 1.0 if u[j] + 1.0 <= ub[j] else -1.0
            uu = u.copy()
            uu[j] += h
            J[:, j] = (f(uu) - f0) / h
        return J

    # start one step inside the bounds: trf scales steps by the distance to an active bound, and a
    # start on a bound (e.g. throttle 1.0) would freeze that knob
    wide = ub - lb > 2.0
    u0 = np.where(wide, np.clip(0.0, lb + 1.0, ub - 1.0), 0.5 * (lb + ub))
    res = least_squares(f, u0, jac=jac, bounds=(lb, ub), method="trf", x_scale=10.0,
                        max_nfev=MAX_NFEV[group], ftol=1e-3, xtol=1e-3, gtol=1e-8)
    # covariance s^2 (J^T J)^-1 with s^2 from the data rows; the prior rows (last k) keep their
    # own sigma: a fit better or worse than the floors rescales the data, not the priors
    k = int(np.count_nonzero(has_prior))
    r, J = res.fun, res.jac
    rd, Jd = r[:r.size - k], J[:r.size - k]
    m, n = rd.size, len(names)
    m_eff = n_eff(m) if n_eff is not None else m
    chi2 = float(rd @ rd)
    s2 = chi2 / max(m_eff - n, 1.0)
    Jw = np.vstack([Jd / np.sqrt(max(s2, 1e-300)), J[r.size - k:]])
    cov = np.linalg.pinv(Jw.T @ Jw) * np.outer(step, step)
    sig = np.sqrt(np.maximum(np.diag(cov), 0.0))
    with np.errstate(divide="ignore", invalid="ignore"):
        corr = cov / np.outer(sig, sig)
    rho = float(np.corrcoef(rd[:-1], rd[1:])[0, 1]) if m > 3 else 0.0
    vals = dict(zip(names, (xv + res.x * step).tolist()))
    status = res.message + (f"; {fails[0]} knob sets could not be flown" if fails[0] else "")
    return StageFit(group, list(names), dict(x0), vals, dict(zip(names, sig.tolist())), corr, chi2,
                    round(m_eff - n, 1),
                    rho, int(res.nfev), runner.total - n_before,
                    time.perf_counter() - t0, status)


def scan_start(fun, x0: dict, name: str, candidates) -> dict:
    """``x0`` with knob ``name`` set to the candidate (or its own start) giving the smallest sum
    of squared residuals of ``fun``; knob sets that cannot be flown are skipped."""
    best, best_cost = dict(x0), np.inf
    for x in (x0[name], *candidates):
        trial = {**x0, name: float(x)}
        try:
            r = fun(trial)
        except FlightFailed:
            continue
        cost = float(r @ r)
        if cost < best_cost:
            best, best_cost = trial, cost
    return best


def whole_flight_figures(track: Track, tel) -> dict:
    """Altitude and speed residual RMS over every telemetry sample (a flight that ends early
    holds its last state), with the observed maxima and the RMS as fractions of them."""
    h, v = track.at(tel.time_s)
    rh = float(np.sqrt(np.mean((h - tel.altitude_m) ** 2)))
    rv = float(np.sqrt(np.mean((v - tel.speed_m_s) ** 2)))
    hmax, vmax = float(np.max(tel.altitude_m)), float(np.max(tel.speed_m_s))
    return {"altitude_rms_m": round(rh, 1), "speed_rms_m_s": round(rv, 2), "max_altitude_m": round(hmax, 1),
            "max_speed_m_s": round(vmax, 2), "altitude_rms_fraction_of_max": round(rh / hmax, 5),
            "speed_rms_fraction_of_max": round(rv / vmax, 5), "samples_compared": int(tel.time_s.size),
            "time_span_s": [round(float(tel.time_s[0]), 2), round(float(tel.time_s[-1]), 2)]}


def _low_fidelity(mission):
    """The mission with the landing guidance of fit flights (FIT_LANDING, never finer than the mission's)."""
    rec = mission.recovery
    upd = {k: min(getattr(rec, k), v) for k, v in FIT_LANDING.items()}
    return mission.model_copy(update={"recovery": rec.model_copy(update=upd)})


def fit_mission(mission, tel, webcast: Optional[dict] = None, *, groups=GROUPS, names: Optional[dict] = None,
                runner: Optional[FlightRunner] = None) -> FitResult:
    """Fit ``mission`` to telemetry ``tel`` (module doc).  ``webcast``: events.csv times (file
    time base) to report against; ``names``: group -> knobs (default :func:`default_names`)."""
    from .compare import compare
    from .variant import has_descent_table, scaled_vehicle, scaled_vehicle_data, vehicle_data

    t_start = time.perf_counter()
    runner = runner or FlightRunner(mission)
    obs = observe(tel, webcast)
    win = _windows(obs, mission.ascent.separation_delay_s)
    det = {n: t for n, (t, _) in obs.events.items()}
    landed = "landing_start" in det or "landing_end" in det
    vdata = vehicle_data(mission)[0]
    names = names or default_names(mission, det, drag=has_descent_table(vdata))
    values = start_values(mission, [n for g in groups for n in names.get(g, [])], det, obs.at)
    stages: list[StageFit] = []
    ctx: dict = {}
    vehicles: dict = {}
    bounds = {}
    if "entry_start" in det:    # the entry burn slows the booster: cut-off below the speed at ignition
        p = PARAMS["entry_target_speed_m_s"]
        bounds[p.name] = (p.lower, max(min(p.upper, ENTRY_CUTOFF_MAX_FRACTION * obs.at(det["entry_start"])[1]),
                                       p.lower + 10 * p.step))

    def vehicle(vals):
        k = vals.get("drag_scale")
        if k is None:
            return None
        k = round(float(k), 9)
        if k not in vehicles:
            vehicles[k] = scaled_vehicle(vdata, k)
        return vehicles[k]

    def problem(group):
        if group == "ascent":
            def fun(vals):
                asc = runner.ascent(apply_values(mission, {**values, **vals}))
                return _residuals(obs, asc[1], asc[2], win[group], GROUP_EVENTS[group])
            return fun
        t_stop = win[group][1] + 1.0 if group != "landing" else None
        # an entry-stage flight ends 2 km below the altitude observed at the window's end
        h_stop = max(obs.at(win[group][1])[0] - STOP_BELOW_WINDOW_M, 1000.0) if group == "entry" else None

        def fun(vals):
            v = {**values, **vals}
            table, events = runner.booster(_low_fidelity(apply_values(mission, v)), ctx["ascent"], t_stop, vehicle(v),
                                           h_stop)
            return _residuals(obs, table, events, win[group], GROUP_EVENTS[group], landed, runner.last_outcome)
        return fun

    for g in groups:
        ns = names.get(g, [])
        if g != "ascent" and "ascent" not in ctx:
            ctx["ascent"] = runner.ascent(apply_values(mission, values))
        if not ns:
            continue
        x0 = {n: values[n] for n in ns}
        if g == "landing" and "drag_scale" in ns:
            p = PARAMS["drag_scale"]
            x0 = scan_start(problem(g), x0, "drag_scale", [x for x in DRAG_SCAN if p.lower <= x <= p.upper])
        st = _solve(g, ns, problem(g), x0, runner, lambda m, g=g: _effective_count(obs, win[g], m), bounds)
        values.update(st.values)
        stages.append(st)
        if g == "ascent":
            ctx["ascent"] = runner.ascent(apply_values(mission, values))
    src = getattr(tel.source, "name", tel.source)
    fitted = _low_fidelity(apply_values(mission, values)).model_copy(update={
        "name": f"{mission.name}-fitted", "description": f"{mission.name} fitted to the telemetry {src}"})
    flight = runner.whole(fitted, vehicle(values))
    comp = compare(flight, obs.tel, obs.webcast)
    comp.update(whole_flight_figures(Track.from_flight(flight), obs.tel))
    comp["booster_outcome"] = flight.outcome("booster")
    vout = scaled_vehicle_data(vdata, values["drag_scale"], str(src)) if "drag_scale" in values else None
    notes = [f"telemetry time shifted by {obs.shift_s:+.3f} s so that first motion is t = 0; "
             "event times are in that time base",
             f"the fit flies the landing guidance at {FIT_LANDING}, and so does the fitted mission"]
    return FitResult(fitted, mission.name, str(tel.source), stages, comp, runner.summary(),
                     time.perf_counter() - t_start, vout, notes)
