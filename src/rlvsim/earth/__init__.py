"""Earth model: WGS-84 frames, gravity, US Standard Atmosphere 1976, winds, launch/landing sites.

Names are re-exported lazily (PEP 562) so that ``import rlvsim.earth`` does not import numba.
The functions ``atmosphere()`` and ``gravity()`` share their submodule's name and are therefore
not re-exported: use ``rlvsim.earth.atmosphere.atmosphere`` and ``rlvsim.earth.gravity.gravity``.
"""
from __future__ import annotations

import importlib

_EXPORTS = {
    "atmosphere": ["us76", "AtmosphereState"],
    "frames": ["geodetic_to_ecef", "geodetic_to_ecef_xyz", "ecef_to_geodetic", "ecef_to_geodetic_array",
               "ned_basis", "enu_basis", "earth_rotation_angle", "eci_to_ecef_position",
               "ecef_to_eci_position", "eci_to_ecef_state", "ecef_to_eci_state", "LocalFrame",
               "geodesic_inverse", "geodesic_direct", "surface_distance_m", "downrange_point"],
    "gravity": ["gravity_accel"],
    "wind": ["WindModel", "wind_ned", "wind_from_mapping"],
    "sites": ["Site", "get_site", "list_sites"],
}
_WHERE = {name: mod for mod, names in _EXPORTS.items() for name in names}
__all__ = sorted(_WHERE)


def __getattr__(name: str):
    mod = _WHERE.get(name)
    if mod is None:
        raise AttributeError(f"module 'rlvsim.earth' has no attribute {name!r}")
    value = getattr(importlib.import_module(f"{__name__}.{mod}"), name)
    globals()[name] = value
    return value


def __dir__():
    return sorted(set(globals()) | set(__all__))
