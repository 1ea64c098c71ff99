"""The mission knobs a telemetry fit estimates: bounds, finite-difference steps, start values,
and how a set of values becomes a mission (a validated copy; the simulator is not changed).

Four groups, fitted in this order (:mod:`rlvsim.telemetry.fit`):

* ``ascent``: payload mass, pitch kick, first-stage throttle (level, bucket depth, bucket start
  and length), MECO time: flown with the ascent only (liftoff to separation);
* ``boostback``: flip (separation to boostback ignition), boostback throttle and elevation:
  flown from the separation state to just past apogee;
* ``entry``: entry-burn start altitude and cut-off speed, landing propellant margin (which
  decides how much the entry burn burns off), descent drag scale (a vehicle knob,
  :mod:`rlvsim.telemetry.variant`): flown to shortly before the landing burn;
* ``landing``: the landing burn's planning throttle (its ignition and length) and the descent
  drag scale again (now seen with the landing): flown to the ground.

The throttle schedule is fitted in a canonical bucket form
``[[0, L], [t1, L], [t1 + r, B], [t1 + d, B], [t1 + d + r, L]]`` (level L, bucket throttle B,
bucket start t1, bucket length d, ramp r kept from the mission, 5 s if it has none).
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Mapping, Optional

GROUPS = ("ascent", "boostback", "entry", "landing")


@dataclass(frozen=True)
class FitParam:
    """One fitted knob: group, bounds, finite-difference step (also its scale), unit, meaning,
    and an optional Gaussian prior centred on the start value, 1-sigma
    ``max(prior_rel |start|, prior_abs)`` (both 0: no prior)."""

    name: str
    group: str
    lower: float
    upper: float
    step: float
    unit: str
    doc: str
    prior_rel: float = 0.0
    prior_abs: float = 0.0

    def prior_sigma(self, start: float):
        s = max(self.prior_rel * abs(start), self.prior_abs)
        return s if s > 0.0 else None


PARAMS: dict[str, FitParam] = {p.name: p for p in (
    FitParam("payload_kg", "ascent", 0.0, 30_000.0, 150.0, "kg", "payload mass", prior_rel=0.25, prior_abs=500.0),
    FitParam("pitch_kick_deg", "ascent", 0.05, 10.0, 0.03, "deg", "pitch kick angle"),
    FitParam("throttle_level", "ascent", 0.5, 1.0, 0.005, "1",
             "first-stage throttle outside the bucket (the flown engines' thrust / the vehicle's)", prior_abs=0.05),
    FitParam("bucket_throttle", "ascent", 0.4, 1.0, 0.01, "1", "throttle in the max-q bucket"),
    FitParam("bucket_start_s", "ascent", 15.0, 110.0, 0.5, "s", "start of the throttle-down ramp"),
    FitParam("bucket_length_s", "ascent", 6.0, 70.0, 0.5, "s", "throttle-down start to throttle-up start"),
    FitParam("meco_time_s", "ascent", 60.0, 400.0, 0.3, "s", "main-engine cut-off"),
    FitParam("flip_duration_s", "boostback", 0.0, 60.0, 0.3, "s", "separation to boostback ignition"),
    FitParam("boostback_throttle", "boostback", 0.3, 1.0, 0.02, "1", "boostback throttle"),
    FitParam("boostback_elevation_deg", "boostback", -40.0, 45.0, 1.0, "deg",
             "boostback thrust above the local horizontal"),
    FitParam("zone_downrange_km", "boostback", 10.0, 2_000.0, 2.0, "km",
             "landing zone distance from the launch site, on the geodesic through the mission's zone"),
    FitParam("entry_start_altitude_m", "entry", 20_000.0, 120_000.0, 300.0, "m", "entry-burn ignition altitude"),
    FitParam("entry_target_speed_m_s", "entry", 300.0, 2_500.0, 10.0, "m/s", "entry-burn cut-off speed"),
    FitParam("landing_propellant_margin", "entry", 1.0, 5.0, 0.05, "1",
             "landing propellant kept / 1-D need (sets what the entry burn burns off)"),
    FitParam("drag_scale", "entry", 0.5, 3.0, 0.02, "1",
             "factor on the returning booster's drag table (written as a vehicle file, see variant)"),
    FitParam("landing_throttle_plan", "landing", 0.45, 1.0, 0.03, "1",
             "share of full thrust the landing burn plans with (sets ignition and length)"),
)}

_RECOVERY_FIELDS = ("flip_duration_s", "boostback_throttle", "boostback_elevation_deg", "entry_start_altitude_m",
                    "entry_target_speed_m_s", "landing_propellant_margin", "landing_throttle_plan")
_DEFAULT_RAMP_S = 5.0


def bucket_of(schedule) -> Optional[dict]:
    """Level, bucket throttle, bucket start/length and ramp of a throttle schedule, or None
    when it has no bucket (fewer than three points or a single throttle)."""
    pts = [(float(t), float(x)) for t, x in schedule]
    if len(pts) < 3:
        return None
    level, low = max(x for _, x in pts), min(x for _, x in pts)
    if low >= level:
        return None
    i_low = next(i for i, (_, x) in enumerate(pts) if x == low)
    j_low = max(i for i, (_, x) in enumerate(pts) if x == low)
    t1 = pts[i_low - 1][0] if i_low > 0 else pts[0][0]
    ramp = pts[i_low][0] - t1 if i_low > 0 else _DEFAULT_RAMP_S
    t2 = pts[j_low][0]
    return {"throttle_level": level, "bucket_throttle": low, "bucket_start_s": t1,
            "bucket_length_s": max(t2 - t1, ramp + 1.0), "ramp_s": max(ramp, 0.5)}


def canonical_schedule(level, bucket, start_s, length_s, ramp_s) -> list[list[float]]:
    """The five-point bucket schedule (see module doc)."""
    t2 = start_s + length_s
    return [[0.0, level], [start_s, level], [start_s + ramp_s, bucket], [t2, bucket], [t2 + ramp_s, level]]


def start_values(mission, names, events: Optional[Mapping[str, float]] = None,
                 observed=None) -> dict[str, float]:
    """Start values of ``names`` from the mission, improved where the telemetry pins a knob
    directly: MECO time, flip (boostback start - MECO - separation delay), entry start altitude
    and cut-off speed (the observed altitude/speed at the detected entry start/end).
    ``observed(t) -> (altitude_m, speed_m_s)`` reads the telemetry.  Values are clipped into bounds."""
    asc, rec = mission.ascent, mission.recovery
    b = bucket_of(asc.throttle_schedule) or {}
    out: dict[str, float] = {}
    ev = {k: v for k, v in (events or {}).items() if v is not None}
    for n in names:
        if n == "payload_kg":
            x = mission.payload_kg
        elif n == "pitch_kick_deg":
            x = asc.pitch_kick_deg
        elif n in ("throttle_level", "bucket_throttle", "bucket_start_s", "bucket_length_s"):
            x = b.get(n, 1.0 if n == "throttle_level" else float("nan"))
        elif n == "meco_time_s":
            x = ev.get("meco", asc.meco_time_s or 150.0)
        elif n == "flip_duration_s" and "boostback_start" in ev and "meco" in ev:
            x = ev["boostback_start"] - ev["meco"] - asc.separation_delay_s
        elif n == "entry_start_altitude_m" and "entry_start" in ev and observed is not None:
            x = observed(ev["entry_start"])[0]
        elif n == "entry_target_speed_m_s" and "entry_end" in ev and observed is not None:
            x = observed(ev["entry_end"])[1]
        elif n == "drag_scale":
            x = 1.0
        elif n == "zone_downrange_km":
            x = zone_geometry(mission)[0] / 1e3
        else:
            x = getattr(rec, n)
        p = PARAMS[n]
        out[n] = min(max(float(x), p.lower), p.upper)
    return out


def apply_values(mission, values: Mapping[str, float]):
    """A validated copy of ``mission`` with ``values`` (fit parameter name -> value) set."""
    from ..mission.model import Mission

    d = mission.model_dump()
    asc, rec = d["ascent"], d["recovery"]
    for n, x in values.items():
        if n == "payload_kg":
            d["payload_kg"] = float(x)
        elif n == "pitch_kick_deg":
            asc["pitch_kick_deg"] = float(x)
        elif n == "meco_time_s":
            asc["meco_time_s"] = float(x)
        elif n in _RECOVERY_FIELDS:
            rec[n] = float(x)
    if "zone_downrange_km" in values:
        from ..earth.frames import downrange_point
        from ..earth.sites import get_site

        _, az, zone = zone_geometry(mission)
        site = get_site(mission.launch_site)
        lat, lon = downrange_point(site.lat_deg, site.lon_deg, az, float(values["zone_downrange_km"]) * 1e3)
        rec["landing_zone_position"] = (lat, lon, zone.alt_m)
        rec["landing_zone_type"] = zone.landing_type or "pad"
    if any(n in values for n in ("throttle_level", "bucket_throttle", "bucket_start_s", "bucket_length_s")):
        b = bucket_of(mission.ascent.throttle_schedule)
        ramp = b["ramp_s"] if b else _DEFAULT_RAMP_S
        level = float(values.get("throttle_level", b["throttle_level"] if b else 1.0))
        if b is None and not {"bucket_throttle", "bucket_start_s", "bucket_length_s"} & set(values):
            asc["throttle_schedule"] = [[0.0, level]]
        else:
            get = lambda k: float(values[k]) if k in values else b[k]   # noqa: E731
            asc["throttle_schedule"] = canonical_schedule(level, min(get("bucket_throttle"), level),
                                                          get("bucket_start_s"), get("bucket_length_s"), ramp)
    return Mission.model_validate(d)


def zone_geometry(mission):
    """(distance_m, azimuth_deg from the launch site, zone Site) of a mission's landing zone."""
    from ..earth.frames import geodesic_inverse
    from ..earth.sites import get_site
    from ..mission.recovery import zone_site

    site, zone = get_site(mission.launch_site), zone_site(mission.recovery)
    dist, az, _ = geodesic_inverse(site.lat_deg, site.lon_deg, zone.lat_deg, zone.lon_deg)
    return dist, az, zone


