"""`rlvsim economics ...`: cost, constellation, reliability, budget.  Only typer is imported at
start-up; each command imports its work.  Output: Rich tables, or the same result as --json;
--html FILE writes a self-contained report page, --png FILE a Matplotlib picture."""
from __future__ import annotations

from pathlib import Path
from typing import Optional

import typer

from ..cli_common import activity as _activity, echo_json

econ_app = typer.Typer(help="What reuse is worth: launch cost, constellations, reliability growth, test budget.",
                       no_args_is_help=True)

HTML = typer.Option(None, "--html", help="Also write a self-contained HTML report page to this file.")
PNG = typer.Option(None, "--png", help="Also write the plot as a PNG to this file.")
JSON = typer.Option(False, "--json", help="Print the result as JSON (for scripts).")
PROGRESS = typer.Option(True, "--progress/--no-progress", help="Progress bar on stderr while payloads are flown "
                        "(terminal only, never with --json).")


def _floats(text: str, what: str) -> list[float]:
    from ..errors import InputError
    try:
        vals = [float(x) for x in text.split(",") if x.strip()]
    except ValueError:
        raise InputError(f"{what} = {text!r}: give comma-separated numbers, e.g. 1,2,4,8") from None
    if not vals or any(v <= 0 for v in vals):
        raise InputError(f"{what} = {text!r}: give one or more numbers > 0")
    return vals


def _payload_fn(fly_orbit: bool, activity=None):
    """max_payload (the flight core's payload search, 5-40 s a mode) when an orbit is flown, each
    call shown as a step of ``activity``; None: the payloads cited in the assumptions files."""
    if not fly_orbit:
        return None
    from ..mission.payload import max_payload
    if activity is None:
        return max_payload

    def flown(vehicle, **kw):
        activity.note(f"{vehicle} {kw.get('recovery', '')}: flying the payload search")
        try:
            return max_payload(vehicle, **kw)
        finally:
            activity.advance()
    return flown


def _emit(kind: str, res: dict, as_json: bool, html: Optional[Path], png: Optional[Path]) -> None:
    """Write the optional files, then print JSON or the tables (the file paths go in both)."""
    if html is not None:
        from ..report.economics import write_economics_report
        res["html"] = str(write_economics_report(kind, res, html))
    if png is not None:
        res["png"] = str(_png(kind, res, png))
    if as_json:
        echo_json(res)
        return
    from rich.console import Console

    from .views import RENDER
    con = Console()
    for t in RENDER[kind](res):
        con.print(t)
    for key in ("html", "png"):
        if key in res:
            con.print(f"{key}: {res[key]}")


def _png(kind: str, res: dict, path: Path) -> Path:
    from . import plots
    if kind == "cost":
        return plots.plot_cost_per_kg(res["modes"], path, title=f"Expected cost per kg: {res['vehicle']}")
    if kind == "reliability":
        return plots.plot_reliability_curve(res["curve"], path, res.get("prediction"))
    if kind == "budget":
        return plots.plot_budget(res, path)
    if "sweep" not in res:
        from ..errors import InputError
        raise InputError("--png: the constellation picture is the fleet/cadence sweep: add --sweep")
    return plots.plot_deployment(res["sweep"], path)


