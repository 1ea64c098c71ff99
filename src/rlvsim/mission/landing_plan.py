"""Landing-burn planning helpers: the disturbance the planner does not model (drag along a plan,
the rotating frame's terms), the 1-D ignition gate and window, and "is a burn from this state
feasible" (used by the ignition decision and by the closed loop in mission.landing)."""
from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np
from numba import njit

from ..earth.atmosphere import us76
from ..flight.propagator import Body
from ..guidance.landing.budget import Budget


TOUCHDOWN_SPEED_M_S = 1.0     # contact speed the aim point and the terminal law are chosen for
DRAG_TOL_M_S2 = 1e-2          # the first plan of a landing burn iterates its drag profile to this ...
DRAG_ITERATIONS = 8           # ... in at most this many plans
A_MIN_FLOOR = 0.2             # (m/s^2) the smallest minimum-thrust deceleration the gate is designed for


class ReplanTimeout(Exception):
    """The re-plan cycle's solver budget ran out (raised by `ReplanBudget`)."""


class ReplanBudget(Budget):
    """Solver budget of ONE re-plan cycle, shared by every solve the cycle makes (the re-plan and
    its fallback chain): ``max_iterations`` interior-point iterations (deterministic: the same
    flight on any machine) and/or ``max_time_s`` of wall time (depends on the machine's load).
    None: unlimited.  `kwargs()` gives a solve what is left (ReplanTimeout when nothing is);
    `charge(plan)` books a solve's iterations and raises ReplanTimeout when the solve ran out.
    The bookkeeping is the one guidance.landing's own per-call `Budget` keeps."""

    def __init__(self, max_iterations=None, max_time_s=None):
        super().__init__(max_time_s=max_time_s, max_iterations=max_iterations)

    def kwargs(self) -> dict:
        if self.spent():
            raise ReplanTimeout
        out = {}
        if self.max_iterations is not None:
            out["max_iterations"] = self.max_iterations - self.used
        if self.max_time_s is not None:
            out["max_time_s"] = self.time_left()
        return out

    def charge(self, plan):
        self.used += int(plan.iterations)
        if plan.timed_out:
            raise ReplanTimeout


def aim_below_m(limits, mass_kg, gate_m: float = 0.0) -> float:
    """How far below the pad the planner aims its stop (negative: above).  The planner stops the
    vehicle at rest and its last arc is at maximum thrust (deceleration a = T_max / m - g); the
    terminal law (mission.landing) flies the last ``gate_m`` (the recovery plan's landing_gate_m) at
    minimum-thrust deceleration a_min, which it enters at v_gate^2 = v_td^2 + 2 a_min gate_m.  Aim so that the
    plan's last arc passes the gate at v_gate: d = v_gate^2 / (2 a) - gate_m; then the plan and the
    terminal law agree at the hand-over.  With gate_m = 0: the arc passes the pad surface at
    v_td = TOUCHDOWN_SPEED_M_S, the plain fuel-optimal hoverslam."""
    gate = max(float(gate_m), 0.0)
    a = max(limits.thrust_max_N / mass_kg - limits.g_m_s2, 1.0)
    a_min = max(limits.thrust_min_N / mass_kg - limits.g_m_s2, A_MIN_FLOOR)
    v_gate2 = TOUCHDOWN_SPEED_M_S ** 2 + 2.0 * a_min * gate
    return v_gate2 / (2.0 * a) - gate


def disturbance_enu(body: Body, t, y, zone, g) -> np.ndarray:
    """Acceleration the planner does not model, in zone ENU: the simulator's engine-off acceleration
    in the rotating frame (drag, Coriolis, centrifugal, real gravity) minus the planner's -g z."""
    scratch = body.clone()
    scratch.engines_off()
    f = scratch.accel(t, y)
    th = zone.theta0 + zone.omega * t
    c, s = math.cos(th), math.sin(th)
    R = np.array([[c, s, 0.0], [-s, c, 0.0], [0.0, 0.0, 1.0]])
    r_e = R @ y[:3]
    om = zone.omega
    v_e = R @ np.array([y[3] + om * y[1], y[4] - om * y[0], y[5]])              # v - omega x r
    # rotating-frame acceleration: a - 2 omega x v_e - omega x (omega x r_e), omega along z
    a_e = R @ f[3:6] + np.array([2 * om * v_e[1] + om * om * r_e[0], -2 * om * v_e[0] + om * om * r_e[1], 0.0])
    a_enu = zone.axes @ a_e
    a_enu[2] += g
    return a_enu


