"""Landing-burn problem data: vehicle limits, the plan, input checks, scaling and discretisation.

Frame: every vector is in the local landing-site frame ENU (x East, y North, z Up), origin at the
landing target on the ground.  Gravity is constant, magnitude ``g_m_s2`` along -z.

Discretisation (shared by every solve path, so they have the same optimum): N intervals of
length dt = tf / N, zero-order hold on the thrust acceleration u = T/m and its slack sigma.  With u
held, position and velocity follow the closed-form double integrator (exact, no integration error),
and z = ln m decreases exactly by alpha * sigma * dt per interval (alpha = 1 / exhaust speed).
Thrust bounds are imposed at the start of each interval through Acikmese & Ploen (2007)'s
expansion of exp(-z) around z0(t) = ln(m0 - alpha * rho2 * t): linear for the upper bound,
second order (a second-order cone) for the lower bound.  Both expansions are conservative.

Internally the problem is non-dimensional: length unit L = max(|r0|, 10 m), acceleration unit g,
time unit sqrt(L / g), mass unit m0 (so z0 = 0); unscaled, ECOS/QOCO-style solvers report
'inaccurate' (validation/landing_guidance.md section 3).
"""
from __future__ import annotations

import functools
import math
from dataclasses import dataclass, field

import numpy as np

STATUSES = ("optimal", "min_error", "infeasible", "error")


@dataclass(frozen=True)
class LandingLimits:
    """The vehicle during the landing burn (SI units).

    glide_slope_deg is the half-angle of the glide-slope cone measured from the VERTICAL (Up):
    the position must satisfy |r_horizontal| <= tan(glide_slope_deg) * r_up, so 86 deg means the
    trajectory stays above a 4 deg elevation line from the target, and 90 deg means only r_up >= 0.
    pointing_max_deg bounds the angle between the thrust vector and Up.
    """

    thrust_min_N: float          # minimum thrust with the engines lit (throttle_min * thrust)
    thrust_max_N: float
    exhaust_speed_m_s: float     # c = Isp * g0 ; mass flow = T / c
    dry_mass_kg: float           # mass may not fall below this (propellant exhausted)
    pointing_max_deg: float = 15.0
    glide_slope_deg: float = 80.0
    g_m_s2: float = 9.80665      # gravity magnitude (constant, along -z in ENU)

    def problem(self) -> str | None:
        """One-line description of what is wrong with these limits, or None when they are usable."""
        vals = {"thrust_min_N": self.thrust_min_N, "thrust_max_N": self.thrust_max_N,
                "exhaust_speed_m_s": self.exhaust_speed_m_s, "dry_mass_kg": self.dry_mass_kg,
                "pointing_max_deg": self.pointing_max_deg, "glide_slope_deg": self.glide_slope_deg,
                "g_m_s2": self.g_m_s2}
        for name, val in vals.items():
            try:
                fval = float(val)
            except (TypeError, ValueError):
                return f"LandingLimits.{name} = {val!r}: must be a number"
            if not math.isfinite(fval):
                return f"LandingLimits.{name} = {val!r}: must be finite"
        if self.thrust_min_N < 0.0:
            return f"LandingLimits.thrust_min_N = {self.thrust_min_N}: must be >= 0"
        if not self.thrust_max_N > self.thrust_min_N:
            return f"LandingLimits.thrust_max_N = {self.thrust_max_N}: must exceed thrust_min_N"
        for name in ("exhaust_speed_m_s", "dry_mass_kg", "g_m_s2"):
            if not vals[name] > 0.0:
                return f"LandingLimits.{name} = {vals[name]}: must be > 0"
        if not 0.0 < self.pointing_max_deg <= 180.0:
            return f"LandingLimits.pointing_max_deg = {self.pointing_max_deg}: must be in (0, 180]"
        if not 0.0 < self.glide_slope_deg <= 90.0:
            return f"LandingLimits.glide_slope_deg = {self.glide_slope_deg}: must be in (0, 90]"
        return None


