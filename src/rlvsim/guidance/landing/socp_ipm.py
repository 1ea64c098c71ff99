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

from .socp_cones import (JIT, add_gtwg, apply_w, apply_w2, g_mul, gt_mul, jordan, jordan_div,
                         max_step, nt_scaling, shift_into_cones)
from .socp_riccati import a_mul, at_mul, factor, solve

INACCURATE_TOL = 1e-6  # best merit (residuals and gap) accepted as 'reduced accuracy'
REFINE = 0             # iterative-refinement steps per KKT solve (0: measured unnecessary at 1e-6 gap)
REFINE_TOL = 1e-10    # stop refining when the reduced residual is below this times the rhs size
OPTIMAL, PINF, DINF, MAXIT, NUMERIC, INACCURATE = 0, 1, 2, 3, 4, 5
STATUS_TEXT = ("optimal", "primal infeasible", "dual infeasible", "iteration limit",
               "numerical trouble", "reduced accuracy")


@njit(**JIT)
def _kkt_solve(rx, ry, rz, N, nx, dt, h2, adt, E, Gi, Gv, nlin, cst, csz, eta, wbar, fac, Hb, reg, X, Y, Z,
               tmpm, tmpn):
    """Solve [0 A^T G^T; A 0 0; G 0 -W^2] (X, Y, Z) = (rx, ry, rz) with the current factorisation.

    The reduced system H X + A^T Y = F, A X = ry (H = G^T W^-2 G) is solved by the regularised
    Riccati factorisation followed by up to REFINE steps of iterative refinement against H itself.
    """
    P, Lr, K, Pi, Ls, hx, Lf = fac
    nv_, ny = rx.size, ry.size
    apply_w2(rz, nlin, cst, csz, eta, wbar, Z, -2)           # F = rx + G^T W^-2 rz
    F = np.empty(nv_)
    gt_mul(Gi, Gv, Z, F)
    for i in range(nv_):
        F[i] += rx[i]
    solve(F, ry, N, nx, dt, h2, adt, E, P, Lr, K, Pi, Ls, hx, Lf, X, Y)
    fmax = 1.0
    for i in range(nv_):
        fmax = max(fmax, abs(F[i]))
    for i in range(ny):
        fmax = max(fmax, abs(ry[i]))
    ex, ey = np.empty(nv_), np.empty(ny)
    dX, dY = np.empty(nv_), np.empty(ny)
    for _ in range(REFINE):
        at_mul(Y, N, nx, dt, h2, adt, E, ex)                   # ex = F - H X - A^T Y
        ns = nx + 4
        for k in range(N + 1):
            o = ns * k
            nv = ns if k < N else nx + 1
            for i in range(nv):
                acc = -reg * X[o + i]
                for j in range(nv):
                    acc += Hb[k, i, j] * X[o + j]
                ex[o + i] = F[o + i] - acc - ex[o + i]
        a_mul(X, N, nx, dt, h2, adt, E, ey)
        err = 0.0
        for i in range(ny):
            ey[i] = ry[i] - ey[i]
            err = max(err, abs(ey[i]))
        for i in range(nv_):
            err = max(err, abs(ex[i]))
        if err <= REFINE_TOL * fmax:
            break
        solve(ex, ey, N, nx, dt, h2, adt, E, P, Lr, K, Pi, Ls, hx, Lf, dX, dY)
        for i in range(nv_):
            X[i] += dX[i]
        for i in range(ny):
            Y[i] += dY[i]
    g_mul(Gi, Gv, X, tmpm)                                     # Z = W^-2 (G X - rz)
    for i in range(rz.size):
        tmpm[i] -= rz[i]
    apply_w2(tmpm, nlin, cst, csz, eta, wbar, Z, -2)


@njit(**JIT)
def _dot(a, b):
    acc = 0.0
    for i in range(a.size):
        acc += a[i] * b[i]
    return acc


@njit(**JIT)
def _nrm(a):
    return math.sqrt(_dot(a, a))


@njit(**JIT)
def _factorise(Hb, Gi, Gv, row_blk, blk_off, nlin, cst, csz, eta, wbar, reg, N, nx, dt, h2, adt, E, fac):
    Hb[:, :, :] = 0.0
    add_gtwg(Hb, Gi, Gv, row_blk, blk_off, nlin, cst, csz, eta, wbar)
    for k in range(Hb.shape[0]):
        for i in range(Hb.shape[1]):
            Hb[k, i, i] += reg
    return factor(Hb, N, nx, dt, h2, adt, E, reg, fac[0], fac[1], fac[2], fac[3], fac[4], fac[5], fac[6])


