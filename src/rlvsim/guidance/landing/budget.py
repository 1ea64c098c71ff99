"""Optional time and iteration budget of one landing-guidance call (search over the final time).

A budget is shared by every fixed-final-time solve of the call: the real-time solver gets what is
left (it checks the wall clock every interior-point iteration); the CVXPY paths are only checked
between solves.  When it runs out the search stops and the caller gets the best plan found so far
(or a failure) flagged `timed_out`.  None means unlimited.
"""
from __future__ import annotations

import math
import time


class OutOfBudget(Exception):
    """Raised inside a search when the budget is spent; caught by the search's entry point."""


class Budget:
    """max_time_s (wall, from t0 = time.perf_counter() at the call's start) and max_iterations
    (interior-point iterations summed over the call's solves)."""

    def __init__(self, max_time_s=None, max_iterations=None, t0: float | None = None):
        self.max_time_s = None if max_time_s is None else float(max_time_s)
        self.max_iterations = None if max_iterations is None else int(max_iterations)
        self.t0 = time.perf_counter() if t0 is None else t0
        self.used = 0                 # iterations so far
        self.realtime = True          # the solves are real-time ones (they take a budget themselves)

    @staticmethod
    def problem(max_time_s, max_iterations) -> str | None:
        """One-line reason why these budget options are unusable, or None."""
        if max_time_s is not None:
            try:
                val = float(max_time_s)
            except (TypeError, ValueError):
                return f"max_time_s = {max_time_s!r}: must be a number or None"
            if not (math.isfinite(val) and val > 0.0):
                return f"max_time_s = {max_time_s!r}: must be finite and > 0"
        if max_iterations is not None:
            try:
                val = int(max_iterations)
            except (TypeError, ValueError):
                return f"max_iterations = {max_iterations!r}: must be an integer or None"
            if val < 1 or val != max_iterations:
                return f"max_iterations = {max_iterations!r}: must be an integer >= 1"
        return None

    @property
    def limited(self) -> bool:
        return self.max_time_s is not None or self.max_iterations is not None

    def time_left(self) -> float | None:
        if self.max_time_s is None:
            return None
        return self.max_time_s - (time.perf_counter() - self.t0)

    def spent(self) -> bool:
        left = self.time_left()
        return ((left is not None and left <= 0.0)
                or (self.max_iterations is not None and self.used >= self.max_iterations))

    def solver_kwargs(self) -> dict:
        """Budget arguments of one fixed-final-time solve (the real-time path only)."""
        if not (self.realtime and self.limited):
            return {}
        its = None if self.max_iterations is None else self.max_iterations - self.used
        return {"max_time_s": self.time_left(), "max_iterations": its}

    def describe(self) -> str:
        parts = []
        if self.max_time_s is not None:
            parts.append(f"max_time_s = {self.max_time_s:g}")
        if self.max_iterations is not None:
            parts.append(f"max_iterations = {self.max_iterations}")
        return ", ".join(parts)
