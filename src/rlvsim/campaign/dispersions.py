"""Dispersions: per-parameter distributions read from TOML, and the per-run sampler.

A dispersion file has one table per parameter (``[booster_thrust_scale]`` with ``dist = "normal"``,
``mean``, ``sd``...) and an optional ``[wind]`` table of per-altitude wind sigmas.  Vehicle
defaults live in ``campaign/data/dispersions/<vehicle>.toml``; a user file replaces the default
of each parameter (or the whole ``[wind]`` table) it names.  Run ``k`` of a campaign with seed
``s`` draws only from ``numpy.random.default_rng(SeedSequence([s, k]))``.
"""
from __future__ import annotations

from pathlib import Path
from typing import Literal

import numpy as np
from pydantic import BaseModel, ConfigDict, ValidationError, field_validator, model_validator

from ..errors import InputError

DATA = Path(__file__).parent / "data" / "dispersions"
SIGMAS = 6.0        # a normal parameter's mean +- 6 sd must stay inside the parameter's domain

# name -> (nominal value, (domain low, domain high), scopes, meaning).  Order = draw order.
PARAMETERS: dict[str, tuple[float, tuple[float, float], tuple[str, ...], str]] = {
    "booster_dry_mass_factor": (1.0, (0.5, 1.5), ("recovery", "mission"), "factor on the booster dry mass"),
    "booster_propellant_sep_offset_kg": (0.0, (-1e5, 1e5), ("recovery",),
                                         "booster propellant at separation, offset from the nominal (kg)"),
    "booster_thrust_scale": (1.0, (0.5, 1.5), ("recovery", "mission"), "factor on booster thrust and mass flow"),
    "booster_isp_scale": (1.0, (0.5, 1.5), ("recovery", "mission"), "factor on booster Isp"),
    "upper_thrust_scale": (1.0, (0.5, 1.5), ("mission",), "factor on upper-stage thrust and mass flow"),
    "upper_isp_scale": (1.0, (0.5, 1.5), ("mission",), "factor on upper-stage Isp"),
    "cd_scale": (1.0, (0.2, 3.0), ("recovery", "mission"), "factor on every drag coefficient"),
    "rho_scale": (1.0, (0.5, 1.5), ("recovery", "mission"), "factor on the air density"),
    "wind_scale": (1.0, (-5.0, 5.0), ("recovery", "mission"), "factor on the [wind] base profile"),
    **{f"sep_pos_{a}_m": (0.0, (-1e5, 1e5), ("recovery",),
                          f"separation position offset, {a} axis of the separation point's ENU frame (m)")
       for a in ("east", "north", "up")},
    **{f"sep_vel_{a}_m_s": (0.0, (-1e3, 1e3), ("recovery",),
                            f"separation velocity offset, {a} axis of the separation point's ENU frame (m/s)")
       for a in ("east", "north", "up")},
    **{f"nav_pos_bias_{a}_m": (0.0, (-1e4, 1e4), ("recovery", "mission"),
                               f"navigation position bias, {a} axis of the landing-zone ENU frame (m)")
       for a in ("east", "north", "up")},
    **{f"nav_vel_bias_{a}_m_s": (0.0, (-100.0, 100.0), ("recovery", "mission"),
                                 f"navigation velocity bias, {a} axis of the landing-zone ENU frame (m/s)")
       for a in ("east", "north", "up")},
    "nav_pos_noise_m": (0.0, (0.0, 1e3), ("recovery", "mission"), "1-sigma white position noise per re-plan (m)"),
    "nav_vel_noise_m_s": (0.0, (0.0, 10.0), ("recovery", "mission"), "1-sigma white velocity noise per re-plan (m/s)"),
    "landing_ignition_delay_s": (0.0, (0.0, 10.0), ("recovery", "mission"),
                                 "landing-burn ignition later than commanded (s)"),
}
DISTS = ("normal", "uniform", "truncnormal", "fixed")


def _fail(source: str, where: str, value, rule: str):
    raise InputError(f"{source}: {where} = {value!r}: {rule}")


class _Spec(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, allow_inf_nan=False)


class Fixed(_Spec):
    dist: Literal["fixed"] = "fixed"
    value: float

    def support(self):
        return self.value, self.value

    def draw(self, rng):
        return self.value


class Normal(_Spec):
    dist: Literal["normal"] = "normal"
    mean: float
    sd: float

    @field_validator("sd")
    @classmethod
    def _sd(cls, v):
        if v < 0:
            raise ValueError("must be >= 0 (a standard deviation)")
        return v

    def support(self):
        return self.mean - SIGMAS * self.sd, self.mean + SIGMAS * self.sd

    def draw(self, rng):
        return self.mean + self.sd * float(rng.standard_normal())


