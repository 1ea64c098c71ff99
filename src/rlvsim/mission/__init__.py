"""Missions: definitions, the phase sequence of each stage, and `simulate()` returning a Flight."""
from .catalog import list_missions, load_mission
from .model import Mission

__all__ = ["Mission", "list_missions", "load_mission", "simulate", "fly"]


def simulate(mission, vehicle=None, **kw):
    from .simulation import simulate as _sim
    return _sim(mission, vehicle, **kw)


def fly(name_or_path, **kw):
    """Load a mission by name or path and simulate it."""
    return simulate(load_mission(name_or_path), **kw)
