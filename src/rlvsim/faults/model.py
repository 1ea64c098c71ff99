"""Fault definitions (mission TOML ``[[faults]]`` tables, or ``--fault`` specs), validated by Pydantic.

A fault is a kind, its parameters, and one trigger:

* ``phase`` (+ ``delay_s``): that long after the booster enters the phase;
* ``time_s``: at that time after liftoff;
* ``altitude_m`` (+ optional ``phase``, ``direction``): when the geodetic altitude (m above the
  WGS-84 ellipsoid, as in the trajectory table) is crossed, falling by default;
* ``rate_per_s`` + ``phase``: at a random time, a Poisson process of that rate while in the phase
  (the draw comes from the flight's seed).

``probability`` (default 1) makes any fault happen only in that share of flights (drawn from the
flight's seed).  Kinds and their parameters are in KIND_FIELDS; docs/faults.md has the table.
"""
from __future__ import annotations

import math
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationInfo, field_validator, model_validator

FaultKind = Literal["engine_out", "ignition_failure", "thrust_shortfall", "throttle_stuck", "isp_loss",
                    "nav_bias", "nav_noise", "guidance_failure", "grid_fin_stuck"]
# the booster's phases after separation, in flight order
FaultPhase = Literal["flip", "boostback", "coast", "entry_burn", "aero_descent", "landing_burn"]
BURN_PHASES = ("boostback", "entry_burn", "landing_burn")

# kind -> the parameter fields it takes (any other parameter field is an error)
KIND_FIELDS: dict[str, tuple[str, ...]] = {
    "engine_out": ("engines",),                          # engines lost during a burn (default 1)
    "ignition_failure": ("engines",),                    # engines that do not light at the burn's start
    "thrust_shortfall": ("factor",),                     # thrust and mass flow x factor (Isp kept)
    "throttle_stuck": ("throttle",),                     # stuck at this throttle (default: the current one)
    "isp_loss": ("factor",),                             # Isp x factor: mass flow / factor, same thrust
    "nav_bias": ("position_m", "velocity_m_s"),          # added to the navigated state (zone ENU)
    "nav_noise": ("position_sigma_m", "velocity_sigma_m_s"),   # white, 1-sigma per axis, per guidance call
    "guidance_failure": ("duration_s",),                 # landing solver fails for this long (default: to the end)
    "grid_fin_stuck": ("aoa_deg", "azimuth_deg"),        # no aero steering; stuck at this angle (default 0)
}
REQUIRED_ONE_OF: dict[str, tuple[str, ...]] = {
    "thrust_shortfall": ("factor",), "isp_loss": ("factor",),
    "nav_bias": ("position_m", "velocity_m_s"), "nav_noise": ("position_sigma_m", "velocity_sigma_m_s"),
}
PARAM_FIELDS = tuple(sorted({f for fs in KIND_FIELDS.values() for f in fs}))
TRIGGER_FIELDS = ("phase", "delay_s", "time_s", "altitude_m", "direction", "rate_per_s", "probability")


