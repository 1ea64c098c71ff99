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
from .flight import FlightEvent

TOUCHDOWN_AIM_BELOW_M = 0.15   # plan to stop 0.15 m below the pad: contact at ~1 m/s, never hover above it


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
    w = np.array([0.0, 0.0, zone.omega])
    th = zone.theta0 + zone.omega * t
    c, s = math.cos(th), math.sin(th)
    R = np.array([[c, s, 0.0], [-s, c, 0.0], [0.0, 0.0, 1.0]])
    r_e = R @ y[:3]
    v_e = R @ (y[3:6] - np.cross(w, y[:3]))
    a_e = R @ f[3:6] - 2 * np.cross(w, v_e) - np.cross(w, np.cross(w, r_e))
    a_enu = zone.axes @ a_e
    a_enu[2] += g
    return a_enu


def apply_thrust(body: Body, stage, n, thrust_enu, t, zone, p_amb):
    """Point and throttle the engines to give ``thrust_enu`` (N) at ambient pressure p_amb."""
    e = stage.engine
    mag = float(np.linalg.norm(thrust_enu))
    thr = (mag / n + p_amb * e.exit_area_m2) / e.thrust_vac_N
    thr = min(max(thr, e.throttle_min), e.throttle_max)
    body.set_throttle(thr)
    d = thrust_enu / mag if mag > 0 else np.array([0.0, 0.0, 1.0])
    body.point_inertial(zone.enu_to_eci_dir(t, d))
    return thr


def find_ignition(body, t, y, zone, limits, g, nodes, dt_check):
    """Is the latest feasible ignition within the next ``dt_check`` seconds?  Returns the ignition
    time (absolute) or None.  Uses the planner's own coast model from the current state."""
    from ..guidance.landing import ignition_search
    r, v = zone.to_enu(t, y)
    r = r + np.array([0.0, 0.0, TOUCHDOWN_AIM_BELOW_M])
    dist = disturbance_enu(body, t, y, zone, g)
    t_ign, plan = ignition_search(r, v, y[6], limits, n_nodes=nodes, accel_disturbance_enu=dist)
    if t_ign is None or not np.isfinite(t_ign):
        return None, plan
    return t + max(t_ign, 0.0), plan
