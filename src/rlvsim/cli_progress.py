"""Progress of a long CLI command on stderr (Rich): a bar when the number of steps is known, a
pulsing bar with a step counter when it is not, and the elapsed time.  Shown only when asked
(``--progress``, the default), not with ``--json`` and only when stderr is a terminal, so pipes,
scripts and logs never see it.  Rich is imported only when a bar is shown."""
from __future__ import annotations

import sys


def wanted(progress: bool, as_json: bool = False, stream=None) -> bool:
    """Whether to show a bar: asked for, not a JSON run, and ``stream`` (default stderr) a terminal."""
    stream = sys.stderr if stream is None else stream
    isatty = getattr(stream, "isatty", None)
    return bool(progress and not as_json and isatty is not None and isatty())


class Activity:
    """``with Activity("what-ifs", total=8, enabled=...) as a: ... a.advance(note="three-engine")``.
    ``total=None``: unknown number of steps (a pulsing bar; say what is going on with ``note``).  Disabled, it does
    nothing (and costs nothing)."""

    def __init__(self, label: str, total: int | None = None, enabled: bool = True, console=None):
        self.label, self.total, self.enabled, self.console = label, total, enabled, console
        self.done, self.bar, self.task = 0, None, None

    def __enter__(self) -> "Activity":
        if not self.enabled:
            return self
        from rich.console import Console
        from rich.progress import (BarColumn, MofNCompleteColumn, Progress, SpinnerColumn, TextColumn,
                                   TimeElapsedColumn)
        cols = [SpinnerColumn(), TextColumn("[bold]{task.description}"), BarColumn(bar_width=24)]
        if self.total is not None:
            cols.append(MofNCompleteColumn())
        cols += [TimeElapsedColumn(), TextColumn("{task.fields[note]}")]
        self.bar = Progress(*cols, console=self.console or Console(stderr=True), transient=True)
        self.task = self.bar.add_task(self.label, total=self.total, note="")
        self.bar.start()
        return self

    def advance(self, steps: int = 1, note: str = "") -> None:
        self.done += steps
        if self.bar is not None:
            self.bar.update(self.task, advance=steps, note=note)

    def note(self, text: str) -> None:
        """Say what is being done now (without counting a step)."""
        if self.bar is not None:
            self.bar.update(self.task, note=text)

    def __exit__(self, *exc) -> None:
        if self.bar is not None:
            self.bar.stop()
            self.bar = None
