"""Landing-burn guidance: fuel-optimal powered descent by lossless convexification.

Frame ENU (x East, y North, z Up, origin at the landing target on the ground).  Açıkmeşe & Ploen
(2007) convexification, Blackmore, Açıkmeşe & Scharf (2010) minimum-landing-error fallback, and a
real-time structure-exploiting interior-point solver (Numba).  See docs/landing_guidance.md.
"""
from .jitcache import refresh as _refresh_jit_cache

_refresh_jit_cache()    # first: never load a Numba kernel compiled from older sources (see jitcache)

from .problem import LandingLimits, LandingPlan  # noqa: E402
from .ignition import coast, ignition_search  # noqa: E402
from .search import solve_landing  # noqa: E402


def warmup() -> float:
    """Compile or load the real-time Numba kernels now (see `realtime.warmup`); returns seconds."""
    from .realtime import warmup as _warmup

    return _warmup()


__all__ = ["LandingLimits", "LandingPlan", "solve_landing", "ignition_search", "coast", "warmup"]
