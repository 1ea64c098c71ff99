"""3-DOF point-mass equations of motion in ECI with variable mass (compiled right-hand side).

State y (ECI, axes equal to ECEF at t = 0, ECEF turning about +z at omega):
    y = [x_m, y_m, z_m, vx_m_s, vy_m_s, vz_m_s, mass_kg]

Forces: gravitation (inverse-square or J2), thrust of the lit engines with the ambient-pressure
correction F = n (throttle F_vac - p_amb A_exit), drag q S Cd(Mach) against the air-relative
velocity, lift q S cl_alpha alpha along a commanded direction normal to the airflow.

Everything the right-hand side needs is packed in one float64 vector ``P`` (indices below) plus the
drag table and the wind table, so the integrator can call it without Python objects.
"""
from __future__ import annotations

import math

import numpy as np
from numba import njit

from ..earth.atmosphere import us76
from ..earth.constants import (GRAVITY_J2, J2_EARTH, J2_REFERENCE_RADIUS_M, MU_EARTH_M3_S2,
                               OMEGA_EARTH_RAD_S, WGS84_A_M, WGS84_F)
from ..earth.frames import ecef_to_geodetic
from ..earth.gravity import gravity_accel
from ..earth.wind import wind_ned

# ---- layout of the parameter vector P ------------------------------------------------------
P_GRAVITY_MODEL = 0      # 0 inverse-square, 1 J2
P_MU = 1
P_J2 = 2
P_RREF = 3
P_A = 4                  # ellipsoid equatorial radius (m)
P_F = 5                  # flattening (0 for a sphere)
P_OMEGA = 6              # Earth rotation rate (rad/s)
P_THETA0 = 7             # ECEF angle at t = 0 (rad)
P_N_LIT = 8              # engines lit (0 = coasting)
P_THRUST_VAC = 9         # per engine (N), at throttle 1
P_EXIT_AREA = 10         # per engine (m^2)
P_MDOT_MAX = 11          # per engine at throttle 1 (kg/s)
P_THROTTLE = 12
P_ATT_MODE = 13          # 0 inertial direction u0 + udot (t - t_ref); 1 along the Earth-relative
                         # velocity (gravity turn); 2 against it (retrograde burns)
P_U0 = 14                # 14,15,16
P_UDOT = 17              # 17,18,19  (1/s)
P_T_REF = 20
P_AERO_ON = 21           # 0 vacuum (no atmosphere at all), 1 aerodynamics on
P_SREF = 22              # reference area (m^2)
P_CD_SCALE = 23
P_RHO_SCALE = 24
P_CL_ALPHA = 25          # lift slope (1/rad)
P_ALPHA = 26             # commanded angle of attack (rad)
P_LIFT_DIR = 27          # 27,28,29 desired lift direction (ECI), projected normal to the airflow
P_MASS_MIN = 30          # mass below which the engines starve (dry mass): thrust cut inside the rhs
P_THRUST_SCALE = 31      # multiplies thrust (dispersion / fault: thrust shortfall)
P_MDOT_SCALE = 32        # multiplies mass flow (Isp loss = thrust_scale / mdot_scale)
P_DIST = 33              # 33,34,35 extra acceleration (ECI, m/s^2): e.g. a known disturbance
P_GATE_THRUST = 36       # landing-gate event only: the planned landing thrust (N) of the 1-D stopping gate
P_SIZE = 37

# output of `derived` (for trajectory tables and events)
D_ALT = 0
D_LAT = 1
D_LON = 2
D_VREL = 3          # Earth-relative speed
D_VUP = 4           # Earth-relative vertical (geodetic up) speed
D_MACH = 5
D_Q = 6
D_THRUST = 7
D_ACCEL = 8         # non-gravitational (sensed) acceleration magnitude
D_PAMB = 9
D_RHO = 10
D_SIZE = 11


def default_params() -> np.ndarray:
    """A parameter vector for the WGS-84 rotating Earth with J2, engines off, aerodynamics off."""
    p = np.zeros(P_SIZE)
    p[P_GRAVITY_MODEL] = GRAVITY_J2
    p[P_MU] = MU_EARTH_M3_S2
    p[P_J2] = J2_EARTH
    p[P_RREF] = J2_REFERENCE_RADIUS_M
    p[P_A] = WGS84_A_M
    p[P_F] = WGS84_F
    p[P_OMEGA] = OMEGA_EARTH_RAD_S
    p[P_CD_SCALE] = 1.0
    p[P_RHO_SCALE] = 1.0
    p[P_THROTTLE] = 1.0
    p[P_THRUST_SCALE] = 1.0
    p[P_MDOT_SCALE] = 1.0
    p[P_U0 + 2] = 1.0
    return p


