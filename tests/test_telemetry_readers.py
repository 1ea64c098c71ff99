"""Telemetry readers: the three input formats, unit conversion and one-line rejections.

References: the row counts, time spans and last rows of the two flight files are those printed in
tests/data/telemetry/SOURCES.md; unit factors are the exact definitions (1 km/h = 1/3.6 m/s,
1 ft = 0.3048 m, 1 mph = 0.44704 m/s: NIST SP 811, appendix B); the origin JSON stores altitude
in km and the CSV in m (SOURCES.md: "multiplied by 1000").
"""
import csv
import json
from pathlib import Path

import numpy as np
import pytest

from rlvsim.errors import InputError
from rlvsim.telemetry import Telemetry, read_events, read_telemetry

DATA = Path(__file__).parent / "data" / "telemetry"
CRS11 = DATA / "f9_crs11_2017-06-03_rtls.csv"
IRIDIUM3 = DATA / "f9_iridium3_2017-10-09_asds.csv"


def test_flight_files_match_sources_table():
    crs = read_telemetry(CRS11)
    ir = read_telemetry(IRIDIUM3)
    assert isinstance(crs, Telemetry)
    # SOURCES.md table: rows (header excluded), time span, last row
    assert len(crs) == 13489 and len(ir) == 11844
    assert crs.time_s[0] == 0.0 and crs.time_s[-1] == pytest.approx(464.6, abs=0.05)   # printed to 0.1 s
    assert ir.time_s[0] == pytest.approx(-0.97, abs=0.005) and ir.time_s[-1] == pytest.approx(417.5, abs=0.05)
    assert crs.speed_m_s[-1] == 0.0 and crs.altitude_m[-1] == 0.0                       # "v=0, h=0 (touchdown)"
    assert ir.speed_m_s[-1] == pytest.approx(253, abs=0.5)                              # "v=253 m/s" (rounded)
    assert ir.altitude_m[-1] == pytest.approx(2600.0)                                   # "h=2.6 km"
    assert crs.stage == 1 and ir.stage == 1
    for tel in (crs, ir):
        assert tel.time_s.dtype == np.float64 and np.all(np.diff(tel.time_s) > 0)
        assert tel.source is not None and tel.notes


def test_origin_json_altitude_in_km(tmp_path):
    # The CSV is the origin JSON re-exported with altitude x 1000: write the first rows back in
    # the origin format and read them again; they must agree exactly (to float rounding).
    crs = read_telemetry(CRS11)
    n = 400
    obj = {"time": crs.time_s[:n].tolist(), "velocity": crs.speed_m_s[:n].tolist(),
           "altitude": (crs.altitude_m[:n] / 1000.0).tolist()}
    p = tmp_path / "stage1 raw.json"
    p.write_text(json.dumps(obj))
    js = read_telemetry(p)
    np.testing.assert_allclose(js.time_s, crs.time_s[:n], rtol=0, atol=0)
    np.testing.assert_allclose(js.speed_m_s, crs.speed_m_s[:n], rtol=0, atol=0)
    np.testing.assert_allclose(js.altitude_m, crs.altitude_m[:n], rtol=1e-12, atol=1e-9)  # /1000*1000 rounding


