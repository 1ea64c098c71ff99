"""Fault models: what breaks, when, and by how much.  A fault changes the physics the simulator
flies (engines lit, thrust), never the truth the tests read."""
from .model import Fault, FaultKind

__all__ = ["Fault", "FaultKind"]
