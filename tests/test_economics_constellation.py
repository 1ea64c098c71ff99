"""Constellation deployment: launch counts by hand for the presets, schedule limits in closed form,
the expected-value model against its Monte Carlo, and one-line input errors."""
import math

import pytest

from rlvsim.economics.constellation import deploy, plan_constellation, preset, satellites_per_launch, sweep
from rlvsim.errors import InputError


def test_presets_launch_counts_by_hand():
    # Qianfan first shell on Zhuque-3 (downrange, cited 8,000 kg): usable 8,000 x (1 - 0.08) = 7,360 kg;
    # floor(7,360 / 230) = 32 per launch; ceil(1,296 / 32) = ceil(40.5) = 41 launches
    r = plan_constellation("zhuque3", preset_name="qianfan_first_shell")
    assert (r["satellites_per_launch"], r["launches"]) == (32, 41)
    # Guowang on Falcon 9 (droneship, cited 17,500 kg): 16,100 / 1,200 = 13.4 -> 13; 12,992 / 13 = 999.4 -> 1,000
    r = plan_constellation("falcon9", preset_name="guowang")
    assert (r["satellites_per_launch"], r["launches"]) == (13, 1000)
    # Qianfan (14,000) on Falcon 9: 16,100 / 230 = 70 exactly -> 200 launches
    r = plan_constellation("falcon9", preset_name="qianfan")
    assert (r["satellites_per_launch"], r["launches"]) == (70, 200)
    # Guowang on Long March 12A (downrange 4,100 kg): 3,772 / 1,200 = 3.1 -> 3; 12,992 / 3 = 4,330.7 -> 4,331
    r = plan_constellation("longmarch12a", preset_name="guowang")
    assert (r["satellites_per_launch"], r["launches"]) == (3, 4331)


def test_presets_carry_sources():
    for name in ("guowang", "qianfan", "qianfan_first_shell"):
        p = preset(name)
        for k in ("satellites", "satellite_mass_kg", "orbit_alt_km", "inclination_deg"):
            assert len(p["sources"][k]) > 10


def test_dispenser_mass_and_volume_limit():
    assert satellites_per_launch(10_000, 300, dispenser_mass_kg=1_000) == 30    # 9,000 / 300
    assert satellites_per_launch(10_000, 300, dispenser_mass_kg=1_000, max_satellites_per_launch=24) == 24


def test_cadence_limited_schedule():
    # a huge fleet: launch j at j / cadence years; last of 20 at 19 / 12 years
    r = deploy(200, 100, 1000, boosters=100, cadence_per_year=12)
    assert r["launches"] == 20
    assert r["years_to_last_launch"] == pytest.approx(19 / 12, rel=1e-12)
    assert r["limited_by"] == "cadence"


def test_fleet_limited_schedule_without_losses():
    # one booster, p = 1, 30-day turnaround (and 30 days to replace a retired one): a launch every
    # 30 days whatever the cadence allows
    r = deploy(500, 100, 1000, boosters=1, cadence_per_year=1000, landing_probability=1.0,
               booster_life=100, turnaround_days=30, booster_replacement_days=30)
    assert r["launches"] == 50
    assert r["years_to_last_launch"] == pytest.approx(49 * 30 / 365.25, rel=1e-12)
    assert r["limited_by"] == "fleet"


def test_expected_value_model_vs_monte_carlo():
    kw = dict(satellites=3000, satellite_mass_kg=200, payload_kg_per_launch=3000, boosters=3,
              cadence_per_year=60, landing_probability=0.8, booster_life=10, turnaround_days=20,
              booster_replacement_days=60)
    r = deploy(**kw, monte_carlo_runs=200, seed=3)
    mc = r["monte_carlo"]
    n = r["launches"]                                     # 3000 / 15 = 200
    assert n == 200
    # losses: n (1 - p) = 40 exactly in expectation; MC sd per run = sqrt(n p q) = 5.7, /sqrt(200) -> 0.4
    assert r["boosters_lost_expected"] == pytest.approx(40.0)
    assert abs(mc["boosters_lost_mean"] - 40.0) < 4 * math.sqrt(n * 0.8 * 0.2 / 200)
    # boosters built and years: the renewal approximation vs simulation, within 10%
    assert mc["boosters_built_mean"] == pytest.approx(r["boosters_built_expected"], rel=0.10)
    assert mc["years_mean"] == pytest.approx(r["years_to_last_launch"], rel=0.10)


def test_expendable_builds_one_booster_per_launch():
    r = deploy(100, 100, 1000, reusable=False, cost_per_launch_usd=10e6, satellite_cost_usd=1e6)
    assert r["launches"] == 10 and r["boosters_built_expected"] == 10
    assert r["total_cost_usd"] == 10 * 10e6 + 100 * 1e6
    assert r["cost_per_satellite_usd"] == pytest.approx(2e6)


def test_sweep_grid():
    s = sweep([1, 2, 4], [12, 24], satellites=400, satellite_mass_kg=100, payload_kg_per_launch=1000,
              landing_probability=1.0, booster_life=50, turnaround_days=60)
    assert len(s["years"]) == 3 and len(s["years"][0]) == 2 and len(s["rows"]) == 6
    # more boosters never slower
    for j in range(2):
        assert s["years"][0][j] >= s["years"][1][j] >= s["years"][2][j]


@pytest.mark.parametrize("kw, words", [
    (dict(satellites=0, satellite_mass_kg=100, payload_kg_per_launch=1000), ["satellites = 0"]),
    (dict(satellites=10, satellite_mass_kg=2000, payload_kg_per_launch=1000), ["heavier than the usable payload"]),
    (dict(satellites=10, satellite_mass_kg=100, payload_kg_per_launch=1000, cadence_per_year=0), ["cadence_per_year"]),
])
def test_bad_input_one_line(kw, words):
    with pytest.raises(InputError) as e:
        deploy(**kw)
    assert "\n" not in str(e.value)
    for w in words:
        assert w in str(e.value)


def test_unreachable_orbit_from_the_payload_function():
    def payload_fn(vehicle, *, orbit_alt_km, inclination_deg, recovery):
        # what rlvsim.mission.payload.max_payload does for an orbit out of reach
        raise InputError(f"{vehicle} cannot reach a {orbit_alt_km:g} km, {inclination_deg:g} deg orbit "
                         f"with recovery '{recovery}' even with no payload")
    with pytest.raises(InputError, match="cannot reach"):
        plan_constellation("zhuque3", satellites=100, satellite_mass_kg=200, orbit_alt_km=20000,
                           inclination_deg=50, payload_fn=payload_fn)
    with pytest.raises(InputError, match="preset"):
        plan_constellation("zhuque3", preset_name="starlink")