def one_d_ignition_altitude(speed_m_s, mass_kg, limits, drag_m_s2):
    """Closed-form-like gate: height a constant-thrust vertical stop needs from ``speed_m_s`` with
    a third of the current drag helping (drag falls with v^2 during the burn)."""
    decel = limits.thrust_max_N / mass_kg - limits.g_m_s2 + drag_m_s2 / 3.0
    return speed_m_s ** 2 / (2.0 * max(decel, 0.1))


def stop_heights(h_m, v_down_m_s, mass_kg, drag_m_s2, rho_kg_m3, limits, steps: int = 24) -> np.ndarray:
    """Height a vertical stop at constant thrust (``limits.thrust_max_N``) needs from each of these
    states (arrays: height above the zone, downward speed, mass, the vertical drag deceleration now
    and the air density now).  The mass falls at thrust / c; the drag deceleration scales with the
    density at the height reached (US Standard Atmosphere), the speed squared and 1 / mass (drag
    coefficient held).  Midpoint steps of equal speed decrements; inf where the thrust cannot stop
    the vehicle.  Compiled (`_stop_heights`, the same arithmetic: equal to the former NumPy version
    bit for bit): ~0.15 ms for a predicted descent of 30-40 samples, where the NumPy version took
    ~0.6 ms, most of it in 48 calls of the vectorised atmosphere."""
    v = np.maximum(np.asarray(v_down_m_s, float), 0.1)
    h = np.asarray(h_m, float)
    m = np.asarray(mass_kg, float)
    kd = np.asarray(drag_m_s2, float) * m / (np.maximum(np.asarray(rho_kg_m3, float), 1e-12) * v * v)
    h, m, kd = np.broadcast_arrays(h, m, kd)
    shape = np.broadcast_shapes(h.shape, v.shape)
    flat = [np.ascontiguousarray(np.broadcast_to(x, shape), dtype=float).ravel() for x in (h, v, m, kd)]
    out = _stop_heights(*flat, float(limits.thrust_max_N), float(limits.exhaust_speed_m_s),
                        float(limits.g_m_s2), int(steps))
    return out.reshape(shape)


@njit(cache=True)
def _stop_heights(h0, v0, m0, kd, T, c, g, steps):
    """`stop_heights` on flat arrays: per state, ``steps`` midpoint steps of equal speed decrement."""
    out = np.empty(h0.shape[0])
    for i in range(h0.shape[0]):
        h, v, m, k = h0[i], v0[i], m0[i], kd[i]
        dv = v / steps
        used = 0.0
        stops = True
        for _ in range(steps):
            a1 = T / m - g + k * us76(max(h, -1000.0))[2] * v * v / m
            stops = stops and a1 > 1e-3
            dt1 = 0.5 * dv / max(a1, 1e-3)
            vm = v - 0.5 * dv
            hq, mq = h - 0.5 * (v + vm) * dt1, m - T / c * dt1
            a2 = T / mq - g + k * us76(max(hq, -1000.0))[2] * vm * vm / mq
            stops = stops and a2 > 1e-3
            dt = dv / max(a2, 1e-3)
            dh = vm * dt
            h, m, v, used = h - dh, m - T / c * dt, v - dv, used + dh
        out[i] = used if stops else np.inf
    return out


