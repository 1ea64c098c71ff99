"""Aerodynamic-descent steering with grid fins (3-DOF): choose the angle of attack and the lift
direction that move the predicted landing point onto the landing zone.

The predicted landing point is where the vehicle would stop if it flew unlifted (with drag) down
to the expected landing-burn ignition height and then decelerated uniformly to rest during the
burn: ignition position + horizontal velocity x burn time / 2.  Aiming the plain ballistic impact
at the pad would leave the landing burn a divert of that whole drift, often more than its
pointing limit allows.  Each call predicts that point without lift and with a trial angle of
attack whose lift points toward the zone (zone ENU, horizontal); the miss is taken as linear in
the angle of attack, which gives the angle that nulls it, clipped to the fins' bound.  The lift
direction is projected normal to the airflow inside the dynamics.
"""
from __future__ import annotations

import numpy as np

from ..flight.propagator import Body, Event
from .boostback import ZoneFrame


def landing_point(body: Body, t, y, zone: ZoneFrame, ignition_alt_m: float, decel_m_s2: float):
    """Predicted stop point (zone ENU, horizontal) for a coast to ``ignition_alt_m`` above the zone
    followed by a uniform deceleration ``decel_m_s2`` to rest."""
    seg = body.propagate(t, y, t + 3000.0, [Event("ign", "altitude", zone.alt_m + ignition_alt_m, -1)],
                         h_max_s=20.0)
    r, v = zone.to_enu(seg.t_s, seg.y)
    t_burn = float(np.linalg.norm(v)) / max(decel_m_s2, 1.0)
    return r[:2] + v[:2] * 0.5 * t_burn


def steer(body: Body, t, y, zone: ZoneFrame, max_aoa_rad: float, ignition_alt_m: float = 2000.0,
          decel_m_s2: float = 15.0, trial_frac: float = 0.5):
    """Returns (alpha_rad, lift_direction_eci, predicted_miss_m)."""
    scratch = body.clone()
    scratch.engines_off()
    scratch.set_lift(0.0, (0.0, 0.0, 1.0))
    m0 = landing_point(scratch, t, y, zone, ignition_alt_m, decel_m_s2)
    dist = float(np.linalg.norm(m0))
    if dist < 1.0 or max_aoa_rad <= 0.0:
        return 0.0, np.array([0.0, 0.0, 1.0]), dist
    d_enu = np.array([-m0[0] / dist, -m0[1] / dist, 0.0])
    d_eci = zone.enu_to_eci_dir(t, d_enu)
    a_try = trial_frac * max_aoa_rad
    scratch = body.clone()
    scratch.engines_off()
    scratch.set_lift(a_try, d_eci)
    m1 = landing_point(scratch, t, y, zone, ignition_alt_m, decel_m_s2)
    gain = float((m1 - m0) @ d_enu[:2]) / a_try   # metres moved toward the zone per radian
    if gain <= 1e-6:
        return 0.0, d_eci, dist
    return min(dist / gain, max_aoa_rad), d_eci, dist
