"""The last two stages of the Riccati solve, where the terminal equalities r_N = 0, v_N = 0 are met.

With the exact ZOH double integrator, v_N = v_{N-1} + dt u_{N-1} + g fixes u_{N-1} = M1 x_{N-1} + m1,
and then r_N = 0 holds exactly when x_{N-1} lies on r + dt/2 v = c, which fixes u_{N-2} = M0 x_{N-2}
+ m0 (r_{N-1} + dt/2 v_{N-1} = r + 3/2 dt v + dt^2 u + ..).  So both stages keep one free input, the
thrust slack sigma, and the backward recursion needs no terminal multipliers: the cost-to-go of
x_{N-2} is exact, and the multipliers of the last two dynamics rows and of the terminal rows follow
from the stationarity of x_{N-2}, x_{N-1} and x_N.  Names as in `socp_riccati`: stage Hessian H
(11 x 11, (x, w)), Ad x = (r + dt v, v, z), Bd w = (dt^2/2 u, dt u, -alpha dt sigma).
"""
from __future__ import annotations

import numpy as np
from numba import njit

from .socp_cones import JITF
from .socp_ops import NS, NW, NX


@njit(**JITF)
def gains(j, dt):
    """(a, b): u = a r + b v + m on stage N-2 (j = 0) or N-1 (j = 1)."""
    if j == 1:
        return 0.0, -1.0 / dt
    return -1.0 / (dt * dt), -1.5 / dt


@njit(**JITF)
def _closed(j, dt, h2, Ac, M):
    """Ac = Ad + Bd M (7 x 7) and M (4 x 7; the sigma row is zero) of stage j."""
    a, b = gains(j, dt)
    for p in range(NX):
        for q in range(NX):
            Ac[p, q] = 0.0
    for p in range(NW):
        for q in range(NX):
            M[p, q] = 0.0
    for i in range(3):
        M[i, i], M[i, 3 + i] = a, b
        Ac[i, i], Ac[i, 3 + i] = 1.0 + h2 * a, dt + h2 * b
        Ac[3 + i, i], Ac[3 + i, 3 + i] = dt * a, 1.0 + dt * b
    Ac[6, 6] = 1.0


@njit(**JITF)
def factor_stage(j, dt, h2, adt, H, Pn, Pk, Kk):
    """Riccati step of reduced stage j from the cost-to-go Pn: fills Pk (7 x 7) and the gain Kk (7) of
    sigma; returns R (> 0 unless the factorisation broke down)."""
    Ac = np.empty((NX, NX))
    M = np.empty((NW, NX))
    _closed(j, dt, h2, Ac, M)
    HT = np.empty((NS, NX))                      # H T, T = [I; M]
    for p in range(NS):
        for q in range(NX):
            acc = H[p, q]
            for i in range(3):
                acc += H[p, NX + i] * M[i, q]
            HT[p, q] = acc
    PA = np.empty((NX, NX))                      # Pn Ac
    for p in range(NX):
        for q in range(NX):
            acc = 0.0
            for i in range(NX):
                acc += Pn[p, i] * Ac[i, q]
            PA[p, q] = acc
    R = H[10, 10] + adt * adt * Pn[6, 6]
    for q in range(NX):                          # S = e' H T + Bt' Pn Ac, Bt = -adt e_z
        Kk[q] = HT[10, q] - adt * PA[6, q]
    for p in range(NX):                          # Q = T' H T + Ac' Pn Ac ; P = Q - S' S / R
        for q in range(p + 1):
            acc = HT[p, q]
            for i in range(3):
                acc += M[i, p] * HT[NX + i, q]
            for i in range(NX):
                acc += Ac[i, p] * PA[i, q]
            acc -= Kk[p] * Kk[q] / R
            Pk[p, q] = acc
            Pk[q, p] = acc
    for q in range(NX):
        Kk[q] = -Kk[q] / R
    return R


