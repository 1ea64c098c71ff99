"""Pieces every `rlvsim` command group shares (only typer at import): JSON on stdout, the
--progress option and the progress bar of a long command."""
from __future__ import annotations

import json

import typer


def echo_json(obj) -> None:
    """One JSON document on stdout (NumPy scalars as their Python values)."""
    typer.echo(json.dumps(obj, indent=2, default=lambda o: getattr(o, "item", lambda: str(o))()))


def progress_option():
    return typer.Option(True, "--progress/--no-progress",
                        help="Progress bar on stderr (only on a terminal; never with --json).")


def activity(label: str, progress: bool, as_json: bool, total: int | None = None):
    """A progress bar (rlvsim.cli_progress.Activity) shown only when wanted."""
    from .cli_progress import Activity, wanted
    return Activity(label, total, wanted(progress, as_json))
