"""The open-loop optimum a closed-loop landing burn is judged against (issue #3: closed-loop fuel
within 1 % of it from the same ignition state), costed with the simulator's engine.

* `open_loop_optimum`: the planner's fuel-optimal plan from an ignition state, with the limits the
  closed loop plans with (the planning share of full thrust, the dry-mass margin, engines, cones)
  on a finer discretisation (50 nodes), free final time and the drag along the plan iterated to
  its fixed point.  Its last arc is aimed at the pad (``gate_m=0``: the plain hoverslam) or
  through the terminal gate the closed loop flies (`landing_plan.aim_below_m`).
* `engine_fuel`: a plan's thrust profile costed with the simulator's engine (mass flow = throttle x
  vacuum thrust / (Isp_vac g0), thrust = that - p(h) x exit area), not the planner's constant c.
* `gated_fuel`: the plan through the gate and then the gate itself flown open loop at minimum
  throttle to contact: the like-with-like reference for a closed loop that flies a gate.
"""
from __future__ import annotations

from dataclasses import replace
from types import SimpleNamespace

import numpy as np

from ..earth.atmosphere import us76
from ..earth.constants import G0_M_S2
from ..flight.propagator import EarthModel
from ..flight.recorder import Recorder
from .descent import landing_limits
from .landing_plan import aim_below_m, converge_drag, guess_drag_profile, rotating_terms_enu
from .recovery import BoosterFlight

# the reference's nodes, whatever the closed loop plans with: N = 50 is within ~0.05 % of N = 80
REFERENCE_NODES = 50


def open_loop_optimum(m, v, t0, y0, share=None, tol=1e-3, max_iter=40, gate_m=0.0, nodes=REFERENCE_NODES):
    """Converged open-loop optimum of mission ``m`` / vehicle ``v`` from time ``t0`` (s) and ECI state
    ``y0`` (position m, velocity m/s, mass kg) at the landing burn's ignition; its last arc aimed at
    the pad surface (``gate_m`` = 0, the plain hoverslam) or through a terminal gate ``gate_m`` above
    it at the gate's entry speed (`aim_below_m`), as the closed loop's plans are.  ``share``: plan
    with this share of full thrust instead of the mission's; ``nodes``: the discretisation (finer
    than the closed loop's, so that the reference is the continuous optimum to ~0.05 %).  Returns
    (plan, the BoosterFlight it was planned for, engines lit, the drag iteration's last change
    m/s^2); the plan carries ``limits_used``, ``dist_used`` and ``aim_m`` (how far below the pad it
    stops)."""
    bf = BoosterFlight(m, v, SimpleNamespace(t_sep=t0, y_sep=y0, booster_mass_sep_kg=y0[6]), Recorder("b"), [],
                       EarthModel())
    plan = m.recovery
    n = bf._engines("landing")[0]
    lim = landing_limits(bf, n, 0)                      # what the closed loop plans with (no margin)
    if share is not None:
        lim = replace(lim, thrust_max_N=lim.thrust_max_N / plan.landing_throttle_plan * share)
    sref = v.stages[0].reference_area_m2
    r, vel = bf.zone.to_enu(t0, y0)
    aim = aim_below_m(lim, lim.dry_mass_kg, gate_m=gate_m)
    r = r + np.array([0.0, 0.0, aim])
    extra = rotating_terms_enu(bf.body, t0, y0, bf.zone, bf.g)
    dist = guess_drag_profile(r, vel, y0[6], nodes, bf.zone.alt_m, bf.aero, sref, extra, bf.body.wind_tab)
    # the closed loop's own fixed-point iteration (damped), to 1e-3 m/s^2 with full-precision searches
    dist, p, change = converge_drag(r, vel, y0[6], lim, nodes, bf.aero, sref, bf.zone.alt_m, extra, dist,
                                    bf.body.wind_tab, tol_m_s2=tol, max_iterations=max_iter, coarse_tf=False)
    if p is None:
        raise RuntimeError("no landing plan from the ignition state")
    p.limits_used, p.dist_used, p.aim_m = lim, dist, aim
    return p, bf, n, change


