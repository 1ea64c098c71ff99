"""`rlvsim campaign ...`: `campaign MISSION [options]` (= `campaign run MISSION`) and
`campaign show STORE`.  Only typer is imported here; the work is imported inside the commands."""
from __future__ import annotations

from pathlib import Path
from typing import List, Optional

import typer
from typer.core import TyperGroup

from ..cli_common import echo_json as _echo_json


class CampaignGroup(TyperGroup):
    """`campaign X ...` runs the `run` command unless X names a sub-command (show, run) or asks
    for help: both `campaign MISSION --runs N` and `campaign show STORE` work."""

    def parse_args(self, ctx, args):
        if args and args[0] not in self.commands and args[0] not in ("--help", "-h"):
            args = ["run", *args]
        return super().parse_args(ctx, args)


campaign_app = typer.Typer(cls=CampaignGroup, no_args_is_help=True,
                           help="Monte Carlo campaigns: `campaign MISSION --runs N ...` flies dispersed runs "
                                "(local cores or a Dask cluster) into a resumable store; `campaign show STORE` "
                                "prints the statistics.")


@campaign_app.command("run")
def campaign_run(
        mission: str = typer.Argument(..., help="Built-in mission (zhuque3, zq3-y1, ...) or a mission TOML."),
        runs: int = typer.Option(100, "--runs", help="Number of runs (a larger N extends an existing store)."),
        dispersions: Optional[Path] = typer.Option(None, "--dispersions",
                                                   help="TOML of distributions overriding the vehicle's defaults."),
        fault: Optional[List[str]] = typer.Option(None, "--fault",
                                                  help="KIND:key=value,... e.g. engine_out:delay_s=3,engines=1 "
                                                       "(repeatable)."),
        workers: Optional[int] = typer.Option(None, "--workers",
                                              help="Local worker processes (default: all cores; 0: this process)."),
        scheduler: Optional[str] = typer.Option(None, "--scheduler", help="Existing Dask cluster, tcp://HOST:PORT."),
        store: Optional[Path] = typer.Option(None, "--store", help="Results store (default runs/<mission>-s<seed>)."),
        seed: int = typer.Option(0, "--seed", help="Campaign seed: run k draws from (seed, k) only."),
        scope: str = typer.Option("recovery", "--scope",
                                  help="recovery: separation to touchdown (fast); mission: the whole flight."),
        progress: bool = typer.Option(True, "--progress/--no-progress", help="Progress bar on stderr."),
        as_json: bool = typer.Option(False, "--json", help="Print the statistics as JSON.")):
    """Fly N dispersed runs of MISSION (resumes a store made by the same command)."""
    from .config import build_config
    from .runner import run_campaign
    from .stats import summarize
    cfg = build_config(mission, runs, dispersions=dispersions, faults=fault or (), seed=seed, scope=scope)
    out = store or Path("runs") / f"{cfg.mission.name}-s{seed}"
    st = run_campaign(cfg, out, workers=workers, scheduler=scheduler, progress=progress and not as_json,
                      mission_ref=mission)
    stats = summarize(st)
    stats["session"] = st.session
    if as_json:
        return _echo_json(stats)
    print_stats(stats, st.path)


@campaign_app.command("show")
def campaign_show(store: Path = typer.Argument(..., help="A campaign store directory."),
                  html: Optional[Path] = typer.Option(None, "--html", help="Write an HTML report here."),
                  as_json: bool = typer.Option(False, "--json", help="Print the statistics as JSON.")):
    """Statistics of a campaign store: landing probability, outcomes, causes, ellipse, margins."""
    from ..errors import InputError
    from .stats import summarize
    from .store import Store
    st = Store.open(store)
    stats = summarize(st)
    if html is not None:
        try:
            from ..report.campaign import write_campaign_report
        except ImportError:
            raise InputError("HTML campaign reports need rlvsim.report.campaign") from None
        from .run import replay
        write_campaign_report(stats, st.runs_table(), html, replay=lambda k: replay(st, k))
    if as_json:
        return _echo_json(stats)
    print_stats(stats, st.path)
    if html is not None:
        typer.echo(f"Wrote {html}")


def print_stats(s: dict, path) -> None:
    """Human-readable summary (rich)."""
    from rich.console import Console
    from rich.table import Table
    c = Console()
    lo, hi = s["ci95"]
    c.print(f"[bold]{s['mission']}[/] campaign {s['campaign_id']} ({s['scope']}, seed {s['seed']}) in {path}: "
            f"{s['runs']} of {s['runs_planned']} runs")
    if not s["runs"]:
        return
    c.print(f"landed {s['landed']}/{s['runs']}: P(landing) = {s['landing_probability']:.3f} "
            f"(95 % Wilson {lo:.3f}-{hi:.3f}); errors {s['errors']}")
    t = Table(title="outcomes")
    t.add_column("outcome")
    t.add_column("runs", justify="right")
    for k, v in sorted(s["outcomes"].items(), key=lambda kv: -kv[1]):
        t.add_row(k, str(v))
    c.print(t)
    if s["causes"]:
        t = Table(title="failure causes")
        for col in ("phase", "cause", "runs"):
            t.add_column(col)
        for r in s["causes"][:10]:
            t.add_row(r["phase"], r["cause"], str(r["count"]))
        c.print(t)
    e = s.get("touchdown_ellipse99")
    if e:
        c.print(f"99 % touchdown ellipse ({e['points']} runs, zone {s['zone'].get('name')} radius "
                f"{s['zone'].get('radius_m')} m): centre E {e['centre_east_m']:.1f} m N {e['centre_north_m']:.1f} m, "
                f"semi-axes {e['semi_major_m']:.1f} x {e['semi_minor_m']:.1f} m at {e['angle_deg']:.0f} deg from east")
    p = s.get("propellant_margin_kg")
    if p:
        c.print(f"propellant margin (kg): min {p['min']:.0f}, p1 {p['p1']:.0f}, p5 {p['p5']:.0f}, "
                f"p50 {p['p50']:.0f}, p95 {p['p95']:.0f}")
    sens = [r for r in s.get("sensitivity", []) if r["rho_failure"] is not None][:5]
    if sens:
        t = Table(title="inputs that drive failures (Spearman rank correlation)")
        for col in ("input", "rho failure", "p", "rho miss", "rho margin"):
            t.add_column(col)
        for r in sens:
            t.add_row(r["input"], f"{r['rho_failure']:+.3f}", f"{r['p_failure']:.2g}",
                      "-" if r["rho_miss_distance"] is None else f"{r['rho_miss_distance']:+.3f}",
                      "-" if r["rho_propellant_margin"] is None else f"{r['rho_propellant_margin']:+.3f}")
        c.print(t)
