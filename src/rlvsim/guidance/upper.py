"""Closed-loop upper-stage guidance to a target orbit: linear-tangent steering solved by a numerical
predictor-corrector.

The steering law is the linear-tangent law of optimal vacuum ascent (Bryson & Ho, 1975, sec 2.7):
thrust direction u(tau) ~ h_dir(psi) + (A + B tau) r_hat, frozen in ECI at the start of each major
cycle (tau = time since the cycle started).  Every cycle the three unknowns (A, B, psi) are corrected
by damped Newton iterations on the *full nonlinear* prediction of the remaining burn (the same
compiled dynamics the simulator flies), cutting off when the specific orbital energy reaches the
target orbit's, so that at cut-off:  |r| = r_perigee,  radial speed = 0,  cos(i) = cos(i_target).
This is the 'numerical predictor-corrector' family of ascent guidance; the cut-off on energy is the
usual SECO criterion.
"""
from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np

from ..flight.propagator import Body, Event

MU = 3.986004418e14


@dataclass
class InsertionTarget:
    perigee_radius_m: float
    apogee_radius_m: float
    inclination_rad: float

    @property
    def energy_J_kg(self) -> float:
        return -MU / (self.perigee_radius_m + self.apogee_radius_m)


@dataclass
class GuidanceResult:
    converged: bool
    residual: float
    time_to_go_s: float
    reached: bool          # prediction reaches the target energy before burnout


