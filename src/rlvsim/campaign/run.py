"""One campaign run: draw run k's inputs, fly it, return a flat record (never raises).

Scope "recovery" flies the mission's nominal ascent once per process (cached by mission content),
disperses the separation state and flies only the booster from separation to touchdown.  Scope
"mission" flies the whole mission with the dispersed physics.
"""
from __future__ import annotations

import dataclasses
import json
import math
import os
import re
import socket
import time

import numpy as np

from .dispersions import sample, wind_profile

KEY_EVENTS = ("separation", "boostback_start", "boostback_end", "apogee", "entry_start", "entry_end",
              "landing_start", "fault", "touchdown", "impact")
TOUCHED_DOWN = ("landed", "hard_landing", "tipped_over", "missed_zone")
_NOMINAL: dict = {}          # mission key -> (StackResult, stack table, stack events); one per process


def _nominal(cfg):
    """The nominal ascent of cfg's mission, flown once per process."""
    key = cfg.mission_key
    if key not in _NOMINAL:
        from ..earth.sites import get_site
        from ..flight.propagator import EarthModel
        from ..flight.recorder import Recorder
        from ..mission.ascent import fly_stack
        from ..mission.simulation import recovery_reserve_kg
        m, v = cfg.mission, cfg.vehicle
        rec, events = Recorder("stack"), []
        stack = fly_stack(m, v, get_site(m.launch_site), recovery_reserve_kg(m, v), rec, events, EarthModel())
        _NOMINAL.clear()
        _NOMINAL[key] = (stack, rec.table(), events)
    return _NOMINAL[key]


def dispersed_vehicle(vehicle, dry_factor: float):
    """The vehicle with its booster dry mass times ``dry_factor`` (no re-validation)."""
    if dry_factor == 1.0:
        return vehicle
    b = vehicle.stages[0]
    b2 = b.model_copy(update={"dry_mass_kg": b.dry_mass_kg * dry_factor})
    return vehicle.model_copy(update={"stages": [b2, *vehicle.stages[1:]]})


def enu_to_eci_matrix(t_s: float, r_eci, earth) -> np.ndarray:
    """3x3 matrix whose columns are the East, North, Up axes (in ECI) of the geodetic local frame
    under the ECI position ``r_eci`` at time ``t_s`` (ECI axes = ECEF at theta0)."""
    from ..earth.frames import ecef_to_geodetic, enu_basis
    th = earth.theta0_rad + earth.rotation_rate_rad_s * t_s
    c, s = math.cos(th), math.sin(th)
    R = np.array([[c, s, 0.0], [-s, c, 0.0], [0.0, 0.0, 1.0]])          # ECI -> ECEF
    lat, lon, _ = ecef_to_geodetic(*(R @ np.asarray(r_eci, float)), earth.a_m, earth.f)
    return R.T @ np.asarray(enu_basis(lat, lon)).T


def dispersed_stack(stack, draws: dict, dry_delta_kg: float, earth):
    """Separation state with the drawn ENU position/velocity offsets and the booster mass change."""
    M = enu_to_eci_matrix(stack.t_sep, stack.y_sep[:3], earth)
    dr = np.array([draws.get(f"sep_pos_{a}_m", 0.0) for a in ("east", "north", "up")])
    dv = np.array([draws.get(f"sep_vel_{a}_m_s", 0.0) for a in ("east", "north", "up")])
    dm = dry_delta_kg + draws.get("booster_propellant_sep_offset_kg", 0.0)
    y = stack.y_sep.copy()
    y[:3] += M @ dr
    y[3:6] += M @ dv
    y[6] += dm
    return dataclasses.replace(stack, y_sep=y, booster_mass_sep_kg=stack.booster_mass_sep_kg + dm)


