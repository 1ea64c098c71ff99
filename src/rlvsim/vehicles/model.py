"""Validated vehicle model (pydantic v2, frozen): engines, aero tables, stages, fairing, vehicle.

SI units throughout; every field name carries its unit where a reader could doubt it.
Cross-field rules raise ``ValueError`` messages that ``rlvsim.vehicles.messages`` turns into
the one-line ``<file>: <field.path> = <value>: <rule>`` form.
"""
from __future__ import annotations

import math
from bisect import bisect_right
from typing import Annotated

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    ValidationInfo,
    field_validator,
    model_validator,
)

from rlvsim.earth.constants import G0_M_S2
from rlvsim.errors import InputError, UnknownNameError
from rlvsim.vehicles.provenance import check_provenance_entries
from rlvsim.vehicles.rules import rule

P0_PA = 101325.0  # standard sea-level pressure, US Standard Atmosphere 1976
THRUST_CONSISTENCY_TOL = 0.05  # relative: p0*A_exit vs F_vac - F_sl, and SL vs vac mass flow

BURN_NAMES = ("ascent", "boostback", "entry", "landing")
AERO_CONFIGS = ("ascent_stack", "booster_tail_first", "upper")
RECOVERY_MODES = ("downrange", "rtls", "droneship")
PAYLOAD_MODES = ("expendable",) + RECOVERY_MODES
NAME_PATTERN = r"^[A-Za-z][A-Za-z0-9_\-]*$"


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, strict=True, allow_inf_nan=False)

    def _set_derived(self, field: str, value: float) -> None:
        """Fill a field left out of the file; it stays out of ``model_fields_set``."""
        if not math.isfinite(value):
            raise rule(field, value, "derived value is not finite: check the inputs it comes from")
        self.__dict__[field] = value


def _g(x: float) -> str:
    return f"{x:.6g}"


def _unit_fraction(v: float) -> float:
    if not 0.0 < v <= 1.0:
        raise ValueError("must be in (0, 1]")
    return v


Fraction = Annotated[float, AfterValidator(_unit_fraction)]


