"""Physical constants of the Earth model (SI).

Sources:
* WGS-84: NIMA TR8350.2, 3rd ed. (2000): a, 1/f, omega, GM.
* J2 = 0.00108262982 (EGM-class value used by the NASA NESC check cases,
  NASA/TM-2015-218675).
* g0 = 9.80665 m/s^2: standard gravity (CGPM 1901), the value in Isp <-> exhaust speed.
"""

WGS84_A_M = 6378137.0
WGS84_INV_F = 298.257223563
WGS84_F = 1.0 / WGS84_INV_F
WGS84_E2 = WGS84_F * (2.0 - WGS84_F)
WGS84_B_M = WGS84_A_M * (1.0 - WGS84_F)
OMEGA_EARTH_RAD_S = 7.292115e-5
MU_EARTH_M3_S2 = 3.986004418e14
J2_EARTH = 0.00108262982
J2_REFERENCE_RADIUS_M = WGS84_A_M
G0_M_S2 = 9.80665
# Radius of the sphere of equal area to the WGS-84 ellipsoid (NESC spherical cases).
SPHERE_RADIUS_M = 6371007.1809

# Gravity model codes used by the compiled right-hand side.
GRAVITY_INVERSE_SQUARE = 0
GRAVITY_J2 = 1
