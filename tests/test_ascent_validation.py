"""Ascent against published performance and real flight data.

* Falcon 9 CRS-11 (webcast telemetry, tests/data/telemetry): MECO time within 5 s, MECO speed and
  altitude within 5 %, altitude and speed up to MECO within 5 % RMS (RMS of the residual over the
  largest observed value), as the flight-core issue asks.
* Payload: Falcon 9 to 200 km, 28.5 deg within 10 % of SpaceX's 22,800 kg; Zhuque-3 within 15 % of
  LandSpace's 11.8 t (expendable) and 8 t (downrange recovery).  The sources give no orbit for
  Zhuque-3: we assume 200 km circular at the minimum inclination from LC-96B (41.5 deg), the usual
  reference orbit for a published "LEO" figure and the cheapest one from that site.
"""
from pathlib import Path

import numpy as np
import pytest

from rlvsim.mission import load_mission
from rlvsim.mission.ascent import fly_stack
from rlvsim.earth.sites import get_site
from rlvsim.flight.propagator import EarthModel
from rlvsim.flight.recorder import Recorder
from rlvsim.telemetry import read_events, read_telemetry
from rlvsim.vehicles import load_vehicle

TEL = Path(__file__).parent / "data" / "telemetry"


@pytest.fixture(scope="module")
def crs11():
    m = load_mission("falcon9-rtls")
    v = load_vehicle(m.vehicle)
    rec, ev = Recorder("stack"), []
    fly_stack(m, v, get_site(m.launch_site), 0.0, rec, ev, EarthModel())
    tel = read_telemetry(TEL / "f9_crs11_2017-06-03_rtls.csv")
    events = read_events(TEL / "events.csv", "f9_crs11_2017-06-03_rtls")
    return rec.table(), {e.name: e for e in ev}, tel, events


def test_crs11_meco_time_speed_altitude(crs11):
    tab, ev, tel, events = crs11
    meco = ev["meco"]
    assert abs(meco.time_s - events["meco"]) <= 5.0
    # observed state at the webcast MECO time (the readout holds ~1 s; take the sample nearest)
    i = int(np.argmin(np.abs(tel.time_s - events["meco"])))
    assert meco.speed_m_s == pytest.approx(tel.speed_m_s[i], rel=0.05)
    assert meco.altitude_m == pytest.approx(tel.altitude_m[i], rel=0.05)


def test_crs11_curves_to_meco_within_5_percent_rms(crs11):
    tab, ev, tel, events = crs11
    mask = tel.time_s <= ev["meco"].time_s
    h = np.interp(tel.time_s[mask], tab["time_s"], tab["altitude_m"])
    v = np.interp(tel.time_s[mask], tab["time_s"], tab["speed_m_s"])
    rms_h = np.sqrt(np.mean((h - tel.altitude_m[mask]) ** 2)) / tel.altitude_m[mask].max()
    rms_v = np.sqrt(np.mean((v - tel.speed_m_s[mask]) ** 2)) / tel.speed_m_s[mask].max()
    assert rms_h < 0.05 and rms_v < 0.05


@pytest.mark.parametrize("vehicle, inc, recovery, published, tol", [
    ("falcon9", 28.5, "expendable", 22_800.0, 0.10),     # SpaceX, Falcon 9 page (vehicle_figures.md)
    ("zhuque3", 41.5, "expendable", 11_800.0, 0.15),     # LandSpace via Wikipedia (vehicle_figures.md)
    ("zhuque3", 41.5, "downrange", 8_000.0, 0.15),
])
def test_payload_against_published(vehicle, inc, recovery, published, tol):
    from rlvsim.mission.payload import max_payload
    r = max_payload(vehicle, orbit_alt_km=200.0, inclination_deg=inc, recovery=recovery)
    assert r["payload_kg"] == pytest.approx(published, rel=tol)


def test_rtls_reserve_sized_by_flying_even_when_the_file_fraction_is_too_heavy():
    """Issue #3 item 6: payload --recovery reserves what the flown recovery needs.  Falcon 9's
    vehicle-file RTLS fraction (98 t kept at separation) makes a booster too heavy for its one
    landing engine at the landing planner's thrust share: no plan is ever found before ignition,
    the full-thrust 1-D gate lights the burn high up and every re-plan falls back on full thrust;
    it lands with ~29 t unburned (it crashed with ~34 t unburned while the ignition decision still
    waited for the last instant a full-thrust plan landed).  The sizing must search both ways and
    return a reserve that lands when flown (checked here by flying it), lighter than the fraction."""
    from rlvsim.mission.payload import build_mission, size_recovery_reserve
    from rlvsim.mission.simulation import recovery_reserve_kg, simulate
    v = load_vehicle("falcon9")
    base = build_mission(v, 200.0, 28.61, "rtls", None).model_copy(update={"payload_kg": 11_475.0})
    heavy = recovery_reserve_kg(base, v)
    def booster(res):
        m = base.model_copy(update={"recovery": base.recovery.model_copy(update={"reserve_kg": res})})
        return simulate(m, v).summary()["stages"]["booster"]
    def outcome(res):
        return booster(res)["outcome"]
    b = booster(heavy)
    # the premise: the file's fraction is far too heavy for the planner's thrust share (every
    # re-plan a fallback) and keeps tonnes the recovery never burns
    assert b["landing_burn"]["fallbacks"] >= b["landing_burn"]["replans"]
    assert b["outcome"] != "landed" or b["touchdown"]["propellant_remaining_kg"] > 20_000.0
    sized, landed, flights = size_recovery_reserve(base, v, heavy)
    assert landed and sized < heavy and flights <= 14
    assert outcome(sized) == "landed"
