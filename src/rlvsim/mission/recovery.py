"""The booster after separation: flip, boostback, coast over apogee, entry burn, aerodynamic
descent on grid fins, landing burn under closed-loop convex guidance, touchdown and outcome."""
from __future__ import annotations

import math

import numpy as np

from ..flight import dynamics as D
from ..flight.propagator import Body, Event
from ..flight.recorder import Recorder
from ..guidance.boostback import EntrySpec, make_zone, target_boostback
from .ascent import _event, engine_args
from .landing import LandingReport

G0 = 9.80665
ENTRY_SPEED_TOL_M_S = 0.2   # the entry cut-off speed that keeps max-q and heating, found to this
ENTRY_SHARE = 0.15    # share of the propellant above the landing keep that the boostback leaves for entry


def zone_site(plan):
    """The landing zone of a recovery plan: a catalog site, or the plan's ad-hoc position."""
    from ..earth.sites import Site, get_site
    if plan.landing_zone_position is None:
        return get_site(plan.landing_zone)
    lat, lon, alt = plan.landing_zone_position
    return Site(name=plan.landing_zone or "ad-hoc zone", kind="landing", lat_deg=lat, lon_deg=lon, alt_m=alt,
                landing_type=plan.landing_zone_type, source="ad-hoc position given in the mission")