def perturbation(cfg, draws: dict, noise_seed: int):
    """The Perturbation of a run (only the fields this build's Perturbation has)."""
    from ..flight.perturbation import Perturbation
    have = {f.name for f in dataclasses.fields(Perturbation)}
    axes = ("east", "north", "up")
    kw = {"thrust_scale": {"booster": draws.get("booster_thrust_scale", 1.0),
                           "upper": draws.get("upper_thrust_scale", 1.0)},
          "isp_scale": {"booster": draws.get("booster_isp_scale", 1.0), "upper": draws.get("upper_isp_scale", 1.0)},
          "cd_scale": draws.get("cd_scale", 1.0), "rho_scale": draws.get("rho_scale", 1.0),
          "wind_profile": wind_profile(cfg.dispersions, draws),
          "nav_pos_bias_m": tuple(draws.get(f"nav_pos_bias_{a}_m", 0.0) for a in axes),
          "nav_vel_bias_m_s": tuple(draws.get(f"nav_vel_bias_{a}_m_s", 0.0) for a in axes),
          "nav_pos_noise_m": draws.get("nav_pos_noise_m", 0.0),
          "nav_vel_noise_m_s": draws.get("nav_vel_noise_m_s", 0.0),
          "landing_ignition_delay_s": draws.get("landing_ignition_delay_s", 0.0),
          "seed": noise_seed}
    return Perturbation(**{k: v for k, v in kw.items() if k in have})


def unsupported_inputs(cfg) -> list[str]:
    """Dispersed parameters the installed Perturbation cannot apply (nav errors, ignition delay)."""
    from ..flight.perturbation import Perturbation
    have = {f.name for f in dataclasses.fields(Perturbation)}
    need = {"nav_pos_bias": "nav_pos_bias_m", "nav_vel_bias": "nav_vel_bias_m_s", "nav_pos_noise": "nav_pos_noise_m",
            "nav_vel_noise": "nav_vel_noise_m_s", "landing_ignition_delay": "landing_ignition_delay_s"}
    out = []
    for name, spec in cfg.dispersions.params.items():
        field = next((f for p, f in need.items() if name.startswith(p)), None)
        if field and field not in have and not (spec.dist == "fixed" and spec.value == 0.0):
            out.append(name)
    return out


def _fly(cfg, k: int, keep_trajectory: bool = False):
    """Fly run k: (draws, noise seed, outcome, info, events, flight-or-None, booster ENU state)."""
    from ..flight.propagator import EarthModel
    draws, noise_seed = sample(cfg.dispersions, cfg.seed, k, cfg.scope)
    vehicle = dispersed_vehicle(cfg.vehicle, draws.get("booster_dry_mass_factor", 1.0))
    pert = perturbation(cfg, draws, noise_seed)
    earth = EarthModel()
    if cfg.scope == "mission":
        from ..mission.simulation import simulate
        flight = simulate(cfg.mission, vehicle, earth=earth, perturb=pert)
        st = flight.stage("booster")
        return draws, noise_seed, st.outcome, dict(st.info), flight.events, flight, None
    from ..flight.recorder import Recorder
    from ..mission.recovery import BoosterFlight
    stack0, stack_tab, stack_events = _nominal(cfg)
    dry_delta = vehicle.stages[0].dry_mass_kg - cfg.vehicle.stages[0].dry_mass_kg
    stack = dispersed_stack(stack0, draws, dry_delta, earth)
    rec, events = Recorder("booster"), [e for e in stack_events if e.name == "separation"]
    bf = BoosterFlight(cfg.mission, vehicle, stack, rec, events, earth, perturb=pert)
    try:
        outcome, info = bf.run()
    except FloatingPointError as exc:           # as simulate() does: a numerical failure is a lost booster
        outcome, info = "crashed", {"crash": {"phase": bf.phase, "cause": f"numerical failure: {exc}"}}
    except Exception as exc:
        exc.rlvsim_phase = bf.phase             # where it happened, for the record
        raise
    info = dict(info)
    if not math.isfinite(info.get("touchdown", {}).get("east_m", math.nan)):
        r, _ = bf.zone.to_enu(bf.t, bf.y)
        info.setdefault("touchdown", {})
        info["touchdown"] = {**info["touchdown"], "east_m": float(r[0]), "north_m": float(r[1])}
    flight = _recovery_flight(cfg, vehicle, stack_tab, rec, events, outcome, info) if keep_trajectory else None
    return draws, noise_seed, outcome, info, events, flight, bf.phase


