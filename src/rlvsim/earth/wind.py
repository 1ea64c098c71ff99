"""Winds relative to the Earth's surface, in local NED axes, "towards" convention.

The wind vector is the velocity of the air mass relative to the ground (as in the NASA NESC
check cases): a wind blowing from the west has a positive east component; down is positive
downward.  The air-relative velocity of a vehicle is v_earth_relative - wind.

kind = "none": still air.  "steady": one constant vector.  "profile": a table of altitudes (m,
geodetic height, strictly increasing) with one vector per altitude, interpolated linearly in
altitude; below the first row the first vector is used and above the last row the last vector
(constant extension, no extrapolation).
"""
from __future__ import annotations

import math
from typing import Any, Literal, Mapping

import numpy as np
from numba import njit
from pydantic import BaseModel, ConfigDict, model_validator

from ..errors import InputError

_COMPONENTS = ("north_m_s", "east_m_s", "down_m_s")


def _fail(source: str, field: str, value: Any, rule: str, names: Mapping[str, str] | None = None):
    name = (names or {}).get(field, field)
    raise InputError(f"{source}: wind.{name} = {value!r}: {rule}")


def _floats(source: str, field: str, value: Any, names: Mapping[str, str]) -> tuple[float, ...]:
    items = value if isinstance(value, (list, tuple, np.ndarray)) else [value]
    out = []
    for v in items:
        if isinstance(v, bool) or not isinstance(v, (int, float, np.integer, np.floating)):
            _fail(source, field, value, "must be a number or a list of numbers", names)
        if not math.isfinite(float(v)):
            _fail(source, field, value, "values must be finite", names)
        out.append(float(v))
    return tuple(out)


class WindModel(BaseModel):
    """Wind table.  Use :meth:`to_arrays` and :func:`wind_ned` in compiled code."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    kind: Literal["none", "steady", "profile"] = "none"
    altitude_m: tuple[float, ...] = ()
    north_m_s: tuple[float, ...] = ()
    east_m_s: tuple[float, ...] = ()
    down_m_s: tuple[float, ...] = ()
    source: str = "<wind>"

    @model_validator(mode="before")
    @classmethod
    def _check(cls, data: Any) -> Any:
        if not isinstance(data, Mapping):
            return data
        d = dict(data)
        names = d.pop("_field_names", None) or {}
        src = str(d.get("source", "<wind>"))

        def fail(field, value, rule):
            _fail(src, field, value, rule, names)

        unknown = sorted(set(d) - {"kind", "altitude_m", "source", *_COMPONENTS})
        if unknown:
            fail(unknown[0], d[unknown[0]], "unknown key; allowed: kind, altitude_m, "
                 "north_m_s, east_m_s, down_m_s")
        kind = str(d.get("kind", "none")).lower()
        if kind not in ("none", "steady", "profile"):
            fail("kind", d.get("kind"), "must be one of none, steady, profile")
        d["kind"] = kind
        if kind == "none":
            for k in ("altitude_m", *_COMPONENTS):
                if d.get(k) not in (None, (), []):
                    fail(k, d[k], "must be empty when kind = none")
            return d
        comps = {k: _floats(src, k, d.get(k, 0.0), names) for k in _COMPONENTS}
        if kind == "steady":
            for k, v in comps.items():
                if len(v) != 1:
                    fail(k, d.get(k), "must be a single number for a steady wind")
            if d.get("altitude_m") not in (None, (), []):
                fail("altitude_m", d["altitude_m"], "not used by a steady wind")
            d.update(comps, altitude_m=(0.0,))
            return d
        if "altitude_m" not in d:
            fail("altitude_m", None, "required for a wind profile")
        alt = _floats(src, "altitude_m", d["altitude_m"], names)
        if len(alt) < 1:
            fail("altitude_m", d["altitude_m"], "needs at least one row")
        if any(b <= a for a, b in zip(alt, alt[1:])):
            fail("altitude_m", d["altitude_m"], "altitudes must be strictly increasing")
        for k in _COMPONENTS:
            if k not in d:
                comps[k] = (0.0,) * len(alt)
            elif len(comps[k]) != len(alt):
                fail(k, d[k], f"needs {len(alt)} values, one per altitude_m row")
        d.update(comps, altitude_m=alt)
        return d

    def to_arrays(self) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
        """(alt_m, north, east, down) float64 arrays of equal length >= 1 for :func:`wind_ned`."""
        if self.kind == "none":
            z = np.zeros(1)
            return z, z.copy(), z.copy(), z.copy()
        return tuple(np.array(v, dtype=np.float64) for v in
                     (self.altitude_m, self.north_m_s, self.east_m_s, self.down_m_s))

    def at(self, h_m: float) -> tuple[float, float, float]:
        """Wind (north, east, down) m/s at geodetic height h_m (convenience, not for hot loops)."""
        return wind_ned(float(h_m), *self.to_arrays())


@njit(cache=True)
def wind_ned(h_m, alt, wn, we, wd):
    """Wind (n, e, d) m/s at height h_m from table arrays; linear, constant beyond the ends."""
    n = alt.shape[0]
    if n == 0:
        return 0.0, 0.0, 0.0
    if not (h_m > alt[0]):  # also catches NaN altitude: first row
        return wn[0], we[0], wd[0]
    if h_m >= alt[n - 1]:
        return wn[n - 1], we[n - 1], wd[n - 1]
    j = np.searchsorted(alt, h_m, side="right") - 1
    t = (h_m - alt[j]) / (alt[j + 1] - alt[j])
    return (wn[j] + t * (wn[j + 1] - wn[j]), we[j] + t * (we[j + 1] - we[j]),
            wd[j] + t * (wd[j + 1] - wd[j]))


_TOML_KEYS = {"wind_north_m_s": "north_m_s", "wind_east_m_s": "east_m_s",
              "wind_down_m_s": "down_m_s", "altitude_m": "altitude_m"}


def wind_from_mapping(table: Mapping[str, Any], source: str = "<file>") -> WindModel:
    """Build a WindModel from a ``[wind]`` TOML table in the NESC case format.

    Keys: model = "none" | "steady" | "shear" ("profile" accepted as a synonym of "shear"),
    wind_north_m_s, wind_east_m_s, wind_down_m_s, altitude_m; optional altitude_reference
    (only "geodetic") and interpolation (only "linear").
    """
    if not isinstance(table, Mapping):
        raise InputError(f"{source}: wind = {table!r}: must be a table")
    model = str(table.get("model", "none")).lower()
    kinds = {"none": "none", "steady": "steady", "shear": "profile", "profile": "profile"}
    if model not in kinds:
        _fail(source, "model", table.get("model"), "must be one of none, steady, shear, profile")
    ref = table.get("altitude_reference", "geodetic")
    if ref != "geodetic":
        _fail(source, "altitude_reference", ref, 'only "geodetic" is supported')
    interp = table.get("interpolation", "linear")
    if interp != "linear":
        _fail(source, "interpolation", interp, 'only "linear" is supported')
    data: dict[str, Any] = {"kind": kinds[model], "source": source,
                            "_field_names": {"kind": "model", **{v: k for k, v in _TOML_KEYS.items()}}}
    for key, value in table.items():
        if key in ("model", "altitude_reference", "interpolation"):
            continue
        if key not in _TOML_KEYS:
            _fail(source, key, value, "unknown key; allowed: model, wind_north_m_s, wind_east_m_s, "
                  "wind_down_m_s, altitude_m, altitude_reference, interpolation")
        data[_TOML_KEYS[key]] = value
    if kinds[model] == "none":
        data = {"kind": "none", "source": source}
    return WindModel.model_validate(data)
