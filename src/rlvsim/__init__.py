"""rlvsim: fly a reusable launch vehicle in software before it flies for real.

    import rlvsim
    flight = rlvsim.fly("zhuque3")
    flight.summary()["orbit"]; flight.stage("booster").trajectory["altitude_m"]

Heavy modules load on first use so that `import rlvsim` and the CLI start fast.
"""
__version__ = "0.1.0"

__all__ = ["fly", "simulate", "load_vehicle", "load_mission", "__version__"]


def fly(mission, **kw):
    """Fly a built-in mission by name, or a mission TOML file; returns a Flight."""
    from .mission import fly as _fly
    return _fly(mission, **kw)


def simulate(mission, vehicle=None, **kw):
    from .mission import simulate as _sim
    return _sim(mission, vehicle, **kw)


def load_vehicle(name_or_path):
    from .vehicles import load_vehicle as _lv
    return _lv(name_or_path)


def load_mission(name_or_path):
    from .mission import load_mission as _lm
    return _lm(name_or_path)
