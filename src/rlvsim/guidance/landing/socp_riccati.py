"""Riccati solve of the landing problem's KKT system (Numba), the heart of the real-time solver.

Stage k = 0..N-1 holds x_k and w_k = (u, sigma) (4); x = (r, v, z) (nx = 7, scaled ENU) or, for the
minimum-landing-error problems, (r, v, z, q) (nx = 9) with q the horizontal landing point, constant
in time and free at k = 0.  The terminal block holds x_N and one extra variable e.  Each interior-
point iteration solves   H X + A^T Y = F,   A X = g   with H block-diagonal per stage and
    x_0[0:7] = g_0,   x_{k+1} - Ad x_k - Bd w_k = g_{k+1},   E x_N = g_T,
Ad x = (r + dt v, v, z, q), Bd w = (dt^2/2 u, dt u, -alpha dt sigma, 0)  (exact ZOH double integrator).
The backward recursion gives y_k = -(P_k x_k + p_k); the free q_0 minimises the cost-to-go at k = 0;
the terminal equalities are met through their p x p Schur complement
    S = -sum_k Pi_{k+1}^T Bd R_k^-1 Bd^T Pi_{k+1} - Pi_0f^T P_0ff^-1 Pi_0f,
with Pi_N = E^T, Pi_k = (Ad + Bd K_k)^T Pi_{k+1}.  Cost O(N) per factorisation and per solve.
"""
from __future__ import annotations

import math

import numpy as np
from numba import njit

from .socp_cones import JIT

NW = 4   # input size (u, sigma)
NFIX = 7  # fixed initial-state components (r, v, z)


@njit(**JIT)
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


@njit(**JIT)
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


@njit(**JIT)
def factor(Hb, N, nx, dt, h2, adt, E, reg, P, Lr, K, Pi, Ls, hx, Lf):
    """Backward Riccati factorisation for the stage Hessians Hb (N+1, nx+4, nx+4).

    Block N holds (x_N, e) in its top-left (nx+1) x (nx+1).  Outputs P (N+1,nx,nx), Lr (N,4,4),
    K (N,4,nx), Pi (N+1,nx,p), Ls (p,p) Cholesky of -S, hx: H_xe (nx) and H_ee, Lf Cholesky of
    P_0ff (q free when nx = 9).  Returns False on a numerical breakdown.
    """
    p = E.shape[0]
    hee = Hb[N, nx, nx]
    if not hee > 0.0:
        return False
    for i in range(nx):
        hx[i] = Hb[N, i, nx]
    hx[nx] = hee
    for i in range(nx):
        for j in range(nx):
            P[N, i, j] = Hb[N, i, j] - hx[i] * hx[j] / hee
    for i in range(nx):
        for a in range(p):
            Pi[N, i, a] = E[a, i]
    S = np.zeros((p, p))
    PA = np.empty((nx, nx))
    PB = np.empty((nx, NW))
    R = np.empty((NW, NW))
    St = np.empty((NW, nx))
    BtPi = np.empty((NW, p))
    Yk = np.empty((NW, nx))
    for k in range(N - 1, -1, -1):
        Pn = P[k + 1]
        for i in range(nx):                       # PA = Pn Ad ; PB = Pn Bd
            for j in range(nx):
                PA[i, j] = Pn[i, j]
            for j in range(3):
                PA[i, 3 + j] += dt * Pn[i, j]
                PB[i, j] = h2 * Pn[i, j] + dt * Pn[i, 3 + j]
            PB[i, 3] = -adt * Pn[i, 6]
        for j in range(NW):                       # R = Hww + Bd^T Pn Bd
            for i in range(3):
                R[i, j] = Hb[k, nx + i, nx + j] + h2 * PB[i, j] + dt * PB[3 + i, j]
            R[3, j] = Hb[k, nx + 3, nx + j] - adt * PB[6, j]
        for j in range(nx):                       # St = Hwx + Bd^T Pn Ad
            for i in range(3):
                St[i, j] = Hb[k, nx + i, j] + h2 * PA[i, j] + dt * PA[3 + i, j]
            St[3, j] = Hb[k, nx + 3, j] - adt * PA[6, j]
        Lk = Lr[k]
        if not _chol(R, NW, Lk):
            return False
        for i in range(NW):                       # Yk = L^-1 St (row by row)
            inv = 1.0 / Lk[i, i]
            for j in range(nx):
                acc = St[i, j]
                for b in range(i):
                    acc -= Lk[i, b] * Yk[b, j]
                Yk[i, j] = acc * inv
        for i in range(NW - 1, -1, -1):           # K = -L^-T Yk
            inv = 1.0 / Lk[i, i]
            for j in range(nx):
                acc = Yk[i, j]
                for b in range(i + 1, NW):
                    acc += Lk[b, i] * K[k, b, j]  # K holds -L^-T Yk already for b > i
                K[k, i, j] = -acc * inv
        Pk = P[k]
        for i in range(nx):                       # Pk = Hxx + Ad^T Pn Ad - Yk^T Yk (lower half)
            for j in range(i + 1):
                Pk[i, j] = Hb[k, i, j] + PA[i, j] - (Yk[0, i] * Yk[0, j] + Yk[1, i] * Yk[1, j]
                                                     + Yk[2, i] * Yk[2, j] + Yk[3, i] * Yk[3, j])
        for i in range(3, 6):
            for j in range(i + 1):
                Pk[i, j] += dt * PA[i - 3, j]
        for i in range(nx):
            for j in range(i):
                Pk[j, i] = Pk[i, j]
        Pn_ = Pi[k + 1]
        for a in range(p):                        # V = L^-1 Bd^T Pi_{k+1}
            BtPi[0, a] = h2 * Pn_[0, a] + dt * Pn_[3, a]
            BtPi[1, a] = h2 * Pn_[1, a] + dt * Pn_[4, a]
            BtPi[2, a] = h2 * Pn_[2, a] + dt * Pn_[5, a]
            BtPi[3, a] = -adt * Pn_[6, a]
            for i in range(NW):
                acc = BtPi[i, a]
                for b in range(i):
                    acc -= Lk[i, b] * BtPi[b, a]
                BtPi[i, a] = acc / Lk[i, i]
        for i in range(nx):                       # Pi_k = Ad^T Pi_{k+1} - Yk^T V
            for a in range(p):
                Pi[k, i, a] = Pn_[i, a] - (Yk[0, i] * BtPi[0, a] + Yk[1, i] * BtPi[1, a]
                                           + Yk[2, i] * BtPi[2, a] + Yk[3, i] * BtPi[3, a])
        for i in range(3, 6):
            for a in range(p):
                Pi[k, i, a] += dt * Pn_[i - 3, a]
        for a in range(p):                        # S -= V^T V
            for b in range(a + 1):
                S[a, b] -= (BtPi[0, a] * BtPi[0, b] + BtPi[1, a] * BtPi[1, b]
                            + BtPi[2, a] * BtPi[2, b] + BtPi[3, a] * BtPi[3, b])
    nf = nx - NFIX
    if nf > 0:                                    # free q_0: S -= Pi_0f^T P_0ff^-1 Pi_0f
        Pff = np.empty((nf, nf))
        for i in range(nf):
            for j in range(nf):
                Pff[i, j] = P[0, NFIX + i, NFIX + j] + (reg if i == j else 0.0)
        if not _chol(Pff, nf, Lf):
            return False
        Wf = np.empty((nf, p))
        for a in range(p):
            for i in range(nf):
                acc = Pi[0, NFIX + i, a]
                for b in range(i):
                    acc -= Lf[i, b] * Wf[b, a]
                Wf[i, a] = acc / Lf[i, i]
        for a in range(p):
            for b in range(a + 1):
                acc = 0.0
                for i in range(nf):
                    acc += Wf[i, a] * Wf[i, b]
                S[a, b] -= acc
    negS = np.empty((p, p))
    for a in range(p):
        for b in range(a + 1):
            negS[a, b] = -S[a, b]
            negS[b, a] = -S[a, b]
        negS[a, a] *= 1.0 + 1e-13
    return _chol(negS, p, Ls)


