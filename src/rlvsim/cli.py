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
        out: Optional[Path] = typer.Option(None, "--out", help="Write summary.json and trajectory.parquet here."),
        as_json: bool = typer.Option(False, "--json", help="Print summary.json to stdout.")):
    """Fly a whole mission: ascent, staging, upper stage to orbit, and the booster."""
    from .mission import fly as _fly
    flight = _fly(mission)
    if out is not None:
        flight.write(out)
    if as_json:
        return _dump(flight.summary())
    from .report.text import print_flight
    print_flight(_console(), flight.summary(), out)


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
