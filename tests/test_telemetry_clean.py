"""Cleaning: quantisation steps, snapping, dropouts, plateaus, de-duplication, first motion.

References: SOURCES.md (speed printed in whole km/h, altitude in 0.1 km below 100 km and 1 km
above; Iridium-3 starts at t = -0.966 s with altitude 0.2 km; CRS-11 starts at rest at t = 0);
synthetic series whose steps, gaps and plateaus are known by construction.
"""
from pathlib import Path

import numpy as np
import pytest

from rlvsim.telemetry import (Telemetry, clean_telemetry, deduplicate, detect_quantisation,
                              estimate_liftoff, find_dropouts, plateaus, read_telemetry, snap_to_grid,
                              step_per_sample)

DATA = Path(__file__).parent / "data" / "telemetry"
CRS11 = DATA / "f9_crs11_2017-06-03_rtls.csv"
IRIDIUM3 = DATA / "f9_iridium3_2017-10-09_asds.csv"


@pytest.mark.parametrize("path", [CRS11, IRIDIUM3])
def test_quantisation_of_the_webcast_overlay(path):
    tel = read_telemetry(path)
    sv = detect_quantisation(tel.time_s, tel.speed_m_s)
    assert len(sv) == 1 and sv[0].step == pytest.approx(1 / 3.6, rel=1e-12)   # exactly 1 km/h
    sh = detect_quantisation(tel.time_s, tel.altitude_m)
    assert [s.step for s in sh] == [100.0, 1000.0, 100.0]
    # the 1 km segment is exactly the samples reading 100 km or more (SOURCES.md)
    above = tel.altitude_m >= 100_000.0 - 1.0
    assert np.array_equal(np.flatnonzero(above), np.arange(sh[1].i_start, sh[1].i_stop))


def test_fast_series_skipping_levels_is_not_a_coarse_grid():
    # 1 km/h readout climbing exactly 2 levels per frame for 3 s, then a ramp with dwell:
    # every level is even, but nothing ever dwells before a 2-level jump, so the step stays 1.
    t = np.arange(0, 6, 1 / 30)
    k = np.where(t < 3, 2 * np.round(t * 30), 180 + np.round((t - 3) * 12))
    segs = detect_quantisation(t, k / 3.6)
    assert [s.step for s in segs] == [pytest.approx(1 / 3.6)]


def test_coarse_grid_with_offset():
    # altitude ramp read in 100 m, then 1000 m steps, after subtracting a 200 m pad altitude
    t = np.arange(0, 60, 1 / 30)
    h = 95_000 + 400 * t
    hq = np.where(h < 99_950, np.round(h / 100) * 100, np.round(h / 1000) * 1000) - 200
    segs = detect_quantisation(t, hq)
    assert [s.step for s in segs] == [100.0, 1000.0]
    assert segs[1].offset == pytest.approx(-200.0)      # grid 1000 k - 200, by construction


def test_snap_float_export_artefacts():
    tel = read_telemetry(CRS11)
    steps = step_per_sample(detect_quantisation(tel.time_s, tel.altitude_m), len(tel))
    off = np.abs(tel.altitude_m % 100.0) > 1e-9          # e.g. 32299 m for 32.3 km
    h, n, worst = snap_to_grid(tel.altitude_m, steps)
    assert n == np.count_nonzero(off) == 22
    assert np.all(h % 100.0 == 0.0)
    assert worst == pytest.approx(0.01)                 # 1 m of a 100 m step
    np.testing.assert_array_equal(h[~off], tel.altitude_m[~off])


def test_dropouts_and_plateaus_never_span_them():
    t = np.round(np.arange(0, 20, 1 / 30), 3)
    keep = ~(((t > 5) & (t < 5.5)) | ((t > 12) & (t < 15.6)))     # 0.5 s and 3.6 s holes
    t = t[keep]
    x = np.floor(t / 4.0)                                          # plateaus 4 s long
    d = find_dropouts(t)
    assert [round(g.duration_s, 3) for g in d] == [0.5, 3.6]       # 5.0 -> 5.5 and 12.0 -> 15.6 s
    p = plateaus(t, x)
    # plateau [4, 8) is cut by the 5.0-5.533 gap, [12, 16) by the 12-15.6 gap
    assert p.value.tolist() == [0, 1, 1, 2, 3, 3, 4]
    assert p.t_mid_s[0] == pytest.approx(0.5 * (0.0 + 3.967))
    assert np.all(p.t_first_s[1:] > p.t_last_s[:-1])


def test_deduplicate_collapses_joint_repeats_to_mid_time():
    t = np.array([0.0, 0.1, 0.2, 0.3, 0.4, 0.5])
    v = np.array([1.0, 1.0, 1.0, 2.0, 2.0, 2.0])
    h = np.array([5.0, 5.0, 6.0, 6.0, 6.0, 6.0])
    d = deduplicate(Telemetry(t, v, h))
    np.testing.assert_allclose(d.time_s, [0.05, 0.2, 0.4])
    np.testing.assert_array_equal(d.speed_m_s, [1.0, 1.0, 2.0])
    np.testing.assert_array_equal(d.altitude_m, [5.0, 6.0, 6.0])
    assert "deduplicated" in d.notes[-1]


def test_first_motion_and_pad_altitude():
    crs = read_telemetry(CRS11)
    lo = estimate_liftoff(crs)
    assert 0.0 <= lo.time_s <= 0.033                 # first rows: v = 0 at 0.000, 0.277 at 0.033
    ir = read_telemetry(IRIDIUM3)
    lo = estimate_liftoff(ir)
    # already moving (0.277 m/s) at the first sample, -0.966 s; the F9 leaves the pad at
    # 1-3 m/s^2, so first motion is 0.1-0.3 s earlier; allow 0.5 s
    assert -0.966 - 0.5 < lo.time_s < -0.966
    c = clean_telemetry(ir, subtract_pad_altitude=True, shift_time_to_liftoff=True)
    assert c.metadata["pad_altitude_m"] == 200.0     # "altitude starts at 0.2 km" (SOURCES.md)
    assert c.altitude_m[0] == 0.0
    lo_c = c.metadata["liftoff"]                     # estimated on the snapped speeds
    assert lo_c.time_s == pytest.approx(lo.time_s, abs=0.01)
    assert c.time_s[0] == pytest.approx(-0.966 - lo_c.time_s, abs=1e-9)
    assert c.metadata["time_shift_s"] == pytest.approx(-lo_c.time_s, abs=1e-12)


def test_clean_records_every_step_and_keeps_raw():
    raw = read_telemetry(IRIDIUM3)
    before = raw.altitude_m.copy()
    c = clean_telemetry(raw, dedup=True)
    np.testing.assert_array_equal(raw.altitude_m, before)          # input untouched
    text = "\n".join(c.notes)
    for word in ("quantisation step", "snapped", "dropouts", "first motion", "deduplicated"):
        assert word in text
    assert len(c.metadata["dropouts"]) == 7                        # gaps > 0.25 s in the file
    assert max(d.duration_s for d in c.metadata["dropouts"]) == pytest.approx(1.935)
    assert c.metadata["frame_s"] == pytest.approx(1 / 30, rel=0.02)    # 30 fps video
    assert len(c) < len(raw)