@njit(**JIT)
def solve(F, g, N, nx, dt, h2, adt, E, P, Lr, K, Pi, Ls, hx, Lf, X, Y):
    """Solve H X + A^T Y = F, A X = g with the factorisation from `factor` (X, Y overwritten)."""
    p = E.shape[0]
    ns = nx + NW
    pk = np.empty((N + 1, nx))
    kff = np.empty((N, NW))
    t = np.empty(nx)
    sv = np.empty(NW)
    oN = ns * N
    hee = hx[nx]
    for i in range(nx):
        pk[N, i] = -(F[oN + i] - hx[i] * F[oN + nx] / hee)
    for k in range(N - 1, -1, -1):
        _backward_step(F, g, k, nx, dt, h2, adt, P, Lr, K, pk, kff, t, sv)
    _forward(g, N, nx, dt, h2, adt, P, K, kff, pk, Lf, X)
    gT = NFIX + nx * N
    yT = np.empty(p)
    for a in range(p):                              # (-S) yT = -(g_T - E x_N)
        acc = g[gT + a]
        for i in range(nx):
            acc -= E[a, i] * X[oN + i]
        yT[a] = -acc
    _chol_solve(Ls, p, yT)
    for k in range(N, -1, -1):
        for i in range(nx):                         # t = Pi_k yT
            acc = 0.0
            for a in range(p):
                acc += Pi[k, i, a] * yT[a]
            pk[k, i] += acc
            t[i] = acc
        if k > 0:                                   # kff_{k-1} -= R^-1 Bd^T (Pi_k yT)
            for i in range(3):
                sv[i] = h2 * t[i] + dt * t[3 + i]
            sv[3] = -adt * t[6]
            _chol_solve(Lr[k - 1], NW, sv)
            for i in range(NW):
                kff[k - 1, i] -= sv[i]
    _forward(g, N, nx, dt, h2, adt, P, K, kff, pk, Lf, X)
    for k in range(N + 1):
        o = ns * k
        nrow = NFIX if k == 0 else nx
        yo = 0 if k == 0 else NFIX + nx * (k - 1)
        for i in range(nrow):
            acc = pk[k, i]
            for j in range(nx):
                acc += P[k, i, j] * X[o + j]
            Y[yo + i] = -acc
    for a in range(p):
        Y[gT + a] = yT[a]
    acc = F[oN + nx]
    for i in range(nx):
        acc -= hx[i] * X[oN + i]
    X[oN + nx] = acc / hee


