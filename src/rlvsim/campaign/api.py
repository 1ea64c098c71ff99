"""The Python face of a campaign: `Campaign(mission, runs, seed, ...).run(store)` -> result."""
from __future__ import annotations

from pathlib import Path


class CampaignResult:
    """A finished (or partly finished) campaign: its store and statistics."""

    def __init__(self, store):
        from .stats import summarize
        self.store = store
        self.stats = summarize(store)

    landing_probability = property(lambda self: self.stats["landing_probability"])
    ci95 = property(lambda self: tuple(self.stats["ci95"]))
    outcomes = property(lambda self: self.stats["outcomes"])

    def table(self):
        """All runs as a pyarrow Table sorted by run."""
        return self.store.runs_table()

    def replay(self, k: int):
        """Re-fly run k with its full trajectory (a Flight)."""
        from .run import replay
        return replay(self.store, k)


class Campaign:
    """Many dispersed runs of one mission.  ``dispersions``: None (the vehicle's defaults) or a
    TOML path overriding them; ``faults``: SPEC strings or rlvsim.faults.Fault objects."""

    def __init__(self, mission, runs: int = 100, seed: int = 0, dispersions=None, faults=(),
                 scope: str = "recovery"):
        from .config import build_config
        self.config = build_config(mission, runs, dispersions=dispersions, faults=faults, seed=seed, scope=scope)

    def run(self, store=None, workers: int | None = None, scheduler: str | None = None,
            progress: bool = False) -> CampaignResult:
        from .runner import run_campaign
        cfg = self.config
        path = Path(store) if store is not None else Path("runs") / f"{cfg.mission.name}-s{cfg.seed}"
        return CampaignResult(run_campaign(cfg, path, workers=workers, scheduler=scheduler, progress=progress))
