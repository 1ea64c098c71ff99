"""The result of one simulated mission: events, per-stage trajectories and outcomes, plain data."""
from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from ..flight.orbit import Orbit
from ..flight.recorder import COLUMNS


@dataclass
class FlightEvent:
    name: str
    stage: str
    time_s: float
    altitude_m: float
    speed_m_s: float
    detail: dict = field(default_factory=dict)

    def as_dict(self) -> dict:
        d = {"name": self.name, "stage": self.stage, "time_s": round(self.time_s, 4),
             "altitude_m": round(self.altitude_m, 2), "speed_m_s": round(self.speed_m_s, 3)}
        d.update(self.detail)
        return d


@dataclass
class StageResult:
    name: str
    trajectory: dict                 # column -> ndarray (see flight.recorder.COLUMNS) + "phase"
    outcome: str                     # "orbit", "failed_to_orbit", "expended", "landed", ...
    info: dict = field(default_factory=dict)
    # the booster's mission.landing.LandingReport (plans, limits, fallbacks) for reports; not in summary()
    landing: object = None


@dataclass
class Flight:
    vehicle: str
    mission: str
    payload_kg: float
    events: list[FlightEvent]
    stages: dict[str, StageResult]
    orbit: Orbit | None
    max_q_Pa: float
    notes: list[str] = field(default_factory=list)

    # -- access ---------------------------------------------------------------------------------
    def stage(self, name: str) -> StageResult:
        return self.stages[name]

    def outcome(self, stage: str) -> str:
        return self.stages[stage].outcome

    def event(self, name: str, stage: str | None = None) -> FlightEvent | None:
        for e in self.events:
            if e.name == name and (stage is None or e.stage == stage):
                return e
        return None

    # -- export ---------------------------------------------------------------------------------
    def summary(self) -> dict:
        orbit = None
        if self.orbit is not None:
            orbit = {"perigee_km": round(self.orbit.perigee_alt_m() / 1e3, 3),
                     "apogee_km": round(self.orbit.apogee_alt_m() / 1e3, 3),
                     "inclination_deg": round(self.orbit.inclination_deg, 4),
                     "period_min": round(self.orbit.period_s / 60.0, 3)
                     if np.isfinite(self.orbit.period_s) else None}
        stages = {}
        for name, s in self.stages.items():
            stages[name] = {"outcome": s.outcome, **s.info}
        return {"vehicle": self.vehicle, "mission": self.mission,
                "events": [e.as_dict() for e in sorted(self.events, key=lambda e: e.time_s)],
                "orbit": orbit, "payload_kg": round(self.payload_kg, 1),
                "max_q_Pa": round(self.max_q_Pa, 1), "stages": stages, "notes": self.notes}

    def trajectory_table(self):
        """All stages stacked in one Arrow table with a ``stage`` column; units in the schema."""
        import pyarrow as pa

        cols: dict[str, list] = {}
        for name, s in self.stages.items():
            tr = s.trajectory
            n = len(tr["time_s"])
            cols.setdefault("stage", []).append(np.full(n, name, dtype=object))
            cols.setdefault("phase", []).append(tr["phase"])
            for c in COLUMNS:
                cols.setdefault(c, []).append(tr[c])
        arrays, fields = [], []
        for c, parts in cols.items():
            data = np.concatenate(parts) if parts else np.array([])
            if c in ("stage", "phase"):
                arr = pa.array(data.astype(str).tolist(), type=pa.string())
                fields.append(pa.field(c, pa.string()))
            else:
                arr = pa.array(data.astype(float), type=pa.float64())
                fields.append(pa.field(c, pa.float64(), metadata={"unit": COLUMNS[c]}))
            arrays.append(arr)
        schema = pa.schema(fields, metadata={"frame": "ECI (x, y, z axes = ECEF at liftoff)",
                                             "time": "seconds from liftoff",
                                             "vehicle": self.vehicle, "mission": self.mission})
        return pa.Table.from_arrays(arrays, schema=schema)

    def write(self, out_dir) -> Path:
        import pyarrow.parquet as pq

        out = Path(out_dir)
        out.mkdir(parents=True, exist_ok=True)
        (out / "summary.json").write_text(json.dumps(self.summary(), indent=2, default=_json_default))
        pq.write_table(self.trajectory_table(), out / "trajectory.parquet")
        return out


def _json_default(o):
    if isinstance(o, (np.floating, np.integer)):
        return o.item()
    if isinstance(o, np.ndarray):
        return o.tolist()
    raise TypeError(type(o))
