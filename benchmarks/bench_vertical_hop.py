"""Vertical-hop peer benchmark: rlvsim against RocketPy's 3-DOF point mass, in one process.

    python benchmarks/bench_vertical_hop.py [--quick]

Scenario: 45,000 kg dry + 30,000 kg propellant, constant 2.0 MN thrust (pressure-independent:
rlvsim exit area 0), Isp 300 s, Cd 0.5 at every Mach, radius 1.85 m (S = pi r^2), standard
atmosphere, lift-off from sea level at latitude 0, longitude 0, straight up, to apogee; then the
same with 100,000 kg propellant.  rlvsim burnout = mass event at the dry mass.  RocketPy:
PointMassRocket (45,000 kg) + PointMassMotor (constant thrust, dry mass 0, burn time
m_p Isp g0 / F so that its mass flow F / (I / m_p) equals F / (Isp g0)), 1 m rail at 90 deg.

Pairings (rlvsim | RocketPy):
  full     WGS-84 J2 rotating Earth            | Environment defaults (ISA, Somigliana gravity)
  matched  non-rotating, inverse-square, GM set | same
           so g(0) = RocketPy's g(0) at lat 0
  same-g   non-rotating, inverse-square (WGS-84 | gravity = GM / (a + h)^2
           GM)
  us76     same as same-g                       | custom atmosphere = US76 table to 500 km,
                                                | gravity GM / (a + h)^2 sampled to 500 km
  us76*    same                                 | same, LSODA rtol 1e-10 (integration error check)
Wall time: median of repeats after one warm-up; the simulation call only (rlvsim: build the Body
and fly both phases; RocketPy: Flight(...) on a prebuilt Environment and rocket).
Exits 0 with a message when RocketPy is not installed.
"""
from __future__ import annotations

import math
import sys
import time
import warnings

import numpy as np

from rlvsim.earth.atmosphere import us76
from rlvsim.flight.propagator import EarthModel
from rlvsim.flight.scenarios import vertical_hop

DRY_KG, THRUST_N, ISP_S, CD, RADIUS_M = 45000.0, 2.0e6, 300.0, 0.5, 1.85
G0, GM, A_M = 9.80665, 3.986004418e14, 6378137.0
G_SOMIGLIANA_EQUATOR = 9.7803253359      # RocketPy's sea-level gravity at latitude 0 (WGS-84 normal gravity)
EARTHS = {
    "full": EarthModel(),
    "matched": EarthModel(rotation_rate_rad_s=0.0, gravity="inverse_square",
                          mu_m3_s2=G_SOMIGLIANA_EQUATOR * A_M ** 2),
    "same-g": EarthModel(rotation_rate_rad_s=0.0, gravity="inverse_square"),
}
EARTHS["us76"] = EARTHS["same-g"]


def rocketpy_env(kind):
    from rocketpy import Environment
    if kind in ("full", "matched"):
        return Environment(latitude=0.0, longitude=0.0, elevation=0.0)
    if kind == "same-g":
        return Environment(gravity=lambda h: GM / (A_M + h) ** 2, latitude=0.0, longitude=0.0, elevation=0.0)
    env = Environment(latitude=0.0, longitude=0.0, elevation=0.0)
    h = np.arange(0.0, 500e3 + 50.0, 50.0)          # 50 m spacing: linear-interpolation error ~ 1e-5
    tab = np.array([us76(x) for x in h])
    env.set_atmospheric_model(type="custom_atmosphere", pressure=np.column_stack([h, tab[:, 1]]),
                              temperature=np.column_stack([h, tab[:, 0]]), wind_u=0.0, wind_v=0.0)
    # re-sample gravity over the new height range (the constructor sampled it over 0-80 km only)
    env.gravity = env.set_gravity_model(lambda x: GM / (A_M + x) ** 2)
    return env


def rocketpy_flight(env, propellant_kg, tight=False):
    """(function flying the hop in RocketPy 3-DOF, burn time); tight: rtol 1e-10, atol 1e-6."""
    from rocketpy import Flight, PointMassMotor, PointMassRocket
    t_burn = propellant_kg * ISP_S * G0 / THRUST_N
    motor = PointMassMotor(thrust_source=THRUST_N, dry_mass=0.0, propellant_initial_mass=propellant_kg,
                           burn_time=t_burn)
    rocket = PointMassRocket(radius=RADIUS_M, mass=DRY_KG, center_of_mass_without_motor=0.0,
                             power_off_drag=CD, power_on_drag=CD)
    rocket.add_motor(motor, position=0.0)

    tol = dict(rtol=1e-10, atol=[1e-6] * 13) if tight else {}

    def fly():
        return Flight(rocket=rocket, environment=env, rail_length=1.0, inclination=90.0, heading=0.0,
                      terminate_on_apogee=True, simulation_mode="3 DOF", **tol)
    return fly, t_burn


