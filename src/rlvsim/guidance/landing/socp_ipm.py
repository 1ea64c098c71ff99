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

from .socp_clock import now_ns
from .socp_cones import (JITF, add_e, apply_w, corrector_rhs, direction_step, layout, nt_scaling,
                         push_into_cones, shift_into_cones)
from .socp_ops import NS, NW, NX, a_mul, at_mul, g_mul, gt_mul, gt_w2, w2_g
from .socp_riccati import factor, solve

INACCURATE_TOL = 1e-5  # best merit (residuals and gap) accepted as 'reduced accuracy' (ECOS: 5e-5..1e-4)
REFINE_BELOW = 1e-5    # merit below which the x1 and corrector KKT solves are refined (end game)
STALL_ITS = 6          # iterations without a better merit that end the solve (stalled) ...
STALL_BELOW = 1e-4     # ... once the best merit is below this (the end game)
CERT_RTOL = 1e-6       # |A^T y + G^T z| / (|y| + |z|) of an accepted near-boundary infeasibility certificate
OPTIMAL, PINF, DINF, MAXIT, NUMERIC, INACCURATE, TIMEOUT, TIMEOUT_INACCURATE, PINF_NEAR, STALLED = range(10)
STATUS_TEXT = ("optimal", "primal infeasible", "dual infeasible", "iteration limit",
               "numerical trouble", "reduced accuracy", "time budget exhausted",
               "reduced accuracy (time budget exhausted)",
               "primal infeasible (approximate certificate)", "stalled")


@njit(**JITF)
def _kkt_solve(rx, ry, rz, N, dt, h2, adt, co, cp, qe, qx, free0, ie2, wbar, fac, X, Y, Z, F, refine):
    """Solve [0 A^T G^T; A 0 0; G 0 -W^2] (X, Y, Z) = (rx, ry, rz) with the current factorisation.

    Reduced: H X + A^T Y = rx + G^T W^-2 rz, A X = ry (H = G^T W^-2 G), then Z = W^-2 (G X - rz).
    refine: one step of iterative refinement on the reduced system (unregularised H).
    """
    P, Lr, K, Hl, Lf, hsc, pk, kff, wm, wn, dX, dY, eY, zn = fac
    gt_w2(rz, rx, N, co, cp, qe, qx, ie2, wbar, F)
    solve(F, ry, N, dt, h2, adt, free0, P, Lr, K, Hl, Lf, hsc, pk, kff, X, Y)
    if refine:
        g_mul(X, N, co, cp, qe, qx, wm)                       # wn = G^T W^-2 G X
        gt_w2(wm, zn, N, co, cp, qe, qx, ie2, wbar, wn)
        at_mul(Y, N, dt, h2, adt, free0, dX)
        for i in range(X.size):                               # residual of H X + A^T Y = F
            wn[i] = F[i] - wn[i] - dX[i]
        a_mul(X, N, dt, h2, adt, free0, dY)
        for i in range(Y.size):                               # residual of A X = ry
            dY[i] = ry[i] - dY[i]
        solve(wn, dY, N, dt, h2, adt, free0, P, Lr, K, Hl, Lf, hsc, pk, kff, dX, eY)
        for i in range(X.size):
            X[i] += dX[i]
        for i in range(Y.size):
            Y[i] += eY[i]
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
                  fac[4], fac[5])


