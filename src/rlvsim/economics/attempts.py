"""Landing-attempt histories: read the attempts CSV and classify each outcome.

Schema (header row, any column order): ``date, mission, landing_type, outcome`` and optionally
``vehicle, booster, landing_site, source``.  ``date`` is ISO (YYYY-MM-DD, UTC); rows must be in
non-decreasing date order (several attempts on one day, e.g. Falcon Heavy cores, are allowed).

Outcome strings are classified by their first word (case-insensitive):
``Success...`` -> success (a controlled ocean touchdown counts: the landing burn worked),
``Failure...`` -> failure, ``Precluded...`` / ``No attempt...`` -> excluded (no landing was tried,
e.g. CRS-7's launch failure).  Anything else is an InputError.
"""
from __future__ import annotations

import csv
import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from ..errors import InputError

REQUIRED = ("date", "mission", "landing_type", "outcome")
OPTIONAL = ("vehicle", "booster", "landing_site", "source")
_PREFIXES = (("success", "success"), ("failure", "failure"), ("precluded", "excluded"),
             ("no attempt", "excluded"))


def classify_outcome(text: str) -> str | None:
    """'success', 'failure' or 'excluded' for a known outcome string, else None."""
    t = text.strip().lower()
    for prefix, label in _PREFIXES:
        if t.startswith(prefix):
            return label
    return None


@dataclass(frozen=True)
class Attempt:
    date: dt.date
    mission: str
    landing_type: str
    outcome: str          # the original string
    result: str           # 'success' | 'failure' | 'excluded'
    extra: dict = field(default_factory=dict)

    def as_dict(self) -> dict:
        return {"date": self.date.isoformat(), "mission": self.mission, "landing_type": self.landing_type,
                "outcome": self.outcome, "result": self.result, **self.extra}


@dataclass
class AttemptHistory:
    """Attempts in date order; `trials()` drops the excluded rows and numbers the rest 1, 2, ..."""
    attempts: list[Attempt]
    source: str = "<memory>"

    def trials(self) -> list[Attempt]:
        return [a for a in self.attempts if a.result != "excluded"]

    def outcomes(self) -> np.ndarray:
        """1 = success, 0 = failure, one entry per landing attempt (attempt index = position + 1)."""
        return np.array([1 if a.result == "success" else 0 for a in self.trials()], dtype=int)

    def failure_indices(self) -> np.ndarray:
        """1-based attempt numbers of the failed landings."""
        return np.flatnonzero(self.outcomes() == 0) + 1

    def between(self, start: str | dt.date | None = None, end: str | dt.date | None = None) -> AttemptHistory:
        """The attempts with start <= date <= end (ISO strings or dates; None = open)."""
        s = _as_date(start) if start is not None else dt.date.min
        e = _as_date(end) if end is not None else dt.date.max
        return AttemptHistory([a for a in self.attempts if s <= a.date <= e], self.source)

    def where(self, **equal) -> AttemptHistory:
        """The attempts whose fields (landing_type, vehicle, ...) equal the given values."""
        def ok(a):
            d = a.as_dict()
            return all(str(d.get(k, "")) == str(v) for k, v in equal.items())
        return AttemptHistory([a for a in self.attempts if ok(a)], self.source)

    def summary(self) -> dict:
        o = self.outcomes()
        return {"source": self.source, "rows": len(self.attempts), "attempts": int(o.size),
                "successes": int(o.sum()), "failures": int(o.size - o.sum()),
                "excluded": len(self.attempts) - int(o.size),
                "success_rate": float(o.mean()) if o.size else None,
                "first_date": self.attempts[0].date.isoformat() if self.attempts else None,
                "last_date": self.attempts[-1].date.isoformat() if self.attempts else None}


def _as_date(x) -> dt.date:
    if isinstance(x, dt.date):
        return x
    try:
        return dt.date.fromisoformat(str(x).strip())
    except ValueError:
        raise InputError(f"date = {x!r}: not an ISO date (YYYY-MM-DD)") from None


def history_from_outcomes(outcomes, start: str = "2000-01-01", source: str = "<outcomes>") -> AttemptHistory:
    """A synthetic history from a 0/1 sequence (one attempt per day from `start`)."""
    d0 = _as_date(start)
    rows = []
    for k, o in enumerate(outcomes):
        if o not in (0, 1, True, False):
            raise InputError(f"outcomes[{k}] = {o!r}: must be 0 (failure) or 1 (success)")
        res = "success" if o else "failure"
        rows.append(Attempt(d0 + dt.timedelta(days=k), f"attempt {k + 1}", "unspecified", res.title(), res))
    return AttemptHistory(rows, source)


def read_attempts(path) -> AttemptHistory:
    """Read and check an attempts CSV; every error is one line naming file, row, field, value, rule."""
    p = Path(path)
    try:
        with open(p, newline="", encoding="utf-8") as fh:
            reader = csv.DictReader(fh)
            header = [h.strip() for h in (reader.fieldnames or [])]
            missing = [c for c in REQUIRED if c not in header]
            if missing:
                raise InputError(f"{p}: missing column(s) {', '.join(missing)}: the header must have "
                                 f"{', '.join(REQUIRED)}")
            rows = list(reader)
    except FileNotFoundError:
        raise InputError(f"{p}: file not found") from None
    except UnicodeDecodeError:
        raise InputError(f"{p}: not UTF-8 text") from None
    if not rows:
        raise InputError(f"{p}: no attempt rows after the header")
    out: list[Attempt] = []
    for i, raw in enumerate(rows, start=2):   # line 1 is the header
        r = {(k or "").strip(): (v or "").strip() for k, v in raw.items() if k is not None}
        try:
            d = dt.date.fromisoformat(r["date"])
        except ValueError:
            raise InputError(f"{p}: line {i}: date = {r['date']!r}: must be an ISO date YYYY-MM-DD") from None
        res = classify_outcome(r["outcome"])
        if res is None:
            raise InputError(f"{p}: line {i}: outcome = {r['outcome']!r}: unknown outcome; must start with "
                             f"Success, Failure, Precluded or No attempt")
        if out and d < out[-1].date:
            raise InputError(f"{p}: line {i}: date = {d.isoformat()}: earlier than the row before "
                             f"({out[-1].date.isoformat()}); rows must be in date order")
        extra = {k: r[k] for k in OPTIONAL if k in r}
        out.append(Attempt(d, r["mission"], r["landing_type"], r["outcome"], res, extra))
    return AttemptHistory(out, str(p))