class Engine(_Model):
    """One engine type.  Mass flow is the same at sea level and in vacuum: F(p) = F_vac - p*A_exit."""

    name: str = Field(min_length=1)
    thrust_vac_N: float = Field(gt=0)
    thrust_sl_N: float = Field(ge=0)
    isp_vac_s: float = Field(gt=0)
    isp_sl_s: float = Field(ge=0)
    exit_area_m2: float = Field(default=None, ge=0)  # type: ignore[assignment]  # derived if omitted
    throttle_max: Fraction = 1.0
    throttle_min: Fraction
    restarts: int = Field(default=0, ge=0)
    ignition_delay_s: float = Field(default=0.0, ge=0)

    @field_validator("thrust_sl_N")
    @classmethod
    def _sl_le_vac(cls, v: float, info: ValidationInfo) -> float:
        vac = info.data.get("thrust_vac_N")
        if vac is not None and v > vac:
            raise ValueError(f"must be <= thrust_vac_N ({_g(vac)} N)")
        return v

    @field_validator("isp_sl_s")
    @classmethod
    def _isp_sl_consistent(cls, v: float, info: ValidationInfo) -> float:
        d = info.data
        isp_vac = d.get("isp_vac_s")
        if isp_vac is None:
            return v
        if v > isp_vac:
            raise ValueError(f"must be <= isp_vac_s ({_g(isp_vac)} s)")
        f_sl, f_vac = d.get("thrust_sl_N"), d.get("thrust_vac_N")
        if f_sl is None or f_vac is None:
            return v
        if (v == 0) != (f_sl == 0):
            raise ValueError("must be 0 exactly when thrust_sl_N is 0")
        if v > 0:
            mdot_vac = f_vac / (isp_vac * G0_M_S2)
            mdot_sl = f_sl / (v * G0_M_S2)
            if abs(mdot_sl - mdot_vac) > THRUST_CONSISTENCY_TOL * mdot_vac:
                raise ValueError(
                    f"inconsistent with thrust: mass flow at sea level {_g(mdot_sl)} kg/s vs "
                    f"vacuum {_g(mdot_vac)} kg/s differ by more than 5% (thrust_sl_N/isp_sl_s "
                    "must equal thrust_vac_N/isp_vac_s)"
                )
        return v

    @field_validator("exit_area_m2")
    @classmethod
    def _exit_area_consistent(cls, v: float, info: ValidationInfo) -> float:
        f_sl, f_vac = info.data.get("thrust_sl_N"), info.data.get("thrust_vac_N")
        if f_sl is None or f_vac is None:
            return v
        expected = (f_vac - f_sl) / P0_PA
        if abs(v - expected) > THRUST_CONSISTENCY_TOL * max(expected, 1e-12):
            raise ValueError(
                f"must equal (thrust_vac_N - thrust_sl_N)/p0 = {_g(expected)} m^2 within 5% "
                "(p0 = 101325 Pa)"
            )
        return v

    @field_validator("throttle_min")
    @classmethod
    def _min_le_max(cls, v: float, info: ValidationInfo) -> float:
        tmax = info.data.get("throttle_max")
        if tmax is not None and v > tmax:
            raise ValueError(f"must be <= throttle_max ({_g(tmax)})")
        return v

    @model_validator(mode="after")
    def _derive_exit_area(self) -> Engine:
        if self.exit_area_m2 is None:
            self._set_derived("exit_area_m2", (self.thrust_vac_N - self.thrust_sl_N) / P0_PA)
        return self

    @property
    def mdot_max_kg_s(self) -> float:
        """Propellant mass flow at full thrust (kg/s), the same at any ambient pressure."""
        return self.thrust_vac_N / (self.isp_vac_s * G0_M_S2)

    def thrust_N(self, ambient_pressure_Pa: float, throttle: float = 1.0) -> float:
        """Thrust (N) at an ambient pressure: throttle*F_vac - p*A_exit, floored at 0."""
        return max(0.0, throttle * self.thrust_vac_N - ambient_pressure_Pa * self.exit_area_m2)


MachList = list[Annotated[float, Field(ge=0)]]
CdList = list[Annotated[float, Field(gt=0)]]


class AeroTable(_Model):
    """Drag coefficient vs Mach (reference area: the stage's), plus a linear lift slope."""

    mach: MachList = Field(min_length=1)
    cd: CdList = Field(min_length=1)
    cl_alpha_per_rad: float = Field(default=0.0, ge=0)
    max_aoa_deg: float = Field(default=0.0, ge=0, le=90)

    @field_validator("mach")
    @classmethod
    def _increasing(cls, v: list[float]) -> list[float]:
        for i in range(1, len(v)):
            if v[i] <= v[i - 1]:
                raise rule(f"[{i}]", v[i], f"must be > mach[{i - 1}] ({_g(v[i - 1])}): strictly increasing")
        return v

    @field_validator("cd")
    @classmethod
    def _same_length(cls, v: list[float], info: ValidationInfo) -> list[float]:
        mach = info.data.get("mach")
        if mach is not None and len(v) != len(mach):
            raise ValueError(f"must have as many entries as mach ({len(mach)}), has {len(v)}")
        return v

    def cd_at(self, mach: float) -> float:
        """Linear interpolation in Mach; constant beyond the ends of the table."""
        m, c = self.mach, self.cd
        if mach <= m[0]:
            return c[0]
        if mach >= m[-1]:
            return c[-1]
        i = bisect_right(m, mach)
        t = (mach - m[i - 1]) / (m[i] - m[i - 1])
        return c[i - 1] + t * (c[i] - c[i - 1])


class GridFins(_Model):
    """Grid fins on a recoverable stage; their mass is part of the stage dry mass."""

    count: int = Field(ge=1)
    max_aoa_deg: float = Field(gt=0, le=90)
    mass_kg: float = Field(gt=0)


