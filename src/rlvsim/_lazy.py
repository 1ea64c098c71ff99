"""Lazy re-exports for package __init__ files (PEP 562): `import rlvsim.earth` stays cheap and the
submodule (and numba) is imported on first use of a name."""
from __future__ import annotations

import importlib


def lazy_exports(package: str, exports: dict, namespace: dict):
    """Returns (__getattr__, __dir__, __all__) for ``package`` re-exporting ``exports``
    (submodule -> names); ``namespace`` is the package's globals(), which caches each name."""
    where = {name: mod for mod, names in exports.items() for name in names}
    names = sorted(where)

    def __getattr__(name: str):
        mod = where.get(name)
        if mod is None:
            raise AttributeError(f"module {package!r} has no attribute {name!r}")
        value = getattr(importlib.import_module(f"{package}.{mod}"), name)
        namespace[name] = value
        return value

    def __dir__():
        return sorted(set(namespace) | set(names))

    return __getattr__, __dir__, names