def default_names(mission, events: Mapping[str, float], drag: bool = True) -> dict[str, list[str]]:
    """The knobs to fit per group, given the events detected in the telemetry (name -> time):
    bucket knobs only if the schedule has a bucket, boostback knobs only if the telemetry shows a
    boostback and the mission may fly one, recovery/landing knobs only for a recovered booster.

    Payload and throttle level are both fitted, each with a prior (payload +-25 %, throttle
    +-0.05): the ascent's speed and altitude fix only the ratio of liftoff mass to thrust (for a
    constant-Isp stage 1/acceleration is linear in time with a slope set by Isp alone), so
    without priors the two are degenerate (correlation 0.999 on CRS-11); the priors share the
    change between them by their plausible ranges.  The zone's downrange distance is fitted for
    drone-ship and downrange landings (a ship's station is rarely published).  ``drag``: fit the
    descent drag scale (when the vehicle has a descent drag table and the telemetry an entry burn)."""
    asc = ["payload_kg", "pitch_kick_deg", "throttle_level"]
    if bucket_of(mission.ascent.throttle_schedule):
        asc += ["bucket_throttle", "bucket_start_s", "bucket_length_s"]
    asc.append("meco_time_s")
    out = {"ascent": asc, "boostback": [], "entry": [], "landing": []}
    if mission.recovery.mode == "expendable":
        return out
    if "boostback_start" in events and mission.recovery.boostback != "none":
        out["boostback"] = ["flip_duration_s", "boostback_throttle", "boostback_elevation_deg"]
        if mission.recovery.mode in ("droneship", "downrange"):
            out["boostback"].append("zone_downrange_km")
    if "entry_start" in events:
        out["entry"] = ["entry_start_altitude_m", "entry_target_speed_m_s", "landing_propellant_margin"]
        if drag:
            out["entry"].append("drag_scale")
    if "landing_start" in events:
        out["landing"] = (["drag_scale"] if drag and "entry_start" in events else []) + ["landing_throttle_plan"]
    return out
