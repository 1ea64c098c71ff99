"""The vehicle catalog against published figures (/work/shared/validation/vehicle_figures.md),
closed forms and Falcon 9 webcast telemetry.  Expected values come from those references,
never from this package's output."""
from __future__ import annotations

import csv
import json
import math
import shutil
import tomllib
import warnings
from pathlib import Path

import pytest

from rlvsim.vehicles import (
    CATALOG_DIR,
    ProvenanceWarning,
    ideal_delta_v_m_s,
    list_vehicles,
    load_vehicle,
    missing_provenance,
    payload_for_delta_v_kg,
    vehicle_from_dict,
    vehicle_summary,
)

G0 = 9.80665  # standard gravity (CGPM 1901), the Isp <-> exhaust-speed constant
P0 = 101325.0  # standard sea-level pressure (US Standard Atmosphere 1976)
TONNE_KGF_N = 1000 * G0  # 1 t of thrust
TELEMETRY = Path("/work/shared/validation/telemetry")

# Published figures, from vehicle_figures.md (each line names its source there).
F9_LIFTOFF_KG = 549_054  # knowpia / spaceflightinsider
F9_STAGE1_THRUST_SL_N = 7_607e3  # spaceflightinsider
F9_LEO_PAYLOADS_KG = (15_600, 16_700, 17_500, 18_500, 22_800)  # drone-ship revisions + expendable
F9_GTO_KG = {"expendable": 8_300, "droneship": 5_500, "rtls": 3_500}  # wikiwand Falcon_9
ZQ3_LIFTOFF_RANGE_KG = (550_000, 570_000)  # Wikipedia 550 t ... LandSpace site "about 570 t"
ZQ3_LEO_KG = {"expendable": 11_800, "downrange": 8_000}  # LandSpace via am730 / Wikipedia
ZQ3_STATIC_FIRE_N = 769 * TONNE_KGF_N  # nine TQ-12A, June 2025 (goshandong / China Daily)
LM12A_LIFTOFF_KG = 437_000  # CASC via tw.news.yahoo.com
LM12A_LEO_KG = 6_000  # "at least 6 t" (China Daily); read as downrange-recovery payload
# Ideal (Tsiolkovsky, vacuum Isp) delta-v to LEO including gravity, drag, steering and
# back-pressure losses: ~7.8 km/s orbital speed + 1.5-2 km/s losses - 0.3-0.4 km/s Earth
# rotation gives ~9.0-10 km/s (textbook budgets, e.g. Sutton & Biblarz, Rocket Propulsion
# Elements, ch. 4, put it near 9.3-9.5 km/s); widened to 10.5 for inefficient trajectories.
DV_BAND_M_S = (9_000.0, 10_500.0)


def raw(name: str) -> dict:
    return tomllib.loads((CATALOG_DIR / f"{name}.toml").read_text(encoding="utf-8"))


def tsiolkovsky_m_s(data: dict, payload_kg: float, reserve: str | None = None) -> float:
    """Ideal delta-v written out from the raw TOML numbers (vacuum Isp, usable propellant,
    fairing dropped at first staging, booster keeps its recovery reserve if given)."""
    stages = data["stages"]
    fairing = data["fairing"]["mass_kg"]
    m = sum(s["dry_mass_kg"] + s["propellant_mass_kg"] for s in stages) + fairing + payload_kg
    total = 0.0
    for k, s in enumerate(stages):
        burned = s["propellant_mass_kg"] - s.get("residual_propellant_kg", 0.0)
        if k == 0 and reserve:
            burned -= s["recovery_reserve"][reserve] * s["propellant_mass_kg"]
        total += s["engine"]["isp_vac_s"] * G0 * math.log(m / (m - burned))
        m -= s["dry_mass_kg"] + s["propellant_mass_kg"] + (fairing if k == 0 else 0.0)
    return total


def test_catalog_lists_the_three_vehicles_and_each_loads():
    assert list_vehicles() == ["falcon9", "longmarch12a", "zhuque3"]
    for name in list_vehicles():
        v = load_vehicle(name)
        assert v.name == name
        assert v.stages[0].recoverable and not v.stages[-1].recoverable


def test_names_are_case_insensitive():
    assert load_vehicle("FALCON9").name == "falcon9"
    assert load_vehicle(" Zhuque3 ").name == "zhuque3"


