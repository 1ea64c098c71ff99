"""Aerodynamic-descent steering with grid fins (3-DOF), and the landing-point predictor that the
boostback targeting shares with it.

The predicted landing point is where the booster would come to rest if it coasted (with drag and
the current lift) until a 1-D stopping gate says it must light, then burned retrograde at the
planned landing thrust until it stopped: the same dynamics the simulator flies, so the drift
during a long low-thrust landing burn is part of the prediction.  Aiming a plain ballistic impact
at the pad instead leaves the landing burn a divert of that whole drift.

Steering: the landing point is predicted without lift and with a trial angle of attack whose lift
points toward the zone (zone ENU, horizontal); the miss is taken as linear in the angle, which
gives the angle that nulls it, clipped to the fins' bound.  The lift direction is projected
normal to the airflow inside the dynamics.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..flight.propagator import Body, Event
from .boostback import ZoneFrame

G0 = 9.80665
# integration tolerances of the prediction (at least this loose; the flight's own body may be
# tighter).  On the 60 steering states of the nominal zhuque3 descent, against 1e-8 / 1e-5: the
# fins' angle moves < 5e-5 rad and the predicted miss < 0.17 m, at 0.164 ms per steering call
# instead of 0.244 (two predictions each); 200 dispersed runs of each mission land the same, with
# the same propellant (mean difference < 1.5 kg, SE 4.4)
PREDICT_RTOL = 1e-6
PREDICT_ATOL = 1e-3


@dataclass(frozen=True)
class LandingBurnModel:
    """The landing burn as the predictor flies it."""
    engines: tuple          # (n, thrust_vac_N, exit_area_m2, isp_vac_s)
    throttle: float         # planning share of full thrust
    mass_min_kg: float

    @property
    def gate_thrust_N(self) -> float:
        """Thrust the 1-D stopping gate counts on: the planning share at sea-level pressure."""
        n, fv, ae, _ = self.engines
        return n * (self.throttle * fv - 101325.0 * ae)

    def decel_gate_m_s2(self, mass_kg, drag_m_s2):
        return self.gate_thrust_N / mass_kg - G0 + drag_m_s2 / 3.0


def landing_point(body: Body, t, y, zone: ZoneFrame, model: LandingBurnModel, step_s: float = 0.5,
                  max_s: float = 1500.0):
    """Predicted rest point (zone ENU, horizontal m) and the predicted ignition time.

    ``step_s`` is no longer used (the gate crossing is located by the integrator's event search,
    not sampled); it is kept so that callers passing it still work."""
    return _landing_point(body.clone(), t, y, zone, model, max_s)


def _landing_point(b: Body, t, y, zone: ZoneFrame, model: LandingBurnModel, max_s: float = 1500.0):
    """landing_point on a body ``b`` the caller owns (it is reconfigured here)."""
    b.rtol = max(b.rtol, PREDICT_RTOL)
    b.atol = max(b.atol, PREDICT_ATOL)
    b.engines_off()
    b.set_landing_gate(model.gate_thrust_N)
    ground = Event("ground", "altitude", zone.alt_m, -1)
    # high and fast, the 1-D gate (blind to the drag still to come) says 'burn now': the ignition
    # is where it says so again after a stretch of 'wait' (none left: no burn, the impact point).
    # The 'landing_gate' event value is altitude - v^2 / (2 a_gate) while descending (the altitude
    # otherwise); a falling crossing of the zone altitude needs a 'wait' (value above it) first, so
    # a state that starts inside the gate does not fire until it has been outside it.
    seg = b.propagate(t, y, t + max_s, [Event("ignition", "landing_gate", zone.alt_m, -1), ground])
    t, y = seg.t_s, seg.y
    if seg.event != "ignition":        # ground reached, or no ignition within max_s: the impact point
        return zone.to_enu(t, y)[0][:2], None
    t_ign = t
    n, fv, ae, isp = model.engines
    b.set_lift(0.0, (0.0, 0.0, 1.0))
    b.set_engines(n, fv, ae, isp, model.throttle, mass_min_kg=model.mass_min_kg)
    b.point_retrograde()
    # the burn has stopped the fall when the vertical speed reaches zero: in a wind the drag keeps
    # the Earth-relative speed near the wind speed, so the speed alone may never fall to 5 m/s (the
    # retrograde direction then hunts about the level attitude, and the integrator with it)
    try:
        seg = b.propagate(t, y, t + 600.0, [Event("stop", "speed", 5.0, -1), ground,
                                            Event("out", "mass", model.mass_min_kg + 1.0, -1),
                                            Event("level", "vertical_speed", 0.0, +1)], h_max_s=2.0)
    except FloatingPointError:        # a burn the integrator cannot finish: no landing point there
        return zone.to_enu(t, y)[0][:2], None
    return zone.to_enu(seg.t_s, seg.y)[0][:2], t_ign


def steer(body: Body, t, y, zone: ZoneFrame, max_aoa_rad: float, model: LandingBurnModel,
          trial_frac: float = 0.5):
    """Returns (alpha_rad, lift_direction_eci, predicted_miss_m)."""
    scratch = body.clone()
    scratch.set_lift(0.0, (0.0, 0.0, 1.0))
    m0, _ = _landing_point(scratch, t, y, zone, model)
    dist = float(np.linalg.norm(m0))
    if dist < 1.0 or max_aoa_rad <= 0.0:
        return 0.0, np.array([0.0, 0.0, 1.0]), dist
    d_enu = np.array([-m0[0] / dist, -m0[1] / dist, 0.0])
    d_eci = zone.enu_to_eci_dir(t, d_enu)
    a_try = trial_frac * max_aoa_rad
    scratch = body.clone()
    scratch.set_lift(a_try, d_eci)
    m1, _ = _landing_point(scratch, t, y, zone, model)
    gain = float((m1 - m0) @ d_enu[:2]) / a_try   # metres moved toward the zone per radian
    if gain <= 1e-6:
        return 0.0, d_eci, dist
    return min(dist / gain, max_aoa_rad), d_eci, dist
