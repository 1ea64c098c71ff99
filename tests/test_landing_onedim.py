"""1-D vertical landing: the guidance's latest ignition vs the closed-form suicide burn (Meditch 1964)."""
import math

import pytest

from rlvsim.guidance.landing import LandingLimits, coast, ignition_search
from rlvsim.guidance.landing.onedim import suicide_burn

# Acikmese & Ploen (2007) Mars vehicle at full throttle (validation/landing_guidance.md section 2)
T_N, C_M_S, M0_KG, G_M_S2 = 13258.0, 1966.0, 1905.0, 3.7114


def test_closed_form_reproduces_worked_example():
    sb = suicide_burn(1500.0, 75.0, T_N, C_M_S, M0_KG, G_M_S2)
    # published worked example, given to 0.01 s / 0.1 m / 0.01 m/s / 0.01 kg: compare to that rounding
    assert sb.coast_s == pytest.approx(4.03, abs=0.006)
    assert sb.ignition_altitude_m == pytest.approx(1167.2, abs=0.06)
    assert sb.ignition_speed_m_s == pytest.approx(89.97, abs=0.006)
    assert sb.burn_s == pytest.approx(25.15, abs=0.006)
    assert sb.propellant_kg == pytest.approx(169.59, abs=0.006)


def test_closed_form_rejects_impossible_fall():
    with pytest.raises(ValueError):
        suicide_burn(10.0, 200.0, T_N, C_M_S, M0_KG, G_M_S2)


@pytest.mark.parametrize("h0, s0", [(1500.0, 75.0), (800.0, 20.0)])
def test_ignition_search_matches_suicide_burn(h0, s0):
    lim = LandingLimits(thrust_min_N=0.3 * T_N, thrust_max_N=T_N, exhaust_speed_m_s=C_M_S,
                        dry_mass_kg=1505.0, pointing_max_deg=15.0, glide_slope_deg=86.0, g_m_s2=G_M_S2)
    t_ign, plan = ignition_search([0.0, 0.0, h0], [0.0, 0.0, -s0], M0_KG, lim, n_nodes=100)
    ref = suicide_burn(h0, s0, T_N, C_M_S, M0_KG, G_M_S2)
    r, v = coast([0.0, 0.0, h0], [0.0, 0.0, -s0], t_ign, G_M_S2)
    assert plan.status == "optimal"
    # 0.5 %: the brief's bound; covers the ZOH-acceleration grid (thrust falls by <0.3 % within an
    # interval) and the 0.01 s bisection / 0.1 % final-time search tolerances
    assert r[2] == pytest.approx(ref.ignition_altitude_m, rel=5e-3)
    assert -v[2] == pytest.approx(ref.ignition_speed_m_s, rel=5e-3)
    assert plan.tf_s == pytest.approx(ref.burn_s, rel=5e-3)
    assert plan.fuel_kg == pytest.approx(ref.propellant_kg, rel=5e-3)
    # the burn is at full thrust throughout, as the closed form says; igniting up to 0.01 s before the
    # true latest instant (bisection tolerance) leaves a little slack, taken on the first nodes
    mags = sorted(math.hypot(*t) for t in plan.thrust_enu_N)
    assert mags[len(mags) // 2] > 0.995 * T_N
    assert mags[0] > 0.97 * T_N


def test_stops_above_is_the_one_dimensional_minimum_thrust_stop():
    """The ignition search skips a solve when even minimum thrust stops the fall above the target
    (the vehicle cannot hover): closed form d = v^2 / (2 a), a = T_min cos(cone) / m - g - |extra| - 0.05."""
    import math

    import numpy as np

    from rlvsim.guidance.landing import LandingLimits
    from rlvsim.mission.landing_plan import stops_above
    lim = LandingLimits(thrust_min_N=400e3, thrust_max_N=900e3, exhaust_speed_m_s=3000.0, dry_mass_kg=20e3,
                        pointing_max_deg=20.0, g_m_s2=9.80665)
    m, extra = 25e3, np.array([0.0, 0.03, -0.04])
    a = 400e3 * math.cos(math.radians(20.0)) / m - 9.80665 - 0.05 - 0.05    # |extra| = 0.05
    v = np.array([0.0, 0.0, -150.0])
    d = 150.0 ** 2 / (2 * a)
    assert stops_above(np.array([0.0, 0.0, d / 0.9 * 1.01]), v, m, lim, extra)        # stops 1 % above the margin
    assert not stops_above(np.array([0.0, 0.0, d / 0.9 * 0.99]), v, m, lim, extra)
    assert not stops_above(np.array([0.0, 0.0, 5000.0]), -v, m, lim, extra)           # climbing: no verdict
    heavy = 400e3 / 9.80665 * 1.05                                                  # minimum thrust below weight
    assert not stops_above(np.array([0.0, 0.0, 1e6]), v, heavy, lim, extra)
