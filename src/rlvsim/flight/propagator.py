"""Python face of the compiled dynamics: one flying body, its engines, attitude mode and events."""
from __future__ import annotations

import functools
from dataclasses import dataclass, field

import numpy as np

from ..earth.constants import G0_M_S2, GRAVITY_INVERSE_SQUARE, GRAVITY_J2
from . import dynamics as D
from .integrator import (EV_ALTITUDE, EV_DYN_PRESSURE, EV_ENERGY, EV_LANDING_GATE, EV_MASS,
                         EV_RADIAL_SPEED, EV_SPEED_INERTIAL, EV_SPEED_REL, EV_TIME, EV_VERTICAL_SPEED,
                         integrate, sample)

EVENT_KINDS = {
    "time": EV_TIME, "altitude": EV_ALTITUDE, "vertical_speed": EV_VERTICAL_SPEED, "mass": EV_MASS,
    "speed": EV_SPEED_REL, "dynamic_pressure": EV_DYN_PRESSURE, "energy": EV_ENERGY,
    "radial_speed": EV_RADIAL_SPEED, "inertial_speed": EV_SPEED_INERTIAL,
    # altitude - v_rel^2 / (2 a_gate) while descending (the altitude otherwise): the 1-D stopping gate
    # of the landing-point predictor; needs Body.set_landing_gate(thrust); target = zone altitude
    "landing_gate": EV_LANDING_GATE,
}


@functools.lru_cache(maxsize=512)
def _event_arrays(events: tuple):
    """(kinds, targets, directions) of these events as the integrator takes them, cached: the
    simulator stops on the same few events thousands of times a flight.  Shared: never written to
    (not flagged read-only, which would compile the integrator a second time for that type)."""
    kinds = np.array([EVENT_KINDS[e.quantity] for e in events], dtype=np.int64)
    targets = np.array([e.target for e in events], float)
    dirs = np.array([e.direction for e in events], float)
    return kinds, targets, dirs


@dataclass(frozen=True)
class Event:
    """Stop when ``quantity`` crosses ``target`` (direction +1 rising, -1 falling, 0 either)."""
    name: str
    quantity: str
    target: float
    direction: int = 0


@dataclass
class EarthModel:
    """The Earth the dynamics fly over (defaults: WGS-84, rotating, J2)."""
    a_m: float = 6378137.0
    f: float = 1.0 / 298.257223563
    rotation_rate_rad_s: float = 7.292115e-5
    theta0_rad: float = 0.0
    gravity: str = "j2"               # "j2" | "inverse_square"
    mu_m3_s2: float = 3.986004418e14
    j2: float = 0.00108262982
    j2_reference_radius_m: float = 6378137.0


@dataclass
class Segment:
    t_s: float
    y: np.ndarray
    event: str | None
    steps: int


_NO_WIND = np.zeros((4, 1))
_NO_DRAG = np.array([[0.0, 1.0], [0.0, 0.0]])