class Uniform(_Spec):
    dist: Literal["uniform"] = "uniform"
    low: float
    high: float

    @model_validator(mode="after")
    def _order(self):
        if not self.low < self.high:
            raise ValueError(f"high: must be > low ({self.low:g})")
        return self

    def support(self):
        return self.low, self.high

    def draw(self, rng):
        return self.low + (self.high - self.low) * float(rng.random())


class TruncNormal(_Spec):
    """Normal(mean, sd) restricted to [low, high] (inverse-CDF sampling, one uniform per draw)."""
    dist: Literal["truncnormal"] = "truncnormal"
    mean: float
    sd: float
    low: float
    high: float

    @field_validator("sd")
    @classmethod
    def _sd(cls, v):
        if not v > 0:
            raise ValueError("must be > 0 (a standard deviation; use dist = \"fixed\" for none)")
        return v

    @model_validator(mode="after")
    def _order(self):
        if not self.low < self.high:
            raise ValueError(f"high: must be > low ({self.low:g})")
        return self

    def support(self):
        return self.low, self.high

    def draw(self, rng):
        from scipy.special import ndtr, ndtri
        a, b = (self.low - self.mean) / self.sd, (self.high - self.mean) / self.sd
        u = float(rng.random())
        if a > 0:                        # upper tail: sample the mirrored lower tail (precision)
            a, b, sign = -b, -a, -1.0
        else:
            sign = 1.0
        pa, pb = ndtr(a), ndtr(b)
        z = sign * float(ndtri(pa + u * (pb - pa)))
        return float(min(max(self.mean + self.sd * z, self.low), self.high))


SPECS = {"fixed": Fixed, "normal": Normal, "uniform": Uniform, "truncnormal": TruncNormal}


class Wind(_Spec):
    """Horizontal wind dispersion: at each altitude node the north and east components are
    ``wind_scale`` x base profile + N(0, sd_m_s) (independent per node and component)."""
    altitude_m: list[float]
    sd_m_s: list[float]
    north_mean_m_s: list[float] | None = None
    east_mean_m_s: list[float] | None = None


def _spec(source: str, name: str, table) -> _Spec:
    if not isinstance(table, dict):
        _fail(source, name, table, f"must be a table with dist = one of {', '.join(DISTS)}")
    dist = table.get("dist", "normal")
    if dist not in SPECS:
        _fail(source, f"{name}.dist", dist, f"unknown distribution (allowed: {', '.join(DISTS)})")
    try:
        spec = SPECS[dist].model_validate(table)
    except ValidationError as exc:
        err = exc.errors()[0]
        field = ".".join(str(p) for p in err.get("loc", ())) or "(table)"
        msg = err.get("msg", "invalid").removeprefix("Value error, ")
        if msg.startswith("high: "):
            field, msg = "high", msg.removeprefix("high: ")
        value = table.get(field, err.get("input"))
        if err.get("type") == "missing":
            _fail(source, f"{name}.{field}", None, f"missing (a {dist} needs {_needs(dist)})")
        if err.get("type") == "extra_forbidden":
            _fail(source, f"{name}.{field}", value, f"unknown field (a {dist} takes {_needs(dist)})")
        _fail(source, f"{name}.{field}", value, msg)
    lo, hi = PARAMETERS[name][1]
    s_lo, s_hi = spec.support()
    if s_lo < lo or s_hi > hi:
        span = f"mean +- {SIGMAS:g} sd = [{s_lo:g}, {s_hi:g}]" if dist == "normal" else f"[{s_lo:g}, {s_hi:g}]"
        _fail(source, name, table, f"{span} leaves the allowed range [{lo:g}, {hi:g}] "
              "(narrow it, or use truncnormal/uniform bounds)")
    return spec


def _needs(dist: str) -> str:
    return ", ".join(f for f in SPECS[dist].model_fields if f != "dist")


def _wind(source: str, table) -> Wind | None:
    if table is None:
        return None
    if not isinstance(table, dict):
        _fail(source, "wind", table, "must be a table (altitude_m, sd_m_s, north_mean_m_s, east_mean_m_s)")
    try:
        w = Wind.model_validate(table)
    except ValidationError as exc:
        err = exc.errors()[0]
        field = ".".join(str(p) for p in err.get("loc", ()))
        _fail(source, f"wind.{field}", err.get("input"), err.get("msg", "invalid"))
    n = len(w.altitude_m)
    if n < 1:
        _fail(source, "wind.altitude_m", w.altitude_m, "needs at least one altitude")
    if any(b <= a for a, b in zip(w.altitude_m, w.altitude_m[1:])):
        _fail(source, "wind.altitude_m", w.altitude_m, "must increase strictly")
    for f in ("sd_m_s", "north_mean_m_s", "east_mean_m_s"):
        v = getattr(w, f)
        if v is not None and len(v) != n:
            _fail(source, f"wind.{f}", v, f"must have one value per altitude ({n})")
    if any(s < 0 for s in w.sd_m_s):
        _fail(source, "wind.sd_m_s", w.sd_m_s, "must be >= 0 (standard deviations)")
    return w