class Fault(BaseModel):
    """One fault of one stage.  Frozen: a mission's faults are plain data."""
    model_config = ConfigDict(extra="forbid", frozen=True)
    kind: FaultKind
    stage: Literal["booster"] = "booster"
    # -- trigger ----------------------------------------------------------------------------
    phase: FaultPhase | None = None
    delay_s: float = Field(default=0.0, ge=0.0, le=3600.0)      # after the phase starts
    time_s: float | None = Field(default=None, ge=0.0, le=20_000.0)   # after liftoff
    altitude_m: float | None = Field(default=None, ge=-500.0, le=500_000.0)
    direction: Literal["down", "up"] = "down"
    rate_per_s: float | None = Field(default=None, gt=0.0, le=100.0)
    probability: float = Field(default=1.0, gt=0.0, le=1.0)
    # -- parameters (which ones a kind takes: KIND_FIELDS) ----------------------------------
    engines: int | None = Field(default=None, ge=1, le=50)
    factor: float | None = Field(default=None, gt=0.0, le=1.0)
    throttle: float | None = Field(default=None, gt=0.0, le=1.0)
    position_m: tuple[float, float, float] | None = None
    velocity_m_s: tuple[float, float, float] | None = None
    position_sigma_m: float | None = Field(default=None, ge=0.0, le=1e5)
    velocity_sigma_m_s: float | None = Field(default=None, ge=0.0, le=1e3)
    duration_s: float | None = Field(default=None, gt=0.0)
    aoa_deg: float | None = Field(default=None, ge=-45.0, le=45.0)
    azimuth_deg: float | None = Field(default=None, ge=0.0, lt=360.0)   # lift toward (from north, zone ENU)
    description: str = ""

    @model_validator(mode="before")
    @classmethod
    def _known_fields(cls, data):
        if isinstance(data, dict):
            known = set(cls.model_fields)
            bad = [k for k in data if k not in known]
            if bad:
                kind = data.get("kind")
                params = KIND_FIELDS.get(kind, PARAM_FIELDS) if isinstance(kind, str) else PARAM_FIELDS
                raise ValueError(f"unknown field '{bad[0]}': a fault takes kind, stage, description, the trigger "
                                 f"({', '.join(TRIGGER_FIELDS)}) and its parameters ({', '.join(params)})")
        return data

    @field_validator(*PARAM_FIELDS)
    @classmethod
    def _applies(cls, v, info: ValidationInfo):
        kind = info.data.get("kind")
        if v is not None and kind is not None and info.field_name not in KIND_FIELDS[kind]:
            raise ValueError(f"does not apply to kind '{kind}' (its fields: {', '.join(KIND_FIELDS[kind])})")
        for x in (v if isinstance(v, tuple) else (v,)):
            if isinstance(x, float) and not math.isfinite(x):
                raise ValueError("must be finite")
        return v

    @field_validator("delay_s")
    @classmethod
    def _delay_needs_phase(cls, v, info: ValidationInfo):
        if v and info.data.get("phase") is None:
            raise ValueError("delay_s counts from the start of a phase: give phase too")
        return v

    @field_validator("time_s")
    @classmethod
    def _time_alone(cls, v, info: ValidationInfo):
        if v is not None and info.data.get("phase") is not None:
            raise ValueError("a time_s trigger takes no phase (give time_s, or phase + delay_s)")
        return v

    @field_validator("altitude_m")
    @classmethod
    def _altitude_alone(cls, v, info: ValidationInfo):
        if v is not None and info.data.get("time_s") is not None:
            raise ValueError("give one trigger: time_s or altitude_m, not both")
        return v

    @field_validator("rate_per_s")
    @classmethod
    def _rate_in_phase(cls, v, info: ValidationInfo):
        if v is None:
            return v
        if info.data.get("time_s") is not None or info.data.get("altitude_m") is not None:
            raise ValueError("give one trigger: rate_per_s (random) or time_s or altitude_m")
        if info.data.get("phase") is None:
            raise ValueError("a random fault happens during a phase: give phase too")
        return v

    @model_validator(mode="after")
    def _complete(self):
        if self.phase is None and self.time_s is None and self.altitude_m is None:
            raise ValueError(f"fault '{self.kind}' has no trigger: give phase (+ delay_s), time_s, altitude_m "
                             f"or rate_per_s + phase")
        need = REQUIRED_ONE_OF.get(self.kind)
        if need and all(getattr(self, f) is None for f in need):
            raise ValueError(f"fault '{self.kind}' needs {' or '.join(need)}")
        if self.kind == "ignition_failure" and (self.phase not in BURN_PHASES or self.delay_s
                                                or self.rate_per_s is not None or self.altitude_m is not None):
            raise ValueError(f"ignition_failure happens at the start of a burn: give phase = one of "
                             f"{', '.join(BURN_PHASES)} and no delay_s, rate_per_s or altitude_m "
                             f"(use probability for a chance of failure)")
        return self

    # -- derived ----------------------------------------------------------------------------
    @property
    def trigger(self) -> str:
        """'time', 'altitude', 'random' or 'phase'."""
        if self.time_s is not None:
            return "time"
        if self.altitude_m is not None:
            return "altitude"
        if self.rate_per_s is not None:
            return "random"
        return "phase"

    def trigger_text(self) -> str:
        t = self.trigger
        if t == "time":
            return f"T+{self.time_s:g} s"
        if t == "altitude":
            where = f" in {self.phase}" if self.phase else ""
            return f"altitude {self.altitude_m:g} m ({self.direction}){where}"
        if t == "random":
            return f"random, {self.rate_per_s:g} /s during {self.phase}"
        return f"{self.phase} + {self.delay_s:g} s"

    def params(self) -> dict:
        """The kind's parameters that were given (for the fault event)."""
        return {f: (list(v) if isinstance(v, tuple) else v) for f in KIND_FIELDS[self.kind]
                if (v := getattr(self, f)) is not None}
