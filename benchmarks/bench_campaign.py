"""Campaign throughput and memory (issue #4): dispersed booster-recovery runs (separation to
touchdown, scope "recovery") per second on 1 and 2 local Dask workers, the scaling efficiency,
the campaign machinery's own cost per run (real flights and stub flights of fixed CPU work),
where the time of one run goes (cProfile), and the peak resident memory (client + workers) of a
long campaign.

    python benchmarks/bench_campaign.py                       # 40 runs per worker count, 10,000-run memory test
    python benchmarks/bench_campaign.py --runs 500            # a shorter memory campaign
    python benchmarks/bench_campaign.py --skip-memory --throughput-runs 60
    python benchmarks/bench_campaign.py --skip-memory --skip-throughput --stub-runs 400 --stub-flight-ms 50

Target (issue #4): >= 20 runs/s on this 2-core machine; a 10,000-run campaign under 2 GiB.
"""
from __future__ import annotations

import argparse
import cProfile
import functools
import pstats
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

BUCKETS = [  # (label, substring of "file:function" in the profile), first match wins
    ("landing-burn guidance (convex solves)", "guidance/landing/"),
    ("aero-descent steering predictions", "guidance/descent.py"),
    ("boostback targeting", "guidance/boostback.py"),
    ("entry-burn planning", "recovery.py:_entry_target_speed"),
    ("integrator (all propagation)", "flight/integrator.py"),
]


def _cpu_s() -> float:
    r = resource.getrusage(resource.RUSAGE_SELF)
    return r.ru_utime + r.ru_stime


class _Meter:
    """CPU seconds of this (client) process and of its worker processes, and the wall time, over
    the part of run_campaign that flies runs (runner._drive_dask): not the cluster start or stop."""

    def __enter__(self):
        import psutil

        from rlvsim.campaign import runner
        self.runner, self.real, self.fig = runner, runner._drive_dask, {}

        def drive(*a, **kw):
            kids = psutil.Process().children(recursive=True)
            c0, k0, t0 = _cpu_s(), {p.pid: sum(p.cpu_times()[:2]) for p in kids}, time.perf_counter()
            try:
                self.real(*a, **kw)
            finally:
                k1 = {}
                for p in kids:
                    try:
                        k1[p.pid] = sum(p.cpu_times()[:2])
                    except psutil.Error:             # a worker that died: its CPU time is lost
                        k1[p.pid] = k0[p.pid]
                self.fig = {"wall_s": time.perf_counter() - t0, "client_cpu_s": _cpu_s() - c0,
                            "workers_cpu_s": sum(k1[p] - k0[p] for p in k0)}
        runner._drive_dask = drive
        return self

    def __exit__(self, *exc):
        self.runner._drive_dask = self.real


def throughput(mission: str, n: int, seed: int) -> dict:
    """Real flights.  Machinery overhead per run and worker = (wall x workers - sum of the runs'
    in-worker times) / runs: what the workers spend not flying (waiting for tasks, writing
    fragments, Dask), plus each worker's first-run warm-up that run_one does not time."""
    from rlvsim.campaign.config import build_config
    from rlvsim.campaign.runner import run_campaign
    out = {}
    cfg = build_config(mission, n, seed=seed)
    with tempfile.TemporaryDirectory() as tmp:
        for w in (1, 2):
            with _Meter() as m:
                st = run_campaign(cfg, Path(tmp) / f"w{w}", workers=w, progress=False)
            out[w] = st.session
            wt = st.runs_table()["wall_time_s"].to_numpy()
            f = m.fig
            print(f"  {w} worker(s): {n} runs in {st.session['wall_s']:.1f} s -> {st.session['runs_per_s']:.2f} runs/s "
                  f"(per run in the worker: median {sorted(wt)[len(wt) // 2]:.2f} s, max {wt.max():.1f} s); "
                  f"machinery per run and worker {1e3 * (f['wall_s'] * w - wt.sum()) / n:.1f} ms of wall, "
                  f"client CPU {1e3 * f['client_cpu_s'] / n:.2f} ms per run", flush=True)
    return out


