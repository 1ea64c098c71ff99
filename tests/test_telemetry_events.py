"""Event detection in first-stage telemetry.

References: (1) the webcast event times in tests/data/telemetry/events.csv (origin
``events.json`` of SpaceXtract).  Those are rounded to whole seconds and judged by eye from
the webcast (callouts, camera views), so they are good to about +-1-2 s at best; we allow 3 s
unless a comment says why not.  (2) A synthetic vacuum flight integrated here with known
engine cut-off, boostback and entry-burn times, quantised like the overlay.
"""
from pathlib import Path

import numpy as np
import pytest
from scipy.integrate import solve_ivp

from rlvsim.telemetry import Telemetry, detect_events, read_events, read_telemetry

DATA = Path(__file__).parent / "data" / "telemetry"
G0 = 9.80665
R_EARTH = 6371008.8

# Boostback: the thrust builds up over ~4-5 s (single engine first, then three: extra
# deceleration 0.2 g at 161.5 s, 0.5 g at 165.5 s, 2.5 g at 168 s in CRS-11) and tails off over
# ~4 s (Iridium-3: 3 g -> 1.5 g -> 0 between 188 and 192.5 s).  The two webcasts mark different
# points of these ramps (CRS-11's start at the first deviation, Iridium-3's start and end near
# full thrust), so the webcast times are only defined to +-4-5 s there: 5 s.
TOL_S = {"boostback_start": 5.0, "boostback_end": 5.0}


@pytest.fixture(scope="module")
def detected():
    out = {}
    for stem in ("f9_crs11_2017-06-03_rtls", "f9_iridium3_2017-10-09_asds"):
        out[stem] = (detect_events(read_telemetry(DATA / f"{stem}.csv")), read_events(DATA / "events.csv", stem))
    return out


@pytest.mark.parametrize("stem, names", [
    ("f9_crs11_2017-06-03_rtls", ["meco", "boostback_start", "boostback_end", "apogee", "entry_start",
                                  "entry_end", "landing_start", "landing_end"]),
    ("f9_iridium3_2017-10-09_asds", ["meco", "boostback_start", "boostback_end", "apogee", "entry_start",
                                     "entry_end", "landing_start"]),
])
def test_events_match_webcast(detected, stem, names):
    ev, ref = detected[stem]
    for name in names:
        assert ref[name] is not None
        assert name in ev, name
        assert abs(ev[name] - ref[name]) <= TOL_S.get(name, 3.0), (name, ev[name], ref[name])
        assert 0.0 < ev.uncertainty_s[name] < 3.0, name


def test_iridium_feed_ends_before_touchdown(detected):
    ev, ref = detected["f9_iridium3_2017-10-09_asds"]
    assert ref["landing_end"] is None and "landing_end" not in ev     # data stop at 253 m/s, 2.6 km


def test_maxq_webcast_call_within_our_flat_maximum(detected):
    # q is flat near its maximum; the detector reports the span where q (US76 density,
    # ground-relative speed) is within 2 % of its peak.  The webcast "max Q" call falls inside.
    for ev, ref in detected.values():
        assert abs(ev["maxq"] - ref["maxq"]) <= ev.uncertainty_s["maxq"]


def test_entry_burn_is_beyond_drag(detected):
    for ev, _ in detected.values():
        m = ev.metadata
        # beta = m/(Cd A) of an empty-ish F9 first stage: ~25-35 t over 10.5 m^2 with Cd 1-2
        assert 1000.0 < m["ballistic_coefficient_kg_m2"] < 4000.0
        # the measured deceleration is tens of times what drag gives at that altitude
        assert m["entry_peak_decel_g"] > 10.0 * m["entry_drag_expectation_g"]
        assert m["entry_peak_decel_g"] > 3.0          # several g: three engines on a light stage


# ------------------------------------------------------------------------ synthetic vacuum flight
T_MECO, T_BB0, T_BB1, T_EN0, T_EN1 = 140.0, 160.0, 190.0, 330.0, 345.0


def _ramp(t, t0, t1):
    return float(np.clip(min(t - t0, t1 - t), 0.0, 1.0))     # 1 s linear ramps at both ends


