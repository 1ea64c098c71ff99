"""Warm start of the real-time solver from the last solution of a neighbouring landing problem.

In closed loop the guidance re-solves nearly the same fuel problem every re-plan (the state has
moved along the last plan, the horizon has shrunk), and the free-final-time search solves the same
state for nearby final times.  The last optimal solution (scaled primal x, duals y and z, kind
'fuel' only) is kept per node count N and vehicle; a new problem is close when its initial state
lies on the stored trajectory (within MATCH_TOL of the new length and speed units) and its horizon
is within HORIZON_RATIO of the stored plan's time left from that point.  The stored plan from the
matched point is then stretched onto the new nodes, converted to the new units (r, v by the length
and speed units, z = ln m by the mass unit, costates inversely, cone duals by the node spacing),
and handed to the interior-point method, which falls back to a cold start if it does not converge.
"""
from __future__ import annotations

import math

import numpy as np
from numba import njit

from .problem import Scaled
from .socp_cones import JITF
from .socp_ops import NS, NX, offsets

MATCH_TOL = 0.02            # largest distance of the new initial state from the stored trajectory
HORIZON_RATIO = 1.25        # largest ratio (either way) of the new horizon to the stored time left
_STORE: dict = {}


def _fingerprint(sp: Scaled):
    """Vehicle and problem constants that must agree (SI units)."""
    return (sp.rho1 * sp.m0_kg * sp.g, sp.rho2 * sp.m0_kg * sp.g, sp.g * sp.T_s / sp.alpha,
            sp.m0_kg * math.exp(sp.zdry), sp.cos_point, sp.sin_gs, sp.g)


def clear() -> None:
    """Forget every stored solution."""
    _STORE.clear()


def store(sp: Scaled, tf: float, x, y, z) -> None:
    """Keep the optimal solution (x, y, z at tau = 1) of the 'fuel' problem sp with final time tf."""
    _STORE[sp.n_nodes] = (_fingerprint(sp), sp.L_m, sp.T_s, sp.m0_kg, tf, x.copy(), y.copy(), z.copy())


def lookup(sp: Scaled, tf: float):
    """(x, y, z) warm start for the 'fuel' problem sp with final time tf, or None if none is close."""
    entry = _STORE.get(sp.n_nodes)
    if entry is None:
        return None
    fp, L, T, m0, tf_old, x, y, z = entry
    fp_new = _fingerprint(sp)
    if any(abs(a - b) > 1e-9 * abs(b) for a, b in zip(fp, fp_new)):
        return None
    ok, xw, yw, zw = _map(sp.n_nodes, L / sp.L_m, (L / T) / (sp.L_m / sp.T_s), math.log(m0 / sp.m0_kg),
                          tf_old * T, tf * sp.T_s, sp.r0, sp.v0, x, y, z, MATCH_TOL, HORIZON_RATIO)
    return (xw, yw, zw) if ok else None


@njit(**JITF)
def _at(arr, n, phi, out):
    """out = row phi (fractional, clamped to 0..n-1) of the table arr (n rows), linear interpolation."""
    ph = min(max(phi, 0.0), n - 1.0)
    lo = min(int(ph), n - 2)
    th = ph - lo
    for j in range(out.size):
        out[j] = arr[lo, j] * (1.0 - th) + arr[lo + 1, j] * th


@njit(**JITF)
def _map(N, fr, fv, dz, tf_old_s, tf_new_s, r0, v0, x, y, z, match_tol, horizon_ratio):
    """Map the stored solution (x, y, z) onto the new problem; see the module docstring.

    fr, fv: old length and speed units over the new ones; dz = ln(old mass unit / new one).
    Returns (ok, x, y, z); ok is False when the new problem is not close to the stored one.
    """
    xw, yw, zw = np.zeros(x.size), np.zeros(y.size), z.copy()
    nodes = np.empty((N + 1, NX))                 # stored (r, v, z) per node, r and v in new units
    for k in range(N + 1):
        for i in range(NX):
            nodes[k, i] = x[NS * k + i] * (fr if i < 3 else (fv if i < 6 else 1.0))
    best, a = 1e300, 0.0
    for j in range(N):                            # nearest point of the stored trajectory (r, v)
        dd, dp = 0.0, 0.0
        for i in range(6):
            d = nodes[j + 1, i] - nodes[j, i]
            p = (r0[i] if i < 3 else v0[i - 3]) - nodes[j, i]
            dd += d * d
            dp += d * p
        th = min(max(dp / max(dd, 1e-300), 0.0), 1.0)
        dist = 0.0
        for i in range(6):
            e = nodes[j, i] + th * (nodes[j + 1, i] - nodes[j, i]) - (r0[i] if i < 3 else v0[i - 3])
            dist += e * e
        if dist < best:
            best, a = dist, j + th
    left = tf_old_s * (1.0 - a / N)
    ratio = tf_new_s / max(left, 1e-12)
    if not (math.sqrt(best) <= match_tol and 1.0 / horizon_ratio <= ratio <= horizon_ratio):
        return False, xw, yw, zw
    row = np.empty(NX)
    st = x[:NS * N].reshape(N, NS)[:, NX:]
    w = np.empty(NS - NX)
    lam = y[:NX * (N + 1)].reshape(N + 1, NX)
    nlin, c4, c3a, c3b, _cq = offsets(N)
    zst = np.empty((N, 14))                       # the stage rows of z (cone duals)
    for k in range(N):
        for i in range(4):
            zst[k, i] = z[4 * k + i]
            zst[k, 4 + i] = z[c4 + 4 * k + i]
        for i in range(3):
            zst[k, 8 + i] = z[c3a + 3 * k + i]
            zst[k, 11 + i] = z[c3b + 3 * k + i]
    zk = np.empty(14)
    dens = tf_new_s / tf_old_s                    # cone duals ~ node spacing x density
    for k in range(N + 1):
        phi = a + k * (N - a) / N                 # stored fractional node of new node k
        _at(nodes, N + 1, phi, row)
        o = NS * k
        for i in range(NX):
            xw[o + i] = row[i]
        xw[o + 6] += dz
        _at(lam, N + 1, phi, row)                 # costates: inverse units
        for i in range(NX):
            yw[NX * k + i] = row[i] / (fr if i < 3 else (fv if i < 6 else 1.0))
        if k < N:
            _at(st, N, phi, w)
            for i in range(NS - NX):
                xw[o + NX + i] = w[i]
            _at(zst, N, phi, zk)
            for i in range(4):
                zw[4 * k + i] = zk[i] * dens
                zw[c4 + 4 * k + i] = zk[4 + i] * dens
            for i in range(3):
                zw[c3a + 3 * k + i] = zk[8 + i] * dens
                zw[c3b + 3 * k + i] = zk[11 + i] * dens / fr   # glide-slope rows are lengths
    xw[NS * N + NX] = x[NS * N + NX]
    for i in range(6):
        yw[NX * (N + 1) + i] = y[NX * (N + 1) + i] / (fr if i < 3 else fv)
    return True, xw, yw, zw