@dataclass
class LandingPlan:
    """A landing-burn plan in ENU.  Arrays are empty when status is 'infeasible' or 'error'.

    status: 'optimal' (fuel-optimal soft landing at the target), 'min_error' (target out of reach:
    fuel-optimal plan to the reachable point nearest the target, Blackmore et al. 2010),
    'infeasible' or 'error' (message says why).
    thrust_enu_N[k] is the thrust at the start of interval k; the thrust ACCELERATION is held over
    the interval (zero-order hold), so the thrust itself falls with the mass within the interval.
    """

    status: str
    t_s: np.ndarray = field(default_factory=lambda: np.zeros(0))
    tf_s: float = float("nan")
    r_enu_m: np.ndarray = field(default_factory=lambda: np.zeros((0, 3)))
    v_enu_m_s: np.ndarray = field(default_factory=lambda: np.zeros((0, 3)))
    mass_kg: np.ndarray = field(default_factory=lambda: np.zeros(0))
    thrust_enu_N: np.ndarray = field(default_factory=lambda: np.zeros((0, 3)))
    fuel_kg: float = float("nan")
    landing_error_m: float = float("nan")
    solve_time_s: float = 0.0
    iterations: int = 0
    message: str = ""
    timed_out: bool = False      # the max_time_s / max_iterations budget ran out (message says what was kept)

    @property
    def ok(self) -> bool:
        """True when the plan flies (status 'optimal' or 'min_error')."""
        return self.status in ("optimal", "min_error")


@dataclass
class Scaled:
    """Non-dimensional fixed-structure data of one landing problem (final time not yet chosen)."""

    L_m: float                 # length unit
    T_s: float                 # time unit sqrt(L/g)
    g: float                   # gravity magnitude, m/s^2 (the acceleration unit)
    m0_kg: float               # mass unit
    r0: np.ndarray             # (3,) scaled ENU position
    v0: np.ndarray             # (3,) scaled ENU velocity
    dist: np.ndarray           # (N, 3) scaled disturbance acceleration per interval (gravity excluded)
    alpha: float               # dz/dtau = -alpha * sigma
    rho1: float                # min thrust / (m0 g)
    rho2: float                # max thrust / (m0 g)
    zdry: float                # ln(m_dry / m0)
    cos_point: float
    sin_gs: float              # glide cone: cos_gs * |r_xy| <= sin_gs * r_z
    cos_gs: float
    n_nodes: int
    rho1_k: np.ndarray | None = None   # (N,) minimum thrust / (m0 g) per interval (None: rho1 on every one)

    def __post_init__(self):
        if self.rho1_k is None:
            self.rho1_k = np.full(self.n_nodes, self.rho1)


@functools.lru_cache(maxsize=64)
def _cached_problem(limits: LandingLimits):
    return limits.problem()


def _limits_problem(limits: LandingLimits):
    """`limits.problem()`, remembered per (hashable) limits: the closed loop re-plans with the same ones."""
    try:
        return _cached_problem(limits)
    except TypeError:                                  # unhashable field values
        return limits.problem()


