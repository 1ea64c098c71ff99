"""The booster after separation: flip, boostback, coast over apogee, entry burn, aerodynamic
descent on grid fins, landing burn under closed-loop convex guidance, touchdown and outcome."""
from __future__ import annotations

import math

import numpy as np

from ..earth.atmosphere import us76
from ..flight import dynamics as D
from ..flight.propagator import Body, Event
from ..flight.recorder import Recorder
from ..guidance.boostback import EntrySpec, make_zone, predict_impact, target_boostback
from ..guidance.descent import steer
from .ascent import _event, engine_args
from .landing import (TOUCHDOWN_AIM_BELOW_M, LandingReport, apply_thrust, disturbance_enu,
                      find_ignition, limits_for)

G0 = 9.80665


class BoosterFlight:
    """State machine of one recovered booster; `run()` flies it to the ground."""

    def __init__(self, mission, vehicle, stack, rec: Recorder, events: list, earth, faults=None):
        from ..earth.sites import get_site
        self.m = mission
        self.plan = mission.recovery
        self.stage = vehicle.stages[0]
        self.rec = rec
        self.events = events
        self.earth = earth
        self.faults = faults
        self.zone_site = get_site(self.plan.landing_zone)
        self.zone = make_zone(self.zone_site, earth)
        self.t = stack.t_sep
        self.y = stack.y_sep.copy()
        self.y[6] = stack.booster_mass_sep_kg
        st = self.stage
        self.m_dry = st.dry_mass_kg + st.residual_propellant_kg
        self.body = Body(earth=earth)
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

    # ------------------------------------------------------------------------------ helpers
    def _step(self, t1, stop=(), phase=None, h_max=None):
        seg = self.body.propagate(self.t, self.y, t1, list(stop), h_max_s=h_max)
        self.t, self.y = seg.t_s, seg.y
        self.rec.add(self.t, self.y, self.body, phase or self.phase)
        return seg.event

    def _ev(self, name, **detail):
        self.events.append(_event(self.rec, name, "booster", **detail))

    def _engines(self, burn):
        return engine_args(self.stage, burn)

    def _landing_need_kg(self, m):
        """Propellant a landing burn needs from ~terminal speed: 1-D estimate with 50% margin."""
        e = self.stage.engine
        return 1.5 * m * (1 - math.exp(-350.0 / (e.isp_sl_s * G0)))

    def _entry_spec(self, m_floor):
        return EntrySpec(self.plan.entry_start_altitude_m, self.plan.entry_target_speed_m_s,
                         self._engines("entry"), m_floor)

    # ------------------------------------------------------------------------------ phases
    def run(self):
        self.rec.add(self.t, self.y, self.body, "separation")
        # flip
        if self.plan.flip_duration_s > 0:
            self.phase = "flip"
            self._step(self.t + self.plan.flip_duration_s)
        self._boostback()
        out = self._coast_and_entry()
        if out is None:
            out = self._descent_and_landing()
        self.info.update(out)
        return self.outcome, self.info

    def _boostback(self):
        plan = self.plan
        if plan.boostback == "none":
            return
        m_floor = self.m_dry + self._landing_need_kg(self.m_dry * 1.1)
        # entry propellant as the predictor will fly it is part of the prediction; keep it too
        n, fv, ae, isp = self._engines("entry")
        entry_need = 0.3 * (self.y[6] - m_floor)
        m_min = m_floor + entry_need
        sol = target_boostback(self.body.clone(), self.t, self.y, self.zone, self._engines("boostback"),
                               plan.boostback_elevation_deg, self._entry_spec(m_floor), m_min, self.earth)
        self.burns["boostback"] = sol
        if sol.duration_s <= 0.0:
            return
        if not sol.reachable or not sol.converged:
            self.info.setdefault("notes", []).append(f"boostback: {sol.message}")
        from ..guidance.boostback import burn_direction
        n, fv, ae, isp = self._engines("boostback")
        self.phase = "boostback"
        self.body.set_engines(n, fv, ae, isp, 1.0, mass_min_kg=m_min - 1.0)
        self.body.point_inertial(burn_direction(self.t, self.y, sol.azimuth_deg, sol.elevation_deg, self.earth))
        self.rec.add(self.t, self.y, self.body, "boostback")
        self._ev("boostback_start", engines=n)
        t_end = self.t + sol.duration_s
        while self.t < t_end - 1e-9:
            if self._step(min(self.t + 2.0, t_end), [Event("burnout", "mass", m_min, -1)]) == "burnout":
                break
        self.body.engines_off()
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
            t, y = seg.t_s, seg.y
            qmax = heat = 0.0
            while seg.event != "g":
                seg = b.propagate(t, y, t + 1.0, [Event("g", "altitude", self.zone.alt_m, -1)], h_max_s=1.0)
                t, y = seg.t_s, seg.y
                d = b.derived(t, y)
                qmax = max(qmax, d[D.D_Q])
                heat = max(heat, math.sqrt(max(d[D.D_RHO], 0.0)) * d[D.D_VREL] ** 3)
                if d[D.D_ALT] < 3000.0:
                    break
            return qmax, heat

        q, h = peaks(hi)
        if q <= plan.entry_max_dynamic_pressure_Pa and h <= plan.entry_max_heating_proxy:
            return hi, q, h
        for _ in range(12):
            mid = 0.5 * (lo + hi)
            q, h = peaks(mid)
            if q <= plan.entry_max_dynamic_pressure_Pa and h <= plan.entry_max_heating_proxy:
                lo = mid
            else:
                hi = mid
        q, h = peaks(lo)
        return lo, q, h

    def _coast_and_entry(self):
        plan = self.plan
        self.phase = "coast"
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
        # entry burn
        v_target, q_pred, h_pred = self._entry_target_speed()
        n, fv, ae, isp = self._engines("entry")
        m_floor = self.m_dry + self._landing_need_kg(self.m_dry * 1.1)
        self.body.set_engines(n, fv, ae, isp, 1.0, mass_min_kg=m_floor - 1.0)
        self.body.point_retrograde()
        self.phase = "entry_burn"
        self.rec.add(self.t, self.y, self.body, "entry_burn")
        self._ev("entry_start", engines=n)
        while True:
            ev = self._step(self.t + 1.0, [Event("entry_end", "speed", v_target, -1),
                                            Event("burnout", "mass", m_floor, -1),
                                            Event("ground", "altitude", self.zone.alt_m, -1)])
            if ev in ("entry_end", "burnout"):
                break
            if ev == "ground":
                return self._touchdown(no_burn=True, cause="hit the ground during the entry burn")
        self.body.engines_off()
        self._ev("entry_end", target_speed_m_s=round(v_target, 1), predicted_max_q_Pa=round(q_pred, 0),
                 predicted_heating_proxy=round(h_pred, 0))
        return None

    def _descent_and_landing(self):
        plan = self.plan
        st = self.stage
        n_land, fv, ae, isp = self._engines("landing")
        limits = limits_for(st, n_land, self.zone.alt_m, self.m_dry, plan.landing_throttle_plan,
                            plan.landing_pointing_max_deg, plan.landing_glide_slope_deg, self.g)
        self.phase = "aero_descent"
        dt_check = 1.0 / plan.landing_replan_hz
        ground = Event("ground", "altitude", self.zone.alt_m, -1)
        t_ign = None
        next_steer = self.t
        while t_ign is None:
            alt = self.rec.last[8] - self.zone.alt_m
            if plan.aero_steering and self.t >= next_steer and alt > 1500.0:
                alpha, d, _ = steer(self.body, self.t, self.y, self.zone, self.max_aoa)
                self.body.set_lift(alpha, d)
                next_steer = self.t + (1.0 if alt > 10_000 else 0.5)
            dt = 2.0 if alt > 20_000 else dt_check
            if alt < 15_000:
                t_ign, _ = find_ignition(self.body, self.t, self.y, self.zone, limits, self.g,
                                         plan.landing_nodes, dt)
                if t_ign is not None and t_ign > self.t + dt:
                    t_ign = None
            if t_ign is None:
                if self._step(self.t + dt, [ground]) == "ground":
                    return self._touchdown(no_burn=True, cause="no feasible landing-burn ignition found")
        if t_ign > self.t:
            if self._step(t_ign, [ground]) == "ground":
                return self._touchdown(no_burn=True, cause="hit the ground before landing-burn ignition")
        self.body.set_lift(0.0, (0, 0, 1))
        return self._landing_burn(limits, n_land, fv, ae, isp)

    def _landing_burn(self, limits, n, fv, ae, isp):
        from ..guidance.landing import solve_landing
        plan = self.plan
        st = self.stage
        rep = self.landing
        rep.ignition_time_s = self.t
        rep.ignition_altitude_m = float(self.rec.last[8] - self.zone.alt_m)
        self.body.set_engines(n, fv, ae, isp, 1.0, mass_min_kg=self.m_dry)
        self.phase = "landing_burn"
        self._ev("landing_start", engines=n)
        dt = 1.0 / plan.landing_replan_hz
        ground = Event("ground", "altitude", self.zone.alt_m, -1)
        burnout = Event("burnout", "mass", self.m_dry + 1.0, -1)
        good = None           # (t0, plan) last good plan
        t_end_plan = None
        while True:
            r, v = self.zone.to_enu(self.t, self.y)
            r = r + np.array([0.0, 0.0, TOUCHDOWN_AIM_BELOW_M])
            remaining = (t_end_plan - self.t) if t_end_plan is not None else 1e9
            if remaining > 2 * dt:
                dist = disturbance_enu(self.body, self.t, self.y, self.zone, self.g)
                tf_guess = remaining - 0.0 if good is not None else None
                p = solve_landing(r, v, self.y[6], limits, n_nodes=plan.landing_nodes,
                                  tf_s=None, accel_disturbance_enu=dist,
                                  warm_start=tf_guess)
                rep.replans += 1
                if p.status == "optimal":
                    good = (self.t, p)
                    t_end_plan = self.t + p.tf_s
                else:
                    rep.fallbacks += 1
                    rep.fallback_log.append((round(self.t, 3), p.status, p.message))
                    if p.status == "min_error":
                        good = (self.t, p)
                        t_end_plan = self.t + p.tf_s
                if len(rep.plans) < 400:
                    rep.plans.append((self.t, good[1] if good else p))
            if good is None:
                thrust = np.array([0.0, 0.0, limits.thrust_max_N / plan.landing_throttle_plan])
            else:
                t0, p = good
                k = int(np.searchsorted(p.t_s, self.t - t0, side="right") - 1)
                k = min(max(k, 0), len(p.thrust_enu_N) - 1)
                thrust = p.thrust_enu_N[k]
            _, p_amb, _, _ = us76(max(self.rec.last[8], -1000.0))
            apply_thrust(self.body, st, n, thrust, self.t, self.zone, p_amb)
            rep.last_thrust_enu = thrust
            t_next = self.t + dt
            if t_end_plan is not None and self.t >= t_end_plan - 1e-9:
                t_next = self.t + 0.05
            ev = self._step(t_next, [ground, burnout], h_max=dt)
            if ev == "ground":
                rep.duration_s = self.t - rep.ignition_time_s
                self.body.engines_off()
                return self._touchdown(no_burn=False)
            if ev == "burnout":
                self.info.setdefault("notes", []).append("landing burn ran out of propellant")
            if self.t - rep.ignition_time_s > 300:
                return self._touchdown(no_burn=False, cause="landing burn did not reach the ground in 300 s")

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
                              "propellant_remaining_kg": round(prop, 1)},
                "landing_burn": self.landing.as_dict()}