def engine_fuel(plan, bf, n_lit, engine, substeps=20, t_end_s=np.inf):
    """Fuel the simulator's engine burns flying ``plan``'s thrust profile (u = T/m held per interval,
    as the planner does; back-pressure at each instant's height from the plan), up to ``t_end_s``."""
    mass = plan.mass_kg[0]
    c_vac = engine.isp_vac_s * G0_M_S2
    for k in range(len(plan.thrust_enu_N)):
        if plan.t_s[k] >= t_end_s:
            break
        dt = (min(plan.t_s[k + 1], t_end_s) - plan.t_s[k]) / substeps
        u = np.linalg.norm(plan.thrust_enu_N[k]) / plan.mass_kg[k]
        for j in range(substeps):
            h = bf.zone.alt_m + np.interp(plan.t_s[k] + (j + 0.5) * dt, plan.t_s, plan.r_enu_m[:, 2])
            mass -= dt * (mass * u + n_lit * us76(max(h, -1000.0))[1] * engine.exit_area_m2) / c_vac
    return plan.mass_kg[0] - mass


def gate_crossing(plan, height_m):
    """(time s, vertical velocity m/s) where ``plan`` (heights in the planner's frame) first comes
    down to ``height_m``: on the interval's own quadratic (acceleration held per interval)."""
    from scipy.optimize import brentq
    t, z, vz = plan.t_s, plan.r_enu_m[:, 2], plan.v_enu_m_s[:, 2]
    below = np.flatnonzero(z[1:] <= height_m)
    if below.size == 0:
        raise ValueError(f"the plan never comes down to {height_m:.3f} m")
    k = int(below[0])
    a = (vz[k + 1] - vz[k]) / (t[k + 1] - t[k])
    tau = brentq(lambda s: z[k] + vz[k] * s + 0.5 * a * s * s - height_m, 0.0, t[k + 1] - t[k], xtol=1e-9)
    return t[k] + tau, vz[k] + a * tau


def gated_fuel(plan, bf, n_lit, engine, gate_m, dt_s=1e-3):
    """The open-loop optimum through the terminal gate, flown to the pad with the simulator's
    engine: ``plan`` (aimed at the gate, `open_loop_optimum(..., gate_m=)`) up to where it crosses
    ``gate_m`` above the pad, then the gate at minimum throttle (n x (throttle_min x vacuum thrust -
    p x exit area)), straight down, until contact.  Returns (fuel kg, contact speed m/s, seconds in
    the gate)."""
    t_x, vz = gate_crossing(plan, gate_m + plan.aim_m)
    fuel = engine_fuel(plan, bf, n_lit, engine, t_end_s=t_x)
    mass = plan.mass_kg[0] - fuel
    f_min = n_lit * engine.throttle_min * engine.thrust_vac_N
    mdot = f_min / (engine.isp_vac_s * G0_M_S2)
    g = plan.limits_used.g_m_s2
    h, v, t = gate_m, -vz, 0.0                              # v: downward speed
    while h > 0.0:
        thrust = f_min - n_lit * us76(bf.zone.alt_m + h)[1] * engine.exit_area_m2
        a = thrust / mass - g                               # deceleration, constant over the step
        if v * v <= 2.0 * a * h:
            raise ValueError("minimum thrust stops the vehicle above the pad")
        # the step, or the exact time to contact at this deceleration if that comes first
        step = min(dt_s, (v - np.sqrt(v * v - 2.0 * a * h)) / a if a > 0 else dt_s)
        h -= v * step - 0.5 * a * step * step
        v -= a * step
        mass -= mdot * step
        t += step
        if h < 1e-9:
            break
    return plan.mass_kg[0] - mass, v, t
