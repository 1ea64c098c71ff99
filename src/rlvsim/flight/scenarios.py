"""Small reference scenarios flown with the flight core (benchmarks and cross-tool checks).

``vertical_hop``: a single-stage rocket lifts off vertically from the ground with constant thrust
and constant Isp, burns all its propellant, then coasts to apogee.  Thrust points along the
launch site's geodetic up, held fixed in ECI.  The launch site rests on the Earth (ECI velocity
omega x r at t = 0; ECI = ECEF at t = 0).
"""
from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from ..earth.constants import G0_M_S2
from ..earth.frames import geodetic_to_ecef
from ..errors import InputError
from .dynamics import D_ALT, D_VUP
from .propagator import Body, EarthModel, Event

# The engine-starvation guard inside the rhs sits this far below the dry mass, so the burnout is
# cut by the mass event (an exact step end) and never by the guard inside the event's last step.
_GUARD_MARGIN_KG = 1.0


@dataclass(frozen=True)
class HopResult:
    """Burnout and apogee of a vertical hop (altitudes geodetic, speeds Earth-relative)."""
    burnout_time_s: float
    burnout_altitude_m: float
    burnout_vertical_speed_m_s: float
    apogee_time_s: float
    apogee_altitude_m: float
    burnout_state_eci: np.ndarray      # [x, y, z, vx, vy, vz, m] (m, m/s, kg)
    apogee_state_eci: np.ndarray
    steps: int


def hop_body(dry_mass_kg: float, thrust_N: float, isp_s: float, *, cd: float | None = 0.5,
             radius_m: float = 1.85, exit_area_m2: float = 0.0, earth: EarthModel | None = None,
             rtol: float = 1e-9, atol: float = 1e-6) -> Body:
    """The Body of a vertical hop: one engine, constant Cd at every Mach (cd None = vacuum)."""
    for field, value in (("dry_mass_kg", dry_mass_kg), ("thrust_N", thrust_N), ("isp_s", isp_s),
                         ("radius_m", radius_m)):
        if not (value > 0.0 and math.isfinite(value)):
            raise InputError(f"vertical_hop: {field} = {value!r}: must be a finite number > 0")
    body = Body(earth=earth or EarthModel(), rtol=rtol, atol=atol)
    if cd is None:
        body.set_vacuum()
    else:
        body.set_aero([0.0, 100.0], [cd, cd], math.pi * radius_m ** 2)
    body.set_engines(1, thrust_N, exit_area_m2, isp_s, throttle=1.0,
                     mass_min_kg=dry_mass_kg - _GUARD_MARGIN_KG)
    return body


def launch_state(lat_rad: float, lon_rad: float, h_m: float, mass_kg: float,
                 earth: EarthModel) -> tuple[np.ndarray, np.ndarray]:
    """(ECI state of a vehicle at rest on the ground at t = 0, geodetic up unit vector in ECI)."""
    r = geodetic_to_ecef(lat_rad, lon_rad, h_m, earth.a_m, earth.f)
    w = earth.rotation_rate_rad_s
    v = np.array([-w * r[1], w * r[0], 0.0])            # omega x r, omega along +z
    up = np.array([math.cos(lat_rad) * math.cos(lon_rad), math.cos(lat_rad) * math.sin(lon_rad),
                   math.sin(lat_rad)])
    return np.concatenate([r, v, [mass_kg]]), up


def vertical_hop(dry_mass_kg: float, propellant_kg: float, thrust_N: float, isp_s: float, *,
                 cd: float | None = 0.5, radius_m: float = 1.85, exit_area_m2: float = 0.0,
                 lat_rad: float = 0.0, lon_rad: float = 0.0, h0_m: float = 0.0,
                 earth: EarthModel | None = None, rtol: float = 1e-9, atol: float = 1e-6,
                 t_max_s: float = 20000.0) -> HopResult:
    """Fly the hop to apogee; burnout is the mass event at the dry mass.

    Thrust = thrust_N - p_amb exit_area_m2 (exit_area_m2 = 0: pressure-independent thrust);
    mass flow = thrust_N / (isp_s g0).  cd None flies in vacuum.
    """
    if not (propellant_kg > 0.0 and math.isfinite(propellant_kg)):
        raise InputError(f"vertical_hop: propellant_kg = {propellant_kg!r}: must be a finite number > 0")
    m0_kg = dry_mass_kg + propellant_kg
    if thrust_N <= m0_kg * G0_M_S2:
        raise InputError(f"vertical_hop: thrust_N = {thrust_N!r}: must exceed the lift-off weight "
                         f"{m0_kg * G0_M_S2:.6g} N (mass {m0_kg:.6g} kg x g0)")
    earth = earth or EarthModel()
    body = hop_body(dry_mass_kg, thrust_N, isp_s, cd=cd, radius_m=radius_m,
                    exit_area_m2=exit_area_m2, earth=earth, rtol=rtol, atol=atol)
    y0, up = launch_state(lat_rad, lon_rad, h0_m, m0_kg, earth)
    body.point_inertial(up)
    burn = body.propagate(0.0, y0, t_max_s, [Event("burnout", "mass", dry_mass_kg, -1)])
    if burn.event != "burnout":
        raise InputError(f"vertical_hop: propellant_kg = {propellant_kg!r}: not burnt out by t_max_s = {t_max_s}")
    d_b = body.derived(burn.t_s, burn.y)
    body.engines_off()
    coast = body.propagate(burn.t_s, burn.y, t_max_s, [Event("apogee", "vertical_speed", 0.0, -1)])
    if coast.event != "apogee":
        raise InputError(f"vertical_hop: thrust_N = {thrust_N!r}: no apogee before t_max_s = {t_max_s}")
    d_a = body.derived(coast.t_s, coast.y)
    return HopResult(burn.t_s, float(d_b[D_ALT]), float(d_b[D_VUP]), coast.t_s, float(d_a[D_ALT]),
                     burn.y.copy(), coast.y.copy(), burn.steps + coast.steps)
