"""The result of a telemetry fit: per-stage estimates with uncertainty and correlation, the
fitted flight's comparison with the telemetry, plain data for JSON, and the fitted mission file."""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Optional

import numpy as np

from .params import PARAMS


@dataclass
class StageFit:
    """One least-squares stage: its knobs, start and fitted values, 1-sigma and correlation."""

    group: str
    names: list
    start: dict
    values: dict
    sigma: dict
    correlation: np.ndarray
    chi2: float
    dof: float                        # effective residual count - parameters
    lag1_autocorrelation: float       # of the weighted residuals at the solution
    evaluations: int
    flights: int
    seconds: float
    status: str


def _determined(name: str, sigma: float) -> bool:
    """False when the data leave a knob free: its 1-sigma exceeds its whole allowed range."""
    p = PARAMS[name]
    return bool(np.isfinite(sigma) and sigma < p.upper - p.lower)


def _r(x, nd=6):
    return None if x is None or not np.isfinite(x) else float(f"{x:.{nd}g}")


@dataclass
class FitResult:
    """A fitted mission, its parameter estimates with uncertainties, and how it compares."""

    mission: object                   # the fitted Mission (its vehicle still the source's)
    source_mission: str
    telemetry: str
    stages: list
    comparison: dict                  # telemetry.compare output + whole-flight figures
    flights: dict
    seconds: float
    vehicle_data: Optional[dict] = None    # TOML data of the fitted vehicle (descent drag), if fitted
    notes: list = field(default_factory=list)

    @property
    def values(self) -> dict:
        return {k: v for s in self.stages for k, v in s.values.items()}

    @property
    def sigma(self) -> dict:
        return {k: v for s in self.stages for k, v in s.sigma.items()}

    def to_dict(self) -> dict:
        params = {}
        for s in self.stages:
            for n in s.names:
                params[n] = {"group": s.group, "start": _r(s.start[n]), "value": _r(s.values[n]),
                             "sigma": _r(s.sigma[n]), "determined": _determined(n, s.sigma[n]),
                             "unit": PARAMS[n].unit, "meaning": PARAMS[n].doc}
        stages = [{"group": s.group, "parameters": s.names,
                   "correlation": [[_r(x, 3) for x in row] for row in s.correlation],
                   "chi2": round(s.chi2, 1), "dof": round(s.dof, 1),
                   "lag1_autocorrelation": round(s.lag1_autocorrelation, 3), "evaluations": s.evaluations,
                   "flights": s.flights, "seconds": round(s.seconds, 2), "status": s.status} for s in self.stages]
        c = self.comparison
        keys = ("altitude_rms_m", "speed_rms_m_s", "max_altitude_m", "max_speed_m_s", "altitude_rms_fraction_of_max",
                "speed_rms_fraction_of_max", "samples_compared", "time_span_s", "event_times_sim_s",
                "event_times_detected_s", "event_time_errors_s", "event_time_errors_vs_webcast_s", "per_phase")
        return {"mission": self.mission.name, "fitted_from": self.source_mission, "telemetry": self.telemetry,
                "parameters": params, "stages": stages, **{k: c.get(k) for k in keys},
                "booster_outcome": c.get("booster_outcome"), "flights": self.flights,
                "seconds": round(self.seconds, 2), "notes": self.notes}

    def header(self) -> list[str]:
        """Comment lines for the fitted mission file: what was fitted, to which data, the figures."""
        c = self.comparison
        lines = [f"Fitted by `rlvsim telemetry fit` to {self.telemetry} (start: mission {self.source_mission}).",
                 "Bounded nonlinear least squares (rlvsim.telemetry.fit, docs/telemetry.md) on altitude and speed",
                 "and on event times (detected in the telemetry, and the webcast's when given);",
                 "1-sigma = s^2 (J^T J)^-1 per stage; 'undetermined': sigma wider than the knob's range.", "Fitted:"]
        for s in self.stages:
            for n in s.names:
                und = " undetermined" if not _determined(n, s.sigma[n]) else ""
                lines.append(f"  {n} = {s.values[n]:.6g} +- {s.sigma[n]:.2g} {PARAMS[n].unit} "
                             f"(start {s.start[n]:.6g}; {s.group} stage){und}")
        lines.append(f"Whole first-stage flight: altitude RMS {c['altitude_rms_m']:.0f} m "
                     f"({100 * c['altitude_rms_fraction_of_max']:.2f} % of {c['max_altitude_m']:.0f} m), speed RMS "
                     f"{c['speed_rms_m_s']:.1f} m/s ({100 * c['speed_rms_fraction_of_max']:.2f} % of "
                     f"{c['max_speed_m_s']:.0f} m/s); booster {c.get('booster_outcome')}.")
        for label, key in (("webcast events.csv", "event_time_errors_vs_webcast_s"),
                           ("events detected in the telemetry", "event_time_errors_s")):
            errs = c.get(key) or {}
            if errs:
                lines.append(f"Event time errors vs {label} (s, simulated - observed): "
                             + ", ".join(f"{k} {v:+.1f}" for k, v in errs.items()))
        lines.append(f"{self.flights['total']} simulated flights, {self.seconds:.1f} s wall.")
        return lines

    def write_toml(self, path) -> Path:
        """Write the fitted mission file (and, when a descent drag was fitted, the vehicle file
        ``<stem>.vehicle.toml`` beside it, named in the mission by its file name: a mission file's
        relative vehicle path is relative to the mission file, so the two can be moved together)."""
        from . import tomlw

        path = Path(path)
        mission = self.mission
        header = self.header()
        if self.vehicle_data is not None:
            vpath = path.with_name(f"{path.stem}.vehicle.toml").resolve()
            tomlw.write(self.vehicle_data, vpath,
                        [f"Vehicle of {path.name}: {self.vehicle_data['full_name']}.",
                         "Written by `rlvsim telemetry fit`; only the descent drag table differs from the source vehicle."])
            mission = mission.model_copy(update={"vehicle": vpath.name})
            header.append(f"The vehicle is {vpath.name}: the source vehicle with the fitted descent drag.")
        return tomlw.write(mission.model_dump(mode="json", exclude_none=True), path, header)