class LandingLegs(_Model):
    """Landing legs; their mass is part of the stage dry mass."""

    count: int = Field(ge=3)
    mass_kg: float = Field(gt=0)
    max_touchdown_vertical_speed_m_s: float = Field(gt=0)
    footprint_diameter_m: float = Field(gt=0)


class Stage(_Model):
    """One stage: masses, engines, burns (engines lit per burn), geometry, aero, recovery hardware."""

    name: str = Field(pattern=NAME_PATTERN)
    dry_mass_kg: float = Field(gt=0)
    propellant_mass_kg: float = Field(gt=0)
    residual_propellant_kg: float = Field(default=0.0, ge=0)
    engine: Engine
    engine_count: int = Field(ge=1)
    burns: dict[str, int]
    diameter_m: float = Field(gt=0)
    reference_area_m2: float = Field(default=None, gt=0)  # type: ignore[assignment]  # pi d^2/4 if omitted
    aero: dict[str, AeroTable]
    grid_fins: GridFins | None = None
    landing_legs: LandingLegs | None = None
    recovery_reserve: dict[str, float] = Field(default_factory=dict)

    @field_validator("residual_propellant_kg")
    @classmethod
    def _residual_lt_prop(cls, v: float, info: ValidationInfo) -> float:
        prop = info.data.get("propellant_mass_kg")
        if prop is not None and v >= prop:
            raise ValueError(f"must be < propellant_mass_kg ({_g(prop)} kg)")
        return v

    @field_validator("burns")
    @classmethod
    def _burns_valid(cls, v: dict[str, int], info: ValidationInfo) -> dict[str, int]:
        n = info.data.get("engine_count")
        for key, count in v.items():
            if key not in BURN_NAMES:
                raise rule(key, count, f"unknown burn (allowed: {', '.join(BURN_NAMES)})")
            if n is not None and not 1 <= count <= n:
                raise rule(key, count, f"must be in 1..engine_count ({n})")
        if "ascent" not in v:
            raise ValueError("must include 'ascent' (engines lit at ignition of the stage)")
        return v

    @field_validator("aero")
    @classmethod
    def _aero_keys(cls, v: dict[str, AeroTable]) -> dict[str, AeroTable]:
        for key in v:
            if key not in AERO_CONFIGS:
                raise rule(key, key, f"unknown aero configuration (allowed: {', '.join(AERO_CONFIGS)})")
        return v

    @field_validator("recovery_reserve")
    @classmethod
    def _reserve_valid(cls, v: dict[str, float]) -> dict[str, float]:
        for key, frac in v.items():
            if key not in RECOVERY_MODES:
                raise rule(key, frac, f"unknown recovery mode (allowed: {', '.join(RECOVERY_MODES)})")
            if not 0.0 <= frac <= 0.5:
                raise rule(key, frac, "must be in [0, 0.5] (fraction of the stage propellant)")
        return v

    @model_validator(mode="after")
    def _recovery_hardware(self) -> Stage:
        hw = sum(p.mass_kg for p in (self.grid_fins, self.landing_legs) if p is not None)
        if hw >= self.dry_mass_kg:
            part = "landing_legs" if self.landing_legs is not None else "grid_fins"
            raise rule(f"{part}.mass_kg", getattr(self, part).mass_kg,
                       f"grid fins + legs ({_g(hw)} kg) must be < dry_mass_kg ({_g(self.dry_mass_kg)} kg), "
                       "which includes them")
        if self.landing_legs is not None:
            if "landing" not in self.burns:
                raise rule("burns", self.burns, "must include 'landing' for a stage with landing_legs")
            if "booster_tail_first" not in self.aero:
                raise rule("aero", sorted(self.aero), "must include 'booster_tail_first' for a stage "
                           "with landing_legs")
        elif self.recovery_reserve:
            raise rule("recovery_reserve", self.recovery_reserve, "only a stage with landing_legs "
                       "can reserve propellant for recovery")
        if self.reference_area_m2 is None:
            self._set_derived("reference_area_m2", math.pi * self.diameter_m * self.diameter_m / 4.0)
        return self

    @property
    def recoverable(self) -> bool:
        return self.landing_legs is not None

    @property
    def thrust_sl_N(self) -> float:
        """All engines at full thrust at sea level (N)."""
        return self.engine_count * self.engine.thrust_sl_N

    @property
    def thrust_vac_N(self) -> float:
        """All engines at full thrust in vacuum (N)."""
        return self.engine_count * self.engine.thrust_vac_N

    @property
    def mdot_max_kg_s(self) -> float:
        """All engines at full thrust (kg/s)."""
        return self.engine_count * self.engine.mdot_max_kg_s

    @property
    def wet_mass_kg(self) -> float:
        return self.dry_mass_kg + self.propellant_mass_kg

    @property
    def usable_propellant_kg(self) -> float:
        return self.propellant_mass_kg - self.residual_propellant_kg

    @property
    def burn_time_full_thrust_s(self) -> float:
        """Time to burn the usable propellant with all engines at full thrust (s)."""
        return self.usable_propellant_kg / self.mdot_max_kg_s