@econ_app.command("cost")
def econ_cost(vehicle: str = typer.Argument(..., help="Vehicle name (its assumptions file)."),
              recovery: Optional[str] = typer.Option(None, "--recovery", help="One mode; default: compare all."),
              landing_probability: Optional[float] = typer.Option(None, "--landing-probability", min=0, max=1,
                                                                  help="P(booster lands) (default: the assumptions "
                                                                       "file's)."),
              campaign: Optional[Path] = typer.Option(None, "--campaign", help="Landing probability from this "
                                                      "campaign store (with its 95 % interval)."),
              assumptions: Optional[Path] = typer.Option(None, "--assumptions", help="Assumptions TOML."),
              payload_kg: Optional[float] = typer.Option(None, "--payload-kg", help="Payload (default: cited or flown)."),
              orbit_alt_km: Optional[float] = typer.Option(None, "--orbit-alt-km", help="Fly the payload to this orbit."),
              inclination_deg: Optional[float] = typer.Option(None, "--inclination-deg",
                                                              help="Orbit inclination for the flown payload."),
              as_json: bool = JSON, html: Optional[Path] = HTML, png: Optional[Path] = PNG,
              progress: bool = PROGRESS):
    """Cost per launch and per kg with reuse (expected boosters lost from the landing probability)."""
    from ..errors import InputError
    from .cost import cost_report
    fly_orbit = orbit_alt_km is not None and inclination_deg is not None
    a_path = str(assumptions) if assumptions else None
    if campaign is not None:
        if landing_probability is not None:
            raise InputError("give --landing-probability or --campaign, not both")
        from .campaign_link import cost_with_campaign
        with _activity("payload", progress and fly_orbit, as_json) as act:
            res = cost_with_campaign(vehicle, campaign, recovery, lambda p, mode: cost_report(
                vehicle, mode, p, a_path, payload_kg, orbit_alt_km, inclination_deg, _payload_fn(fly_orbit, act)))
    else:
        with _activity("payload", progress and fly_orbit, as_json) as act:
            res = cost_report(vehicle, recovery, landing_probability, a_path, payload_kg, orbit_alt_km,
                              inclination_deg, _payload_fn(fly_orbit, act))
    _emit("cost", res, as_json, html, png)


@econ_app.command("constellation")
def econ_constellation(vehicle: str = typer.Option(..., "--vehicle", help="Vehicle, or 'all' to compare the "
                                                   "catalog's vehicles on the same constellation."),
                       satellites: Optional[int] = typer.Option(None, "--satellites",
                                                                help="Satellites to deploy (or --preset)."),
                       satellite_mass_kg: Optional[float] = typer.Option(None, "--satellite-mass-kg",
                                                                         help="Mass of one satellite (kg)."),
                       orbit_alt_km: Optional[float] = typer.Option(None, "--orbit-alt-km",
                                                                    help="Circular orbit altitude (km)."),
                       inclination_deg: Optional[float] = typer.Option(None, "--inclination-deg",
                                                                       help="Orbit inclination (deg)."),
                       recovery: Optional[str] = typer.Option(None, "--recovery",
                                                              help="Recovery mode (default: the vehicle's first "
                                                                   "reusable mode)."),
                       boosters: Optional[int] = typer.Option(None, "--boosters", help="Boosters in the fleet (4)."),
                       cadence_per_year: Optional[float] = typer.Option(None, "--cadence-per-year",
                                                                        help="Most launches a year (24)."),
                       campaign: Optional[Path] = typer.Option(None, "--campaign",
                                                               help="Landing probability from a campaign store."),
                       preset: Optional[str] = typer.Option(None, "--preset", help="guowang | qianfan | ..."),
                       fly: bool = typer.Option(False, "--fly", help="Payload from a flown ascent (slower)."),
                       sweep: bool = typer.Option(False, "--sweep", help="Also sweep fleet size x cadence."),
                       fleets: str = typer.Option("1,2,4,8,16", "--fleets", help="Fleet sizes of the sweep."),
                       cadences: str = typer.Option("12,24,48,96", "--cadences", help="Cadences (per year) of the sweep."),
                       compare: bool = typer.Option(False, "--compare", help="Also plan it on every catalog vehicle."),
                       as_json: bool = JSON, html: Optional[Path] = HTML, png: Optional[Path] = PNG,
                       progress: bool = PROGRESS):
    """Deploy a constellation: satellites per launch, launches, boosters built and lost, years, cost."""
    from .assumptions import list_assumptions
    from .constellation import compare_vehicles, plan_constellation, plan_with_sweep
    kw = {k: v for k, v in (("boosters", boosters), ("cadence_per_year", cadence_per_year)) if v is not None}
    act = _activity("payload", progress and fly, as_json)
    plan_kw = dict(satellites=satellites, satellite_mass_kg=satellite_mass_kg, orbit_alt_km=orbit_alt_km,
                   inclination_deg=inclination_deg, recovery=recovery, preset_name=preset,
                   payload_fn=_payload_fn(fly, act))
    camp = None
    if campaign is not None:
        from .campaign_link import campaign_landing
        camp = campaign_landing(campaign, vehicle, recovery)
        kw["landing_probability"] = camp["landing_probability"]
    if vehicle == "all":
        vehicle, compare = list_assumptions()[0], True
        if "zhuque3" in list_assumptions():
            vehicle = "zhuque3"
    fleet_list, cadence_list = _floats(fleets, "--fleets"), _floats(cadences, "--cadences")
    with act:
        res = plan_constellation(vehicle, **plan_kw, **kw)
        if compare:
            res["vehicles"] = compare_vehicles(list_assumptions(), **plan_kw,
                                               **{k: v for k, v in kw.items() if k != "landing_probability"})
    if camp is not None:
        res["landing_probability_source"] = camp
    if sweep:
        res["sweep"] = plan_with_sweep(res, [int(x) for x in fleet_list], cadence_list)
    _emit("constellation", res, as_json, html, png)


