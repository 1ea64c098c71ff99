"""Falcon-9-like landing burn: soft landing at the pad, checked by independent integration.

Vehicle (public figures, rounded): one Merlin 1D at 845 kN, throttle 40-100 %, Isp 282 s, ~30 t at
ignition, ~25.6 t dry: minimum thrust (338 kN) exceeds the weight at landing, so it cannot hover.
"""
import math

import numpy as np
import pytest
from scipy.integrate import solve_ivp

from rlvsim.guidance.landing import LandingLimits, solve_landing

G0 = 9.80665
F9 = LandingLimits(thrust_min_N=0.4 * 845e3, thrust_max_N=845e3, exhaust_speed_m_s=282.0 * G0,
                   dry_mass_kg=25600.0, pointing_max_deg=15.0, glide_slope_deg=80.0)
R0, V0, M0 = [250.0, -120.0, 2000.0], [-12.0, 6.0, -220.0], 30000.0


def _fly(plan, accel_disturbance=(0.0, 0.0, 0.0)):
    """Integrate the plan's held thrust acceleration with exact mass flow (independent of the solver)."""
    r, v, m = np.array(R0, float), np.array(V0, float), float(plan.mass_kg[0])
    d = np.array(accel_disturbance, float)
    for k in range(len(plan.thrust_enu_N)):
        u = plan.thrust_enu_N[k] / plan.mass_kg[k]          # acceleration held over the interval

        def rhs(_t, y, u=u):
            return np.concatenate((y[3:6], u + d + [0.0, 0.0, -F9.g_m_s2],
                                   [-y[6] * np.linalg.norm(u) / F9.exhaust_speed_m_s]))

        sol = solve_ivp(rhs, (plan.t_s[k], plan.t_s[k + 1]), np.concatenate((r, v, [m])),
                        rtol=1e-11, atol=1e-9, method="DOP853")
        r, v, m = sol.y[0:3, -1], sol.y[3:6, -1], sol.y[6, -1]
    return r, v, m


def test_falcon_landing_burn_lands_at_the_pad():
    assert F9.thrust_min_N > 28000.0 * G0          # cannot hover even near dry mass
    plan = solve_landing(R0, V0, M0, F9)
    assert plan.status == "optimal", plan.message
    r, v, m = _fly(plan)
    # independent integration of the ZOH plan: the discretisation is exact, so only the solver
    # tolerance (~1e-7 of 2 km) and the integrator (1e-11) remain: 1 cm, 1 cm/s
    assert np.linalg.norm(r) < 0.01 and np.linalg.norm(v) < 0.01
    assert m == pytest.approx(plan.mass_kg[-1], rel=1e-6)
    thrust = np.linalg.norm(plan.thrust_enu_N, axis=1)
    assert thrust.max() <= F9.thrust_max_N * 1.001          # 0.1 %: solver tolerance
    assert thrust.min() >= F9.thrust_min_N * 0.999
    tilt = np.degrees(np.arccos(plan.thrust_enu_N[:, 2] / thrust))
    assert tilt.max() <= 15.0 + 1e-3
    assert 0.0 < plan.fuel_kg < M0 - F9.dry_mass_kg
    # ideal rocket equation bound: the burn must at least cancel the speed against gravity losses
    dv_min = math.hypot(*V0[:2], V0[2])
    assert plan.fuel_kg >= M0 * (1.0 - math.exp(-dv_min / F9.exhaust_speed_m_s))


def test_replanning_follows_the_principle_of_optimality():
    plan = solve_landing(R0, V0, M0, F9)
    k = 5                                           # re-plan from the plan's own state at node k
    again = solve_landing(plan.r_enu_m[k], plan.v_enu_m_s[k], plan.mass_kg[k], F9, warm_start=plan)
    assert again.status == "optimal"
    cold = solve_landing(plan.r_enu_m[k], plan.v_enu_m_s[k], plan.mass_kg[k], F9)
    assert again.iterations < cold.iterations       # the warm start saves solves
    # the tail of an optimal plan is optimal: fuel left agrees to the final-time search tolerance
    assert again.fuel_kg == pytest.approx(plan.mass_kg[k] - plan.mass_kg[-1], rel=5e-3)
    assert again.tf_s == pytest.approx(plan.tf_s - plan.t_s[k], rel=2e-2)


def test_drag_disturbance_is_honoured():
    drag = (0.0, 0.0, 3.0)                          # drag decelerates the descent: +z in ENU
    plan = solve_landing(R0, V0, M0, F9, accel_disturbance_enu=drag)
    assert plan.status == "optimal"
    r, v, _m = _fly(plan, drag)
    assert np.linalg.norm(r) < 0.01 and np.linalg.norm(v) < 0.01   # as above
    nodrag = solve_landing(R0, V0, M0, F9)
    assert plan.fuel_kg < nodrag.fuel_kg            # help from drag saves propellant