def check_inputs(r_enu_m, v_enu_m_s, mass_kg, limits, n_nodes, accel_disturbance_enu):
    """Return (status, message) for unusable input, or (None, arrays...) when the problem can be posed."""
    if not isinstance(limits, LandingLimits):
        return ("error", f"limits: expected LandingLimits, got {type(limits).__name__}"), None
    msg = _limits_problem(limits)
    if msg:
        return ("error", msg), None
    try:
        n_nodes = int(n_nodes)
    except (TypeError, ValueError):
        return ("error", f"n_nodes = {n_nodes!r}: must be an integer"), None
    if not 5 <= n_nodes <= 2000:
        return ("error", f"n_nodes = {n_nodes}: must be in [5, 2000]"), None
    try:
        r = np.asarray(r_enu_m, dtype=float).reshape(3)
        v = np.asarray(v_enu_m_s, dtype=float).reshape(3)
        m = float(mass_kg)
    except (TypeError, ValueError):
        return ("error", "r_enu_m, v_enu_m_s must be 3-vectors and mass_kg a number"), None
    if not (np.all(np.isfinite(r)) and np.all(np.isfinite(v)) and math.isfinite(m)):
        return ("infeasible", "state is not finite (nan or inf in position, velocity or mass)"), None
    if m <= 0.0:
        return ("infeasible", f"mass_kg = {m}: must be > 0"), None
    if m <= limits.dry_mass_kg * (1.0 + 1e-9):
        return ("infeasible", f"mass_kg = {m} <= dry_mass_kg = {limits.dry_mass_kg}: no propellant"), None
    if r[2] <= 0.0:
        return ("infeasible", f"altitude r_enu_m[2] = {r[2]} <= 0: already on the ground"), None
    if accel_disturbance_enu is None:
        d = np.zeros((n_nodes, 3))
    else:
        try:
            d = np.asarray(accel_disturbance_enu, dtype=float)
            d = np.broadcast_to(d.reshape(3) if d.size == 3 else d, (n_nodes, 3)).copy()
        except (TypeError, ValueError):
            return ("error", "accel_disturbance_enu: must be a 3-vector or an (n_nodes, 3) array"), None
        if not np.all(np.isfinite(d)):
            return ("infeasible", "accel_disturbance_enu is not finite"), None
    return None, (r, v, m, n_nodes, d)


def check_thrust_min(thrust_min_N, limits: LandingLimits, n_nodes: int):
    """(message, None) when a per-interval minimum-thrust profile is unusable, else (None, array or
    None).  Each interval's minimum must lie in [0, thrust_max_N): e.g. the engines' minimum at the
    height the interval is flown at (less back-pressure up high: more thrust at minimum throttle)."""
    if thrust_min_N is None:
        return None, None
    try:
        t = np.asarray(thrust_min_N, dtype=float)
        t = np.broadcast_to(t.reshape(()) if t.size == 1 else t, (n_nodes,)).copy()
    except (TypeError, ValueError):
        return f"thrust_min_N: must be a number or an array of n_nodes = {n_nodes} values", None
    if not np.all(np.isfinite(t)):
        return "thrust_min_N: must be finite", None
    if t.min() < 0.0 or t.max() >= limits.thrust_max_N:
        return (f"thrust_min_N: each value must be in [0, thrust_max_N = {limits.thrust_max_N:.6g}) N, "
                f"got [{t.min():.6g}, {t.max():.6g}]"), None
    return None, t


def scale(r, v, m, limits: LandingLimits, n_nodes: int, dist_enu_m_s2: np.ndarray,
          thrust_min_N: np.ndarray | None = None) -> Scaled:
    """Non-dimensionalise a checked problem (see the module docstring for the units).
    thrust_min_N: checked per-interval minimum thrust (`check_thrust_min`), or None for the limits'."""
    g = float(limits.g_m_s2)
    L = max(float(np.linalg.norm(r)), 10.0)
    T = math.sqrt(L / g)
    V = L / T
    gs = math.radians(limits.glide_slope_deg)
    return Scaled(
        L_m=L, T_s=T, g=g, m0_kg=m, r0=r / L, v0=v / V, dist=dist_enu_m_s2 / g,
        alpha=g * T / limits.exhaust_speed_m_s,
        rho1=(limits.thrust_min_N if thrust_min_N is None else float(np.mean(thrust_min_N))) / (m * g),
        rho2=limits.thrust_max_N / (m * g),
        zdry=math.log(limits.dry_mass_kg / m), cos_point=math.cos(math.radians(limits.pointing_max_deg)),
        sin_gs=math.sin(gs), cos_gs=math.cos(gs), n_nodes=n_nodes,
        rho1_k=None if thrust_min_N is None else np.asarray(thrust_min_N, dtype=float) / (m * g))


