"""Mission definitions (TOML) validated by Pydantic: vehicle, site, payload, target orbit, ascent
profile and recovery plan."""
from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from ..faults.model import Fault

RecoveryMode = Literal["expendable", "downrange", "rtls", "droneship"]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class Target(_Strict):
    """Target orbit.  Altitudes are above the WGS-84 equatorial radius (6378.137 km)."""
    perigee_km: float = Field(gt=80, lt=100000)
    apogee_km: float = Field(gt=80, lt=100000)
    inclination_deg: float = Field(ge=0, le=180)

    @model_validator(mode="after")
    def _order(self):
        if self.apogee_km < self.perigee_km:
            raise ValueError(f"apogee_km ({self.apogee_km}) must be >= perigee_km ({self.perigee_km})")
        return self


class Ascent(_Strict):
    """First-stage ascent profile: vertical rise, pitch kick, gravity turn; upper-stage timing."""
    vertical_rise_s: float = Field(default=10.0, ge=1, le=60)
    pitch_kick_deg: float = Field(default=3.0, ge=0, le=30)
    pitch_kick_duration_s: float = Field(default=10.0, ge=1, le=60)
    # piecewise-linear first-stage throttle [[time_s, throttle], ...]; empty = full throttle
    throttle_schedule: list[tuple[float, float]] = Field(default_factory=list)
    meco_time_s: float | None = Field(default=None, gt=0)   # otherwise: propellant less recovery reserve
    separation_delay_s: float = Field(default=3.0, ge=0, le=30)    # MECO -> separation
    upper_ignition_delay_s: float = Field(default=7.0, ge=0, le=60)  # separation -> SES
    guidance_cycle_s: float = Field(default=2.0, gt=0.1, le=20)
    launch_azimuth_deg: float | None = Field(default=None, ge=0, lt=360)

    @model_validator(mode="after")
    def _schedule(self):
        ts = [p[0] for p in self.throttle_schedule]
        if any(b <= a for a, b in zip(ts, ts[1:])):
            raise ValueError("throttle_schedule times must increase")
        if any(not (0 < p[1] <= 1) for p in self.throttle_schedule):
            raise ValueError("throttle_schedule throttles must be in (0, 1]")
        return self


class Recovery(_Strict):
    """Booster recovery plan: the phases after separation and their guidance settings."""
    mode: RecoveryMode = "expendable"
    landing_zone: str | None = None
    # an ad-hoc zone instead of a catalog one (e.g. a downrange pad placed on the ground track)
    landing_zone_position: tuple[float, float, float] | None = None   # (lat_deg, lon_deg, alt_m)
    landing_zone_type: Literal["pad", "drone_ship"] = "pad"
    reserve_kg: float | None = Field(default=None, ge=0)   # booster propellant kept for recovery
    reserve_margin: float = Field(default=0.05, ge=0, le=1)  # extra fraction on top of the flown need
    flip_duration_s: float = Field(default=15.0, ge=0, le=120)        # separation -> boostback ignition
    boostback: Literal["auto", "none"] = "auto"   # auto: burn when the zone needs it (always for rtls)
    boostback_elevation_deg: float = Field(default=0.0, ge=-45, le=60)  # thrust above local horizontal
    boostback_throttle: float = Field(default=1.0, gt=0, le=1)
    entry_start_altitude_m: float = Field(default=70_000.0, gt=10_000, lt=150_000)
    entry_target_speed_m_s: float = Field(default=1_000.0, gt=100, lt=4_000)  # Earth-relative, at cut-off
    entry_max_dynamic_pressure_Pa: float = Field(default=90_000.0, gt=0)     # after the entry burn
    entry_max_heating_proxy: float = Field(default=2.5e8, gt=0)              # sqrt(rho) v^3 (SI)
    landing_propellant_margin: float = Field(default=1.3, ge=1.0, le=5.0)  # kept for landing / 1-D need
    landing_engines: int | None = Field(default=None, ge=1, le=50)   # override the vehicle's landing burn
    # engines of thrust the landing burn keeps in reserve: ignition and plan as if this many fewer
    # were lit, so that many can fail and the plan still flies (at most landing engines - 1)
    landing_engine_out_margin: int = Field(default=0, ge=0, le=49)
    # light the landing burn this long before the latest feasible ignition (earlier, higher)
    landing_ignition_advance_s: float = Field(default=0.0, ge=0.0, le=60.0)
    aero_steering: bool = True
    landing_throttle_plan: float = Field(default=0.9, gt=0.3, le=1.0)   # plan with this share of max thrust
    # landing-burn re-plans per second (every plan node as well once the nodes are closer).  2.5
    # (it was 5): on 200 dispersed runs of each mission the same landings and touchdown speeds,
    # the burns no heavier, each run 11-19 % faster (docs/landing_guidance.md, closed loop)
    landing_replan_hz: float = Field(default=2.5, ge=1.0, le=50.0)
    # the ignition decision's checks per second (a burn one check later: does it still land?)
    landing_ignition_check_hz: float = Field(default=5.0, ge=1.0, le=50.0)
    # nodes of the landing planner's discretisation (thrust held per interval).  18 (it was 30, then
    # 20): on 200 dispersed runs of each mission the landings and touchdown speeds are the same;
    # from 20 to 18 the Falcon 9 burns are 3-5 kg heavier (SE 1), each run 6-9 % faster, the
    # nominal closed loops within 1.0063 / 1.0052 / 1.0035 of the N = 50 optimum through the
    # gate (20: 1.0070 / 1.0050 / 1.0026).  15 lit one falcon9-rtls run 4 s late
    # (docs/landing_guidance.md, node count)
    landing_nodes: int = Field(default=18, ge=10, le=100)
    # solver budget of one landing re-plan cycle (re-plan + fallback chain): interior-point
    # iterations (deterministic), and optionally wall seconds (machine-dependent, off by default);
    # a cycle that runs out flies on the last good plan (docs/landing_guidance.md, closed loop)
    landing_replan_max_iterations: int | None = Field(default=3000, ge=1)
    landing_replan_max_time_s: float | None = Field(default=None, gt=0)
    # how a re-plan damps the drag profile with the previous one: 'time' averages the two at the
    # same instants (default); 'nodes' node by node, which lends each node of the shrinking horizon
    # the drag of an earlier, faster instant (the former default: zhuque3 slipped its touchdown
    # into 7 full-thrust fallbacks, falcon9-droneship into 44)
    landing_drag_damping: Literal["nodes", "time"] = "time"
    # the terminal law flies the last metres above the pad at minimum-thrust deceleration, so a
    # navigated-height error d inside them changes the contact speed only to v^2 = v_td^2 + 2 a_min d;
    # the plan aims so that its last arc meets that gate.  Default 1 m: > 3 sigma of the 0.3 m
    # altimeter the default dispersions assume.  Higher: robust to larger height errors, more fuel
    # (zhuque3 against the hoverslam optimum: 0 m -0.4 %, 1 m +1.2 %, 2 m +2.2 %; 200 dispersed
    # runs land 200 with 1 m; docs/landing_guidance.md)
    landing_gate_m: float = Field(default=1.0, ge=0.0, le=50.0)
    # the landing planner's minimum thrust per interval is the engines' at that interval's height
    # (from the previous plan), not the pad's on every one: up high minimum throttle gives more
    # thrust, and a minimum-thrust arc planned with the pad's value cannot be flown
    landing_min_thrust_by_height: bool = True
    landing_pointing_max_deg: float = Field(default=20.0, gt=0, lt=90)
    landing_glide_slope_deg: float = Field(default=30.0, gt=0, lt=90)     # cone half-angle from vertical

    @model_validator(mode="after")
    def _zone(self):
        if self.mode != "expendable" and not self.landing_zone:
            raise ValueError(f"recovery mode '{self.mode}' needs a landing_zone")
        return self


