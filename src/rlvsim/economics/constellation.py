"""Constellation deployment: launches, boosters, years and cost to put N satellites up.

Satellites per launch = floor((payload - dispenser) / satellite mass) (optionally capped by a volume
limit); launches = ceil(satellites / per launch).  Time: launch j (0-based) cannot fly before
j * 365.25 / cadence days (pad/range cadence) nor before a booster of the fleet is ready.

Expected-value model (deterministic): after each flight the booster's slot is busy for
    (1 - 1/E) * turnaround_days + (1/E) * booster_replacement_days
where E = (1 - p^L)/(1 - p) is the expected flights per booster, so 1/E is the long-run fraction of
flights that end a booster's career (loss or retirement; renewal-reward argument).  Expected losses
= launches * (1 - p) exactly; boosters built ~ fleet + (launches - fleet)/E.
Monte Carlo (seeded) flies each landing as a Bernoulli trial and counts actual boosters.
"""
from __future__ import annotations

import heapq
import math
import tomllib
from importlib import resources

import numpy as np

from .cost import expected_flights
from ..errors import InputError

DAYS_PER_YEAR = 365.25


def load_presets() -> dict:
    with (resources.files("rlvsim.economics") / "data" / "constellations.toml").open("rb") as fh:
        return tomllib.load(fh)


def preset(name: str) -> dict:
    """Preset values as plain numbers plus their sources."""
    p = load_presets()
    if name not in p:
        raise InputError(f"preset = {name!r}: unknown; built-in: {', '.join(sorted(p))}")
    d = p[name]
    out = {"name": name, "full_name": d.get("full_name", name), "notes": d.get("notes", ""), "sources": {}}
    for k, v in d.items():
        if isinstance(v, dict):
            out[k] = v["value"]
            out["sources"][k] = v["source"]
    return out


def satellites_per_launch(payload_kg: float, satellite_mass_kg: float, dispenser_mass_kg: float | None = None,
                          dispenser_fraction: float = 0.0, max_satellites_per_launch: int | None = None) -> int:
    if satellite_mass_kg <= 0:
        raise InputError(f"satellite_mass_kg = {satellite_mass_kg}: must be > 0")
    if payload_kg <= 0:
        raise InputError(f"payload_kg_per_launch = {payload_kg}: must be > 0")
    if not 0 <= dispenser_fraction < 1:
        raise InputError(f"dispenser_fraction = {dispenser_fraction}: must be in [0, 1)")
    usable = payload_kg - dispenser_mass_kg if dispenser_mass_kg is not None else payload_kg * (1 - dispenser_fraction)
    n = math.floor(usable / satellite_mass_kg + 1e-9)
    if max_satellites_per_launch is not None:
        n = min(n, int(max_satellites_per_launch))
    if n < 1:
        raise InputError(f"satellite_mass_kg = {satellite_mass_kg:g}: heavier than the usable payload "
                         f"{usable:.0f} kg per launch (payload {payload_kg:.0f} kg less the dispenser)")
    return n


def _expected_schedule(launches, boosters, cadence, E, turnaround, replacement):
    gap = DAYS_PER_YEAR / cadence
    busy = (1 - 1 / E) * turnaround + (1 / E) * replacement
    ready = [0.0] * boosters
    heapq.heapify(ready)
    t = 0.0
    for j in range(launches):
        r = heapq.heappop(ready)
        t = max(j * gap, r)
        heapq.heappush(ready, t + busy)
    return t


def _mc_schedule(launches, boosters, cadence, p, life, turnaround, replacement, rng):
    gap = DAYS_PER_YEAR / cadence
    ready = [(0.0, k) for k in range(boosters)]
    flights = [0] * boosters
    fresh = [True] * boosters     # the slot needs a newly built booster before its next flight
    built = lost = 0
    t = 0.0
    for j in range(launches):
        r, k = heapq.heappop(ready)
        t = max(j * gap, r)
        if fresh[k]:
            built += 1
            fresh[k] = False
        flights[k] += 1
        landed = rng.random() < p
        if landed and flights[k] < life:
            heapq.heappush(ready, (t + turnaround, k))
        else:
            lost += 0 if landed else 1
            flights[k] = 0
            fresh[k] = True
            heapq.heappush(ready, (t + replacement, k))
    return t, built, lost