@njit(**JITF)
def offsets_u(j, N, dt, g):
    """m: the constant part of u on reduced stage j, from the right-hand side g of A X = g."""
    gT = NX + NX * N
    gl = NX + NX * (N - 1)                       # dynamics row of the last interval
    m = np.empty(3)
    for i in range(3):
        dv = g[gT + 3 + i] - g[gl + 3 + i]
        if j == 1:
            m[i] = dv / dt
        else:
            c = g[gT + i] - g[gl + i] - 0.5 * dt * dv
            gp = gl - NX
            m[i] = (c - g[gp + i] - 0.5 * dt * g[gp + 3 + i]) / (dt * dt)
    return m


@njit(**JITF)
def backward_stage(j, N, dt, h2, adt, H, Kk, R, F, g, Pn, pn, pk, ff):
    """Linear terms of reduced stage j (k = N - 2 + j): pk (7) of the cost-to-go; ff = (sigma
    feedforward, m (3))."""
    k = N - 2 + j
    o = NS * k
    gn = NX + NX * k
    m = offsets_u(j, N, dt, g)
    Ac = np.empty((NX, NX))
    M = np.empty((NW, NX))
    _closed(j, dt, h2, Ac, M)
    cn = np.empty(NX)                            # Bd m + g_{k+1}
    for i in range(3):
        cn[i] = h2 * m[i] + g[gn + i]
        cn[3 + i] = dt * m[i] + g[gn + 3 + i]
    cn[6] = g[gn + 6]
    t = np.empty(NX)
    for p in range(NX):
        acc = pn[p]
        for i in range(NX):
            acc += Pn[p, i] * cn[i]
        t[p] = acc
    hm = np.empty(NS)                            # H m^ - F_k, m^ = (0, m, 0)
    for p in range(NS):
        hm[p] = H[p, NX] * m[0] + H[p, NX + 1] * m[1] + H[p, NX + 2] * m[2] - F[o + p]
    lxi = hm[10] - adt * t[6]
    kf = -lxi / R
    for q in range(NX):
        acc = hm[q] + M[0, q] * hm[NX] + M[1, q] * hm[NX + 1] + M[2, q] * hm[NX + 2]
        for i in range(NX):
            acc += Ac[i, q] * t[i]
        pk[q] = acc + Kk[q] * lxi
    ff[0] = kf
    ff[1], ff[2], ff[3] = m[0], m[1], m[2]


@njit(**JITF)
def input_of(j, dt, x, Kk, ff, w):
    """w = (u, sigma) of reduced stage j for the state x (7)."""
    a, b = gains(j, dt)
    sg = ff[0]
    for i in range(NX):
        sg += Kk[i] * x[i]
    for i in range(3):
        w[i] = a * x[i] + b * x[3 + i] + ff[1 + i]
    w[3] = sg


@njit(**JITF)
def multipliers(N, dt, Hl, PN, F, X, Y):
    """Y of the last two dynamics rows and the terminal rows, given Y up to lambda_{N-2}, from the
    stationarity of x_{N-2}, x_{N-1} (Ad^T lambda_{k+1} = lambda_k - F_x + H_xx x_k + H_xw w_k) and of
    x_N (E^T yT = F_x - PN x_N - lambda_N)."""
    q = np.empty(NX)
    for j in range(2):
        k = N - 2 + j
        o = NS * k
        yk = NX * k                              # lambda_k (row block k; lambda_0 = rows 0..6)
        for p in range(NX):
            acc = Y[yk + p] - F[o + p]
            for i in range(NS):
                acc += Hl[j, p, i] * X[o + i]
            q[p] = acc
        yn = yk + NX                             # lambda_{k+1} = Ad^-T q
        for i in range(3):
            Y[yn + i] = q[i]
            Y[yn + 3 + i] = q[3 + i] - dt * q[i]
        Y[yn + 6] = q[6]
    oN = NS * N
    yN = NX * N
    gT = NX + NX * N
    for c in range(6):
        acc = F[oN + c] - Y[yN + c]
        for i in range(NX):
            acc -= PN[c, i] * X[oN + i]
        Y[gT + c] = acc
