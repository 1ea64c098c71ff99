"""Monte Carlo campaigns: dispersions (TOML, per-vehicle defaults), one dispersed run, a Dask
runner (local cores or a cluster), a resumable Parquet store queried with DuckDB, statistics.

    from rlvsim.campaign import Campaign
    res = Campaign("zhuque3", runs=200, seed=0).run(store="runs/zq3")
    res.landing_probability, res.ci95, res.outcomes
"""
from .._lazy import lazy_exports

__getattr__, __dir__, __all__ = lazy_exports(__name__, {
    "api": ["Campaign", "CampaignResult"],
    "config": ["CampaignConfig", "build_config", "parse_fault"],
    "dispersions": ["Dispersions", "load_dispersions", "sample"],
    "run": ["run_one", "replay"],
    "runner": ["run_campaign"],
    "store": ["Store"],
    "stats": ["summarize", "wilson_interval"],
}, globals())
