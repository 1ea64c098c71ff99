"""Earth model: WGS-84 frames, gravity, US Standard Atmosphere 1976, winds, launch/landing sites.

Names are re-exported lazily (PEP 562) so that ``import rlvsim.earth`` does not import numba.
The functions ``atmosphere()`` and ``gravity()`` share their submodule's name and are therefore
not re-exported: use ``rlvsim.earth.atmosphere.atmosphere`` and ``rlvsim.earth.gravity.gravity``.
"""
from __future__ import annotations

from .._lazy import lazy_exports

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
__getattr__, __dir__, __all__ = lazy_exports(__name__, _EXPORTS, globals())
