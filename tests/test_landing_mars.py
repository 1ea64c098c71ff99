"""Acikmese & Ploen (2007) Mars powered-descent example: optimum, structure, losslessness.

Reference optima: validation/landing_guidance.md section 1 (computed independently of this code).
"""
import math

import numpy as np
import pytest

from rlvsim.guidance.landing import LandingLimits, solve_landing
from rlvsim.guidance.landing.problem import check_inputs, scale
from rlvsim.guidance.landing.realtime import solve_fixed

C27 = math.cos(math.radians(27.0))
MARS = LandingLimits(thrust_min_N=6 * 0.3 * 3100 * C27, thrust_max_N=6 * 0.8 * 3100 * C27,
                     exhaust_speed_m_s=225.0 * 9.807 * C27, dry_mass_kg=1505.0, pointing_max_deg=90.0,
                     glide_slope_deg=86.0, g_m_s2=3.7114)
R0 = [2000.0, 0.0, 1500.0]
V0_A = [100.0, 0.0, -75.0]
V0_B = [80.0, 30.0, -75.0]


@pytest.mark.parametrize("n, tf_ref, fuel_ref", [(100, 70.0, 369.9), (50, 70.8, 370.0)])
def test_case_b_free_final_time(n, tf_ref, fuel_ref):
    plan = solve_landing(R0, V0_B, 1905.0, MARS, n_nodes=n)
    assert plan.status == "optimal"
    # 1 %: the brief's bound; fuel is flat in tf near the optimum (0.05 kg over +-0.5 s), so the
    # reference's own search resolution limits tf agreement
    assert plan.tf_s == pytest.approx(tf_ref, rel=0.01)
    assert plan.fuel_kg == pytest.approx(fuel_ref, rel=0.01)
    # soft landing at the target (1e-4 m, 1e-4 m/s: interior-point tolerance in scaled units)
    assert np.abs(plan.r_enu_m[-1]).max() < 1e-3 and np.abs(plan.v_enu_m_s[-1]).max() < 1e-3


def test_case_a_near_infeasible():
    plan = solve_landing(R0, V0_A, 1905.0, MARS, n_nodes=100)
    assert plan.status == "optimal"
    assert plan.tf_s == pytest.approx(78.0, rel=0.01)      # 1 %: brief's bound (reference "about")
    assert plan.fuel_kg == pytest.approx(398.6, rel=0.01)
    assert plan.fuel_kg <= 400.0 + 1e-6                    # cannot use more than the propellant
    # feasible only for tf in about 76-80 s: outside it the soft landing at the target is impossible
    for tf in (70.0, 74.0, 84.0):
        off = solve_landing(R0, V0_A, 1905.0, MARS, n_nodes=100, tf_s=tf)
        assert off.status in ("min_error", "infeasible") and off.message
    inside = solve_landing(R0, V0_A, 1905.0, MARS, n_nodes=100, tf_s=78.0)
    assert inside.status == "optimal"


def _runs(labels):
    out = []
    for lab in labels:
        if lab != "mid" and (not out or out[-1][0] != lab):
            out.append([lab, 0])
        if lab != "mid":
            out[-1][1] += 1
    return out


def test_case_b_max_min_max_and_lossless():
    plan = solve_landing(R0, V0_B, 1905.0, MARS, n_nodes=100)
    bad, (r, v, m, n, d) = check_inputs(R0, V0_B, 1905.0, MARS, 100, None)
    sp = scale(r, v, m, MARS, n, d)
    res = solve_fixed(sp, plan.tf_s / sp.T_s)
    assert res.status == "optimal"
    u_norm = np.linalg.norm(res.u, axis=1)
    # lossless convexification: slack equals |u| (reference 3e-5; 1e-4 allows the solver tolerance)
    assert np.max(np.abs(res.sigma - u_norm) / res.sigma) < 1e-4
    thrust = np.linalg.norm(plan.thrust_enu_N, axis=1)
    lo, hi = MARS.thrust_min_N, MARS.thrust_max_N
    # thrust limits hold (0.1 %: conservative Taylor bounds and solver tolerance)
    assert thrust.max() <= hi * 1.001 and thrust.min() >= lo * 0.999
    # bang-bang structure: at max / at min within 1 % of the bound, a few transition nodes between
    labels = ["max" if t > 0.99 * hi else "min" if t < 1.01 * lo else "mid" for t in thrust]
    runs = _runs(labels)
    assert [lab for lab, _ in runs] == ["max", "min", "max"]
    assert all(cnt >= 5 for _, cnt in runs)
    assert labels.count("mid") <= 4
    # glide slope (86 deg from vertical) and ground clearance hold at every node (1 mm slack)
    horiz = np.hypot(plan.r_enu_m[:, 0], plan.r_enu_m[:, 1])
    gs = math.radians(86.0)
    assert np.all(horiz * math.cos(gs) <= plan.r_enu_m[:, 2] * math.sin(gs) + 1e-3)