@njit(**JITF)
def ipm(N, dt, h2, adt, co, cp, qe, qx, free0, c, b, h, maxit, feastol, abstol, reltol, reg, wx, wy, wz,
        margin, max_time_s):
    """Run the interior-point method; returns (status, iterations, x, y, z, s) (x, y, z, s / tau).

    margin > 0: warm start from the primal wx, duals wy, wz (e.g. a neighbouring problem's solution):
    s = h - G wx and wz are moved at least `margin` inside their cones; otherwise the cold start.
    max_time_s > 0: stop with TIMEOUT (or TIMEOUT_INACCURATE) once that much wall time has passed.
    Infeasibility: a certificate (b^T y + h^T z < 0, |A^T y + G^T z| < feastol |b^T y + h^T z|), or
    the embedding heading for tau = 0 with kappa > 0 (tau < 1e-4 kappa; the landing problem is
    bounded, so that means primal infeasible) with A^T y + G^T z small relative to (y, z) (PINF_NEAR:
    an approximate certificate, typical within rounding of the feasibility boundary, where the
    iterates used to stall until the iteration limit).  The end game: the x1 and corrector KKT solves
    get one step of iterative refinement once the merit is below REFINE_BELOW, or as soon as the
    residuals shrink less than the step predicts; a solve whose best merit (below STALL_BELOW) has
    not improved for STALL_ITS iterations stops (STALLED, or INACCURATE when that merit is below
    INACCURATE_TOL).
    """
    clock = np.zeros(2, dtype=np.int64)
    t_start = now_ns(clock)
    nv, neq, m = c.size, b.size, h.size
    nlin, _c4, _c3, n3 = layout(N)
    deg = nlin + N + n3
    fac = (np.zeros((N + 1, NX, NX)), np.zeros((N, NW, NW)), np.zeros((N, NW, NX)),
           np.zeros((2, NS, NS)), np.zeros((3, 3)), np.zeros(1), np.zeros((N + 1, NX)), np.zeros((N, NW)),
           np.zeros(m), np.zeros(nv), np.zeros(nv), np.zeros(neq), np.zeros(neq), np.zeros(nv))
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
        _kkt_solve(bx, b, h, N, dt, h2, adt, co, cp, qe, qx, free0, ie2, wbar, fac, x, y, z, F, False)
        s = shift_into_cones(-z, N)
        _kkt_solve(mc, by, bz, N, dt, h2, adt, co, cp, qe, qx, free0, ie2, wbar, fac, x2, y, z, F, False)
        z = shift_into_cones(z, N)
    nb_, nh_ = _nrm(b), _nrm(h)
    pnorm = max(1.0, math.sqrt(nb_ * nb_ + nh_ * nh_))
    dnorm = max(1.0, _nrm(c))
    status = MAXIT
    best, it_best, tau_best = 1e300, 0, 1.0
    refine, expect, rd0, rp0 = False, -1.0, 0.0, 0.0   # KKT refinement (sticky); predicted residual decrease
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
        rd, rp = math.sqrt(nrx), math.sqrt(nry + nrz)
        if expect >= 0.0 and (rd > 2.0 * expect * rd0 + 1e-12 * tau * dnorm
                              or rp > 2.0 * expect * rp0 + 1e-12 * tau * pnorm):
            refine = True        # the residuals did not shrink as the step predicts: refine from now on
        mu = (sz + tau * kap) / (deg + 1)
        pres = math.sqrt(nry + nrz) / tau / pnorm
        dres = math.sqrt(nrx) / tau / dnorm
        pcost, dcost = cx / tau, -by_hz / tau
        gap = sz / (tau * tau)
        rel = gap / max(1e-12, min(abs(pcost), abs(dcost)))
        merit = max(pres, dres, min(gap, rel))
        if merit < best:                                       # keep the best iterate
            best, it_best, tau_best = merit, it, tau
            if merit < INACCURATE_TOL:                         # (only such an iterate is returned)
                bx_[:], by_[:], bz_[:], bs_[:], btau = x, y, z, s, tau
        if pres < feastol and dres < feastol and (gap < abstol or rel < reltol):
            status = OPTIMAL
            break
        if by_hz < 0.0 and math.sqrt(nrx_inf) / dnorm < feastol * -by_hz:
            status = PINF
            break
        if by_hz < 0.0 and tau < 1e-4 * kap:                    # tau -> 0, kappa > 0: infeasible
            if math.sqrt(nrx_inf) / dnorm < 1e-5 * -by_hz:
                status = PINF
                break
            if math.sqrt(nrx_inf) < CERT_RTOL * (_nrm(y) + _nrm(z)):
                status = PINF_NEAR
                break
        if cx < 0.0 and math.sqrt(nay + ngx) / pnorm < feastol * -cx:
            status = DINF
            break
        if it == maxit:
            break
        if best < STALL_BELOW and it - it_best >= (STALL_ITS if tau >= 1e-2 * tau_best else 2 * STALL_ITS):
            status = STALLED     # end game stalled, e.g. at the feasibility boundary, where the duals
            break                # grow without bound (more time when tau -> 0: a certificate is coming)
        if max_time_s > 0.0 and (now_ns(clock) - t_start) * 1e-9 > max_time_s:
            status = TIMEOUT
            break
        if not nt_scaling(s, z, N, eta, ie2, wbar, lam):
            status = NUMERIC
            break
        if not _factorise(N, dt, h2, adt, co, cp, qe, qx, free0, ie2, wbar, reg, fac):
            status = NUMERIC
            break
        ref = refine or merit < REFINE_BELOW            # one refinement step for x1 and the corrector
        _kkt_solve(mc, b, h, N, dt, h2, adt, co, cp, qe, qx, free0, ie2, wbar, fac, x1, y1, z1, F, ref)
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
            _kkt_solve(bx, by, bz, N, dt, h2, adt, co, cp, qe, qx, free0, ie2, wbar, fac, x2, y2, z2, F,
                       ref and phase == 1)
            dtau = (-fr * rt - rct / tau - (_dot(c, x2) + _dot(b, y2) + _dot(h, z2))) / den
            if phase == 1:                                     # (the predictor needs dz, ds only)
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
                sig = min(max((1.0 - alpha) ** 2, 1e-8), 1.0)     # centring: (1 - alpha_aff)^2
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
        expect, rd0, rp0 = 1.0 - alpha * (1.0 - sig), rd, rp
        kap += alpha * dkap
    if status == PINF or status == DINF or status == PINF_NEAR:
        return status, it, x, y, z, s
    if status != OPTIMAL:
        x, y, z, s, tau = bx_, by_, bz_, bs_, btau
        if best < INACCURATE_TOL:
            status = TIMEOUT_INACCURATE if status == TIMEOUT else INACCURATE
    return status, it, x / tau, y / tau, z / tau, s / tau
