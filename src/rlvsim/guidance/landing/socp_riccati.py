"""Riccati solve of the landing problem's KKT systems (Numba), the heart of the real-time solver.

Each interior-point iteration solves  H X + A^T Y = F,  A X = g  with H = G^T W^-2 G + reg I, which
is block-diagonal per stage (layout, A and G: `socp_ops`).  Stage Hessians are assembled from the
Nesterov-Todd scalings on the fly.  With Ad x = (r + dt v, v, z), Bd w = (dt^2/2 u, dt u, -alpha dt
sigma) (exact ZOH double integrator) the backward recursion gives the cost-to-go P_k, p_k of x_k,
the dynamics multipliers lambda_k = -(P_k x_k + p_k) and the inputs w_k = K_k x_k + kff_k.  The
terminal equalities r_N = v_N = 0 fix the thrust of the last two stages as a function of their
states (`socp_terminal`), so the recursion is exact without terminal multipliers: one backward and
one forward sweep per solve, O(N) per factorisation and per solve; all block sizes are compile-time
constants.  The cost-to-go of the last stages is stiff (a deviation there must be undone within two
steps), which costs the multipliers some accuracy (relative KKT residual up to ~1e-9 where the
scalings are extreme); `socp_ipm` refines the end-game solves once to recover it.
"""
from __future__ import annotations

import math

import numpy as np
from numba import njit

from .socp_cones import INL, JITF
from .socp_ops import NS, NW, NX, offsets
from .socp_terminal import backward_stage, factor_stage, input_of, multipliers


@njit(**JITF)
def _chol(Mat, n, Lo):
    """Lower Cholesky factor of the n x n SPD matrix Mat into Lo.  False if not positive definite."""
    for i in range(n):
        for j in range(i + 1):
            acc = Mat[i, j]
            for k in range(j):
                acc -= Lo[i, k] * Lo[j, k]
            if i == j:
                if not acc > 0.0:
                    return False
                Lo[i, i] = math.sqrt(acc)
            else:
                Lo[i, j] = acc / Lo[j, j]
        for j in range(i + 1, n):
            Lo[i, j] = 0.0
    return True


@njit(**JITF)
def _chol_solve(Lo, n, b):
    """Solve (Lo Lo^T) x = b in place."""
    for i in range(n):
        acc = b[i]
        for k in range(i):
            acc -= Lo[i, k] * b[k]
        b[i] = acc / Lo[i, i]
    for i in range(n - 1, -1, -1):
        acc = b[i]
        for k in range(i + 1, n):
            acc -= Lo[k, i] * b[k]
        b[i] = acc / Lo[i, i]


@njit(**INL)
def _chol4s(R):
    """Cholesky of the 4 x 4 SPD R (lower half read): (ok, 1/L00, 1/L11, 1/L22, 1/L33, L10, L20, L30,
    L21, L31, L32); ok is False if R is not positive definite."""
    d = R[0, 0]
    if not d > 0.0:
        return False, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0
    i0 = 1.0 / math.sqrt(d)
    l10, l20, l30 = R[1, 0] * i0, R[2, 0] * i0, R[3, 0] * i0
    d = R[1, 1] - l10 * l10
    if not d > 0.0:
        return False, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0
    i1 = 1.0 / math.sqrt(d)
    l21, l31 = (R[2, 1] - l20 * l10) * i1, (R[3, 1] - l30 * l10) * i1
    d = R[2, 2] - l20 * l20 - l21 * l21
    if not d > 0.0:
        return False, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0
    i2 = 1.0 / math.sqrt(d)
    l32 = (R[3, 2] - l30 * l20 - l31 * l21) * i2
    d = R[3, 3] - l30 * l30 - l31 * l31 - l32 * l32
    if not d > 0.0:
        return False, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0
    return True, i0, i1, i2, 1.0 / math.sqrt(d), l10, l20, l30, l21, l31, l32


@njit(**INL)
def _w2inv3(ie2, wbar, je, st):
    """Upper half of W^-2 = eta^-2 (2 v v^T - J), v = J wbar, of the size-3 cone je at row st."""
    f = ie2[je]
    w0, w1, w2 = wbar[st], wbar[st + 1], wbar[st + 2]
    f2 = 2.0 * f
    return (f * (2.0 * w0 * w0 - 1.0), -f2 * w0 * w1, -f2 * w0 * w2, f * (2.0 * w1 * w1 + 1.0),
            f2 * w1 * w2, f * (2.0 * w2 * w2 + 1.0))


