"""Cone kernels for the real-time interior-point solver (Numba).

The stacked slack vector holds nlin half-line rows (x >= 0) first, then second-order cones
x = (x0, x1), x0 >= |x1|; SOC j occupies rows cst[j] .. cst[j] + csz[j] - 1.  Nesterov-Todd scaling:
half-lines W = sqrt(s/z); a SOC stores (eta, wbar) with W = eta * Wbar,
Wbar = [[w0, w1^T], [w1, I + w1 w1^T / (1 + w0)]], wbar^T J wbar = 1, J = diag(1, -1, ..., -1), so that
W z = W^-1 s = lambda and W^-2 = eta^-2 (2 J wbar wbar^T J - J)
(Vandenberghe, "The CVXOPT linear and quadratic cone program solvers", 2010, section 4).
"""
from __future__ import annotations

import math

from numba import njit

JIT = {"cache": True, "error_model": "numpy"}   # no fastmath: the NaN/sign checks must hold


@njit(**JIT)
def shift_into_cones(s, nlin, cst, csz):
    """Return s + (1 + a) e when a = max over cones of (|s1| - s0) >= 0, else s (e = identity)."""
    a = -1e300
    for i in range(nlin):
        a = max(a, -s[i])
    for j in range(cst.size):
        st, q = cst[j], csz[j]
        nrm = 0.0
        for i in range(st + 1, st + q):
            nrm += s[i] * s[i]
        a = max(a, math.sqrt(nrm) - s[st])
    out = s.copy()
    if a >= 0.0:
        for i in range(nlin):
            out[i] += 1.0 + a
        for j in range(cst.size):
            out[cst[j]] += 1.0 + a
    return out


@njit(**JIT)
def nt_scaling(s, z, nlin, cst, csz, eta, wbar, lam):
    """Fill eta (per row for half-lines, per cone for SOCs at eta[nlin + j]), wbar and lam = W z.

    Returns False if a point is not strictly inside its cone.
    """
    for i in range(nlin):
        if not (s[i] > 0.0 and z[i] > 0.0):
            return False
        eta[i] = math.sqrt(s[i] / z[i])
        lam[i] = math.sqrt(s[i] * z[i])
    for j in range(cst.size):
        st, q = cst[j], csz[j]
        sr = s[st] * s[st]
        zr = z[st] * z[st]
        dot = s[st] * z[st]
        for i in range(st + 1, st + q):
            sr -= s[i] * s[i]
            zr -= z[i] * z[i]
            dot += s[i] * z[i]
        if not (sr > 0.0 and zr > 0.0 and s[st] > 0.0 and z[st] > 0.0):
            return False
        sq_s = math.sqrt(sr)
        sq_z = math.sqrt(zr)
        gam2 = 2.0 * math.sqrt(0.5 * (1.0 + dot / (sq_s * sq_z)))
        wbar[st] = (s[st] / sq_s + z[st] / sq_z) / gam2
        for i in range(st + 1, st + q):
            wbar[i] = (s[i] / sq_s - z[i] / sq_z) / gam2
        et = math.sqrt(sq_s / sq_z)
        eta[nlin + j] = et
        _w_one(z, st, q, et, wbar, lam, False)
    return True


@njit(**JIT)
def _w_one(x, st, q, eta_j, wbar, out, inverse):
    w0 = wbar[st]
    d = 0.0
    for i in range(st + 1, st + q):
        d += wbar[i] * x[i]
    sgn = -1.0 if inverse else 1.0
    f = 1.0 / eta_j if inverse else eta_j
    x0 = x[st]
    out[st] = f * (w0 * x0 + sgn * d)
    coef = sgn * x0 + d / (1.0 + w0)
    for i in range(st + 1, st + q):
        out[i] = f * (x[i] + coef * wbar[i])


@njit(**JIT)
def apply_w(x, nlin, cst, csz, eta, wbar, out, inverse):
    """out = W x (or W^-1 x when inverse)."""
    if inverse:
        for i in range(nlin):
            out[i] = x[i] / eta[i]
    else:
        for i in range(nlin):
            out[i] = x[i] * eta[i]
    for j in range(cst.size):
        _w_one(x, cst[j], csz[j], eta[nlin + j], wbar, out, inverse)


@njit(**JIT)
def apply_w2(x, nlin, cst, csz, eta, wbar, out, power):
    """out = W^power x for power = 2 or -2: eta^p (2 v (v . x) - J x) with v = wbar or J wbar."""
    if power > 0:
        for i in range(nlin):
            out[i] = x[i] * eta[i] * eta[i]
    else:
        for i in range(nlin):
            out[i] = x[i] / (eta[i] * eta[i])
    sg = 1.0 if power > 0 else -1.0
    for j in range(cst.size):
        st, q = cst[j], csz[j]
        e2 = eta[nlin + j] * eta[nlin + j]
        f = e2 if power > 0 else 1.0 / e2
        d = wbar[st] * x[st]
        for i in range(st + 1, st + q):
            d += sg * wbar[i] * x[i]
        out[st] = f * (2.0 * d * wbar[st] - x[st])
        for i in range(st + 1, st + q):
            out[i] = f * (2.0 * sg * d * wbar[i] + x[i])


