"""Products with the landing SOCP's constraint matrices A (equalities) and G (cones) (Numba).

Variables (scaled, ENU), stage k = 0..N-1 at offset NS k: state x_k = (r, v, z) then w_k = (u, sigma);
then the final state x_N (7) and one extra variable e:  size NS N + 8.  For the minimum-landing-error
problems r is measured from the free landing point q = r0_xy - r_0,xy (so x_0[0:2] is free and e
bounds |q|); otherwise x_0 is fixed and e is a bounded dummy.
Equalities, rows (7 + 7 N + 6): x_0 = b_0 (rows 0, 1 empty when x_0[0:2] is free), the exact ZOH
double integrator x_{k+1} - Ad x_k - Bd w_k = b_{k+1}, and r_N = 0, v_N = 0.
Cone rows (slack s = h - G x), half-lines first then the cones (see `socp_cones`):
    4k..4k+3      u_z >= cp sigma | a_k z + sigma <= h | z >= z0_k | z <= zhi_k (last two scaled by gz_k)
    4N..4N+4      z_N >= z_dry | z_N >= z0_N | z_N <= zhi_N | e >= 0 | e <= e_max
    C4(k)         (sigma, u): |u| <= sigma
    C3a(k)        lower thrust bound: (cf sigma + cl z - .., cl z - .., cf sigma + cl z - ..)
    C3b(k)        glide slope: (gsn r_z, gcs r_x, gcs r_y)
    Cq            (qe e + .., r0_x - qx x_0[0], r0_y - qx x_0[1])
Per-stage coefficients co[k] = (a, gz, cl, cf, gsn, gcs); a zero coefficient makes a row constant.
"""
from __future__ import annotations

import numpy as np
from numba import njit

from .socp_cones import INL, JITF

NX, NW, NS, NP = 7, 4, 11, 6     # state, input, stage, terminal-equality sizes


@njit(**JITF)
def offsets(N):
    """Slack offsets: (nlin, start of C4, of C3a, of C3b, of Cq)."""
    nlin = 4 * N + 5
    return nlin, nlin, nlin + 4 * N, nlin + 7 * N, nlin + 10 * N


@njit(**JITF)
def g_mul(x, N, co, cp, qe, qx, out):
    """out = G x."""
    nlin, c4, c3a, c3b, cq = offsets(N)
    for k in range(N):
        o = NS * k
        z, sg = x[o + 6], x[o + 10]
        a, gz, cl, cf, gsn, gcs = co[k, 0], co[k, 1], co[k, 2], co[k, 3], co[k, 4], co[k, 5]
        i = 4 * k
        out[i] = -x[o + 9] + cp * sg
        out[i + 1] = a * z + sg
        out[i + 2] = -gz * z
        out[i + 3] = gz * z
        j = c4 + 4 * k
        out[j] = -sg
        out[j + 1] = -x[o + 7]
        out[j + 2] = -x[o + 8]
        out[j + 3] = -x[o + 9]
        j = c3a + 3 * k
        lo = -cf * sg - cl * z
        out[j] = lo
        out[j + 1] = -cl * z
        out[j + 2] = lo
        j = c3b + 3 * k
        out[j] = -gsn * x[o + 2]
        out[j + 1] = -gcs * x[o]
        out[j + 2] = -gcs * x[o + 1]
    oN = NS * N
    zN, e = x[oN + 6], x[oN + 7]
    i = 4 * N
    out[i] = -zN
    out[i + 1] = -zN
    out[i + 2] = zN
    out[i + 3] = -e
    out[i + 4] = e
    out[cq] = -qe * e
    out[cq + 1] = qx * x[0]
    out[cq + 2] = qx * x[1]


@njit(**JITF)
def gt_mul(y, N, co, cp, qe, qx, out):
    """out = G^T y (every entry written)."""
    nlin, c4, c3a, c3b, cq = offsets(N)
    for k in range(N):
        o = NS * k
        a, gz, cl, cf, gsn, gcs = co[k, 0], co[k, 1], co[k, 2], co[k, 3], co[k, 4], co[k, 5]
        i = 4 * k
        j4 = c4 + 4 * k
        ja = c3a + 3 * k
        jb = c3b + 3 * k
        s02 = y[ja] + y[ja + 2]
        out[o] = -gcs * y[jb + 1]
        out[o + 1] = -gcs * y[jb + 2]
        out[o + 2] = -gsn * y[jb]
        out[o + 3] = 0.0
        out[o + 4] = 0.0
        out[o + 5] = 0.0
        out[o + 6] = a * y[i + 1] + gz * (y[i + 3] - y[i + 2]) - cl * (s02 + y[ja + 1])
        out[o + 7] = -y[j4 + 1]
        out[o + 8] = -y[j4 + 2]
        out[o + 9] = -y[i] - y[j4 + 3]
        out[o + 10] = cp * y[i] + y[i + 1] - y[j4] - cf * s02
    oN = NS * N
    i = 4 * N
    for t in range(6):
        out[oN + t] = 0.0
    out[oN + 6] = -y[i] - y[i + 1] + y[i + 2]
    out[oN + 7] = -y[i + 3] + y[i + 4] - qe * y[cq]
    out[0] += qx * y[cq + 1]
    out[1] += qx * y[cq + 2]