class BoosterFlight:
    """State machine of one recovered booster; `run()` flies it to the ground."""

    def __init__(self, mission, vehicle, stack, rec: Recorder, events: list, earth, faults=None, perturb=None):
        self.m = mission
        self.plan = mission.recovery
        self.stage = vehicle.stages[0]
        self.rec = rec
        self.events = events
        self.earth = earth
        self.faults = [fl for fl in (faults if faults is not None else mission.faults) if fl.stage == "booster"]
        self.perturb = perturb
        self.zone_site = zone_site(self.plan)
        self.zone = make_zone(self.zone_site, earth)
        self.t = stack.t_sep
        self.y = stack.y_sep.copy()
        self.y[6] = stack.booster_mass_sep_kg
        st = self.stage
        self.m_dry = st.dry_mass_kg + st.residual_propellant_kg
        self.body = Body(earth=earth)
        if perturb is not None:
            perturb.apply(self.body, "booster")
        a = st.aero.get("booster_tail_first") or st.aero["ascent_stack"]
        self.aero = a
        self.body.set_aero(a.mach, a.cd, st.reference_area_m2, a.cl_alpha_per_rad)
        fins = st.grid_fins
        self.max_aoa = math.radians(min(a.max_aoa_deg, fins.max_aoa_deg if fins else a.max_aoa_deg))
        self.g = 9.80665 - earth.rotation_rate_rad_s ** 2 * 6.37e6 * math.cos(math.radians(self.zone_site.lat_deg)) ** 2
        self.landing = LandingReport()
        self.info: dict = {}
        self.phase = "coast"
        self.burns: dict = {}
        from ..faults.navigation import Navigator
        from ..faults.runtime import FaultRuntime
        self.fx = FaultRuntime(self.faults, perturb.seed if perturb is not None else 0, st.engine_count,
                               Navigator.from_perturbation(perturb))
        self.nav = self.fx.nav
        # the aerodynamic drag per unit of the guidance's model, measured in the aero descent
        # (descent.measure_drag); 1 until then (a landing burn started directly keeps 1)
        self.drag_estimate = 1.0

    # ------------------------------------------------------------------------------ helpers
    def _step(self, t1, stop=(), phase=None, h_max=None, stop_on_fault=False):
        """Integrate the truth to ``t1`` or the first of ``stop``; faults due on the way fire at
        their exact time or altitude and the step goes on (or, with ``stop_on_fault``, returns
        'fault' so that the caller reacts at once).  Returns the stop event's name or None."""
        fx = self.fx
        while True:
            fx.enforce(self.body)
            t_end, fstops = t1, []
            if fx.pending:
                nxt = fx.next_time(self.t)
                if nxt is not None and nxt[0] < t1:
                    t_end = max(nxt[0], self.t)
                fstops = fx.stop_events()
            if t_end > self.t:
                seg = self.body.propagate(self.t, self.y, t_end, list(stop) + fstops, h_max_s=h_max)
                self.t, self.y, ev = seg.t_s, seg.y, seg.event
                self.rec.add(self.t, self.y, self.body, phase or self.phase)
            else:
                ev = None
            if ev is not None and ev.startswith("fault:"):
                fx.fire(int(ev[6:]), self)
            elif ev is None and t_end < t1:
                fx.fire_due(self.t, self)
            else:
                return ev
            if stop_on_fault:
                return "fault"
            if self.t >= t1 - 1e-12:
                return None

    def _enter(self, phase, engines=None):
        """Enter a phase (a burn passes the engines it lights; returns how many lit)."""
        self.phase = phase
        return self.fx.enter_phase(phase, self.t, self, engines)

    def nav_state(self):
        """The navigated ECI state the guidance sees (truth + navigation errors)."""
        return self.nav.eci(self.t, self.y, self.zone)

    def _ev(self, name, **detail):
        self.events.append(_event(self.rec, name, "booster", **detail))

    def _engines(self, burn):
        n, fv, ae, isp = engine_args(self.stage, burn)
        if burn == "landing" and self.plan.landing_engines is not None:
            n = min(self.plan.landing_engines, self.stage.engine_count)
        return max(self.fx.available(n), 1), fv, ae, isp

    def _landing_need_kg(self, m):
        """Propellant kept for the landing burn of a booster of final mass ``m``: stopping from
        ~300 m/s (near-ground speed of a booster) against gravity takes a thrust delta-v of
        v T/(T - W) (the gravity loss of a vertical stop), through the rocket equation, times the
        plan's landing_propellant_margin (default 1.3)."""
        n, fv, ae, isp = self._landing_planned_engines()
        e = self.stage.engine
        thrust = n * (fv - 101325.0 * ae)
        a_t = thrust / m
        dv = 300.0 * a_t / max(a_t - G0, 0.5)
        c = e.isp_sl_s * G0
        return self.plan.landing_propellant_margin * m * (math.exp(dv / c) - 1.0)

    @property
    def landing_model(self):
        from ..guidance.descent import LandingBurnModel
        return LandingBurnModel(self._landing_planned_engines(), self.plan.landing_throttle_plan - 0.1, self.m_dry)

    def _landing_planned_engines(self):
        """The landing engines whose thrust the plan counts on: those lit less the engine-out margin."""
        n, fv, ae, isp = self._engines("landing")
        return max(n - min(self.plan.landing_engine_out_margin, n - 1), 1), fv, ae, isp

    def _entry_spec(self, m_floor):
        return EntrySpec(self.plan.entry_start_altitude_m, self.plan.entry_target_speed_m_s,
                         self._engines("entry"), m_floor, self.m_dry + self._landing_need_kg(self.m_dry))

    # ------------------------------------------------------------------------------ phases
    def run(self):
        self.rec.add(self.t, self.y, self.body, "separation")
        # flip
        if self.plan.flip_duration_s > 0:
            self._enter("flip")
            self._step(self.t + self.plan.flip_duration_s)
        self._boostback()
        out = self._coast_and_entry()
        if out is None:
            from .descent import descent_and_landing
            out = descent_and_landing(self)
        self.info.update(out)
        if self.fx.any:
            self.info.update(self.fx.report())
        return self.outcome, self.info

    def _boostback(self):
        plan = self.plan
        if plan.boostback == "none":
            return
        m_floor = self.m_dry + self._landing_need_kg(self.m_dry)
        # entry propellant as the predictor will fly it is part of the prediction; keep it too
        n, fv, ae, isp = self._engines("entry")
        entry_need = ENTRY_SHARE * (self.y[6] - m_floor)
        m_min = m_floor + entry_need
        sol = target_boostback(self.body.clone(), self.t, self.y, self.zone, self._engines("boostback"),
                               plan.boostback_elevation_deg, self._entry_spec(m_floor), m_min, self.earth,
                               landing=self.landing_model, throttle=plan.boostback_throttle)
        self.burns["boostback"] = sol
        if sol.duration_s <= 0.0:
            return
        if not sol.reachable or not sol.converged:
            self.info.setdefault("notes", []).append(f"boostback: {sol.message}")
        from ..guidance.boostback import burn_direction
        n, fv, ae, isp = self._engines("boostback")
        lit = self._enter("boostback", n)
        if lit == 0:
            self.info.setdefault("notes", []).append("boostback: no engine lit")
            return
        self.body.set_engines(lit, fv, ae, isp, plan.boostback_throttle, mass_min_kg=m_min - 1.0)
        self.body.point_inertial(burn_direction(self.t, self.y, sol.azimuth_deg, sol.elevation_deg, self.earth))
        self.rec.add(self.t, self.y, self.body, "boostback")
        self._ev("boostback_start", engines=lit)
        # the same delta-v on fewer engines takes proportionally longer (constant-thrust estimate)
        t_end = self.t + sol.duration_s * n / lit
        while self.t < t_end - 1e-9:
            if self._step(min(self.t + 2.0, t_end), [Event("burnout", "mass", m_min, -1)]) == "burnout":
                break
            cap = self.fx.lit_cap
            if cap == 0:
                break
            if cap is not None and cap < lit:          # engine out: stretch what is left of the burn
                t_end = self.t + (t_end - self.t) * lit / cap
                lit = cap
        self.body.engines_off()
        self.fx.burn_end()
        self._ev("boostback_end", azimuth_deg=round(sol.azimuth_deg, 2), duration_s=round(sol.duration_s, 2),
                 predicted_miss_m=round(sol.miss_m, 1))

    def _entry_target_speed(self):
        """Lower the planned entry cut-off speed until the descent after it keeps max-q and the heating
        proxy sqrt(rho) v^3 within the plan's bounds (bisection, predicted with the full model)."""
        plan = self.plan
        lo, hi = 150.0, plan.entry_target_speed_m_s

        def peaks(v_target):
            b = self.body.clone()
            n, fv, ae, isp = self._engines("entry")
            b.set_engines(n, fv, ae, isp, 1.0, mass_min_kg=self.m_dry)
            b.point_retrograde()
            seg = b.propagate(self.t, self.y, self.t + 600, [Event("e", "speed", v_target, -1),
                                                             Event("g", "altitude", self.zone.alt_m, -1)])
            b.engines_off()
            qmax = heat = 0.0
            if seg.event == "g":
                return qmax, heat
            # the descent sampled every second down to 3 km
            _, _, ds, _ = b.sample(seg.t_s, seg.y, 1.0, math.inf, [Event("g", "altitude", self.zone.alt_m, -1)],
                                   h_max_s=1.0, alt_floor_m=3000.0)
            for d in ds:
                qmax = max(qmax, d[D.D_Q])
                heat = max(heat, math.sqrt(max(d[D.D_RHO], 0.0)) * d[D.D_VREL] ** 3)
            return qmax, heat

        def excess(qh):                # > 0: a bound is broken (relative to the bound)
            return max(qh[0] / plan.entry_max_dynamic_pressure_Pa, qh[1] / plan.entry_max_heating_proxy) - 1.0

        q_hi = peaks(hi)
        if excess(q_hi) <= 0.0:
            return (hi, *q_hi)
        # the speed where the first bound is met: regula falsi (Illinois) on the excess, which is
        # smooth in the cut-off speed, between a speed that keeps the bounds (lo) and one that
        # breaks them (hi), to ENTRY_SPEED_TOL_M_S; the answer is the side that keeps them.  (A
        # bisection to the same resolution took 12 predictions; this takes ~5.)
        q_lo = peaks(lo)
        e_lo, e_hi = excess(q_lo), excess(q_hi)
        if e_lo > 0.0:                 # even the lowest speed breaks a bound: fly it anyway
            return (lo, *q_lo)
        side = 0
        for _ in range(40):
            if hi - lo <= ENTRY_SPEED_TOL_M_S:
                break
            mid = hi - e_hi * (hi - lo) / (e_hi - e_lo)
            mid = min(max(mid, lo + 0.25 * ENTRY_SPEED_TOL_M_S), hi - 0.25 * ENTRY_SPEED_TOL_M_S)
            qm = peaks(mid)
            em = excess(qm)
            if em <= 0.0:
                lo, e_lo, q_lo = mid, em, qm
                if side == -1:
                    e_hi *= 0.5
                side = -1
            else:
                hi, e_hi = mid, em
                if side == 1:
                    e_lo *= 0.5
                side = 1
        return (lo, *q_lo)

    def _coast_and_entry(self):
        plan = self.plan
        self._enter("coast")
        stop = [Event("apogee", "vertical_speed", 0.0, -1),
                Event("entry", "altitude", plan.entry_start_altitude_m, -1),
                Event("ground", "altitude", self.zone.alt_m, -1)]
        while True:
            ev = self._step(self.t + 5.0, stop)
            if ev == "apogee":
                self._ev("apogee")
                stop = stop[1:]
            elif ev == "entry":
                break
            elif ev == "ground":
                return self._touchdown(no_burn=True, cause="fell below the entry altitude never reached?")
        # entry burn: only when it has speed to take off.  A target at or above the speed the booster
        # has at the entry altitude (e.g. a fitted mission) would never be reached: the burn (and
        # the target's predictor) would burn retrograde until the propellant floor, then on down.
        v_now = float(self.body.derived(self.t, self.y)[D.D_VREL])
        if plan.entry_target_speed_m_s >= v_now:
            why = (f"entry burn skipped: target speed {plan.entry_target_speed_m_s:.1f} m/s is not below the "
                   f"Earth-relative speed at the entry altitude, {v_now:.1f} m/s")
            self.info.setdefault("notes", []).append(why)
            self._ev("entry_skipped", reason=why, speed_m_s=round(v_now, 1),
                     target_speed_m_s=round(float(plan.entry_target_speed_m_s), 1))
            return None
        v_target, q_pred, h_pred = self._entry_target_speed()
        n, fv, ae, isp = self._engines("entry")
        m_keep = self.m_dry + self._landing_need_kg(self.m_dry)     # what the landing burn keeps
        lit = self._enter("entry_burn", n)
        if lit == 0:                        # no engine lit: no entry burn, the descent starts faster
            self.fx.burn_end()
            self.info.setdefault("notes", []).append("entry burn: no engine lit")
            return None
        self.body.set_engines(lit, fv, ae, isp, 1.0, mass_min_kg=m_keep - 1.0)
        self.body.point_retrograde()
        self.rec.add(self.t, self.y, self.body, "entry_burn")
        self._ev("entry_start", engines=lit)
        # burn to the target speed; then, if more propellant is left than the landing burn needs
        # (with its margin), keep burning it off: a lighter booster falls slower and lands on one
        # engine.  Never below 150 m/s, where 'retrograde' stops being a direction.
        stops = [Event("entry_end", "speed", v_target, -1), Event("burnout", "mass", m_keep, -1)]
        m_target = None
        for _ in range(2):
            while True:
                ev = self._step(self.t + 1.0, stops + [Event("ground", "altitude", self.zone.alt_m, -1)])
                if ev == "ground":
                    return self._touchdown(no_burn=True, cause="hit the ground during the entry burn")
                if ev is not None or self.fx.lit_cap == 0:
                    break
            if ev != "entry_end" or self.y[6] <= m_keep + 50.0:
                break
            m_target = self.y[6]
            stops = [Event("entry_end", "speed", 150.0, -1), Event("surplus_spent", "mass", m_keep, -1)]
        # what was burned only because it was there (not needed by the recovery): reserve sizing
        self.info["entry_surplus_burned_kg"] = round(float(m_target - self.y[6]), 1) if m_target else 0.0
        self.body.engines_off()
        self.fx.burn_end()
        self._ev("entry_end", target_speed_m_s=round(v_target, 1), predicted_max_q_Pa=round(q_pred, 0),
                 predicted_heating_proxy=round(h_pred, 0))
        return None

    # ------------------------------------------------------------------------------ outcome
    def _touchdown(self, no_burn: bool, cause: str = ""):
        r, v = self.zone.to_enu(self.t, self.y)
        vs = float(-v[2])
        hs = float(np.hypot(v[0], v[1]))
        miss = float(np.hypot(r[0], r[1]))
        tilt = 0.0
        th = self.landing.last_thrust_enu
        if th is not None and np.linalg.norm(th) > 0:
            tilt = math.degrees(math.acos(np.clip(th[2] / np.linalg.norm(th), -1, 1)))
        prop = float(self.y[6] - self.m_dry)
        z = self.zone_site
        crash_vs = max(3 * z.max_vertical_speed_m_s, 6.0)
        self.rec.add(self.t, self.y, self.body, "touchdown")
        if no_burn or vs > crash_vs:
            outcome = "crashed"
            self.info["crash"] = {"phase": self.phase, "cause": cause or f"vertical speed {vs:.1f} m/s at impact"}
            if self.fx.fired:
                self.info["crash"]["fault"] = self.fx.last_kind
        elif miss > z.zone_radius_m:
            outcome = "missed_zone"
        elif vs > z.max_vertical_speed_m_s:
            outcome = "hard_landing"
        elif hs > z.max_horizontal_speed_m_s or tilt > z.max_tilt_deg:
            outcome = "tipped_over"
        else:
            outcome = "landed"
        self.outcome = outcome
        self._ev("touchdown" if outcome != "crashed" else "impact")
        return {"landing_zone": z.name,
                "touchdown": {"vertical_speed_m_s": round(vs, 3), "horizontal_speed_m_s": round(hs, 3),
                              "tilt_deg": round(tilt, 2), "miss_distance_m": round(miss, 2),
                              "propellant_remaining_kg": round(prop, 1),
                              "east_m": round(float(r[0]), 2), "north_m": round(float(r[1]), 2)},
                "landing_burn": self.landing.as_dict()}


def landing_trial(mission, vehicle, t_s, y_eci, earth=None, thrust_scale: float = 1.0):
    """See mission.descent.landing_trial (kept here for its callers)."""
    from .descent import landing_trial as _lt
    return _lt(mission, vehicle, t_s, y_eci, earth, thrust_scale)