@njit(**INL)
def _stage_hessian(k, N, co, cp, ie2, wbar, reg, Hr, Hw):
    """Stage k's Hessian: Hr (3x3, r), Hw (4x4, (u, sigma)); returns (H_zz, H_z,sigma)."""
    nlin, c4, c3a, c3b, _cq = offsets(N)
    a, gz, cl, cf, gsn, gcs = co[k, 0], co[k, 1], co[k, 2], co[k, 3], co[k, 4], co[k, 5]
    i = 4 * k
    d0, d1 = ie2[i], ie2[i + 1]
    d23 = gz * (ie2[i + 2] + ie2[i + 3])
    st = c4 + 4 * k                                            # |u| <= sigma, G = -I
    f = ie2[nlin + k]
    f2 = 2.0 * f
    w0, w1, w2, w3 = wbar[st], wbar[st + 1], wbar[st + 2], wbar[st + 3]
    Hw[0, 0] = f2 * w1 * w1 + f + reg
    Hw[1, 1] = f2 * w2 * w2 + f + reg
    Hw[2, 2] = f2 * w3 * w3 + f + d0 + reg                     # pointing: -u_z + cp sigma
    Hw[0, 1] = Hw[1, 0] = f2 * w1 * w2
    Hw[0, 2] = Hw[2, 0] = f2 * w1 * w3
    Hw[1, 2] = Hw[2, 1] = f2 * w2 * w3
    Hw[0, 3] = Hw[3, 0] = -f2 * w0 * w1
    Hw[1, 3] = Hw[3, 1] = -f2 * w0 * w2
    Hw[2, 3] = Hw[3, 2] = -f2 * w0 * w3 - cp * d0
    m00, m01, m02, m11, m12, m22 = _w2inv3(ie2, wbar, nlin + N + k, c3a + 3 * k)   # lower thrust
    s0, s1, s2 = m00 + m01 + m02, m01 + m11 + m12, m02 + m12 + m22
    Hw[3, 3] = f * (2.0 * w0 * w0 - 1.0) + cp * cp * d0 + d1 + cf * cf * (m00 + 2.0 * m02 + m22) + reg
    hzz = a * a * d1 + d23 + cl * cl * (s0 + s1 + s2) + reg
    hzs = a * d1 + cf * cl * (s0 + s2)
    m00, m01, m02, m11, m12, m22 = _w2inv3(ie2, wbar, nlin + 2 * N + k, c3b + 3 * k)  # glide (z, x, y)
    xx, xz = gcs * gcs, gcs * gsn
    Hr[0, 0] = xx * m11 + reg
    Hr[1, 1] = xx * m22 + reg
    Hr[2, 2] = gsn * gsn * m00 + reg
    Hr[0, 1] = Hr[1, 0] = xx * m12
    Hr[0, 2] = Hr[2, 0] = xz * m01
    Hr[1, 2] = Hr[2, 1] = xz * m02
    return hzz, hzs


@njit(**JITF)
def _full_hessian(k, N, co, cp, ie2, wbar, reg, Hr, Hw, Hk):
    """Stage k's whole Hessian (11 x 11, (x, w)) into Hk (for the two reduced stages)."""
    hzz, hzs = _stage_hessian(k, N, co, cp, ie2, wbar, reg, Hr, Hw)
    for a in range(NS):
        for b in range(NS):
            Hk[a, b] = 0.0
    for a in range(3):
        for b in range(3):
            Hk[a, b] = Hr[a, b]
        Hk[3 + a, 3 + a] = reg
    for a in range(NW):
        for b in range(NW):
            Hk[NX + a, NX + b] = Hw[a, b]
    Hk[6, 6] = hzz
    Hk[6, 10] = Hk[10, 6] = hzs


