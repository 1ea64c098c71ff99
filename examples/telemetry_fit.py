"""Fit a mission to a real flight's telemetry from Python, write the fitted mission file, fly it
and compare it with the data.

    python examples/telemetry_fit.py [OUT_DIR] [--full]

By default only the ascent knobs (pitch program, throttle-down, MECO) are fitted to SpaceX CRS-11's
webcast telemetry (a few seconds); --full fits boostback, entry and landing too (~10-15 s, what
`rlvsim telemetry fit` does).  The data are the copy in tests/data/telemetry (see its SOURCES.md).
"""
from __future__ import annotations

import sys
import tempfile
from pathlib import Path

from rlvsim.mission import fly, load_mission
from rlvsim.telemetry import read_events, read_telemetry
from rlvsim.telemetry.compare import compare
from rlvsim.telemetry.fit import fit_mission

DATA = Path(__file__).resolve().parents[1] / "tests" / "data" / "telemetry"


def main(out_dir: Path, full: bool) -> None:
    csv = DATA / "f9_crs11_2017-06-03_rtls.csv"
    tel = read_telemetry(csv)
    web = read_events(DATA / "events.csv", csv.stem)
    groups = ("ascent", "boostback", "entry", "landing") if full else ("ascent",)
    res = fit_mission(load_mission("falcon9-rtls"), tel, web, groups=groups)
    for line in res.header():
        print(line)
    print(f"simulated flights: {res.flights['total']}")
    path = res.write_toml(out_dir / "crs11_fitted.toml")
    print(f"wrote {path}")
    # the fitted file is an ordinary mission: fly it and compare with the data
    cmp = compare(fly(path), tel, web)
    print(f"fitted mission vs CRS-11: altitude RMS {cmp['altitude_rms_m']:.0f} m "
          f"(max {cmp['max_altitude_m']:.0f} m), speed RMS {cmp['speed_rms_m_s']:.1f} m/s "
          f"(max {cmp['max_speed_m_s']:.0f} m/s)")
    for name, err in cmp["event_time_errors_s"].items():
        print(f"  {name}: {err:+.1f} s" if err is not None else f"  {name}: not flown")


if __name__ == "__main__":
    args = [a for a in sys.argv[1:] if not a.startswith("--")]
    out = Path(args[0]) if args else Path(tempfile.mkdtemp(prefix="rlvsim-fit-"))
    out.mkdir(parents=True, exist_ok=True)
    main(out, "--full" in sys.argv)