@njit(cache=True)
def _interp(x, xs, ys):
    n = xs.shape[0]
    if x <= xs[0]:
        return ys[0]
    if x >= xs[n - 1]:
        return ys[n - 1]
    lo = 0
    hi = n - 1
    while hi - lo > 1:
        mid = (lo + hi) // 2
        if xs[mid] <= x:
            lo = mid
        else:
            hi = mid
    w = (x - xs[lo]) / (xs[hi] - xs[lo])
    return ys[lo] + w * (ys[hi] - ys[lo])


@njit(cache=True)
def _air_state(t, y, P, wind_tab):
    """Geodetic position and the air-relative velocity (ECI axes) at state y."""
    th = P[P_THETA0] + P[P_OMEGA] * t
    c = math.cos(th)
    s = math.sin(th)
    # ECI -> ECEF: rotate by -theta about z
    xe = c * y[0] + s * y[1]
    ye = -s * y[0] + c * y[1]
    ze = y[2]
    lat, lon, h = ecef_to_geodetic(xe, ye, ze, P[P_A], P[P_F])
    w = P[P_OMEGA]
    # Earth-relative velocity in ECI axes: v - omega x r
    vrx = y[3] + w * y[1]
    vry = y[4] - w * y[0]
    vrz = y[5]
    wax = 0.0
    way = 0.0
    waz = 0.0
    if wind_tab.shape[1] > 1 or wind_tab[1, 0] != 0.0 or wind_tab[2, 0] != 0.0 or wind_tab[3, 0] != 0.0:
        wn, we, wd = wind_ned(h, wind_tab[0], wind_tab[1], wind_tab[2], wind_tab[3])
        sl = math.sin(lat)
        cl = math.cos(lat)
        so = math.sin(lon)
        co = math.cos(lon)
        # NED -> ECEF
        ex = -sl * co * wn - so * we - cl * co * wd
        ey = -sl * so * wn + co * we - cl * so * wd
        ez = cl * wn - sl * wd
        # ECEF -> ECI axes
        wax = c * ex - s * ey
        way = s * ex + c * ey
        waz = ez
    return lat, lon, h, vrx - wax, vry - way, vrz - waz, vrx, vry, vrz


