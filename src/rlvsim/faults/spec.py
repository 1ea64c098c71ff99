"""Faults from a one-line command-line spec: ``KIND:key=value,key=value``.

    engine_out:phase=landing_burn,delay_s=3
    nav_bias:phase=aero_descent,position_m=[50,0,0]
    thrust_shortfall:time_s=480,factor=0.9

Values are numbers, ``[a,b,c]`` vectors, or words (phase names).  The fields are the TOML table's
(see faults.model); errors are one line naming the option, the field and the rule.
"""
from __future__ import annotations

import re

from pydantic import ValidationError

from ..errors import InputError
from .model import Fault

_PAIR = re.compile(r"\s*([A-Za-z_][A-Za-z0-9_]*)\s*=\s*(\[[^\]]*\]|[^,]*)\s*(?:,|$)")


def _value(text: str):
    text = text.strip()
    if text.startswith("["):
        return [_value(p) for p in text[1:-1].split(",") if p.strip()]
    for conv in (int, float):
        try:
            return conv(text)
        except ValueError:
            pass
    return text.strip("'\"")


def parse_fault_spec(spec: str, option: str = "--fault") -> Fault:
    """A Fault from ``KIND:key=value,...``; raises InputError with one line on bad input."""
    from ..config import format_validation_error

    kind, _, rest = spec.partition(":")
    data: dict = {"kind": kind.strip()}
    pos = 0
    rest = rest.strip()
    while pos < len(rest):
        m = _PAIR.match(rest, pos)
        if m is None or m.end() == pos:
            raise InputError(f"{option} '{spec}': cannot read '{rest[pos:]}': write KIND:key=value,key=value "
                             f"(e.g. engine_out:phase=landing_burn,delay_s=3)")
        data[m.group(1)] = _value(m.group(2))
        pos = m.end()
    try:
        return Fault.model_validate(data)
    except ValidationError as exc:
        raise InputError(format_validation_error(f"{option} '{spec}'", exc).replace("faults.", "")) from None
