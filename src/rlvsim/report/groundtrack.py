"""Where the flight went: the ground track on a world map and a 3-D view in the launch site's ENU
frame.  Positions come from the recorded trajectories (ECI, axes = ECEF at liftoff)."""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .html import stage_colour


@dataclass
class Sites:
    launch_name: str
    launch_lat_deg: float
    launch_lon_deg: float
    launch_alt_m: float
    zone: object = None           # earth.sites.Site of the landing zone, or None (expendable)


def resolve_sites(flight, mission, summary: dict) -> Sites:
    """Launch site and landing zone: the mission's when known, else the first recorded point and
    summary.json's landing_zone name looked up in the site catalog."""
    from ..earth.sites import get_site
    tab = next(iter(flight.stages.values())).trajectory
    lat0, lon0, alt0 = (float(tab[c][0]) for c in ("latitude_deg", "longitude_deg", "altitude_m"))
    name = "liftoff point"
    zone = None
    if mission is not None:
        try:
            site = get_site(mission.launch_site)
            name, lat0, lon0, alt0 = site.name, site.lat_deg, site.lon_deg, site.alt_m
        except Exception:
            pass
        if mission.recovery.mode != "expendable":
            from ..mission.recovery import zone_site
            try:
                zone = zone_site(mission.recovery)
            except Exception:
                zone = None
    if zone is None:
        zname = summary.get("stages", {}).get("booster", {}).get("landing_zone")
        if zname:
            try:
                zone = get_site(zname)
            except Exception:
                zone = None
    return Sites(name, lat0, lon0, alt0, zone)


def end_event(summary: dict, stage: str) -> dict | None:
    """The stage's last event from summary.json (touchdown, impact, seco, ...)."""
    evs = [e for e in summary["events"] if e["stage"] == stage]
    return evs[-1] if evs else None


def _ranges(lats, lons, pad_deg=1.5):
    la, lo = np.concatenate(lats), np.concatenate(lons)
    la, lo = la[np.isfinite(la)], lo[np.isfinite(lo)]
    la0, la1, lo0, lo1 = la.min(), la.max(), lo.min(), lo.max()
    pad_la = max(pad_deg, 0.15 * (la1 - la0))
    pad_lo = max(pad_deg, 0.15 * (lo1 - lo0))
    return [max(la0 - pad_la, -90.0), min(la1 + pad_la, 90.0)], [max(lo0 - pad_lo, -180.0), min(lo1 + pad_lo, 180.0)]


def _point(lat, lon, name, symbol, colour, hover):
    return {"type": "scattergeo", "mode": "markers+text", "lat": [lat], "lon": [lon], "text": [name],
            "textposition": "top right", "name": name, "customdata": [hover],
            "hovertemplate": "%{customdata}<extra></extra>",
            "marker": {"symbol": symbol, "size": 11, "color": colour, "line": {"width": 1, "color": "#000"}}}


def map_figure(segs, summary: dict, sites: Sites) -> dict:
    """Ground track of every segment, launch site, landing zone and each stage's end point."""
    data, lats, lons = [], [], []
    for lab, c in segs:
        data.append({"type": "scattergeo", "mode": "lines", "lat": c["latitude_deg"], "lon": c["longitude_deg"],
                     "name": lab, "line": {"color": stage_colour(lab), "width": 2},
                     "customdata": np.asarray(c["time_s"], float),
                     "hovertemplate": "T+%{customdata:.1f} s<br>%{lat:.4f}, %{lon:.4f}<extra>" + lab + "</extra>"})
        lats.append(np.asarray(c["latitude_deg"], float))
        lons.append(np.asarray(c["longitude_deg"], float))
    data.append(_point(sites.launch_lat_deg, sites.launch_lon_deg, sites.launch_name, "star", "#ffd700",
                       f"launch site {sites.launch_name}<br>{sites.launch_lat_deg:.4f}, {sites.launch_lon_deg:.4f}"))
    lats.append(np.array([sites.launch_lat_deg]))
    lons.append(np.array([sites.launch_lon_deg]))
    if sites.zone is not None:
        z = sites.zone
        data.append(_point(z.lat_deg, z.lon_deg, z.name, "square", "#2ca02c",
                           f"landing zone {z.name} ({z.landing_type}, radius {z.zone_radius_m} m)<br>"
                           f"{z.lat_deg:.4f}, {z.lon_deg:.4f}"))
        lats.append(np.array([z.lat_deg]))
        lons.append(np.array([z.lon_deg]))
    for lab, c in segs:
        ev = end_event(summary, lab) if lab != "stack" else None
        if ev is None or len(c["time_s"]) == 0:
            continue
        hover = "<br>".join(f"{k}: {v}" for k, v in ev.items())
        data.append(_point(float(c["latitude_deg"][-1]), float(c["longitude_deg"][-1]), f"{lab} {ev['name']}",
                           "x", stage_colour(lab), hover))
    lat_r, lon_r = _ranges(lats, lons)
    geo = {"resolution": 110, "projection": {"type": "equirectangular"}, "showland": True, "landcolor": "#f3efe6",
           "showcountries": True, "countrycolor": "#999", "showcoastlines": True, "coastlinecolor": "#666",
           "showlakes": True, "showocean": True, "oceancolor": "#e6f0fa", "lataxis": {"range": lat_r, "showgrid": True,
           "gridcolor": "#ddd", "dtick": 5}, "lonaxis": {"range": lon_r, "showgrid": True, "gridcolor": "#ddd", "dtick": 5}}
    return {"data": data, "layout": {"title": {"text": "Ground track"}, "geo": geo, "margin": {"l": 10, "r": 10, "t": 40, "b": 10}}}