@njit(**JITF)
def factor(N, dt, h2, adt, co, cp, qe, qx, free0, ie2, wbar, reg, P, Lr, K, Hl, Lf, hsc):
    """Backward Riccati factorisation for the current scaling.

    Outputs P (N+1,7,7), Lr (N,4,4) Cholesky of R_k (1/R in Lr[k,0,0] on the two reduced stages),
    K (N,4,7) (the sigma gain in K[k,0] on the reduced stages), Hl (2,11,11) the reduced stages'
    Hessians, Lf (3,3) Cholesky of the free initial block ((x_0[0], x_0[1], e) when free0),
    hsc[0] = H_ee.  Returns False on a numerical breakdown.
    """
    nlin, _c4, _c3a, _c3b, cq = offsets(N)
    Hr = np.empty((3, 3))
    Hw = np.empty((NW, NW))
    PB = np.empty((NX, NW))
    R = np.empty((NW, NW))
    St = np.empty((NW, NX))
    Yk = np.empty((NW, NX))
    i = 4 * N                                                   # terminal block: z_N bounds
    PN = P[N]
    for a in range(NX):
        for b in range(NX):
            PN[a, b] = 0.0
        PN[a, a] = reg
    for t in range(3):
        PN[6, 6] += ie2[i + t]
    for j in range(1, -1, -1):                    # the last two stages: r_N = v_N = 0 fix u there
        k = N - 2 + j
        _full_hessian(k, N, co, cp, ie2, wbar, reg, Hr, Hw, Hl[j])
        rr = factor_stage(j, dt, h2, adt, Hl[j], P[k + 1], P[k], K[k, 0])
        if not rr > 0.0:
            return False
        Lr[k, 0, 0] = 1.0 / rr
    for k in range(N - 3, -1, -1):
        hzz, hzs = _stage_hessian(k, N, co, cp, ie2, wbar, reg, Hr, Hw)
        for a in range(NX):                       # PB = Pn Bd
            for j in range(3):
                PB[a, j] = h2 * P[k + 1, a, j] + dt * P[k + 1, a, 3 + j]
            PB[a, 3] = -adt * P[k + 1, a, 6]
        for j in range(NW):                       # R = Hww + Bd^T Pn Bd
            for a in range(3):
                R[a, j] = Hw[a, j] + h2 * PB[a, j] + dt * PB[3 + a, j]
            R[3, j] = Hw[3, j] - adt * PB[6, j]
        for a in range(NW):                       # St = Hwx + Bd^T Pn Ad = PB^T Ad + Hwx
            for j in range(3):
                St[a, j] = PB[j, a]
                St[a, 3 + j] = PB[3 + j, a] + dt * PB[j, a]
            St[a, 6] = PB[6, a]
        St[3, 6] += hzs
        ok, i0, i1, i2, i3, l10, l20, l30, l21, l31, l32 = _chol4s(R)
        if not ok:
            return False
        Lr[k, 0, 0], Lr[k, 1, 1], Lr[k, 2, 2], Lr[k, 3, 3] = i0, i1, i2, i3
        Lr[k, 1, 0], Lr[k, 2, 0], Lr[k, 3, 0] = l10, l20, l30
        Lr[k, 2, 1], Lr[k, 3, 1], Lr[k, 3, 2] = l21, l31, l32
        for j in range(NX):                       # Yk = L^-1 St ; K = -L^-T Yk
            y0 = St[0, j] * i0
            y1 = (St[1, j] - l10 * y0) * i1
            y2 = (St[2, j] - l20 * y0 - l21 * y1) * i2
            y3 = (St[3, j] - l30 * y0 - l31 * y1 - l32 * y2) * i3
            Yk[0, j], Yk[1, j], Yk[2, j], Yk[3, j] = y0, y1, y2, y3
            k3 = -y3 * i3
            k2 = -(y2 + l32 * k3) * i2
            k1 = -(y1 + l21 * k2 + l31 * k3) * i1
            K[k, 0, j] = -(y0 + l10 * k1 + l20 * k2 + l30 * k3) * i0
            K[k, 1, j], K[k, 2, j], K[k, 3, j] = k1, k2, k3
        for a in range(NX):                       # Pk = Hxx + Ad^T Pn Ad - Yk^T Yk
            for b in range(a + 1):
                P[k, a, b] = P[k + 1, a, b] - (Yk[0, a] * Yk[0, b] + Yk[1, a] * Yk[1, b]
                                       + Yk[2, a] * Yk[2, b] + Yk[3, a] * Yk[3, b])
        for a in range(3):                        # Pn Ad then Ad^T (Pn Ad): the dt terms
            for b in range(a + 1):
                P[k, 3 + a, 3 + b] += (dt * (P[k + 1, a, 3 + b] + P[k + 1, 3 + a, b])
                                       + dt * dt * P[k + 1, a, b])
            for b in range(3):
                P[k, 3 + a, b] += dt * P[k + 1, a, b]
            P[k, 6, 3 + a] += dt * P[k + 1, 6, a]
        for a in range(3):
            for b in range(a + 1):
                P[k, a, b] += Hr[a, b]
        P[k, 6, 6] += hzz
        for a in range(3, 6):
            P[k, a, a] += reg
        for a in range(NX):
            for b in range(a):
                P[k, b, a] = P[k, a, b]
    i = 4 * N
    hee = ie2[i + 3] + ie2[i + 4] + reg
    m00, m01, m02, m11, m12, m22 = _w2inv3(ie2, wbar, nlin + 3 * N, cq)   # (qe e, .., qx x0_0, qx x0_1)
    hee += qe * qe * m00
    hsc[0] = hee
    if free0:                                     # free (x0_0, x0_1, e) minimise the cost-to-go
        Fb = np.empty((3, 3))
        Fb[0, 0] = P[0, 0, 0] + qx * qx * m11
        Fb[1, 1] = P[0, 1, 1] + qx * qx * m22
        Fb[0, 1] = Fb[1, 0] = P[0, 0, 1] + qx * qx * m12
        Fb[0, 2] = Fb[2, 0] = -qe * qx * m01
        Fb[1, 2] = Fb[2, 1] = -qe * qx * m02
        Fb[2, 2] = hee
        if not _chol(Fb, 3, Lf):
            return False
    return True


