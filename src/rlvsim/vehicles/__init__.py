"""Validated vehicle models and the built-in catalog (Zhuque-3, Falcon 9, Long March 12A) with sources.

>>> from rlvsim.vehicles import load_vehicle
>>> v = load_vehicle("falcon9")
>>> v.stage("booster").engine.isp_vac_s
311.0
"""
from rlvsim.vehicles.budget import ideal_delta_v_m_s, ideal_delta_v_per_stage_m_s, payload_for_delta_v_kg
from rlvsim.vehicles.catalog import catalog_summaries, vehicle_summary
from rlvsim.vehicles.loader import (
    CATALOG_DIR,
    ProvenanceWarning,
    catalog_path,
    list_vehicles,
    load_vehicle,
    vehicle_from_dict,
)
from rlvsim.vehicles.model import (
    P0_PA,
    AeroTable,
    Engine,
    Fairing,
    GridFins,
    LandingLegs,
    Stage,
    Vehicle,
)
from rlvsim.vehicles.provenance import missing_provenance

__all__ = [
    "AeroTable", "CATALOG_DIR", "Engine", "Fairing", "GridFins", "LandingLegs", "P0_PA",
    "ProvenanceWarning", "Stage", "Vehicle", "catalog_path", "catalog_summaries",
    "ideal_delta_v_m_s", "ideal_delta_v_per_stage_m_s", "list_vehicles", "load_vehicle",
    "missing_provenance", "payload_for_delta_v_kg", "vehicle_from_dict", "vehicle_summary",
]