def _write_csv(path, header, rows):
    with open(path, "w", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(header)
        w.writerows(rows)
    return path


def test_generic_csv_with_mapping_and_units(tmp_path):
    p = _write_csv(tmp_path / "x.csv", ["t", "v_kmh", "alt_km", "note"],
                   [[0, 0, 0.1, "a"], [1, 36, 0.2, "b"], [2, 360, 1.5, "c"]])
    tel = read_telemetry(p, mapping={"time_s": "t", "speed_m_s": "v_kmh", "altitude_m": "alt_km"},
                         units={"v_kmh": "km/h", "alt_km": "km"})
    np.testing.assert_allclose(tel.speed_m_s, [0.0, 10.0, 100.0], rtol=1e-15)   # exact: x / 3.6
    np.testing.assert_allclose(tel.altitude_m, [100.0, 200.0, 1500.0], rtol=1e-15)
    assert tel.stage is None


@pytest.mark.parametrize("unit_v, unit_h, v_si, h_si", [
    ("ft/s", "ft", 0.3048, 0.3048),      # international foot, exact
    ("mph", "m", 0.44704, 1.0),          # statute mile per hour, exact
    ("m/s", "km", 1.0, 1000.0),
])
def test_unit_factors(tmp_path, unit_v, unit_h, v_si, h_si):
    p = _write_csv(tmp_path / "u.csv", ["time", "spd", "alt"], [[0, 1, 1], [1, 100, 100]])
    tel = read_telemetry(p, mapping={"time_s": "time", "speed_m_s": "spd", "altitude_m": "alt"},
                         units={"spd": unit_v, "alt": unit_h, "time": "s"})
    np.testing.assert_allclose(tel.speed_m_s, [v_si, 100 * v_si], rtol=1e-15)   # exact definitions
    np.testing.assert_allclose(tel.altitude_m, [h_si, 100 * h_si], rtol=1e-15)


def _one_line_error(path, match, **kw):
    with pytest.raises(InputError) as exc:
        read_telemetry(path, **kw)
    msg = str(exc.value)
    assert "\n" not in msg and str(path) in msg
    for m in match:
        assert m in msg, msg
    return msg


def test_rejections_are_one_line_and_precise(tmp_path):
    hdr = ["time_s", "velocity_m_s", "altitude_m"]
    # time decreases at the third data row (file line 4)
    p = _write_csv(tmp_path / "dec.csv", hdr, [[0, 0, 0], [1, 1, 0], [0.5, 2, 0], [2, 3, 0]])
    _one_line_error(p, ["'time_s'", "data row 3", "line 4", "decreases"])
    p = _write_csv(tmp_path / "rep.csv", hdr, [[0, 0, 0], [1, 1, 0], [1, 2, 0]])
    _one_line_error(p, ["data row 3", "repeats"])
    p = _write_csv(tmp_path / "miss.csv", ["time_s", "velocity_m_s"], [[0, 0]])
    _one_line_error(p, ["missing column", "'altitude_m'"])
    p = _write_csv(tmp_path / "txt.csv", hdr, [[0, 0, 0], [1, "fast", 0]])
    _one_line_error(p, ["'velocity_m_s'", "data row 2", "'fast'", "not a number"])
    p = _write_csv(tmp_path / "nan.csv", hdr, [[0, 0, 0], [1, "nan", 0]])
    _one_line_error(p, ["'velocity_m_s'", "data row 2", "not finite"])
    p = _write_csv(tmp_path / "gap.csv", hdr, [[0, 0, 0], [1, "", 0]])
    _one_line_error(p, ["data row 2", "empty cell"])
    (tmp_path / "empty.csv").write_text("")
    _one_line_error(tmp_path / "empty.csv", ["empty"])
    p = _write_csv(tmp_path / "hdr.csv", hdr, [])
    _one_line_error(p, ["no data rows"])
    p = _write_csv(tmp_path / "g.csv", ["t", "v", "h"], [[0, 0, 0]])
    m = {"time_s": "t", "speed_m_s": "v", "altitude_m": "h"}
    _one_line_error(p, ["'v'", "unknown unit", "'knots'"], mapping=m, units={"v": "knots"})
    _one_line_error(p, ["'h'", "'km/h'", "length"], mapping=m, units={"h": "km/h"})
    _one_line_error(p, ["'w'", "missing column"], mapping={"time_s": "t", "speed_m_s": "w", "altitude_m": "h"})
    js = tmp_path / "bad.json"
    js.write_text(json.dumps({"time": [0, 1], "velocity": [0, 1]}))
    _one_line_error(js, ["missing key", "'altitude'"])
    js.write_text(json.dumps({"time": [0.0, -0.966], "velocity": [0, 0.28], "altitude": [0.2, 0.2]}))
    _one_line_error(js, ["index 1", "decreases"])    # the origin Iridium-3 file's first two samples


def test_read_events():
    ev = read_events(DATA / "events.csv", "f9_crs11_2017-06-03_rtls")
    # values as listed in events.csv (rounded to whole seconds by the origin author)
    assert ev["meco"] == 145.0 and ev["landing_end"] == 462.0 and ev["ses1"] is None
    ir = read_events(DATA / "events.csv", "f9_iridium3_2017-10-09_asds")
    assert ir["apogee"] == 232.0 and ir["landing_end"] is None and ir["throttle_down_start"] is None
    with pytest.raises(InputError, match="no rows with file"):
        read_events(DATA / "events.csv", "f9_nonexistent")
