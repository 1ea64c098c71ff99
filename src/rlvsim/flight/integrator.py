"""Adaptive Dormand-Prince 5(4) integrator with event location, compiled with Numba.

The method is the classic embedded pair of Dormand & Prince (1980), J. Comp. Appl. Math. 6(1):
fifth-order solution, fourth-order error estimate, FSAL.  Step-size control is the standard
elementary controller with a safety factor (Hairer, Norsett & Wanner, Solving ODE I, II.4).

Events: each is (kind, target, direction); the event function is g = value(kind) - target and
fires when g crosses zero in the given direction (+1 rising, -1 falling, 0 either).  A crossing
is located by Illinois-regula-falsi iterations on *real* RK steps from the start of the step
(not on an interpolant), to better than ``EVENT_TOL_S`` in time, so the state returned at an
event is an integrated state.
"""
from __future__ import annotations

import math

import numpy as np
from numba import njit

from .dynamics import (D_ACCEL, D_ALT, D_Q, D_SIZE, D_VREL, D_VUP, P_GATE_THRUST, P_MU, derived,
                       rhs)

EVENT_TOL_S = 1e-6

# event kinds
EV_TIME = 0
EV_ALTITUDE = 1
EV_VERTICAL_SPEED = 2
EV_MASS = 3
EV_SPEED_REL = 4
EV_DYN_PRESSURE = 5
EV_ENERGY = 6
EV_RADIAL_SPEED = 7
EV_SPEED_INERTIAL = 8
EV_LANDING_GATE = 9      # altitude - v_rel^2 / (2 a_gate) while descending, the altitude otherwise

G0_M_S2 = 9.80665
GATE_DECEL_MIN_M_S2 = 0.1

# Dormand-Prince 5(4) tableau
C2, C3, C4, C5 = 1 / 5, 3 / 10, 4 / 5, 8 / 9
A21 = 1 / 5
A31, A32 = 3 / 40, 9 / 40
A41, A42, A43 = 44 / 45, -56 / 15, 32 / 9
A51, A52, A53, A54 = 19372 / 6561, -25360 / 2187, 64448 / 6561, -212 / 729
A61, A62, A63, A64, A65 = 9017 / 3168, -355 / 33, 46732 / 5247, 49 / 176, -5103 / 18656
B1, B3, B4, B5, B6 = 35 / 384, 500 / 1113, 125 / 192, -2187 / 6784, 11 / 84
# error coefficients: b - b_hat
E1 = 71 / 57600
E3 = -71 / 16695
E4 = 71 / 1920
E5 = -17253 / 339200
E6 = 22 / 525
E7 = -1 / 40


@njit(cache=True)
def _step(t, y, f0, h, P, cd, wind, ynew, fnew, err):
    """One DP5 step of size h from (t, y) with f0 = f(t, y).  Writes ynew, fnew and err."""
    n = y.shape[0]
    k2 = np.empty(n)
    k3 = np.empty(n)
    k4 = np.empty(n)
    k5 = np.empty(n)
    k6 = np.empty(n)
    tmp = np.empty(n)
    for i in range(n):
        tmp[i] = y[i] + h * A21 * f0[i]
    rhs(t + C2 * h, tmp, P, cd, wind, k2)
    for i in range(n):
        tmp[i] = y[i] + h * (A31 * f0[i] + A32 * k2[i])
    rhs(t + C3 * h, tmp, P, cd, wind, k3)
    for i in range(n):
        tmp[i] = y[i] + h * (A41 * f0[i] + A42 * k2[i] + A43 * k3[i])
    rhs(t + C4 * h, tmp, P, cd, wind, k4)
    for i in range(n):
        tmp[i] = y[i] + h * (A51 * f0[i] + A52 * k2[i] + A53 * k3[i] + A54 * k4[i])
    rhs(t + C5 * h, tmp, P, cd, wind, k5)
    for i in range(n):
        tmp[i] = y[i] + h * (A61 * f0[i] + A62 * k2[i] + A63 * k3[i] + A64 * k4[i] + A65 * k5[i])
    rhs(t + h, tmp, P, cd, wind, k6)
    for i in range(n):
        ynew[i] = y[i] + h * (B1 * f0[i] + B3 * k3[i] + B4 * k4[i] + B5 * k5[i] + B6 * k6[i])
    rhs(t + h, ynew, P, cd, wind, fnew)
    for i in range(n):
        err[i] = h * (E1 * f0[i] + E3 * k3[i] + E4 * k4[i] + E5 * k5[i] + E6 * k6[i] + E7 * fnew[i])


