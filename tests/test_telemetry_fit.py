"""Fitting missions to webcast telemetry (rlvsim.telemetry.fit and its helpers).

References: the acceptance figures are issue #5's (altitude RMS < 2 % of the maximum altitude,
speed RMS < 3 % of the maximum speed over the first-stage flight, six event times within 5 s of
the webcast's events.csv, judged by eye by the data's origin author); the telemetry is the
SpaceXtract export of the CRS-11 and Iridium-3 webcasts (tests/data/telemetry/SOURCES.md).
The covariance is checked against the closed form of linear least squares (numpy lstsq),
TOML output against Python's own parser (tomllib), the zone placement against the haversine
distance.  The two real fits take 7-15 s each on a 2-core machine.
"""
import math
import tomllib
from pathlib import Path
from types import SimpleNamespace

import numpy as np
import pytest

from rlvsim.errors import InputError
from rlvsim.mission import load_mission, simulate
from rlvsim.telemetry import read_events, read_telemetry
from rlvsim.telemetry import fit as F
from rlvsim.telemetry import tomlw
from rlvsim.telemetry.params import apply_values, bucket_of, canonical_schedule, zone_geometry

DATA = Path(__file__).parent / "data" / "telemetry"
CRS11 = DATA / "f9_crs11_2017-06-03_rtls.csv"
IRIDIUM3 = DATA / "f9_iridium3_2017-10-09_asds.csv"
SIX = ("meco", "boostback_start", "apogee", "entry_start", "landing_start", "landing_end")


def _fit(mission, path):
    return F.fit_mission(load_mission(mission), read_telemetry(path), read_events(DATA / "events.csv", path.stem))


@pytest.fixture(scope="module")
def crs11():
    return _fit("falcon9-rtls", CRS11)


@pytest.fixture(scope="module")
def iridium3():
    return _fit("falcon9-droneship", IRIDIUM3)


# ------------------------------------------------------------------------------ real flights
def test_crs11_whole_flight_rms(crs11):
    c = crs11.comparison
    # over every one of the file's 13,489 samples: nothing left out or resampled
    assert c["samples_compared"] == 13489
    # issue #5 acceptance limits
    assert c["altitude_rms_m"] < 0.02 * c["max_altitude_m"]
    assert c["speed_rms_m_s"] < 0.03 * c["max_speed_m_s"]
    assert c["booster_outcome"] == "landed"        # the real booster landed on LZ-1


def test_crs11_six_events_within_5_s_of_webcast(crs11):
    err = crs11.comparison["event_time_errors_vs_webcast_s"]
    for name in SIX:
        # issue #5: within 5 s of the webcast's (whole-second, by-eye) event times
        assert abs(err[name]) <= 5.0, (name, err)


def test_crs11_estimates_and_uncertainty(crs11):
    v, s = crs11.values, crs11.sigma
    # Dragon 1 dry ~4.2 t + 2,708 kg cargo (NASA CRS-11 press kit): ~6.9 t; the telemetry cannot
    # tell payload from thrust, so the estimate must stay within its +-25 % prior band
    assert 0.75 * 6900 <= v["payload_kg"] <= 1.25 * 6900
    # MECO: the webcast's 145 s (rounded to whole seconds, +-0.5 s), 1 s for judging by eye
    assert abs(v["meco_time_s"] - 145.0) < 1.5
    for st in crs11.stages:
        corr = st.correlation
        assert np.allclose(np.diag(corr), 1.0)               # a correlation matrix: unit diagonal,
        assert np.allclose(corr, corr.T, equal_nan=True)     # symmetric,
        finite = np.isfinite(corr)
        assert np.all(np.abs(corr[finite]) <= 1.0 + 1e-9)    # |rho| <= 1
    assert all(x > 0 for x in s.values())


