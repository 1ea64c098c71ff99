"""Cost assumptions per vehicle (TOML, validated, extra fields forbidden).

Every number is a ``{value, source}`` table: the source is a public reference, or starts with
``estimate:`` and says how the number was derived.  Money values are in the file's ``currency``
(USD or CNY); CNY is converted at ``[fx].cny_per_usd`` (rate and date stated in the file).
"""
from __future__ import annotations

from importlib import resources
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from ..config import load_model, read_toml
from ..errors import InputError, UnknownNameError

RECOVERY_MODES = ("expendable", "downrange", "rtls", "droneship")


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class Cited(_Strict):
    """A number with where it comes from."""
    value: float
    source: str = Field(min_length=8)

    @field_validator("source")
    @classmethod
    def _real_source(cls, v: str) -> str:
        if not v.strip():
            raise ValueError("a source or 'estimate: <how>' is required")
        return v.strip()


class Money(Cited):
    value: float = Field(ge=0)


class Probability(Cited):
    value: float = Field(ge=0, le=1)


class Count(Cited):
    value: float = Field(ge=1)


class Fx(_Strict):
    cny_per_usd: float = Field(gt=0)
    date: str = Field(min_length=4)
    source: str = Field(min_length=8)


class FairingReuse(_Strict):
    recovery_probability: Probability
    life_flights: Count
    recovery_ops_cost: Money


class Assumptions(_Strict):
    """Per-launch cost inputs for one vehicle."""
    vehicle: str
    full_name: str = ""
    currency: Literal["USD", "CNY"] = "USD"
    as_of: str = Field(min_length=4)
    fx: Fx | None = None
    booster_build_cost: Money
    upper_stage_build_cost: Money
    refurbishment_per_reflight: Money
    booster_life_flights: Count
    landing_probability: Probability
    propellant_cost: Money
    fairing_cost: Money
    fairing_reuse: FairingReuse | None = None
    launch_site_cost: Money
    recovery_ops: dict[str, Money] = Field(default_factory=dict)
    list_price: Money | None = None
    price_target_per_kg: Money | None = None
    payload_kg: dict[str, Cited] = Field(default_factory=dict)
    notes: str = ""

    @model_validator(mode="after")
    def _check(self):
        if self.currency == "CNY" and self.fx is None:
            raise ValueError("currency CNY needs an [fx] table (cny_per_usd, date, source)")
        for k in list(self.recovery_ops) + list(self.payload_kg):
            if k not in RECOVERY_MODES:
                raise ValueError(f"mode {k!r} must be one of {', '.join(RECOVERY_MODES)}")
        for k, v in self.payload_kg.items():
            if v.value <= 0:
                raise ValueError(f"payload_kg.{k} = {v.value}: must be > 0")
        return self

    def usd(self, x: float) -> float:
        """Convert an amount in the file's currency to USD."""
        return x if self.currency == "USD" else x / self.fx.cny_per_usd

    def reusable_modes(self) -> list[str]:
        return sorted(self.recovery_ops)


def list_assumptions() -> list[str]:
    d = resources.files("rlvsim.economics") / "data"
    return sorted(p.name.removeprefix("assumptions_").removesuffix(".toml")
                  for p in d.iterdir() if p.name.startswith("assumptions_"))


def load_assumptions(name_or_path) -> Assumptions:
    """Built-in name (falcon9, zhuque3, longmarch12a) or a TOML path."""
    s = str(name_or_path)
    if s.endswith(".toml") or "/" in s:
        p = Path(s)
    else:
        key = s.lower().replace("-", "").replace("_", "")
        if key not in list_assumptions():
            raise UnknownNameError(f"vehicle = {s!r}: no cost assumptions; built-in: {', '.join(list_assumptions())}")
        p = Path(str(resources.files("rlvsim.economics") / "data" / f"assumptions_{key}.toml"))
    return load_model(Assumptions, read_toml(p), str(p))


def check_mode(a: Assumptions, mode: str) -> None:
    if mode not in RECOVERY_MODES:
        raise InputError(f"recovery = {mode!r}: must be one of {', '.join(RECOVERY_MODES)}")
    if mode != "expendable" and mode not in a.recovery_ops:
        raise InputError(f"recovery = {mode!r}: {a.vehicle} assumptions have no recovery_ops.{mode} "
                         f"(available: expendable, {', '.join(a.reusable_modes()) or 'none'})")