@njit(cache=True)
def _uses_derived(kind):
    """Whether the event quantity of ``kind`` is read from ``derived`` (one call serves them all)."""
    return (kind == EV_ALTITUDE or kind == EV_VERTICAL_SPEED or kind == EV_SPEED_REL
            or kind == EV_DYN_PRESSURE or kind == EV_LANDING_GATE)


@njit(cache=True)
def _value(kind, t, y, P, work):
    """The quantity of ``kind`` at (t, y); ``work`` must hold derived(t, y) if _uses_derived(kind)."""
    if kind == EV_TIME:
        return t
    if kind == EV_MASS:
        return y[6]
    if kind == EV_ENERGY:
        r = math.sqrt(y[0] * y[0] + y[1] * y[1] + y[2] * y[2])
        v2 = y[3] * y[3] + y[4] * y[4] + y[5] * y[5]
        return 0.5 * v2 - P[P_MU] / r
    if kind == EV_RADIAL_SPEED:
        r = math.sqrt(y[0] * y[0] + y[1] * y[1] + y[2] * y[2])
        return (y[0] * y[3] + y[1] * y[4] + y[2] * y[5]) / r
    if kind == EV_SPEED_INERTIAL:
        return math.sqrt(y[3] * y[3] + y[4] * y[4] + y[5] * y[5])
    if kind == EV_ALTITUDE:
        return work[D_ALT]
    if kind == EV_VERTICAL_SPEED:
        return work[D_VUP]
    if kind == EV_SPEED_REL:
        return work[D_VREL]
    if kind == EV_DYN_PRESSURE:
        return work[D_Q]
    if kind == EV_LANDING_GATE:
        return _landing_gate(y, P, work)
    return 0.0


@njit(cache=True)
def event_value(kind, t, y, P, cd, wind, work):
    """The quantity an event of ``kind`` watches, at (t, y)."""
    if _uses_derived(kind):
        derived(t, y, P, cd, wind, work)
    return _value(kind, t, y, P, work)


@njit(cache=True)
def _event_values(ev_kind, ev_target, t, y, P, cd, wind, work, g):
    """g[k] = value(kind k) - target k for every event, with at most one call of ``derived``."""
    n_ev = ev_kind.shape[0]
    need = False
    for k in range(n_ev):
        if _uses_derived(ev_kind[k]):
            need = True
    if need:
        derived(t, y, P, cd, wind, work)
    for k in range(n_ev):
        g[k] = _value(ev_kind[k], t, y, P, work) - ev_target[k]


@njit(cache=True)
def _landing_gate(y, P, work):
    """The 1-D stopping gate of the landing-point predictor (guidance.descent), as an altitude:
    altitude - v_rel^2 / (2 a_gate), a_gate = T_gate / m - g0 + a_sensed / 3 (at least 0.1 m/s^2),
    T_gate = P[P_GATE_THRUST]; while not descending, the altitude itself (no gate).  With the zone
    altitude as target and direction -1 it fires where the gate says 'burn' after a 'wait'."""
    if work[D_VUP] >= 0.0:
        return work[D_ALT]
    a = P[P_GATE_THRUST] / y[6] - G0_M_S2 + work[D_ACCEL] / 3.0
    if a < GATE_DECEL_MIN_M_S2:
        a = GATE_DECEL_MIN_M_S2
    v = work[D_VREL]
    return work[D_ALT] - v * v / (2.0 * a)


@njit(cache=True)
def _crossed(g0, g1, direction):
    if direction > 0:
        return g0 < 0.0 and g1 >= 0.0
    if direction < 0:
        return g0 > 0.0 and g1 <= 0.0
    return (g0 < 0.0 and g1 >= 0.0) or (g0 > 0.0 and g1 <= 0.0)


