"""The `rlvsim` command: a thin shell over the Python API.  Heavy imports happen inside commands."""
from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Optional

import typer

app = typer.Typer(add_completion=False, no_args_is_help=True, rich_markup_mode="rich",
                  help="rlvsim: fly a reusable launch vehicle in software before it flies for real.")
vehicles_app = typer.Typer(help="The vehicle catalog: list vehicles, show one.", invoke_without_command=True)
app.add_typer(vehicles_app, name="vehicles")
tel_app = typer.Typer(help="Real flights: compare a simulated mission with webcast telemetry, fit it, find anomalies.",
                      no_args_is_help=True)
app.add_typer(tel_app, name="telemetry")
from .campaign.commands import campaign_app  # noqa: E402  (imports typer only)
app.add_typer(campaign_app, name="campaign")
from .economics.cli_app import econ_app  # noqa: E402  (imports typer only)
app.add_typer(econ_app, name="economics")


def _console():
    from rich.console import Console
    return Console()


def _fail(msg: str):
    typer.echo(f"error: {msg}", err=True)
    raise typer.Exit(2)


def _dump(obj):
    typer.echo(json.dumps(obj, indent=2, default=lambda o: getattr(o, "item", lambda: str(o))()))


# ------------------------------------------------------------------------------------ vehicles
@vehicles_app.callback()
def vehicles_list(ctx: typer.Context,
                  as_json: bool = typer.Option(False, "--json", help="Print JSON.")):
    """List the built-in vehicles."""
    if ctx.invoked_subcommand is not None:
        return
    from .vehicles import list_vehicles, load_vehicle
    rows = []
    for name in list_vehicles():
        v = load_vehicle(name)
        rows.append({"name": name, "full_name": v.full_name, "stages": len(v.stages),
                     "liftoff_mass_kg": round(v.liftoff_mass_kg(0.0))})
    if as_json:
        return _dump(rows)
    from rich.table import Table
    t = Table(title="Built-in vehicles")
    for c in ("name", "full name", "stages", "mass without payload (t)"):
        t.add_column(c)
    for r in rows:
        t.add_row(r["name"], r["full_name"], str(r["stages"]), f"{r['liftoff_mass_kg'] / 1e3:.1f}")
    _console().print(t)


@vehicles_app.command("show")
def vehicles_show(name: str = typer.Argument(..., help="Built-in name or a vehicle TOML path."),
                  as_json: bool = typer.Option(False, "--json", help="Print JSON.")):
    """Show one vehicle: stages, masses, engines, and where each number comes from."""
    from .vehicles import load_vehicle, vehicle_summary
    s = vehicle_summary(load_vehicle(name))
    if as_json:
        return _dump(s)
    from .report.text import print_vehicle
    print_vehicle(_console(), s)


# ------------------------------------------------------------------------------------ fly
@app.command()
def fly(mission: str = typer.Argument(..., help="Built-in mission (zhuque3, falcon9, ...) or a mission TOML."),
        out: Optional[Path] = typer.Option(None, "--out",
                                           help="Write summary.json, trajectory.parquet and report.html here."),
        png: bool = typer.Option(False, "--png", help="Also write Matplotlib PNGs of the key plots to --out."),
        as_json: bool = typer.Option(False, "--json", help="Print summary.json to stdout."),
        what_if: Optional[str] = typer.Option(None, "--what-if", help="Fly one of the scenario's what-ifs."),
        fault: Optional[list[str]] = typer.Option(None, "--fault", help="Add a fault: KIND:key=value,... "
                                                  "(e.g. engine_out:phase=landing_burn,delay_s=3); repeatable.")):
    """Fly a whole mission: ascent, staging, upper stage to orbit, and the booster."""
    from .mission import fly as _fly
    if png and out is None:
        _fail("--png: needs --out DIR (the PNGs are written there)")
    if what_if or fault:
        from .mission import load_mission, simulate
        m = load_mission(mission)
        m = m.with_whatif(what_if) if what_if else m
        if fault:
            from .faults.spec import parse_fault_spec
            m = m.model_copy(update={"faults": [*m.faults, *(parse_fault_spec(f) for f in fault)]})
        flight = simulate(m)
    else:
        flight = _fly(mission)
    if out is not None:
        flight.write(out)
        from .report.flight import write_flight_report
        flown = m if (what_if or fault) else mission      # the mission as flown (sites, landing limits)
        write_flight_report(flight, out / "report.html", mission=flown)
        if png:
            from .report.png import write_pngs
            write_pngs(flight, out, mission=flown)
    if as_json:
        return _dump(flight.summary())
    from .report.text import print_flight
    print_flight(_console(), flight.summary(), out)