def ignition_window(body, t, y, zone, limits, g, step_s=1.0, max_s=600.0):
    """Predict the coast to the ground (full model, sampled every ``step_s``) and return the time of
    the LAST instant from which a vertical stop at the limits' maximum thrust (`stop_heights`: drag,
    density and mass followed through the stop) still fits in the height left, or None; the
    crossing is interpolated linearly in that margin between samples.  The vehicle should start
    checking with the planner shortly before it, not at an earlier feasible window high up, where
    waiting lets drag take speed off for free.  (The rule-of-thumb gate with a third of today's
    drag, `one_d_ignition_altitude`, never opened for falcon9-rtls, whose drag at ignition is ~2 g:
    the checks then started at 10 km, ~8 s early.  This one, predicted from a few seconds out,
    closed 0.25 s before to 2.0 s after the planner's latest ignition on 600 dispersed runs of the
    three missions, sampled every 1 s and interpolated; every 0.5 s without interpolation, at
    twice the integrator calls, 0.6 s before to 2.0 s after.)"""
    from ..flight import dynamics as D
    from ..flight.propagator import Event
    probe = body.clone()
    probe.engines_off()
    ground = [Event("ground", "altitude", zone.alt_m, -1)]
    d0 = probe.derived(t, y)
    ts, ys, ds, _ = probe.sample(t, y, step_s, t + max_s, ground)
    # the start and every sample but the last (the ground, or max_s reached)
    t_k = np.concatenate(([t], ts[:-1]))
    m_k = np.concatenate(([y[6]], ys[:-1, 6]))
    d = np.vstack((d0, ds[:-1]))
    v_down = np.maximum(-d[:, D.D_VUP], 0.0)
    a = np.column_stack((t_k, d[:, D.D_ALT] - zone.alt_m, v_down, m_k,
                         d[:, D.D_ACCEL] * v_down / np.maximum(d[:, D.D_VREL], 1e-6), d[:, D.D_RHO]))
    margin = a[:, 1] - stop_heights(a[:, 1], a[:, 2], a[:, 3], a[:, 4], a[:, 5], limits)
    ok = margin >= 0.0
    closes = np.flatnonzero(ok[:-1] & ~ok[1:])
    if not closes.size:
        return None
    k = closes[-1]
    if not np.isfinite(margin[k + 1]):           # the thrust cannot stop it at all one step on
        return float(a[k, 0])
    # the margin (height left minus the stop's) is smooth in time: where it crosses zero
    return float(a[k, 0] + (a[k + 1, 0] - a[k, 0]) * margin[k] / (margin[k] - margin[k + 1]))


def drag_profile(v_enu, h_m, mass_kg, aero, sref_m2, wind=None):
    """Aerodynamic drag acceleration (ENU, m/s^2) at each node of a planned burn, from that plan's
    velocities, heights and masses: 0.5 rho(h) |v_air|^2 Cd(Mach) S / m against the airflow.
    ``wind``: the body's wind table (altitude, north, east, down), evaluated at each node."""
    from ..earth.atmosphere import atmosphere
    v_air = np.asarray(v_enu, float).copy()
    if wind is not None and np.any(wind[1:] != 0.0):
        hh = np.asarray(h_m, float)
        v_air[:, 0] -= np.interp(hh, wind[0], wind[2])     # east
        v_air[:, 1] -= np.interp(hh, wind[0], wind[1])     # north
        v_air[:, 2] += np.interp(hh, wind[0], wind[3])     # up = -down
    spd = np.linalg.norm(v_air, axis=1)
    atm = atmosphere(np.maximum(np.asarray(h_m, float), -1000.0))
    cd = np.interp(spd / atm.speed_of_sound_m_s, aero.mach, aero.cd)
    k = 0.5 * atm.density_kg_m3 * spd * cd * sref_m2 / np.asarray(mass_kg, float)
    return -k[:, None] * v_air


def guess_drag_profile(r, v, m, n, zone_alt_m, aero, sref_m2, extra, wind=None):
    """Drag along a first-guess burn: speed falling linearly to zero, height as a uniform stop."""
    frac = (np.arange(n) + 0.5) / n
    vel = np.outer(1.0 - frac, v)
    h = zone_alt_m + max(r[2], 0.0) * (1.0 - frac) ** 2
    return drag_profile(vel, h, np.full(n, m), aero, sref_m2, wind) + extra


