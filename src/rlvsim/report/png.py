"""Matplotlib PNGs of a flight's key plots, for papers (``rlvsim fly ... --out DIR --png``):
trajectory.png, groundtrack.png and, when the booster flew one, landing_burn.png."""
from __future__ import annotations

import math
from pathlib import Path

import numpy as np

from ..errors import InputError
from .html import stage_colour


def _figure(w, h):
    try:
        from matplotlib.backends.backend_agg import FigureCanvasAgg
        from matplotlib.figure import Figure
    except ImportError:
        raise InputError("--png: needs matplotlib (pip install matplotlib); the HTML report does not") from None
    fig = Figure(figsize=(w, h), dpi=120)
    FigureCanvasAgg(fig)
    return fig


def _save(fig, path: Path) -> Path:
    fig.tight_layout()
    fig.savefig(path, format="png")
    return path


def trajectory_png(segs, summary: dict, path: Path) -> Path:
    rows = (("altitude_m", "altitude (km)", 1e-3), ("speed_m_s", "speed (m/s)", 1.0),
            ("accel_g", "acceleration (g)", 1.0), ("dynamic_pressure_Pa", "dyn. pressure (kPa)", 1e-3))
    fig = _figure(7.5, 8.0)
    axes = fig.subplots(len(rows), 1, sharex=True)
    for ax, (col, label, k) in zip(axes, rows):
        for lab, c in segs:
            ax.plot(c["time_s"], np.asarray(c[col], float) * k, color=stage_colour(lab), lw=1.2, label=lab)
        for e in summary["events"]:
            ax.axvline(e["time_s"], color="0.6", lw=0.5, ls=":")
        ax.set_ylabel(label)
        ax.grid(alpha=0.3)
    axes[0].legend(fontsize=8)
    axes[0].set_title(f"{summary['mission']} ({summary['vehicle']})")
    axes[-1].set_xlabel("time from liftoff (s)")
    return _save(fig, path)


def groundtrack_png(segs, summary: dict, sites, path: Path) -> Path:
    fig = _figure(7.0, 5.0)
    ax = fig.add_subplot(111)
    for lab, c in segs:
        ax.plot(c["longitude_deg"], c["latitude_deg"], color=stage_colour(lab), lw=1.5, label=lab)
    ax.plot(sites.launch_lon_deg, sites.launch_lat_deg, "*", ms=13, color="gold", mec="k", label=sites.launch_name)
    if sites.zone is not None:
        ax.plot(sites.zone.lon_deg, sites.zone.lat_deg, "s", ms=8, color="tab:green", mec="k", label=sites.zone.name)
    lat0 = math.radians(sites.launch_lat_deg)
    ax.set_aspect(1.0 / max(math.cos(lat0), 0.1))     # equal ground distances near the launch latitude
    ax.set_xlabel("longitude (deg)")
    ax.set_ylabel("latitude (deg)")
    ax.grid(alpha=0.3)
    ax.legend(fontsize=8)
    ax.set_title("Ground track")
    return _save(fig, path)


def landing_png(flight, summary: dict, mission, sites, path: Path) -> Path | None:
    from .groundtrack import enu_km
    from .landing import _limits, bound_steps, burn_window
    win = burn_window(flight, summary)
    if win is None:
        return None
    t0, t1, mask = win
    tr = flight.stages["booster"].trajectory
    t = np.asarray(tr["time_s"], float)[mask]
    fig = _figure(11.0, 4.5)
    ax1, ax2 = fig.subplots(1, 2)
    ax1.step(t, np.asarray(tr["thrust_N"], float)[mask] * 1e-3, where="post", color="tab:blue", label="thrust flown")
    glide = _limits(flight, mission)[2]
    steps = bound_steps(flight, t0, t1)
    if steps is not None:
        x, lo, hi = steps
        ax1.step(x, lo * 1e-3, where="post", color="tab:red", ls="--", lw=1, label="thrust_min_N (guidance)")
        ax1.step(x, hi * 1e-3, where="post", color="tab:red", ls=":", lw=1, label="thrust_max_N (planning share)")
    ax1.set_xlabel("time from liftoff (s)")
    ax1.set_ylabel("thrust (kN)")
    ax1.grid(alpha=0.3)
    ax1.legend(fontsize=7)
    ax1.set_title("Landing burn thrust")
    z = sites.zone
    if z is not None:
        cols = {c: np.asarray(tr[c])[mask] for c in ("x_eci_m", "y_eci_m", "z_eci_m", "time_s")}
        enu = enu_km(cols, z.lat_deg, z.lon_deg, z.alt_m) * 1e3
        rh = np.hypot(enu[:, 0], enu[:, 1])
        ax2.plot(rh, enu[:, 2], color="tab:blue", label="path flown")
        if glide is not None:
            xm = max(rh.max(), 1.0) * 1.2
            ax2.fill_between([0, xm], [0, 0], [0, xm / math.tan(math.radians(glide))], color="tab:red", alpha=0.12,
                             label=f"outside the glide-slope cone ({glide:g} deg)")
            ax2.set_xlim(0, xm)
        ax2.set_ylim(bottom=min(0.0, enu[:, 2].min()))
        ax2.set_xlabel("horizontal distance from the zone (m)")
        ax2.set_ylabel("height above the zone (m)")
        ax2.grid(alpha=0.3)
        ax2.legend(fontsize=7)
        ax2.set_title(f"Approach to {z.name}")
    else:
        ax2.set_visible(False)
    return _save(fig, path)


def write_pngs(flight, out_dir, mission=None) -> list[Path]:
    """Write the PNGs into ``out_dir``; returns their paths."""
    from .flight import _resolve_mission, segments
    from .groundtrack import resolve_sites
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    s = flight.summary()
    m = _resolve_mission(flight, mission)
    segs = segments(flight)
    sites = resolve_sites(flight, m, s)
    paths = [trajectory_png(segs, s, out / "trajectory.png"), groundtrack_png(segs, s, sites, out / "groundtrack.png")]
    lp = landing_png(flight, s, m, sites, out / "landing_burn.png")
    return paths + ([lp] if lp else [])
