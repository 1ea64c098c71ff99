"""Turn a pydantic ValidationError on a vehicle file into ONE line a user can act on.

Form: ``<file>: <field.path> = <value!r>: <rule>`` (several errors joined with ``'; '``).
"""
from __future__ import annotations

import re
from typing import get_args, get_origin

from pydantic import BaseModel, ValidationError

from rlvsim.vehicles.rules import short_repr, parse_rule

MAX_SHOWN = 3
_IDENT = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")
# Longest suffix first: "_m_s" before "_s", "_m2" before "_m".
_UNITS = (("_per_rad", "1/rad"), ("_m_s", "m/s"), ("_m2", "m^2"), ("_kg", "kg"), ("_N", "N"),
          ("_Pa", "Pa"), ("_deg", "deg"), ("_s", "s"), ("_m", "m"))


def unit_of(field: str) -> str:
    for suffix, unit in _UNITS:
        if field.endswith(suffix):
            return unit
    return ""


def format_loc(loc: tuple) -> str:
    out = ""
    for part in loc:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            name = part if _IDENT.match(part) else f'"{part}"'
            out += f".{name}" if out else name
    return out


def _join(base: str, sub: str) -> str:
    if not base:
        return sub
    return base + sub if sub.startswith("[") else f"{base}.{sub}"


def _num(x: object) -> str:
    return f"{x:g}" if isinstance(x, float) else str(x)


def _as_model(tp: object) -> type[BaseModel] | None:
    """The model class of ``tp`` or of ``Optional[tp]``, else None."""
    if isinstance(tp, type) and issubclass(tp, BaseModel):
        return tp
    if get_origin(tp) in (list, dict):
        return None
    args = [a for a in get_args(tp) if a is not type(None)]
    if len(args) == 1 and isinstance(args[0], type) and issubclass(args[0], BaseModel):
        return args[0]
    return None


def _step(tp: object, part: object) -> object:
    model = _as_model(tp)
    if model is not None:
        return model.model_fields[part].annotation if part in model.model_fields else None
    origin, args = get_origin(tp), get_args(tp)
    if origin is list and isinstance(part, int) and args:
        return args[0]
    if origin is dict and isinstance(part, str) and len(args) == 2:
        return args[1]
    return None


def _fields_at(root: type[BaseModel], loc: tuple) -> list[str]:
    """Field names of the model that holds the last element of ``loc`` (for 'unknown field')."""
    tp: object = root
    for part in loc[:-1]:
        tp = _step(tp, part)
        if tp is None:
            return []
    model = _as_model(tp)
    return list(model.model_fields) if model is not None else []


def _rule_text(err: dict, field: str) -> str:
    kind, ctx = err["type"], err.get("ctx") or {}
    unit = unit_of(field)
    u = f" {unit}" if unit else ""
    if kind in ("float_type", "float_parsing"):
        return f"must be a number in {unit}" if unit else "must be a number"
    if kind in ("int_type", "int_parsing", "int_from_float"):
        return "must be an integer"
    if kind == "finite_number":
        return "must be a finite number"
    bounds = {"greater_than": (">", "gt"), "greater_than_equal": (">=", "ge"),
              "less_than": ("<", "lt"), "less_than_equal": ("<=", "le")}
    if kind in bounds:
        op, key = bounds[kind]
        return f"must be {op} {_num(ctx.get(key))}{u}"
    if kind == "string_type":
        return "must be a string"
    if kind == "string_too_short":
        return "must not be empty"
    if kind == "string_pattern_mismatch":
        return "must start with a letter and use only letters, digits, '_' and '-'"
    if kind == "list_type":
        return "must be a list"
    if kind == "too_short":
        return f"must have at least {ctx.get('min_length')} entries"
    if kind in ("dict_type", "model_type", "model_attributes_type"):
        return "must be a table"
    return str(err.get("msg", kind)).replace("\n", " ")


def _one(err: dict, root: type[BaseModel]) -> str:
    loc = tuple(err["loc"])
    path = format_loc(loc)
    field = next((p for p in reversed(loc) if isinstance(p, str)), "")
    if err["type"] == "missing":
        return f"{path}: missing required field"
    if err["type"] == "extra_forbidden":
        try:
            allowed = _fields_at(root, loc)
        except Exception:  # a hint only: never let it hide the real error
            allowed = []
        hint = f" (allowed: {', '.join(allowed)})" if allowed else ""
        return f"{path} = {short_repr(err.get('input'))}: unknown field{hint}"
    if err["type"] == "value_error":
        msg = str(err.get("ctx", {}).get("error", err.get("msg", "")))
        parsed = parse_rule(msg)
        if parsed is not None:
            sub, value, text = parsed
            return f"{_join(path, sub)} = {value}: {text}"
        msg = msg.removeprefix("Value error, ")
        return f"{path} = {short_repr(err.get('input'))}: {msg}" if path else msg
    return f"{path} = {short_repr(err.get('input'))}: {_rule_text(err, field)}"


def format_validation_error(exc: ValidationError, file_label: str, root: type[BaseModel]) -> str:
    """One line naming the file, then each error's field path, value and rule."""
    errors = exc.errors(include_url=False)
    parts = [_one(e, root) for e in errors[:MAX_SHOWN]]
    more = len(errors) - MAX_SHOWN
    tail = f" (+{more} more error{'s' if more > 1 else ''})" if more > 0 else ""
    line = f"{file_label}: " + "; ".join(parts) + tail
    return " ".join(line.splitlines())
