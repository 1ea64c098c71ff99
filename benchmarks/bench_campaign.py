"""Campaign throughput and memory (issue #4): dispersed booster-recovery runs (separation to
touchdown, scope "recovery") per second on 1 and 2 local Dask workers, the scaling efficiency,
where the time of one run goes (cProfile), and the peak resident memory (client + workers) of a
long campaign.

    python benchmarks/bench_campaign.py                       # 40 runs per worker count, 10,000-run memory test
    python benchmarks/bench_campaign.py --runs 500            # a shorter memory campaign
    python benchmarks/bench_campaign.py --skip-memory --throughput-runs 20

Target (issue #4): >= 20 runs/s on this 2-core machine; a 10,000-run campaign under 2 GiB.
"""
from __future__ import annotations

import argparse
import cProfile
import pstats
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


def throughput(mission: str, n: int, seed: int) -> dict:
    from rlvsim.campaign.config import build_config
    from rlvsim.campaign.runner import run_campaign
    out = {}
    cfg = build_config(mission, n, seed=seed)
    with tempfile.TemporaryDirectory() as tmp:
        for w in (1, 2):
            st = run_campaign(cfg, Path(tmp) / f"w{w}", workers=w, progress=False)
            out[w] = st.session
            wt = st.runs_table()["wall_time_s"].to_numpy()
            print(f"  {w} worker(s): {n} runs in {st.session['wall_s']:.1f} s -> {st.session['runs_per_s']:.2f} runs/s "
                  f"(per run in the worker: median {sorted(wt)[len(wt) // 2]:.2f} s, max {wt.max():.1f} s)", flush=True)
    return out


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


def _stub_flight(payload, k):
    """A stand-in for run_pickled (machinery-only memory test): a record of the real width, no flight."""
    import pickle
    cfg = pickle.loads(payload)
    time.sleep(0.002)
    names = cfg.input_names()
    return {"run": k, "seed": cfg.seed, **{f"in_{n}": 1.0 for n in names}, "outcome": "landed",
            "failure_phase": None, "failure_cause": None, "failure_detail": None,
            **{c: 1.0 for c in ("vertical_speed_m_s", "horizontal_speed_m_s", "tilt_deg", "miss_distance_m",
                                "propellant_remaining_kg", "touchdown_east_m", "touchdown_north_m")},
            "events_json": "[" + "x" * 1500 + "]", "notes": None, "wall_time_s": 0.002, "worker": "stub"}


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
    real = runner.run_pickled
    runner.run_pickled = _stub_flight
    t0 = time.perf_counter()
    try:
        with tempfile.TemporaryDirectory() as tmp:
            st = runner.run_campaign(build_config(mission, n, seed=seed), Path(tmp) / "m", workers=workers,
                                     progress=False)
            assert len(st.completed()) == n
    finally:
        runner.run_pickled = real
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
    a = ap.parse_args()
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
