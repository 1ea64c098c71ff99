"""Wall time of a full telemetry fit (`rlvsim telemetry fit`) of CRS-11 (and optionally
Iridium-3), the simulated flights it used by kind, and, measured in the same run, the cost of
one whole catalog mission, so that the fit's time reads as "N whole missions" on a busy machine.

Target (issue #5): a full CRS-11 fit in <= 60 s wall.
Run:  python benchmarks/bench_fit.py [--iridium]
"""
from __future__ import annotations

import os
import statistics
import sys
import time
from pathlib import Path

DATA = Path(__file__).resolve().parents[1] / "tests" / "data" / "telemetry"
CASES = {"crs11": ("falcon9-rtls", DATA / "f9_crs11_2017-06-03_rtls.csv"),
         "iridium3": ("falcon9-droneship", DATA / "f9_iridium3_2017-10-09_asds.csv")}


def mission_cost(name: str, repeats: int = 3) -> float:
    from rlvsim.mission import fly
    fly(name)                                     # warm-up
    ts = []
    for _ in range(repeats):
        t0 = time.perf_counter()
        fly(name)
        ts.append(time.perf_counter() - t0)
    return statistics.median(ts)


def main(cases):
    from rlvsim.mission import load_mission
    from rlvsim.telemetry import read_events, read_telemetry
    from rlvsim.telemetry.fit import fit_mission

    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    print(f"load average at start: {load:.2f} on {os.cpu_count()} cores")
    for key in cases:
        mission, csv = CASES[key]
        ref = mission_cost(mission)
        t0, c0 = time.perf_counter(), time.process_time()
        res = fit_mission(load_mission(mission), read_telemetry(csv), read_events(DATA / "events.csv", csv.stem))
        wall, cpu = time.perf_counter() - t0, time.process_time() - c0
        ref_after = mission_cost(mission)
        c = res.comparison
        print(f"\n{key}: fit of {mission} to {csv.name}")
        print(f"  wall {wall:.1f} s (target <= 60 s), CPU {cpu:.1f} s")
        print(f"  simulated flights: {res.flights['total']} "
              + ", ".join(f"{k} {v} ({res.flights['seconds'].get(k, 0):.1f} s)"
                          for k, v in res.flights.items() if k not in ("total", "seconds")))
        print(f"  one whole {mission} mission: {ref:.2f} s before, {ref_after:.2f} s after the fit "
              f"-> the fit costs {wall / statistics.mean([ref, ref_after]):.0f} whole missions")
        for st in res.stages:
            print(f"  stage {st.group:9s}: {st.flights:3d} flights, {st.seconds:5.1f} s, {st.evaluations} evaluations")
        print(f"  altitude RMS {100 * c['altitude_rms_fraction_of_max']:.2f} % of max, speed RMS "
              f"{100 * c['speed_rms_fraction_of_max']:.2f} % of max; events vs webcast (s): "
              + ", ".join(f"{k} {v:+.1f}" for k, v in c["event_time_errors_vs_webcast_s"].items()))


if __name__ == "__main__":
    main(["crs11", "iridium3"] if "--iridium" in sys.argv[1:] else ["crs11"])
