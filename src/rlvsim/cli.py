"""The `rlvsim` command: a thin shell over the Python API.  Heavy imports happen inside commands."""
from __future__ import annotations

import sys
from pathlib import Path
from typing import Optional

import typer

app = typer.Typer(add_completion=False, no_args_is_help=True, rich_markup_mode="rich",
                  help="rlvsim: fly a reusable launch vehicle in software before it flies for real.")
vehicles_app = typer.Typer(help="The vehicle catalog: list vehicles, show one.", invoke_without_command=True)
app.add_typer(vehicles_app, name="vehicles")
from .cli_common import activity as _activity, echo_json as _dump  # noqa: E402
from .cli_common import progress_option as _progress_opt  # noqa: E402
from .campaign.commands import campaign_app  # noqa: E402  (imports typer only)
app.add_typer(campaign_app, name="campaign")
from .economics.cli_app import econ_app  # noqa: E402  (imports typer only)
app.add_typer(econ_app, name="economics")
from .telemetry.cli_app import tel_app  # noqa: E402  (imports typer only)
app.add_typer(tel_app, name="telemetry")


def _console():
    from rich.console import Console
    return Console()


def _fail(msg: str):
    typer.echo(f"error: {msg}", err=True)
    raise typer.Exit(2)


def _check_orbit(orbit_alt_km, inclination_deg):
    """The target-orbit options, checked before any flight (the mission model's own ranges)."""
    if orbit_alt_km is not None and not 80.0 < orbit_alt_km < 100_000.0:
        _fail(f"--orbit-alt-km {orbit_alt_km:g}: must be above 80 km and below 100000 km")
    if inclination_deg is not None and not 0.0 <= inclination_deg <= 180.0:
        _fail(f"--inclination-deg {inclination_deg:g}: must be in 0..180 deg")


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
                                                  "(e.g. engine_out:phase=landing_burn,delay_s=3); repeatable."),
        progress: bool = _progress_opt()):
    """Fly a whole mission: ascent, staging, upper stage to orbit, and the booster."""
    from .mission import fly as _fly
    if png and out is None:
        _fail("--png: needs --out DIR (the PNGs are written there)")
    with _activity("fly", progress, as_json, total=1 + (out is not None) + png) as act:
        act.note(f"flying {mission}")
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
        act.advance(note="writing summary, trajectory and report" if out is not None else "")
        if out is not None:
            flight.write(out)
            from .report.flight import write_flight_report
            flown = m if (what_if or fault) else mission      # the mission as flown (sites, landing limits)
            write_flight_report(flight, out / "report.html", mission=flown)
            act.advance(note="PNGs" if png else "")
            if png:
                from .report.png import write_pngs
                write_pngs(flight, out, mission=flown)
                act.advance()
    if as_json:
        return _dump(flight.summary())
    from .report.text import print_flight
    print_flight(_console(), flight.summary(), out)


# ------------------------------------------------------------------------------------ whatif
@app.command()
def whatif(mission: str = typer.Argument(..., help="A failure scenario with what-ifs (e.g. zq3-y1)."),
           only: Optional[list[str]] = typer.Option(None, "--only", help="Fly only these what-ifs (repeatable)."),
           as_json: bool = typer.Option(False, "--json", help="Print JSON."),
           progress: bool = _progress_opt()):
    """Fly a scenario as given and with each of its what-ifs: which would have landed, and why."""
    from .mission import load_mission
    from .mission.whatif import fly_whatifs, whatif_names
    from .vehicles import load_vehicle
    m = load_mission(mission)
    for name in only or []:
        if name != "as-flown":
            m.with_whatif(name)             # one-line error for an unknown name, before flying
    names, vehicle, rows = list(only or whatif_names(m)), load_vehicle(m.vehicle), []
    with _activity("what-ifs", progress, as_json, total=len(names)) as act:
        for name in names:
            act.note(name)
            rows += fly_whatifs(m, [name], vehicle)
            act.advance()
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
            as_json: bool = typer.Option(False, "--json", help="Print JSON."),
            progress: bool = _progress_opt()):
    """Largest payload that still reaches the orbit, with the booster's recovery reserve (flies the
    ascent a few dozen times: 10-40 s)."""
    _check_orbit(orbit_alt_km, inclination_deg)
    from .mission.payload import max_payload
    with _activity("payload", progress, as_json) as act:
        act.note(f"{vehicle}, {recovery}: flying ascents")
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


def _usage_error_types() -> tuple:
    """Click's usage errors: typer >= 0.26 vendors click (typer.TyperException), older typer uses click's."""
    kinds = []
    for module, name in (("typer", "TyperException"), ("click", "ClickException")):
        try:
            kinds.append(getattr(__import__(module), name))
        except (ImportError, AttributeError):
            pass
    return tuple(kinds)


def _one_line(text: str) -> str:
    return " ".join(str(text).split())


def _usage_line(exc) -> str:
    """'rlvsim fly: Missing argument 'MISSION'. (see `rlvsim fly --help`)'."""
    msg = _one_line(exc.format_message() if hasattr(exc, "format_message") else exc)
    ctx = getattr(exc, "ctx", None)
    path = getattr(ctx, "command_path", None) or "rlvsim"
    return f"{path}: {msg} (see `{path} --help`)"


def _validation_line(exc) -> str:
    """A pydantic ValidationError that reached the top (input the CLI did not check itself)."""
    errs = exc.errors()
    e = errs[0]
    where = ".".join(str(x) for x in e.get("loc", ())) or exc.title
    more = f" (and {len(errs) - 1} more)" if len(errs) > 1 else ""
    return _one_line(f"{where} = {e.get('input')!r}: {e.get('msg')}{more}")


def main():
    """Entry point: user errors print one line and exit 2, never a traceback."""
    from .errors import RlvsimError
    try:
        rc = app(prog_name="rlvsim", standalone_mode=False)
        sys.exit(rc if isinstance(rc, int) else 0)
    except RlvsimError as exc:
        typer.echo(f"error: {exc}", err=True)
        sys.exit(2)
    except typer.Exit as exc:
        sys.exit(exc.exit_code)
    except typer.Abort:
        sys.exit(130)
    except KeyboardInterrupt:
        typer.echo("interrupted", err=True)
        sys.exit(130)
    except Exception as exc:
        if type(exc).__name__ == "NoArgsIsHelpError":     # `rlvsim`, `rlvsim economics` alone: the help
            exc.show()
            sys.exit(0)
        if isinstance(exc, _usage_error_types()):         # bad option, missing argument, bad value
            typer.echo(f"error: {_usage_line(exc)}", err=True)
            sys.exit(2)
        if type(exc).__name__ == "ValidationError" and hasattr(exc, "errors"):
            typer.echo(f"error: {_validation_line(exc)}", err=True)
            sys.exit(2)
        raise


if __name__ == "__main__":
    main()
