"""NASA NESC point-mass check cases (NASA/TM-2015-218675): run a case written in the schema of
`shared/validation/nesc/README.md` and compare with the NASA tools' reference trajectories.

Supported: Earth shape wgs84 or sphere, rotating or not, gravity inverse_square or j2, US 1976
atmosphere, wind none / steady / shear (altitude profile), constant-mass sphere with constant CD
(and constant CL along a fixed NED direction is not part of the schema: lift must be 0).
"""
from __future__ import annotations

import csv
import math
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

import numpy as np
from pydantic import BaseModel, ConfigDict, Field, model_validator

from ..config import load_model, read_toml
from ..earth.atmosphere import us76
from ..earth.frames import geodetic_to_ecef, ned_basis
from . import dynamics as D
from .propagator import Body, EarthModel

OUTPUT_COLUMNS = ["time_s", "altitude_m", "latitude_deg", "longitude_deg", "velocity_north_m_s",
                  "velocity_east_m_s", "velocity_down_m_s", "airspeed_m_s", "mach", "dynamic_pressure_Pa"]


class _M(BaseModel):
    model_config = ConfigDict(extra="allow")


class CaseEarth(_M):
    shape: Literal["wgs84", "sphere"]
    rotating: bool
    rotation_rate_rad_s: float = Field(ge=0)
    earth_rotation_angle_at_t0_deg: float = 0.0
    gravity: Literal["inverse_square", "j2"]
    mu_m3_s2: float = Field(gt=0)
    j2: float = 0.0
    j2_reference_radius_m: float | None = None
    a_m: float | None = Field(default=None, gt=0)
    f: float | None = Field(default=None, ge=0, lt=0.1)
    radius_m: float | None = Field(default=None, gt=0)

    @model_validator(mode="after")
    def _shape(self):
        if self.shape == "wgs84" and (self.a_m is None or self.f is None):
            raise ValueError("shape 'wgs84' needs a_m and f")
        if self.shape == "sphere" and self.radius_m is None:
            raise ValueError("shape 'sphere' needs radius_m")
        if self.gravity == "j2" and self.j2_reference_radius_m is None:
            raise ValueError("gravity 'j2' needs j2_reference_radius_m")
        return self


class CaseWind(_M):
    model: Literal["none", "steady", "shear", "profile"] = "none"
    wind_north_m_s: float | list[float] = 0.0
    wind_east_m_s: float | list[float] = 0.0
    wind_down_m_s: float | list[float] = 0.0
    altitude_m: list[float] | None = None


class CaseVehicle(_M):
    mass_kg: float = Field(gt=0)
    reference_area_m2: float = Field(ge=0)
    drag_coefficient: float = Field(ge=0)
    lift_coefficient: float = 0.0
    side_force_coefficient: float = 0.0

    @model_validator(mode="after")
    def _point_mass(self):
        if self.lift_coefficient != 0 or self.side_force_coefficient != 0:
            raise ValueError("a point-mass case needs lift_coefficient = side_force_coefficient = 0")
        return self


class CaseInitial(_M):
    latitude_deg: float = Field(ge=-90, le=90)
    longitude_deg: float = Field(ge=-360, le=360)
    altitude_m: float = Field(gt=-1e5, lt=1e8)
    velocity_north_m_s: float = 0.0
    velocity_east_m_s: float = 0.0
    velocity_down_m_s: float = 0.0


class CheckCase(_M):
    name: str
    duration_s: float = Field(gt=0)
    output_step_s: float = Field(gt=0)
    earth: CaseEarth
    atmosphere: dict = Field(default_factory=lambda: {"model": "us1976"})
    wind: CaseWind = Field(default_factory=CaseWind)
    vehicle: CaseVehicle
    initial: CaseInitial


@dataclass
class CaseResult:
    name: str
    table: dict

    def write_csv(self, path) -> None:
        path = Path(path)
        path.parent.mkdir(parents=True, exist_ok=True)
        with open(path, "w", newline="") as fh:
            w = csv.writer(fh)
            w.writerow(OUTPUT_COLUMNS)
            for i in range(len(self.table["time_s"])):
                w.writerow([f"{self.table[c][i]:.12g}" for c in OUTPUT_COLUMNS])


def _earth(e: CaseEarth) -> EarthModel:
    a = e.a_m if e.shape == "wgs84" else e.radius_m
    f = e.f if e.shape == "wgs84" else 0.0
    return EarthModel(a_m=a, f=f, rotation_rate_rad_s=e.rotation_rate_rad_s if e.rotating else 0.0,
                      theta0_rad=math.radians(e.earth_rotation_angle_at_t0_deg), gravity=e.gravity,
                      mu_m3_s2=e.mu_m3_s2, j2=e.j2, j2_reference_radius_m=e.j2_reference_radius_m or a)


def _wind_table(w: CaseWind) -> np.ndarray:
    if w.model == "none":
        return np.zeros((4, 1))
    if w.model == "steady":
        return np.array([[0.0], [float(w.wind_north_m_s)], [float(w.wind_east_m_s)], [float(w.wind_down_m_s)]])
    alt = np.asarray(w.altitude_m, float)
    comps = [np.broadcast_to(np.asarray(c, float), alt.shape) for c in
             (w.wind_north_m_s, w.wind_east_m_s, w.wind_down_m_s)]
    return np.array([alt, *comps])


