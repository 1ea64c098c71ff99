"""Dispersions of the physics a flight sees (the truth), applied to each flying body.

Masses are dispersed by flying a modified vehicle (Vehicle.model_copy); everything that lives in the
compiled dynamics is dispersed here.  Guidance predictions clone the flying body and so see the
dispersed thrust, drag and air as a well-estimated navigation filter would; the landing planner
keeps the vehicle file's nominal thrust (its limits come from the vehicle, not the body).
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


NOMINAL = Perturbation()
