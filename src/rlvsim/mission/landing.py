"""Closed-loop landing burn: latest feasible ignition, re-planned lossless-convexification guidance
tracked between re-plans, touchdown state.

The planner works in the landing zone's ENU frame with constant gravity; everything it does not
model (drag, the Earth's rotation, the gravity model's difference) is measured from the simulator's
own dynamics at each re-plan and handed to it as a constant disturbance acceleration.
"""
from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np

from ..earth.atmosphere import us76
from ..flight.propagator import Body, Event

TOUCHDOWN_SPEED_M_S = 1.0     # contact speed the aim point and the terminal law are chosen for
TERMINAL_S = 2.0              # the last seconds of a plan are flown by the terminal feedback law


def aim_below_m(limits, mass_kg) -> float:
    """The planner stops the vehicle at rest; a vehicle that cannot hover must not stop above the
    pad.  Aim the stop this far below the pad so that the final (maximum-thrust) arc passes the pad
    surface at TOUCHDOWN_SPEED_M_S: d = v^2 / (2 a), a = T_max / m - g."""
    a = max(limits.thrust_max_N / mass_kg - limits.g_m_s2, 1.0)
    return TOUCHDOWN_SPEED_M_S ** 2 / (2.0 * a)


@dataclass
class LandingReport:
    ignition_time_s: float = float("nan")
    ignition_altitude_m: float = float("nan")
    duration_s: float = 0.0
    replans: int = 0
    fallbacks: int = 0
    fallback_log: list = field(default_factory=list)
    plans: list = field(default_factory=list)       # (t, plan) samples kept for reports
    last_thrust_enu: np.ndarray | None = None
    infeasible_reason: str = ""

    def as_dict(self) -> dict:
        return {"ignition_time_s": round(self.ignition_time_s, 3),
                "ignition_altitude_m": round(self.ignition_altitude_m, 1),
                "duration_s": round(self.duration_s, 3), "replans": self.replans,
                "fallbacks": self.fallbacks}


def limits_for(stage, n_engines, zone_alt_m, dry_mass_kg, plan_share, pointing_deg, glide_deg, g):
    from ..guidance.landing import LandingLimits
    e = stage.engine
    _, p, _, _ = us76(zone_alt_m)
    f_max = n_engines * (e.throttle_max * e.thrust_vac_N - p * e.exit_area_m2)
    f_min = n_engines * (e.throttle_min * e.thrust_vac_N - p * e.exit_area_m2)
    mdot_max = n_engines * e.throttle_max * e.thrust_vac_N / (e.isp_vac_s * 9.80665)
    c_eff = f_max / mdot_max
    return LandingLimits(thrust_min_N=f_min, thrust_max_N=plan_share * f_max, exhaust_speed_m_s=c_eff,
                         dry_mass_kg=dry_mass_kg, pointing_max_deg=pointing_deg, glide_slope_deg=glide_deg,
                         g_m_s2=g)


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


def apply_thrust(body: Body, stage, n, thrust_enu, t, zone, p_amb):
    """Point and throttle the engines to give ``thrust_enu`` (N) at ambient pressure p_amb."""
    from ..flight import dynamics as D
    e = stage.engine
    mag = float(np.linalg.norm(thrust_enu))
    thr = (mag / n + p_amb * e.exit_area_m2) / e.thrust_vac_N
    thr = min(max(thr, e.throttle_min), e.throttle_max)
    body.P[D.P_N_LIT] = n          # (re)light: the terminal law may have cut the engines
    body.set_throttle(thr)
    d = thrust_enu / mag if mag > 0 else np.array([0.0, 0.0, 1.0])
    body.point_inertial(zone.enu_to_eci_dir(t, d))
    return thr


def one_d_ignition_altitude(speed_m_s, mass_kg, limits, drag_m_s2):
    """Closed-form-like gate: height a constant-thrust vertical stop needs from ``speed_m_s`` with
    a third of the current drag helping (drag falls with v^2 during the burn)."""
    decel = limits.thrust_max_N / mass_kg - limits.g_m_s2 + drag_m_s2 / 3.0
    return speed_m_s ** 2 / (2.0 * max(decel, 0.1))


