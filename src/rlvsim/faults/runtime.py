"""Faults during one flight: when each fires, and what it leaves broken.

The stage's flight (mission.recovery.BoosterFlight) tells ``FaultRuntime`` when it enters a phase
(and how many engines a burn lights), asks it for the stops its integration must make (fault
times, altitude crossings) and calls ``enforce(body)`` before each integration step so that a
broken engine or a stuck throttle stays broken whatever the guidance commands.  Physics effects
go into the flying body; guidance effects (navigation errors, solver failures, stuck fins) are
read by the guidance through ``nav``, ``guidance_down`` and ``fins_stuck``.  Every fault that fires
is a ``fault`` event with its detail.

Randomness: fault i of a flight with seed s draws from ``default_rng([s, FAULT_STREAM, i])``, so
adding a fault or navigation noise never changes another fault's draws.
"""
from __future__ import annotations

import math

import numpy as np

from ..flight import dynamics as D
from ..flight.propagator import Event
from .navigation import Navigator

FAULT_STREAM = 0xFA17


class FaultRuntime:
    def __init__(self, faults, seed: int = 0, engine_count: int = 1, nav: Navigator | None = None):
        self.engine_count = int(engine_count)
        self.nav = nav or Navigator()
        self.pending: dict[int, tuple] = {}           # index -> (fault, rng)
        self.skipped: list[str] = []                  # bound to a phase that ended before they fired
        for i, f in enumerate(faults):
            rng = np.random.default_rng([int(seed), FAULT_STREAM, i])
            if f.probability < 1.0 and rng.random() >= f.probability:
                continue                               # this flight does not have the fault
            self.pending[i] = (f, rng)
        self.when: dict[int, float] = {i: f.time_s for i, (f, _) in self.pending.items() if f.trigger == "time"}
        self.fired: list[dict] = []
        self.phase: str | None = None
        self.phase_t0 = 0.0
        self.dead = 0                 # engines failed so far (lost for the rest of the flight)
        self.lit_cap: int | None = None   # good engines lit in the current burn (None: no burn)
        self.throttle_lock: float | None = None
        self.fins_stuck: float | None = None   # stuck angle of attack (rad); None: fins work
        self.down_until = -math.inf   # landing solver fails until this time
        self.last_kind = ""

    @property
    def any(self) -> bool:
        return bool(self.pending or self.fired or self.skipped)

    def available(self, n: int) -> int:
        """Engines a burn asking for ``n`` can light (failed engines stay failed)."""
        return max(0, min(n, self.engine_count - self.dead))

    def guidance_down(self, t: float) -> bool:
        return t < self.down_until

    # ---------------------------------------------------------------------------- triggers
    def enter_phase(self, phase: str, t: float, flight, engines: int | None = None) -> int | None:
        """The flight enters ``phase`` at ``t``; a burn passes the engines it lights and gets back
        how many did light (ignition failures, engines lost earlier)."""
        for i in [i for i, (f, _) in self.pending.items()
                  if f.phase == self.phase and f.trigger in ("phase", "random")]:
            f, _ = self.pending.pop(i)                 # bound to the phase that just ended
            self.when.pop(i, None)
            self.skipped.append(f"{f.kind} ({f.trigger_text()}): the phase ended first")
        self.phase, self.phase_t0 = phase, t
        lit = None
        if engines is not None:
            lit = self.available(engines)
            for i in [i for i, (f, _) in self.pending.items() if f.kind == "ignition_failure" and f.phase == phase]:
                f, _ = self.pending.pop(i)
                lost = min(f.engines or 1, lit)
                lit -= lost
                self.dead += lost
                self._record(f, flight, t, {"engines_commanded": engines, "engines_failed": lost,
                                            "engines_lit": lit})
            self.lit_cap = lit
        else:
            self.lit_cap = None
        for i, (f, rng) in self.pending.items():
            if f.phase == phase and f.trigger == "phase":
                self.when[i] = t + f.delay_s
            elif f.phase == phase and f.trigger == "random":
                self.when[i] = t + float(rng.exponential(1.0 / f.rate_per_s))
        self.fire_due(t, flight)
        return lit

    def burn_end(self):
        self.lit_cap = None

    def set_lit(self, n: int):
        """The guidance chose to light ``n`` engines (e.g. a 3 -> 1 shutdown): the good ones lit."""
        if self.lit_cap is not None:
            self.lit_cap = min(self.lit_cap, int(n))

    def next_time(self, t: float) -> tuple[float, int] | None:
        due = [(tf, i) for i, tf in self.when.items() if i in self.pending]
        return min(due) if due else None

    def stop_events(self) -> list:
        """Altitude crossings the integration must stop at (names 'fault:<index>')."""
        out = []
        for i, (f, _) in self.pending.items():
            if f.trigger == "altitude" and (f.phase is None or f.phase == self.phase):
                out.append(Event(f"fault:{i}", "altitude", f.altitude_m, -1 if f.direction == "down" else 1))
        return out

    def fire_due(self, t: float, flight):
        for tf, i in sorted((tf, i) for i, tf in self.when.items() if i in self.pending and tf <= t + 1e-9):
            self.fire(i, flight)

    def fire(self, i: int, flight):
        f, _ = self.pending.pop(i)
        self.when.pop(i, None)
        body, t = flight.body, flight.t
        P = body.P
        eff: dict = {}
        k = f.kind
        if k == "engine_out":
            n = f.engines or 1
            if self.lit_cap is not None:
                lost = min(n, self.lit_cap)
                self.lit_cap -= lost
                eff = {"engines_lost": lost, "engines_left": self.lit_cap}
            else:
                lost = min(n, self.engine_count - self.dead)
                eff = {"engines_lost": lost, "engines_left": self.engine_count - self.dead - lost,
                       "note": "outside a burn: lost for the burns to come"}
            self.dead += lost
        elif k == "ignition_failure":          # (fires through enter_phase; a stray one is a no-op)
            eff = {"engines_failed": 0}
        elif k == "thrust_shortfall":
            P[D.P_THRUST_SCALE] *= f.factor
            P[D.P_MDOT_SCALE] *= f.factor
            eff = {"thrust_scale": round(float(P[D.P_THRUST_SCALE]), 6)}
        elif k == "isp_loss":
            P[D.P_MDOT_SCALE] /= f.factor
            eff = {"mass_flow_scale": round(float(P[D.P_MDOT_SCALE]), 6)}
        elif k == "throttle_stuck":
            self.throttle_lock = float(f.throttle if f.throttle is not None else P[D.P_THROTTLE])
            eff = {"throttle_locked": round(self.throttle_lock, 4)}
        elif k == "nav_bias":
            self.nav.add_bias(f.position_m, f.velocity_m_s)
        elif k == "nav_noise":
            self.nav.add_noise(f.position_sigma_m, f.velocity_sigma_m_s)
        elif k == "guidance_failure":
            self.down_until = t + (f.duration_s if f.duration_s is not None else math.inf)
            eff = {"until_s": round(self.down_until, 3) if math.isfinite(self.down_until) else None}
        elif k == "grid_fin_stuck":
            # lift along the given azimuth, else the steering's last lift direction (north if none)
            self.fins_stuck = math.radians(f.aoa_deg or 0.0)
            d = P[D.P_LIFT_DIR:D.P_LIFT_DIR + 3].copy()
            if f.azimuth_deg is not None or not np.any(d):
                az = math.radians(f.azimuth_deg or 0.0)
                d = flight.zone.enu_to_eci_dir(t, np.array([math.sin(az), math.cos(az), 0.0]))
            body.set_lift(self.fins_stuck, d)
            eff = {"aoa_deg": f.aoa_deg or 0.0}
        self._record(f, flight, t, eff)
        self.enforce(body)

    def _record(self, f, flight, t, eff: dict):
        from ..mission.flight import FlightEvent
        row = flight.rec.last
        detail = {"kind": f.kind, "trigger": f.trigger_text(), "phase_at_fault": self.phase, **f.params(), **eff}
        if f.description:
            detail["description"] = f.description
        flight.events.append(FlightEvent("fault", "booster", float(t), float(row[8]), float(row[11]), detail))
        self.fired.append({"time_s": round(float(t), 3), **detail})
        self.last_kind = f.kind

    # ---------------------------------------------------------------------------- physics
    def enforce(self, body):
        """Keep broken things broken in the flying body, whatever the guidance commanded."""
        P = body.P
        if self.lit_cap is not None and P[D.P_N_LIT] > self.lit_cap:
            P[D.P_N_LIT] = self.lit_cap
        if self.throttle_lock is not None:
            P[D.P_THROTTLE] = self.throttle_lock
        if self.fins_stuck is not None:
            P[D.P_ALPHA] = self.fins_stuck

    def report(self) -> dict:
        out = {"faults": self.fired}
        if self.skipped or self.pending:
            out["faults_not_triggered"] = self.skipped + [f"{f.kind} ({f.trigger_text()})"
                                                          for f, _ in self.pending.values()]
        return out
