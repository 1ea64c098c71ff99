"""Wall time of `rlvsim fly`: the ascent alone (stack + upper stage to orbit) and the whole
mission with the booster's recovery, in process after a warm-up (median of repeats), and the
CLI end to end (a new process: imports and the Numba cache load included).

Targets (issues): ascent alone <= 0.5 s on one core; whole mission with recovery <= 1 s.
Run:  python benchmarks/bench_fly.py [MISSION ...]
"""
from __future__ import annotations

import statistics
import subprocess
import sys
import time


def median_time(fn, repeats=5):
    fn()                                   # warm-up (compiles or loads the Numba cache)
    ts = []
    for _ in range(repeats):
        t0 = time.perf_counter()
        fn()
        ts.append(time.perf_counter() - t0)
    return statistics.median(ts)


def main(missions):
    from rlvsim.earth.sites import get_site
    from rlvsim.flight.propagator import EarthModel
    from rlvsim.flight.recorder import Recorder
    from rlvsim.mission import load_mission
    from rlvsim.mission.ascent import fly_stack, fly_upper
    from rlvsim.mission.simulation import recovery_reserve_kg, simulate
    from rlvsim.vehicles import load_vehicle

    print(f"{'mission':20s} {'ascent (s)':>11s} {'mission (s)':>12s} {'CLI (s)':>9s}  booster")
    for name in missions:
        m = load_mission(name)
        v = load_vehicle(m.vehicle)
        site = get_site(m.launch_site)

        def ascent():
            earth = EarthModel()
            st = fly_stack(m, v, site, recovery_reserve_kg(m, v), Recorder("s"), [], earth)
            fly_upper(m, v, st, Recorder("u"), [], earth)

        t_asc = median_time(ascent)
        t_all = median_time(lambda: simulate(m, v), repeats=3)
        outcome = simulate(m, v).outcome("booster")
        t0 = time.perf_counter()
        subprocess.run([sys.executable, "-m", "rlvsim.cli", "fly", name, "--json"], check=True,
                       capture_output=True)
        t_cli = time.perf_counter() - t0
        print(f"{name:20s} {t_asc:11.3f} {t_all:12.3f} {t_cli:9.2f}  {outcome}")
    print("targets: ascent <= 0.5 s, whole mission <= 1 s (one core)")


if __name__ == "__main__":
    main(sys.argv[1:] or ["zhuque3", "falcon9-rtls", "falcon9-droneship"])
