"""Launch cost with reuse: expected flights vs Monte Carlo, expendable and p = 1 arithmetic by hand,
validated assumption files."""
import math

import numpy as np
import pytest

from rlvsim.economics.assumptions import Assumptions, list_assumptions, load_assumptions
from rlvsim.economics.cost import compare_modes, cost_report, expected_flights, launch_cost
from rlvsim.errors import InputError, UnknownNameError


def _c(v):
    return {"value": v, "source": "estimate: test value"}


ROUND = Assumptions.model_validate({
    "vehicle": "testrocket", "currency": "USD", "as_of": "2025",
    "booster_build_cost": _c(40e6), "upper_stage_build_cost": _c(10e6), "refurbishment_per_reflight": _c(2e6),
    "booster_life_flights": _c(10), "landing_probability": _c(0.9), "propellant_cost": _c(0.5e6),
    "fairing_cost": _c(5e6), "launch_site_cost": _c(1.5e6),
    "recovery_ops": {"droneship": _c(1e6), "rtls": _c(0.25e6)}})


def test_expected_flights_closed_form_and_limits():
    p, L = 0.93, 12
    assert expected_flights(p, L) == pytest.approx(sum(p ** k for k in range(L)), rel=1e-13)
    assert expected_flights(1.0, L) == L
    assert expected_flights(0.0, L) == 1.0


def test_expected_flights_vs_monte_carlo():
    rng = np.random.default_rng(42)
    p, L, n = 0.85, 10, 200_000
    # flights of a booster = min(L, 1 + number of successful landings before the first failure)
    first_fail = rng.geometric(1 - p, size=n)          # landing number of the first failure
    flights = np.minimum(first_fail, L)
    se = flights.std() / math.sqrt(n)
    assert abs(flights.mean() - expected_flights(p, L)) < 4 * se   # 4 standard errors


def test_expendable_is_plain_arithmetic():
    r = launch_cost(ROUND, 20_000, "expendable")
    # booster 40 + upper 10 + propellant 0.5 + fairing 5 + site 1.5 = 57.0 M$
    assert r["total_usd"] == 57.0e6
    assert r["per_kg_usd"] == 57.0e6 / 20_000
    assert r["components_usd"]["refurbishment"] == 0 and r["components_usd"]["recovery_ops"] == 0


def test_p_equal_one_amortises_over_the_life():
    r = launch_cost(ROUND, 15_000, "droneship", landing_probability=1.0)
    L = 10
    booster = 40e6 / L + 2e6 * (L - 1) / L          # build / L + refurbishment on L-1 of L flights
    assert r["components_usd"]["booster_amortised"] + r["components_usd"]["refurbishment"] == pytest.approx(booster, rel=1e-14)
    assert r["total_usd"] == pytest.approx(booster + 1e6 + 10e6 + 0.5e6 + 5e6 + 1.5e6, rel=1e-14)


def test_cost_falls_with_landing_probability_and_life():
    ps = [0.0, 0.5, 0.8, 0.95, 1.0]
    totals = [launch_cost(ROUND, 15_000, "droneship", p)["total_usd"] for p in ps]
    assert all(a > b for a, b in zip(totals, totals[1:]))
    # p = 0: every booster lost on its first landing -> reuse costs more than expending it
    assert totals[0] > launch_cost(ROUND, 15_000, "expendable")["total_usd"]


def test_builtin_files_load_and_cite_everything():
    assert set(list_assumptions()) >= {"falcon9", "zhuque3", "longmarch12a"}
    for name in list_assumptions():
        a = load_assumptions(name)
        for field, val in a:
            if hasattr(val, "source"):
                assert len(val.source) >= 8, (name, field)


def test_cny_conversion():
    z = load_assumptions("zhuque3")
    r = launch_cost(z, 10_000, "expendable")
    assert r["total_usd"] == pytest.approx(r["total_cny"] / z.fx.cny_per_usd, rel=1e-14)
    assert r["per_kg_cny"] == pytest.approx(r["total_cny"] / 10_000, rel=1e-14)


def test_invalid_files_and_inputs(tmp_path):
    p = tmp_path / "bad.toml"
    p.write_text('vehicle = "x"\nas_of = "2025"\nwings = 2\n')
    with pytest.raises(InputError) as e:
        load_assumptions(p)
    assert "wings: unknown field" in str(e.value) and "\n" not in str(e.value)
    with pytest.raises(UnknownNameError):
        load_assumptions("saturn5")
    with pytest.raises(InputError, match="recovery"):
        launch_cost(ROUND, 1000, "parachute")
    with pytest.raises(InputError, match="downrange"):
        launch_cost(ROUND, 1000, "downrange")
    with pytest.raises(InputError, match="payload_kg"):
        launch_cost(ROUND, 0, "expendable")
    with pytest.raises(InputError, match="landing_probability"):
        launch_cost(ROUND, 1000, "rtls", 1.5)


def test_compare_modes_calls_the_payload_function_per_mode():
    calls = []

    def fake_payload(vehicle, *, orbit_alt_km, inclination_deg, recovery):
        calls.append((vehicle, orbit_alt_km, inclination_deg, recovery))
        return {"payload_kg": {"expendable": 20_000, "droneship": 15_000, "rtls": 10_000}[recovery]}
    r = compare_modes("testrocket", 400, 51.6, payload_fn=fake_payload, assumptions=ROUND)
    assert [c[3] for c in calls] == ["expendable", "droneship", "rtls"]
    assert [m["payload_kg"] for m in r["modes"]] == [20_000, 15_000, 10_000]


def test_cost_report_uses_cited_payload():
    r = cost_report("falcon9", recovery="expendable")
    assert r["payload_kg"] == load_assumptions("falcon9").payload_kg["expendable"].value
    # the test assumptions cite no payload at all: a mode is refused, naming what is missing
    with pytest.raises(InputError, match="cite no payload"):
        cost_report("testrocket", recovery="rtls", assumptions=ROUND)


def test_compare_modes_reports_unreachable_modes_as_rows():
    def payload_fn(vehicle, *, orbit_alt_km, inclination_deg, recovery):
        if recovery == "rtls":
            raise InputError(f"{vehicle} cannot reach a {orbit_alt_km:g} km orbit with recovery 'rtls'")
        return {"payload_kg": 12_000}
    r = compare_modes("testrocket", 600, 97, payload_fn=payload_fn, assumptions=ROUND)
    by_mode = {m["recovery"]: m for m in r["modes"]}
    assert "cannot reach" in by_mode["rtls"]["error"]
    assert by_mode["droneship"]["per_kg_usd"] > 0