def profiles(sp: Scaled, tf: float):
    """Per-node (k = 0..N) scaled mass-bound profiles for final time tf (scaled).

    Returns (dt, zlo, zhi, a_up, c_lo) where zlo = ln(max(1 - alpha rho2 t, m_dry/m0)) is the
    expansion point z0(t) and lower bound of z, zhi = ln(1 - alpha dt sum_{j<k} rho1_j) its upper
    bound (minimum thrust all along; = ln(1 - alpha rho1 t) with one minimum), a_up = rho2 exp(-zlo)
    and c_lo = rho1_k exp(-zlo) (node N repeats interval N-1's minimum); or None when even minimum
    thrust over tf burns more than the propellant (the fixed-tf problem is then infeasible).
    """
    N = sp.n_nodes
    dt = tf / N
    t = dt * np.arange(N + 1)
    m_hi = 1.0 - sp.alpha * dt * np.concatenate(([0.0], np.cumsum(sp.rho1_k)))
    if m_hi[-1] <= math.exp(sp.zdry):
        return None
    zlo = np.log(np.maximum(1.0 - sp.alpha * sp.rho2 * t, math.exp(sp.zdry)))
    zhi = np.log(m_hi)
    e = np.exp(-zlo)
    return dt, zlo, zhi, sp.rho2 * e, np.append(sp.rho1_k, sp.rho1_k[-1]) * e


def make_plan(sp: Scaled, tf: float, r, v, z, u, status: str, **info) -> LandingPlan:
    """Physical ENU plan from a scaled solution (r, v, z on nodes; u on intervals)."""
    N = sp.n_nodes
    V = sp.L_m / sp.T_s
    mass = sp.m0_kg * np.exp(np.asarray(z, dtype=float))
    r_m = np.asarray(r, dtype=float) * sp.L_m
    tf_s = tf * sp.T_s
    t_s = np.arange(N + 1) * (tf_s / N)          # = np.linspace(0, tf_s, N + 1), without its overhead
    t_s[-1] = tf_s
    plan = LandingPlan(
        status=status, t_s=t_s, tf_s=tf_s,
        r_enu_m=r_m, v_enu_m_s=np.asarray(v, dtype=float) * V, mass_kg=mass,
        thrust_enu_N=np.asarray(u, dtype=float) * sp.g * mass[:-1, None],
        fuel_kg=float(mass[0] - mass[-1]), landing_error_m=float(np.hypot(r_m[-1, 0], r_m[-1, 1])))
    for key, val in info.items():
        setattr(plan, key, val)
    return plan


def failed(status: str, message: str, **info) -> LandingPlan:
    """A plan that does not fly, with its reason."""
    plan = LandingPlan(status=status, message=message)
    for key, val in info.items():
        setattr(plan, key, val)
    return plan


@dataclass
class FixedResult:
    """Result of one fixed-final-time convex solve, in scaled units (see `Scaled`)."""

    status: str                 # 'optimal' | 'infeasible' | 'error'
    objective: float = float("nan")
    r: np.ndarray | None = None  # (N+1, 3)
    v: np.ndarray | None = None  # (N+1, 3)
    z: np.ndarray | None = None  # (N+1,)
    u: np.ndarray | None = None  # (N, 3)
    sigma: np.ndarray | None = None  # (N,)
    iterations: int = 0
    solve_time_s: float = 0.0
    message: str = ""
    timed_out: bool = False      # the time or iteration budget ran out (see realtime.solve_fixed)


KINDS = ("fuel", "min_error", "fuel_disk")
"""Fixed-tf problems: 'fuel' lands at the target (Acikmese & Ploen problem 4); 'min_error' minimises
the final horizontal distance to the target (Blackmore et al. 2010 problem 3); 'fuel_disk' minimises
fuel with the final horizontal distance bounded by `radius` (their problem 4)."""


def dynamics_terms(sp: Scaled, dt: float):
    """Constant terms of the exact ZOH double integrator per interval: (c_r (N,3), c_v (N,3)).

    r_{k+1} = r_k + dt v_k + dt^2/2 (u_k + g_k) and v_{k+1} = v_k + dt (u_k + g_k), with
    g_k = (0, 0, -1) + disturbance_k (scaled), so c_r = dt^2/2 g_k and c_v = dt g_k.
    """
    gk = sp.dist.copy()
    gk[:, 2] -= 1.0
    return 0.5 * dt * dt * gk, dt * gk
