"""The booster after separation: flip, boostback, coast over apogee, entry burn, aerodynamic
descent on grid fins, landing burn under closed-loop convex guidance, touchdown and outcome."""
from __future__ import annotations

import math

import numpy as np

from ..flight import dynamics as D
from ..flight.propagator import Body, Event
from ..flight.recorder import Recorder
from ..guidance.boostback import EntrySpec, make_zone, target_boostback
from ..guidance.descent import steer
from .ascent import _event, engine_args
from .landing import LandingReport, feasible_from, ignition_window, limits_for

G0 = 9.80665
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

    # ------------------------------------------------------------------------------ helpers
    def _step(self, t1, stop=(), phase=None, h_max=None):
        seg = self.body.propagate(self.t, self.y, t1, list(stop), h_max_s=h_max)
        self.t, self.y = seg.t_s, seg.y
        self.rec.add(self.t, self.y, self.body, phase or self.phase)
        return seg.event

    def _ev(self, name, **detail):
        self.events.append(_event(self.rec, name, "booster", **detail))

    def _engines(self, burn):
        n, fv, ae, isp = engine_args(self.stage, burn)
        if burn == "landing" and self.plan.landing_engines is not None:
            n = min(self.plan.landing_engines, self.stage.engine_count)
        return n, fv, ae, isp

    def _landing_need_kg(self, m):
        """Propellant kept for the landing burn of a booster of final mass ``m``: stopping from
        ~300 m/s (near-ground speed of a booster) against gravity takes a thrust delta-v of
        v T/(T - W) (the gravity loss of a vertical stop), through the rocket equation, times the
        plan's landing_propellant_margin (default 1.3)."""
        n, fv, ae, isp = self._engines("landing")
        e = self.stage.engine
        thrust = n * (fv - 101325.0 * ae)
        a_t = thrust / m
        dv = 300.0 * a_t / max(a_t - G0, 0.5)
        c = e.isp_sl_s * G0
        return self.plan.landing_propellant_margin * m * (math.exp(dv / c) - 1.0)

    @property
    def landing_model(self):
        from ..guidance.descent import LandingBurnModel
        return LandingBurnModel(self._engines("landing"), self.plan.landing_throttle_plan - 0.1, self.m_dry)

    def _entry_spec(self, m_floor):
        return EntrySpec(self.plan.entry_start_altitude_m, self.plan.entry_target_speed_m_s,
                         self._engines("entry"), m_floor, self.m_dry + self._landing_need_kg(self.m_dry))

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
        self.phase = "boostback"
        self.body.set_engines(n, fv, ae, isp, plan.boostback_throttle, mass_min_kg=m_min - 1.0)
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
        m_keep = self.m_dry + self._landing_need_kg(self.m_dry)     # what the landing burn keeps
        self.body.set_engines(n, fv, ae, isp, 1.0, mass_min_kg=m_keep - 1.0)
        self.body.point_retrograde()
        self.phase = "entry_burn"
        self.rec.add(self.t, self.y, self.body, "entry_burn")
        self._ev("entry_start", engines=n)
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
                if ev is not None:
                    break
            if ev != "entry_end" or self.y[6] <= m_keep + 50.0:
                break
            m_target = self.y[6]
            stops = [Event("entry_end", "speed", 150.0, -1), Event("surplus_spent", "mass", m_keep, -1)]
        # what was burned only because it was there (not needed by the recovery): reserve sizing
        self.info["entry_surplus_burned_kg"] = round(float(m_target - self.y[6]), 1) if m_target else 0.0
        self.body.engines_off()
        self._ev("entry_end", target_speed_m_s=round(v_target, 1), predicted_max_q_Pa=round(q_pred, 0),
                 predicted_heating_proxy=round(h_pred, 0))
        return None

    def _descent_and_landing(self):
        plan = self.plan
        st = self.stage
        n_land, fv, ae, isp = self._engines("landing")
        # the planner may not plan to touch down with less than 10 % of the kept landing propellant
        m_plan_dry = self.m_dry + 0.1 * self._landing_need_kg(self.m_dry)
        limits = limits_for(st, n_land, self.zone.alt_m, m_plan_dry, plan.landing_throttle_plan,
                            plan.landing_pointing_max_deg, plan.landing_glide_slope_deg, self.g)
        # light the engine while a plan at 10 % less thrust than the tracking planner's still lands:
        # that margin absorbs what the planner's drag and the zero-order hold get wrong
        from dataclasses import replace
        limits_ign = replace(limits, thrust_max_N=limits.thrust_max_N * (plan.landing_throttle_plan - 0.1)
                             / plan.landing_throttle_plan)
        limits_full = replace(limits, thrust_max_N=limits.thrust_max_N / plan.landing_throttle_plan)
        self.phase = "aero_descent"
        dt_check = 1.0 / plan.landing_replan_hz
        ground = Event("ground", "altitude", self.zone.alt_m, -1)
        next_steer = self.t
        armed = False          # the ignition is near: check with the planner every step
        next_window = self.t
        warm = warm_full = None
        n_armed = 0            # before the first feasible plan, check every third step only
        while True:
            alt = self.rec.last[8] - self.zone.alt_m
            if plan.aero_steering and self.t >= next_steer and alt > 1500.0:
                alpha, d, _ = steer(self.body, self.t, self.y, self.zone, self.max_aoa, self.landing_model)
                self.body.set_lift(alpha, d)
                next_steer = self.t + (1.0 if alt > 10_000 else 0.5)
            dt = 2.0 if alt > 20_000 else dt_check
            if not armed and alt < 40_000.0 and self.t >= next_window:
                t_win = ignition_window(self.body, self.t, self.y, self.zone, limits_ign, self.g)
                if t_win is None:
                    armed = alt < 10_000.0     # no 1-D window at all: let the planner judge
                    next_window = self.t + 2.0
                elif t_win - self.t < 1.5:
                    armed = True
                else:
                    next_window = max(self.t, t_win - 3.0)
            skip = armed and warm is None and warm_full is None and (n_armed := n_armed + 1) % 3 != 1
            if armed and not skip:
                # would a burn that starts one step later still land?  if not, light now.  The
                # check uses the ignition margin; a booster that never had that margin (heavy, low
                # thrust) is lit on the same rule with the full thrust instead: late, but landable.
                probe = self.body.clone()
                seg = probe.propagate(self.t, self.y, self.t + dt, [ground])
                nxt = nxt_full = None
                if seg.event != "ground":
                    nxt = feasible_from(probe, seg.t_s, seg.y, self.zone, limits_ign, self.g,
                                        plan.landing_nodes, warm, self.aero, self.stage.reference_area_m2)
                    if nxt is None and warm is None:
                        nxt_full = feasible_from(probe, seg.t_s, seg.y, self.zone, limits_full, self.g,
                                                 plan.landing_nodes, warm_full, self.aero,
                                                 self.stage.reference_area_m2)
                if nxt is None and (warm is not None or (nxt_full is None and warm_full is not None)):
                    if warm is None:
                        self.info.setdefault("notes", []).append(
                            "landing burn lit without the ignition thrust margin (heavy or low-thrust booster)")
                    break              # feasible now, not one step later: the latest ignition is now
                warm = nxt
                warm_full = nxt_full
            if self._step(self.t + dt, [ground]) == "ground":
                return self._touchdown(no_burn=True, cause="no feasible landing-burn ignition found")
        self.body.set_lift(0.0, (0, 0, 1))
        return self._landing_burn(limits, n_land, fv, ae, isp)

    def _landing_burn(self, limits, n, fv, ae, isp):
        from .landing import LandingBurn
        rep = self.landing
        rep.ignition_time_s = self.t
        rep.ignition_altitude_m = float(self.rec.last[8] - self.zone.alt_m)
        self.body.set_engines(n, fv, ae, isp, 1.0, mass_min_kg=self.m_dry)
        self.phase = "landing_burn"
        self._ev("landing_start", engines=n)
        burn = LandingBurn(self, limits, n)
        cause = burn.fly()
        rep.duration_s = self.t - rep.ignition_time_s
        self.body.engines_off()
        return self._touchdown(no_burn=False, cause=cause)

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


