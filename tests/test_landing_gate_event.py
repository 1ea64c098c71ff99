"""The 'landing_gate' event (the landing-point predictor's 1-D stopping gate) against closed-form
truth: a vertical drop in vacuum under uniform gravity, where the gate
    h = v^2 / (2 A),   A = T_gate / m - g0   (no drag: the sensed acceleration is zero)
is crossed at a time known in closed form.

The Earth is a non-rotating sphere without central gravity (mu = 0); a constant extra acceleration
-g along x (P_DIST) stands for uniform gravity, and the body falls along the x axis, so the
altitude is exactly x - a and the motion is exactly 1-D."""
import math

import numpy as np

from rlvsim.earth.constants import G0_M_S2
from rlvsim.flight import dynamics as D
from rlvsim.flight.propagator import Body, EarthModel, Event
from rlvsim.guidance.boostback import ZoneFrame
from rlvsim.guidance.descent import LandingBurnModel, landing_point

A_M = 6378137.0
G = G0_M_S2                # uniform gravity of the test (the gate's own g0 is also 9.80665)
MASS_KG = 20_000.0
DECEL_M_S2 = 30.0          # the gate's planned deceleration A
# event location brackets the crossing to 1e-6 s (integrator.EVENT_TOL_S); DP5 integrates this
# constant-acceleration motion exactly up to round-off, so 10x the bracket is a safe bound
T_TOL_S = 1e-5


def _drop_body():
    # mu = 0 in the Earth model itself (Body.clone re-applies the Earth model to P)
    b = Body(earth=EarthModel(gravity="inverse_square", f=0.0, rotation_rate_rad_s=0.0, mu_m3_s2=0.0),
             rtol=1e-12, atol=1e-9, h_max_s=1e9)
    b.set_vacuum()
    b.P[D.P_DIST:D.P_DIST + 3] = (-G, 0.0, 0.0)
    b.set_landing_gate(MASS_KG * (DECEL_M_S2 + G0_M_S2))      # so that T/m - g0 = A
    return b


def _state(h0, v_up0):
    return np.array([A_M + h0, 0.0, 0.0, v_up0, 0.0, 0.0, MASS_KG])


def _events():
    return [Event("ignition", "landing_gate", 0.0, -1), Event("ground", "altitude", 0.0, -1)]


def _gate_time_from_rest(h0):
    # h0 - g t^2 / 2 = (g t)^2 / (2 A)  ->  t^2 = 2 h0 A / (g (g + A))
    return math.sqrt(2.0 * h0 * DECEL_M_S2 / (G * (G + DECEL_M_S2)))


def test_gate_crossing_of_a_drop_from_rest_matches_closed_form():
    h0 = 5000.0
    seg = _drop_body().propagate(0.0, _state(h0, 0.0), 200.0, _events())
    assert seg.event == "ignition"
    t_star = _gate_time_from_rest(h0)
    assert abs(seg.t_s - t_star) < T_TOL_S
    h, v = seg.y[0] - A_M, -seg.y[3]
    # at the crossing h = v^2/(2A); the gate moves at dh/dt - v dv/dt / A = -v (1 + g/A) ~ 360 m/s,
    # so the 1e-5 s time bound is ~4e-3 m of gate height
    assert abs(h - v * v / (2 * DECEL_M_S2)) < 1e-2


def test_ascent_then_fall_fires_only_when_descending():
    # thrown upward: while climbing the gate is off ('wait'); it fires on the way down, at the
    # free-fall-from-rest crossing time counted from the apex
    h0, v0 = 1000.0, 200.0
    seg = _drop_body().propagate(0.0, _state(h0, v0), 500.0, _events())
    assert seg.event == "ignition"
    t_apex = v0 / G
    h_apex = h0 + v0 * v0 / (2 * G)
    assert abs(seg.t_s - (t_apex + _gate_time_from_rest(h_apex))) < T_TOL_S


def test_a_state_starting_inside_the_gate_never_fires():
    # v0^2/(2A) = 1500 m > h0: inside from the start, and in a drag-free fall it only goes deeper,
    # so the gate must never see the 'wait' it needs: the ground event comes first
    h0, v0 = 1000.0, 300.0
    seg = _drop_body().propagate(0.0, _state(h0, -v0), 500.0, _events())
    assert seg.event == "ground"
    t_ground = (-v0 + math.sqrt(v0 * v0 + 2 * G * h0)) / G
    assert abs(seg.t_s - t_ground) < T_TOL_S


# the zone under the drop: ECEF (a, 0, 0), ENU rows E = +y, N = +z, U = +x
_ZONE = ZoneFrame(np.array([A_M, 0.0, 0.0]), np.array([[0.0, 1.0, 0.0], [0.0, 0.0, 1.0], [1.0, 0.0, 0.0]]),
                  0.0, 0.0, 0.0)
# one engine, no exit area, full throttle: gate thrust = thrust_vac = m (A + g0)
_MODEL = LandingBurnModel((1, MASS_KG * (DECEL_M_S2 + G0_M_S2), 0.0, 300.0), 1.0, 0.5 * MASS_KG)


def test_landing_point_ignites_at_the_closed_form_gate_time():
    h0 = 5000.0
    point, t_ign = landing_point(_drop_body(), 0.0, _state(h0, 0.0), _ZONE, _MODEL)
    assert t_ign is not None
    assert abs(t_ign - _gate_time_from_rest(h0)) < T_TOL_S
    # the flight is purely along x (radial): the rest point is exactly under the start
    assert np.all(np.abs(point) < 1e-6)


def test_landing_point_inside_the_gate_from_the_start_predicts_no_burn():
    point, t_ign = landing_point(_drop_body(), 0.0, _state(1000.0, -300.0), _ZONE, _MODEL)
    assert t_ign is None