@njit(**INL)
def _solve4s(Lr, k, b0, b1, b2, b3):
    """R_k^-1 b for the factor Lr[k] stored by `factor` (1 / L_ii on the diagonal), on scalars."""
    i0, i1, i2, i3 = Lr[k, 0, 0], Lr[k, 1, 1], Lr[k, 2, 2], Lr[k, 3, 3]
    l10, l20, l30, l21, l31, l32 = Lr[k, 1, 0], Lr[k, 2, 0], Lr[k, 3, 0], Lr[k, 2, 1], Lr[k, 3, 1], Lr[k, 3, 2]
    b0 = b0 * i0
    b1 = (b1 - l10 * b0) * i1
    b2 = (b2 - l20 * b0 - l21 * b1) * i2
    b3 = (b3 - l30 * b0 - l31 * b1 - l32 * b2) * i3 * i3
    b2 = (b2 - l32 * b3) * i2
    b1 = (b1 - l21 * b2 - l31 * b3) * i1
    b0 = (b0 - l10 * b1 - l20 * b2 - l30 * b3) * i0
    return b0, b1, b2, b3


@njit(**JITF)
def solve(F, g, N, dt, h2, adt, free0, P, Lr, K, Hl, Lf, hsc, pk, kff, X, Y):
    """Solve H X + A^T Y = F, A X = g with the factorisation from `factor` (X, Y overwritten).

    pk (N+1, 7) and kff (N, 4) are work arrays.
    """
    oN = NS * N
    t = np.empty(NX)
    for i in range(NX):
        pk[N, i] = -F[oN + i]
    for j in range(1, -1, -1):                    # the two reduced stages (`socp_terminal`)
        k = N - 2 + j
        backward_stage(j, N, dt, h2, adt, Hl[j], K[k, 0], 1.0 / Lr[k, 0, 0], F, g, P[k + 1], pk[k + 1],
                       pk[k], kff[k])
    for k in range(N - 3, -1, -1):
        o = NS * k
        gn = NX + NX * k
        g0, g1, g2, g3, g4, g5, g6 = g[gn], g[gn + 1], g[gn + 2], g[gn + 3], g[gn + 4], g[gn + 5], g[gn + 6]
        for i in range(NX):                       # t = P_{k+1} g_{k+1} + p_{k+1}
            t[i] = pk[k + 1, i] + (P[k + 1, i, 0] * g0 + P[k + 1, i, 1] * g1 + P[k + 1, i, 2] * g2
                                   + P[k + 1, i, 3] * g3 + P[k + 1, i, 4] * g4 + P[k + 1, i, 5] * g5
                                   + P[k + 1, i, 6] * g6)
        s0 = h2 * t[0] + dt * t[3] - F[o + 7]     # sv = Bd^T t - F_w
        s1 = h2 * t[1] + dt * t[4] - F[o + 8]
        s2 = h2 * t[2] + dt * t[5] - F[o + 9]
        s3 = -adt * t[6] - F[o + 10]
        for i in range(NX):                       # p_k = Ad^T t - F_x + K^T sv
            pk[k, i] = t[i] - F[o + i] + (K[k, 0, i] * s0 + K[k, 1, i] * s1 + K[k, 2, i] * s2
                                          + K[k, 3, i] * s3)
        pk[k, 3] += dt * t[0]
        pk[k, 4] += dt * t[1]
        pk[k, 5] += dt * t[2]
        s0, s1, s2, s3 = _solve4s(Lr, k, s0, s1, s2, s3)
        kff[k, 0], kff[k, 1], kff[k, 2], kff[k, 3] = -s0, -s1, -s2, -s3
    for i in range(NX):
        X[i] = g[i]
    if free0:                                     # free x_0[0:2] and e minimise the cost-to-go
        fb = np.empty(3)
        for a in range(2):
            acc = pk[0, a]
            for j in range(2, NX):
                acc += P[0, a, j] * X[j]
            fb[a] = -acc
        fb[2] = F[oN + 7]
        _chol_solve(Lf, 3, fb)
        X[0], X[1], X[oN + 7] = fb[0], fb[1], fb[2]
    else:
        X[oN + 7] = F[oN + 7] / hsc[0]
    for i in range(NX):                           # y_0 = -(P_0 x_0 + p_0)
        acc = pk[0, i]
        for j in range(NX):
            acc += P[0, i, j] * X[j]
        Y[i] = -acc
    if free0:
        Y[0] = 0.0
        Y[1] = 0.0
    x0, x1, x2, x3, x4, x5, x6 = X[0], X[1], X[2], X[3], X[4], X[5], X[6]
    w = np.empty(NW)
    for k in range(N):
        o = NS * k
        on = o + NS
        gn = NX + NX * k
        if k < N - 2:
            u0 = kff[k, 0] + (K[k, 0, 0] * x0 + K[k, 0, 1] * x1 + K[k, 0, 2] * x2 + K[k, 0, 3] * x3
                              + K[k, 0, 4] * x4 + K[k, 0, 5] * x5 + K[k, 0, 6] * x6)
            u1 = kff[k, 1] + (K[k, 1, 0] * x0 + K[k, 1, 1] * x1 + K[k, 1, 2] * x2 + K[k, 1, 3] * x3
                              + K[k, 1, 4] * x4 + K[k, 1, 5] * x5 + K[k, 1, 6] * x6)
            u2 = kff[k, 2] + (K[k, 2, 0] * x0 + K[k, 2, 1] * x1 + K[k, 2, 2] * x2 + K[k, 2, 3] * x3
                              + K[k, 2, 4] * x4 + K[k, 2, 5] * x5 + K[k, 2, 6] * x6)
            sg = kff[k, 3] + (K[k, 3, 0] * x0 + K[k, 3, 1] * x1 + K[k, 3, 2] * x2 + K[k, 3, 3] * x3
                              + K[k, 3, 4] * x4 + K[k, 3, 5] * x5 + K[k, 3, 6] * x6)
        else:
            t[0], t[1], t[2], t[3], t[4], t[5], t[6] = x0, x1, x2, x3, x4, x5, x6
            input_of(k - N + 2, dt, t, K[k, 0], kff[k], w)
            u0, u1, u2, sg = w[0], w[1], w[2], w[3]
        X[o + 7], X[o + 8], X[o + 9], X[o + 10] = u0, u1, u2, sg
        x0, x1, x2 = x0 + dt * x3 + h2 * u0 + g[gn], x1 + dt * x4 + h2 * u1 + g[gn + 1], \
            x2 + dt * x5 + h2 * u2 + g[gn + 2]
        x3, x4, x5 = x3 + dt * u0 + g[gn + 3], x4 + dt * u1 + g[gn + 4], x5 + dt * u2 + g[gn + 5]
        x6 = x6 - adt * sg + g[gn + 6]
        X[on], X[on + 1], X[on + 2], X[on + 3], X[on + 4], X[on + 5], X[on + 6] = x0, x1, x2, x3, x4, x5, x6
        if k < N - 2:
            for i in range(NX):                   # lambda_{k+1} = -(P x + p)
                Y[gn + i] = -(pk[k + 1, i] + P[k + 1, i, 0] * x0 + P[k + 1, i, 1] * x1
                              + P[k + 1, i, 2] * x2 + P[k + 1, i, 3] * x3 + P[k + 1, i, 4] * x4
                              + P[k + 1, i, 5] * x5 + P[k + 1, i, 6] * x6)
    multipliers(N, dt, Hl, P[N], F, X, Y)