def _rhs(t, x):
    vx, vz = x[2], x[3]
    ax = az = 0.0
    if t < T_MECO + 0.5:                                      # ascent, 0.5 s tail-off
        acc = (12.0 + 18.0 * t / T_MECO) * float(np.clip((T_MECO + 0.5 - t) / 0.5, 0.0, 1.0))
        th = np.radians(float(np.clip((t - 10.0) / (T_MECO - 10.0), 0.0, 1.0)) * 60.0)
        ax, az = acc * np.sin(th), acc * np.cos(th)
    elif T_BB0 <= t <= T_BB1:                                 # boostback: 25 m/s^2 towards -x
        ax = -25.0 * _ramp(t, T_BB0, T_BB1)
    elif T_EN0 <= t <= T_EN1:                                 # entry burn: 30 m/s^2 retrograde
        f = 30.0 * _ramp(t, T_EN0, T_EN1) / np.hypot(vx, vz)
        ax, az = -f * vx, -f * vz
    g = G0 * (R_EARTH / (R_EARTH + x[1])) ** 2
    return [vx, vz, ax, az - g]


def _simulate(t_end=350.0, dt=0.005):
    knots = [0.0, 10.0, T_MECO, T_MECO + 0.5, T_BB0, T_BB0 + 1, T_BB1 - 1, T_BB1,
             T_EN0, T_EN0 + 1, T_EN1 - 1, T_EN1, t_end]
    x, ts, xs = np.zeros(4), [], []
    for a, b in zip(knots[:-1], knots[1:]):
        sol = solve_ivp(_rhs, (a, b), x, method="DOP853", rtol=1e-10, atol=1e-6, dense_output=True)
        te = np.arange(np.ceil(a / dt) * dt, b, dt)
        ts.append(te)
        xs.append(sol.sol(te).T)
        x = sol.y[:, -1]
    return np.concatenate(ts), np.concatenate(xs)


def test_synthetic_flight_events():
    ts, xs = _simulate()
    v, h = np.hypot(xs[:, 2], xs[:, 3]), xs[:, 1]
    ft = np.arange(0.0, ts[-1], 1.0 / 30.0)
    ft = ft[~(((ft > 50) & (ft < 50.6)) | ((ft > 250) & (ft < 253.6)))]      # two dropouts
    vq = np.floor(np.round(np.interp(ft, ts, v) * 3.6) / 3.6 * 1000.0) / 1000.0
    hf = np.interp(ft, ts, h)
    hq = np.where(hf < 99_950.0, np.round(hf / 100.0) * 100.0, np.round(hf / 1000.0) * 1000.0)
    ev = detect_events(Telemetry(np.round(ft, 3), vq, hq))
    t_apo = ts[np.argmax(h)]
    # truth: cut-off command, ignition and shut-down times; the detector marks the 0.5 g point
    # of 0.5-1 s ramps seen through a 1 s smoothing window: 1 s
    for name, true in [("meco", T_MECO + 0.25), ("boostback_start", T_BB0), ("boostback_end", T_BB1),
                       ("entry_start", T_EN0), ("entry_end", T_EN1)]:
        assert abs(ev[name] - true) <= 1.0, (name, ev[name])
    # apogee: within 3 reported sigma of v_z = 0 in the simulation
    assert abs(ev["apogee"] - t_apo) <= 3.0 * ev.uncertainty_s["apogee"]
    # max q from the true trajectory with the same US76 density
    from rlvsim.earth.atmosphere import atmosphere
    q = 0.5 * atmosphere(h).density_kg_m3 * v ** 2
    assert abs(ev["maxq"] - ts[np.argmax(q)]) <= ev.uncertainty_s["maxq"]
    assert "landing_start" not in ev and "landing_end" not in ev          # no air, no landing


def test_burn_running_at_data_end_has_no_end():
    # cut CRS-11 at 200 s, inside the boostback (webcast: 161-211 s): start yes, end no
    tel = read_telemetry(DATA / "f9_crs11_2017-06-03_rtls.csv")
    m = tel.time_s <= 200.0
    ev = detect_events(Telemetry(tel.time_s[m], tel.speed_m_s[m], tel.altitude_m[m]))
    assert "boostback_start" in ev and "boostback_end" not in ev and "apogee" not in ev
