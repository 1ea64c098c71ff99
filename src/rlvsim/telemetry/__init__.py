"""Real flight telemetry: read it, clean it, derive kinematics with uncertainties, find events.

Names are re-exported lazily (PEP 562) so that ``import rlvsim.telemetry`` does not import numba.
"""
from __future__ import annotations

from .._lazy import lazy_exports

_EXPORTS = {
    "readers": ["Telemetry", "read_telemetry", "read_events", "UNITS"],
    "clean": ["clean_telemetry", "detect_quantisation", "QuantSegment", "step_per_sample",
              "offset_per_sample", "base_step",
              "snap_to_grid", "find_dropouts", "Dropout", "gap_mask", "plateaus", "Plateaus", "deduplicate",
              "estimate_liftoff", "Liftoff"],
    "kinematics": ["derive_kinematics", "Kinematics", "smooth_channel", "horizontal_speed",
                   "readout_interval"],
    "events": ["detect_events", "EventDetection", "DetectedEvent"],
    "fit": ["fit_mission"],
    "fitresult": ["FitResult", "StageFit"],
    "anomaly": ["detect_anomaly", "AnomalyResult"],
    "synth": ["Track", "synthetic_telemetry", "write_telemetry_csv"],
}
__getattr__, __dir__, __all__ = lazy_exports(__name__, _EXPORTS, globals())
