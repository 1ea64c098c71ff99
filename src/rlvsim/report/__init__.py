"""Reports: terminal text, self-contained HTML pages (flight, campaign, telemetry overlay) and
Matplotlib PNGs.  Names are re-exported lazily (PEP 562): plotting code loads on first use."""
from __future__ import annotations

from .._lazy import lazy_exports

_EXPORTS = {
    "flight": ["write_flight_report", "build_flight_page"],
    "campaign": ["write_campaign_report"],
    "telemetry": ["write_telemetry_report"],
    "png": ["write_pngs"],
    "html": ["Page"],
}
__getattr__, __dir__, __all__ = lazy_exports(__name__, _EXPORTS, globals())