class Fairing(_Model):
    mass_kg: float = Field(ge=0)
    jettison_altitude_m: float = Field(default=110_000.0, gt=0)


class Vehicle(_Model):
    """A launch vehicle: stages from the first (the booster) up, a fairing, sources and provenance."""

    name: str = Field(pattern=NAME_PATTERN)
    full_name: str = Field(min_length=1)
    manufacturer: str = Field(min_length=1)
    description: str = ""
    first_flight: str = ""
    stages: list[Stage] = Field(min_length=2)
    fairing: Fairing
    liftoff_mass_kg_published: float | None = Field(default=None, gt=0)
    payload_leo_published_kg: dict[str, Annotated[float, Field(gt=0)]] = Field(default_factory=dict)
    sources: dict[str, str] = Field(default_factory=dict)
    provenance: dict[str, str] = Field(default_factory=dict)

    @field_validator("payload_leo_published_kg")
    @classmethod
    def _payload_modes(cls, v: dict[str, float]) -> dict[str, float]:
        for key, kg in v.items():
            if key not in PAYLOAD_MODES:
                raise rule(key, kg, f"unknown mode (allowed: {', '.join(PAYLOAD_MODES)})")
        return v

    @model_validator(mode="after")
    def _vehicle_rules(self) -> Vehicle:
        seen: set[str] = set()
        for i, st in enumerate(self.stages):
            if st.name in seen:
                raise rule(f"stages[{i}].name", st.name, "must be unique among the stages")
            seen.add(st.name)
            need = "ascent_stack" if i == 0 else "upper"
            if need not in st.aero:
                raise rule(f"stages[{i}].aero", sorted(st.aero), f"must include '{need}'")
        check_provenance_entries(self)
        return self

    # --- queries -------------------------------------------------------------------------
    def stage(self, name: str) -> Stage:
        for st in self.stages:
            if st.name == name:
                return st
        names = ", ".join(s.name for s in self.stages)
        raise UnknownNameError(f"vehicle {self.name!r} has no stage {name!r} (stages: {names})")

    @property
    def booster(self) -> Stage:
        return self.stages[0]

    @property
    def upper(self) -> Stage:
        return self.stages[-1]

    def liftoff_mass_kg(self, payload_kg: float = 0.0) -> float:
        """All stages wet + fairing + payload (kg)."""
        if not payload_kg >= 0:
            raise InputError(f"payload_kg = {payload_kg!r}: must be >= 0 kg")
        return sum(s.wet_mass_kg for s in self.stages) + self.fairing.mass_kg + payload_kg

    @property
    def liftoff_thrust_sl_N(self) -> float:
        return self.stages[0].thrust_sl_N

    def liftoff_thrust_to_weight(self, payload_kg: float = 0.0) -> float:
        return self.liftoff_thrust_sl_N / (self.liftoff_mass_kg(payload_kg) * G0_M_S2)