@njit(cache=True)
def integrate(t0, y0, t1, P, cd, wind, ev_kind, ev_target, ev_dir, rtol, atol, h0, h_max, y_out):
    """Integrate from t0 to t1 (t1 > t0) or to the first event.

    Returns (t_end, event_index or -1, h_next, n_steps, status).  status 0 ok, 1 too many steps,
    2 step size underflow.  The state at t_end is written to ``y_out``.
    """
    n = y0.shape[0]
    y = y0.copy()
    t = t0
    f0 = np.empty(n)
    rhs(t, y, P, cd, wind, f0)
    ynew = np.empty(n)
    fnew = np.empty(n)
    err = np.empty(n)
    ytry = np.empty(n)
    ftry = np.empty(n)
    etry = np.empty(n)
    yb = np.empty(n)
    yfirst = np.empty(n)
    work = np.empty(D_SIZE)
    n_ev = ev_kind.shape[0]
    g_prev = np.empty(n_ev)
    g_new = np.empty(n_ev)
    _event_values(ev_kind, ev_target, t, y, P, cd, wind, work, g_prev)
    h = h0
    if h <= 0.0:
        h = min(1.0, t1 - t0)
    nsteps = 0
    status = 0
    fired = -1
    while t < t1:
        if nsteps > 2_000_000:
            status = 1
            break
        last = False
        if h > h_max:
            h = h_max
        h_prop = h
        if t + h >= t1:
            h = t1 - t
            last = True
        _step(t, y, f0, h, P, cd, wind, ynew, fnew, err)
        en = 0.0
        for i in range(n):
            sc = atol + rtol * max(abs(y[i]), abs(ynew[i]))
            en += (err[i] / sc) ** 2
        en = math.sqrt(en / n)
        if en > 1.0 or not math.isfinite(en):
            fac = 0.9 * en ** -0.2 if math.isfinite(en) else 0.1
            h *= max(0.1, fac)
            if h < 1e-10:
                status = 2
                break
            continue
        nsteps += 1
        # events on the accepted step
        t_new = t + h
        first_k = -1
        first_t = 1e300
        if n_ev > 0:
            _event_values(ev_kind, ev_target, t_new, ynew, P, cd, wind, work, g_new)
        for k in range(n_ev):
            if _crossed(g_prev[k], g_new[k], ev_dir[k]):
                # locate on real RK steps from (t, y): Illinois regula falsi in [0, h]
                a = 0.0
                ga = g_prev[k]
                b = h
                gb = g_new[k]
                side = 0
                for i in range(n):
                    yb[i] = ynew[i]
                for _ in range(60):
                    s = (a * gb - b * ga) / (gb - ga)
                    if s <= a or s >= b:
                        s = 0.5 * (a + b)
                    _step(t, y, f0, s, P, cd, wind, ytry, ftry, etry)
                    gs = event_value(ev_kind[k], t + s, ytry, P, cd, wind, work) - ev_target[k]
                    if _crossed(ga, gs, ev_dir[k]) or gs == 0.0:
                        b = s
                        gb = gs
                        for i in range(n):
                            yb[i] = ytry[i]
                        if side == -1:
                            ga *= 0.5
                        side = -1
                    else:
                        a = s
                        ga = gs
                        if side == 1:
                            gb *= 0.5
                        side = 1
                    if b - a < EVENT_TOL_S:
                        break
                if b < first_t:
                    first_t = b
                    first_k = k
                    for i in range(n):
                        yfirst[i] = yb[i]
        if first_k >= 0:
            # the state at the event: the real RK step of size first_t from (t, y) made above
            t = t + first_t
            for i in range(n):
                y[i] = yfirst[i]
            fired = first_k
            break
        t = t_new
        for i in range(n):
            y[i] = ynew[i]
            f0[i] = fnew[i]
        for k in range(n_ev):
            g_prev[k] = g_new[k]
        if last:
            t = t1
            h = h_prop
            break
        fac = 0.9 * en ** -0.2 if en > 1e-10 else 5.0
        h *= min(5.0, max(0.2, fac))
    for i in range(n):
        y_out[i] = y[i]
    return t, fired, h, nsteps, status


@njit(cache=True)
def sample(t0, y0, dt, t_end, P, cd, wind, ev_kind, ev_target, ev_dir, rtol, atol, h0, h_max, alt_floor,
           out_t, out_y, out_d):
    """Integrate from (t0, y0) in samples of ``dt`` (each one `integrate` call to t + dt, the step
    size carried from one to the next) until t_end, an event, the altitude falls below alt_floor
    or the output is full; writes each sample's end (t, y, derived quantities) to out_t, out_y,
    out_d.  Returns (samples written, event index or -1, h_next, status): the loop a Python caller
    would write around `integrate`, without the per-call cost."""
    n = y0.shape[0]
    y = y0.copy()
    y_out = np.empty(n)
    t, h = t0, h0
    k, fired, status = 0, -1, 0
    while t < t_end and k < out_t.shape[0]:
        t, fired, h, _steps, status = integrate(t, y, t + dt, P, cd, wind, ev_kind, ev_target, ev_dir, rtol,
                                                atol, h, h_max, y_out)
        if status != 0:
            break
        for i in range(n):
            y[i] = y_out[i]
            out_y[k, i] = y_out[i]
        out_t[k] = t
        derived(t, y, P, cd, wind, out_d[k])
        k += 1
        if fired >= 0 or out_d[k - 1, D_ALT] < alt_floor:
            break
    return k, fired, h, status
