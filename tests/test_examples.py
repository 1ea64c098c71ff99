"""Every examples/*.py runs to the end (in a fresh process, from a scratch directory)."""
import os
import subprocess
import sys
from pathlib import Path

import pytest

EXAMPLES = sorted((Path(__file__).parent.parent / "examples").glob("*.py"))
TIME_LIMIT_S = 300          # an example is a short tour; a 2-core CI machine runs each in well under this


def test_there_are_examples():
    assert EXAMPLES, "examples/ has no script"


@pytest.mark.parametrize("script", EXAMPLES, ids=[p.name for p in EXAMPLES])
def test_example_runs(script, tmp_path):
    env = {**os.environ, "MPLBACKEND": "Agg", "PYTHONWARNINGS": "default"}
    # every example takes its output folder as the first argument (default: a new temp folder)
    res = subprocess.run([sys.executable, str(script), str(tmp_path / "out")], cwd=tmp_path, env=env,
                         capture_output=True, text=True,
                         timeout=TIME_LIMIT_S, stdin=subprocess.DEVNULL)
    assert res.returncode == 0, f"{script.name} failed:\n{res.stdout[-2000:]}\n{res.stderr[-4000:]}"
    assert res.stdout.strip(), f"{script.name} printed nothing"