def landing_trial(mission, vehicle, t_s, y_eci, earth=None, thrust_scale: float = 1.0):
    """Fly only the closed-loop landing burn from an ignition state (ECI), e.g. a dispersed one:
    returns (outcome, info).  ``thrust_scale`` multiplies the engines' real thrust, unknown to the
    guidance (a thrust dispersion)."""
    from types import SimpleNamespace

    from ..flight.propagator import EarthModel
    earth = earth or EarthModel()
    stack = SimpleNamespace(t_sep=t_s, y_sep=np.asarray(y_eci, float), booster_mass_sep_kg=float(y_eci[6]))
    bf = BoosterFlight(mission, vehicle, stack, Recorder("booster"), [], earth)
    bf.body.P[D.P_THRUST_SCALE] = thrust_scale
    bf.body.P[D.P_MDOT_SCALE] = thrust_scale
    plan = bf.plan
    n, fv, ae, isp = bf._engines("landing")
    m_plan_dry = bf.m_dry + 0.1 * bf._landing_need_kg(bf.m_dry)
    limits = limits_for(bf.stage, n, bf.zone.alt_m, m_plan_dry, plan.landing_throttle_plan,
                        plan.landing_pointing_max_deg, plan.landing_glide_slope_deg, bf.g)
    bf.rec.add(bf.t, bf.y, bf.body, "aero_descent")
    info = bf._landing_burn(limits, n, fv, ae, isp)
    return bf.outcome, info
