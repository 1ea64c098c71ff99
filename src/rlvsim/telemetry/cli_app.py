"""`rlvsim telemetry ...`: compare, fit, anomaly.  Only typer is imported at start-up; each
command imports its work.  Output: Rich tables (views.py), or the same result as --json."""
from __future__ import annotations

from pathlib import Path
from typing import Optional

import typer

from ..cli_common import activity as _activity, echo_json as _dump, progress_option

tel_app = typer.Typer(help="Real flights: compare a simulated mission with webcast telemetry, fit it, find anomalies.",
                      no_args_is_help=True)
PROGRESS = progress_option()


COLUMNS = typer.Option(None, "--columns", help="Column names of another CSV: time_s=COL,speed_m_s=COL,"
                       "altitude_m=COL[,stage=COL].")
UNITS = typer.Option(None, "--units", help="Units of those columns: COL=UNIT,... (s, ms, min, m, km, ft, m/s, "
                     "km/h, ft/s, mph).")


def _pairs(text: Optional[str], option: str) -> Optional[dict]:
    """'a=b,c=d' -> {'a': 'b', 'c': 'd'} (None stays None); a malformed pair is a one-line error."""
    if text is None:
        return None
    from ..errors import InputError
    out = {}
    for part in filter(None, (x.strip() for x in text.split(","))):
        key, sep, val = part.partition("=")
        if not sep or not key.strip() or not val.strip():
            raise InputError(f"{option} {text!r}: give NAME=VALUE pairs separated by commas (bad: {part!r})")
        out[key.strip()] = val.strip()
    return out


def _read(csv: Path, columns: Optional[str], units: Optional[str]):
    from . import read_telemetry
    return read_telemetry(csv, mapping=_pairs(columns, "--columns"), units=_pairs(units, "--units"))


def _print(tables) -> None:
    from rich.console import Console
    con = Console()
    for t in tables:
        con.print(t)


@tel_app.command("compare")
def tel_compare(csv: Path = typer.Argument(..., help="Telemetry CSV (time_s, velocity_m_s, altitude_m) or JSON."),
                mission: str = typer.Option(..., "--mission", help="Mission to fly (name or TOML)."),
                events: Optional[Path] = typer.Option(None, "--events", help="events.csv (default: beside the CSV)."),
                html: Optional[Path] = typer.Option(None, "--html", help="Write an overlay report (HTML) here."),
                columns: Optional[str] = COLUMNS, units: Optional[str] = UNITS,
                as_json: bool = typer.Option(False, "--json", help="Print JSON.")):
    """Fly MISSION and compare it with the telemetry: residuals per phase, event timing."""
    from ..mission import fly as _fly
    from . import read_events
    from .compare import compare
    tel = _read(csv, columns, units)
    ev_file = events or (csv.parent / "events.csv")
    web = read_events(ev_file, csv.stem) if ev_file.exists() else None
    flight = _fly(mission)
    result = compare(flight, tel, web)
    if html is not None:
        from ..report.telemetry import write_telemetry_report
        write_telemetry_report(flight, tel, result, html, web)
        if not as_json:
            typer.echo(f"Wrote {html}")
    if as_json:
        return _dump(result)
    from .views import compare_tables
    _print(compare_tables(result))


@tel_app.command("fit")
def tel_fit(csv: Path = typer.Argument(..., help="Telemetry CSV (time_s, velocity_m_s, altitude_m) or JSON."),
            mission: str = typer.Option(..., "--mission", help="Mission to start from (name or TOML)."),
            out: Path = typer.Option(..., "--out", help="Fitted mission file to write (TOML)."),
            events: Optional[Path] = typer.Option(None, "--events", help="events.csv (default: beside the CSV)."),
            columns: Optional[str] = COLUMNS, units: Optional[str] = UNITS,
            as_json: bool = typer.Option(False, "--json", help="Print JSON."),
            progress: bool = PROGRESS):
    """Fit MISSION's unknown knobs to the telemetry (least squares) and write the fitted mission."""
    from ..mission import load_mission
    from . import read_events
    from ..errors import InputError
    from .fit import fit_mission
    tel = _read(csv, columns, units)
    web = None
    if events is not None:
        web = read_events(events, csv.stem)
    elif (csv.parent / "events.csv").exists():
        try:                   # an events.csv beside the data that does not list this file: no events
            web = read_events(csv.parent / "events.csv", csv.stem)
        except InputError:
            web = None
    with _activity("fit", progress, as_json) as act:
        act.note("least squares over simulated flights")
        res = fit_mission(load_mission(mission), tel, web)
    path = res.write_toml(out)
    if as_json:
        return _dump({**res.to_dict(), "written": str(path)})
    for line in res.header():
        typer.echo(line)
    typer.echo(f"simulated flights: {res.flights['total']} "
               f"({', '.join(f'{k} {v}' for k, v in res.flights.items() if k not in ('total', 'seconds'))})")
    typer.echo(f"wrote {path}")


@tel_app.command("anomaly")
def tel_anomaly(csv: Path = typer.Argument(..., help="Telemetry CSV (time_s, velocity_m_s, altitude_m) or JSON."),
                mission: str = typer.Option(..., "--mission", help="Mission predicting the flight (name or TOML)."),
                columns: Optional[str] = COLUMNS, units: Optional[str] = UNITS,
                as_json: bool = typer.Option(False, "--json", help="Print JSON.")):
    """Find where the observed flight first departs from MISSION's predicted one (CUSUM), and its phase."""
    from ..mission import fly as _fly
    from .anomaly import detect_anomaly
    res = detect_anomaly(_read(csv, columns, units), _fly(mission)).to_dict()
    if as_json:
        return _dump(res)
    if res["anomaly_detected"]:
        typer.echo(f"departure from the prediction at T+{res['onset_time_s']:.1f} s (phase {res['phase']}, "
                   f"{res['channel']} {res['direction']} the prediction; alarm at T+{res['alarm_time_s']:.1f} s)")
    else:
        typer.echo("no departure from the prediction beyond the telemetry's noise")
    from .views import anomaly_tables
    _print(anomaly_tables(res))
