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
from .landing_plan import (A_MIN_FLOOR, TOUCHDOWN_SPEED_M_S, MinThrust, ReplanBudget, ReplanTimeout,
                           aim_below_m, converge_drag, guess_drag_profile, plan_drag_profile, plan_with_drag,
                           rotating_terms_enu, stops_above)

TERMINAL_S = 2.0              # the last seconds of a plan are flown by the terminal feedback law
GATE_ENTRY_M = 0.05           # the terminal law aims at the gate until this close above it
HEIGHT_FILTER_S = 0.15        # time constant of the terminal law's height filter (`_smoothed_height`)
FINAL_S = 0.5                 # in the last half second before contact ...
FINAL_TILT_DEG = 3.0          # ... the thrust tilts at most this much (touchdown criterion: 5 deg)
RESERVE_SEARCH_EVERY = 5      # on the full-thrust reserve, every 5th cycle makes the whole planning-share chain
# fallback-log kinds that are records, not fallbacks (not counted in LandingReport.fallbacks)
NOT_FALLBACKS = ("terminal_law", "engine_out_replan")


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
    limits: object = None                           # LandingLimits the burn started with
    limits_log: list = field(default_factory=list)  # (t_s, LandingLimits, engines lit) at each change
    commanded_ignition_time_s: float = float("nan")  # when an ignition delay separates command and light
    timeouts: int = 0                               # re-plan cycles whose solver budget ran out
    replan_iterations_max: int = 0                  # most interior-point iterations one re-plan cycle used

    def fallback_counts(self) -> dict:
        """Fallbacks by kind (the fallback_log's kinds; they add up to ``fallbacks``)."""
        out: dict = {}
        for _t, kind, _why in self.fallback_log:
            if kind not in NOT_FALLBACKS:
                out[kind] = out.get(kind, 0) + 1
        return out

    def as_dict(self) -> dict:
        d = {"ignition_time_s": round(self.ignition_time_s, 3),
             "ignition_altitude_m": round(self.ignition_altitude_m, 1),
             "duration_s": round(self.duration_s, 3), "replans": self.replans,
             "fallbacks": self.fallbacks, "timeouts": self.timeouts}
        # one integer per fallback kind (flat keys: summary.json's landing_burn holds numbers only)
        for kind, n in sorted(self.fallback_counts().items()):
            d[f"fallbacks_{kind}"] = n
        if math.isfinite(self.commanded_ignition_time_s):
            d["commanded_ignition_time_s"] = round(self.commanded_ignition_time_s, 3)
        return d


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