def test_crs11_fitted_file_flies_like_the_fit(crs11, tmp_path):
    path = crs11.write_toml(tmp_path / "crs11-fitted.toml")
    text = path.read_text()
    assert text.startswith("# Fitted by `rlvsim telemetry fit`") and "payload_kg =" in text
    mission = load_mission(path)                      # an ordinary mission file
    assert Path(mission.vehicle).name == "crs11-fitted.vehicle.toml"
    # the companion vehicle file is named relative to the mission file: the pair can be moved
    assert 'vehicle = "crs11-fitted.vehicle.toml"' in text
    moved = tmp_path / "elsewhere"
    moved.mkdir()
    for f in (path, path.with_name("crs11-fitted.vehicle.toml")):
        f.rename(moved / f.name)
    mission = load_mission(moved / path.name)
    assert Path(mission.vehicle) == moved / "crs11-fitted.vehicle.toml"
    flight = simulate(mission)
    # the file holds the fitted knobs (printed with repr: exact), so the flight repeats the fit's
    # final flight; 0.01 s allows for the event-time rounding in the comparison
    sim = crs11.comparison["event_times_sim_s"]
    assert flight.event("meco", "stack").time_s == pytest.approx(sim["meco"], abs=0.01)
    assert flight.event("landing_start", "booster").time_s == pytest.approx(sim["landing_start"], abs=0.01)


def test_crs11_fitted_mission_with_another_dragon_payload(crs11, tmp_path):
    # issue #5: the fitted CRS-11 mission with only the payload changed predicts a similar Dragon
    # mission (what to check it against: docs/telemetry.md, CRS-12 and CRS-13 at LZ-1).  NASA
    # cargo masses: CRS-11 2,708 kg, CRS-12 2,910 kg, CRS-13 2,205 kg; Dragon itself unchanged.
    base = load_mission(crs11.write_toml(tmp_path / "crs11-fitted.toml"))
    flights = {}
    for name, cargo_kg in (("crs11", 2708.0), ("crs12", 2910.0), ("crs13", 2205.0)):
        m = base.model_copy(update={"payload_kg": base.payload_kg + cargo_kg - 2708.0})
        flights[name] = simulate(m)
    times = {}
    for name, f in flights.items():
        assert f.outcome("upper") == "orbit", name
        assert f.outcome("booster") == "landed", name      # all three boosters landed on LZ-1
        ev = {}
        for e in f.summary()["events"]:
            if e["stage"] in ("stack", "booster"):
                ev.setdefault(e["name"], e["time_s"])
        order = ["meco", "boostback_start", "boostback_end", "apogee", "entry_start", "entry_end", "landing_start"]
        t = [ev[n] for n in order]                  # every phase flown, none missing ...
        assert t == sorted(t), (name, ev)           # ... and in the order of the profile
        times[name] = ev
    # a lighter stack stages faster, so the booster coasts higher and later (and a heavier one earlier)
    assert times["crs13"]["apogee"] > times["crs11"]["apogee"] > times["crs12"]["apogee"]
    for name in ("crs12", "crs13"):
        for n in ("apogee", "entry_start"):
            # a few hundred kg of ~200 t at staging moves the staging speed by a few m/s, i.e. the
            # coast by a second or two: within the fit's own 5 s acceptance (issue #5)
            assert abs(times[name][n] - times["crs11"][n]) <= 5.0, (name, n, times)


def test_iridium3_fit_up_to_the_end_of_data(iridium3):
    c = iridium3.comparison
    assert c["samples_compared"] == 11844
    assert c["altitude_rms_m"] < 0.02 * c["max_altitude_m"]     # issue #5 limits
    assert c["speed_rms_m_s"] < 0.03 * c["max_speed_m_s"]
    err = c["event_time_errors_vs_webcast_s"]
    # the feed is lost in the landing burn: no touchdown, five events
    for name in SIX[:-1]:
        assert abs(err[name]) <= 5.0, (name, err)
    assert "landing_end" not in c["event_time_errors_s"]
    # the feed is lost, not the booster: it landed on the drone ship, and so does the fitted one
    assert c["booster_outcome"] == "landed"


