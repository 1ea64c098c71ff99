"""Fly pieces of a mission for a telemetry fit and count them: the ascent alone (liftoff to
separation), the booster from a separation state (optionally stopped at a time), or the whole
mission.  Uses the simulator as it is (mission.ascent.fly_stack, mission.recovery.BoosterFlight,
mission.simulate); a booster flight is stopped by a recorder that raises once past the stop time.
"""
from __future__ import annotations

import time
from collections import Counter

import numpy as np

from ..flight.recorder import Recorder
from .compare import EVENT_MAP


class FlightFailed(RuntimeError):
    """A flight could not be flown with these knobs (e.g. the stack fell back)."""


class _Stop(Exception):
    pass


class _StopRecorder(Recorder):
    """A Recorder that stops the flight (raises _Stop) after recording a row past ``t_stop_s``,
    the first row of the landing burn, or a descent row below ``stop_below_m`` (the landing
    burn's ignition search and guidance are the costly part of a booster flight)."""

    def __init__(self, stage: str, t_stop_s: float, stop_below_m: float | None = None):
        super().__init__(stage)
        self.t_stop_s = t_stop_s
        self.stop_below_m = stop_below_m

    def add(self, t, y, body, phase: str):
        row = super().add(t, y, body, phase)
        if t > self.t_stop_s or phase == "landing_burn" or (
                self.stop_below_m is not None and phase == "aero_descent" and row[8] < self.stop_below_m):
            raise _Stop
        return row


def event_times(events) -> dict[str, float]:
    """Simulated FlightEvents -> {telemetry event name: time_s} (names as in telemetry.events)."""
    out: dict[str, float] = {}
    for e in events:
        name = EVENT_MAP.get((e.name, e.stage))
        if name is not None and name not in out:
            out[name] = float(e.time_s)
    return out


def join_tables(a: dict, b: dict) -> dict:
    return {k: np.concatenate([a[k], b[k]]) for k in a}


class FlightRunner:
    """Flies one vehicle's missions and counts the flights of each kind and their wall time."""

    def __init__(self, mission):
        from ..earth.sites import get_site
        from ..vehicles import load_vehicle

        self.vehicle = load_vehicle(mission.vehicle)
        self.site = get_site(mission.launch_site)
        self.counts: Counter = Counter()
        self.seconds: Counter = Counter()
        self.last_outcome = None

    def _earth(self):
        from ..flight.propagator import EarthModel
        return EarthModel()

    def ascent(self, mission):
        """(StackResult, stack table, events) from liftoff to separation."""
        from ..mission.ascent import AscentFailure, fly_stack
        from ..mission.simulation import recovery_reserve_kg

        t0 = time.perf_counter()
        rec, events = Recorder("stack"), []
        try:
            stack = fly_stack(mission, self.vehicle, self.site, recovery_reserve_kg(mission, self.vehicle),
                              rec, events, self._earth())
        except AscentFailure as exc:
            raise FlightFailed(str(exc)) from None
        finally:
            self.counts["ascent"] += 1
            self.seconds["ascent"] += time.perf_counter() - t0
        return stack, rec.table(), events

    def booster(self, mission, ascent, t_stop_s: float | None = None, vehicle=None,
                stop_below_m: float | None = None):
        """(table from liftoff, events) of the booster flown from the separation state of
        ``ascent`` (a result of :meth:`ascent`) to the ground, or stopped after ``t_stop_s``, at
        landing-burn ignition or below ``stop_below_m`` in the descent, whichever is first;
        ``vehicle``: a variant of the runner's vehicle (e.g. another descent drag).  The outcome
        of a flight to the ground ("landed", "crashed", ...) is left in ``last_outcome`` (None
        for a stopped flight)."""
        from ..mission.recovery import BoosterFlight

        stack, stack_table, stack_events = ascent
        kind = "booster" if t_stop_s is None else "booster_partial"
        t0 = time.perf_counter()
        rec = Recorder("booster") if t_stop_s is None else _StopRecorder("booster", t_stop_s, stop_below_m)
        events = list(stack_events)
        self.last_outcome = None
        try:
            bf = BoosterFlight(mission, vehicle or self.vehicle, stack, rec, events, self._earth())
            self.last_outcome = bf.run()[0]
        except _Stop:
            pass
        except (FloatingPointError, ArithmeticError, ValueError) as exc:
            raise FlightFailed(f"booster flight failed: {exc}") from None
        finally:
            self.counts[kind] += 1
            self.seconds[kind] += time.perf_counter() - t0
        return join_tables(stack_table, rec.table()), events

    def whole(self, mission, vehicle=None):
        """A whole mission (all stages): mission.simulate (``vehicle``: as in :meth:`booster`)."""
        from ..mission import simulate

        t0 = time.perf_counter()
        try:
            return simulate(mission, vehicle or self.vehicle)
        finally:
            self.counts["mission"] += 1
            self.seconds["mission"] += time.perf_counter() - t0

    @property
    def total(self) -> int:
        return int(sum(self.counts.values()))

    def summary(self) -> dict:
        return {"total": self.total, **{k: int(v) for k, v in self.counts.items()},
                "seconds": {k: round(v, 2) for k, v in self.seconds.items()}}
