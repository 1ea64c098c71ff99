"""Expected launch cost with booster (and fairing) reuse.

A booster with life L flights that lands each time with probability p flies its (k+1)-th flight only
if its first k landings succeeded (k < L), so the expected number of flights per booster is
    E(p, L) = sum_{k=0}^{L-1} p**k = (1 - p**L) / (1 - p)      (= L for p = 1; = 1 when expended).
Per launch (expected, USD):
    booster      = build / E
    refurbishing = refurbishment_per_reflight * (E - 1) / E     (every flight but a booster's first)
    recovery ops = recovery_ops[mode]                           (paid on every recovery attempt)
    upper stage, propellant, launch site: every launch
    fairing      = fairing_cost / E_f + fairing recovery ops    (E_f from the fairing's own p and life)
Payload is an input (the caller's payload model); per-kg cost = total / payload_kg.
"""
from __future__ import annotations

from .assumptions import Assumptions, check_mode, load_assumptions
from ..errors import InputError


def expected_flights(p: float, life: float) -> float:
    """E(p, L) = (1 - p^L)/(1 - p): expected flights of one booster (p = landing probability)."""
    if not 0 <= p <= 1:
        raise InputError(f"landing_probability = {p}: must be in [0, 1]")
    if life < 1:
        raise InputError(f"booster_life_flights = {life}: must be >= 1")
    L = int(life)
    return float(L) if p == 1 else (1 - p ** L) / (1 - p)


def _as_assumptions(a) -> Assumptions:
    return a if isinstance(a, Assumptions) else load_assumptions(a)


def launch_cost(assumptions, payload_kg: float, recovery_mode: str = "expendable",
                landing_probability: float | None = None, fairing_recovery: bool | None = None) -> dict:
    """Expected cost of one launch and per kg of payload, in USD (and in the file's currency)."""
    a = _as_assumptions(assumptions)
    check_mode(a, recovery_mode)
    if not payload_kg or payload_kg <= 0:
        raise InputError(f"payload_kg = {payload_kg}: must be > 0")
    reuse = recovery_mode != "expendable"
    p = a.landing_probability.value if landing_probability is None else float(landing_probability)
    life = a.booster_life_flights.value
    E = expected_flights(p, life) if reuse else 1.0
    parts = {
        "booster_amortised": a.booster_build_cost.value / E,
        "refurbishment": a.refurbishment_per_reflight.value * (E - 1) / E if reuse else 0.0,
        "recovery_ops": a.recovery_ops[recovery_mode].value if reuse else 0.0,
        "upper_stage": a.upper_stage_build_cost.value,
        "propellant": a.propellant_cost.value,
        "launch_site": a.launch_site_cost.value,
    }
    fr = a.fairing_reuse is not None if fairing_recovery is None else bool(fairing_recovery)
    if fr and a.fairing_reuse is None:
        raise InputError(f"fairing_recovery = true: {a.vehicle} assumptions have no [fairing_reuse] table")
    if fr:
        Ef = expected_flights(a.fairing_reuse.recovery_probability.value, a.fairing_reuse.life_flights.value)
        parts["fairing"] = a.fairing_cost.value / Ef
        parts["fairing_recovery_ops"] = a.fairing_reuse.recovery_ops_cost.value
    else:
        Ef = 1.0
        parts["fairing"] = a.fairing_cost.value
        parts["fairing_recovery_ops"] = 0.0
    total = sum(parts.values())
    usd = {k: a.usd(v) for k, v in parts.items()}
    out = {"vehicle": a.vehicle, "recovery": recovery_mode, "payload_kg": float(payload_kg),
           "landing_probability": p if reuse else None,
           "booster_life_flights": int(life) if reuse else 1,
           "expected_flights_per_booster": E, "fairing_recovered": fr, "expected_flights_per_fairing": Ef,
           "components_usd": usd, "total_usd": a.usd(total), "per_kg_usd": a.usd(total) / payload_kg,
           "currency": a.currency}
    if a.currency != "USD":
        out["total_" + a.currency.lower()] = total
        out["per_kg_" + a.currency.lower()] = total / payload_kg
        out["fx"] = {"cny_per_usd": a.fx.cny_per_usd, "date": a.fx.date}
    return out


