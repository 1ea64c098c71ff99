"""The terminal gate (recovery `landing_gate_m`): the terminal law flies the last metres above the pad
at minimum-thrust deceleration a_min, so that a navigated-height error d (navigation reads d too
high) changes the contact speed only to the closed form

    v^2 = v_td^2 + 2 a_min d          (d inside the gate; v_td = 1 m/s the law aims for)

instead of v^2 = v_td^2 + 2 a d with the plan's ~12 m/s^2 maximum-thrust deceleration; and the plan
aims so that its last arc meets the gate, which leaves the full-thrust reserve untouched in a
nominal flight.  Ignition state: the nominal zhuque3 flight's (one TQ-12A, Minqin pad).
"""
import math

import pytest
from conftest import nominal_ignition

from rlvsim.earth.atmosphere import us76
from rlvsim.flight.perturbation import Perturbation
from rlvsim.mission.descent import fly_from
from rlvsim.mission.landing_plan import TOUCHDOWN_SPEED_M_S


@pytest.fixture(scope="module")
def ignition():
    return nominal_ignition("zhuque3")


def _fly(ignition, gate_m, height_error_m=0.0):
    m, v, t0, y0 = ignition
    m = m.model_copy(update={"recovery": m.recovery.model_copy(update={"landing_gate_m": gate_m})})
    pert = Perturbation(nav_pos_bias_m=(0.0, 0.0, height_error_m)) if height_error_m else None
    return fly_from(m, v, t0, y0, "landing_burn", perturb=pert)


def _a_min(bf, vehicle):
    """Net upward deceleration at minimum throttle at the pad, at the touchdown mass (m/s^2)."""
    e = vehicle.stages[0].engine
    n = bf.landing.limits_log[-1][2]                    # engines lit at the end of the burn
    thrust = n * (e.throttle_min * e.thrust_vac_N - us76(bf.zone.alt_m)[1] * e.exit_area_m2)
    return thrust / bf.rec.table()["mass_kg"][-1] - bf.g


@pytest.mark.parametrize("d_m", [0.3, 0.8])
def test_a_height_error_inside_the_gate_gives_the_closed_form_contact_speed(ignition, d_m):
    bf = _fly(ignition, 1.0, d_m)
    assert bf.outcome == "landed"
    v_td = bf.info["touchdown"]["vertical_speed_m_s"]
    expect = math.sqrt(TOUCHDOWN_SPEED_M_S ** 2 + 2.0 * _a_min(bf, ignition[1]) * d_m)
    # the closed form assumes the minimum-thrust arc entered exactly on the profile at the gate;
    # the law enters it from the ~12 m/s^2 arc at 50 Hz (one 20 ms step is ~0.2 m/s of speed) and
    # its navigated height carries 0.1 m of noise: 10 % on the speed
    assert v_td == pytest.approx(expect, rel=0.10)


def test_without_a_gate_the_same_error_is_a_hard_landing(ignition):
    # the plain hoverslam crosses the last metres at maximum-thrust deceleration: 0.3 m of height
    # error gives v^2 = 1 + 2 (~11 m/s^2) (0.3 m), ~2.8 m/s, beyond the 2 m/s criterion
    bf = _fly(ignition, 0.0, 0.3)
    assert bf.outcome == "hard_landing"
    assert bf.info["touchdown"]["vertical_speed_m_s"] > 2.0
    # and with the navigation right, both land at the contact speed the law aims for (1 m/s; the
    # last 20 ms step of the 50 Hz law leaves a few cm/s)
    for gate in (0.0, 1.0):
        nominal = _fly(ignition, gate)
        assert nominal.outcome == "landed"
        assert nominal.info["touchdown"]["vertical_speed_m_s"] == pytest.approx(TOUCHDOWN_SPEED_M_S, abs=0.1)


def test_the_plan_meets_the_gate_so_the_nominal_burn_keeps_its_thrust_reserve(ignition):
    # the planner flies a share (landing_throttle_plan, 0.9) of full thrust and keeps the rest for
    # dispersions; with the plan aimed at the gate the terminal law takes over on the plan's own
    # arc and never needs that reserve in a nominal flight (aimed at the pad instead, the law had
    # to brake harder to reach the gate and ran at full throttle for ~1 s).  The throttle of the
    # plan's share is 0.9 of the pad thrust plus the nozzle back-pressure (~0.6 % at the pad);
    # 0.95 leaves room for the drag and mass errors the re-plans correct
    m = ignition[0]
    bf = _fly(ignition, m.recovery.landing_gate_m)
    tab = bf.rec.table()
    thr = tab["throttle"][tab["phase"] == "landing_burn"]
    assert m.recovery.landing_throttle_plan == 0.9
    assert thr.max() < 0.95


