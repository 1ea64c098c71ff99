"""Aerodynamic-descent steering with grid fins (3-DOF): choose the angle of attack and the lift
direction that move the predicted impact point onto the landing zone.

Each call predicts the unlifted (ballistic, with drag) impact, then the impact with a trial angle
of attack whose lift points from the predicted impact toward the zone (horizontal, in the zone's
ENU axes).  The miss is assumed linear in the angle of attack, which gives the angle that nulls
the along-lift component, clipped to the fins' bound.  The lift direction is projected normal to
the airflow inside the dynamics.
"""
from __future__ import annotations

import numpy as np

from ..flight.propagator import Body, Event
from .boostback import ZoneFrame, predict_impact


def steer(body: Body, t, y, zone: ZoneFrame, max_aoa_rad: float, trial_frac: float = 0.5):
    """Returns (alpha_rad, lift_direction_eci, predicted_miss_m)."""
    scratch = body.clone()
    ti, yi, _ = predict_impact(scratch, t, y, zone, None)
    m0 = zone.to_enu(ti, yi)[0][:2]
    dist = float(np.linalg.norm(m0))
    if dist < 1.0 or max_aoa_rad <= 0.0:
        return 0.0, np.array([0.0, 0.0, 1.0]), dist
    d_enu = np.array([-m0[0] / dist, -m0[1] / dist, 0.0])
    d_eci = zone.enu_to_eci_dir(t, d_enu)
    a_try = trial_frac * max_aoa_rad
    scratch = body.clone()
    scratch.set_lift(a_try, d_eci)
    seg = scratch.propagate(t, y, t + 3000.0, [Event("ground", "altitude", zone.alt_m, -1)], h_max_s=20.0)
    m1 = zone.to_enu(seg.t_s, seg.y)[0][:2]
    gain = float((m1 - m0) @ d_enu[:2]) / a_try   # metres moved toward the zone per radian
    if gain <= 1e-6:
        return 0.0, d_eci, dist
    alpha = min(dist / gain, max_aoa_rad)
    return alpha, d_eci, dist
