"""Real flight telemetry: read it, clean it, derive kinematics with uncertainties, find events.

Names are re-exported lazily (PEP 562) so that ``import rlvsim.telemetry`` does not import numba.
"""
from __future__ import annotations

import importlib

_EXPORTS = {
    "readers": ["Telemetry", "read_telemetry", "read_events", "UNITS"],
    "clean": ["clean_telemetry", "detect_quantisation", "QuantSegment", "step_per_sample",
              "offset_per_sample", "base_step",
              "snap_to_grid", "find_dropouts", "Dropout", "gap_mask", "plateaus", "Plateaus", "deduplicate",
              "estimate_liftoff", "Liftoff"],
    "kinematics": ["derive_kinematics", "Kinematics", "smooth_channel", "horizontal_speed",
                   "readout_interval"],
    "events": ["detect_events", "EventDetection", "DetectedEvent"],
}
_WHERE = {name: mod for mod, names in _EXPORTS.items() for name in names}
__all__ = sorted(_WHERE)


def __getattr__(name: str):
    mod = _WHERE.get(name)
    if mod is None:
        raise AttributeError(f"module 'rlvsim.telemetry' has no attribute {name!r}")
    value = getattr(importlib.import_module(f"{__name__}.{mod}"), name)
    globals()[name] = value
    return value


def __dir__():
    return sorted(set(globals()) | set(__all__))