def ignition_window(body, t, y, zone, limits, g, step_s=0.5, max_s=600.0):
    """Predict the coast to the ground (full model) and return the time of the LAST instant from
    which the 1-D gate says a stop is still possible, or None.  The vehicle should start checking
    with the planner shortly before it, not at an earlier feasible window high up, where waiting
    lets drag take speed off for free."""
    from ..flight import dynamics as D
    from ..flight.propagator import Event
    probe = body.clone()
    probe.engines_off()
    ground = [Event("ground", "altitude", zone.alt_m, -1)]
    last_ok = None
    prev_ok = False
    t_end = t + max_s
    while t < t_end:
        d = probe.derived(t, y)
        h = d[D.D_ALT] - zone.alt_m
        ok = h >= one_d_ignition_altitude(d[D.D_VREL], y[6], limits, d[D.D_ACCEL])
        if prev_ok and not ok:
            last_ok = t - step_s
        prev_ok = ok
        seg = probe.propagate(t, y, t + step_s, ground)
        t, y = seg.t_s, seg.y
        if seg.event == "ground":
            break
    return last_ok


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


def rotating_terms_enu(body: Body, t, y, zone, g) -> np.ndarray:
    """The engine-off acceleration the planner does not model other than drag and lift: Coriolis,
    centrifugal and the difference of real gravity from -g z (zone ENU)."""
    scratch = body.clone()
    scratch.set_vacuum()
    return disturbance_enu(scratch, t, y, zone, g)


def plan_with_drag(r, v, m, limits, nodes, aero, sref_m2, zone_alt_m, extra, dist0, warm=None,
                   iterations=2, min_error_fallback=False, tf_s=None, wind=None):
    """Successive planning: plan with drag profile ``dist0``, re-evaluate the drag along that plan
    and plan again (drag depends on the trajectory, which depends on the drag).  ``tf_s`` fixes the
    time of flight (shrinking horizon); None searches it."""
    from ..guidance.landing import solve_landing
    dist = dist0
    plan = None
    for k in range(iterations):
        plan = solve_landing(r, v, m, limits, n_nodes=nodes, accel_disturbance_enu=dist, warm_start=warm,
                             tf_s=tf_s, min_error_fallback=min_error_fallback and k == iterations - 1)
        if plan.status not in ("optimal", "min_error") or k == iterations - 1:
            break
        dist = plan_drag_profile(plan, 0.0, nodes, zone_alt_m, aero, sref_m2, extra, wind)
        warm = plan.tf_s
    return plan


def feasible_from(body, t, y, zone, limits, g, nodes, warm, aero, sref_m2):
    """Fuel-optimal landing plan if the burn started at state (t, y); None when infeasible.
    Drag enters per node, from a first-guess burn (speed falling linearly), then along the plan.
    With a previous plan (``warm``, made one check earlier), a burn of the same duration is tried
    first: one solve instead of a search over the time of flight."""
    r, v = zone.to_enu(t, y)
    r = r + np.array([0.0, 0.0, aim_below_m(limits, limits.dry_mass_kg)])
    extra = rotating_terms_enu(body, t, y, zone, g)
    if warm is not None:
        dist = plan_drag_profile(warm, 0.0, nodes, zone.alt_m, aero, sref_m2, extra, body.wind_tab)
        plan = plan_with_drag(r, v, y[6], limits, nodes, aero, sref_m2, zone.alt_m, extra, dist, None, 1,
                              tf_s=warm.tf_s, wind=body.wind_tab)
        if plan.status == "optimal":
            return plan
    dist = guess_drag_profile(r, v, y[6], nodes, zone.alt_m, aero, sref_m2, extra, body.wind_tab)
    plan = plan_with_drag(r, v, y[6], limits, nodes, aero, sref_m2, zone.alt_m, extra, dist,
                          warm.tf_s if warm is not None else None, wind=body.wind_tab)
    return plan if plan.status == "optimal" else None