@pytest.mark.parametrize("name", ["falcon9", "zhuque3", "longmarch12a"])
def test_every_number_has_provenance_and_cites_a_listed_source(name):
    v = load_vehicle(name)
    assert missing_provenance(v) == []
    data = raw(name)
    assert data["provenance"], "catalog files must carry a [provenance] table"
    for key, entry in data["provenance"].items():
        if entry.strip().lower().startswith("estimate:"):
            assert len(entry.split(":", 1)[1].strip()) > 10, f"{key}: an estimate must say how"
        else:
            sid = entry.split(":", 1)[0].strip()
            assert sid in data["sources"], f"{key} cites unknown source {sid!r}"
    # every listed source is used by at least one entry (no stale citations)
    used = {e.split(":", 1)[0].strip() for e in data["provenance"].values()}
    text = " ".join(data["provenance"].values())
    for sid in data["sources"]:
        assert sid in used or sid in text, f"source {sid!r} is never cited"


def test_each_catalog_file_starts_with_a_comment_block():
    for name in list_vehicles():
        first = (CATALOG_DIR / f"{name}.toml").read_text(encoding="utf-8").splitlines()[:5]
        assert all(line.startswith("#") for line in first)


def test_missing_provenance_reports_leaves_and_whole_tables():
    data = raw("falcon9")
    del data["provenance"]["stages.booster.dry_mass_kg"]
    del data["provenance"]["stages.booster.aero.ascent_stack"]
    missing = missing_provenance(vehicle_from_dict(data))
    prefix = "stages.booster.aero.ascent_stack."
    assert sorted(missing) == sorted(
        ["stages.booster.dry_mass_kg"]
        + [prefix + f for f in ("mach", "cd", "cl_alpha_per_rad", "max_aoa_deg")]
    )


def test_omitted_areas_are_derived_by_closed_form_and_need_no_provenance():
    data = raw("falcon9")
    booster = data["stages"][0]
    del booster["reference_area_m2"], booster["engine"]["exit_area_m2"]
    del data["provenance"]["stages.booster.reference_area_m2"]
    del data["provenance"]["stages.booster.engine.exit_area_m2"]
    v = vehicle_from_dict(data)
    # pi d^2/4 and (F_vac - F_sl)/p0, exact closed forms
    assert v.booster.reference_area_m2 == pytest.approx(math.pi * 3.66**2 / 4, rel=1e-12)
    assert v.booster.engine.exit_area_m2 == pytest.approx((914e3 - 845e3) / P0, rel=1e-12)
    assert missing_provenance(v) == []


def test_falcon9_stage_one_load_matches_the_published_burn_time():
    # The stage-1 load is derived from the published 549,054 kg liftoff mass (the vehicle without
    # payload); the published 162 s first-stage burn time is an independent check.  At full thrust
    # the load lasts load / (9 mdot); flights throttle down through max-Q and near MECO, so the
    # real burn is longer: the full-thrust time must be within 10 % below 162 s.
    b = load_vehicle("falcon9").booster
    t_full = b.propellant_mass_kg / (b.engine_count * b.engine.mdot_max_kg_s)
    assert 0.90 * 162.0 <= t_full <= 162.0


def test_falcon9_stage_thrust_is_nine_merlins():
    b = load_vehicle("falcon9").stage("booster")
    assert b.engine_count == 9
    # 9 x 845 kN = 7,605 kN vs the published 7,607 kN stage figure: 1 % covers rounding
    assert b.thrust_sl_N == pytest.approx(F9_STAGE1_THRUST_SL_N, rel=0.01)
    # F(p0) = F_vac - p0*A_exit must reproduce the published 845 kN sea-level thrust (SpaceX 2013);
    # 0.1 % covers the 3-digit exit area in the file
    assert b.engine.thrust_N(P0) == pytest.approx(845e3, rel=1e-3)


def test_zhuque3_liftoff_mass_and_thrust_match_published():
    v = load_vehicle("zhuque3")
    lo, hi = ZQ3_LIFTOFF_RANGE_KG
    assert lo <= v.liftoff_mass_kg(ZQ3_LEO_KG["expendable"]) <= hi
    # 9 x 83 t (Dong Kai) vs 769 t measured in the static fire: 3 % (the 83 t is a round figure)
    assert v.booster.thrust_sl_N == pytest.approx(ZQ3_STATIC_FIRE_N, rel=0.03)
    assert v.booster.burns == {"ascent": 9, "boostback": 1, "entry": 3, "landing": 1}  # cosmicnxws


