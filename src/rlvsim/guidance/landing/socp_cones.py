"""Cone kernels of the real-time interior-point solver (Numba), for the landing problem's layout.

The stacked slack vector (`socp_ops`) holds nlin = 4N + 5 half-lines (x >= 0), then N second-order
cones of size 4 and 2N + 1 of size 3, each x = (x0, x1) with x0 >= |x1|.  Nesterov-Todd scaling:
half-lines W = eta = sqrt(s/z); a cone stores eta (at eta[nlin + cone index]) and wbar (on its rows)
with W = eta * Wbar, Wbar = [[w0, w1^T], [w1, I + w1 w1^T / (1 + w0)]], wbar^T J wbar = 1,
J = diag(1, -1, ..., -1), so that W z = W^-1 s = lambda and W^2 = eta^2 (2 wbar wbar^T - J),
W^-2 = eta^-2 (2 J wbar wbar^T J - J) (Vandenberghe, "The CVXOPT linear and quadratic cone program
solvers", 2010, section 4).  The cone sizes are compile-time constants in every loop.
"""
from __future__ import annotations

import math

from numba import njit

JIT = {"cache": True, "error_model": "numpy"}
# fast-math without 'nnan'/'ninf'/'afn': reassociation and FMA only, so the NaN/sign checks still hold
JITF = {"cache": True, "error_model": "numpy", "fastmath": {"contract", "arcp", "reassoc", "nsz"}}
INL = {**JITF, "inline": "always"}               # small helpers, specialised on the cone size q


@njit(**JITF)
def layout(N):
    """(nlin, first row of the size-4 cones, first row of the size-3 cones, number of size-3 cones)."""
    nlin = 4 * N + 5
    return nlin, nlin, nlin + 4 * N, 2 * N + 1


@njit(**INL)
def _get(x, st, q):
    """The components of one cone (size q = 3 or 4; the fourth is 0 when q = 3)."""
    return x[st], x[st + 1], x[st + 2], (x[st + 3] if q == 4 else 0.0)


@njit(**INL)
def _put(out, st, q, v0, v1, v2, v3):
    out[st] = v0
    out[st + 1] = v1
    out[st + 2] = v2
    if q == 4:
        out[st + 3] = v3


@njit(**JITF)
def shift_into_cones(s, N):
    """Return s + (1 + a) e when a = max over cones of (|s1| - s0) >= 0, else s (e = identity)."""
    nlin, c4, c3, n3 = layout(N)
    a = -1e300
    for i in range(nlin):
        a = max(a, -s[i])
    for j in range(N + n3):
        st, q = (c4 + 4 * j, 4) if j < N else (c3 + 3 * (j - N), 3)
        x0, x1, x2, x3 = _get(s, st, q)
        a = max(a, math.sqrt(x1 * x1 + x2 * x2 + x3 * x3) - x0)
    out = s.copy()
    if a >= 0.0:
        add_e(out, N, 1.0 + a)
    return out


@njit(**JITF)
def push_into_cones(x, N, margin):
    """Move every cone's x0 (every half-line) up so that x0 - |x1| >= margin, in place."""
    nlin, c4, c3, n3 = layout(N)
    for i in range(nlin):
        x[i] = max(x[i], margin)
    for j in range(N + n3):
        st, q = (c4 + 4 * j, 4) if j < N else (c3 + 3 * (j - N), 3)
        x0, x1, x2, x3 = _get(x, st, q)
        x[st] = max(x0, math.sqrt(x1 * x1 + x2 * x2 + x3 * x3) + margin)


@njit(**JITF)
def add_e(x, N, val):
    """x += val * e (the identity element of the cone product)."""
    nlin, c4, c3, n3 = layout(N)
    for i in range(nlin):
        x[i] += val
    for j in range(N):
        x[c4 + 4 * j] += val
    for j in range(n3):
        x[c3 + 3 * j] += val


@njit(**INL)
def _w_one(x, st, q, f, sgn, wbar, out):
    """out = f Wbar x (sgn = 1) or f Wbar^-1 x (sgn = -1) for one cone."""
    w0, w1, w2, w3 = _get(wbar, st, q)
    x0, x1, x2, x3 = _get(x, st, q)
    d = w1 * x1 + w2 * x2 + w3 * x3
    coef = sgn * x0 + d / (1.0 + w0)
    _put(out, st, q, f * (w0 * x0 + sgn * d), f * (x1 + coef * w1), f * (x2 + coef * w2),
         f * (x3 + coef * w3))