def _recovery_flight(cfg, vehicle, stack_tab, rec, events, outcome, info):
    from ..mission.flight import Flight, StageResult
    tab = rec.table()
    joined = {c: np.concatenate([stack_tab[c], tab[c]]) for c in tab}
    return Flight(vehicle.name, cfg.mission.name, cfg.mission.payload_kg, list(events),
                  {"booster": StageResult("booster", joined, outcome, info)}, None, float("nan"),
                  notes=["campaign replay, scope recovery (nominal ascent, dispersed from separation)"])


def _criteria_cause(outcome: str, td: dict, zone_name: str) -> tuple[str, str]:
    """(cause category, detail with the numbers) of a touchdown outside the zone's criteria."""
    from ..earth.sites import get_site
    try:
        z = get_site(zone_name)
    except Exception:                         # an ad-hoc zone: the outcome names the rule
        return outcome.replace("_", " "), ""
    if outcome == "missed_zone":
        return (f"miss distance > zone radius {z.zone_radius_m:g} m",
                f"miss distance {td.get('miss_distance_m')} m > {z.zone_radius_m:g} m")
    if outcome == "hard_landing":
        return (f"vertical speed > {z.max_vertical_speed_m_s:g} m/s",
                f"vertical speed {td.get('vertical_speed_m_s')} m/s > {z.max_vertical_speed_m_s:g} m/s")
    if outcome == "tipped_over":
        hs, tilt = td.get("horizontal_speed_m_s", 0.0), td.get("tilt_deg", 0.0)
        if hs > z.max_horizontal_speed_m_s:
            return (f"horizontal speed > {z.max_horizontal_speed_m_s:g} m/s",
                    f"horizontal speed {hs} m/s > {z.max_horizontal_speed_m_s:g} m/s")
        return f"tilt > {z.max_tilt_deg:g} deg", f"tilt {tilt} deg > {z.max_tilt_deg:g} deg"
    return "", ""


def cause_category(cause: str) -> str:
    """A crash cause with its numbers masked ('vertical speed 7.3 m/s at impact' -> 'vertical
    speed N m/s at impact'), so that the statistics can count causes."""
    return re.sub(r"[-+]?\d+(\.\d+)?(e[-+]?\d+)?", "N", cause)


def _nan(x):
    return float(x) if isinstance(x, (int, float)) and x is not None else math.nan


def record(cfg, k: int, draws: dict, outcome: str, info: dict, events) -> dict:
    """The flat record of a run (fixed columns; see store.record_schema)."""
    rec: dict = {"run": int(k), "seed": int(cfg.seed)}
    for name in cfg.input_names():
        rec[f"in_{name}"] = float(draws.get(name, math.nan))
    crash = info.get("crash") or {}
    td = info.get("touchdown") or {}
    lb = info.get("landing_burn") or {}
    phase, detail = crash.get("phase", ""), crash.get("cause", "")
    cause = cause_category(detail)
    if outcome in ("missed_zone", "hard_landing", "tipped_over"):
        phase = "touchdown"
        cause, detail = _criteria_cause(outcome, td, info.get("landing_zone", ""))
    rec.update({"outcome": outcome, "failure_phase": phase or None, "failure_cause": cause or None,
                "failure_detail": detail or None})
    for c in ("vertical_speed_m_s", "horizontal_speed_m_s", "tilt_deg", "miss_distance_m", "propellant_remaining_kg"):
        rec[c] = _nan(td.get(c))
    rec["touchdown_east_m"] = _nan(td.get("east_m"))
    rec["touchdown_north_m"] = _nan(td.get("north_m"))
    rec["propellant_at_separation_kg"] = _nan(info.get("propellant_at_separation_kg"))
    rec["landing_ignition_time_s"] = _nan(lb.get("ignition_time_s"))
    rec["landing_ignition_altitude_m"] = _nan(lb.get("ignition_altitude_m"))
    rec["landing_burn_duration_s"] = _nan(lb.get("duration_s"))
    rec["replans"] = int(lb.get("replans", 0))
    rec["fallbacks"] = int(lb.get("fallbacks", 0))
    for name in KEY_EVENTS:
        e = next((e for e in events if e.name == name and e.stage in ("booster", "stack")), None)
        rec[f"t_{name}_s"] = float(e.time_s) if e is not None else math.nan
    rec["events_json"] = json.dumps([e.as_dict() for e in sorted(events, key=lambda e: e.time_s)
                                     if e.stage in ("booster", "stack")], default=float)
    rec["notes"] = "; ".join(info.get("notes", [])) or None
    return rec


