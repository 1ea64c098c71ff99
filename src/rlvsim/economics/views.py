"""Rich tables of the economics results for people (scripts use --json: the same dicts)."""
from __future__ import annotations

from rich.table import Table


def _usd(v) -> str:
    return "-" if v is None else f"${v / 1e6:,.2f} M" if abs(v) >= 1e6 else f"${v:,.0f}"


def _pct(v) -> str:
    return "-" if v is None else f"{100 * v:.1f} %"


def _interval(iv, fmt=_pct) -> str:
    return "-" if not iv else f"[{fmt(iv[0])}, {fmt(iv[1])}]"


def _kv(title: str, rows) -> Table:
    t = Table(title=title, show_header=False, title_justify="left")
    t.add_column(style="bold")
    t.add_column(justify="right")
    t.add_column(style="dim")
    for r in rows:
        t.add_row(*[str(x) for x in (r + ("",) * (3 - len(r)))])
    return t


def cost_tables(res: dict) -> list[Table]:
    """One column per recovery mode: payload, landing probability, cost components, totals."""
    modes = res["modes"]
    t = Table(title=f"Cost per launch: {res['vehicle']} (expected values, USD)", title_justify="left")
    t.add_column("")
    for m in modes:
        t.add_column(m["recovery"], justify="right")
    ok = [m for m in modes if "error" not in m]

    def row(label, fn):
        t.add_row(label, *[fn(m) if "error" not in m else "-" for m in modes])
    row("payload (kg)", lambda m: f"{m['payload_kg']:,.0f}")
    row("landing probability", lambda m: _pct(m.get("landing_probability")))
    row("flights per booster (expected)", lambda m: f"{m['expected_flights_per_booster']:.2f}")
    keys = list(dict.fromkeys(k for m in ok for k in m["components_usd"]))
    for k in keys:
        row(f"  {k.replace('_', ' ')}", lambda m, k=k: _usd(m["components_usd"].get(k, 0.0)))
    row("[bold]total per launch", lambda m: f"[bold]{_usd(m['total_usd'])}")
    row("[bold]per kg", lambda m: f"[bold]${m['per_kg_usd']:,.0f}")
    out = [t]
    camp = res.get("landing_probability_source")
    if camp:
        out.append(_kv("Landing probability from a campaign", [
            ("store", camp["store"], camp.get("mission", "")),
            ("landed", f"{camp['landed']} of {camp['runs']}", _pct(camp["landing_probability"])),
            ("95 % Wilson interval", _interval(camp["ci95"])),
            ("per kg at the interval's ends", " / ".join(
                "-" if x is None else f"${x:,.0f}" for x in res.get("per_kg_usd_at_ci95", [])))]))
    notes = [(m["recovery"], m["error"]) for m in modes if "error" in m]
    notes += [(m["recovery"], "payload " + m["payload_source"]) for m in ok if m.get("payload_source")]
    if notes:
        out.append(_kv("Notes", [(k, "", v) for k, v in notes]))
    return out


def constellation_tables(res: dict) -> list[Table]:
    out = [_kv(f"Constellation on {res['vehicle']} ({res['recovery']})", [
        ("satellites", f"{res['satellites']:,}", f"{res['satellite_mass_kg']:g} kg each"),
        ("orbit", f"{res.get('orbit_alt_km')} km, {res.get('inclination_deg')} deg"),
        ("payload per launch", f"{res['payload_kg_per_launch']:,.0f} kg", res.get("payload_source", "")),
        ("satellites per launch", res["satellites_per_launch"]),
        ("launches", f"{res['launches']:,}"),
        ("fleet / cadence", f"{res['boosters_in_fleet']} boosters, {res['cadence_per_year']:g}/yr"),
        ("landing probability", _pct(res.get("landing_probability"))),
        ("boosters built / lost (expected)", f"{res['boosters_built_expected']:.1f} / {res['boosters_lost_expected']:.1f}"),
        ("years to the last launch", f"{res['years_to_last_launch']:.1f}", f"limited by {res['limited_by']}"),
        ("launch cost, total", _usd(res.get("launch_cost_total_usd"))),
        ("cost per satellite (launch)", _usd(res.get("cost_per_satellite_usd"))),
    ])]
    sw = res.get("sweep")
    if sw:
        t = Table(title="Years to deploy: fleet size (rows) x maximum cadence per year (columns)", title_justify="left")
        t.add_column("boosters", justify="right")
        for c in sw["cadences"]:
            t.add_column(f"{c:g}/yr", justify="right")
        for b, line in zip(sw["fleet_sizes"], sw["years"]):
            t.add_row(str(b), *[f"{y:.1f}" for y in line])
        out.append(t)
    cmp_ = res.get("vehicles")
    if cmp_:
        t = Table(title="The same constellation on each vehicle", title_justify="left")
        for c in ("vehicle", "mode", "sats/launch", "launches", "years", "boosters built", "cost/satellite"):
            t.add_column(c, justify="right" if c not in ("vehicle", "mode") else "left")
        for r in cmp_:
            if "error" in r:
                t.add_row(r["vehicle"], "-", "-", "-", "-", "-", f"[red]{r['error']}")
            else:
                t.add_row(r["vehicle"], r["recovery"], str(r["satellites_per_launch"]), f"{r['launches']:,}",
                          f"{r['years_to_last_launch']:.1f}", f"{r['boosters_built_expected']:.1f}",
                          _usd(r.get("cost_per_satellite_usd")))
        out.append(t)
    return out


