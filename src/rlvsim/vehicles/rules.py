"""A tiny protocol for rule violations found below or beside the field pydantic reports.

A validator raises ``rule(sub_path, value, text)``; ``errors.format_validation_error`` appends
``sub_path`` to the location pydantic gives and prints ``value`` with ``repr``.
"""
from __future__ import annotations

MARK = "\x1f"  # ASCII unit separator: never in a rule text or a repr


def rule(sub_path: str, value: object, text: str) -> ValueError:
    """A ValueError whose message carries a sub-path (``'a.b'`` or ``'[3]'``), a value and a rule."""
    return ValueError(f"{MARK}{sub_path}{MARK}{short_repr(value)}{MARK}{text}")


def parse_rule(message: str) -> tuple[str, str, str] | None:
    """(sub_path, value_repr, text) if ``message`` came from ``rule``, else None."""
    start = message.find(MARK)
    if start < 0:
        return None
    parts = message[start + 1:].split(MARK)
    if len(parts) != 3:
        return None
    return parts[0], parts[1], parts[2]


def short_repr(value: object, limit: int = 80) -> str:
    text = repr(value).replace(MARK, "\\x1f")
    return text if len(text) <= limit else text[: limit - 3] + "..."