@njit(**JIT)
def jordan(a, b, nlin, cst, csz, out):
    """out = a o b (Jordan product per cone: (a.b, a0 b1 + b0 a1))."""
    for i in range(nlin):
        out[i] = a[i] * b[i]
    for j in range(cst.size):
        st, q = cst[j], csz[j]
        d = a[st] * b[st]
        a0, b0 = a[st], b[st]
        for i in range(st + 1, st + q):
            d += a[i] * b[i]
            out[i] = a0 * b[i] + b0 * a[i]
        out[st] = d


@njit(**JIT)
def jordan_div(lam, v, nlin, cst, csz, out):
    """out = u solving lam o u = v per cone (lam strictly inside)."""
    for i in range(nlin):
        out[i] = v[i] / lam[i]
    for j in range(cst.size):
        st, q = cst[j], csz[j]
        l0 = lam[st]
        det = l0 * l0
        d = 0.0
        for i in range(st + 1, st + q):
            det -= lam[i] * lam[i]
            d += lam[i] * v[i]
        u0 = (l0 * v[st] - d) / det
        out[st] = u0
        for i in range(st + 1, st + q):
            out[i] = (v[i] - u0 * lam[i]) / l0


@njit(**JIT)
def max_step(x, dx, nlin, cst, csz):
    """Largest a >= 0 (capped at 1e30) with x + a dx in the cones, x strictly inside."""
    amax = 1e30
    for i in range(nlin):
        if dx[i] < 0.0:
            amax = min(amax, -x[i] / dx[i])
    for j in range(cst.size):
        st, q = cst[j], csz[j]
        a = dx[st] * dx[st]
        b = x[st] * dx[st]
        c = x[st] * x[st]
        for i in range(st + 1, st + q):
            a -= dx[i] * dx[i]
            b -= x[i] * dx[i]
            c -= x[i] * x[i]
        if c <= 0.0:
            return 0.0
        disc = b * b - a * c                  # smallest positive root of a t^2 + 2 b t + c
        if a < 0.0:
            qq = -(b + math.copysign(math.sqrt(max(disc, 0.0)), b))
            t = 1e30
            if qq != 0.0:
                r1, r2 = qq / a, c / qq
                if r1 > 0.0:
                    t = r1
                if 0.0 < r2 < t:
                    t = r2
            amax = min(amax, t)
        elif a == 0.0:
            if b < 0.0:
                amax = min(amax, -c / (2.0 * b))
        elif b < 0.0 and disc >= 0.0:
            amax = min(amax, c / (-b + math.sqrt(disc)))
    return amax


@njit(**JIT)
def add_gtwg(Hb, Gi, Gv, row_blk, blk_off, nlin, cst, csz, eta, wbar):
    """Hb[block] += G_c^T W_c^-2 G_c for every cone c (each row of G has two entries, -1 = none)."""
    for r in range(nlin):
        blk = row_blk[r]
        off = blk_off[blk]
        w = 1.0 / (eta[r] * eta[r])
        for ka in range(2):
            ca = Gi[r, ka]
            if ca < 0:
                continue
            va = w * Gv[r, ka]
            for kb in range(2):
                cb = Gi[r, kb]
                if cb >= 0:
                    Hb[blk, ca - off, cb - off] += va * Gv[r, kb]
    for j in range(cst.size):
        st, q = cst[j], csz[j]
        blk = row_blk[st]
        off = blk_off[blk]
        ie2 = 1.0 / (eta[nlin + j] * eta[nlin + j])
        for a in range(st, st + q):
            ja = wbar[a] if a == st else -wbar[a]
            for b in range(st, st + q):
                jb = wbar[b] if b == st else -wbar[b]
                mab = 2.0 * ja * jb
                if a == b:
                    mab += -1.0 if a == st else 1.0
                mab *= ie2
                for ka in range(2):
                    ca = Gi[a, ka]
                    if ca < 0:
                        continue
                    va = mab * Gv[a, ka]
                    for kb in range(2):
                        cb = Gi[b, kb]
                        if cb >= 0:
                            Hb[blk, ca - off, cb - off] += va * Gv[b, kb]


@njit(**JIT)
def g_mul(Gi, Gv, x, out):
    """out = G x."""
    for r in range(Gi.shape[0]):
        acc = 0.0
        for k in range(2):
            if Gi[r, k] >= 0:
                acc += Gv[r, k] * x[Gi[r, k]]
        out[r] = acc


@njit(**JIT)
def gt_mul(Gi, Gv, z, out):
    """out = G^T z (out zeroed first)."""
    out[:] = 0.0
    for r in range(Gi.shape[0]):
        for k in range(2):
            if Gi[r, k] >= 0:
                out[Gi[r, k]] += Gv[r, k] * z[r]
