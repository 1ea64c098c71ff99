"""Wall clock readable inside Numba-compiled code (for the real-time solver's time budget).

POSIX clock_gettime(CLOCK_MONOTONIC) through a symbol Numba links by name, so the compiled kernels
stay cacheable.  Elsewhere (Windows) `now_ns` returns 0 and a time budget is then only enforced
between solves.  Only differences of readings are meaningful.
"""
from __future__ import annotations

import sys

from numba import njit, types

from .socp_cones import JITF

if sys.platform.startswith(("linux", "darwin", "freebsd")):
    _clock_gettime = types.ExternalFunction("clock_gettime", types.int32(types.int32, types.intp))
    _MONOTONIC = 6 if sys.platform == "darwin" else (4 if sys.platform.startswith("freebsd") else 1)

    @njit(**JITF)
    def now_ns(buf):
        """Monotonic clock in ns; buf is an int64 work array of 2 (struct timespec)."""
        _clock_gettime(_MONOTONIC, buf.ctypes.data)
        return buf[0] * 1000000000 + buf[1]
else:                                     # pragma: no cover - no clock_gettime
    @njit(**JITF)
    def now_ns(buf):
        """No clock here: always 0 (time budgets are checked between solves only)."""
        return 0
