"""`rlvsim telemetry compare|anomaly` for people: the tables carry the --json result's figures."""
import json
from pathlib import Path

from typer.testing import CliRunner

from rlvsim.cli import app

CSV = str(Path(__file__).parent / "data" / "telemetry" / "f9_crs11_2017-06-03_rtls.csv")
RUN = CliRunner()


def test_compare_tables_show_the_json_figures():
    res = json.loads(RUN.invoke(app, ["telemetry", "compare", CSV, "--mission", "falcon9-rtls", "--json"]).output)
    r = RUN.invoke(app, ["telemetry", "compare", CSV, "--mission", "falcon9-rtls"], env={"COLUMNS": "160"})
    assert r.exit_code == 0, r.output
    assert f"{res['samples_compared']:,}" in r.output
    assert f"{res['altitude_rms_m']:,.0f} m" in r.output and f"{res['speed_rms_m_s']:,.1f} m/s" in r.output
    for name, err in res["event_time_errors_vs_webcast_s"].items():
        assert name in r.output and f"{err:+.1f}" in r.output
    for phase in res["per_phase"]:
        assert phase in r.output


def test_anomaly_table_lists_every_channel_against_the_threshold():
    res = json.loads(RUN.invoke(app, ["telemetry", "anomaly", CSV, "--mission", "falcon9-rtls", "--json"]).output)
    r = RUN.invoke(app, ["telemetry", "anomaly", CSV, "--mission", "falcon9-rtls"], env={"COLUMNS": "160"})
    assert r.exit_code == 0, r.output
    for ch, peak in res["peak_cusum_by_channel"].items():
        assert ch in r.output and f"{peak:.2f} / {res['cusum_threshold']:.2f}" in r.output


def test_another_csv_through_columns_and_units(tmp_path):
    """A CSV with other column names and units (min, ft, km/h) read through --columns/--units
    gives the same comparison as the rlvsim CSV it was converted from (1 min = 60 s,
    1 ft = 0.3048 m, 1 km/h = 1/3.6 m/s exactly; printed to 9 significant digits)."""
    import csv as _csv
    rows = list(_csv.DictReader(open(CSV)))
    other = tmp_path / "other.csv"
    with open(other, "w", newline="") as f:
        w = _csv.writer(f)
        w.writerow(["T", "V", "H"])
        for r in rows:
            w.writerow([f"{float(r['time_s']) / 60:.9g}", f"{float(r['velocity_m_s']) * 3.6:.9g}",
                        f"{float(r['altitude_m']) / 0.3048:.9g}"])
    ref = json.loads(RUN.invoke(app, ["telemetry", "compare", CSV, "--mission", "falcon9-rtls", "--json",
                                      "--events", str(Path(CSV).parent / "events.csv")]).output)
    r = RUN.invoke(app, ["telemetry", "compare", str(other), "--mission", "falcon9-rtls", "--json",
                         "--columns", "time_s=T,speed_m_s=V,altitude_m=H", "--units", "T=min,V=km/h,H=ft"])
    assert r.exit_code == 0, r.output
    got = json.loads(r.output)
    assert got["samples_compared"] == ref["samples_compared"]
    assert abs(got["altitude_rms_m"] - ref["altitude_rms_m"]) < 1e-3 * ref["altitude_rms_m"]
    assert abs(got["speed_rms_m_s"] - ref["speed_rms_m_s"]) < 1e-3 * ref["speed_rms_m_s"]
    bad = RUN.invoke(app, ["telemetry", "compare", str(other), "--mission", "falcon9-rtls", "--columns", "T"])
    assert "NAME=VALUE" in str(bad.exception)