def enu_km(cols: dict, lat_deg: float, lon_deg: float, alt_m: float) -> np.ndarray:
    """(n, 3) east, north, up (km) of a table's ECI positions about a geodetic origin."""
    from ..earth.frames import LocalFrame, eci_to_ecef_position
    r = np.column_stack([cols["x_eci_m"], cols["y_eci_m"], cols["z_eci_m"]]).astype(float)
    ecef = eci_to_ecef_position(r, np.asarray(cols["time_s"], float))
    return LocalFrame(lat_deg, lon_deg, alt_m).to_enu(ecef) * 1e-3


def trajectory3d_figure(segs, summary: dict, sites: Sites) -> dict:
    """East/north of the launch site (km) against geodetic altitude (km), events marked."""
    data = []
    o = (sites.launch_lat_deg, sites.launch_lon_deg, sites.launch_alt_m)
    for lab, c in segs:
        enu = enu_km(c, *o)
        h = np.asarray(c["altitude_m"], float) * 1e-3
        data.append({"type": "scatter3d", "mode": "lines", "x": enu[:, 0], "y": enu[:, 1], "z": h, "name": lab,
                     "line": {"color": stage_colour(lab), "width": 4}, "customdata": np.asarray(c["time_s"], float),
                     "hovertemplate": "T+%{customdata:.1f} s<br>E %{x:.1f} km, N %{y:.1f} km<br>"
                                      "alt %{z:.2f} km<extra>" + lab + "</extra>"})
        evs = [e for e in summary["events"] if e["stage"] == lab]
        if evs:
            t = np.asarray(c["time_s"], float)
            te = [e["time_s"] for e in evs]
            data.append({"type": "scatter3d", "mode": "markers+text", "name": f"{lab} events",
                         "x": np.interp(te, t, enu[:, 0]), "y": np.interp(te, t, enu[:, 1]),
                         "z": [e["altitude_m"] * 1e-3 for e in evs], "text": [e["name"] for e in evs],
                         "textfont": {"size": 10}, "marker": {"size": 3, "color": stage_colour(lab)},
                         "hovertemplate": "%{text}<extra></extra>", "showlegend": False})
    pts = [("launch site " + sites.launch_name, 0.0, 0.0, sites.launch_alt_m * 1e-3, "#b8860b")]
    if sites.zone is not None:
        from ..earth.frames import LocalFrame, geodetic_to_ecef
        z = sites.zone
        ze = LocalFrame(*o).to_enu(geodetic_to_ecef(np.radians(z.lat_deg), np.radians(z.lon_deg), z.alt_m)) * 1e-3
        pts.append(("landing zone " + z.name, ze[0], ze[1], z.alt_m * 1e-3, "#2ca02c"))
    for name, x, y, h, col in pts:
        data.append({"type": "scatter3d", "mode": "markers", "x": [x], "y": [y], "z": [h], "name": name,
                     "marker": {"size": 6, "color": col, "symbol": "diamond"}})
    scene = {"xaxis": {"title": {"text": "east (km)"}}, "yaxis": {"title": {"text": "north (km)"}},
             "zaxis": {"title": {"text": "altitude (km)"}}, "aspectmode": "manual",
             "aspectratio": {"x": 1.4, "y": 1.0, "z": 0.6}}
    return {"data": data, "layout": {"title": {"text": "3-D trajectory"}, "scene": scene,
                                     "margin": {"l": 0, "r": 0, "t": 40, "b": 0}}}
