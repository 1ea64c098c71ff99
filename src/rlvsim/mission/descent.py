"""The booster's aerodynamic descent on grid fins and the landing-burn ignition decision (the
latest ignition from which a plan still lands), then the closed-loop landing burn.

The guidance sees the navigated state (``BoosterFlight.nav_state``: truth + navigation errors);
the simulator flies the truth.  With ``landing_engine_out_margin = k`` the ignition is judged, and
the burn planned, on the thrust of k engines fewer than are lit, so that k engines can fail and
the plan still flies (the minimum thrust stays that of every lit engine).
"""
from __future__ import annotations

from dataclasses import replace

import numpy as np

from ..flight import dynamics as D
from ..flight.propagator import Event
from ..guidance.descent import steer
from .landing import limits_for
from .landing_plan import VerdictMemo, feasible_from, ignition_window, one_d_ignition_altitude

DRAG_MEASURE_Q_MIN_PA = 2000.0     # dynamic pressure from which the drag is measured (measure_drag)
# start the planner's ignition checks this long before the 1-D window closes: on 600 dispersed runs
# the window closed 0.25 s before to 2.0 s after the latest ignition the checks then found, and
# the checks started at least 1.8 s before it (`landing_plan.ignition_window`)
ARM_LEAD_S = 5.0
UNARMED_STEP_S = 1.0   # longest step of the descent below 20 km before the checks are armed


def landing_limits(bf, n_lit: int, reserve: int):
    """Planner limits with ``n_lit`` engines lit, ``reserve`` of them kept as engine-out margin:
    maximum thrust = plan share x (n_lit - reserve) engines, minimum = n_lit engines at minimum."""
    plan = bf.plan
    m_plan_dry = bf.m_dry + 0.1 * bf._landing_need_kg(bf.m_dry)
    one = limits_for(bf.stage, 1, bf.zone.alt_m, m_plan_dry, plan.landing_throttle_plan,
                     plan.landing_pointing_max_deg, plan.landing_glide_slope_deg, bf.g)
    return replace(one, thrust_max_N=one.thrust_max_N * max(n_lit - reserve, 1),
                   thrust_min_N=one.thrust_min_N * n_lit)