def deploy(satellites: int, satellite_mass_kg: float, payload_kg_per_launch: float,
           dispenser_mass_kg: float | None = None, dispenser_fraction: float = 0.0,
           max_satellites_per_launch: int | None = None, boosters: int = 4, cadence_per_year: float = 24.0,
           landing_probability: float = 0.9, booster_life: int = 10, turnaround_days: float = 30.0,
           booster_replacement_days: float = 90.0, reusable: bool = True,
           cost_per_launch_usd: float | None = None, satellite_cost_usd: float = 0.0,
           monte_carlo_runs: int = 0, seed: int = 0) -> dict:
    """Launches, boosters, years and cost to deploy `satellites` (see the module docstring)."""
    if int(satellites) != satellites or satellites < 1:
        raise InputError(f"satellites = {satellites}: must be a whole number >= 1")
    if boosters < 1 or int(boosters) != boosters:
        raise InputError(f"boosters = {boosters}: must be a whole number >= 1")
    if cadence_per_year <= 0:
        raise InputError(f"cadence_per_year = {cadence_per_year}: must be > 0")
    if turnaround_days < 0 or booster_replacement_days < 0:
        raise InputError("turnaround_days and booster_replacement_days must be >= 0")
    per = satellites_per_launch(payload_kg_per_launch, satellite_mass_kg, dispenser_mass_kg,
                                dispenser_fraction, max_satellites_per_launch)
    n = math.ceil(satellites / per)
    if reusable:
        E = expected_flights(landing_probability, booster_life)
        b_used = min(int(boosters), n)
        built = b_used + (n - b_used) / E
        lost = n * (1 - landing_probability)
        last = _expected_schedule(n, int(boosters), cadence_per_year, E, turnaround_days, booster_replacement_days)
    else:
        E, built, lost = 1.0, float(n), 0.0
        last = (n - 1) * DAYS_PER_YEAR / cadence_per_year
    out = {"satellites": int(satellites), "satellite_mass_kg": satellite_mass_kg,
           "payload_kg_per_launch": payload_kg_per_launch, "satellites_per_launch": per, "launches": n,
           "reusable": reusable, "boosters_in_fleet": int(boosters), "cadence_per_year": cadence_per_year,
           "landing_probability": landing_probability if reusable else None,
           "booster_life": booster_life if reusable else 1, "expected_flights_per_booster": E,
           "boosters_built_expected": built, "boosters_lost_expected": lost,
           "years_to_last_launch": last / DAYS_PER_YEAR,
           "years_if_cadence_only": (n - 1) / cadence_per_year,
           "limited_by": "fleet" if last > (n - 1) * DAYS_PER_YEAR / cadence_per_year + 1e-6 else "cadence"}
    if cost_per_launch_usd is not None:
        total = n * cost_per_launch_usd + satellites * satellite_cost_usd
        out.update({"cost_per_launch_usd": cost_per_launch_usd, "launch_cost_total_usd": n * cost_per_launch_usd,
                    "satellite_cost_total_usd": satellites * satellite_cost_usd, "total_cost_usd": total,
                    "cost_per_satellite_usd": total / satellites})
    if monte_carlo_runs and reusable:
        rng = np.random.default_rng(seed)
        res = np.array([_mc_schedule(n, int(boosters), cadence_per_year, landing_probability, int(booster_life),
                                     turnaround_days, booster_replacement_days, rng)
                        for _ in range(int(monte_carlo_runs))])
        yrs = res[:, 0] / DAYS_PER_YEAR
        out["monte_carlo"] = {"runs": int(monte_carlo_runs), "seed": seed,
                              "years_mean": float(yrs.mean()), "years_p05_p95": np.quantile(yrs, [0.05, 0.95]).tolist(),
                              "boosters_built_mean": float(res[:, 1].mean()),
                              "boosters_built_p05_p95": np.quantile(res[:, 1], [0.05, 0.95]).tolist(),
                              "boosters_lost_mean": float(res[:, 2].mean())}
    return out


def sweep(fleet_sizes, cadences, **deploy_kwargs) -> dict:
    """deploy() over a grid of fleet size x cadence: rows for a table, and years as a 2-D list."""
    rows, years = [], []
    for b in fleet_sizes:
        line = []
        for c in cadences:
            r = deploy(boosters=int(b), cadence_per_year=float(c), **deploy_kwargs)
            rows.append({"boosters": int(b), "cadence_per_year": float(c), "launches": r["launches"],
                         "years_to_last_launch": r["years_to_last_launch"], "limited_by": r["limited_by"],
                         "boosters_built_expected": r["boosters_built_expected"]})
            line.append(r["years_to_last_launch"])
        years.append(line)
    return {"fleet_sizes": [int(b) for b in fleet_sizes], "cadences": [float(c) for c in cadences],
            "years": years, "rows": rows}


