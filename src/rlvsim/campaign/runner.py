"""Run a campaign's missing runs on Dask (an embedded LocalCluster, or an existing cluster via
``scheduler="tcp://host:port"``), a bounded window of futures in flight.

Every finished run is persisted the moment it finishes.  On the embedded LocalCluster (workers
on this machine) a task flies a small batch of consecutive runs and the worker writes each run's
fragment itself as soon as that run finishes (``run.run_batch``): the client only counts, and
the per-task cost of Dask (scheduler, client and worker event loop: ~5 ms) is shared by the
batch.  Batch sizes shrink towards the end of the campaign so that no worker idles while another
finishes a long batch.  On an existing cluster (``--scheduler``: workers may not see this file
system) a task is one run whose fragment bytes the client writes as it completes."""
from __future__ import annotations

import logging
import os
import time

from ..errors import InputError
from .run import run_batch, run_one
from .store import Store

CONNECT_TIMEOUT_S = 5.0
WINDOW_PER_WORKER = 4         # tasks in flight per worker, one run each (existing cluster)
BATCHES_PER_WORKER = 2        # batches in flight per local worker: one flying, one queued
BATCH_MAX = 8                 # runs per batch at most (a lost worker re-flies at most this many)
# Dask settings of the cluster this process starts (the scheduler lives in this process and
# competes with the workers for the cores).  Measured idle on 2 cores, client + 2 workers:
# ~5.5 % of a core by default, ~2 % with these; and the workers' statistical profiler (a stack
# sample of the running flight every 10 ms, only for the dashboard) costs ~1-2 % of each flight.
LOCAL_CLUSTER_CONFIG = {
    "distributed.worker.profile.enabled": False,
    "distributed.admin.tick.interval": "200ms",             # event-loop health check (default 20 ms)
    "distributed.admin.system-monitor.interval": "2s",      # dashboard metrics (default 500 ms)
}


def default_workers() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:
        return os.cpu_count() or 1


def connect(workers: int | None = None, scheduler: str | None = None):
    """(client, cluster-or-None).  One-line InputError when the scheduler cannot be reached."""
    from distributed import Client
    if scheduler is not None:
        if "://" not in scheduler or not scheduler.split("://", 1)[1]:
            raise InputError(f"--scheduler {scheduler!r}: must look like tcp://HOST:PORT")
        try:
            client = Client(scheduler, timeout=f"{CONNECT_TIMEOUT_S}s", set_as_default=False)
        except (OSError, TimeoutError, ValueError) as exc:
            why = (str(exc).strip().splitlines() or [type(exc).__name__])[0]
            raise InputError(f"--scheduler {scheduler}: no Dask scheduler reachable within {CONNECT_TIMEOUT_S:g} s "
                             f"({why}); start one (`dask scheduler`) or leave out --scheduler to run on this "
                             "machine") from None
        return client, None
    import signal
    import threading

    from distributed import LocalCluster
    n = workers or default_workers()
    # workers inherit an ignored SIGINT: Ctrl-C stops the client, which then closes them cleanly
    main = threading.current_thread() is threading.main_thread()
    old = signal.signal(signal.SIGINT, signal.SIG_IGN) if main else None
    import dask
    try:
        with dask.config.set(LOCAL_CLUSTER_CONFIG):
            cluster = LocalCluster(n_workers=n, threads_per_worker=1, processes=True, dashboard_address=":0",
                                   silence_logs=logging.ERROR)
            client = Client(cluster, set_as_default=False)
    finally:
        if main:
            signal.signal(signal.SIGINT, old)
    return client, cluster


def _n_workers(client) -> int:
    return max(len(client.scheduler_info().get("workers", {})), 1)


class _Progress:
    """Rich progress bar on stderr: runs done / total, ETA, running landing rate."""

    def __init__(self, total: int, done: int, landed: int, enabled: bool):
        self.landed, self.done, self.bar = landed, done, None
        if not enabled:
            return
        from rich.console import Console
        from rich.progress import (BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn,
                                   TimeRemainingColumn)
        self.bar = Progress(TextColumn("campaign"), BarColumn(), MofNCompleteColumn(), TextColumn("ETA"),
                            TimeRemainingColumn(), TimeElapsedColumn(), TextColumn("{task.fields[rate]}"),
                            console=Console(stderr=True), transient=False, refresh_per_second=4)
        self.task = self.bar.add_task("runs", total=total, completed=done, rate=self._rate())
        self.bar.start()

    def _rate(self) -> str:
        return f"landed {self.landed}/{self.done} ({100.0 * self.landed / self.done:.1f} %)" if self.done else ""

    def advance(self, outcome: str):
        self.done += 1
        self.landed += outcome == "landed"
        if self.bar is not None:
            self.bar.update(self.task, advance=1, rate=self._rate())

    def close(self):
        if self.bar is not None:
            self.bar.stop()
            self.bar = None


def _failed_record(cfg, k: int, exc) -> dict:
    """A run whose worker died repeatedly: recorded as an error, with its drawn inputs."""
    from .dispersions import sample
    from .run import record
    draws, _ = sample(cfg.dispersions, cfg.seed, k, cfg.scope)
    rec = record(cfg, k, draws, "error", {"crash": {"phase": "unknown", "cause": f"{type(exc).__name__}: {exc}"}}, [])
    rec.update({"upper_outcome": None, "error_traceback": None, "wall_time_s": float("nan"), "worker": None})
    return rec


