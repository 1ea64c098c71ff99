"""Closed-form fuel-optimal vertical landing (Meditch 1964), used as an independent test reference.

Meditch, "On the problem of optimal thrust programming for a lunar soft landing", IEEE Trans.
Automatic Control 9(4), 1964: free fall, then constant maximum thrust T to touchdown at zero speed.
With exhaust speed c, mass m0, gravity g and downward speed s_i at ignition the burn lasts t_b with
    s_i + g t_b - c ln(m0 / (m0 - T t_b / c)) = 0,
loses height D = s_i t_b + g t_b^2 / 2 - c [t_b + (m1 c / T) ln(m1 / m0)], m1 = m0 - T t_b / c,
and the free fall before it obeys s_i^2 = s0^2 + 2 g (h0 - D).  Vertical axis = ENU Up.
"""
from __future__ import annotations

import math
from dataclasses import dataclass


@dataclass(frozen=True)
class SuicideBurn:
    """The closed-form solution (SI units; speeds positive downward)."""

    coast_s: float
    ignition_altitude_m: float
    ignition_speed_m_s: float
    burn_s: float
    propellant_kg: float


def _bisect(f, lo: float, hi: float, tol: float = 1e-12) -> float:
    flo = f(lo)
    for _ in range(200):
        mid = 0.5 * (lo + hi)
        fm = f(mid)
        if (fm > 0.0) == (flo > 0.0):
            lo, flo = mid, fm
        else:
            hi = mid
        if hi - lo <= tol * max(1.0, abs(mid)):
            break
    return 0.5 * (lo + hi)


def burn_from(speed_m_s: float, thrust_N: float, exhaust_m_s: float, mass_kg: float, g_m_s2: float):
    """(burn time s, height lost m) of a maximum-thrust burn stopping a fall at speed_m_s."""
    k = thrust_N / exhaust_m_s
    t_max = mass_kg / k * (1.0 - 1e-12)

    def speed_left(t):
        return speed_m_s + g_m_s2 * t - exhaust_m_s * math.log(mass_kg / (mass_kg - k * t))

    if speed_left(t_max) > 0.0:
        raise ValueError("the propellant cannot stop this fall")
    tb = _bisect(speed_left, 0.0, t_max)
    m1 = mass_kg - k * tb
    drop = (speed_m_s * tb + 0.5 * g_m_s2 * tb * tb
            - exhaust_m_s * (tb + m1 / k * math.log(m1 / mass_kg)))
    return tb, drop


def suicide_burn(altitude_m: float, descent_speed_m_s: float, thrust_N: float, exhaust_m_s: float,
                 mass_kg: float, g_m_s2: float) -> SuicideBurn:
    """Latest-ignition (fuel-optimal) vertical landing from altitude_m falling at descent_speed_m_s."""
    if thrust_N <= mass_kg * g_m_s2:
        raise ValueError("thrust must exceed the weight")

    def mismatch(s_i):                       # free-fall energy vs burn height at ignition speed s_i
        _, drop = burn_from(s_i, thrust_N, exhaust_m_s, mass_kg, g_m_s2)
        return s_i * s_i - descent_speed_m_s ** 2 - 2.0 * g_m_s2 * (altitude_m - drop)

    s_hi = math.sqrt(descent_speed_m_s ** 2 + 2.0 * g_m_s2 * altitude_m)
    if mismatch(descent_speed_m_s) > 0.0:
        raise ValueError("too low or too fast: even igniting now does not stop in time")
    s_i = _bisect(mismatch, descent_speed_m_s, s_hi)
    tb, drop = burn_from(s_i, thrust_N, exhaust_m_s, mass_kg, g_m_s2)
    return SuicideBurn(coast_s=(s_i - descent_speed_m_s) / g_m_s2, ignition_altitude_m=drop,
                       ignition_speed_m_s=s_i, burn_s=tb, propellant_kg=thrust_N * tb / exhaust_m_s)