def plan_drag_profile(plan, elapsed_s, n, zone_alt_m, aero, sref_m2, extra, wind=None):
    """Drag along the previous plan, shifted by the time flown since it was made."""
    t = plan.t_s
    tf_left = max(plan.tf_s - elapsed_s, 1e-3)
    tk = elapsed_s + (np.arange(n) + 0.5) / n * tf_left
    vel = np.column_stack([np.interp(tk, t, plan.v_enu_m_s[:, j]) for j in range(3)])
    h = zone_alt_m + np.interp(tk, t, plan.r_enu_m[:, 2])
    m = np.interp(tk, t, plan.mass_kg)
    return drag_profile(vel, h, m, aero, sref_m2, wind) + extra


class MinThrust:
    """The engines' minimum thrust (N) at the height each interval of a burn is flown at:
    n x (throttle_min x vacuum thrust - p(h) x exit area).  Up high there is less back-pressure on
    the nozzles, so minimum throttle gives more thrust than at the pad (Falcon 9 at 5 km: 481 kN
    instead of 453 kN), and a plan whose minimum-thrust arc takes the pad's value asks for thrust
    the engines cannot throttle down to.  Each interval takes the value at its start (its highest
    point), never below ``floor_N`` (the limits' minimum, the pad's) and always below ``cap_N``
    (the plan's maximum thrust, so the problem stays posed)."""

    def __init__(self, engine, n_engines: int, zone_alt_m: float, floor_N: float, cap_N: float):
        self.thrust_N = n_engines * engine.throttle_min * engine.thrust_vac_N
        self.area_m2 = n_engines * engine.exit_area_m2
        self.zone_alt_m = zone_alt_m
        self.floor_N, self.cap_N = floor_N, cap_N

    def at(self, h_above_zone_m) -> np.ndarray:
        """Minimum thrust (N) at these heights above the landing zone."""
        from ..earth.atmosphere import atmosphere
        p = atmosphere(self.zone_alt_m + np.maximum(np.asarray(h_above_zone_m, float), 0.0)).pressure_Pa
        return np.clip(self.thrust_N - p * self.area_m2, self.floor_N, 0.98 * self.cap_N)

    def guess(self, r, n) -> np.ndarray:
        """Along a first-guess burn (the height of a uniform stop, as `guess_drag_profile`)."""
        frac = np.arange(n) / n
        return self.at(max(r[2], 0.0) * (1.0 - frac) ** 2)

    def along(self, plan, elapsed_s, n) -> np.ndarray:
        """Along the previous plan, shifted by the time flown since it was made."""
        tf_left = max(plan.tf_s - elapsed_s, 1e-3)
        tk = elapsed_s + np.arange(n) / n * tf_left
        return self.at(np.interp(tk, plan.t_s, plan.r_enu_m[:, 2]))


def rotating_terms_enu(body: Body, t, y, zone, g) -> np.ndarray:
    """The engine-off acceleration the planner does not model other than drag and lift: Coriolis,
    centrifugal and the difference of real gravity from -g z (zone ENU)."""
    scratch = body.clone()
    scratch.set_vacuum()
    return disturbance_enu(scratch, t, y, zone, g)


