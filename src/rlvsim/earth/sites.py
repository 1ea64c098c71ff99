"""Launch sites and landing zones (catalog in ``data/sites.toml``, each entry with a source)."""
from __future__ import annotations

import difflib
import math
import tomllib
from functools import lru_cache
from importlib import resources
from typing import Any, Literal, Optional

import numpy as np
from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from ..errors import InputError, UnknownNameError

# Touchdown success criteria for landing zones (DESIGN.md defaults).
DEFAULT_MAX_VERTICAL_SPEED_M_S = 2.0
DEFAULT_MAX_HORIZONTAL_SPEED_M_S = 1.0
DEFAULT_MAX_TILT_DEG = 5.0
DEFAULT_ZONE_RADIUS_M = {"pad": 50.0, "drone_ship": 40.0}

_CRITERIA = ("max_vertical_speed_m_s", "max_horizontal_speed_m_s", "max_tilt_deg", "zone_radius_m")


class Site(BaseModel):
    """A launch site or landing zone; position geodetic WGS-84, alt_m above the ellipsoid."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    name: str
    kind: Literal["launch", "landing"]
    lat_deg: float = Field(ge=-90.0, le=90.0)
    lon_deg: float = Field(ge=-180.0, le=180.0)
    alt_m: float = Field(ge=-500.0, le=9000.0)
    source: str = Field(min_length=1)
    description: str = ""
    aliases: tuple[str, ...] = ()
    landing_type: Optional[Literal["pad", "drone_ship"]] = None
    max_vertical_speed_m_s: Optional[float] = Field(default=None, gt=0.0)
    max_horizontal_speed_m_s: Optional[float] = Field(default=None, gt=0.0)
    max_tilt_deg: Optional[float] = Field(default=None, gt=0.0, le=90.0)
    zone_radius_m: Optional[float] = Field(default=None, gt=0.0)

    @model_validator(mode="before")
    @classmethod
    def _landing_defaults(cls, data: Any) -> Any:
        if not isinstance(data, dict) or data.get("kind") != "landing":
            return data
        d = dict(data)
        d.setdefault("landing_type", "pad")
        d.setdefault("max_vertical_speed_m_s", DEFAULT_MAX_VERTICAL_SPEED_M_S)
        d.setdefault("max_horizontal_speed_m_s", DEFAULT_MAX_HORIZONTAL_SPEED_M_S)
        d.setdefault("max_tilt_deg", DEFAULT_MAX_TILT_DEG)
        d.setdefault("zone_radius_m", DEFAULT_ZONE_RADIUS_M.get(d["landing_type"], 50.0))
        return d

    @model_validator(mode="after")
    def _launch_has_no_criteria(self) -> "Site":
        if self.kind == "launch":
            for k in (*_CRITERIA, "landing_type"):
                if getattr(self, k) is not None:
                    raise ValueError(f"{k} only applies to landing zones")
        return self

    @property
    def lat_rad(self) -> float:
        return math.radians(self.lat_deg)

    @property
    def lon_rad(self) -> float:
        return math.radians(self.lon_deg)

    @property
    def ecef_m(self) -> np.ndarray:
        """Position in ECEF (m), WGS-84."""
        from .frames import geodetic_to_ecef
        return geodetic_to_ecef(self.lat_rad, self.lon_rad, self.alt_m)

    def local_frame(self):
        """East-North-Up :class:`~rlvsim.earth.frames.LocalFrame` with its origin at this site."""
        from .frames import LocalFrame
        return LocalFrame(self.lat_deg, self.lon_deg, self.alt_m)


def _data_path():
    return resources.files("rlvsim.earth").joinpath("data", "sites.toml")


@lru_cache(maxsize=1)
def _catalog() -> tuple[Site, ...]:
    path = _data_path()
    with path.open("rb") as fh:
        raw = tomllib.load(fh)
    sites = []
    for i, entry in enumerate(raw.get("site", [])):
        try:
            sites.append(Site(**entry))
        except ValidationError as exc:
            err = exc.errors()[0]
            field = ".".join(str(p) for p in err["loc"]) or "site"
            raise InputError(f"{path}: site[{i}] ({entry.get('name', '?')}).{field} = "
                             f"{err.get('input')!r}: {err['msg']}") from None
    return tuple(sites)


def _keys(site: Site) -> list[str]:
    return [site.name.lower(), *(a.lower() for a in site.aliases)]


def list_sites(kind: Optional[str] = None) -> list[Site]:
    """All catalog sites, or only kind = "launch" / "landing"."""
    if kind not in (None, "launch", "landing"):
        raise InputError(f"<argument>: kind = {kind!r}: must be 'launch', 'landing' or None")
    return [s for s in _catalog() if kind is None or s.kind == kind]


def get_site(name: str) -> Site:
    """Site by name or alias (case-insensitive); UnknownNameError lists close names on a miss."""
    key = str(name).strip().lower()
    for site in _catalog():
        if key in _keys(site):
            return site
    names = [s.name for s in _catalog()]
    lowered = {k: s.name for s in _catalog() for k in _keys(s)}
    close = difflib.get_close_matches(key, list(lowered), n=5, cutoff=0.5)
    close_names = list(dict.fromkeys(lowered[c] for c in close))
    hint = f"close names: {', '.join(close_names)}" if close_names else f"known: {', '.join(names)}"
    raise UnknownNameError(f"site {name!r} is not in the catalog; {hint}")