@njit(**INL)
def _nt_one(s, z, st, q, je, eta, ie2, wbar, lam):
    s0, s1, s2, s3 = _get(s, st, q)
    z0, z1, z2, z3 = _get(z, st, q)
    sr = s0 * s0 - s1 * s1 - s2 * s2 - s3 * s3
    zr = z0 * z0 - z1 * z1 - z2 * z2 - z3 * z3
    dot = s0 * z0 + s1 * z1 + s2 * z2 + s3 * z3
    if not (sr > 0.0 and zr > 0.0 and s0 > 0.0 and z0 > 0.0):
        return False
    sq_s = math.sqrt(sr)
    sq_z = math.sqrt(zr)
    is_, iz = 1.0 / sq_s, 1.0 / sq_z
    ig = 1.0 / (2.0 * math.sqrt(0.5 * (1.0 + dot * is_ * iz)))
    a, b = is_ * ig, iz * ig
    _put(wbar, st, q, s0 * a + z0 * b, s1 * a - z1 * b, s2 * a - z2 * b, s3 * a - z3 * b)
    et = math.sqrt(sq_s * iz)
    eta[je] = et
    ie2[je] = sq_z * is_
    _w_one(z, st, q, et, 1.0, wbar, lam)
    return True


@njit(**JITF)
def nt_scaling(s, z, N, eta, ie2, wbar, lam):
    """Fill eta, ie2 = eta^-2, wbar and lam = W z.  False if a point is not strictly inside its cone."""
    nlin, c4, c3, n3 = layout(N)
    for i in range(nlin):
        si, zi = s[i], z[i]
        if not (si > 0.0 and zi > 0.0):
            return False
        rs = 1.0 / math.sqrt(si * zi)
        eta[i] = si * rs
        lam[i] = si * zi * rs
        ie2[i] = (zi * rs) * (zi * rs)
    for j in range(N):
        if not _nt_one(s, z, c4 + 4 * j, 4, nlin + j, eta, ie2, wbar, lam):
            return False
    for j in range(n3):
        if not _nt_one(s, z, c3 + 3 * j, 3, nlin + N + j, eta, ie2, wbar, lam):
            return False
    return True


@njit(**JITF)
def apply_w(x, N, eta, wbar, out, inverse):
    """out = W x (or W^-1 x when inverse)."""
    nlin, c4, c3, n3 = layout(N)
    if inverse:
        for i in range(nlin):
            out[i] = x[i] / eta[i]
        for j in range(N):
            _w_one(x, c4 + 4 * j, 4, 1.0 / eta[nlin + j], -1.0, wbar, out)
        for j in range(n3):
            _w_one(x, c3 + 3 * j, 3, 1.0 / eta[nlin + N + j], -1.0, wbar, out)
    else:
        for i in range(nlin):
            out[i] = x[i] * eta[i]
        for j in range(N):
            _w_one(x, c4 + 4 * j, 4, eta[nlin + j], 1.0, wbar, out)
        for j in range(n3):
            _w_one(x, c3 + 3 * j, 3, eta[nlin + N + j], 1.0, wbar, out)


@njit(**INL)
def _corr_one(lam, dsa, dza, sm, st, q, f, wbar, out):
    """out = f Wbar (lam \\ (-(lam o lam) - dsa o dza + sm e)) for one cone."""
    l0, l1, l2, l3 = _get(lam, st, q)
    a0, a1, a2, a3 = _get(dsa, st, q)
    b0, b1, b2, b3 = _get(dza, st, q)
    v0 = sm - (l0 * l0 + l1 * l1 + l2 * l2 + l3 * l3) - (a0 * b0 + a1 * b1 + a2 * b2 + a3 * b3)
    v1 = -2.0 * l0 * l1 - a0 * b1 - b0 * a1
    v2 = -2.0 * l0 * l2 - a0 * b2 - b0 * a2
    v3 = -2.0 * l0 * l3 - a0 * b3 - b0 * a3
    u0 = (l0 * v0 - l1 * v1 - l2 * v2 - l3 * v3) / (l0 * l0 - l1 * l1 - l2 * l2 - l3 * l3)
    il0 = 1.0 / l0
    u1, u2, u3 = (v1 - u0 * l1) * il0, (v2 - u0 * l2) * il0, (v3 - u0 * l3) * il0
    w0, w1, w2, w3 = _get(wbar, st, q)
    d = w1 * u1 + w2 * u2 + w3 * u3
    coef = u0 + d / (1.0 + w0)
    _put(out, st, q, f * (w0 * u0 + d), f * (u1 + coef * w1), f * (u2 + coef * w2), f * (u3 + coef * w3))


