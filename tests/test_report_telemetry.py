"""Telemetry overlay report: compare()'s numbers on the page, the real and simulated curves drawn."""
from pathlib import Path

import numpy as np
import pytest

DATA = Path(__file__).parent / "data" / "telemetry"


@pytest.fixture(scope="module")
def overlay(tmp_path_factory):
    from rlvsim.mission import fly
    from rlvsim.report.telemetry import overlay_figure, write_telemetry_report
    from rlvsim.telemetry import read_events, read_telemetry
    from rlvsim.telemetry.compare import compare
    csv = DATA / "f9_crs11_2017-06-03_rtls.csv"
    tel = read_telemetry(csv)
    web = read_events(DATA / "events.csv", csv.stem)
    flight = fly("falcon9-rtls")
    res = compare(flight, tel, web)
    p = write_telemetry_report(flight, tel, res, tmp_path_factory.mktemp("tel") / "overlay.html", web)
    return tel, res, p.read_text(), overlay_figure(flight, tel, res, web)


def test_page_numbers_are_compare_results(overlay):
    _, res, html, _ = overlay
    for k in ("altitude_rms_m", "speed_rms_m_s", "samples_compared"):
        assert f">{res[k]!r}<" in html
    for ph, d in res["per_phase"].items():
        assert f"<td>{ph}</td>" in html and f">{d['altitude_rms_m']!r}<" in html
    for name, err in res["event_time_errors_s"].items():
        assert f"<td>{name}</td>" in html and f">{err!r}<" in html


def test_curves_are_the_telemetry(overlay):
    """The telemetry curve is the file's samples (decimated for drawing, never altered)."""
    tel, _, _, fig = overlay
    real = next(t for t in fig["data"] if t["name"] == "telemetry")
    k = int(round(len(tel) / len(real["x"])))
    assert np.array_equal(real["x"], tel.time_s[::k])
    assert np.allclose(real["y"], tel.altitude_m[::k] / 1e3, rtol=0, atol=1e-9)   # m -> km only
    assert len(real["x"]) <= 4000                      # drawn points are bounded for the browser


def test_cli_html_option(tmp_path):
    from typer.testing import CliRunner
    from rlvsim.cli import app
    out = tmp_path / "o.html"
    res = CliRunner().invoke(app, ["telemetry", "compare", str(DATA / "f9_iridium3_2017-10-09_asds.csv"),
                                   "--mission", "falcon9-droneship", "--html", str(out), "--json"])
    assert res.exit_code == 0, res.output
    assert out.stat().st_size > 1e6 and "Plotly.newPlot(" in out.read_text()