class WhatIf(_Strict):
    """An option of a scenario (``[whatifs.NAME]``): recovery settings changed, faults replaced."""
    description: str = ""
    recovery: dict[str, Any] = Field(default_factory=dict)     # Recovery fields to change
    faults: list[Fault] | None = None                          # None: keep the mission's faults

    @field_validator("recovery")
    @classmethod
    def _recovery_fields(cls, v):
        unknown = [k for k in v if k not in Recovery.model_fields]
        if unknown:
            raise ValueError(f"unknown recovery field '{unknown[0]}' (fields: {', '.join(Recovery.model_fields)})")
        try:
            Recovery.model_validate({"mode": "expendable", **v})
        except ValidationError as exc:
            e = exc.errors()[0]
            where = ".".join(str(p) for p in e.get("loc", ()))
            raise ValueError(f"{where} = {e.get('input')!r}: {e.get('msg', 'invalid')}") from None
        return v


class Mission(_Strict):
    name: str
    description: str = ""
    vehicle: str
    launch_site: str
    payload_kg: float = Field(ge=0)
    target: Target
    ascent: Ascent = Field(default_factory=Ascent)
    recovery: Recovery = Field(default_factory=Recovery)
    faults: list[Fault] = Field(default_factory=list)
    whatifs: dict[str, WhatIf] = Field(default_factory=dict)   # named options of this scenario
    source: str = ""          # where the profile comes from

    def with_whatif(self, name: str) -> "Mission":
        """This mission with what-if ``name`` applied (recovery changed, faults replaced)."""
        from ..config import format_validation_error
        from ..errors import InputError, UnknownNameError
        if name not in self.whatifs:
            have = ", ".join(self.whatifs) or "none"
            raise UnknownNameError(f"--what-if '{name}': mission '{self.name}' has no such what-if (its what-ifs: {have})")
        w = self.whatifs[name]
        try:
            rec = Recovery.model_validate({**self.recovery.model_dump(), **w.recovery})
        except ValidationError as exc:
            raise InputError(format_validation_error(f"{self.name} what-if '{name}' recovery", exc)) from None
        upd = {"recovery": rec, "name": f"{self.name}+{name}",
               "description": w.description or self.description, "whatifs": {}}
        if w.faults is not None:
            upd["faults"] = list(w.faults)
        return self.model_copy(update=upd)