@njit(**JITF)
def corrector_rhs(lam, dsa, dza, sm, N, eta, wbar, out):
    """out = W (lam \\ rc), rc = -(lam o lam) - dsa o dza + sm e (Mehrotra's corrector)."""
    nlin, c4, c3, n3 = layout(N)
    for i in range(nlin):
        out[i] = eta[i] * (sm - lam[i] * lam[i] - dsa[i] * dza[i]) / lam[i]
    for j in range(N):
        _corr_one(lam, dsa, dza, sm, c4 + 4 * j, 4, eta[nlin + j], wbar, out)
    for j in range(n3):
        _corr_one(lam, dsa, dza, sm, c3 + 3 * j, 3, eta[nlin + N + j], wbar, out)


@njit(**INL)
def _ray(x0, x1, x2, x3, d0, d1, d2, d3, tcap):
    """min(tcap, largest t >= 0 with x + t d in the cone), x strictly inside.

    The boundary is at the smallest positive root of f(t) = a t^2 + 2 b t + c (c > 0).  No root
    below tcap when f(tcap) > 0 and f is not turning back before tcap; otherwise the stable form
    is c / (sqrt(disc) - b) when b < 0, else (then a < 0) (b + sqrt(disc)) / -a.
    """
    a = d0 * d0 - d1 * d1 - d2 * d2 - d3 * d3
    b = x0 * d0 - x1 * d1 - x2 * d2 - x3 * d3
    c = x0 * x0 - x1 * x1 - x2 * x2 - x3 * x3
    if c <= 0.0:
        return 0.0
    if (a >= 0.0 and d0 >= 0.0) or ((a * tcap + 2.0 * b) * tcap + c > 0.0
                                     and (a <= 0.0 or b + a * tcap <= 0.0)):
        return tcap
    sq = math.sqrt(max(b * b - a * c, 0.0))
    t = c / (sq - b) if b < 0.0 else (b + sq) / -a
    return min(t, tcap)


@njit(**INL)
def _dir_one(z2, z1, dtau, tm2, s, z, st, q, e2, wbar, dz, ds, tcap):
    a0, a1, a2, a3 = _get(z2, st, q)
    b0, b1, b2, b3 = _get(z1, st, q)
    d0, d1, d2, d3 = a0 + dtau * b0, a1 + dtau * b1, a2 + dtau * b2, a3 + dtau * b3
    _put(dz, st, q, d0, d1, d2, d3)
    w0, w1, w2, w3 = _get(wbar, st, q)
    t0, t1, t2, t3 = _get(tm2, st, q)
    d = 2.0 * e2 * (w0 * d0 + w1 * d1 + w2 * d2 + w3 * d3)
    e0, e1 = t0 - d * w0 + e2 * d0, t1 - d * w1 - e2 * d1
    e2_, e3 = t2 - d * w2 - e2 * d2, t3 - d * w3 - e2 * d3
    _put(ds, st, q, e0, e1, e2_, e3)
    s0, s1, s2, s3 = _get(s, st, q)
    y0, y1, y2, y3 = _get(z, st, q)
    tcap = _ray(s0, s1, s2, s3, e0, e1, e2_, e3, tcap)
    return _ray(y0, y1, y2, y3, d0, d1, d2, d3, tcap)


@njit(**JITF)
def direction_step(z2, z1, dtau, tm2, s, z, N, eta, wbar, dz, ds, tcap):
    """dz = z2 + dtau z1, ds = tm2 - W^2 dz; returns min(tcap, the largest step keeping s and z in
    the cones)."""
    nlin, c4, c3, n3 = layout(N)
    amax = tcap
    for i in range(nlin):
        d = z2[i] + dtau * z1[i]
        e = tm2[i] - eta[i] * eta[i] * d
        dz[i] = d
        ds[i] = e
        if d < 0.0 and z[i] < -d * amax:          # (divide only when the bound tightens)
            amax = -z[i] / d
        if e < 0.0 and s[i] < -e * amax:
            amax = -s[i] / e
    for j in range(N):
        et = eta[nlin + j]
        amax = _dir_one(z2, z1, dtau, tm2, s, z, c4 + 4 * j, 4, et * et, wbar, dz, ds, amax)
    for j in range(n3):
        et = eta[nlin + N + j]
        amax = _dir_one(z2, z1, dtau, tm2, s, z, c3 + 3 * j, 3, et * et, wbar, dz, ds, amax)
    return amax
