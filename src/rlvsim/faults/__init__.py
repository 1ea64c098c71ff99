"""Fault models: what breaks, when, and by how much.  A fault changes the physics the simulator
flies (engines lit, thrust, mass flow, throttle, fins) or what its guidance sees (navigated state,
solver answers), never the truth the tests read.  See docs/faults.md."""
from .model import BURN_PHASES, KIND_FIELDS, Fault, FaultKind, FaultPhase
from .spec import parse_fault_spec

__all__ = ["Fault", "FaultKind", "FaultPhase", "KIND_FIELDS", "BURN_PHASES", "parse_fault_spec"]