@econ_app.command("reliability")
def econ_reliability(attempts: Optional[str] = typer.Argument(None, help="Attempts CSV, or a vehicle with a built-in "
                                                               "history: falcon9 (default, 2013-2020), zhuque3, "
                                                               "longmarch12a."),
                     prior_weight: Optional[float] = typer.Option(None, "--prior-weight", min=0.0, max=1.0,
                                                                  help="Falcon 9's history as a power prior of this "
                                                                       "weight for the learning curve (new vehicles)."),
                     fit_until: Optional[str] = typer.Option(None, "--fit-until", help="Fit attempts up to this ISO date."),
                     predict_year: Optional[int] = typer.Option(None, "--predict-year",
                                                                help="Predict this year's attempts next to the observed rate."),
                     target_reliability: float = typer.Option(0.9, "--target-reliability", min=0.0, max=1.0,
                                                              help="Reliability for 'attempts to reach'."),
                     as_json: bool = JSON, html: Optional[Path] = HTML, png: Optional[Path] = PNG):
    """Reliability growth of landings: Crow-AMSAA and a Bayesian learning curve, with bounds."""
    from .commands import reliability_report
    _emit("reliability", reliability_report(attempts, fit_until, predict_year, target_reliability=target_reliability,
                                            prior_weight=prior_weight), as_json, html, png)


@econ_app.command("budget")
def econ_budget(budget_usd: float = typer.Option(..., "--budget-usd", help="Money for test flights (USD)."),
                cost_per_flight_usd: float = typer.Option(..., "--cost-per-flight-usd",
                                                          help="Cost of one test flight (USD)."),
                attempts: Optional[Path] = typer.Option(None, "--attempts", help="The vehicle's own attempts so far "
                                                        "(Falcon 9's history as the prior)."),
                landing_probability: Optional[float] = typer.Option(None, "--landing-probability",
                                                                    help="A constant P(landing) instead of learning."),
                target_reliability: float = typer.Option(0.9, "--target-reliability",
                                                         help="Landing reliability the programme aims for."),
                as_json: bool = JSON, html: Optional[Path] = HTML, png: Optional[Path] = PNG):
    """Probability of a first landing, and of a target reliability, before the money runs out."""
    from .commands import budget_report
    _emit("budget", budget_report(budget_usd, cost_per_flight_usd, str(attempts) if attempts else None,
                                  target_reliability, landing_probability=landing_probability), as_json, html, png)