@njit(**JIT)
def _backward_step(F, g, k, nx, dt, h2, adt, P, Lr, K, pk, kff, t, sv):
    o = (nx + NW) * k
    gn = NFIX + nx * k
    for i in range(nx):                    # t = P_{k+1} g_{k+1} + p_{k+1}
        acc = pk[k + 1, i]
        for j in range(nx):
            acc += P[k + 1, i, j] * g[gn + j]
        t[i] = acc
    for i in range(3):                     # sv = Bd^T t - F_w
        sv[i] = h2 * t[i] + dt * t[3 + i] - F[o + nx + i]
    sv[3] = -adt * t[6] - F[o + nx + 3]
    for i in range(nx):                    # p_k = K^T sv + Ad^T t - F_x
        acc = t[i] - F[o + i]
        for a in range(NW):
            acc += K[k, a, i] * sv[a]
        pk[k, i] = acc
    for i in range(3):
        pk[k, 3 + i] += dt * t[i]
    _chol_solve(Lr[k], NW, sv)
    for a in range(NW):
        kff[k, a] = -sv[a]


@njit(**JIT)
def _forward(g, N, nx, dt, h2, adt, P, K, kff, pk, Lf, X):
    ns = nx + NW
    for i in range(NFIX):
        X[i] = g[i]
    nf = nx - NFIX
    if nf > 0:                              # free q_0 minimises the cost-to-go
        rhs = np.empty(nf)
        for i in range(nf):
            acc = pk[0, NFIX + i]
            for j in range(NFIX):
                acc += P[0, NFIX + i, j] * X[j]
            rhs[i] = -acc
        _chol_solve(Lf, nf, rhs)
        for i in range(nf):
            X[NFIX + i] = rhs[i]
    for k in range(N):
        o = ns * k
        for a in range(NW):
            acc = kff[k, a]
            for j in range(nx):
                acc += K[k, a, j] * X[o + j]
            X[o + nx + a] = acc
        on = o + ns
        gn = NFIX + nx * k
        for i in range(3):
            X[on + i] = X[o + i] + dt * X[o + 3 + i] + h2 * X[o + nx + i] + g[gn + i]
            X[on + 3 + i] = X[o + 3 + i] + dt * X[o + nx + i] + g[gn + 3 + i]
        X[on + 6] = X[o + 6] - adt * X[o + nx + 3] + g[gn + 6]
        for i in range(NFIX, nx):
            X[on + i] = X[o + i] + g[gn + i]


@njit(**JIT)
def a_mul(X, N, nx, dt, h2, adt, E, out):
    """out = A X (equality-constraint rows; see the module docstring)."""
    ns = nx + NW
    for i in range(NFIX):
        out[i] = X[i]
    for k in range(N):
        o = ns * k
        on = o + ns
        r = NFIX + nx * k
        for i in range(3):
            out[r + i] = X[on + i] - X[o + i] - dt * X[o + 3 + i] - h2 * X[o + nx + i]
            out[r + 3 + i] = X[on + 3 + i] - X[o + 3 + i] - dt * X[o + nx + i]
        out[r + 6] = X[on + 6] - X[o + 6] + adt * X[o + nx + 3]
        for i in range(NFIX, nx):
            out[r + i] = X[on + i] - X[o + i]
    gT = NFIX + nx * N
    for a in range(E.shape[0]):
        acc = 0.0
        for i in range(nx):
            acc += E[a, i] * X[ns * N + i]
        out[gT + a] = acc


@njit(**JIT)
def at_mul(Y, N, nx, dt, h2, adt, E, out):
    """out = A^T Y."""
    ns = nx + NW
    out[:] = 0.0
    for i in range(NFIX):
        out[i] += Y[i]
    for k in range(N):
        o = ns * k
        on = o + ns
        yr = NFIX + nx * k
        for i in range(nx):
            out[on + i] += Y[yr + i]
            out[o + i] -= Y[yr + i]
        for i in range(3):
            out[o + 3 + i] -= dt * Y[yr + i]
            out[o + nx + i] -= h2 * Y[yr + i] + dt * Y[yr + 3 + i]
        out[o + nx + 3] += adt * Y[yr + 6]
    gT = NFIX + nx * N
    for a in range(E.shape[0]):
        for i in range(nx):
            out[ns * N + i] += E[a, i] * Y[gT + a]