# ------------------------------------------------------------------------------ machinery
def test_solve_covariance_is_the_linear_least_squares_closed_form():
    rng = np.random.default_rng(3)
    names = ["bucket_start_s", "bucket_length_s"]          # knobs without priors
    A = rng.normal(size=(40, 2)) * np.array([0.7, 0.2])
    noise = rng.normal(scale=0.3, size=40)
    x_true = np.array([50.0, 22.0])
    fun = lambda v: A @ (np.array([v[n] for n in names]) - x_true) + noise   # noqa: E731
    st = F._solve("ascent", names, fun, {"bucket_start_s": 48.0, "bucket_length_s": 23.0},
                  SimpleNamespace(total=0))
    # closed form: x = x_true + lstsq(A, -noise); cov = s^2 (A^T A)^-1, s^2 = |r|^2 / (m - n)
    dx, *_ = np.linalg.lstsq(A, -noise, rcond=None)
    r = A @ dx + noise
    cov = (r @ r) / (40 - 2) * np.linalg.inv(A.T @ A)
    got = np.array([st.values[n] for n in names])
    assert got == pytest.approx(x_true + dx, abs=1e-3)      # trf stops within xtol of the optimum
    sig = np.array([st.sigma[n] for n in names])
    assert sig == pytest.approx(np.sqrt(np.diag(cov)), rel=1e-3)   # forward differences of a linear map are exact
    rho = cov[0, 1] / np.sqrt(cov[0, 0] * cov[1, 1])
    assert st.correlation[0, 1] == pytest.approx(rho, abs=1e-3)


def test_solve_with_priors_is_the_bayesian_linear_closed_form():
    # payload and throttle enter the data only through one combination (as m0/thrust does in an
    # ascent): the priors (payload +-25 %, throttle +-0.05) decide how the change is shared
    rng = np.random.default_rng(5)
    names = ["payload_kg", "throttle_level"]
    x0 = np.array([8000.0, 0.9])
    a = rng.normal(size=30)
    A = np.column_stack([a / 1000.0, -a / 0.05])            # residual depends on payload/1000 - throttle/0.05
    noise = rng.normal(scale=0.2, size=30)
    x_true = np.array([9000.0, 0.92])
    fun = lambda v: A @ (np.array([v[n] for n in names]) - x_true) + noise    # noqa: E731
    st = F._solve("ascent", names, fun, dict(zip(names, x0)), SimpleNamespace(total=0))
    sp = np.array([0.25 * 8000.0, 0.05])
    # MAP: least squares of [A; diag(1/sp)] (x - x0) = [-(A (x0 - x_true) + noise); 0]
    M = np.vstack([A, np.diag(1 / sp)])
    rhs = np.r_[-(A @ (x0 - x_true) + noise), 0.0, 0.0]
    dx, *_ = np.linalg.lstsq(M, rhs, rcond=None)
    got = np.array([st.values[n] for n in names])
    assert got == pytest.approx(x0 + dx, rel=1e-4)
    r = A @ (x0 + dx - x_true) + noise
    s2 = (r @ r) / (30 - 2)
    cov = np.linalg.inv(A.T @ A / s2 + np.diag(1 / sp ** 2))   # data scaled by s^2, priors not
    sig = np.array([st.sigma[n] for n in names])
    assert sig == pytest.approx(np.sqrt(np.diag(cov)), rel=1e-3)


def test_throttle_bucket_parameterisation():
    crs = load_mission("falcon9-rtls").ascent.throttle_schedule
    # the catalog CRS-11 schedule [[0,.93],[48,.93],[53,.7],[71,.7],[76,.93]], read by hand
    assert bucket_of(crs) == {"throttle_level": 0.93, "bucket_throttle": 0.7, "bucket_start_s": 48.0,
                              "bucket_length_s": 23.0, "ramp_s": 5.0}
    assert canonical_schedule(0.93, 0.7, 48.0, 23.0, 5.0) == [[0.0, 0.93], [48.0, 0.93], [53.0, 0.7],
                                                            [71.0, 0.7], [76.0, 0.93]]
    m = apply_values(load_mission("falcon9-rtls"), {"bucket_throttle": 0.8, "bucket_start_s": 45.0})
    assert [list(p) for p in m.ascent.throttle_schedule] == [[0.0, 0.93], [45.0, 0.93], [50.0, 0.8],
                                                             [68.0, 0.8], [73.0, 0.93]]


