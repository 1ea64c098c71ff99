"""Terminal output (Rich) of a flight summary and a vehicle: what `rlvsim fly` prints."""
from __future__ import annotations


def print_flight(console, s: dict, out_dir=None) -> None:
    from rich.table import Table

    console.print(f"[bold]{s['mission']}[/] on [bold]{s['vehicle']}[/], payload {s['payload_kg']:,.0f} kg")
    t = Table(title="Events")
    for c, j in (("event", "left"), ("stage", "left"), ("T+ (s)", "right"), ("altitude (km)", "right"),
                 ("speed (m/s)", "right")):
        t.add_column(c, justify=j)
    for e in s["events"]:
        t.add_row(e["name"], e["stage"], f"{e['time_s']:.1f}", f"{e['altitude_m'] / 1e3:.2f}",
                  f"{e['speed_m_s']:.1f}")
    console.print(t)
    o = s.get("orbit")
    if o:
        console.print(f"Orbit: {o['perigee_km']:.1f} x {o['apogee_km']:.1f} km, "
                      f"inclination {o['inclination_deg']:.2f} deg")
    console.print(f"Max-Q: {s['max_q_Pa'] / 1e3:.1f} kPa")
    for name, st in s["stages"].items():
        extra = ", ".join(f"{k} {v}" for k, v in st.items() if k != "outcome" and not isinstance(v, dict))
        console.print(f"Stage [bold]{name}[/]: {st['outcome']}" + (f" ({extra})" if extra else ""))
        for k, v in st.items():
            if isinstance(v, dict):
                console.print(f"  {k}: " + ", ".join(f"{a} {b}" for a, b in v.items()))
    for n in s.get("notes", []):
        console.print(f"[yellow]note[/]: {n}")
    if out_dir is not None:
        from pathlib import Path
        written = [n for n in ("summary.json", "trajectory.parquet", "report.html") if (Path(out_dir) / n).exists()]
        pngs = sorted(p.name for p in Path(out_dir).glob("*.png"))
        console.print(f"Wrote {out_dir}/: " + ", ".join(written + pngs))


def print_vehicle(console, s: dict) -> None:
    from rich.pretty import Pretty
    console.print(Pretty(s, expand_all=False))