class LandingBurn:
    """Closed loop from ignition to touchdown.  Every 1/replan_hz seconds: re-plan from the current
    state with drag along the previous plan; track the plan's thrust (zero-order hold) between
    re-plans.  When a re-plan fails, the fallback chain is: re-plan with the full thrust the
    planning share kept in reserve, then the minimum-landing-error plan, then the last good plan,
    then the terminal stop law (constant deceleration to the pad).  Each fallback is counted and logged.

    Every re-plan cycle has a solver budget (`ReplanBudget`: the recovery plan's
    ``landing_replan_max_iterations`` and optional ``landing_replan_max_time_s``) shared by the
    re-plan and its fallback chain.  A solve that runs out of it is discarded like a failed one;
    with nothing left for the rest of the chain the cycle ends on the last good plan ('timeout'),
    the same path as a solver that gives no answer at all (the ``guidance_failure`` fault)."""

    def __init__(self, flight, n_engines, reserve=0, n_commanded=None, seed=None):
        self.f = flight
        self.n = n_engines              # good engines lit
        self.reserve = reserve          # of them, kept as engine-out margin by the planner
        self.n0 = n_commanded or n_engines
        self._set_limits(n_engines, reserve)
        flight.landing.limits = self.limits
        self.good = None          # (t0, plan)
        self.dist = None          # drag profile of the last re-plan
        self.dead = False         # no engine left
        self.seed = seed          # the ignition decision's last plan (`_replan`'s first drag iterate)
        self.on_reserve = 0       # cycles in a row flown on the full-thrust reserve (`_replan_chain`)
        self._h_f = self._t_f = self._vz_f = None   # the terminal law's height filter (`_smoothed_height`)

    def _set_limits(self, n, reserve):
        from .descent import landing_limits
        f = self.f
        self.n, self.reserve = n, reserve
        self.limits = landing_limits(f, n, reserve)
        full = landing_limits(f, n, 0)
        from dataclasses import replace
        self.limits_full = replace(full, thrust_max_N=full.thrust_max_N / f.plan.landing_throttle_plan)
        f.landing.limits_log.append((round(f.t, 3), self.limits, n))
        self.tmin_model = (MinThrust(f.stage.engine, n, f.zone.alt_m, self.limits.thrust_min_N,
                                     self.limits.thrust_max_N)
                           if getattr(f.plan, "landing_min_thrust_by_height", True) else None)

    def _engines_lost(self, t_ign) -> str:
        """Engines failed since the last cycle: re-plan with the engines left, the engine-out margin
        spent first.  Returns the crash cause when no engine is left."""
        f = self.f
        cap = f.fx.lit_cap
        lost = self.n - cap
        if cap <= 0:
            f.body.engines_off()
            self.dead = True
            what = "engine out" if f.fx.last_kind == "engine_out" else f.fx.last_kind.replace("_", " ")
            t_fault = f.fx.fired[-1]["time_s"] if f.fx.fired else f.t
            return f"{what} {t_fault - t_ign:.1f} s after landing-burn ignition: no engine left"
        self._set_limits(cap, max(self.reserve - lost, 0))
        self.good, self.on_reserve = None, 0
        f.landing.fallback_log.append((round(f.t, 3), "engine_out_replan", f"{cap} engine(s) left"))
        return ""

    def _replan(self, r, v, remaining):
        f = self.f
        rep = f.landing
        nodes = f.plan.landing_nodes
        sref = f.stage.reference_area_m2 * f.drag_estimate    # the drag measured before ignition
        extra = rotating_terms_enu(f.body, f.t, f.y, f.zone, f.g)
        if self.good is not None:
            dist = plan_drag_profile(self.good[1], f.t - self.good[0], nodes, f.zone.alt_m, f.aero, sref, extra,
                                     f.body.wind_tab)
            if self.dist is not None:
                dist = 0.5 * (dist + self._previous_dist(remaining))   # damp the plan <-> drag feedback
            warm = remaining
            tmin = self._min_thrust(self.good[1], f.t - self.good[0])
        elif self.seed is not None and self.seed.ok:
            # the ignition decision's last plan, a burn from one step later: its drag is a far
            # better start for the first plan's drag iteration than the uniform-stop guess
            dist = plan_drag_profile(self.seed, 0.0, nodes, f.zone.alt_m, f.aero, sref, extra, f.body.wind_tab)
            warm = self.seed.tf_s
            tmin = self._min_thrust(self.seed)
            self.seed = None      # once: after an engine-out the burn re-plans from its own state
        else:
            dist = guess_drag_profile(r, v, f.y[6], nodes, f.zone.alt_m, f.aero, sref, extra, f.body.wind_tab)
            warm = None
            tmin = self._min_thrust(None, r=r)
        its = 1 if self.good is not None else 2
        self.dist = dist
        self.dist_t0 = f.t
        rep.replans += 1
        if f.fx.guidance_down(f.t):
            # the solver returns nothing (guidance_failure fault): fly on the last good plan
            self._no_answer("solver_failed", "landing solver down")
            return
        budget = ReplanBudget(getattr(f.plan, "landing_replan_max_iterations", None),
                              getattr(f.plan, "landing_replan_max_time_s", None))
        try:
            if self.good is None:
                # the first plan of the burn: drag at its fixed point, not two undamped iterations
                # from the guess (zhuque3: that plan is 2 % cheaper than the burn the re-plans then
                # find, and the burn flown on it costs 1 % more than the optimum)
                dist, first, _ = converge_drag(r, v, f.y[6], self.limits, nodes, f.aero, sref, f.zone.alt_m, extra,
                                               dist, f.body.wind_tab, budget, tmin=tmin, tf0_s=warm)
                self.dist, its, warm = dist, 1, first.tf_s if first is not None else None
                if first is not None:
                    tmin = self._min_thrust(first)
            self._replan_chain(r, v, remaining, nodes, sref, extra, dist, warm, its, budget, tmin)
        except ReplanTimeout as exc:
            rep.timeouts += 1
            self._no_answer("timeout", f"re-plan budget ({budget.describe()}) ran out"
                            + (f" {exc}" if str(exc) else ""))
        rep.replan_iterations_max = max(rep.replan_iterations_max, budget.used)

    def _min_thrust(self, plan, elapsed_s=0.0, r=None):
        """(MinThrust, per-interval minimum thrust) for the planner, along ``plan`` shifted by the
        time flown since it was made, or along the uniform-stop guess from ``r`` (plan None);
        None when the recovery plan takes the pad's minimum on every interval."""
        m, n = self.tmin_model, self.f.plan.landing_nodes
        if m is None:
            return None
        return m, (m.along(plan, elapsed_s, n) if plan is not None else m.guess(r, n))

    def _previous_dist(self, remaining):
        """The previous re-plan's drag profile, to average with the new one.  'time' (default):
        at the new nodes' instants.  'nodes': node by node, as stored.  A profile applies to the
        intervals of the plan made with it, (k + 1/2) tf / N after its re-plan; each re-plan
        shortens the horizon, so node k of the new plan is later than node k of the previous one,
        and the node-by-node average lends it the larger drag of an earlier instant (on zhuque3
        the re-plans then slip their touchdown time 0.3 s per cycle until the full-thrust reserve
        is needed: docs/landing_guidance.md, closed loop)."""
        f = self.f
        if getattr(f.plan, "landing_drag_damping", "time") != "time":
            return self.dist
        n = len(self.dist)
        t0, p = self.good
        tf_prev = p.tf_s if t0 == self.dist_t0 else remaining + (f.t - self.dist_t0)
        frac = (np.arange(n) + 0.5) / n
        t_old = self.dist_t0 + frac * tf_prev
        t_new = f.t + frac * remaining
        return np.column_stack([np.interp(t_new, t_old, self.dist[:, j]) for j in range(3)])

    def _no_answer(self, kind, why):
        """This cycle's solver gave no usable answer (down, or out of budget): one fallback, and
        the last good plan flies on (`_thrust`: the stop law takes over when it falls behind)."""
        rep = self.f.landing
        rep.fallbacks += 1
        rep.fallback_log.append((round(self.f.t, 3), kind,
                                 f"{why}: " + ("last good plan" if self.good is not None else "no plan: stop law")))

    def _replan_chain(self, r, v, remaining, nodes, sref, extra, dist, warm, its, budget, tmin=None) -> bool:
        """The re-plan and its fallbacks (every solve draws on ``budget``; ReplanTimeout when it
        runs out; ``tmin``: the engines' minimum thrust per interval, `MinThrust`).  Returns True
        when the first re-plan failed (a fallback was counted)."""
        f = self.f
        rep = f.landing
        if self.good is not None and stops_above(r, v, f.y[6], self.limits_full, extra):
            # even minimum thrust stops the vehicle above the pad (it is ahead of its plan, slow and
            # low): no plan exists at any thrust (`stops_above` is a necessary condition), so skip
            # the solves of a chain that would all fail; the last good plan and the terminal law
            # fly on, the cycle counted as the chain would have counted it
            rep.fallbacks += 1
            rep.fallback_log.append((round(f.t, 3), "infeasible", "even minimum thrust stops above the pad"))
            return True
        # On the full-thrust reserve (the last cycles' planning-share plans all failed) only every
        # fifth cycle makes the whole planning-share chain; the others try the same touchdown
        # time alone.  In 70 dispersed zhuque3 and falcon9-droneship runs, of the runs of reserve
        # cycles that ended on a planning-share plan ~86 % ended on that one, ~11 % on the
        # touchdown +-0.3 s (2 more solves a cycle) and ~3 % on a new time of flight (11 more: it
        # found a plan in 1 of ~800 reserve cycles).  Never searching is wrong: dispersed zhuque3
        # run 44 then flew 18 s on the reserve, found no plan at all and crashed.
        whole = self.on_reserve % RESERVE_SEARCH_EVERY == 0
        if self.good is not None:
            # shrinking horizon: keep the planned touchdown time.  Re-optimising the time of flight
            # at every re-plan lets a fuel-optimal planner postpone its maximum-thrust arc again
            # and again (it always starts with the cheap minimum-thrust arc) until nothing lands.
            for tf in (remaining, remaining + 0.3, remaining - 0.3) if whole else (remaining,):
                p = plan_with_drag(r, v, f.y[6], self.limits, nodes, f.aero, sref, f.zone.alt_m, extra, dist,
                                   None, 1, tf_s=tf, wind=f.body.wind_tab, budget=budget, tmin=tmin)
                if p.status == "optimal":
                    self.good, self.on_reserve = (f.t, p), 0
                    return False
        p = None
        # a new time of flight: when there is no plan, and on every RESERVE_SEARCH_EVERY-th cycle
        # of a run flown on the reserve, but not at the first failure of a run.  There the search
        # (~15 solves) found a plan half the time, mostly 3-10 % longer: a longer burn, more
        # gravity loss.  Flying the reserve at the same touchdown time instead, on 200 dispersed
        # runs of each mission: the same landings and touchdown speeds, 40 kg (SE 6) more
        # propellant left on zhuque3 (Falcon 9: +0.1 kg), 4-13 % fewer solves per run
        if whole and (self.good is None or self.on_reserve > 0):
            p = plan_with_drag(r, v, f.y[6], self.limits, nodes, f.aero, sref, f.zone.alt_m, extra, dist, warm, its,
                               wind=f.body.wind_tab, budget=budget, tmin=tmin)
            if p.status == "optimal":
                self.good = (f.t, p)
                return False
        # from here on the cycle is a fallback: counted once, by the kind logged below (or by
        # `_no_answer` when the budget runs out on the way)
        p2 = None
        try:
            if self.good is not None:      # the thrust reserve, same touchdown time (shrinking horizon)
                p2 = plan_with_drag(r, v, f.y[6], self.limits_full, nodes, f.aero, sref, f.zone.alt_m, extra,
                                    dist, None, 1, tf_s=remaining, wind=f.body.wind_tab, budget=budget, tmin=tmin)
            if p2 is None or p2.status != "optimal":
                p2 = plan_with_drag(r, v, f.y[6], self.limits_full, nodes, f.aero, sref, f.zone.alt_m, extra,
                                    dist, warm, 1, min_error_fallback=True, wind=f.body.wind_tab, budget=budget,
                                    tmin=tmin)
            if p2.status != "optimal" and self.n > 1 and self._fewer_engines(r, v, nodes, sref, extra, dist, warm,
                                                                            budget):
                rep.fallbacks += 1
                return True
        except ReplanTimeout as exc:
            raise ReplanTimeout("after an infeasible re-plan") from exc
        rep.fallbacks += 1
        kind = "full_thrust" if p2.status == "optimal" else p2.status
        self.on_reserve = self.on_reserve + 1 if kind == "full_thrust" else 0
        rep.fallback_log.append((round(f.t, 3), kind, p2.message or (p.message if p is not None else "")))
        if p2.status in ("optimal", "min_error"):
            self.good = (f.t, p2)
        return True

    def _fewer_engines(self, r, v, nodes, sref, extra, dist, warm, budget=None) -> bool:
        """Too much thrust to land (the engines lit cannot throttle low enough): shut engines down,
        one at a time, until a plan exists (a '3-1' landing burn).  The engine-out margin goes."""
        from .descent import landing_limits
        from .flight import FlightEvent
        f = self.f
        for k in range(self.n - 1, 0, -1):
            lim = landing_limits(f, k, 0)
            p = plan_with_drag(r, v, f.y[6], lim, nodes, f.aero, sref, f.zone.alt_m, extra, dist, warm, 2,
                               wind=f.body.wind_tab, budget=budget)
            if p.status == "optimal":
                row = f.rec.last
                f.events.append(FlightEvent("engine_shutdown", "booster", float(f.t), float(row[8]), float(row[11]),
                                            {"engines_lit": k, "was": self.n}))
                self._set_limits(k, 0)
                f.fx.set_lit(k)
                self.good = (f.t, p)
                f.landing.fallback_log.append((round(f.t, 3), "engine_shutdown", f"{k} engine(s) left lit"))
                return True
        return False

    def _thrust(self, v, h):
        """Thrust (ENU, N) to apply now, or None for engine cut-off (v, h: navigated velocity ENU
        and height above the zone)."""
        f = self.f
        if self.good is not None:
            t0, p = self.good
            if f.t - t0 < p.tf_s - TERMINAL_S:
                k = int(np.searchsorted(p.t_s, f.t - t0, side="right") - 1)
                cmd = p.thrust_enu_N[min(max(k, 0), len(p.thrust_enu_N) - 1)]
                if t0 < f.t - 1e-9:
                    # an old plan flown open loop (this cycle's re-plan failed): when the stop law
                    # needs more than the planning share of full thrust (the plan is behind and
                    # nearly too late), the stop law takes over
                    tl = self._terminal(v, h)
                    if tl is not None and tl[2] > max(cmd[2], self.limits.thrust_max_N):
                        return tl
                return cmd
            return self._terminal(v, h)
        # no plan at all: the terminal law's constant-deceleration stop to the pad, at full thrust
        # at most (coasting while even minimum thrust would stop the vehicle above the pad)
        f.landing.fallback_log.append((round(f.t, 3), "terminal_law", "no plan covers this instant"))
        return self._terminal(v, h)

    def _terminal(self, v, h):
        """The last seconds: constant-deceleration feedback to reach TOUCHDOWN_SPEED_M_S at the pad,
        through a gate (the recovery plan's landing_gate_m) above it on the minimum-thrust braking
        profile v^2 = v_td^2 + 2 a_min h (a_z = (v^2 - v_gate^2) / 2(h - h_gate) above the gate,
        (v^2 - v_td^2) / 2h below): the last metres are flown at the smallest deceleration the
        engines allow, so a height error d of the navigation changes the contact speed only by
        v^2 = v_td^2 + 2 a_min d.  The horizontal
        velocity is nulled in a third of the time to go.  The vehicle cannot hover: when even
        minimum thrust would stop it above the pad, the engine is cut until braking at minimum
        thrust is needed again."""
        f = self.f
        lim = self.limits_full
        m = f.y[6]
        h = max(h, 0.01)
        vz = v[2]
        a_min = max(lim.thrust_min_N / m - lim.g_m_s2, A_MIN_FLOOR)
        v_td2 = TOUCHDOWN_SPEED_M_S ** 2
        h_gate = f.plan.landing_gate_m
        v_gate2 = v_td2 + 2.0 * a_min * h_gate
        a_up = 0.0
        if vz < -TOUCHDOWN_SPEED_M_S:
            # the gate stays where it is: a gate that receded with the height (it was min(gate, h/2))
            # was never reached, and the vehicle crossed the last metres on a steeper deceleration
            # than the minimum-thrust one (zhuque3, navigated height 0.5 m high: 1.83 m/s contact)
            a_up = ((vz * vz - v_gate2) / (2.0 * (h - h_gate)) if h > h_gate + GATE_ENTRY_M
                    else (vz * vz - v_td2) / (2.0 * h))
        # null the horizontal velocity in a third of the time to touchdown (at most 0.5 s), so that
        # it is gone, and the thrust upright again, before the legs touch
        t_go = 2.0 * h / max(-vz, 0.5)
        a_h = -np.array([v[0], v[1]]) / min(max(t_go / 3.0, 0.15), 0.5)
        t_z = m * (lim.g_m_s2 + a_up)
        if t_z < lim.thrust_min_N:
            # too slow for the law at minimum thrust: coast until braking at minimum thrust brings
            # the vehicle to the pad at TOUCHDOWN_SPEED_M_S (a small hoverslam), then brake
            if vz >= 0.0 or vz * vz - v_td2 < 2.0 * a_min * h:
                return None
            t_z = lim.thrust_min_N
        t_h = m * a_h
        # the last half second, or inside the gate (sized to the navigated height's error, so the
        # legs may touch anywhere in it): stand (nearly) upright
        upright = t_go <= FINAL_S or h <= h_gate
        tan_max = np.tan(np.radians(min(lim.pointing_max_deg, FINAL_TILT_DEG) if upright else lim.pointing_max_deg))
        nh = np.linalg.norm(t_h)
        if nh > tan_max * t_z:
            t_h *= tan_max * t_z / nh
        thrust = np.array([t_h[0], t_h[1], t_z])
        mag = np.linalg.norm(thrust)
        return thrust * min(1.0, lim.thrust_max_N / mag)

    def _smoothed_height(self, h_nav, vz_nav) -> float:
        """The height the terminal law flies on: the navigated height through a complementary
        filter with the navigated vertical speed at 50 Hz (predict with the mean vertical speed
        over the step, then move 1 - exp(-dt / HEIGHT_FILTER_S) of the way to the measurement).
        The navigation's white noise (0.1 m per call by default) is cut to ~1/4 at 50 Hz; its
        bias passes unchanged (no filter can see it).  Unfiltered, the law's (v^2 - v_td^2) / 2h
        divides that noise by the height left: in the last 0.3 m Falcon 9's throttle chattered
        between 58 % and full and 18 of 200 dispersed drone-ship runs landed hard (1 without the
        noise)."""
        t, h_nav, vz_nav = self.f.t, float(h_nav), float(vz_nav)
        dt = t - self._t_f if self._h_f is not None else math.inf
        if dt > 0.05:
            self._h_f = h_nav        # between re-plans (steps of 0.2 s or more): the measurement
        else:                        # 50 Hz: trapezoidal prediction (exact at constant deceleration)
            pred = self._h_f + 0.5 * (vz_nav + self._vz_f) * dt
            self._h_f = pred + (1.0 - math.exp(-dt / HEIGHT_FILTER_S)) * (h_nav - pred)
        self._t_f, self._vz_f = t, vz_nav
        return self._h_f

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
            if not self.dead and f.fx.lit_cap is not None and f.fx.lit_cap < self.n:
                cause = self._engines_lost(t_ign) or cause
            r, v = f.nav.enu(*f.zone.to_enu(f.t, f.y))          # the navigated state
            h = self._smoothed_height(r[2], v[2])
            r = r + np.array([0.0, 0.0, aim_below_m(self.limits, self.limits.dry_mass_kg, f.plan.landing_gate_m)])
            remaining = (self.good[0] + self.good[1].tf_s - f.t) if self.good else 1e9
            if remaining > TERMINAL_S and not self.dead:   # tiny horizons are ill-posed: terminal law
                self._replan(r, v, remaining)
                if len(rep.plans) < 400 and self.good is not None:
                    rep.plans.append((f.t, self.good[1]))
            thrust = None if self.dead else self._thrust(v, h)
            step = dt
            if thrust is None:
                f.body.engines_off()
                step = dt if self.dead else 0.02
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
            ev = f._step(f.t + step, [ground, burnout], h_max=dt, stop_on_fault=True)
            if ev == "ground":
                return cause
            if ev == "burnout":
                cause = "the landing burn ran out of propellant"
                f.body.engines_off()
            if f.t - t_ign > 300:
                return "the landing burn did not reach the ground in 300 s"