def test_zone_downrange_moves_the_zone_along_its_bearing():
    base = load_mission("falcon9-droneship")
    d0, az0, _ = zone_geometry(base)
    m = apply_values(base, {"zone_downrange_km": 250.0})
    lat, lon, _ = m.recovery.landing_zone_position
    from rlvsim.earth.sites import get_site
    s = get_site(base.launch_site)
    # haversine on a 6371 km sphere: within 0.5 % of the ellipsoidal 250 km
    p1, p2, dl = map(math.radians, (s.lat_deg, lat, lon - s.lon_deg))
    hav = 2 * 6371.0 * math.asin(math.sqrt(math.sin((p2 - p1) / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2))
    assert hav == pytest.approx(250.0, rel=0.005)
    d1, az1, _ = zone_geometry(m)
    assert d1 == pytest.approx(250e3, rel=1e-6) and az1 == pytest.approx(az0, abs=1e-6)
    assert d0 == pytest.approx(322e3, rel=0.01)            # the catalog's JRTI station: 322 km downrange


def test_toml_writer_round_trips_missions_and_vehicles():
    from rlvsim.mission.model import Mission
    from rlvsim.vehicles.loader import catalog_path
    for name in ("zq3-y1", "falcon9-rtls"):                 # zq3-y1 has [[faults]]
        m = load_mission(name)
        text = tomlw.dumps(m.model_dump(mode="json", exclude_none=True), ["a header"])
        assert Mission.model_validate(tomllib.loads(text)) == m
    data = tomllib.loads(catalog_path("falcon9").read_text())
    assert tomllib.loads(tomlw.dumps(data)) == data         # nested tables, arrays of tables, quoted keys


def test_descent_drag_variant_scales_only_the_descent_table():
    from rlvsim.telemetry.variant import scaled_vehicle, vehicle_data
    data, _ = vehicle_data(load_mission("falcon9-rtls"))
    v0, v1 = scaled_vehicle(data, None), scaled_vehicle(data, 1.5)
    a0, a1 = v0.stages[0].aero, v1.stages[0].aero
    assert np.allclose(a1["booster_tail_first"].cd, 1.5 * np.asarray(a0["booster_tail_first"].cd), atol=1e-5)
    assert a1["ascent_stack"].cd == a0["ascent_stack"].cd
    assert v1.name == "falcon9-fitted"


def test_fit_cli_rejects_bad_telemetry_in_one_line(tmp_path):
    from typer.testing import CliRunner

    from rlvsim.cli import app
    bad = tmp_path / "bad.csv"
    bad.write_text("time_s,velocity_m_s,altitude_km\n0,0,0\n1,1,0.1\n")     # altitude in the wrong unit column
    res = CliRunner().invoke(app, ["telemetry", "fit", str(bad), "--mission", "falcon9-rtls",
                                   "--out", str(tmp_path / "x.toml")], standalone_mode=False)
    assert isinstance(res.exception, InputError)
    msg = str(res.exception)
    assert "\n" not in msg and "missing column 'altitude_m'" in msg and "altitude_km" in msg
    assert not (tmp_path / "x.toml").exists()
    short = tmp_path / "short.csv"
    short.write_text("time_s,velocity_m_s,altitude_m\n" + "".join(f"{t},{2 * t},{t * t}\n" for t in range(6)))
    res = CliRunner().invoke(app, ["telemetry", "fit", str(short), "--mission", "falcon9-rtls",
                                   "--out", str(tmp_path / "x.toml")], standalone_mode=False)
    assert isinstance(res.exception, InputError) and "at least 20 s" in str(res.exception)