def _busy_flight(cfg, k, work_s: float = 0.05):
    """A stand-in for run.run_one (machinery-only tests): work_s of CPU in this thread, then a
    record of the real width (events JSON of a typical run's size), no flight."""
    t_end = time.thread_time() + work_s
    while time.thread_time() < t_end:
        pass
    return {"run": k, "seed": cfg.seed, **{f"in_{n}": 1.0 for n in cfg.input_names()}, "outcome": "landed",
            "failure_phase": None, "failure_cause": None, "failure_detail": None,
            **{c: 1.0 for c in ("vertical_speed_m_s", "horizontal_speed_m_s", "tilt_deg", "miss_distance_m",
                                "propellant_remaining_kg", "touchdown_east_m", "touchdown_north_m")},
            "events_json": "[" + "x" * 1100 + "]", "notes": None, "wall_time_s": work_s, "worker": "stub"}


def machinery(mission: str, n: int, seed: int, work_ms: float) -> None:
    """The campaign machinery with stub flights of work_ms of CPU each: runs/s against the ideal
    (workers / work), and the CPU per run spent outside the flights by the client and by the
    worker processes (Dask, fragments; robust to other jobs on the machine, unlike the wall)."""
    from rlvsim.campaign.config import build_config
    from rlvsim.campaign.runner import run_campaign
    fly = functools.partial(_busy_flight, work_s=work_ms / 1e3)
    for w in (1, 2):
        with tempfile.TemporaryDirectory() as tmp, _Meter() as m:
            st = run_campaign(build_config(mission, n, seed=seed), Path(tmp) / "s", workers=w, progress=False, fly=fly)
            assert len(st.completed()) == n
        f = m.fig
        print(f"  stub flights of {work_ms:g} ms CPU, {n} runs, {w} worker(s): {n / f['wall_s']:.1f} runs/s "
              f"(ideal {1e3 * w / work_ms:.1f}); CPU per run outside the flights: client {1e3 * f['client_cpu_s'] / n:.2f} ms, "
              f"workers {1e3 * (f['workers_cpu_s'] / n - work_ms / 1e3):.2f} ms; "
              f"wall per run and worker beyond the flight {1e3 * f['wall_s'] * w / n - work_ms:.1f} ms", flush=True)


def profile_one(mission: str, seed: int, k: int) -> None:
    from rlvsim.campaign.config import build_config
    from rlvsim.campaign.run import _nominal, run_one
    cfg = build_config(mission, k + 1, seed=seed)
    _nominal(cfg)
    run_one(cfg, (k + 1) % 7)                 # warm: numba cache loads, imports
    prof = cProfile.Profile()
    t0 = time.perf_counter()
    prof.enable()
    rec = run_one(cfg, k)
    prof.disable()
    wall = time.perf_counter() - t0
    st = pstats.Stats(prof)
    tot = {label: 0.0 for label, _ in BUCKETS}
    for (file, _, func), (_, _, _, ct, _) in st.stats.items():      # cumulative time of the bucket's entry points
        key = f"{file}:{func}"
        for label, pat in BUCKETS:
            if pat in key and func in ("solve_landing", "landing_point", "steer", "target_boostback",
                                       "_entry_target_speed", "integrate"):
                tot[label] = max(tot[label], ct)
    print(f"  run {k}: {rec['outcome']}, {wall:.2f} s under the profiler; cumulative time by part "
          "(parts overlap: guidance predictions call the integrator):")
    for label, t in tot.items():
        print(f"    {label:42s} {t:6.2f} s  ({100 * t / wall:4.0f} %)")


def memory(mission: str, n: int, seed: int, workers: int = 2) -> None:
    import psutil
    with tempfile.TemporaryDirectory() as tmp:
        cmd = [str(Path(sys.executable).parent / "rlvsim"), "campaign", mission, "--runs", str(n), "--seed", str(seed),
               "--workers", str(workers), "--store", str(Path(tmp) / "mem"), "--no-progress", "--json"]
        t0 = time.perf_counter()
        errf = open(Path(tmp) / "stderr.txt", "w+b")      # a file, not a pipe: nothing blocks on a full pipe
        p = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=errf)
        root = psutil.Process(p.pid)
        peak = peak_client = 0
        samples = []
        runs_dir = Path(tmp) / "mem" / "runs"
        while p.poll() is None:
            try:
                procs = [root] + root.children(recursive=True)
                rss = {q.pid: q.memory_info().rss for q in procs}
            except psutil.Error:
                continue
            total = sum(rss.values())
            peak = max(peak, total)
            peak_client = max(peak_client, rss.get(p.pid, 0))
            done = sum(1 for _ in runs_dir.glob("run-*.parquet")) if runs_dir.exists() else 0
            samples.append((time.perf_counter() - t0, done, total, rss.get(p.pid, 0)))
            time.sleep(1.0)
        p.wait()
        wall = time.perf_counter() - t0
        if p.returncode != 0:
            errf.seek(0)
            print(errf.read().decode()[-2000:])
            return
    print(f"  {n} runs, {workers} workers: {wall:.0f} s; peak RSS client + workers {peak / 2**20:.0f} MiB "
          f"(client alone {peak_client / 2**20:.0f} MiB; limit 2048 MiB)")
    if len(samples) > 10:      # does memory grow with the number of runs done?  (streaming: it must not)
        marks = [samples[int(f * (len(samples) - 2))] for f in (0.25, 0.5, 0.75, 1.0)]
        print("  RSS (client + workers / client) vs runs done: " + ", ".join(
            f"{m[1]} runs {m[2] / 2**20:.0f}/{m[3] / 2**20:.0f} MiB" for m in marks))
        a, b = marks[0], marks[-1]
        if b[1] > a[1]:
            print(f"  growth from {a[1]} to {b[1]} runs: {(b[2] - a[2]) / (b[1] - a[1]) / 1024:.1f} KiB per run in all, "
                  f"{(b[3] - a[3]) / (b[1] - a[1]) / 1024:.1f} KiB per run in the client")