def descent_and_landing(bf):
    """Aero descent until the latest feasible ignition, then the landing burn; returns the
    touchdown info (bf._touchdown)."""
    plan = bf.plan
    n_land, fv, ae, isp = bf._engines("landing")
    reserve = min(plan.landing_engine_out_margin, n_land - 1)
    limits = landing_limits(bf, n_land, reserve)
    # light the engine while a plan at 10 % less thrust than the tracking planner's still lands:
    # that margin absorbs what the planner's drag and the zero-order hold get wrong
    limits_ign = replace(limits, thrust_max_N=limits.thrust_max_N * (plan.landing_throttle_plan - 0.1)
                         / plan.landing_throttle_plan)
    limits_full = replace(limits, thrust_max_N=landing_limits(bf, n_land, 0).thrust_max_N / plan.landing_throttle_plan)
    bf._enter("aero_descent")
    fx = bf.fx
    adv = plan.landing_ignition_advance_s      # light this long before the latest feasible instant
    dt_check = 1.0 / plan.landing_ignition_check_hz
    ground = Event("ground", "altitude", bf.zone.alt_m, -1)
    next_steer = bf.t
    armed = False          # the ignition is near: check with the planner every step
    next_window = bf.t
    t_win = None
    warm = warm_share = None
    memo, memo_share = VerdictMemo(), VerdictMemo()   # what each kind of verdict left for the next
    n_armed = 0            # before the first feasible plan, check every third step only
    while True:
        alt = bf.rec.last[8] - bf.zone.alt_m
        measure_drag(bf)
        sref = bf.stage.reference_area_m2 * bf.drag_estimate      # the planner's drag, as measured
        steering = plan.aero_steering and fx.fins_stuck is None and alt > 1500.0
        if steering and bf.t >= next_steer - 1e-9:
            alpha, d, _ = steer(bf.body, bf.t, bf.nav_state(), bf.zone, bf.max_aoa, bf.landing_model)
            bf.body.set_lift(alpha, d)
            next_steer = bf.t + (1.0 if alt > 10_000 else 0.5)
        dt = 2.0 if alt > 20_000 else dt_check
        if not armed and alt < 40_000.0 and bf.t >= next_window:
            t_win = ignition_window(bf.body, bf.t, bf.nav_state(), bf.zone, limits_ign, bf.g)
            if t_win is None:
                armed = alt < 10_000.0     # no 1-D window at all: let the planner judge
                next_window = bf.t + 2.0
            elif t_win - bf.t < ARM_LEAD_S + adv:
                armed = True
            else:
                # predict again half-way there: from 40 km up the prediction is up to ~8 s late
                # (the grid fins have yet to steer), from a few seconds out within ~2 s
                next_window = bf.t + max(0.5 * (t_win - ARM_LEAD_S - adv - bf.t), 1.0)
        if not armed and alt <= 20_000:
            # nothing is checked before the checks are armed: step to the next steering or window
            # instant, at most UNARMED_STEP_S (the 5 Hz steps only measured the drag and recorded)
            steer_in = next_steer - bf.t if steering else UNARMED_STEP_S
            dt = max(min(UNARMED_STEP_S, next_window - bf.t, steer_in), dt_check)
        if armed and fx.guidance_down(bf.t):
            # the solver gives no answer: fall back on the 1-D gate's last ignition instant
            if (t_win is not None and bf.t >= t_win) or _past_full_thrust_gate(bf, limits_full, dt):
                bf.landing.fallbacks += 1
                bf.landing.fallback_log.append((round(bf.t, 3), "ignition_by_1d_gate", "landing solver down"))
                break
        else:
            if armed and warm is None and warm_share is None and _past_full_thrust_gate(bf, limits_full, dt):
                # no plan was ever found and even full thrust must start now: light, and let the
                # landing burn's fallbacks (minimum-landing-error plan) take the vehicle down
                bf.landing.fallbacks += 1
                bf.landing.fallback_log.append((round(bf.t, 3), "ignition_by_1d_gate", "no feasible plan found"))
                break
            skip = armed and warm is None and warm_share is None and (n_armed := n_armed + 1) % 3 != 1
            if armed and not skip:
                # would a burn that starts one step later still land?  if not, light now.  The
                # check uses the ignition margin; a booster that never had that margin (heavy, low
                # thrust, more drag than planned) is lit on the same rule with the landing planner's
                # own thrust share, which leaves the burn the full-thrust reserve.  (With full
                # thrust instead, the fitted CRS-11 booster with CRS-12's cargo, +202 kg, was lit
                # at 1.8 km where only full thrust could still stop it, fell behind that plan
                # while its engine spooled up, and crashed with 9.7 t of propellant left.)
                probe = bf.body.clone()
                seg = probe.propagate(bf.t, bf.nav_state(), bf.t + dt + adv, [ground])
                nxt = nxt_share = None
                if seg.event != "ground":
                    nxt, nxt_share = _verdicts(bf, probe, seg, sref, (limits_ign, warm, memo),
                                               (limits, warm_share, memo_share))
                if nxt is None and warm is None and adv > 0.0 and seg.event != "ground":
                    # armed inside the advance already: light now if a burn from the next step lands
                    probe = bf.body.clone()
                    s0 = probe.propagate(bf.t, bf.nav_state(), bf.t + dt, [ground])
                    if s0.event != "ground" and feasible_from(probe, s0.t_s, s0.y, bf.zone, limits_ign, bf.g,
                                                              plan.landing_nodes, None, bf.aero,
                                                              sref, gate_m=plan.landing_gate_m) is not None:
                        break
                if nxt is None and (warm is not None or (nxt_share is None and warm_share is not None)):
                    if warm is None:
                        bf.info.setdefault("notes", []).append(
                            "landing burn lit without the ignition thrust margin (heavy or low-thrust booster)")
                    break              # feasible now, not one step later: the latest ignition is now
                warm = nxt
                warm_share = nxt_share
        if bf._step(bf.t + dt, [ground]) == "ground":
            return bf._touchdown(no_burn=True, cause="no feasible landing-burn ignition found")
    if fx.fins_stuck is None:
        bf.body.set_lift(0.0, (0, 0, 1))
    delay = bf.perturb.landing_ignition_delay_s if bf.perturb is not None else 0.0
    if delay > 0.0:                    # commanded now, lit later
        bf.landing.commanded_ignition_time_s = bf.t
        if bf._step(bf.t + delay, [ground]) == "ground":
            return bf._touchdown(no_burn=True, cause="hit the ground before the delayed landing-burn ignition")
    return landing_burn(bf, n_land, reserve, fv, ae, isp, seed=warm if warm is not None else warm_share)