def run_case(case: CheckCase, rtol: float = 1e-12, atol: float = 1e-9) -> CaseResult:
    earth = _earth(case.earth)
    body = Body(earth=earth, rtol=rtol, atol=atol, h_max_s=case.output_step_s)
    cd = case.vehicle.drag_coefficient
    body.set_aero([0.0, 100.0], [cd, cd], case.vehicle.reference_area_m2)
    body.wind_tab = _wind_table(case.wind)
    ini = case.initial
    lat, lon = math.radians(ini.latitude_deg), math.radians(ini.longitude_deg)
    r_ecef = geodetic_to_ecef(lat, lon, ini.altitude_m, earth.a_m, earth.f)
    v_ned = np.array([ini.velocity_north_m_s, ini.velocity_east_m_s, ini.velocity_down_m_s])
    v_ecef = ned_basis(lat, lon).T @ v_ned
    w = earth.rotation_rate_rad_s
    th = earth.theta0_rad
    c, s = math.cos(th), math.sin(th)
    rot = np.array([[c, -s, 0], [s, c, 0], [0, 0, 1.0]])      # ECEF -> ECI at t = 0
    r_eci = rot @ r_ecef
    v_eci = rot @ (v_ecef + np.cross([0, 0, w], r_ecef))
    y = np.concatenate([r_eci, v_eci, [case.vehicle.mass_kg]])
    n_out = int(round(case.duration_s / case.output_step_s)) + 1
    rows = []
    for k in range(n_out):
        t_k = k * case.output_step_s
        if k > 0:
            seg = body.propagate((k - 1) * case.output_step_s, y, t_k)
            y = seg.y
        rows.append(_row(body, t_k, y))
    arr = np.array(rows)
    return CaseResult(case.name, {c_: arr[:, i] for i, c_ in enumerate(OUTPUT_COLUMNS)})


def _row(body: Body, t, y):
    d = body.derived(t, y)
    P = body.P
    th = P[D.P_THETA0] + P[D.P_OMEGA] * t
    c, s = math.cos(th), math.sin(th)
    r_e = np.array([c * y[0] + s * y[1], -s * y[0] + c * y[1], y[2]])
    v_rel = y[3:6] - np.cross([0, 0, P[D.P_OMEGA]], y[:3])
    v_e = np.array([c * v_rel[0] + s * v_rel[1], -s * v_rel[0] + c * v_rel[1], v_rel[2]])
    lat, lon = d[D.D_LAT], d[D.D_LON]
    v_ned = ned_basis(lat, lon) @ v_e
    _, _, _, a_snd = us76(d[D.D_ALT])
    del r_e
    return [t, d[D.D_ALT], math.degrees(lat), math.degrees(lon), *v_ned, d[D.D_MACH] * a_snd,
            d[D.D_MACH], d[D.D_Q]]


def load_case(path) -> CheckCase:
    p = Path(path)
    return load_model(CheckCase, read_toml(p), str(p))


def run_case_file(path) -> CaseResult:
    return run_case(load_case(path))


def read_reference(path) -> dict:
    with open(path) as fh:
        rdr = csv.DictReader(fh)
        rows = list(rdr)
    return {k: np.array([float(r[k]) for r in rows]) for k in rows[0]}


def differences(res: CaseResult, ref: dict, case: CheckCase) -> dict:
    """Per-time differences (altitude, horizontal ground distance, NED velocity) at the reference
    times, as the README's 'How to compare' defines them."""
    t = res.table["time_s"]
    idx = np.searchsorted(np.round(t, 6), np.round(ref["time_s"], 6))
    idx = np.clip(idx, 0, len(t) - 1)
    ok = np.abs(t[idx] - ref["time_s"]) < 1e-6
    e = case.earth
    a = e.a_m if e.shape == "wgs84" else e.radius_m
    f = e.f if e.shape == "wgs84" else 0.0
    e2 = f * (2 - f)
    lat = np.radians(ref["latitude_deg"][ok])
    h = ref["altitude_m"][ok]
    sl2 = np.sin(lat) ** 2
    N = a / np.sqrt(1 - e2 * sl2)
    M = a * (1 - e2) / (1 - e2 * sl2) ** 1.5
    j = idx[ok]
    dlat = np.radians(res.table["latitude_deg"][j] - ref["latitude_deg"][ok])
    dlon = np.radians((res.table["longitude_deg"][j] - ref["longitude_deg"][ok] + 180) % 360 - 180)
    dn = (M + h) * dlat
    de = (N + h) * np.cos(lat) * dlon
    dv = np.sqrt(sum((res.table[c][j] - ref[c][ok]) ** 2 for c in
                     ("velocity_north_m_s", "velocity_east_m_s", "velocity_down_m_s")))
    out = {"time_s": ref["time_s"][ok], "altitude_m": np.abs(res.table["altitude_m"][j] - h),
           "ground_m": np.hypot(dn, de), "velocity_m_s": dv}
    for c in ("mach", "dynamic_pressure_Pa", "airspeed_m_s"):
        if c in ref:
            out[c] = np.abs(res.table[c][j] - ref[c][ok])
    return out


def compare_to_references(res: CaseResult, case_path) -> dict:
    """Largest differences from each reference_simKK.csv beside the case file."""
    case_path = Path(case_path)
    case = load_case(case_path)
    out = {}
    for ref_file in sorted(case_path.parent.glob("reference_sim*.csv")):
        d = differences(res, read_reference(ref_file), case)
        out[ref_file.stem.removeprefix("reference_")] = {
            f"{k}_max": float(np.max(v)) for k, v in d.items() if k != "time_s"}
    return out