def memory_machinery(mission: str, n: int, seed: int, workers: int = 2) -> None:
    """The campaign machinery alone (Dask, client window, store writes) over n runs of a stub
    flight: client + worker RSS, sampled every second from a thread."""
    import threading

    import psutil

    from rlvsim.campaign import runner
    from rlvsim.campaign.config import build_config
    me = psutil.Process()
    peak = [0, 0]
    stop = threading.Event()

    def sample():
        while not stop.is_set():
            try:
                rss = [me.memory_info().rss] + [c.memory_info().rss for c in me.children(recursive=True)]
            except psutil.Error:
                continue
            peak[0] = max(peak[0], sum(rss))
            peak[1] = max(peak[1], rss[0])
            stop.wait(1.0)
    th = threading.Thread(target=sample, daemon=True)
    th.start()
    t0 = time.perf_counter()
    try:
        with tempfile.TemporaryDirectory() as tmp:
            st = runner.run_campaign(build_config(mission, n, seed=seed), Path(tmp) / "m", workers=workers,
                                     progress=False, fly=functools.partial(_busy_flight, work_s=0.002))
            assert len(st.completed()) == n
    finally:
        stop.set()
        th.join()
    print(f"  machinery only (stub flights), {n} runs, {workers} workers: {time.perf_counter() - t0:.0f} s "
          f"({n / (time.perf_counter() - t0):.0f} runs/s); peak RSS client + workers {peak[0] / 2**20:.0f} MiB "
          f"(client {peak[1] / 2**20:.0f} MiB)")


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--mission", default="zhuque3")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--throughput-runs", type=int, default=40, help="runs per worker count")
    ap.add_argument("--runs", type=int, default=10_000, help="runs of the memory campaign")
    ap.add_argument("--skip-memory", action="store_true")
    ap.add_argument("--skip-throughput", action="store_true")
    ap.add_argument("--machinery-runs", type=int, default=10_000,
                    help="runs of the stub-flight memory test of the campaign machinery (0: skip)")
    ap.add_argument("--profile-run", type=int, default=4, help="run number to profile")
    ap.add_argument("--stub-runs", type=int, default=400, help="runs of the stub-flight throughput test (0: skip)")
    ap.add_argument("--stub-flight-ms", type=float, default=50.0, help="CPU of one stub flight")
    a = ap.parse_args()
    if a.stub_runs:
        print("campaign machinery alone (stub flights):")
        machinery(a.mission, a.stub_runs, a.seed, a.stub_flight_ms)
    if not a.skip_throughput:
        print(f"campaign throughput, {a.mission}, scope recovery (separation to touchdown), default dispersions:")
        s = throughput(a.mission, a.throughput_runs, a.seed)
        eff = s[2]["runs_per_s"] / (2 * s[1]["runs_per_s"])
        print(f"  scaling efficiency 1 -> 2 workers: {100 * eff:.0f} %  (target throughput >= 20 runs/s; "
              f"got {s[2]['runs_per_s']:.2f})")
        print("where one run's time goes:")
        profile_one(a.mission, a.seed, a.profile_run)
    if not a.skip_memory:
        print("memory:")
        if a.machinery_runs:
            memory_machinery(a.mission, a.machinery_runs, a.seed)
        memory(a.mission, a.runs, a.seed)


if __name__ == "__main__":
    main()
