"""Built-in missions (src/rlvsim/mission/data/*.toml) and user mission files."""
from __future__ import annotations

from pathlib import Path

from ..config import load_model, read_toml
from ..errors import UnknownNameError
from .model import Mission

DATA = Path(__file__).parent / "data"


def list_missions() -> list[str]:
    return sorted(p.stem for p in DATA.glob("*.toml"))


def _vehicle_beside(mission: Mission, path: Path) -> Mission:
    """A relative vehicle file path in a mission file names a file beside the mission file
    (e.g. a fitted mission and its fitted vehicle travel together); else it is left as given."""
    v = Path(mission.vehicle)
    if v.suffix == ".toml" and not v.is_absolute() and (path.parent / v).is_file():
        return mission.model_copy(update={"vehicle": str(path.parent / v)})
    return mission


def load_mission(name_or_path) -> Mission:
    """A built-in mission name (case-insensitive) or the path of a mission TOML file."""
    p = Path(str(name_or_path))
    if p.suffix == ".toml" or p.exists():
        return _vehicle_beside(load_model(Mission, read_toml(p), str(p)), p)
    key = str(name_or_path).lower()
    f = DATA / f"{key}.toml"
    if not f.exists():
        raise UnknownNameError(f"unknown mission '{name_or_path}': built-in missions are "
                               f"{', '.join(list_missions())}, or give a path to a .toml file")
    return load_model(Mission, read_toml(f), f"{f.name} (built-in)")