def reliability_tables(res: dict) -> list[Table]:
    d = res["data"]
    out = [_kv("Landing attempts", [
        ("source", d["source"]), ("attempts", d["attempts"], f"{d['first_date']} .. {d['last_date']}"),
        ("successes / failures", f"{d['successes']} / {d['failures']}"), ("success rate", _pct(d["success_rate"]))])]
    t = Table(title="Crow-AMSAA (NHPP power law) fits", title_justify="left")
    for c in ("method", "beta", "beta bounds", "lambda", "P(next attempt lands)", f"attempts to {res['target_reliability']:g}"):
        t.add_column(c, justify="right" if c != "method" else "left")
    for m, f in res["crow_amsaa"].items():
        if "error" in f:
            t.add_row(m, f"[red]{f['error']}", "", "", "", "")
            continue
        t.add_row(m, f"{f['beta']:.3f}", _interval(f.get("beta_bounds"), lambda x: f"{x:.3f}"), f"{f['lambda']:.3f}",
                  _pct(f.get("p_success_next")), str(f.get("attempts_to_target")))
    out.append(t)
    lc, bb = res["learning_curve"], res["beta_bernoulli"]
    out.append(_kv("Bayesian alternatives", [
        (f"learning curve ({lc['model']})", _pct(lc["p_next_mean"]),
         f"next attempt; {lc['credibility']:.0%} band {_interval(lc['p_next_interval'])}; "
         f"attempts to p=0.9: {lc.get('attempts_to_p90')}"),
        (f"beta-Bernoulli (discount {bb['discount']})", _pct(bb["p_next_mean"]),
         f"next attempt; {bb['credibility']:.0%} band {_interval(bb['p_next_interval'])}")]))
    pred = res.get("prediction")
    if pred:
        rows = [("observed", _pct(pred["observed_rate"]), f"{pred['attempts']} attempts in {pred['year']}")]
        for k in ("learning_curve", "crow_amsaa"):
            if k in pred:
                p = pred[k]
                rows.append((f"predicted: {k.replace('_', ' ')}", _pct(p["p_mean"]),
                             f"interval {_interval(p['p_interval'])}"))
        out.append(_kv(f"Prediction for {pred['year']} (fitted until {res.get('fit_until')})", rows))
    return out


def budget_tables(res: dict) -> list[Table]:
    k = res["target_consecutive"]
    return [_kv("Test-program budget", [
        ("model", res["model"]),
        ("budget / cost per flight", f"{_usd(res['budget_usd'])} / {_usd(res['cost_per_flight_usd'])}"),
        ("attempts affordable", res["attempts_affordable"], f"from attempt {res['first_attempt']}"),
        ("P(a first successful landing)", _pct(res["p_first_success"])),
        (f"P({k} landings in a row)", _pct(res[f"p_{k}_consecutive"])),
        (f"P(model reliability >= {res['target_reliability']:g})", _pct(res["p_reliability_reached"]))])]


RENDER = {"cost": cost_tables, "constellation": constellation_tables, "reliability": reliability_tables,
          "budget": budget_tables}
