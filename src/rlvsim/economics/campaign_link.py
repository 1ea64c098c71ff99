"""Landing probability for the cost and constellation models from a Monte Carlo campaign store
(`rlvsim campaign ... --store STORE`): the store's landed fraction and its 95 % Wilson interval."""
from __future__ import annotations

from ..errors import InputError


def campaign_landing(store_dir, vehicle: str | None = None, recovery: str | None = None) -> dict:
    """{landing_probability, ci95, runs, landed, mission, vehicle, recovery, store} of a store.
    Refuses (one line) a store of another vehicle or recovery mode than the one being costed, and
    a store with no finished run."""
    from ..campaign.stats import summarize
    from ..campaign.store import Store
    store = Store.open(store_dir)
    cfg = store.config()
    st = summarize(store)
    c_vehicle, c_mode = cfg.vehicle.name, cfg.mission.recovery.mode
    if vehicle is not None and c_vehicle != vehicle:
        raise InputError(f"--campaign {store_dir}: the campaign flew vehicle '{c_vehicle}', not '{vehicle}'; "
                         f"give a store of a {vehicle} campaign")
    if recovery is not None and c_mode != recovery:
        raise InputError(f"--campaign {store_dir}: the campaign flew recovery '{c_mode}', not '{recovery}'; "
                         f"pass --recovery {c_mode} or another store")
    if st["runs"] == 0:
        raise InputError(f"--campaign {store_dir}: the store holds no finished run yet")
    return {"store": str(store_dir), "mission": st["mission"], "vehicle": c_vehicle, "recovery": c_mode,
            "runs": st["runs"], "landed": st["landed"], "landing_probability": st["landing_probability"],
            "ci95": list(st["ci95"])}


def cost_with_campaign(vehicle: str, store_dir, recovery: str | None, cost_fn) -> dict:
    """The cost report at the campaign's landing probability, plus the same at both ends of its
    95 % interval (so the reader sees what the campaign's sample size leaves open).
    ``cost_fn(landing_probability, recovery) -> dict`` is the cost report to evaluate."""
    camp = campaign_landing(store_dir, vehicle, recovery)
    mode = recovery or camp["recovery"]
    out = cost_fn(camp["landing_probability"], mode)
    lo, hi = camp["ci95"]
    out["landing_probability_source"] = camp
    out["per_kg_usd_at_ci95"] = [cost_fn(p, mode).get("per_kg_usd") for p in (lo, hi)]
    return out
