"""Homogeneous self-dual primal-dual interior-point method for the landing SOCP (Numba).

Solves  min c^T x  s.t.  A x = b,  G x + s = h,  s in K  (half-lines and second-order cones)
through the homogeneous self-dual embedding with Nesterov-Todd scaling and Mehrotra predictor-
corrector steps, the scheme of ECOS (Domahidi, Chu & Boyd, ECC 2013); infeasibility is read from the
embedding's certificates.  The KKT systems are solved by the Riccati recursion of `socp_riccati`,
so A must have the landing problem's dynamics/terminal structure.  Written for this project.
"""
from __future__ import annotations

import math

import numpy as np
from numba import njit

from .socp_cones import (JITF, add_e, apply_w, corrector_rhs, direction_step, layout, nt_scaling,
                         push_into_cones, shift_into_cones)
from .socp_ops import NP, NW, NX, a_mul, at_mul, g_mul, gt_mul, gt_w2, w2_g
from .socp_riccati import factor, solve

INACCURATE_TOL = 1e-6  # best merit (residuals and gap) accepted as 'reduced accuracy'
OPTIMAL, PINF, DINF, MAXIT, NUMERIC, INACCURATE = 0, 1, 2, 3, 4, 5
STATUS_TEXT = ("optimal", "primal infeasible", "dual infeasible", "iteration limit",
               "numerical trouble", "reduced accuracy")


@njit(**JITF)
def _kkt_solve(rx, ry, rz, N, dt, h2, adt, co, cp, qe, qx, free0, ie2, wbar, fac, X, Y, Z, F):
    """Solve [0 A^T G^T; A 0 0; G 0 -W^2] (X, Y, Z) = (rx, ry, rz) with the current factorisation.

    Reduced: H X + A^T Y = rx + G^T W^-2 rz, A X = ry (H = G^T W^-2 G), then Z = W^-2 (G X - rz).
    """
    P, Lr, K, Pi, Ls, Lf, hsc, pk, kff = fac
    gt_w2(rz, rx, N, co, cp, qe, qx, ie2, wbar, F)
    solve(F, ry, N, dt, h2, adt, free0, P, Lr, K, Pi, Ls, Lf, hsc, pk, kff, X, Y)
    w2_g(X, rz, N, co, cp, qe, qx, ie2, wbar, Z)


@njit(**JITF)
def _dot(a, b):
    acc = 0.0
    for i in range(a.size):
        acc += a[i] * b[i]
    return acc


@njit(**JITF)
def _nrm(a):
    return math.sqrt(_dot(a, a))


@njit(**JITF)
def _factorise(N, dt, h2, adt, co, cp, qe, qx, free0, ie2, wbar, reg, fac):
    return factor(N, dt, h2, adt, co, cp, qe, qx, free0, ie2, wbar, reg, fac[0], fac[1], fac[2], fac[3],
                  fac[4], fac[5], fac[6])