def published_payload(assumptions, mode: str) -> float:
    """The payload (kg, LEO) the assumptions file cites for a recovery mode."""
    a = _as_assumptions(assumptions)
    if mode not in a.payload_kg:
        raise InputError(f"recovery = {mode!r}: {a.vehicle} assumptions cite no payload for this mode "
                         f"(cited: {', '.join(sorted(a.payload_kg)) or 'none'}); give payload_kg")
    return a.payload_kg[mode].value


def compare_modes(vehicle, orbit_alt_km: float | None = None, inclination_deg: float | None = None,
                  payload_fn=None, landing_probability: float | None = None, modes=None,
                  assumptions=None) -> dict:
    """Cost per launch and per kg for each recovery mode of a vehicle.

    payload_fn(vehicle, orbit_alt_km=, inclination_deg=, recovery=) -> {'payload_kg': ...} (e.g.
    rlvsim.mission.payload.max_payload, several seconds per call); None = the payloads cited in the
    assumptions file (a mode without a cited payload gives a row with 'error').  A mode whose payload function
    raises InputError (orbit out of reach) gives a row {'recovery', 'error'} instead of a cost."""
    a = _as_assumptions(assumptions if assumptions is not None else vehicle)
    modes = list(modes) if modes else ["expendable"] + a.reusable_modes()
    rows = []
    for m in modes:
        check_mode(a, m)
        if payload_fn is None:
            if m not in a.payload_kg:
                rows.append({"vehicle": a.vehicle, "recovery": m,
                             "error": "no cited payload for this mode: give --orbit-alt-km and "
                                      "--inclination-deg to fly it"})
                continue
            pl, src = a.payload_kg[m].value, "cited: " + a.payload_kg[m].source
        else:
            if orbit_alt_km is None or inclination_deg is None:
                raise InputError("compare_modes: payload_fn needs orbit_alt_km and inclination_deg")
            try:
                pl = float(payload_fn(vehicle, orbit_alt_km=orbit_alt_km, inclination_deg=inclination_deg,
                                      recovery=m)["payload_kg"])
            except InputError as exc:          # e.g. the orbit is out of reach in this mode
                rows.append({"vehicle": a.vehicle, "recovery": m, "error": str(exc)})
                continue
            src = "payload_fn"
        if pl <= 0:
            rows.append({"vehicle": a.vehicle, "recovery": m, "error": "no payload in this mode"})
            continue
        r = launch_cost(a, pl, m, landing_probability)
        r["payload_source"] = src
        rows.append(r)
    return {"vehicle": a.vehicle, "orbit_alt_km": orbit_alt_km, "inclination_deg": inclination_deg,
            "modes": rows}


def cost_report(vehicle: str, recovery: str | None = None, landing_probability: float | None = None,
                assumptions=None, payload_kg: float | None = None, orbit_alt_km: float | None = None,
                inclination_deg: float | None = None, payload_fn=None) -> dict:
    """What `rlvsim economics cost` prints: one mode (payload given or cited) or all modes."""
    a = _as_assumptions(assumptions if assumptions is not None else vehicle)
    if recovery is None:
        return compare_modes(vehicle, orbit_alt_km, inclination_deg, payload_fn, landing_probability,
                             assumptions=a)
    if payload_kg is None:
        if payload_fn is not None and orbit_alt_km is not None and inclination_deg is not None:
            payload_kg = float(payload_fn(vehicle, orbit_alt_km=orbit_alt_km, inclination_deg=inclination_deg,
                                          recovery=recovery)["payload_kg"])
        else:
            payload_kg = published_payload(a, recovery)
    return launch_cost(a, payload_kg, recovery, landing_probability)
