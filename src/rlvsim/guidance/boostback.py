"""Booster return targeting: predict the impact point with the full nonlinear model (rotating
Earth, J2, US76 air, drag, the planned entry burn) and null the miss to the landing zone.

The boostback burn is a constant-direction (inertially fixed) burn of the boostback engines with
a chosen azimuth and elevation; its azimuth and duration are found by damped Newton iterations on
the predicted miss (east, north) in the landing zone's ENU frame, with finite-difference
Jacobians.  Bounded: at most ``max_iter`` iterations and the propellant it may use.
"""
from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from ..flight.dynamics import D_VREL
from ..flight.propagator import Body, Event
from .ascent import enu_axes_eci


@dataclass(frozen=True)
class EntrySpec:
    """The entry burn as the predictor flies it: retrograde from ``start_altitude_m`` (falling) until
    the Earth-relative speed drops to ``target_speed_m_s``."""
    start_altitude_m: float
    target_speed_m_s: float
    engines: tuple            # (n, thrust_vac_N, exit_area_m2, isp_vac_s)
    mass_min_kg: float
    keep_mass_kg: float = 0.0  # after the target speed, burn on down to this mass (or 150 m/s)


@dataclass(frozen=True)
class ZoneFrame:
    """Landing zone: ECEF position and ENU axes (rows E, N, U in ECEF)."""
    r_ecef_m: np.ndarray
    axes: np.ndarray
    alt_m: float
    omega: float
    theta0: float

    def to_enu(self, t, y):
        """ECI state -> (position ENU m, Earth-relative velocity ENU m/s) relative to the zone."""
        th = self.theta0 + self.omega * t
        c, s = math.cos(th), math.sin(th)
        R = np.array([[c, s, 0.0], [-s, c, 0.0], [0.0, 0.0, 1.0]])        # ECI -> ECEF
        r_e = R @ y[:3]
        w = self.omega
        v_rel = np.array([y[3] + w * y[1], y[4] - w * y[0], y[5]])      # v - omega x r
        v_e = R @ v_rel
        return self.axes @ (r_e - self.r_ecef_m), self.axes @ v_e

    def enu_to_eci_dir(self, t, d_enu):
        th = self.theta0 + self.omega * t
        c, s = math.cos(th), math.sin(th)
        d_e = self.axes.T @ d_enu
        return np.array([c * d_e[0] - s * d_e[1], s * d_e[0] + c * d_e[1], d_e[2]])


def make_zone(site, earth) -> ZoneFrame:
    from ..earth.frames import enu_basis, geodetic_to_ecef
    lat, lon = math.radians(site.lat_deg), math.radians(site.lon_deg)
    r = np.asarray(geodetic_to_ecef(lat, lon, site.alt_m, earth.a_m, earth.f), float)
    return ZoneFrame(r, np.asarray(enu_basis(lat, lon)), float(site.alt_m),
                     earth.rotation_rate_rad_s, earth.theta0_rad)


def predict_impact(body: Body, t, y, zone: ZoneFrame, entry: EntrySpec | None, max_time_s=3000.0,
                   stop_height_m: float = 0.0):
    """Coast (and fly the entry burn if given) down to ``stop_height_m`` above the zone.
    Returns (t, y, entry_done)."""
    body.engines_off()
    body.set_lift(0.0, (0.0, 0.0, 1.0))
    stop = [Event("ground", "altitude", zone.alt_m + stop_height_m, -1)]
    if entry is not None:
        stop.append(Event("entry", "altitude", entry.start_altitude_m, -1))
    t_end = t + max_time_s
    done = entry is None
    while True:
        seg = body.propagate(t, y, t_end, stop, h_max_s=20.0)
        t, y = seg.t_s, seg.y
        if seg.event == "entry" and entry.target_speed_m_s >= body.derived(t, y)[D_VREL]:
            done, stop = True, stop[:1]     # no speed to take off: the flight skips this burn too
            continue
        if seg.event == "entry":
            n, fv, ae, isp = entry.engines
            body.set_engines(n, fv, ae, isp, 1.0, mass_min_kg=entry.mass_min_kg)
            body.point_retrograde()
            seg = body.propagate(t, y, t_end, [Event("entry_end", "speed", entry.target_speed_m_s, -1),
                                               Event("burnout", "mass", entry.mass_min_kg + 1.0, -1),
                                               stop[0]], h_max_s=5.0)
            t, y = seg.t_s, seg.y
            if seg.event == "entry_end" and y[6] > entry.keep_mass_kg + 50.0:
                seg = body.propagate(t, y, t_end, [Event("entry_end", "speed", 150.0, -1),
                                                   Event("spent", "mass", entry.keep_mass_kg, -1),
                                                   stop[0]], h_max_s=5.0)
                t, y = seg.t_s, seg.y
            body.engines_off()
            done = True
            stop = stop[:1]
            if seg.event == "ground":
                break
            continue
        break
    return t, y, done