def test_falcon9_gate_with_navigation_noise_stays_near_the_closed_form(monkeypatch):
    # Falcon 9 cannot hover (a_min ~5.4 m/s^2 near empty), so the last metre is where a height
    # error costs most.  With the dispersions' white navigation noise (0.1 m per guidance call,
    # 50 Hz in the terminal law) and a 0.1 m height bias, the law flies on the filtered height
    # (`LandingBurn._smoothed_height`): 24 noise streams all land below the 2 m/s limit, their mean
    # contact speed within 15 % of the closed form sqrt(1 + 2 a_min d) (the closed form assumes the
    # gate entered exactly on its profile; single flights above match it to 10 %).  On the raw
    # height the law's (v^2 - v_td^2) / 2h divides the noise by the height left: faster contacts,
    # on the same streams by more than twice the standard error of the paired differences (a
    # one-sided 97.7 % statement; measured +0.11 m/s, SE 0.04, with re-plans at 2.5 Hz and at 5 Hz).
    import numpy as np

    import rlvsim.mission.landing as LM
    m, v, t0, y0 = nominal_ignition("falcon9-droneship")

    def contacts():
        out = []
        for s in range(24):
            p = Perturbation(nav_pos_noise_m=0.1, nav_pos_bias_m=(0.0, 0.0, 0.1), seed=s)
            bf = fly_from(m, v, t0, y0, "landing_burn", perturb=p)
            out.append(bf.info["touchdown"]["vertical_speed_m_s"])
        return np.array(out), bf

    filt, bf = contacts()
    expect = math.sqrt(TOUCHDOWN_SPEED_M_S ** 2 + 2.0 * _a_min(bf, v) * 0.1)
    assert filt.max() < 2.0
    assert filt.mean() == pytest.approx(expect, rel=0.15)
    monkeypatch.setattr(LM, "HEIGHT_FILTER_S", 1e-9)        # the measurement passes unfiltered
    raw, _ = contacts()
    diff = raw - filt
    assert diff.mean() > 2.0 * diff.std(ddof=1) / math.sqrt(len(diff))


@pytest.fixture(scope="module")
def gated_optimum(ignition):
    """The open-loop optimum from the nominal ignition state through the 1 m gate (50 nodes)."""
    from rlvsim.mission.landing_reference import open_loop_optimum
    m, v, t0, y0 = ignition
    return open_loop_optimum(m, v, t0, y0, gate_m=1.0)


def test_closed_loop_fuel_is_within_1pct_of_the_open_loop_optimum_through_the_same_gate(ignition, gated_optimum):
    # issue #3's target: closed-loop fuel within 1 % of the open-loop optimum from the same ignition
    # state, the optimum meeting the same landing requirements: the planning share (0.9) and the
    # 1 m gate (`landing_reference`), both costed with the simulator's engine.  The lower bound has
    # a reason too: the closed loop's terminal law may use the 10 % of thrust the plans keep in
    # reserve in its last 2 s, which no plan may (with no gate it lands 0.4 % below the optimum)
    from rlvsim.mission.landing_reference import engine_fuel, gated_fuel, open_loop_optimum
    m, v, t0, y0 = ignition
    gate = m.recovery.landing_gate_m
    assert gate == 1.0
    bf = _fly(ignition, gate)
    used = y0[6] - bf.rec.table()["mass_kg"][-1]
    p, bfo, n, _ = gated_optimum
    ref, _, _ = gated_fuel(p, bfo, n, v.stages[0].engine, gate)
    assert 0.99 < used / ref <= 1.01
    # and the gate costs the open loop fuel: the plain hoverslam from the same state is cheaper
    plain, bfp, n_p, _ = open_loop_optimum(m, v, t0, y0)
    assert engine_fuel(plain, bfp, n_p, v.stages[0].engine) < ref


def test_the_reference_gate_is_the_minimum_thrust_arc_of_the_closed_form(ignition, gated_optimum):
    # `gated_fuel` flies the gate at minimum throttle from where the plan crosses it:
    # v_c^2 = v_x^2 - 2 a_min h_gate, t = (v_x - v_c) / a_min at the entry mass.  The mass falls by
    # ~0.25 % in the gate, so a_min (~1.35 m/s^2 out of T/m ~11 m/s^2) grows by ~2 % along it: the
    # time and the contact speed to 2 %; the fuel is mdot x t (the engine's vacuum mass flow)
    from rlvsim.earth.constants import G0_M_S2
    from rlvsim.mission.landing_reference import engine_fuel, gate_crossing, gated_fuel
    v = ignition[1]
    e = v.stages[0].engine
    p, bfo, n, _ = gated_optimum
    fuel, v_c, t_gate = gated_fuel(p, bfo, n, e, 1.0)
    t_x, vz_x = gate_crossing(p, 1.0 + p.aim_m)
    mass = p.mass_kg[0] - engine_fuel(p, bfo, n, e, t_end_s=t_x)
    a_min = n * (e.throttle_min * e.thrust_vac_N - us76(bfo.zone.alt_m)[1] * e.exit_area_m2) / mass - bfo.g
    expect_vc = math.sqrt(vz_x ** 2 - 2.0 * a_min * 1.0)
    assert v_c == pytest.approx(expect_vc, rel=0.02)
    assert t_gate == pytest.approx((-vz_x - expect_vc) / a_min, rel=0.02)
    mdot = n * e.throttle_min * e.thrust_vac_N / (e.isp_vac_s * G0_M_S2)
    assert fuel - (p.mass_kg[0] - mass) == pytest.approx(mdot * t_gate, rel=1e-9)
    # the plan reaches the gate coming down, near the speed it was aimed for (aim_below_m takes the
    # dry mass with its margin, the plan arrives heavier: within 20 %)
    v_gate = math.sqrt(TOUCHDOWN_SPEED_M_S ** 2 + 2.0 * a_min * 1.0)
    assert -vz_x == pytest.approx(v_gate, rel=0.2)