@njit(**JITF)
def a_mul(x, N, dt, h2, adt, free0, out):
    """out = A x."""
    for i in range(NX):
        out[i] = x[i]
    if free0:
        out[0] = 0.0
        out[1] = 0.0
    for k in range(N):
        o = NS * k
        on = o + NS
        r = NX + NX * k
        for i in range(3):
            out[r + i] = x[on + i] - x[o + i] - dt * x[o + 3 + i] - h2 * x[o + 7 + i]
            out[r + 3 + i] = x[on + 3 + i] - x[o + 3 + i] - dt * x[o + 7 + i]
        out[r + 6] = x[on + 6] - x[o + 6] + adt * x[o + 10]
    gT = NX + NX * N
    for i in range(NP):
        out[gT + i] = x[NS * N + i]


@njit(**JITF)
def at_mul(y, N, dt, h2, adt, free0, out):
    """out = A^T y (every entry written)."""
    for i in range(NX):
        out[i] = y[i]
    if free0:
        out[0] = 0.0
        out[1] = 0.0
    for k in range(N):
        o = NS * k
        yr = NX + NX * k
        if k > 0:
            for i in range(NX):
                out[o + i] = y[yr - NX + i]
        for i in range(3):
            out[o + i] -= y[yr + i]
            out[o + 3 + i] -= y[yr + 3 + i] + dt * y[yr + i]
            out[o + 7 + i] = -(h2 * y[yr + i] + dt * y[yr + 3 + i])
        out[o + 6] -= y[yr + 6]
        out[o + 10] = adt * y[yr + 6]
    oN = NS * N
    yr = NX + NX * (N - 1)
    gT = NX + NX * N
    for i in range(NX):
        out[oN + i] = y[yr + i]
    for i in range(NP):
        out[oN + i] += y[gT + i]
    out[oN + 7] = 0.0


@njit(**INL)
def _w2inv(ie2, wbar, je, st, q, x0, x1, x2, x3):
    """W^-2 x = f (2 (v.x) v - J x), v = J wbar, f = ie2 = eta^-2, for one cone (x3 = 0 when q = 3)."""
    f = ie2[je]
    w0, w1, w2 = wbar[st], wbar[st + 1], wbar[st + 2]
    w3 = wbar[st + 3] if q == 4 else 0.0
    d = 2.0 * (w0 * x0 - w1 * x1 - w2 * x2 - w3 * x3)
    return f * (d * w0 - x0), f * (x1 - d * w1), f * (x2 - d * w2), f * (x3 - d * w3)