@dataclass
class BoostbackSolution:
    azimuth_deg: float
    elevation_deg: float
    duration_s: float
    miss_m: float
    converged: bool
    reachable: bool
    iterations: int
    predictions: int
    message: str = ""


def burn_direction(t, y, azimuth_deg, elevation_deg, earth) -> np.ndarray:
    from ..earth.frames import ecef_to_geodetic
    th = earth.theta0_rad + earth.rotation_rate_rad_s * t
    c, s = math.cos(th), math.sin(th)
    lat, lon, _ = ecef_to_geodetic(c * y[0] + s * y[1], -s * y[0] + c * y[1], y[2], earth.a_m, earth.f)
    e, n, u = enu_axes_eci(lat, lon, t, earth.theta0_rad, earth.rotation_rate_rad_s)
    az, el = math.radians(azimuth_deg), math.radians(elevation_deg)
    return math.cos(el) * (math.sin(az) * e + math.cos(az) * n) + math.sin(el) * u


def target_boostback(body: Body, t0, y0, zone: ZoneFrame, engines, elevation_deg, entry: EntrySpec,
                     mass_min_kg: float, earth, tol_m=30.0, max_iter=25, landing=None,
                     handover_height_m: float = 15_000.0, throttle: float = 1.0) -> BoostbackSolution:
    """Azimuth and duration of the boostback burn that put the predicted landing point on the zone:
    coast and entry burn down to ``handover_height_m``, then (with a LandingBurnModel) the
    descent-and-landing predictor of guidance.descent; without one, the ballistic impact."""
    n, fv, ae, isp = engines
    mdot = throttle * n * fv / (isp * 9.80665)
    tau_max = max((y0[6] - mass_min_kg) / mdot, 0.0)
    count = [0]

    def miss(az, tau):
        count[0] += 1
        b = body
        y = y0
        t = t0
        if tau > 1e-6:
            b.set_engines(n, fv, ae, isp, throttle, mass_min_kg=mass_min_kg - 1.0)
            b.point_inertial(burn_direction(t0, y0, az, elevation_deg, earth))
            seg = b.propagate(t0, y0, t0 + tau, [Event("ground", "altitude", zone.alt_m, -1)], h_max_s=5.0)
            t, y = seg.t_s, seg.y
        ti, yi, _ = predict_impact(b, t, y, zone, entry, stop_height_m=handover_height_m)
        if landing is None:
            return zone.to_enu(ti, yi)[0][:2]
        from .descent import landing_point
        return landing_point(b, ti, yi, zone, landing)[0]

    m0 = miss(0.0, 0.0)
    if np.linalg.norm(m0) < tol_m:
        return BoostbackSolution(0.0, elevation_deg, 0.0, float(np.linalg.norm(m0)), True, True, 0, count[0],
                                 "no boostback needed")
    # first guess: push the impact toward the zone; speed change ~ distance / remaining flight time
    ti, _, _ = predict_impact(body, t0, y0, zone, entry)
    az = math.degrees(math.atan2(-m0[0], -m0[1]))
    dv = np.linalg.norm(m0) / max(ti - t0, 60.0)
    c = isp * 9.80665
    tau = min(y0[6] / mdot * (1 - math.exp(-dv / c)), 0.9 * tau_max)
    x = np.array([az, tau])
    res = miss(*x)
    best = (np.linalg.norm(res), x.copy())
    it = 0
    for it in range(1, max_iter + 1):
        nrm = np.linalg.norm(res)
        if nrm < tol_m:
            break
        J = np.empty((2, 2))
        for j, h in enumerate((0.2, 0.2)):
            dx = np.zeros(2)
            dx[j] = h
            J[:, j] = (miss(*(x + dx)) - res) / h
        try:
            step = np.linalg.solve(J, -res)
        except np.linalg.LinAlgError:
            step = np.linalg.lstsq(J, -res, rcond=None)[0]
        step[0] = np.clip(step[0], -30.0, 30.0)
        step[1] = np.clip(step[1], -20.0, 20.0)
        lam = 1.0
        improved = False
        while lam > 1 / 64:
            xn = x + lam * step
            xn[1] = min(max(xn[1], 0.0), tau_max)
            rn = miss(*xn)
            if np.linalg.norm(rn) < nrm:
                x, res, improved = xn, rn, True
                break
            lam *= 0.5
        if np.linalg.norm(res) < best[0]:
            best = (np.linalg.norm(res), x.copy())
        if not improved:
            break
    nrm, x = best
    at_limit = x[1] >= tau_max - 1e-6
    conv = nrm < tol_m
    msg = ("converged" if conv else
           f"zone out of reach with the propellant left ({tau_max:.0f} s of boostback): best miss {nrm / 1e3:.1f} km"
           if at_limit else f"targeting did not converge: best miss {nrm:.0f} m")
    return BoostbackSolution(float(x[0]) % 360.0, elevation_deg, float(x[1]), float(nrm), conv,
                             conv or not at_limit, it, count[0], msg)