@njit(**JIT)
def ipm(N, nx, dt, h2, adt, E, c, b, Gi, Gv, h, nlin, cst, csz, row_blk, blk_off, maxit, feastol,
        abstol, reltol, reg):
    """Run the interior-point method; returns (status, iterations, x, y, z, s) (x, y, z, s / tau)."""
    nv, neq, m = c.size, b.size, h.size
    p = E.shape[0]
    deg = nlin + cst.size
    nf = max(nx - 7, 1)
    fac = (np.zeros((N + 1, nx, nx)), np.zeros((N, 4, 4)), np.zeros((N, 4, nx)),
           np.zeros((N + 1, nx, p)), np.zeros((p, p)), np.zeros(nx + 1), np.zeros((nf, nf)))
    Hb = np.zeros((blk_off.size, nx + 4, nx + 4))
    eta = np.ones(deg)
    wbar = np.zeros(m)
    for j in range(cst.size):
        wbar[cst[j]] = 1.0
    lam, tm1, tm2, tm3 = np.zeros(m), np.zeros(m), np.zeros(m), np.zeros(m)
    tmpn = np.zeros(nv)
    x1, y1, z1 = np.zeros(nv), np.zeros(neq), np.zeros(m)
    x2, y2, z2 = np.zeros(nv), np.zeros(neq), np.zeros(m)
    rx, ry, rz = np.zeros(nv), np.zeros(neq), np.zeros(m)
    dx, dy, dz, ds = np.zeros(nv), np.zeros(neq), np.zeros(m), np.zeros(m)
    rc, dsa, dza = np.zeros(m), np.zeros(m), np.zeros(m)
    bx, by, bz = np.zeros(nv), np.zeros(neq), np.zeros(m)

    # initial point with W = I: primal  min |G x - h| s.t. A x = b ; dual from (-c, 0, 0)
    x, y, s, z = np.zeros(nv), np.zeros(neq), np.zeros(m), np.zeros(m)
    if not _factorise(Hb, Gi, Gv, row_blk, blk_off, nlin, cst, csz, eta, wbar, reg, N, nx, dt, h2, adt,
                      E, fac):
        return NUMERIC, 0, x, y, z, s
    _kkt_solve(bx, b, h, N, nx, dt, h2, adt, E, Gi, Gv, nlin, cst, csz, eta, wbar, fac, Hb, reg, x, y, z,
               tm1, tmpn)
    s = shift_into_cones(-z, nlin, cst, csz)
    _kkt_solve(-c, by, bz, N, nx, dt, h2, adt, E, Gi, Gv, nlin, cst, csz, eta, wbar, fac, Hb, reg, x2, y, z,
               tm1, tmpn)
    z = shift_into_cones(z, nlin, cst, csz)
    tau, kap = 1.0, 1.0
    nb_, nh_ = _nrm(b), _nrm(h)
    pnorm = max(1.0, math.sqrt(nb_ * nb_ + nh_ * nh_))
    dnorm = max(1.0, _nrm(c))
    status = MAXIT
    merit = 1e300
    best = 1e300
    bx_, by_, bz_, bs_, btau = x.copy(), y.copy(), z.copy(), s.copy(), 1.0
    it = 0
    for it in range(maxit + 1):
        at_mul(y, N, nx, dt, h2, adt, E, rx)                    # residuals
        gt_mul(Gi, Gv, z, tmpn)
        for i in range(nv):
            rx[i] += tmpn[i]
        nrx_inf = _nrm(rx)
        for i in range(nv):
            rx[i] += c[i] * tau
        a_mul(x, N, nx, dt, h2, adt, E, ry)
        nay = _nrm(ry)
        for i in range(neq):
            ry[i] -= b[i] * tau
        g_mul(Gi, Gv, x, rz)
        for i in range(m):
            rz[i] += s[i]
        ngx = _nrm(rz)
        for i in range(m):
            rz[i] -= h[i] * tau
        cx = _dot(c, x)
        by_hz = _dot(b, y) + _dot(h, z)
        rt = kap + cx + by_hz
        mu = (_dot(s, z) + tau * kap) / (deg + 1)
        pres = math.sqrt(_nrm(ry) ** 2 + _nrm(rz) ** 2) / tau / pnorm
        dres = _nrm(rx) / tau / dnorm
        pcost, dcost = cx / tau, -by_hz / tau
        gap = (_dot(s, z)) / (tau * tau)
        rel = gap / max(1e-12, min(abs(pcost), abs(dcost)))
        merit = max(pres, dres, min(gap, rel))
        if merit < best:                                       # keep the best iterate
            best = merit
            bx_[:], by_[:], bz_[:], bs_[:], btau = x, y, z, s, tau
        if pres < feastol and dres < feastol and (gap < abstol or rel < reltol):
            status = OPTIMAL
            break
        if by_hz < 0.0 and nrx_inf / dnorm < feastol * -by_hz:
            status = PINF
            break
        if by_hz < 0.0 and tau < 1e-8 * kap and nrx_inf / dnorm < 1e-5 * -by_hz:
            status = PINF          # stalled on an approximate certificate (tau -> 0)
            break
        if cx < 0.0 and math.sqrt(nay ** 2 + ngx ** 2) / pnorm < feastol * -cx:
            status = DINF
            break
        if it == maxit:
            break
        if not nt_scaling(s, z, nlin, cst, csz, eta, wbar, lam):
            status = NUMERIC
            break
        if not _factorise(Hb, Gi, Gv, row_blk, blk_off, nlin, cst, csz, eta, wbar, reg, N, nx, dt, h2, adt,
                          E, fac):
            status = NUMERIC
            break
        _kkt_solve(-c, b, h, N, nx, dt, h2, adt, E, Gi, Gv, nlin, cst, csz, eta, wbar, fac, Hb, reg,
                   x1, y1, z1, tm1, tmpn)
        den = -kap / tau + _dot(c, x1) + _dot(b, y1) + _dot(h, z1)
        jordan(lam, lam, nlin, cst, csz, tm3)                  # tm3 = lam o lam
        sig, fr, rct = 0.0, 1.0, 0.0
        dtau_a, dkap_a, alpha = 0.0, 0.0, 0.0
        for phase in range(2):                                 # predictor, then corrector
            if phase == 0:
                for i in range(m):
                    rc[i] = -tm3[i]
                rct = -kap * tau
            else:
                jordan(dsa, dza, nlin, cst, csz, rc)
                for i in range(m):
                    rc[i] = -tm3[i] - rc[i]
                for i in range(nlin):
                    rc[i] += sig * mu
                for j in range(cst.size):
                    rc[cst[j]] += sig * mu
                rct = -kap * tau - dtau_a * dkap_a + sig * mu
                fr = 1.0 - sig
            jordan_div(lam, rc, nlin, cst, csz, tm1)           # tm2 = W (lam \ rc)
            apply_w(tm1, nlin, cst, csz, eta, wbar, tm2, False)
            for i in range(m):
                bz[i] = -fr * rz[i] - tm2[i]
            for i in range(nv):
                bx[i] = -fr * rx[i]
            for i in range(neq):
                by[i] = -fr * ry[i]
            _kkt_solve(bx, by, bz, N, nx, dt, h2, adt, E, Gi, Gv, nlin, cst, csz, eta, wbar, fac, Hb, reg,
                       x2, y2, z2, tm1, tmpn)
            dtau = (-fr * rt - rct / tau - (_dot(c, x2) + _dot(b, y2) + _dot(h, z2))) / den
            for i in range(nv):
                dx[i] = x2[i] + dtau * x1[i]
            for i in range(neq):
                dy[i] = y2[i] + dtau * y1[i]
            for i in range(m):
                dz[i] = z2[i] + dtau * z1[i]
            apply_w2(dz, nlin, cst, csz, eta, wbar, tm1, 2)    # ds = W (lam \ rc) - W^2 dz
            for i in range(m):
                ds[i] = tm2[i] - tm1[i]
            dkap = (rct - kap * dtau) / tau
            alpha = min(max_step(s, ds, nlin, cst, csz), max_step(z, dz, nlin, cst, csz))
            if dtau < 0.0:
                alpha = min(alpha, -tau / dtau)
            if dkap < 0.0:
                alpha = min(alpha, -kap / dkap)
            if phase == 0:
                alpha = min(alpha, 1.0)
                sig = min(max((1.0 - alpha) ** 3, 1e-8), 1.0)
                apply_w(ds, nlin, cst, csz, eta, wbar, dsa, True)   # W^-1 ds_a
                apply_w(dz, nlin, cst, csz, eta, wbar, dza, False)  # W dz_a
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
