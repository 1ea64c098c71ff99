"""Landing-burn guidance: fuel-optimal powered descent by lossless convexification.

Frame ENU (x East, y North, z Up, origin at the landing target on the ground).  Açıkmeşe & Ploen
(2007) convexification, Blackmore, Açıkmeşe & Scharf (2010) minimum-landing-error fallback, and a
real-time structure-exploiting interior-point solver (Numba).  See docs/landing_guidance.md.
"""
from .problem import LandingLimits, LandingPlan
from .search import coast, ignition_search, solve_landing


def warmup() -> float:
    """Compile or load the real-time Numba kernels now (see `realtime.warmup`); returns seconds."""
    from .realtime import warmup as _warmup

    return _warmup()


__all__ = ["LandingLimits", "LandingPlan", "solve_landing", "ignition_search", "coast", "warmup"]