def plan_with_drag(r, v, m, limits, nodes, aero, sref_m2, zone_alt_m, extra, dist0, warm=None,
                   iterations=2, min_error_fallback=False, tf_s=None, wind=None, budget=None,
                   verdict_only=False, tmin=None, starts=None, history=None):
    """Successive planning: plan with drag profile ``dist0``, re-evaluate the drag along that plan
    and plan again (drag depends on the trajectory, which depends on the drag).  ``tf_s`` fixes the
    time of flight (shrinking horizon); None searches it.  ``budget``: a `ReplanBudget` every solve
    draws from (ReplanTimeout when it runs out); None: unlimited.  ``verdict_only``: only 'does a
    plan land?' matters: the time of flight is searched coarsely (`solve_landing`'s coarse_tf); the
    last iteration stops at the first time of flight that lands (``first_landing``: no later
    iteration evaluates the drag along its plan; zhuque3's ignition decision 195 -> 130 solves per
    run, the same ignitions to 0.2 s; in every iteration it lit 0.2-1.2 s early, docs/campaign.md);
    later iterations first try the previous iteration's time of flight (unless ``starts`` gives
    them a start: then they search from it at once; near the latest ignition the first iteration's
    time lies ~20 % below the second's band and that try never lands).  ``tmin``: (a `MinThrust`,
    its profile for the first plan), re-evaluated along each plan like the drag; None: the limits'
    minimum thrust on every interval.  ``starts``: where iteration k's search of the time of flight
    starts (s; None or missing: ``warm`` for the first, the previous iteration's time for the
    others); ``history``: a list each iteration's time of flight is appended to (None if no plan)."""
    from ..guidance.landing import solve_landing
    model, prof = tmin if tmin is not None else (None, None)
    starts = list(starts or ())

    def solve(dist, **kw):
        lim = budget.kwargs() if budget is not None else {}
        plan = solve_landing(r, v, m, limits, n_nodes=nodes, accel_disturbance_enu=dist, thrust_min_N=prof,
                             **kw, **lim)
        if budget is not None:
            budget.charge(plan)
        return plan

    dist = dist0
    plan = None
    for k in range(iterations):
        last = k == iterations - 1
        plan = None
        if verdict_only and k > 0 and tf_s is None and not (k < len(starts) and starts[k] is not None):
            plan = solve(dist, tf_s=warm, min_error_fallback=False)   # the previous iteration's tf first
        if plan is None or plan.status != "optimal":
            start = starts[k] if k < len(starts) and starts[k] is not None else warm
            plan = solve(dist, warm_start=start, tf_s=tf_s, min_error_fallback=min_error_fallback and last,
                         coarse_tf=verdict_only, first_landing=verdict_only and last, band_edge=verdict_only)
        if history is not None:
            history.append(plan.tf_s if plan.ok else None)
        if plan.status not in ("optimal", "min_error") or last:
            break
        dist = plan_drag_profile(plan, 0.0, nodes, zone_alt_m, aero, sref_m2, extra, wind)
        if model is not None:
            prof = model.along(plan, 0.0, nodes)
        warm = plan.tf_s
    return plan


def converge_drag(r, v, m, limits, nodes, aero, sref_m2, zone_alt_m, extra, dist0, wind=None, budget=None,
                  tol_m_s2=DRAG_TOL_M_S2, max_iterations=DRAG_ITERATIONS, coarse_tf=True, tmin=None,
                  tf0_s=None):
    """The drag profile at its fixed point for a burn from (r, v, m): plan, re-evaluate the drag
    along the plan, average it with the previous profile (the undamped iteration oscillates) and
    plan again, until the profile changes by less than ``tol_m_s2`` at every node.  Each plan
    searches its time of flight from the previous one, to 2 % (``coarse_tf``; the caller makes the
    final plan with the profile returned) or to 0.1 %.  Returns (profile, last plan or None when no
    plan was found, the last change of the profile in m/s^2).  Drag and time of flight depend on
    each other: holding the time of flight fixed while the drag converges stops at another point
    (zhuque3: a first plan 2.5 % cheaper than the burn the re-plans then find).  ``tmin``: as in
    `plan_with_drag`; its profile follows each plan (undamped: the heights settle with the drag).
    ``tf0_s``: a guess of the time of flight for the first plan's search (None: a cold search)."""
    from ..guidance.landing import solve_landing
    dist, plan, change = dist0, None, math.inf
    model, prof = tmin if tmin is not None else (None, None)
    for _ in range(max_iterations):
        lim = budget.kwargs() if budget is not None else {}
        p = solve_landing(r, v, m, limits, n_nodes=nodes, accel_disturbance_enu=dist,
                          warm_start=plan.tf_s if plan is not None else tf0_s, min_error_fallback=False,
                          coarse_tf=coarse_tf, thrust_min_N=prof, **lim)
        if budget is not None:
            budget.charge(p)
        if p.status != "optimal":
            break
        plan = p
        new = plan_drag_profile(plan, 0.0, nodes, zone_alt_m, aero, sref_m2, extra, wind)
        change = float(np.abs(new - dist).max())
        dist = 0.5 * (dist + new)
        if model is not None:
            prof = model.along(plan, 0.0, nodes)
        if change < tol_m_s2:
            break
    return dist, plan, change