def _verdicts(bf, probe, seg, sref, margin, share):
    """The ignition check's verdicts for a burn from ``seg``'s state: (plan with the ignition
    margin or None, plan with the planning share or None); each of ``margin`` and ``share`` is
    (limits, the previous check's plan, its `VerdictMemo`).  The share's verdict is only made
    while the margin's finds nothing and never has.  Once a margin verdict has found nothing (its
    memo says one was made) and nothing has landed since, the share's verdict comes first:
    it plans with more thrust, so where it finds nothing the margin's cannot either, and the checks
    before the first plan (falcon9-rtls: ~8 s of them) cost half."""
    plan = bf.plan

    def verdict(limits, warm, memo):
        return feasible_from(probe, seg.t_s, seg.y, bf.zone, limits, bf.g, plan.landing_nodes, warm, bf.aero, sref,
                             gate_m=plan.landing_gate_m, memo=memo)

    if margin[1] is None and share[1] is None and margin[2].made:
        nxt_share = verdict(*share)
        if nxt_share is None:
            return None, None
        nxt = verdict(*margin)
        return nxt, (nxt_share if nxt is None else None)
    nxt = verdict(*margin)
    return nxt, (verdict(*share) if nxt is None and margin[1] is None else None)


def measure_drag(bf, q_min_Pa=DRAG_MEASURE_Q_MIN_PA):
    """The aerodynamic acceleration per unit of the guidance's model, measured with the
    accelerometers while the engines are off (the sensed acceleration is then the aerodynamic
    one): the body's own, over the same body's with the catalog's drag table and the standard
    atmosphere (drag and density scales 1) at the navigated state.  It stands for the flight's
    drag-coefficient and density errors in the landing planner's drag (`bf.drag_estimate`, kept
    at ignition).  Lift enters both as well; with L/D ~ 0.2 it moves the ratio by ~(L/D)^2 x the
    drag error, ~0.2 %.  Below ``q_min_Pa`` there is too little air to measure."""
    body = bf.body
    if body.P[D.P_N_LIT] != 0.0:
        return
    true = body.derived(bf.t, bf.y)
    if true[D.D_Q] < q_min_Pa:
        return
    scales = body.P[D.P_CD_SCALE], body.P[D.P_RHO_SCALE]
    body.P[D.P_CD_SCALE] = body.P[D.P_RHO_SCALE] = 1.0
    try:
        model = body.derived(bf.t, bf.nav_state())
    finally:
        body.P[D.P_CD_SCALE], body.P[D.P_RHO_SCALE] = scales
    if model[D.D_ACCEL] > 0.0:
        bf.drag_estimate = float(true[D.D_ACCEL] / model[D.D_ACCEL])
        bf.info["drag_estimate"] = round(bf.drag_estimate, 4)