class Dispersions(BaseModel):
    """Resolved dispersions: every parameter's distribution (nominal ``fixed`` when not given)."""
    model_config = ConfigDict(frozen=True)
    params: dict[str, Fixed | Normal | Uniform | TruncNormal]
    wind: Wind | None = None
    sources: list[str] = []

    def canonical(self) -> dict:
        """Plain data for the manifest and the config hash (sources left out)."""
        return {"params": {k: v.model_dump() for k, v in self.params.items()},
                "wind": self.wind.model_dump() if self.wind else None}

    def input_names(self, scope: str) -> list[str]:
        """The ``in_*`` columns a run of this scope records, in draw order."""
        names = [n for n in PARAMETERS if scope in PARAMETERS[n][2]]
        if self.wind is not None:
            for alt in self.wind.altitude_m:
                names += [f"wind_north_m_s_at_{alt:g}m", f"wind_east_m_s_at_{alt:g}m"]
        return names


def parse(data: dict, source: str) -> dict:
    """One file's content -> {param: spec, 'wind': Wind}; one-line InputError on a bad entry."""
    out: dict = {}
    for key, table in data.items():
        if key == "wind":
            out["wind"] = _wind(source, table)
        elif key in PARAMETERS:
            out[key] = _spec(source, key, table)
        else:
            _fail(source, key, table if not isinstance(table, dict) else "{...}",
                  f"unknown parameter (known: {', '.join(PARAMETERS)}, wind)")
    return out


def defaults_path(vehicle: str) -> Path:
    return DATA / f"{vehicle.lower()}.toml"


def load_dispersions(vehicle: str, user_file=None) -> Dispersions:
    """The vehicle's default dispersions (nominal when it has no defaults file), overridden by
    ``user_file`` parameter by parameter."""
    from ..config import read_toml
    merged: dict = {}
    sources = []
    d = defaults_path(vehicle)
    if d.exists():
        merged.update(parse(read_toml(d), f"{d.name} (built-in)"))
        sources.append(f"built-in {d.name}")
    if user_file is not None:
        p = Path(user_file)
        merged.update(parse(read_toml(p), str(p)))
        sources.append(str(p))
    wind = merged.pop("wind", None)
    params = {n: merged.get(n, Fixed(value=PARAMETERS[n][0])) for n in PARAMETERS}
    return Dispersions(params=params, wind=wind, sources=sources)


def run_rng(seed: int, k: int) -> np.random.Generator:
    """The only random stream of run ``k`` of a campaign with ``seed``."""
    return np.random.default_rng(np.random.SeedSequence([int(seed), int(k)]))


def sample(disp: Dispersions, seed: int, k: int, scope: str = "recovery") -> tuple[dict, int]:
    """Draws of run ``k``: ({input name: value}, noise seed for the navigation noise stream)."""
    rng = run_rng(seed, k)
    out = {}
    for name in PARAMETERS:
        if scope in PARAMETERS[name][2]:
            out[name] = float(disp.params[name].draw(rng))
    w = disp.wind
    if w is not None:
        n = len(w.altitude_m)
        base_n = w.north_mean_m_s or [0.0] * n
        base_e = w.east_mean_m_s or [0.0] * n
        s = out.get("wind_scale", 1.0)
        for i, alt in enumerate(w.altitude_m):
            z = rng.standard_normal(2)
            out[f"wind_north_m_s_at_{alt:g}m"] = s * base_n[i] + w.sd_m_s[i] * float(z[0])
            out[f"wind_east_m_s_at_{alt:g}m"] = s * base_e[i] + w.sd_m_s[i] * float(z[1])
    noise_seed = int(rng.integers(0, 2**31 - 1))
    return out, noise_seed


def wind_profile(disp: Dispersions, draws: dict):
    """(altitude_m, north, east, down) arrays of a run's wind, or None without a [wind] table."""
    w = disp.wind
    if w is None:
        return None
    alt = np.asarray(w.altitude_m, float)
    north = np.array([draws[f"wind_north_m_s_at_{a:g}m"] for a in w.altitude_m])
    east = np.array([draws[f"wind_east_m_s_at_{a:g}m"] for a in w.altitude_m])
    return alt, north, east, np.zeros_like(alt)