def rlvsim_fly(kind, propellant_kg):
    return lambda: vertical_hop(DRY_KG, propellant_kg, THRUST_N, ISP_S, cd=CD, radius_m=RADIUS_M,
                                exit_area_m2=0.0, lat_rad=0.0, lon_rad=0.0, h0_m=0.0, earth=EARTHS[kind])


def median_time(fn, repeats):
    fn()                                                 # warm-up (Numba cache, RocketPy caches)
    times = []
    for _ in range(repeats):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return float(np.median(times))


def rocketpy_summary(flight, t_burn):
    """(apogee m or nan, burnout altitude m, burnout speed m/s, note)."""
    sol = np.asarray(flight.solution, dtype=float)
    if not np.all(np.isfinite(sol[:, 1:7])):
        bad = int(np.argmax(~np.all(np.isfinite(sol[:, 1:7]), axis=1)))
        finite = sol[:bad, 3]
        return math.nan, math.nan, math.nan, (
            f"state ran away and became inf/NaN at t = {sol[bad, 0]:.1f} s (last finite z "
            f"{finite.max() / 1e3:.0f} km); "
            f"Flight.apogee = {flight.apogee}")
    return float(flight.apogee), float(flight.z(t_burn)), float(flight.vz(t_burn)), ""


def compare(propellant_kg, kinds, repeats, timing):
    print(f"\n== propellant {propellant_kg:,.0f} kg (burn {propellant_kg * ISP_S * G0 / THRUST_N:.2f} s) ==")
    print(f"{'pairing':8s} {'rlvsim apogee m':>16s} {'RocketPy apogee m':>18s} {'diff %':>8s} "
          f"{'rlvsim burnout h m, v m/s':>27s} {'RocketPy burnout h m, v m/s':>29s}")
    for kind in kinds:
        hop = rlvsim_fly(kind.removesuffix("*"), propellant_kg)()
        env = rocketpy_env(kind.removesuffix("*"))
        fly, t_burn = rocketpy_flight(env, propellant_kg, tight=kind.endswith("*"))
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            flight = fly()
            apo, hb, vb, note = rocketpy_summary(flight, t_burn)
        diff = 100.0 * (apo - hop.apogee_altitude_m) / hop.apogee_altitude_m
        print(f"{kind:8s} {hop.apogee_altitude_m:16.1f} {apo:18.1f} {diff:+8.4f} "
              f"{hop.burnout_altitude_m:15.1f} {hop.burnout_vertical_speed_m_s:11.2f} {hb:17.1f} {vb:11.2f}")
        if note:
            rho = [float(env.density(h)) for h in (80e3, 90e3, 100e3)]
            print(f"         RocketPy: {note}; {len(caught)} runtime warnings; its density at 80/90/100 km = "
                  + ", ".join(f"{r:.2e}" for r in rho) + " kg/m^3 (pressure table ends at 80 km)")
        elif abs(diff) >= 0.5:
            print("         difference >= 0.5 %")
        if kind in timing:
            t_rl = median_time(rlvsim_fly(kind, propellant_kg), repeats)
            t_rp = median_time(fly, repeats)
            print(f"         wall time (median of {repeats}): rlvsim {t_rl * 1e3:.2f} ms, "
                  f"RocketPy {t_rp * 1e3:.2f} ms, RocketPy / rlvsim = {t_rp / t_rl:.1f}")


def main(quick=False):
    try:
        from importlib.metadata import version
        from rocketpy import PointMassMotor, PointMassRocket  # noqa: F401  (3-DOF classes, >= 1.10)
    except ImportError as exc:
        print(f"RocketPy is not installed or lacks the 3-DOF point-mass classes ({exc}); "
              "pip install rocketpy to run this benchmark.")
        return
    repeats = 3 if quick else 15
    print(f"RocketPy {version('rocketpy')}; launch: latitude 0, longitude 0, sea level (rlvsim: WGS-84 "
          "ellipsoid; altitudes geodetic); rlvsim rtol 1e-9, RocketPy defaults (LSODA, rtol 1e-6) except in us76*")
    compare(30000.0, ["full", "matched", "same-g", "us76", "us76*"], repeats, timing={"full", "matched"})
    compare(100000.0, ["full", "us76", "us76*"], repeats, timing={"us76"})


if __name__ == "__main__":
    t_start = time.perf_counter()
    main(quick="--quick" in sys.argv)
    print(f"benchmark wall time {time.perf_counter() - t_start:.1f} s")