def run_one(cfg, k: int) -> dict:
    """Fly run ``k`` of the campaign ``cfg``; a flat record.  Never raises: an exception inside
    the simulation is recorded as outcome 'error' with its cause (counted as `errors`)."""
    t0 = time.perf_counter()
    try:
        draws, _, outcome, info, events, flight, _ = _fly(cfg, k)
        if flight is not None and cfg.scope == "mission":
            info["upper_outcome"] = flight.outcome("upper")
        rec = record(cfg, k, draws, outcome, info, events)
        rec["upper_outcome"] = info.get("upper_outcome")
        rec["error_traceback"] = None
    except Exception as exc:                # a bug or an unforeseen state: recorded, counted, not hidden
        import traceback
        draws, _ = sample(cfg.dispersions, cfg.seed, k, cfg.scope)
        crash = {"phase": getattr(exc, "rlvsim_phase", "unknown"), "cause": f"{type(exc).__name__}: {exc}"}
        rec = record(cfg, k, draws, "error", {"crash": crash}, [])
        rec["upper_outcome"] = None
        rec["error_traceback"] = "".join(traceback.format_exception(exc))[-4000:]
    rec["wall_time_s"] = time.perf_counter() - t0
    rec["worker"] = f"{socket.gethostname()}:{os.getpid()}"
    return rec


_CFGS: dict = {}      # hash of a pickled config -> the config (one campaign at a time per process)


def _unpickled(payload: bytes):
    """The config of pickle bytes, unpickled once per worker process: the client pickles the
    config once per campaign instead of once per run."""
    import hashlib
    import pickle
    key = hashlib.sha1(payload).digest()
    cfg = _CFGS.get(key)
    if cfg is None:
        _CFGS.clear()
        cfg = _CFGS[key] = pickle.loads(payload)
    return cfg


def run_batch(payload: bytes, ks, store_dir: str | None = None, fly=None) -> list:
    """Fly the runs ``ks`` one after the other (a Dask task: one task per few runs costs the
    scheduler, the client and the worker's event loop less than one task per run) and persist
    each run the moment it finishes, before the next one starts:

    * ``store_dir`` given (workers on the client's machine, e.g. the embedded LocalCluster):
      this process writes run k's Parquet fragment itself (atomic rename) and returns
      ``(k, outcome, None)`` per run; a batch killed midway keeps its finished runs;
    * ``store_dir`` None (a remote cluster, maybe another file system): one run per batch is
      expected, returned as ``(k, outcome, fragment bytes)`` for the client to write.

    ``fly``: (cfg, k) -> record replacing ``run_one`` (benchmarks and tests of the machinery)."""
    from .store import Store, fragment_bytes
    cfg = _unpickled(payload)
    fly = fly or run_one
    store = Store(store_dir) if store_dir is not None else None
    out = []
    for k in ks:
        rec = fly(cfg, k)
        data = fragment_bytes(rec)
        if store is not None:
            store.write_fragment(k, data)
            data = None
        out.append((int(k), rec["outcome"], data))
    return out


def replay(store_or_cfg, k: int):
    """Re-fly run ``k`` exactly (same draws) and return its Flight with the full trajectory.
    Scope recovery: the booster's stage holds the nominal ascent then the dispersed recovery."""
    cfg = store_or_cfg.config() if hasattr(store_or_cfg, "config") else store_or_cfg
    _, _, _, _, _, flight, _ = _fly(cfg, int(k), keep_trajectory=True)
    return flight