@njit(cache=True)
def rhs(t, y, P, cd_tab, wind_tab, out):
    """dy/dt into ``out``.  cd_tab: (2, k) Mach, Cd.  wind_tab: (4, k) altitude, north, east, down."""
    m = y[6]
    ax, ay, az = gravity_accel(y[0], y[1], y[2], int(P[P_GRAVITY_MODEL]), P[P_MU], P[P_J2], P[P_RREF])
    ax += P[P_DIST]
    ay += P[P_DIST + 1]
    az += P[P_DIST + 2]
    p_amb = 0.0
    need_air = P[P_AERO_ON] != 0.0 or P[P_ATT_MODE] != 0.0
    vax = 0.0
    vay = 0.0
    vaz = 0.0
    vrx = 0.0
    vry = 0.0
    vrz = 0.0
    if need_air:
        lat, lon, h, vax, vay, vaz, vrx, vry, vrz = _air_state(t, y, P, wind_tab)
    if P[P_AERO_ON] != 0.0:
        T, p_amb, rho, a_snd = us76(h)
        rho *= P[P_RHO_SCALE]
        vair = math.sqrt(vax * vax + vay * vay + vaz * vaz)
        if vair > 1e-9 and rho > 0.0:
            qS = 0.5 * rho * vair * vair * P[P_SREF]
            cd = _interp(vair / a_snd, cd_tab[0], cd_tab[1]) * P[P_CD_SCALE]
            kd = -qS * cd / (m * vair)
            ax += kd * vax
            ay += kd * vay
            az += kd * vaz
            if P[P_CL_ALPHA] != 0.0 and P[P_ALPHA] != 0.0:
                lx = P[P_LIFT_DIR]
                ly = P[P_LIFT_DIR + 1]
                lz = P[P_LIFT_DIR + 2]
                dot = (lx * vax + ly * vay + lz * vaz) / vair
                lx -= dot * vax / vair
                ly -= dot * vay / vair
                lz -= dot * vaz / vair
                ln = math.sqrt(lx * lx + ly * ly + lz * lz)
                if ln > 1e-12:
                    kl = qS * P[P_CL_ALPHA] * P[P_ALPHA] / (m * ln)
                    ax += kl * lx
                    ay += kl * ly
                    az += kl * lz
    mdot = 0.0
    n = P[P_N_LIT]
    if n > 0.0 and m > P[P_MASS_MIN]:
        thr = n * (P[P_THROTTLE] * P[P_THRUST_VAC] - p_amb * P[P_EXIT_AREA]) * P[P_THRUST_SCALE]
        if thr < 0.0:
            thr = 0.0
        mdot = n * P[P_THROTTLE] * P[P_MDOT_MAX] * P[P_MDOT_SCALE]
        mode = P[P_ATT_MODE]
        if mode == 0.0:
            dt = t - P[P_T_REF]
            ux = P[P_U0] + P[P_UDOT] * dt
            uy = P[P_U0 + 1] + P[P_UDOT + 1] * dt
            uz = P[P_U0 + 2] + P[P_UDOT + 2] * dt
        elif mode == 1.0:
            # gravity turn: along the Earth-relative velocity (a low-speed wind must not tip it over)
            ux = vrx
            uy = vry
            uz = vrz
        else:
            # retrograde burns (entry, predicted landing burns): against the Earth-relative velocity
            ux = -vrx
            uy = -vry
            uz = -vrz
        un = math.sqrt(ux * ux + uy * uy + uz * uz)
        if un > 1e-12:
            k = thr / (m * un)
            ax += k * ux
            ay += k * uy
            az += k * uz
    out[0] = y[3]
    out[1] = y[4]
    out[2] = y[5]
    out[3] = ax
    out[4] = ay
    out[5] = az
    out[6] = -mdot


@njit(cache=True)
def derived(t, y, P, cd_tab, wind_tab, out):
    """Quantities a trajectory table or an event needs, into ``out`` (indices D_*)."""
    lat, lon, h, vax, vay, vaz, vrx, vry, vrz = _air_state(t, y, P, wind_tab)
    out[D_ALT] = h
    out[D_LAT] = lat
    out[D_LON] = lon
    out[D_VREL] = math.sqrt(vrx * vrx + vry * vry + vrz * vrz)
    # geodetic up in ECI axes
    th = P[P_THETA0] + P[P_OMEGA] * t
    cl = math.cos(lat)
    upx_e = cl * math.cos(lon)
    upy_e = cl * math.sin(lon)
    upz = math.sin(lat)
    c = math.cos(th)
    s = math.sin(th)
    upx = c * upx_e - s * upy_e
    upy = s * upx_e + c * upy_e
    out[D_VUP] = upx * vrx + upy * vry + upz * vrz
    T, p_amb, rho, a_snd = us76(h)
    rho *= P[P_RHO_SCALE]
    vair = math.sqrt(vax * vax + vay * vay + vaz * vaz)
    if P[P_AERO_ON] == 0.0:
        rho = 0.0
        p_amb = 0.0
    out[D_MACH] = vair / a_snd
    out[D_Q] = 0.5 * rho * vair * vair
    out[D_PAMB] = p_amb
    out[D_RHO] = rho
    thr = 0.0
    if P[P_N_LIT] > 0.0 and y[6] > P[P_MASS_MIN]:
        thr = P[P_N_LIT] * (P[P_THROTTLE] * P[P_THRUST_VAC] - p_amb * P[P_EXIT_AREA]) * P[P_THRUST_SCALE]
        thr = max(thr, 0.0)
    out[D_THRUST] = thr
    f = np.empty(7)
    rhs(t, y, P, cd_tab, wind_tab, f)
    gx, gy, gz = gravity_accel(y[0], y[1], y[2], int(P[P_GRAVITY_MODEL]), P[P_MU], P[P_J2], P[P_RREF])
    sx = f[3] - gx - P[P_DIST]
    sy = f[4] - gy - P[P_DIST + 1]
    sz = f[5] - gz - P[P_DIST + 2]
    out[D_ACCEL] = math.sqrt(sx * sx + sy * sy + sz * sz)