@pytest.mark.parametrize("guess_s", [70.0, 84.0])
def test_coarse_search_from_a_guess_that_does_not_land(guess_s):
    """Case A lands only for tf in about 76-80 s.  The coarse search ('does a plan exist?', 2 % on
    tf) from a guess just outside that band probes near the guess before searching the whole range:
    it finds the same optimum, in fewer interior-point iterations than a search with no guess."""
    fine = solve_landing(R0, V0_A, 1905.0, MARS, n_nodes=50)
    cold = solve_landing(R0, V0_A, 1905.0, MARS, n_nodes=50, coarse_tf=True)
    plan = solve_landing(R0, V0_A, 1905.0, MARS, n_nodes=50, coarse_tf=True, warm_start=guess_s)
    assert plan.status == "optimal"
    assert plan.tf_s == pytest.approx(fine.tf_s, rel=0.02)          # the coarse search's tolerance
    # fuel is flat in tf inside the narrow band: within 0.1 % of the fine optimum (measured 1e-5)
    assert plan.fuel_kg == pytest.approx(fine.fuel_kg, rel=1e-3)
    assert plan.iterations < cold.iterations


@pytest.mark.parametrize("guess_s", [72.0, 78.0, None])
def test_first_landing_stops_at_a_time_of_flight_that_lands(guess_s):
    """``first_landing`` (the ignition decision's last drag iteration: 'does a plan exist?') returns
    the first time of flight that lands, the guess itself when it does, a probe near it or the grid
    otherwise: a landing plan in fewer solves than the coarse optimum, inside case A's 76-80 s band,
    never cheaper than the optimum."""
    fine = solve_landing(R0, V0_A, 1905.0, MARS, n_nodes=50)
    coarse = solve_landing(R0, V0_A, 1905.0, MARS, n_nodes=50, coarse_tf=True, warm_start=guess_s)
    first = solve_landing(R0, V0_A, 1905.0, MARS, n_nodes=50, coarse_tf=True, warm_start=guess_s,
                          first_landing=True)
    assert first.status == "optimal"
    assert 75.0 < first.tf_s < 81.0
    assert first.fuel_kg >= fine.fuel_kg * (1.0 - 1e-6)            # optimum of a fixed tf: no lower
    assert first.iterations < coarse.iterations
    if guess_s == 78.0:                                             # inside the band: one solve
        assert first.tf_s == pytest.approx(78.0)
    # infeasible stays infeasible: 300 m/s straight down at 1.5 km (~12 km needed to stop at ~3.8 m/s^2);
    # from a guess that is the guess and its 12 probes (3 % to 96 % either side), without the grid
    import rlvsim.guidance.landing.realtime as RT
    calls = []
    real = RT.solve_fixed

    def counted(*a, **k):
        calls.append(a[1])
        return real(*a, **k)

    RT.solve_fixed = counted
    try:
        none = solve_landing(R0, [0.0, 0.0, -300.0], 1905.0, MARS, n_nodes=50, coarse_tf=True,
                             warm_start=guess_s, first_landing=True, min_error_fallback=False)
    finally:
        RT.solve_fixed = real
    assert none.status == "infeasible"
    assert len(calls) <= (13 if guess_s is not None else 10)


@pytest.mark.parametrize("guess", [10.05, 10.15, 10.19])
def test_coarse_search_stops_on_the_band_edge_it_brackets(guess):
    """Near the latest ignition the fuel grows with the time of flight over the band that lands, so
    the optimum is the band's lower edge.  When nothing lands one 2 % step below the guess and the
    fuel grows one step above it, the coarse search (tolerance 2 %) has the edge within a step:
    it returns half a step below the guess when that lands, else the guess, in 4 evaluations (the
    golden section took 3-4 more).  Synthetic fuel: inf below tf = 10, tf above."""
    from rlvsim.guidance.landing.search import TF_RTOL_COARSE, _bracket_search
    calls = []

    def f(t):
        calls.append(t)
        return math.inf if t < 10.0 else t

    tf = _bracket_search(f, guess, 1.0, 100.0, TF_RTOL_COARSE, edge=True)
    assert 10.0 <= tf <= 10.0 * (1.0 + TF_RTOL_COARSE)
    assert len(set(calls)) == 4
    assert tf == (guess - 0.01 * guess if guess - 0.01 * guess >= 10.0 else guess)
    calls.clear()                                  # without ``edge``: the golden section refines it
    tf = _bracket_search(f, guess, 1.0, 100.0, TF_RTOL_COARSE)
    assert 10.0 <= tf <= 10.0 * (1.0 + TF_RTOL_COARSE) and len(set(calls)) > 4


def test_coarse_search_of_a_vertical_descent_near_its_band_edge():
    """A vertical descent (no divert): the band that lands starts near 29.1 s and the fuel optimum,
    29.6 s, lies just above it.  From guesses 3 s below to 5.5 s above it the coarse search, with
    and without ``band_edge``, lands within its 2 % of the fine optimum's time of flight, the fuel
    within 0.5 % (measured 0.2 %)."""
    r, v = [0.0, 0.0, 1500.0], [0.0, 0.0, -75.0]
    fine = solve_landing(r, v, 1905.0, MARS, n_nodes=50)
    assert fine.status == "optimal"
    for g in np.arange(fine.tf_s - 3.0, fine.tf_s + 5.6, 0.5):
        for edge in (False, True):
            plan = solve_landing(r, v, 1905.0, MARS, n_nodes=50, coarse_tf=True, warm_start=float(g),
                                 band_edge=edge)
            assert plan.status == "optimal"
            assert plan.tf_s == pytest.approx(fine.tf_s, rel=0.02)
            assert plan.fuel_kg == pytest.approx(fine.fuel_kg, rel=5e-3)
