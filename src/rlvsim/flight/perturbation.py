"""Dispersions of the physics a flight sees (the truth), applied to each flying body, and of what
its guidance sees (navigation errors, ignition delay).

Masses are dispersed by flying a modified vehicle (Vehicle.model_copy); everything that lives in the
compiled dynamics is dispersed here.  Guidance predictions clone the flying body and so see the
dispersed thrust, drag and air as a well-estimated navigation filter would; the landing planner
keeps the vehicle file's nominal thrust (its limits come from the vehicle, not the body).

Navigation errors are in the landing zone's ENU frame (x East, y North, z Up) and are added to the
state the landing guidance and the descent steering see (the navigated state), never to the truth
the simulator integrates: a bias is constant, noise is white (1-sigma per axis) and drawn afresh
at each guidance call from ``numpy.random.default_rng`` seeded by ``seed``.
"""
from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from . import dynamics as D


@dataclass(frozen=True)
class Perturbation:
    thrust_scale: dict = field(default_factory=dict)   # stage name -> factor on thrust (and mass flow)
    isp_scale: dict = field(default_factory=dict)      # stage name -> factor on Isp (mass flow / factor)
    cd_scale: float = 1.0
    rho_scale: float = 1.0
    wind_profile: tuple | None = None                  # (altitude_m, north_m_s, east_m_s, down_m_s) arrays
    nav_pos_bias_m: tuple = (0.0, 0.0, 0.0)            # landing-zone ENU, added to the navigated position
    nav_vel_bias_m_s: tuple = (0.0, 0.0, 0.0)          # landing-zone ENU, added to the navigated velocity
    nav_pos_noise_m: float = 0.0                       # 1-sigma per axis, white, drawn at each guidance call
    nav_vel_noise_m_s: float = 0.0
    landing_ignition_delay_s: float = 0.0              # engines light this long after the command
    seed: int = 0                                      # random stream of this flight (noise, random faults)

    def apply(self, body, stage: str):
        """Write the dispersed truth into a body flying ``stage`` ('stack' uses the booster's engines)."""
        key = "booster" if stage == "stack" else stage
        thrust = float(self.thrust_scale.get(key, 1.0))
        isp = float(self.isp_scale.get(key, 1.0))
        body.P[D.P_THRUST_SCALE] = thrust
        body.P[D.P_MDOT_SCALE] = thrust / isp
        body.P[D.P_CD_SCALE] = self.cd_scale
        body.P[D.P_RHO_SCALE] = self.rho_scale
        if self.wind_profile is not None:
            body.wind_tab = np.array([np.asarray(c, float) for c in self.wind_profile])
        return body

    @property
    def has_nav_error(self) -> bool:
        return bool(any(self.nav_pos_bias_m) or any(self.nav_vel_bias_m_s)
                    or self.nav_pos_noise_m > 0.0 or self.nav_vel_noise_m_s > 0.0)


NOMINAL = Perturbation()