@dataclass
class LinearTangentGuidance:
    target: InsertionTarget
    mass_min_kg: float                     # burnout mass (dry + residuals + payload...)
    x: np.ndarray = field(default_factory=lambda: np.array([0.3, -0.002, 0.0]))
    t_cycle: float = 0.0
    frame: tuple | None = None
    initialised: bool = False
    last: GuidanceResult | None = None
    solves: int = 0
    J: np.ndarray | None = None

    # ---- frame and law ------------------------------------------------------------------------
    @staticmethod
    def _frame(y):
        r = y[:3]
        rh = r / np.linalg.norm(r)
        east = np.array([-rh[1], rh[0], 0.0])          # z x r_hat
        en = np.linalg.norm(east)
        east = east / en if en > 1e-9 else np.array([0.0, 1.0, 0.0])
        north = np.array([rh[1] * east[2] - rh[2] * east[1], rh[2] * east[0] - rh[0] * east[2],
                          rh[0] * east[1] - rh[1] * east[0]])
        return rh, east, north

    def law(self, x, frame):
        """(u0, udot) in ECI for parameters x = (A, B, psi_rad)."""
        rh, east, north = frame
        a, b, psi = x
        hdir = math.sin(psi) * east + math.cos(psi) * north
        return hdir + a * rh, b * rh

    def _residual(self, body: Body, t, y, x, frame):
        u0, ud = self.law(x, frame)
        body.point_inertial(u0, ud, t)
        events = (Event("seco", "energy", self.target.energy_J_kg, +1),
                  Event("burnout", "mass", self.mass_min_kg, -1),
                  Event("reentry", "altitude", 30_000.0, -1))
        seg = body.propagate(t, y, t + 3000.0, events, h_max_s=60.0)
        r = seg.y[:3]
        v = seg.y[3:6]
        rn = np.linalg.norm(r)
        hx = r[1] * v[2] - r[2] * v[1]
        hy = r[2] * v[0] - r[0] * v[2]
        hz = r[0] * v[1] - r[1] * v[0]
        ci = hz / math.sqrt(hx * hx + hy * hy + hz * hz)
        res = np.array([(rn - self.target.perigee_radius_m) / 1e4,
                        (r @ v) / rn / 10.0,
                        (ci - math.cos(self.target.inclination_rad)) * 100.0])
        return res, seg.t_s - t, seg.event == "seco"

    def _initial_guess(self, y, frame, azimuth_hint_deg):
        rh, east, north = frame
        v = y[3:6]
        vh = v - (v @ rh) * rh
        psi = math.atan2(vh @ east, vh @ north)
        if azimuth_hint_deg is not None and np.linalg.norm(vh) < 1.0:
            psi = math.radians(azimuth_hint_deg)
        gamma = math.atan2(v @ rh, np.linalg.norm(vh))
        return np.array([math.tan(max(gamma, 0.05)), -0.001, psi])

    # ---- the major cycle ------------------------------------------------------------------------
    _SCALE = np.array([0.3, 0.002, 0.1])     # typical sizes of (A, B 1/s, psi rad)

    def _solve(self, body, t, y, x, frame, iterations):
        """Levenberg-Marquardt on the scaled unknowns.  The Jacobian (finite differences) is kept
        between cycles and refreshed by Broyden updates; it is recomputed only when a step with
        it fails, so a converged cycle costs about two predictions."""
        s = self._SCALE
        res, tgo, reached = self._residual(body, t, y, x, frame)
        nrm = np.linalg.norm(res)
        mu = 1e-3
        J = self.J
        fresh = False
        for _ in range(iterations):
            if nrm < 1e-3:
                break
            if J is None:
                J = np.empty((3, 3))
                for j in range(3):
                    dx = np.zeros(3)
                    dx[j] = 1e-3 * s[j]
                    rj, _, _ = self._residual(body, t, y, x + dx, frame)
                    J[:, j] = (rj - res) / 1e-3          # derivative per scaled unit
                fresh = True
            improved = False
            for _ in range(6 if fresh else 1):
                A = J.T @ J + mu * np.eye(3)
                dz = np.clip(np.linalg.solve(A, -J.T @ res), -3.0, 3.0)
                xn = x + dz * s
                rn_, tg, rc = self._residual(body, t, y, xn, frame)
                if np.linalg.norm(rn_) < nrm:
                    # Broyden rank-one update of the Jacobian along the step taken
                    J = J + np.outer(rn_ - res - J @ dz, dz) / max(dz @ dz, 1e-30)
                    x, res, tgo, reached, nrm = xn, rn_, tg, rc, np.linalg.norm(rn_)
                    mu = max(mu / 5.0, 1e-9)
                    improved = True
                    break
                mu *= 8.0
            if not improved:
                if fresh:
                    break
                J = None            # the kept Jacobian is stale: recompute it
        self.J = J
        return x, res, tgo, reached, nrm
    def _coarse(self, body, t, y, frame, psi):
        """Grid over the pitch law for a starting point when there is no good previous solution."""
        best = None
        for a in (0.05, 0.2, 0.4, 0.7, 1.0, 1.5, 2.5):
            for b in (-0.0005, -0.001, -0.002, -0.004, -0.008):
                x = np.array([a, b, psi])
                res, _, _ = self._residual(body, t, y, x, frame)
                n = np.linalg.norm(res)
                if best is None or n < best[0]:
                    best = (n, x)
        return best[1]

    def update(self, body: Body, t: float, y: np.ndarray, azimuth_hint_deg=None, iterations=8):
        """Re-solve the steering from the current (navigated) state; returns (u0, udot, t_ref)."""
        frame = self._frame(y)
        if not self.initialised:
            x = self._initial_guess(y, frame, azimuth_hint_deg)
            x, res, tgo, reached, nrm = self._solve(body, t, y, x, frame, 3)
            if nrm > 1e-2:
                x = self._coarse(body, t, y, frame, x[2])
            self.initialised = True
        else:
            # re-base the previous solution on this cycle's time origin
            x = self.x + np.array([self.x[1] * (t - self.t_cycle), 0.0, 0.0])
        x, res, tgo, reached, nrm = self._solve(body, t, y, x, frame, iterations)
        if nrm > 0.1 and self.last is not None and self.last.converged:
            # keep flying the last converged law rather than a worse one
            x = self.x + np.array([self.x[1] * (t - self.t_cycle), 0.0, 0.0])
        self.solves += 1
        self.x = x
        self.t_cycle = t
        self.frame = frame
        self.last = GuidanceResult(nrm < 1e-2, float(nrm), float(tgo), bool(reached))
        u0, ud = self.law(x, frame)
        return u0, ud, t