def test_zhuque3_first_stage_burn_matches_the_y1_staging_time():
    b = load_vehicle("zhuque3").booster
    # expendable burn at full thrust: the brief's 140-160 s reading of the Y1 reports
    assert 140.0 <= b.burn_time_full_thrust_s <= 160.0
    # with the downrange reserve kept: Y1 staged "about 2 min" after liftoff; +-20 s for "about"
    # and for throttling near max-q, which lengthens the real burn
    burn_rec = (b.usable_propellant_kg - b.recovery_reserve["downrange"] * b.propellant_mass_kg) \
        / b.mdot_max_kg_s
    assert 100.0 <= burn_rec <= 140.0


def test_longmarch12a_liftoff_mass_matches_published():
    v = load_vehicle("longmarch12a")
    # "~437 t" with the 6 t payload the catalog targets; 1 % for the "~"
    assert v.liftoff_mass_kg(LM12A_LEO_KG) == pytest.approx(LM12A_LIFTOFF_KG, rel=0.01)
    assert v.booster.engine_count == 7 and v.upper.engine_count == 1  # CASC via Southern Daily


@pytest.mark.parametrize("name,payload,reserve", [
    ("falcon9", 22_800, None),
    ("zhuque3", ZQ3_LEO_KG["expendable"], None),
    ("zhuque3", ZQ3_LEO_KG["downrange"], "downrange"),
    ("longmarch12a", LM12A_LEO_KG, "downrange"),
])
def test_ideal_delta_v_with_published_payload_is_in_the_leo_band(name, payload, reserve):
    dv = tsiolkovsky_m_s(raw(name), payload, reserve)
    assert DV_BAND_M_S[0] <= dv <= DV_BAND_M_S[1]
    # the package's budget uses the same conventions: agreement to rounding only
    assert ideal_delta_v_m_s(load_vehicle(name), payload, reserve) == pytest.approx(dv, rel=1e-12)


def test_recovery_reserves_reproduce_published_recovery_payloads():
    f9 = load_vehicle("falcon9")
    dv_gto = tsiolkovsky_m_s(raw("falcon9"), F9_GTO_KG["expendable"])
    # the drone-ship and RTLS reserves turn the published expendable GTO payload into the
    # published recovery payloads; 5 % for the 2-significant-figure published values
    for mode in ("droneship", "rtls"):
        assert payload_for_delta_v_kg(f9, dv_gto, mode) == pytest.approx(F9_GTO_KG[mode], rel=0.05)
    dv_leo = tsiolkovsky_m_s(raw("falcon9"), 22_800)
    assert 15_600 <= payload_for_delta_v_kg(f9, dv_leo, "droneship") <= 18_500  # published range
    zq3 = load_vehicle("zhuque3")
    dv = tsiolkovsky_m_s(raw("zhuque3"), ZQ3_LEO_KG["expendable"])
    # 8 t published with downrange recovery; 2 % for the rounded reserve fraction in the file
    assert payload_for_delta_v_kg(zq3, dv, "downrange") == pytest.approx(ZQ3_LEO_KG["downrange"], rel=0.02)


def test_liftoff_thrust_to_weight_is_plausible():
    # a launcher needs T/W > 1 to lift off; 1.2-1.6 is the usual range (Falcon 9 ~1.4)
    for name, payload in (("falcon9", 22_800), ("zhuque3", 11_800), ("longmarch12a", 6_000)):
        assert 1.2 <= load_vehicle(name).liftoff_thrust_to_weight(payload) <= 1.6


def test_ascent_drag_table_interpolates_the_published_mv_curve():
    aero = load_vehicle("falcon9").booster.aero["ascent_stack"]
    # M-V table (MatRockSim cd_Rocket.m): 0.67 at Mach 1.1, 0.35 at 0.8 and 0.64 at 1.0
    assert aero.cd_at(1.1) == pytest.approx(0.67, abs=1e-12)
    assert aero.cd_at(0.9) == pytest.approx((0.35 + 0.64) / 2, abs=1e-12)  # linear midpoint
    assert aero.cd_at(25.0) == pytest.approx(0.33, abs=1e-12)  # held beyond the table
    assert aero.cd_at(0.0) == pytest.approx(0.28, abs=1e-12)


