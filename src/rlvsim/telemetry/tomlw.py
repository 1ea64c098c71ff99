"""A small TOML writer for the files a fit writes (mission and vehicle files): strings, numbers,
booleans, arrays, tables, arrays of tables; `None` values are left out.  A comment header first."""
from __future__ import annotations

import math
import re
from pathlib import Path
from typing import Iterable

_BARE = re.compile(r"^[A-Za-z0-9_-]+$")


def _key(k: str) -> str:
    return k if _BARE.match(k) else _str(k)


def _str(x: str) -> str:
    esc = x.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n").replace("\t", "\\t")
    return f'"{esc}"'


def _value(x) -> str:
    if isinstance(x, bool):
        return "true" if x else "false"
    if isinstance(x, int):
        return str(x)
    if isinstance(x, float):
        if not math.isfinite(x):
            raise ValueError(f"TOML cannot hold {x!r}")
        return repr(x)
    if isinstance(x, str):
        return _str(x)
    if isinstance(x, (list, tuple)):
        return "[" + ", ".join(_value(v) for v in x) + "]"
    if isinstance(x, dict):
        return "{ " + ", ".join(f"{_key(k)} = {_value(v)}" for k, v in x.items() if v is not None) + " }"
    raise TypeError(f"cannot write {type(x).__name__} to TOML")


def _is_table_array(v) -> bool:
    return isinstance(v, (list, tuple)) and len(v) > 0 and all(isinstance(e, dict) for e in v)


def _table(d: dict, prefix: str, out: list[str]) -> None:
    for k, v in d.items():
        if v is not None and not isinstance(v, dict) and not _is_table_array(v):
            out.append(f"{_key(k)} = {_value(v)}")
    for k, v in d.items():
        name = f"{prefix}.{_key(k)}" if prefix else _key(k)
        if isinstance(v, dict):
            out += ["", f"[{name}]"]
            _table(v, name, out)
        elif _is_table_array(v):
            for e in v:
                out += ["", f"[[{name}]]"]
                _table(e, name, out)


def dumps(data: dict, header: Iterable[str] = ()) -> str:
    """TOML text of ``data`` (plain dicts/lists/scalars), after ``header`` as ``#`` comment lines."""
    out = [f"# {h}".rstrip() for h in header]
    _table(data, "", out)
    return "\n".join(out) + "\n"


def write(data: dict, path, header: Iterable[str] = ()) -> Path:
    """Write :func:`dumps` to ``path``; returns the path."""
    p = Path(path)
    p.write_text(dumps(data, header), encoding="utf-8")
    return p
