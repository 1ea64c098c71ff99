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