def stops_above(r, v, m, limits, extra, margin: float = 0.9) -> bool:
    """A necessary condition for a landing plan, checked without a solve: the vehicle cannot hover
    or cut its engine, so if even minimum thrust, tilted to the pointing cone's edge, stops the
    fall within ``margin`` of the height left, every plan from here stops above the target and no
    plan exists.  Conservative: constant mass (the real one falls, braking harder), no drag (it
    brakes too), the unmodelled terms ``extra`` (ENU, m/s^2) counted against the braking."""
    vz, h = -float(v[2]), float(r[2])
    if vz <= 0.0 or h <= 0.0:
        return False
    brake = (limits.thrust_min_N * math.cos(math.radians(limits.pointing_max_deg)) / m - limits.g_m_s2
             - float(np.linalg.norm(extra)) - 0.05)
    return brake > 0.0 and vz * vz / (2.0 * brake) < margin * h


@dataclass
class VerdictMemo:
    """What one ignition verdict (`feasible_from`) leaves for the next, made one step later:
    ``tf_s``, the time of flight each drag iteration ended on (None where it found no plan), where
    the next verdict's searches start (the first iteration's optimum, on the guessed drag, moves
    ~1 % from one check to the next, the second's a few per cent; from the previous plan's time
    alone the first iteration searched ~20 % down and the second as far up again); ``searched``,
    the one-solve try at the previous plan's time of flight failed (or was skipped for that): the
    later verdicts skip it, because from there to the latest ignition the band of times that land
    moves up past each plan's time (zhuque3: every such try failed); ``made``, a verdict was made."""
    tf_s: list = field(default_factory=list)
    searched: bool = False
    made: bool = False


def feasible_from(body, t, y, zone, limits, g, nodes, warm, aero, sref_m2, verdict_only=True, gate_m=0.0,
                  memo: VerdictMemo | None = None):
    """A landing plan if the burn started at state (t, y); None when infeasible.  The plan is the
    fuel-optimal one with ``verdict_only=False``; with True (default: the ignition decision only
    asks whether one exists) its time of flight is searched coarsely (`plan_with_drag`).
    Drag enters per node, from a first-guess burn (speed falling linearly), then along the plan.
    With a previous plan (``warm``, made one check earlier), a burn of the same duration is tried
    first, one solve instead of a search over the time of flight, until such a try has failed
    (``memo``).  ``gate_m``: the terminal gate the
    plan aims for (`aim_below_m`).  ``memo``: the `VerdictMemo` the verdict that made ``warm`` left
    (read, then overwritten with this one's)."""
    prev = list(memo.tf_s) if (memo is not None and warm is not None) else []
    try_warm = warm is not None and not (memo is not None and memo.searched)
    if memo is not None:
        memo.tf_s, memo.searched, memo.made = [], False, True
    r, v = zone.to_enu(t, y)
    r = r + np.array([0.0, 0.0, aim_below_m(limits, limits.dry_mass_kg, gate_m)])
    extra = rotating_terms_enu(body, t, y, zone, g)
    if stops_above(r, v, y[6], limits, extra):
        return None
    if try_warm:
        dist = plan_drag_profile(warm, 0.0, nodes, zone.alt_m, aero, sref_m2, extra, body.wind_tab)
        plan = plan_with_drag(r, v, y[6], limits, nodes, aero, sref_m2, zone.alt_m, extra, dist, None, 1,
                              tf_s=warm.tf_s, wind=body.wind_tab)
        if plan.status == "optimal":
            if memo is not None:
                memo.tf_s = [prev[0] if prev else None, plan.tf_s]
            return plan
    if memo is not None:
        memo.searched = warm is not None       # the try at warm's time failed, or was skipped for it
    dist = guess_drag_profile(r, v, y[6], nodes, zone.alt_m, aero, sref_m2, extra, body.wind_tab)
    plan = plan_with_drag(r, v, y[6], limits, nodes, aero, sref_m2, zone.alt_m, extra, dist,
                          warm.tf_s if warm is not None else None, wind=body.wind_tab, verdict_only=verdict_only,
                          starts=prev[:1] + [warm.tf_s if warm is not None else None],
                          history=memo.tf_s if memo is not None else None)
    return plan if plan.status == "optimal" else None
