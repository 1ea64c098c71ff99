"""Keep Numba's on-disk cache of this package consistent with its sources.

Numba revalidates a cached function only against the file that defines it, not against the files
of the functions it calls and compiles into it, and the real-time kernel (`realtime._kernel`)
compiles the socp_*.py modules into itself: after an edit of socp_ipm.py alone it would still load
the old kernel.  `refresh()` deletes this package's cache files when any source here with compiled
code changed since they were written (a hash of those sources is kept beside them).  It only
manages the default cache next to the sources (__pycache__); with NUMBA_CACHE_DIR set, clear that
directory after edits.
"""
from __future__ import annotations

import hashlib
import os
from pathlib import Path

STAMP = "rlvsim_landing_sources.sha256"


def sources_digest(folder: Path) -> str:
    """SHA-256 over the names and contents of the package's .py files that hold compiled code."""
    h = hashlib.sha256()
    for f in sorted(folder.glob("*.py")):
        text = f.read_bytes()
        if b"njit" in text:
            h.update(f.name.encode())
            h.update(text)
    return h.hexdigest()


def refresh(folder: Path | None = None) -> bool:
    """Drop the compiled-kernel cache of `folder` (default: this package) if its sources changed;
    True when files were deleted."""
    here = Path(folder) if folder is not None else Path(__file__).resolve().parent
    cache = here / "__pycache__"
    try:
        digest = sources_digest(here)
        stamp = cache / STAMP
        if stamp.is_file() and stamp.read_text() == digest:
            return False
        stale = list(cache.glob("*.nbi")) + list(cache.glob("*.nbc"))
        for f in stale:
            f.unlink(missing_ok=True)
        cache.mkdir(exist_ok=True)
        tmp = cache / f"{STAMP}.{os.getpid()}.tmp"
        tmp.write_text(digest)
        os.replace(tmp, stamp)
        return bool(stale)
    except OSError:           # read-only installation: Numba then uses its user-wide cache
        return False
