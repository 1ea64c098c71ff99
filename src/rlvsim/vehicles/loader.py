"""Load a vehicle: a built-in catalog name (case-insensitive) or a path to a user TOML file.

Every problem a user can cause raises ``rlvsim.errors.InputError`` (one line naming file,
field, value and rule) or ``UnknownNameError`` (a name not in the catalog).
"""
from __future__ import annotations

import os
import tomllib
import warnings
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from rlvsim.errors import InputError, UnknownNameError
from rlvsim.vehicles.messages import format_validation_error
from rlvsim.vehicles.model import Vehicle
from rlvsim.vehicles.provenance import missing_provenance

CATALOG_DIR = Path(__file__).resolve().parent / "data"


class ProvenanceWarning(UserWarning):
    """A user vehicle file leaves numbers without a source or an estimate note."""


def list_vehicles() -> list[str]:
    """Names of the built-in vehicles, sorted."""
    return sorted(p.stem for p in CATALOG_DIR.glob("*.toml"))


def catalog_path(name: str) -> Path:
    """File of a built-in vehicle (name is case-insensitive); UnknownNameError if none."""
    key = name.strip().lower()
    if key in list_vehicles():
        return CATALOG_DIR / f"{key}.toml"
    raise UnknownNameError(
        f"unknown vehicle {name!r}: built-in vehicles are {', '.join(list_vehicles())} "
        "(or give the path of a .toml file)"
    )


def _looks_like_path(arg: str | os.PathLike[str]) -> bool:
    if isinstance(arg, os.PathLike):
        return True
    return arg.lower().endswith(".toml") or "/" in arg or os.sep in arg or Path(arg).is_file()


def read_toml(path: Path, label: str) -> dict[str, Any]:
    """Parse a TOML file; any read or syntax problem becomes a one-line InputError."""
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        raise InputError(f"{label}: file not found") from None
    except IsADirectoryError:
        raise InputError(f"{label}: is a directory, not a TOML file") from None
    except OSError as exc:
        raise InputError(f"{label}: cannot read ({exc.strerror or exc})") from None
    try:
        return tomllib.loads(raw.decode("utf-8"))
    except UnicodeDecodeError as exc:
        raise InputError(f"{label}: not UTF-8 text (byte {exc.start})") from None
    except tomllib.TOMLDecodeError as exc:
        msg = " ".join(str(exc).splitlines())
        raise InputError(f"{label}: TOML syntax error: {msg}") from None


def vehicle_from_dict(data: dict[str, Any], label: str = "<vehicle>") -> Vehicle:
    """Validate plain data (as read from TOML) into a Vehicle; InputError names ``label``."""
    try:
        return Vehicle.model_validate(data)
    except ValidationError as exc:
        raise InputError(format_validation_error(exc, label, Vehicle)) from None


def load_vehicle(name_or_path: str | os.PathLike[str]) -> Vehicle:
    """A built-in vehicle by name, or a user vehicle from a TOML file path."""
    if not isinstance(name_or_path, str | os.PathLike):
        raise InputError(f"vehicle = {name_or_path!r}: must be a catalog name or a file path")
    if isinstance(name_or_path, str) and name_or_path.strip().lower() in list_vehicles():
        path = catalog_path(name_or_path)
        return vehicle_from_dict(read_toml(path, path.name), f"{path.name} (built-in)")
    if not _looks_like_path(name_or_path):
        catalog_path(str(name_or_path))  # raises UnknownNameError with the catalog names
    path = Path(name_or_path)
    label = str(name_or_path)
    vehicle = vehicle_from_dict(read_toml(path, label), label)
    missing = missing_provenance(vehicle)
    if missing:
        shown = ", ".join(missing[:3]) + (", ..." if len(missing) > 3 else "")
        warnings.warn(ProvenanceWarning(
            f"{label}: {len(missing)} number(s) without provenance (e.g. {shown}); "
            "add [provenance] entries citing [sources] or 'estimate: ...'"), stacklevel=2)
    return vehicle
