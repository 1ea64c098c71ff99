"""Reading TOML files into Pydantic models with one-line errors that name file, field, value, rule."""
from __future__ import annotations

import tomllib
from pathlib import Path

from pydantic import BaseModel, ValidationError

from .errors import InputError


def read_toml(path: Path) -> dict:
    try:
        with open(path, "rb") as fh:
            return tomllib.load(fh)
    except FileNotFoundError:
        raise InputError(f"{path}: file not found") from None
    except tomllib.TOMLDecodeError as exc:
        raise InputError(f"{path}: not valid TOML: {exc}") from None
    except OSError as exc:
        raise InputError(f"{path}: cannot read: {exc.strerror}") from None


def _loc(loc) -> str:
    out = ""
    for part in loc:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += ("." if out else "") + str(part)
    return out or "(top level)"


def format_validation_error(source: str, exc: ValidationError) -> str:
    """All of pydantic's errors on one line: `file: field = value: rule; ...`."""
    parts = []
    for err in exc.errors():
        field = _loc(err.get("loc", ()))
        msg = err.get("msg", "invalid").removeprefix("Value error, ")
        if err.get("type") == "missing":
            parts.append(f"{field}: missing required field")
        elif err.get("type") == "extra_forbidden":
            parts.append(f"{field}: unknown field (check the spelling)")
        else:
            parts.append(f"{field} = {err.get('input')!r}: {msg}")
    return f"{source}: " + "; ".join(parts).replace("\n", " ")


def load_model(model: type[BaseModel], data: dict, source: str):
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        raise InputError(format_validation_error(source, exc)) from None