# ------------------------------------------------------------------------------------ whatif
@app.command()
def whatif(mission: str = typer.Argument(..., help="A failure scenario with what-ifs (e.g. zq3-y1)."),
           only: Optional[list[str]] = typer.Option(None, "--only", help="Fly only these what-ifs (repeatable)."),
           as_json: bool = typer.Option(False, "--json", help="Print JSON.")):
    """Fly a scenario as given and with each of its what-ifs: which would have landed, and why."""
    from .mission import load_mission
    from .mission.whatif import fly_whatifs
    m = load_mission(mission)
    for name in only or []:
        if name != "as-flown":
            m.with_whatif(name)             # one-line error for an unknown name, before flying
    rows = fly_whatifs(m, only or None)
    if as_json:
        return _dump({"mission": m.name, "whatifs": rows})
    from rich.table import Table
    t = Table(title=f"{m.name}: what-ifs")
    for c in ("what-if", "outcome", "touchdown / impact", "propellant left", "why"):
        t.add_column(c, overflow="fold")
    for r in rows:
        t.add_row(r["whatif"], r["outcome"], f"{r['vertical_speed_m_s']:.1f} m/s, {r['miss_distance_m']:.0f} m",
                  f"{r['propellant_remaining_kg']:,.0f} kg", r["why"])
    _console().print(t)


# ------------------------------------------------------------------------------------ payload
@app.command()
def payload(vehicle: str = typer.Argument(..., help="Built-in vehicle or vehicle TOML."),
            orbit_alt_km: float = typer.Option(..., "--orbit-alt-km", help="Circular orbit altitude (km)."),
            inclination_deg: float = typer.Option(..., "--inclination-deg", help="Orbit inclination (deg)."),
            recovery: str = typer.Option("expendable", "--recovery", help="expendable | downrange | rtls"),
            site: Optional[str] = typer.Option(None, "--site", help="Launch site (default: the vehicle's)."),
            as_json: bool = typer.Option(False, "--json", help="Print JSON.")):
    """Largest payload that still reaches the orbit, with the booster's recovery reserve."""
    from .mission.payload import max_payload
    res = max_payload(vehicle, orbit_alt_km=orbit_alt_km, inclination_deg=inclination_deg,
                      recovery=recovery, site=site)
    if as_json:
        return _dump(res)
    c = _console()
    c.print(f"[bold]{res['vehicle']}[/]: {res['payload_kg']:,.0f} kg to {orbit_alt_km:g} km, "
            f"{inclination_deg:g} deg ({res['recovery']}) from {res['site']}")
    for k, v in res.items():
        if k not in ("vehicle", "payload_kg", "recovery", "site"):
            c.print(f"  {k}: {v}")


# ------------------------------------------------------------------------------------ check-case
@app.command("check-case")
def check_case(case: Path = typer.Argument(..., help="A NESC-schema case.toml."),
               out: Path = typer.Option(..., "--out", help="Result CSV (reference columns)."),
               as_json: bool = typer.Option(False, "--json", help="Print the comparison as JSON.")):
    """Run a NASA NESC point-mass check case and write the reference columns."""
    from .flight.checkcase import compare_to_references, run_case_file
    res = run_case_file(case)
    res.write_csv(out)
    cmp = compare_to_references(res, case)
    if as_json:
        return _dump(cmp)
    c = _console()
    c.print(f"{res.name}: {len(res.table['time_s'])} rows -> {out}")
    for tool, d in cmp.items():
        c.print(f"  vs {tool}: altitude {d['altitude_m_max']:.4g} m, ground {d['ground_m_max']:.4g} m, "
                f"velocity {d['velocity_m_s_max']:.4g} m/s (max over the run)")