def plan_constellation(vehicle: str, satellites: int | None = None, satellite_mass_kg: float | None = None,
                       orbit_alt_km: float | None = None, inclination_deg: float | None = None,
                       recovery: str | None = None, preset_name: str | None = None, payload_fn=None,
                       landing_probability: float | None = None, assumptions=None, **deploy_kwargs) -> dict:
    """`rlvsim economics constellation`: preset or explicit constellation on a vehicle, with the
    payload from payload_fn (e.g. rlvsim.mission.payload.max_payload; it raises InputError for an
    orbit the vehicle cannot reach) or, if None, the payload cited in the cost assumptions."""
    from .assumptions import load_assumptions
    from .cost import launch_cost, published_payload
    pr = preset(preset_name) if preset_name else {}
    satellites = satellites if satellites is not None else pr.get("satellites")
    satellite_mass_kg = satellite_mass_kg if satellite_mass_kg is not None else pr.get("satellite_mass_kg")
    orbit_alt_km = orbit_alt_km if orbit_alt_km is not None else pr.get("orbit_alt_km")
    inclination_deg = inclination_deg if inclination_deg is not None else pr.get("inclination_deg")
    if satellites is None or satellite_mass_kg is None:
        raise InputError("constellation: give --satellites and --satellite-mass-kg, or --preset")
    a = load_assumptions(assumptions if assumptions is not None else vehicle)
    mode = recovery or (a.reusable_modes()[0] if a.reusable_modes() else "expendable")
    if payload_fn is not None:
        if orbit_alt_km is None or inclination_deg is None:
            raise InputError("constellation: give --orbit-alt-km and --inclination-deg (or --preset)")
        payload = float(payload_fn(vehicle, orbit_alt_km=orbit_alt_km, inclination_deg=inclination_deg,
                                   recovery=mode)["payload_kg"])
        src = "payload_fn"
    else:
        payload = published_payload(a, mode)
        src = "cited LEO payload (orbit not modelled): " + a.payload_kg[mode].source
    if payload <= 0:
        raise InputError(f"{vehicle} delivers no payload to {orbit_alt_km} km, {inclination_deg} deg with {mode}")
    p = a.landing_probability.value if landing_probability is None else landing_probability
    cost = launch_cost(a, payload, mode, p)
    deploy_kwargs.setdefault("dispenser_fraction", pr.get("dispenser_fraction", 0.0))
    out = deploy(satellites, satellite_mass_kg, payload, landing_probability=p,
                 booster_life=int(a.booster_life_flights.value), reusable=mode != "expendable",
                 cost_per_launch_usd=cost["total_usd"], **deploy_kwargs)
    out.update({"vehicle": a.vehicle, "recovery": mode, "orbit_alt_km": orbit_alt_km,
                "inclination_deg": inclination_deg, "payload_source": src, "preset": pr or None})
    return out


SWEEP_FLEETS = (1, 2, 4, 8, 16)
SWEEP_CADENCES = (12.0, 24.0, 48.0, 96.0)


def plan_with_sweep(plan: dict, fleet_sizes=SWEEP_FLEETS, cadences=SWEEP_CADENCES) -> dict:
    """The plan's constellation deployed over a grid of fleet size x cadence (same vehicle,
    payload per launch, landing probability and booster life as the plan)."""
    kw = {"satellites": plan["satellites"], "satellite_mass_kg": plan["satellite_mass_kg"],
          "payload_kg_per_launch": plan["payload_kg_per_launch"], "reusable": plan["reusable"],
          "landing_probability": plan["landing_probability"] if plan["reusable"] else 0.0,
          "booster_life": plan["booster_life"], "cost_per_launch_usd": plan.get("cost_per_launch_usd")}
    if (plan.get("preset") or {}).get("dispenser_fraction") is not None:
        kw["dispenser_fraction"] = plan["preset"]["dispenser_fraction"]
    return sweep(fleet_sizes, cadences, **kw)


def compare_vehicles(vehicles, **plan_kwargs) -> list[dict]:
    """The same constellation on each vehicle (plan_constellation per vehicle, each in its first
    reusable mode unless ``recovery`` is given); a vehicle that cannot fly it gives a row with
    ``error`` instead of stopping the comparison."""
    rows = []
    for v in vehicles:
        try:
            rows.append(plan_constellation(v, **plan_kwargs))
        except InputError as exc:
            rows.append({"vehicle": v, "error": str(exc)})
    return rows