@dataclass
class Body:
    """A flying body (stack or stage): the parameter vector and tables of the compiled RHS."""
    earth: EarthModel = field(default_factory=EarthModel)
    P: np.ndarray = field(default_factory=D.default_params)
    cd_tab: np.ndarray = field(default_factory=lambda: _NO_DRAG.copy())
    wind_tab: np.ndarray = field(default_factory=lambda: _NO_WIND.copy())
    rtol: float = 1e-9
    atol: float = 1e-6
    h_max_s: float = 5.0
    _h: float = 0.5

    def __post_init__(self):
        e = self.earth
        P = self.P
        P[D.P_GRAVITY_MODEL] = GRAVITY_J2 if e.gravity == "j2" else GRAVITY_INVERSE_SQUARE
        P[D.P_MU] = e.mu_m3_s2
        P[D.P_J2] = e.j2
        P[D.P_RREF] = e.j2_reference_radius_m
        P[D.P_A] = e.a_m
        P[D.P_F] = e.f
        P[D.P_OMEGA] = e.rotation_rate_rad_s
        P[D.P_THETA0] = e.theta0_rad

    # -- configuration ----------------------------------------------------------------------
    def set_aero(self, mach, cd, reference_area_m2, cl_alpha_per_rad=0.0):
        self.cd_tab = np.array([np.asarray(mach, float), np.asarray(cd, float)])
        self.P[D.P_AERO_ON] = 1.0
        self.P[D.P_SREF] = reference_area_m2
        self.P[D.P_CL_ALPHA] = cl_alpha_per_rad

    def set_vacuum(self):
        self.P[D.P_AERO_ON] = 0.0

    def set_wind(self, alt_m, north, east, down):
        self.wind_tab = np.array([alt_m, north, east, down], dtype=float).reshape(4, -1)

    def set_engines(self, n_lit, thrust_vac_N, exit_area_m2, isp_vac_s, throttle=1.0, mass_min_kg=0.0):
        P = self.P
        P[D.P_N_LIT] = n_lit
        P[D.P_THRUST_VAC] = thrust_vac_N
        P[D.P_EXIT_AREA] = exit_area_m2
        P[D.P_MDOT_MAX] = thrust_vac_N / (isp_vac_s * G0_M_S2) if isp_vac_s > 0 else 0.0
        P[D.P_THROTTLE] = throttle
        P[D.P_MASS_MIN] = mass_min_kg

    def engines_off(self):
        self.P[D.P_N_LIT] = 0.0

    def set_throttle(self, throttle):
        self.P[D.P_THROTTLE] = throttle

    def point_inertial(self, u0, udot=(0.0, 0.0, 0.0), t_ref=0.0):
        P = self.P
        P[D.P_ATT_MODE] = 0.0
        P[D.P_U0:D.P_U0 + 3] = u0
        P[D.P_UDOT:D.P_UDOT + 3] = udot
        P[D.P_T_REF] = t_ref

    def point_prograde(self):
        self.P[D.P_ATT_MODE] = 1.0

    def point_retrograde(self):
        self.P[D.P_ATT_MODE] = 2.0

    def set_landing_gate(self, thrust_N):
        """Thrust (N) of the planned landing burn that the 'landing_gate' event's 1-D gate assumes."""
        self.P[D.P_GATE_THRUST] = thrust_N

    def set_lift(self, alpha_rad, direction_eci):
        self.P[D.P_ALPHA] = alpha_rad
        self.P[D.P_LIFT_DIR:D.P_LIFT_DIR + 3] = direction_eci

    def clone(self) -> "Body":
        """An independent copy (for predictions that must not disturb the flying body)."""
        return Body(earth=self.earth, P=self.P.copy(), cd_tab=self.cd_tab.copy(),
                    wind_tab=self.wind_tab.copy(), rtol=self.rtol, atol=self.atol,
                    h_max_s=self.h_max_s, _h=self._h)

    # -- evaluation ---------------------------------------------------------------------------
    def propagate(self, t0, y0, t1, events=(), h_max_s=None) -> Segment:
        kinds, targets, dirs = _event_arrays(tuple(events))
        y_out = np.empty(7)
        t, k, h, steps, status = integrate(
            float(t0), np.asarray(y0, float), float(t1), self.P, self.cd_tab, self.wind_tab,
            kinds, targets, dirs, self.rtol, self.atol, self._h, h_max_s or self.h_max_s, y_out)
        if status != 0:
            raise FloatingPointError(f"integrator failed (status {status}) at t = {t:.3f} s")
        self._h = h
        return Segment(t, y_out, events[k].name if k >= 0 else None, steps)

    def sample(self, t0, y0, dt_s, t_end, events=(), h_max_s=None, alt_floor_m=-np.inf, max_samples=100_000):
        """Propagate in samples of ``dt_s`` (as `propagate` called from each sample's end to the next)
        until ``t_end``, the first of ``events`` or the first sample below ``alt_floor_m`` (geometric
        altitude, m).  Returns (times (k,), ECI states (k, 7), derived quantities (k, D_SIZE) at each
        sample's end, the event's name or None); the last sample is the event's state when one fired."""
        kinds, targets, dirs = _event_arrays(tuple(events))
        cap = max_samples
        if np.isfinite(t_end):
            cap = int(min(max(np.ceil((t_end - t0) / dt_s), 0.0) + 1.0, max_samples))
        ts, ys, ds = np.empty(cap), np.empty((cap, 7)), np.empty((cap, D.D_SIZE))
        k, fired, h, status = sample(float(t0), np.asarray(y0, float), float(dt_s), float(t_end), self.P, self.cd_tab,
                                     self.wind_tab, kinds, targets, dirs, self.rtol, self.atol, self._h,
                                     h_max_s or self.h_max_s, float(alt_floor_m), ts, ys, ds)
        if status != 0:
            raise FloatingPointError(f"integrator failed (status {status}) at t = {ts[k - 1] if k else t0:.3f} s")
        self._h = h
        return ts[:k], ys[:k], ds[:k], events[fired].name if fired >= 0 else None

    def derived(self, t, y) -> np.ndarray:
        out = np.empty(D.D_SIZE)
        D.derived(float(t), np.asarray(y, float), self.P, self.cd_tab, self.wind_tab, out)
        return out

    def accel(self, t, y) -> np.ndarray:
        out = np.empty(7)
        D.rhs(float(t), np.asarray(y, float), self.P, self.cd_tab, self.wind_tab, out)
        return out
