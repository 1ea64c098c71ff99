"""Run a campaign's missing runs on Dask (an embedded LocalCluster, or an existing cluster via
``scheduler="tcp://host:port"``), a bounded window of futures in flight, each result written to
the store by this (client) process as it completes."""
from __future__ import annotations

import logging
import os
import time

from ..errors import InputError
from .run import run_one, run_pickled
from .store import Store

CONNECT_TIMEOUT_S = 5.0
WINDOW_PER_WORKER = 4


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
    try:
        cluster = LocalCluster(n_workers=n, threads_per_worker=1, processes=True, dashboard_address=":0",
                               silence_logs=logging.ERROR)
    finally:
        if main:
            signal.signal(signal.SIGINT, old)
    return Client(cluster, set_as_default=False), cluster


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
                            console=Console(stderr=True), transient=False)
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


def _drive_dask(client, cfg, store: Store, todo: list[int], prog: _Progress) -> None:
    from distributed import as_completed
    from distributed.scheduler import KilledWorker
    import pickle
    window = WINDOW_PER_WORKER * _n_workers(client)
    pending = iter(todo)
    keys = {}
    ac = as_completed(loop=client.loop)
    payload = pickle.dumps(cfg)                 # once: each task carries these bytes, not a fresh pickle
    prefix = f"rlvsim-run-{cfg.campaign_id}-"

    def submit():
        k = next(pending, None)
        if k is not None:
            fut = client.submit(run_pickled, payload, k, key=prefix + str(k), pure=False)
            keys[fut.key] = k
            ac.add(fut)

    for _ in range(window):
        submit()
    for fut in ac:
        k = keys.pop(fut.key)
        try:
            rec = fut.result()
        except KilledWorker as exc:          # the run itself kills workers: record it, do not hide it
            rec = _failed_record(cfg, k, exc)
        except Exception as exc:             # the cluster went away: stop; the store stays resumable
            raise InputError(f"campaign stopped after {prog.done} runs: the Dask cluster failed "
                             f"({type(exc).__name__}: {str(exc).splitlines()[0] if str(exc) else ''}); "
                             "run the same command again to resume") from None
        fut.release()
        store.write_run(rec)
        prog.advance(rec["outcome"])
        submit()


def _drive_local(cfg, store: Store, todo: list[int], prog: _Progress) -> None:
    for k in todo:
        rec = run_one(cfg, k)
        store.write_run(rec)
        prog.advance(rec["outcome"])


def run_campaign(cfg, store_dir, workers: int | None = None, scheduler: str | None = None,
                 progress: bool = True, mission_ref: str = "") -> Store:
    """Fly the runs of ``cfg`` missing from the store at ``store_dir`` and return the Store.

    ``workers``: local worker processes (default: all cores; 0 = in this process, no Dask);
    ``scheduler``: address of an existing Dask cluster instead.  The store is checked before
    anything is started and written only once the cluster is up.  ``store.session`` holds this
    call's figures (runs flown, wall time, runs/s)."""
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
                _drive_dask(client, cfg, store, todo, prog)
            else:
                _drive_local(cfg, store, todo, prog)
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