class LandingBurn:
    """Closed loop from ignition to touchdown.  Every 1/replan_hz seconds: re-plan from the current
    state with drag along the previous plan; track the plan's thrust (zero-order hold) between
    re-plans.  When a re-plan fails, the fallback chain is: re-plan with the full thrust the
    planning share kept in reserve, then the minimum-landing-error plan, then the last good plan,
    then maximum braking against the velocity.  Each fallback is counted and logged."""

    def __init__(self, flight, limits, n_engines):
        from dataclasses import replace
        self.f = flight
        self.limits = limits
        self.limits_full = replace(limits, thrust_max_N=limits.thrust_max_N / flight.plan.landing_throttle_plan)
        self.n = n_engines
        self.n0 = n_engines
        self.pending = sorted((fl for fl in flight.faults if fl.phase == "landing_burn"), key=lambda fl: fl.delay_s)
        self.good = None          # (t0, plan)
        self.dist = None          # drag profile of the last re-plan
        self.dead = False         # no engine left

    def _inject(self, fault) -> str:
        """Apply a fault now; returns the crash cause it implies if the stage can no longer land."""
        from dataclasses import replace

        from .flight import FlightEvent
        f = self.f
        lost = min(fault.engines, self.n)
        self.n -= lost
        row = f.rec.last
        f.events.append(FlightEvent("fault", "booster", float(f.t), float(row[8]), float(row[11]),
                                    {"kind": fault.kind, "engines_lost": lost, "engines_left": self.n,
                                     "description": fault.description}))
        f.info.setdefault("faults", []).append({"kind": fault.kind, "time_s": round(f.t, 3),
                                                 "engines_lost": lost, "engines_left": self.n})
        if self.n <= 0:
            f.body.engines_off()
            self.dead = True
            return f"engine out {f.t - f.landing.ignition_time_s:.1f} s after landing-burn ignition: no engine left"
        # the guidance re-plans with the engines left
        k = self.n / (self.n + lost)
        self.limits = replace(self.limits, thrust_max_N=self.limits.thrust_max_N * k,
                              thrust_min_N=self.limits.thrust_min_N * k)
        self.limits_full = replace(self.limits_full, thrust_max_N=self.limits_full.thrust_max_N * k,
                                   thrust_min_N=self.limits_full.thrust_min_N * k)
        self.good = None
        return ""

    def _replan(self, r, v, remaining):
        f = self.f
        rep = f.landing
        nodes = f.plan.landing_nodes
        sref = f.stage.reference_area_m2
        extra = rotating_terms_enu(f.body, f.t, f.y, f.zone, f.g)
        if self.good is not None:
            dist = plan_drag_profile(self.good[1], f.t - self.good[0], nodes, f.zone.alt_m, f.aero, sref, extra,
                                     f.body.wind_tab)
            if self.dist is not None:
                dist = 0.5 * (dist + self.dist)          # damp the plan <-> drag feedback
            warm = remaining
        else:
            dist = guess_drag_profile(r, v, f.y[6], nodes, f.zone.alt_m, f.aero, sref, extra, f.body.wind_tab)
            warm = None
        its = 1 if self.good is not None else 2
        self.dist = dist
        rep.replans += 1
        if self.good is not None:
            # shrinking horizon: keep the planned touchdown time.  Re-optimising the time of flight
            # at every re-plan lets a fuel-optimal planner postpone its maximum-thrust arc again
            # and again (it always starts with the cheap minimum-thrust arc) until nothing lands.
            for tf in (remaining, remaining + 0.3, remaining - 0.3):
                p = plan_with_drag(r, v, f.y[6], self.limits, nodes, f.aero, sref, f.zone.alt_m, extra, dist,
                                   None, 1, tf_s=tf, wind=f.body.wind_tab)
                if p.status == "optimal":
                    self.good = (f.t, p)
                    return
        p = plan_with_drag(r, v, f.y[6], self.limits, nodes, f.aero, sref, f.zone.alt_m, extra, dist, warm, its,
                           wind=f.body.wind_tab)
        if p.status == "optimal":
            self.good = (f.t, p)
            return
        rep.fallbacks += 1
        p2 = None
        if self.good is not None:      # the thrust reserve, same touchdown time (shrinking horizon)
            p2 = plan_with_drag(r, v, f.y[6], self.limits_full, nodes, f.aero, sref, f.zone.alt_m, extra, dist,
                                None, 1, tf_s=remaining, wind=f.body.wind_tab)
        if p2 is None or p2.status != "optimal":
            p2 = plan_with_drag(r, v, f.y[6], self.limits_full, nodes, f.aero, sref, f.zone.alt_m, extra, dist,
                                warm, 1, min_error_fallback=True, wind=f.body.wind_tab)
        if p2.status != "optimal" and self.n > 1 and self._fewer_engines(r, v, nodes, sref, extra, dist, warm):
            return
        kind = "full_thrust" if p2.status == "optimal" else p2.status
        rep.fallback_log.append((round(f.t, 3), kind, p2.message or p.message))
        if p2.status in ("optimal", "min_error"):
            self.good = (f.t, p2)

    def _fewer_engines(self, r, v, nodes, sref, extra, dist, warm) -> bool:
        """Too much thrust to land (the engines lit cannot throttle low enough): shut engines down,
        one at a time, until a plan exists (a '3-1' landing burn)."""
        from dataclasses import replace

        from .flight import FlightEvent
        f = self.f
        for k in range(self.n - 1, 0, -1):
            s = k / self.n
            lim = replace(self.limits, thrust_max_N=self.limits.thrust_max_N * s,
                          thrust_min_N=self.limits.thrust_min_N * s)
            p = plan_with_drag(r, v, f.y[6], lim, nodes, f.aero, sref, f.zone.alt_m, extra, dist, warm, 2,
                               wind=f.body.wind_tab)
            if p.status == "optimal":
                row = f.rec.last
                f.events.append(FlightEvent("engine_shutdown", "booster", float(f.t), float(row[8]), float(row[11]),
                                            {"engines_lit": k, "was": self.n}))
                self.limits = lim
                self.limits_full = replace(self.limits_full, thrust_max_N=self.limits_full.thrust_max_N * s,
                                           thrust_min_N=self.limits_full.thrust_min_N * s)
                self.n = k
                self.good = (f.t, p)
                f.landing.fallback_log.append((round(f.t, 3), "engine_shutdown", f"{k} engine(s) left lit"))
                return True
        return False

    def _thrust(self, v):
        """Thrust (ENU, N) to apply now, or None for engine cut-off."""
        f = self.f
        if self.good is not None:
            t0, p = self.good
            if f.t - t0 < p.tf_s - TERMINAL_S:
                k = int(np.searchsorted(p.t_s, f.t - t0, side="right") - 1)
                return p.thrust_enu_N[min(max(k, 0), len(p.thrust_enu_N) - 1)]
            return self._terminal(v)
        # no plan at all: brake along the velocity with full thrust, at most 60 deg off vertical
        f.landing.fallback_log.append((round(f.t, 3), "max_braking", "no plan covers this instant"))
        d = -v / max(np.linalg.norm(v), 1e-9)
        if d[2] < 0.5:
            d = np.array([d[0], d[1], 0.5])
            d /= np.linalg.norm(d)
        return self.limits_full.thrust_max_N * d

    def _terminal(self, v):
        """The last seconds: constant-deceleration feedback to reach TOUCHDOWN_SPEED_M_S at the pad
        (a_z = (v^2 - v_td^2) / 2h), horizontal velocity nulled with a 0.5 s time constant.  The
        vehicle cannot hover: when even minimum thrust would stop it above the pad, the engine is
        cut until braking at minimum thrust is needed again."""
        f = self.f
        lim = self.limits_full
        m = f.y[6]
        h = max(f.rec.last[8] - f.zone.alt_m, 0.01)
        vz = v[2]
        a_up = (vz * vz - TOUCHDOWN_SPEED_M_S ** 2) / (2.0 * h) if vz < -TOUCHDOWN_SPEED_M_S else 0.0
        a_h = -np.array([v[0], v[1]]) / 0.5
        t_z = m * (lim.g_m_s2 + a_up)
        if t_z < lim.thrust_min_N:
            # too slow for the law at minimum thrust: coast until braking at minimum thrust brings
            # the vehicle to the pad at TOUCHDOWN_SPEED_M_S (a small hoverslam), then brake
            a_min = lim.thrust_min_N / m - lim.g_m_s2
            if vz >= 0.0 or vz * vz - TOUCHDOWN_SPEED_M_S ** 2 < 2.0 * a_min * h:
                return None
            t_z = lim.thrust_min_N
        t_h = m * a_h
        tan_max = np.tan(np.radians(lim.pointing_max_deg))
        nh = np.linalg.norm(t_h)
        if nh > tan_max * t_z:
            t_h *= tan_max * t_z / nh
        thrust = np.array([t_h[0], t_h[1], t_z])
        mag = np.linalg.norm(thrust)
        return thrust * min(1.0, lim.thrust_max_N / mag)

    def fly(self) -> str:
        """Fly to the ground; returns '' or a crash cause for the outcome."""
        f = self.f
        rep = f.landing
        dt = 1.0 / f.plan.landing_replan_hz
        ground = Event("ground", "altitude", f.zone.alt_m, -1)
        burnout = Event("burnout", "mass", f.m_dry + 1.0, -1)
        t_ign = f.t
        cause = ""
        while True:
            if self.pending and f.t >= t_ign + self.pending[0].delay_s - 1e-9:
                cause = self._inject(self.pending.pop(0)) or cause
            r, v = f.zone.to_enu(f.t, f.y)
            r = r + np.array([0.0, 0.0, aim_below_m(self.limits, self.limits.dry_mass_kg)])
            remaining = (self.good[0] + self.good[1].tf_s - f.t) if self.good else 1e9
            if remaining > TERMINAL_S and not self.dead:   # tiny horizons are ill-posed: terminal law
                self._replan(r, v, remaining)
                if len(rep.plans) < 400 and self.good is not None:
                    rep.plans.append((f.t, self.good[1]))
            thrust = None if self.dead else self._thrust(v)
            step = dt
            if thrust is None:
                f.body.engines_off()
                step = 0.02
            else:
                _, p_amb, _, _ = us76(max(f.rec.last[8], -1000.0))
                apply_thrust(f.body, f.stage, self.n, thrust, f.t, f.zone, p_amb)
                rep.last_thrust_enu = thrust
                if self.good is not None and f.t - self.good[0] >= self.good[1].tf_s - TERMINAL_S:
                    step = 0.02          # the terminal law is a fast feedback: run it at 50 Hz
            if thrust is not None and self.good is not None and f.t - self.good[0] < self.good[1].tf_s:
                # track at the plan's own zero-order-hold resolution: stop at its next node
                t0, p = self.good
                k = int(np.searchsorted(p.t_s, f.t - t0 + 1e-9, side="right"))
                if k < len(p.t_s):
                    step = min(step, max(t0 + p.t_s[k] - f.t, 1e-3))
            if self.pending:               # stop exactly at the next fault
                step = min(step, max(t_ign + self.pending[0].delay_s - f.t, 1e-3))
            ev = f._step(f.t + step, [ground, burnout], h_max=dt)
            if ev == "ground":
                return cause
            if ev == "burnout":
                cause = "the landing burn ran out of propellant"
                f.body.engines_off()
            if f.t - t_ign > 300:
                return "the landing burn did not reach the ground in 300 s"
