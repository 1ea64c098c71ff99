"""Fault definitions (mission TOML `[[faults]]` tables), validated by Pydantic.

Implemented so far (the fault-injection issue grows this list):
* ``engine_out``: ``engines`` engines of ``stage`` shut down ``delay_s`` after the start of
  ``phase`` (e.g. the landing burn).  The guidance re-plans with the engines left; with none left
  the stage falls.
"""
from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

FaultKind = Literal["engine_out"]


class Fault(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    kind: FaultKind
    stage: Literal["booster"] = "booster"
    phase: Literal["landing_burn"] = "landing_burn"
    delay_s: float = Field(default=0.0, ge=0.0, le=600.0)      # after the phase starts
    engines: int = Field(default=1, ge=1, le=50)
    description: str = ""