def batch_size(remaining: int, n_workers: int) -> int:
    """Runs in the next batch when ``remaining`` runs are not yet submitted: BATCH_MAX early on,
    shrinking to 1 over the last 2 * BATCH_MAX * n_workers runs (guided self-scheduling), so
    the campaign's tail is not one worker flying a long batch while the others idle."""
    return max(1, min(BATCH_MAX, remaining // (2 * n_workers)))


def _drive_dask(client, cfg, store: Store, todo: list[int], prog: _Progress, local: bool, fly=None) -> None:
    """``local``: the workers share this machine's file system and write the fragments."""
    from collections import deque

    from distributed import as_completed
    from distributed.scheduler import KilledWorker
    import pickle
    nw = _n_workers(client)
    window = (BATCHES_PER_WORKER if local else WINDOW_PER_WORKER) * nw
    store_dir = str(store.path.resolve()) if local else None
    pending, retry = deque(todo), deque()
    keys = {}
    ac = as_completed(loop=client.loop)
    payload = pickle.dumps(cfg)                 # once: each task carries these bytes, not a fresh pickle
    prefix = f"rlvsim-run-{cfg.campaign_id}-"

    def refill():
        """Keep ``window`` tasks in flight.  The runs of a batch that killed its workers are
        flown one at a time with nothing else in flight: Dask blames (marks suspicious) every
        task on a dying worker, so only an isolated run is known guilty when it dies."""
        while True:
            if retry:
                if keys:
                    return
                ks = [retry.popleft()]
                key = f"{prefix}retry-{ks[0]}"
            elif pending and len(keys) < window:
                b = batch_size(len(pending), nw) if local else 1
                ks = [pending.popleft() for _ in range(min(b, len(pending)))]
                key = f"{prefix}{ks[0]}" + (f"+{len(ks) - 1}" if len(ks) > 1 else "")
            else:
                return
            fut = client.submit(run_batch, payload, ks, store_dir, fly, key=key, pure=False)
            keys[fut.key] = ks
            ac.add(fut)

    refill()
    for fut in ac:
        ks = keys.pop(fut.key)
        try:
            done = fut.result()
        except KilledWorker as exc:          # a run kills workers: record it, do not hide it
            if fut.key.startswith(f"{prefix}retry-"):       # flown alone: this run is the culprit
                rec = _failed_record(cfg, ks[0], exc)
                store.write_run(rec)
                done = [(ks[0], rec["outcome"], None)]
            else:                            # keep what the task stored, find the culprit run by run
                stored = store.completed()
                done = [(k, store.outcome(k), None) for k in ks if k in stored]
                retry.extend(k for k in ks if k not in stored)
        except Exception as exc:             # the cluster went away: stop; the store stays resumable
            raise InputError(f"campaign stopped after {prog.done} runs: the Dask cluster failed "
                             f"({type(exc).__name__}: {str(exc).splitlines()[0] if str(exc) else ''}); "
                             "run the same command again to resume") from None
        fut.release()
        for k, outcome, data in done:
            if data is not None:
                store.write_fragment(k, data)
            prog.advance(outcome)
        refill()


def _drive_local(cfg, store: Store, todo: list[int], prog: _Progress, fly=None) -> None:
    fly = fly or run_one
    for k in todo:
        rec = fly(cfg, k)
        store.write_run(rec)
        prog.advance(rec["outcome"])


def run_campaign(cfg, store_dir, workers: int | None = None, scheduler: str | None = None,
                 progress: bool = True, mission_ref: str = "", fly=None) -> Store:
    """Fly the runs of ``cfg`` missing from the store at ``store_dir`` and return the Store.

    ``workers``: local worker processes (default: all cores; 0 = in this process, no Dask);
    ``scheduler``: address of an existing Dask cluster instead.  The store is checked before
    anything is started and written only once the cluster is up.  ``store.session`` holds this
    call's figures (runs flown, wall time, runs/s).  ``fly``: a picklable (cfg, k) -> record
    replacing ``run.run_one`` (benchmarks and tests of the machinery only)."""
    store = Store(store_dir)
    store.check(cfg)                                       # read-only: refuse a different campaign
    if workers is not None and workers < 0:
        raise InputError(f"--workers {workers}: must be >= 0 (0 = run in this process)")
    if workers and scheduler:
        raise InputError("--workers and --scheduler: give one (the scheduler's cluster has its own workers)")
    todo = sorted(set(range(cfg.runs)) - store.completed())
    client = cluster = None
    nw = 0
    if todo and (scheduler is not None or workers != 0):
        client, cluster = connect(workers, scheduler)
        nw = _n_workers(client)
    t0 = time.perf_counter()
    try:
        store.init(cfg, mission_ref)
        done = store.completed()
        landed = 0
        if done:
            landed = int(store.query("SELECT count(*) AS n FROM runs WHERE outcome = 'landed'")["n"][0].as_py())
        prog = _Progress(cfg.runs if not done else max(cfg.runs, max(done) + 1), len(done), landed,
                         progress and bool(todo))
        try:
            if client is not None:
                _drive_dask(client, cfg, store, todo, prog, local=cluster is not None, fly=fly)
            else:
                _drive_local(cfg, store, todo, prog, fly=fly)
        except KeyboardInterrupt:
            import sys
            prog.close()
            print(f"interrupted: {len(store.completed())} runs stored in {store.path}; the same command resumes",
                  file=sys.stderr)
            raise
        finally:
            prog.close()
    finally:
        if client is not None:
            client.close()
        if cluster is not None:
            cluster.close()
    wall = time.perf_counter() - t0
    store.session = {"runs_flown": len(todo), "wall_s": wall, "workers": nw,
                     "runs_per_s": len(todo) / wall if wall > 0 and todo else 0.0}
    return store