def _us76(h_m: float) -> tuple[float, float]:
    """Density (kg/m^3) and speed of sound (m/s), US Standard Atmosphere 1976, 0-47 km."""
    r, g = 287.05287, G0
    layers = ((0.0, 288.15, -0.0065, 101325.0), (11e3, 216.65, 0.0, 22632.06),
              (20e3, 216.65, 0.001, 5474.889), (32e3, 228.65, 0.0028, 868.0187))
    hb, tb, lapse, pb = next(layer for layer in reversed(layers) if h_m >= layer[0])
    t = tb + lapse * (h_m - hb)
    p = pb * math.exp(-g * (h_m - hb) / (r * tb)) if lapse == 0 else pb * (t / tb) ** (-g / (lapse * r))
    return p / (r * t), math.sqrt(1.4 * r * t)


def test_tail_first_drag_matches_falcon9_telemetry_ballistic_coefficient():
    """Between the entry and landing burns the booster only falls: drag/m = g*sin(descent) - dv/dt.
    The observed ballistic coefficient m/(Cd A) must fall in the band the catalog implies."""
    b = load_vehicle("falcon9").booster
    aero, area = b.aero["booster_tail_first"], b.reference_area_m2
    # Block 3/4 boosters flew lighter than 25.6 t (-15 %), with at most ~6 t landing propellant
    m_lo, m_hi = 0.85 * b.dry_mass_kg, b.dry_mass_kg + 6_000.0
    checked = 0
    for fname, t0, t1 in (("f9_crs11_2017-06-03_rtls.csv", 390, 426),
                          ("f9_iridium3_2017-10-09_asds.csv", 360, 406)):
        with open(TELEMETRY / fname, newline="") as fh:
            rows = [(float(r["time_s"]), float(r["velocity_m_s"]), float(r["altitude_m"]))
                    for r in csv.DictReader(fh)]
        for tc in range(t0, t1, 4):
            a = min(rows, key=lambda r: abs(r[0] - (tc - 2)))
            c = min(rows, key=lambda r: abs(r[0] - (tc + 2)))
            dt = c[0] - a[0]
            v, h = 0.5 * (a[1] + c[1]), 0.5 * (a[2] + c[2])
            rho, sound = _us76(h)
            mach, q = v / sound, 0.5 * rho * v * v
            if not (1.3 <= mach <= 3.5 and q > 10e3):  # supersonic, drag well above OCR noise
                continue
            drag_per_kg = G0 * (-(c[2] - a[2]) / dt) / v - (c[1] - a[1]) / dt
            beta_obs = q / drag_per_kg
            cd = aero.cd_at(mach)
            # 10 % for the km/h and 100 m quantisation of the webcast overlay over 4 s windows
            assert 0.9 * m_lo / (cd * area) <= beta_obs <= 1.1 * m_hi / (cd * area), (fname, tc)
            checked += 1
    assert checked >= 10


def test_user_file_copied_from_catalog_and_modified_loads_by_path(tmp_path):
    src = CATALOG_DIR / "falcon9.toml"
    dst = tmp_path / "my_falcon.toml"
    text = src.read_text(encoding="utf-8")
    dst.write_text(text.replace('name = "falcon9"', 'name = "my_falcon"')
                   .replace("dry_mass_kg = 25600.0", "dry_mass_kg = 27000.0"), encoding="utf-8")
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # provenance is complete: no warning expected
        v = load_vehicle(dst)
    assert v.name == "my_falcon" and v.booster.dry_mass_kg == 27000.0
    assert load_vehicle(str(dst)).name == "my_falcon"
    # without provenance a user file still loads, with a warning only
    bare = tmp_path / "bare.toml"
    shutil.copy(src, bare)
    bare.write_text(text.split("\n[provenance]\n")[0], encoding="utf-8")
    with pytest.warns(ProvenanceWarning, match="bare.toml"):
        assert load_vehicle(bare).name == "falcon9"


def test_summary_is_plain_data():
    s = vehicle_summary(load_vehicle("zhuque3"))
    json.dumps(s)  # plain data only
    assert s["stages"][0]["engines"] == "9 x TQ-12A"
    assert s["liftoff_mass_kg_published"] == 560_000
    assert set(s["sources"]) == set(raw("zhuque3")["sources"])


def test_docs_table_of_every_number_matches_the_catalog():
    from rlvsim.vehicles.provenance import markdown_table

    docs = (Path(__file__).resolve().parents[1] / "docs" / "vehicles.md").read_text(encoding="utf-8")
    for name in list_vehicles():
        # regenerate docs section 6 with markdown_table() after changing a catalog file
        assert markdown_table(load_vehicle(name)) in docs, name
