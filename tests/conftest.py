"""Fixtures shared across test files (built once per session)."""
import functools
import json
import subprocess
import sys

import pytest

# The 50-run campaign of issue #6: Zhuque-3 with its default (nominal) dispersions, recovery scope,
# plus a landing-burn engine-out that strikes one flight in ten (the Y1 failure, drawn per run from
# the run's seed), so that the campaign has failed runs whose flight reports the report must link.
CAMPAIGN50_FAULT = "engine_out:phase=landing_burn,delay_s=3,engines=1,probability=0.1"


def _cli(*args) -> subprocess.CompletedProcess:
    p = subprocess.run([sys.executable, "-m", "rlvsim.cli", *args], capture_output=True, text=True, timeout=900)
    assert p.returncode == 0, p.stderr
    return p



IGNITION_COLS = ["x_eci_m", "y_eci_m", "z_eci_m", "vx_eci_m_s", "vy_eci_m_s", "vz_eci_m_s", "mass_kg"]


@functools.lru_cache(maxsize=None)
def nominal_ignition(mission: str):
    """(mission, vehicle, t_s, ECI state) of the nominal flight of ``mission`` one record before its
    landing burn lights: the start state of the closed-loop landing tests (flown once per session)."""
    import numpy as np

    import rlvsim
    m = rlvsim.load_mission(mission)
    v = rlvsim.load_vehicle(m.vehicle)
    tr = rlvsim.simulate(m, v).stage("booster").trajectory
    i = int(np.where(tr["phase"] == "landing_burn")[0][0]) - 1
    return m, v, float(tr["time_s"][i]), np.array([tr[c][i] for c in IGNITION_COLS])

@pytest.fixture(scope="session")
def campaign50(tmp_path_factory):
    """A real 50-run campaign flown in this process (workers=0), its statistics as `campaign show
    --json` prints them, and its report written by `campaign show STORE --html FILE`.
    Returns a dict: store, stats (parsed JSON), html (path), runs (pyarrow table)."""
    from rlvsim.campaign import Campaign
    d = tmp_path_factory.mktemp("campaign50")
    store = d / "store"
    res = Campaign("zhuque3", runs=50, seed=0, faults=[CAMPAIGN50_FAULT]).run(store, workers=0)
    stats = json.loads(_cli("campaign", "show", str(store), "--json").stdout)
    html = d / "report" / "campaign.html"
    _cli("campaign", "show", str(store), "--html", str(html))
    return {"store": store, "stats": stats, "html": html, "runs": res.table()}
