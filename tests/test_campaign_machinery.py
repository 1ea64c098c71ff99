"""The campaign machinery with stand-in flights (issue #4, items 4-5, and the throughput work):
on the embedded LocalCluster a Dask task flies a batch of runs, yet every run is on disk before
the next run of its batch starts; a batch whose runs kill their worker keeps the runs it stored
and the guilty run alone is recorded as an error; every run is stored exactly once.

The stand-in flights (no physics) make these tests fast: what they check is the bookkeeping of
runner.py / run.run_batch / store.py, which does not depend on what a run flies."""
import os
import sys

import cloudpickle
import pytest

from rlvsim.campaign.config import build_config
from rlvsim.campaign.run import run_batch
from rlvsim.campaign.runner import BATCH_MAX, batch_size, run_campaign
from rlvsim.campaign.store import Store, fragment_name

# the workers are separate processes that cannot import this test module: send its functions by value
cloudpickle.register_pickle_by_value(sys.modules[__name__])

_LAST = {}          # in a worker process: the task key and run number of the last run it flew


def _record(cfg, k: int, **extra) -> dict:
    """The record of a landed run with run k's drawn inputs (run.record: the real columns), no flight."""
    from rlvsim.campaign.dispersions import sample
    from rlvsim.campaign.run import record
    rec = record(cfg, k, sample(cfg.dispersions, cfg.seed, k, cfg.scope)[0], "landed", {}, [])
    rec.update({"upper_outcome": None, "error_traceback": None, "wall_time_s": float("nan"),
                "worker": str(os.getpid())})
    return {**rec, **extra}


def _watching_flight(cfg, k: int) -> dict:
    """Notes which task (batch) flies run k and whether the run this process flew just before in
    the same batch was already stored when run k started."""
    from distributed import get_worker
    key = str(get_worker().get_current_task())
    prev_key, prev_k = _LAST.get("key"), _LAST.get("k")
    prev_stored = float("nan")
    if prev_key == key:
        prev_stored = float(os.path.exists(os.path.join(_LAST["runs_dir"], fragment_name(prev_k))))
    _LAST.update(key=key, k=k, runs_dir=os.environ["RLVSIM_TEST_RUNS_DIR"])
    return _record(cfg, k, notes=key, prev_in_batch_stored=prev_stored)


def test_batch_sizes_shrink_to_one_at_the_end():
    # the whole queue is covered, no batch is empty or longer than BATCH_MAX, and the last
    # batches are single runs (the campaign's tail is balanced between workers)
    for nw in (1, 2, 4):
        remaining, sizes = 1000, []
        while remaining:
            b = min(batch_size(remaining, nw), remaining)
            sizes.append(b)
            remaining -= b
        assert sum(sizes) == 1000 and 1 <= min(sizes) and max(sizes) == BATCH_MAX
        assert sizes[-2 * nw:] == [1] * (2 * nw)
        assert sizes == sorted(sizes, reverse=True)


def test_each_run_of_a_batch_is_stored_before_the_next_starts(tmp_path, monkeypatch):
    n = 60
    store = tmp_path / "s"
    # the environment is how the spawned workers learn where to look (they inherit it)
    monkeypatch.setenv("RLVSIM_TEST_RUNS_DIR", str(store / "runs"))
    st = run_campaign(build_config("zhuque3", n, seed=0), store, workers=2, progress=False, fly=_watching_flight)
    assert st.session["runs_flown"] == n
    assert sorted(os.listdir(st.runs_dir)) == [fragment_name(k) for k in range(n)]    # each once, no temp files
    tab = st.runs_table().to_pydict()
    assert tab["run"] == list(range(n))
    batched = [s for s in tab["prev_in_batch_stored"] if s == s]        # runs that followed another in a batch
    # batches did happen (60 runs on 2 workers: sizes 8 down to 1, so most runs share a task) ...
    assert len(batched) >= n // 2, tab["notes"]
    # ... and each run was on disk before the next one of its batch started
    assert batched == [1.0] * len(batched)
    assert len(set(tab["worker"])) == 2


def _killing_flight(cfg, k: int) -> dict:
    """Run 5 kills its worker process, as a segfault in a compiled kernel would."""
    if k == 5:
        os._exit(1)
    return _record(cfg, k)


def test_a_run_that_kills_its_worker_is_recorded_and_the_batch_kept(tmp_path):
    import dask
    n = 40
    # a task is retried on another worker `allowed-failures` times (default 3) before Dask gives
    # up with KilledWorker: 0 keeps this test to two worker restarts
    with dask.config.set({"distributed.scheduler.allowed-failures": 0}):
        st = run_campaign(build_config("zhuque3", n, seed=0), tmp_path / "s", workers=1, progress=False,
                          fly=_killing_flight)
    assert sorted(os.listdir(st.runs_dir)) == [fragment_name(k) for k in range(n)]
    tab = st.runs_table().to_pydict()
    outcomes = dict(zip(tab["run"], tab["outcome"]))
    assert outcomes.pop(5) == "error" and set(outcomes.values()) == {"landed"}
    assert "KilledWorker" in tab["failure_detail"][5]


def test_run_batch_returns_fragments_when_it_cannot_write(tmp_path):
    """An existing cluster's workers may not see the store: run_batch hands the fragment bytes
    back and the client writes them; the fragment reads back as the record."""
    import pickle
    cfg = build_config("zhuque3", 3, seed=0)
    out = run_batch(pickle.dumps(cfg), [2], None, fly=lambda c, k: _record(c, k, notes="x"))
    assert [(k, o) for k, o, _ in out] == [(2, "landed")]
    st = Store(tmp_path / "s")
    st.init(cfg)
    st.write_fragment(2, out[0][2])
    row = st.runs_table().to_pylist()
    assert len(row) == 1 and row[0]["run"] == 2 and row[0]["notes"] == "x" and row[0]["seed"] == 0


if __name__ == "__main__":
    pytest.main([__file__, "-q"])
