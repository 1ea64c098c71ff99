"""The navigated state: the truth plus navigation errors, as the guidance sees it.

Errors live in the landing zone's ENU frame (x East, y North, z Up): a constant bias and white
noise (1-sigma per axis) drawn afresh at each guidance call from a stream seeded by the flight's
seed.  The simulator integrates the truth; only guidance inputs go through ``Navigator``.
"""
from __future__ import annotations

import numpy as np

NAV_STREAM = 0x4E4156        # "NAV": the noise stream's key next to the flight's seed


class Navigator:
    def __init__(self, pos_bias_m=(0.0, 0.0, 0.0), vel_bias_m_s=(0.0, 0.0, 0.0), pos_sigma_m=0.0,
                 vel_sigma_m_s=0.0, seed: int = 0):
        self.pos_bias_m = np.asarray(pos_bias_m, float).reshape(3).copy()
        self.vel_bias_m_s = np.asarray(vel_bias_m_s, float).reshape(3).copy()
        self.pos_sigma_m = float(pos_sigma_m)
        self.vel_sigma_m_s = float(vel_sigma_m_s)
        self.rng = np.random.default_rng([int(seed), NAV_STREAM])

    @classmethod
    def from_perturbation(cls, perturb) -> "Navigator":
        if perturb is None:
            return cls()
        return cls(perturb.nav_pos_bias_m, perturb.nav_vel_bias_m_s, perturb.nav_pos_noise_m,
                   perturb.nav_vel_noise_m_s, perturb.seed)

    @property
    def active(self) -> bool:
        return bool(self.pos_sigma_m > 0.0 or self.vel_sigma_m_s > 0.0 or np.any(self.pos_bias_m)
                    or np.any(self.vel_bias_m_s))

    def add_bias(self, pos_m=None, vel_m_s=None):
        if pos_m is not None:
            self.pos_bias_m += np.asarray(pos_m, float)
        if vel_m_s is not None:
            self.vel_bias_m_s += np.asarray(vel_m_s, float)

    def add_noise(self, pos_sigma_m=None, vel_sigma_m_s=None):
        """Independent noise sources add in quadrature."""
        if pos_sigma_m is not None:
            self.pos_sigma_m = float(np.hypot(self.pos_sigma_m, pos_sigma_m))
        if vel_sigma_m_s is not None:
            self.vel_sigma_m_s = float(np.hypot(self.vel_sigma_m_s, vel_sigma_m_s))

    def error_enu(self):
        """(position error m, velocity error m/s) in zone ENU for one guidance call."""
        dr = self.pos_bias_m.copy()
        dv = self.vel_bias_m_s.copy()
        if self.pos_sigma_m > 0.0:
            dr += self.rng.normal(0.0, self.pos_sigma_m, 3)
        if self.vel_sigma_m_s > 0.0:
            dv += self.rng.normal(0.0, self.vel_sigma_m_s, 3)
        return dr, dv

    def enu(self, r_enu_m, v_enu_m_s):
        """Navigated zone-ENU position and Earth-relative velocity from the true ones."""
        if not self.active:
            return r_enu_m, v_enu_m_s
        dr, dv = self.error_enu()
        return r_enu_m + dr, v_enu_m_s + dv

    def eci(self, t, y, zone):
        """Navigated ECI state (position, velocity, mass) from the true one; ``zone`` gives the ENU
        axes.  A velocity error in the rotating frame is the same vector in ECI axes."""
        if not self.active:
            return y
        dr, dv = self.error_enu()
        out = np.array(y, float, copy=True)
        out[:3] += zone.enu_to_eci_dir(t, dr)
        out[3:6] += zone.enu_to_eci_dir(t, dv)
        return out