# ------------------------------------------------------------------------------------ telemetry
@tel_app.command("compare")
def tel_compare(csv: Path = typer.Argument(..., help="Telemetry CSV (time_s, velocity_m_s, altitude_m) or JSON."),
                mission: str = typer.Option(..., "--mission", help="Mission to fly (name or TOML)."),
                events: Optional[Path] = typer.Option(None, "--events", help="events.csv (default: beside the CSV)."),
                html: Optional[Path] = typer.Option(None, "--html", help="Write an overlay report (HTML) here."),
                as_json: bool = typer.Option(False, "--json", help="Print JSON.")):
    """Fly MISSION and compare it with the telemetry: residuals per phase, event timing."""
    from .mission import fly as _fly
    from .telemetry import read_events, read_telemetry
    from .telemetry.compare import compare
    tel = read_telemetry(csv)
    ev_file = events or (csv.parent / "events.csv")
    web = read_events(ev_file, csv.stem) if ev_file.exists() else None
    flight = _fly(mission)
    result = compare(flight, tel, web)
    if html is not None:
        from .report.telemetry import write_telemetry_report
        write_telemetry_report(flight, tel, result, html, web)
        if not as_json:
            typer.echo(f"Wrote {html}")
    _show(result, as_json)


@tel_app.command("fit")
def tel_fit(csv: Path = typer.Argument(..., help="Telemetry CSV (time_s, velocity_m_s, altitude_m) or JSON."),
            mission: str = typer.Option(..., "--mission", help="Mission to start from (name or TOML)."),
            out: Path = typer.Option(..., "--out", help="Fitted mission file to write (TOML)."),
            events: Optional[Path] = typer.Option(None, "--events", help="events.csv (default: beside the CSV)."),
            as_json: bool = typer.Option(False, "--json", help="Print JSON.")):
    """Fit MISSION's unknown knobs to the telemetry (least squares) and write the fitted mission."""
    from .mission import load_mission
    from .telemetry import read_events, read_telemetry
    from .errors import InputError
    from .telemetry.fit import fit_mission
    tel = read_telemetry(csv)
    web = None
    if events is not None:
        web = read_events(events, csv.stem)
    elif (csv.parent / "events.csv").exists():
        try:                   # an events.csv beside the data that does not list this file: no events
            web = read_events(csv.parent / "events.csv", csv.stem)
        except InputError:
            web = None
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
                as_json: bool = typer.Option(False, "--json", help="Print JSON.")):
    """Find where the observed flight first departs from MISSION's predicted one (CUSUM), and its phase."""
    from .mission import fly as _fly
    from .telemetry import read_telemetry
    from .telemetry.anomaly import detect_anomaly
    res = detect_anomaly(read_telemetry(csv), _fly(mission)).to_dict()
    if as_json:
        return _dump(res)
    if res["anomaly_detected"]:
        typer.echo(f"departure from the prediction at T+{res['onset_time_s']:.1f} s (phase {res['phase']}, "
                   f"{res['channel']} {res['direction']} the prediction; alarm at T+{res['alarm_time_s']:.1f} s)")
    else:
        typer.echo("no departure from the prediction beyond the telemetry's noise")
    _show(res, False)


def _show(data, as_json):
    if as_json:
        return _dump(data)
    from rich.pretty import Pretty
    _console().print(Pretty(data, expand_all=False, max_length=12))


def main():
    """Entry point: user errors print one line and exit 2, never a traceback."""
    from .errors import RlvsimError
    try:
        rc = app(standalone_mode=False)
        sys.exit(rc if isinstance(rc, int) else 0)
    except RlvsimError as exc:
        typer.echo(f"error: {exc}", err=True)
        sys.exit(2)
    except typer.Exit as exc:
        sys.exit(exc.exit_code)
    except typer.Abort:
        sys.exit(130)
    except Exception as exc:  # click usage errors
        import click
        if isinstance(exc, click.ClickException):
            exc.show()
            sys.exit(2)
        raise


if __name__ == "__main__":
    main()