@njit(**JITF)
def ipm(N, dt, h2, adt, co, cp, qe, qx, free0, c, b, h, maxit, feastol, abstol, reltol, reg, wx, wy, wz,
        margin):
    """Run the interior-point method; returns (status, iterations, x, y, z, s) (x, y, z, s / tau).

    margin > 0: warm start from the primal wx, duals wy, wz (e.g. a neighbouring problem's solution):
    s = h - G wx and wz are moved at least `margin` inside their cones; otherwise the cold start.
    """
    nv, neq, m = c.size, b.size, h.size
    nlin, _c4, _c3, n3 = layout(N)
    deg = nlin + N + n3
    fac = (np.zeros((N + 1, NX, NX)), np.zeros((N, NW, NW)), np.zeros((N, NW, NX)),
           np.zeros((N + 1, NX, NP)), np.zeros((NP, NP)), np.zeros((3, 3)), np.zeros(1),
           np.zeros((N + 1, NX)), np.zeros((N, NW)))
    F = np.zeros(nv)
    eta = np.ones(deg)
    ie2 = np.ones(deg)
    wbar = np.zeros(m)
    add_e(wbar, N, 1.0)
    for i in range(nlin):
        wbar[i] = 0.0
    lam, tm2 = np.zeros(m), np.zeros(m)
    tmpn = np.zeros(nv)
    x1, y1, z1 = np.zeros(nv), np.zeros(neq), np.zeros(m)
    x2, y2, z2 = np.zeros(nv), np.zeros(neq), np.zeros(m)
    rx, ry, rz = np.zeros(nv), np.zeros(neq), np.zeros(m)
    dx, dy, dz, ds = np.zeros(nv), np.zeros(neq), np.zeros(m), np.zeros(m)
    dsa, dza = np.zeros(m), np.zeros(m)
    bx, by, bz = np.zeros(nv), np.zeros(neq), np.zeros(m)
    mc = np.empty(nv)
    for i in range(nv):
        mc[i] = -c[i]

    x, y, s, z = np.zeros(nv), np.zeros(neq), np.zeros(m), np.zeros(m)
    tau, kap = 1.0, 1.0
    if margin > 0.0:                                            # warm start
        x[:] = wx
        y[:] = wy
        g_mul(x, N, co, cp, qe, qx, s)
        for i in range(m):
            s[i] = h[i] - s[i]
        push_into_cones(s, N, margin)
        z[:] = wz
        push_into_cones(z, N, margin)
        kap = margin
    else:           # initial point with W = I: primal  min |G x - h| s.t. A x = b ; dual from (-c, 0, 0)
        if not _factorise(N, dt, h2, adt, co, cp, qe, qx, free0, ie2, wbar, reg, fac):
            return NUMERIC, 0, x, y, z, s
        _kkt_solve(bx, b, h, N, dt, h2, adt, co, cp, qe, qx, free0, ie2, wbar, fac, x, y, z, F)
        s = shift_into_cones(-z, N)
        _kkt_solve(mc, by, bz, N, dt, h2, adt, co, cp, qe, qx, free0, ie2, wbar, fac, x2, y, z, F)
        z = shift_into_cones(z, N)
    nb_, nh_ = _nrm(b), _nrm(h)
    pnorm = max(1.0, math.sqrt(nb_ * nb_ + nh_ * nh_))
    dnorm = max(1.0, _nrm(c))
    status = MAXIT
    best = 1e300
    bx_, by_, bz_, bs_, btau = x.copy(), y.copy(), z.copy(), s.copy(), 1.0
    it = 0
    for it in range(maxit + 1):
        at_mul(y, N, dt, h2, adt, free0, rx)                    # residuals
        gt_mul(z, N, co, cp, qe, qx, tmpn)
        nrx_inf, nrx, cx = 0.0, 0.0, 0.0
        for i in range(nv):
            v = rx[i] + tmpn[i]
            nrx_inf += v * v
            v += c[i] * tau
            rx[i] = v
            nrx += v * v
            cx += c[i] * x[i]
        a_mul(x, N, dt, h2, adt, free0, ry)
        nay, nry, by_hz = 0.0, 0.0, 0.0
        for i in range(neq):
            v = ry[i]
            nay += v * v
            v -= b[i] * tau
            ry[i] = v
            nry += v * v
            by_hz += b[i] * y[i]
        g_mul(x, N, co, cp, qe, qx, rz)
        ngx, nrz, sz = 0.0, 0.0, 0.0
        for i in range(m):
            v = rz[i] + s[i]
            ngx += v * v
            v -= h[i] * tau
            rz[i] = v
            nrz += v * v
            by_hz += h[i] * z[i]
            sz += s[i] * z[i]
        rt = kap + cx + by_hz
        mu = (sz + tau * kap) / (deg + 1)
        pres = math.sqrt(nry + nrz) / tau / pnorm
        dres = math.sqrt(nrx) / tau / dnorm
        pcost, dcost = cx / tau, -by_hz / tau
        gap = sz / (tau * tau)
        rel = gap / max(1e-12, min(abs(pcost), abs(dcost)))
        merit = max(pres, dres, min(gap, rel))
        if merit < best:                                       # keep the best iterate
            best = merit
            if merit < INACCURATE_TOL:                         # (only such an iterate is returned)
                bx_[:], by_[:], bz_[:], bs_[:], btau = x, y, z, s, tau
        if pres < feastol and dres < feastol and (gap < abstol or rel < reltol):
            status = OPTIMAL
            break
        if by_hz < 0.0 and math.sqrt(nrx_inf) / dnorm < feastol * -by_hz:
            status = PINF
            break
        if by_hz < 0.0 and tau < 1e-8 * kap and math.sqrt(nrx_inf) / dnorm < 1e-5 * -by_hz:
            status = PINF          # stalled on an approximate certificate (tau -> 0)
            break
        if cx < 0.0 and math.sqrt(nay + ngx) / pnorm < feastol * -cx:
            status = DINF
            break
        if it == maxit:
            break
        if not nt_scaling(s, z, N, eta, ie2, wbar, lam):
            status = NUMERIC
            break
        if not _factorise(N, dt, h2, adt, co, cp, qe, qx, free0, ie2, wbar, reg, fac):
            status = NUMERIC
            break
        _kkt_solve(mc, b, h, N, dt, h2, adt, co, cp, qe, qx, free0, ie2, wbar, fac, x1, y1, z1, F)
        den = -kap / tau + _dot(c, x1) + _dot(b, y1) + _dot(h, z1)
        sig, fr, rct = 0.0, 1.0, 0.0
        dtau_a, dkap_a, alpha = 0.0, 0.0, 0.0
        for phase in range(2):                                 # predictor, then corrector
            if phase == 0:                                     # W (lam \ -(lam o lam)) = -s
                for i in range(m):
                    tm2[i] = -s[i]
                rct = -kap * tau
            else:
                corrector_rhs(lam, dsa, dza, sig * mu, N, eta, wbar, tm2)
                rct = -kap * tau - dtau_a * dkap_a + sig * mu
                fr = 1.0 - sig
            for i in range(m):
                bz[i] = -fr * rz[i] - tm2[i]
            for i in range(nv):
                bx[i] = -fr * rx[i]
            for i in range(neq):
                by[i] = -fr * ry[i]
            _kkt_solve(bx, by, bz, N, dt, h2, adt, co, cp, qe, qx, free0, ie2, wbar, fac, x2, y2, z2, F)
            dtau = (-fr * rt - rct / tau - (_dot(c, x2) + _dot(b, y2) + _dot(h, z2))) / den
            for i in range(nv):
                dx[i] = x2[i] + dtau * x1[i]
            for i in range(neq):
                dy[i] = y2[i] + dtau * y1[i]
            # ds = tm2 - W^2 dz; only steps up to 1 / 0.99 matter (the step is min(1, 0.99 max))
            alpha = direction_step(z2, z1, dtau, tm2, s, z, N, eta, wbar, dz, ds, 1.0 / 0.99)
            dkap = (rct - kap * dtau) / tau
            if dtau < 0.0:
                alpha = min(alpha, -tau / dtau)
            if dkap < 0.0:
                alpha = min(alpha, -kap / dkap)
            if phase == 0:
                alpha = min(alpha, 1.0)
                sig = min(max((1.0 - alpha) ** 3, 1e-8), 1.0)
                apply_w(ds, N, eta, wbar, dsa, True)          # W^-1 ds_a
                apply_w(dz, N, eta, wbar, dza, False)         # W dz_a
                dtau_a, dkap_a = dtau, dkap
            else:
                alpha = min(1.0, 0.99 * alpha)
        if not alpha > 1e-10:
            status = NUMERIC
            break
        for i in range(nv):
            x[i] += alpha * dx[i]
        for i in range(neq):
            y[i] += alpha * dy[i]
        for i in range(m):
            z[i] += alpha * dz[i]
            s[i] += alpha * ds[i]
        tau += alpha * dtau
        kap += alpha * dkap
    if status == PINF or status == DINF:
        return status, it, x, y, z, s
    if status != OPTIMAL:
        x, y, z, s, tau = bx_, by_, bz_, bs_, btau
        if best < INACCURATE_TOL:
            status = INACCURATE
    return status, it, x / tau, y / tau, z / tau, s / tau