@njit(**JITF)
def gt_w2(rz, rx, N, co, cp, qe, qx, ie2, wbar, F):
    """F = rx + G^T W^-2 rz (fused `apply_w2` and `gt_mul`)."""
    nlin, c4, c3a, c3b, cq = offsets(N)
    for k in range(N):
        o = NS * k
        a, gz, cl, cf, gsn, gcs = co[k, 0], co[k, 1], co[k, 2], co[k, 3], co[k, 4], co[k, 5]
        i = 4 * k
        y0 = rz[i] * ie2[i]
        y1 = rz[i + 1] * ie2[i + 1]
        y2 = rz[i + 2] * ie2[i + 2]
        y3 = rz[i + 3] * ie2[i + 3]
        j = c4 + 4 * k
        p0, p1, p2, p3 = _w2inv(ie2, wbar, nlin + k, j, 4, rz[j], rz[j + 1], rz[j + 2], rz[j + 3])
        j = c3a + 3 * k
        a0, a1, a2, _a3 = _w2inv(ie2, wbar, nlin + N + k, j, 3, rz[j], rz[j + 1], rz[j + 2], 0.0)
        j = c3b + 3 * k
        b0, b1, b2, _b3 = _w2inv(ie2, wbar, nlin + 2 * N + k, j, 3, rz[j], rz[j + 1], rz[j + 2], 0.0)
        s02 = a0 + a2
        F[o] = rx[o] - gcs * b1
        F[o + 1] = rx[o + 1] - gcs * b2
        F[o + 2] = rx[o + 2] - gsn * b0
        F[o + 3] = rx[o + 3]
        F[o + 4] = rx[o + 4]
        F[o + 5] = rx[o + 5]
        F[o + 6] = rx[o + 6] + a * y1 + gz * (y3 - y2) - cl * (s02 + a1)
        F[o + 7] = rx[o + 7] - p1
        F[o + 8] = rx[o + 8] - p2
        F[o + 9] = rx[o + 9] - y0 - p3
        F[o + 10] = rx[o + 10] + cp * y0 + y1 - p0 - cf * s02
    oN = NS * N
    i = 4 * N
    y = np.empty(5)
    for t in range(5):
        y[t] = rz[i + t] * ie2[i + t]
    q0, q1, q2, _q3 = _w2inv(ie2, wbar, nlin + 3 * N, cq, 3, rz[cq], rz[cq + 1], rz[cq + 2], 0.0)
    for t in range(6):
        F[oN + t] = rx[oN + t]
    F[oN + 6] = rx[oN + 6] - y[0] - y[1] + y[2]
    F[oN + 7] = rx[oN + 7] - y[3] + y[4] - qe * q0
    F[0] += qx * q1
    F[1] += qx * q2


@njit(**JITF)
def w2_g(x, rz, N, co, cp, qe, qx, ie2, wbar, Z):
    """Z = W^-2 (G x - rz) (fused `g_mul` and `apply_w2`)."""
    nlin, c4, c3a, c3b, cq = offsets(N)
    for k in range(N):
        o = NS * k
        z, sg = x[o + 6], x[o + 10]
        a, gz, cl, cf, gsn, gcs = co[k, 0], co[k, 1], co[k, 2], co[k, 3], co[k, 4], co[k, 5]
        i = 4 * k
        Z[i] = (-x[o + 9] + cp * sg - rz[i]) * ie2[i]
        Z[i + 1] = (a * z + sg - rz[i + 1]) * ie2[i + 1]
        Z[i + 2] = (-gz * z - rz[i + 2]) * ie2[i + 2]
        Z[i + 3] = (gz * z - rz[i + 3]) * ie2[i + 3]
        j = c4 + 4 * k
        p0, p1, p2, p3 = _w2inv(ie2, wbar, nlin + k, j, 4, -sg - rz[j], -x[o + 7] - rz[j + 1],
                                -x[o + 8] - rz[j + 2], -x[o + 9] - rz[j + 3])
        Z[j], Z[j + 1], Z[j + 2], Z[j + 3] = p0, p1, p2, p3
        j = c3a + 3 * k
        lo = -cf * sg - cl * z
        p0, p1, p2, _p3 = _w2inv(ie2, wbar, nlin + N + k, j, 3, lo - rz[j], -cl * z - rz[j + 1],
                                 lo - rz[j + 2], 0.0)
        Z[j], Z[j + 1], Z[j + 2] = p0, p1, p2
        j = c3b + 3 * k
        p0, p1, p2, _p3 = _w2inv(ie2, wbar, nlin + 2 * N + k, j, 3, -gsn * x[o + 2] - rz[j],
                                 -gcs * x[o] - rz[j + 1], -gcs * x[o + 1] - rz[j + 2], 0.0)
        Z[j], Z[j + 1], Z[j + 2] = p0, p1, p2
    oN = NS * N
    zN, e = x[oN + 6], x[oN + 7]
    i = 4 * N
    Z[i] = (-zN - rz[i]) * ie2[i]
    Z[i + 1] = (-zN - rz[i + 1]) * ie2[i + 1]
    Z[i + 2] = (zN - rz[i + 2]) * ie2[i + 2]
    Z[i + 3] = (-e - rz[i + 3]) * ie2[i + 3]
    Z[i + 4] = (e - rz[i + 4]) * ie2[i + 4]
    p0, p1, p2, _p3 = _w2inv(ie2, wbar, nlin + 3 * N, cq, 3, -qe * e - rz[cq], qx * x[0] - rz[cq + 1],
                             qx * x[1] - rz[cq + 2], 0.0)
    Z[cq], Z[cq + 1], Z[cq + 2] = p0, p1, p2