def _past_full_thrust_gate(bf, limits_full, dt) -> bool:
    """True when a vertical stop at full thrust (1-D, navigated state) must start within one step."""
    y = bf.nav_state()
    d = bf.body.derived(bf.t, y)
    h = d[D.D_ALT] - bf.zone.alt_m
    return h - max(-d[D.D_VUP], 0.0) * dt <= one_d_ignition_altitude(d[D.D_VREL], y[6], limits_full, d[D.D_ACCEL])


def landing_burn(bf, n, reserve, fv, ae, isp, seed=None):
    """Light and fly the landing burn.  ``seed``: the ignition decision's last plan (a burn from
    one step later), where the first plan's drag iteration starts."""
    from .landing import LandingBurn
    rep = bf.landing
    rep.ignition_time_s = bf.t
    rep.ignition_altitude_m = float(bf.rec.last[8] - bf.zone.alt_m)
    lit = bf._enter("landing_burn", n)
    if lit == 0:
        rep.duration_s = 0.0
        while bf._step(bf.t + 1.0, [Event("ground", "altitude", bf.zone.alt_m, -1)]) != "ground":
            pass
        return bf._touchdown(no_burn=True, cause=f"ignition failure: {n} of {n} landing engine(s) did not light")
    bf.body.set_engines(lit, fv, ae, isp, 1.0, mass_min_kg=bf.m_dry)
    bf._ev("landing_start", engines=lit)
    burn = LandingBurn(bf, lit, max(0, reserve - (n - lit)), n_commanded=n, seed=seed)
    cause = burn.fly()
    rep.duration_s = bf.t - rep.ignition_time_s
    bf.body.engines_off()
    bf.fx.burn_end()
    return bf._touchdown(no_burn=False, cause=cause)


def fly_from(mission, vehicle, t_s, y_eci, start: str = "landing_burn", earth=None, perturb=None):
    """Fly a booster from an ECI state at ``start`` ('landing_burn': light the landing burn now;
    'aero_descent': descend on grid fins, light at the latest feasible ignition) to the ground.
    Returns the BoosterFlight (outcome, info, events, rec) for inspection."""
    from types import SimpleNamespace

    from ..flight.propagator import EarthModel
    from ..flight.recorder import Recorder
    from .recovery import BoosterFlight
    earth = earth or EarthModel()
    y = np.asarray(y_eci, float)
    stack = SimpleNamespace(t_sep=float(t_s), y_sep=y, booster_mass_sep_kg=float(y[6]))
    bf = BoosterFlight(mission, vehicle, stack, Recorder("booster"), [], earth, perturb=perturb)
    bf.rec.add(bf.t, bf.y, bf.body, "aero_descent")
    if start == "aero_descent":
        out = descent_and_landing(bf)
    elif start == "landing_burn":
        n, fv, ae, isp = bf._engines("landing")
        out = landing_burn(bf, n, min(bf.plan.landing_engine_out_margin, n - 1), fv, ae, isp)
    else:
        raise ValueError(f"start = {start!r}: must be 'landing_burn' or 'aero_descent'")
    bf.info.update(out)
    if bf.fx.any:
        bf.info.update(bf.fx.report())
    return bf


def landing_trial(mission, vehicle, t_s, y_eci, earth=None, thrust_scale: float = 1.0):
    """Fly only the closed-loop landing burn from an ignition state (ECI), e.g. a dispersed one:
    returns (outcome, info).  ``thrust_scale`` multiplies the engines' real thrust, unknown to the
    guidance (a thrust dispersion)."""
    from ..flight.perturbation import Perturbation
    pert = Perturbation(thrust_scale={"booster": thrust_scale}) if thrust_scale != 1.0 else None
    bf = fly_from(mission, vehicle, t_s, y_eci, "landing_burn", earth, pert)
    return bf.outcome, bf.info
