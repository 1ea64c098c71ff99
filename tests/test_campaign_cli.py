"""`rlvsim campaign` on the command line (issue #4, item 6 and the bad-input tests): both
`campaign MISSION ...` and `campaign show STORE` dispatch; an unknown fault, a negative standard
deviation, an unreachable scheduler or another campaign's store give one line, exit 2, and leave
no store (or an untouched one)."""
import json
import socket
import sys
import time
from pathlib import Path
from types import SimpleNamespace

import pytest

from rlvsim.cli import main


@pytest.fixture
def cli(capsys, monkeypatch):
    """Run `rlvsim ARGS` in this process through the real entry point (main(): one-line errors,
    exit codes); returns (result with returncode/stdout/stderr, wall time)."""
    def run(*args):
        monkeypatch.setattr(sys, "argv", ["rlvsim", *map(str, args)])
        capsys.readouterr()
        t0 = time.perf_counter()
        try:
            main()
            rc = 0
        except SystemExit as exc:
            rc = exc.code if isinstance(exc.code, int) else 1
        out, err = capsys.readouterr()
        return SimpleNamespace(returncode=rc, stdout=out, stderr=err), time.perf_counter() - t0
    return run


def _one_line_error(p):
    assert p.returncode == 2, (p.returncode, p.stdout[-500:], p.stderr[-2000:])
    lines = [ln for ln in p.stderr.splitlines() if ln.strip()]
    assert len(lines) == 1 and lines[0].startswith("error: "), p.stderr
    return lines[0]


def _snapshot(d: Path):
    return {str(f.relative_to(d)): (f.stat().st_mtime_ns, f.read_bytes()) for f in sorted(d.rglob("*")) if f.is_file()}


@pytest.fixture
def small_store(tmp_path_factory, cli):
    """A real 2-run campaign flown in this process (workers=0: no Dask), via the CLI; made once."""
    if "store" not in _CACHE:
        d = tmp_path_factory.mktemp("cli") / "s"
        p, wall = cli("campaign", "zhuque3", "--runs", 2, "--workers", 0, "--store", d, "--json")
        assert p.returncode == 0, p.stderr[-2000:]
        print(f"\n2-run CLI campaign: {wall:.1f} s")
        _CACHE["store"] = (d, json.loads(p.stdout))
    return _CACHE["store"]


_CACHE: dict = {}


def test_campaign_mission_dispatch_and_json(small_store):
    d, stats = small_store
    for key in ("runs", "landed", "landing_probability", "ci95", "outcomes"):
        assert key in stats
    assert stats["runs"] == 2 and sum(stats["outcomes"].values()) == 2
    assert sorted(p.name for p in (d / "runs").iterdir()) == ["run-000000.parquet", "run-000001.parquet"]
    man = json.loads((d / "manifest.json").read_text())
    assert man["identity"]["mission"] == "zhuque3" and man["runs"] == 2 and man["identity"]["seed"] == 0


def test_campaign_show_dispatch(small_store, cli):
    d, stats = small_store
    p, _ = cli("campaign", "show", d, "--json")
    assert p.returncode == 0, p.stderr
    shown = json.loads(p.stdout)
    assert {k: shown[k] for k in ("runs", "landed", "outcomes")} == {k: stats[k] for k in ("runs", "landed", "outcomes")}
    p, _ = cli("campaign", "show", d)                     # the human-readable form
    assert p.returncode == 0 and "P(landing)" in p.stdout
    p, _ = cli("campaign", "run", "zhuque3", "--runs", 2, "--workers", 0, "--store", d, "--json")
    assert p.returncode == 0 and json.loads(p.stdout)["session"]["runs_flown"] == 0   # all there: nothing flown


def test_show_html_report(small_store, tmp_path, cli):
    d, _ = small_store
    out = tmp_path / "c.html"
    p, _ = cli("campaign", "show", d, "--html", out)
    import importlib.util
    if importlib.util.find_spec("rlvsim.report.campaign") is None:
        assert "HTML campaign reports need rlvsim.report.campaign" in _one_line_error(p)
        return
    assert p.returncode == 0, p.stderr[-2000:]
    assert out.exists() and out.stat().st_size > 1000


def test_unknown_fault(tmp_path, cli):
    store = tmp_path / "s"
    line = _one_line_error(cli("campaign", "zhuque3", "--runs", 2, "--fault", "engine_explodes:delay_s=3",
                                  "--store", store)[0])
    assert "engine_explodes" in line and "engine_out" in line and "--fault" in line
    assert not store.exists()


def test_negative_standard_deviation(tmp_path, cli):
    f = tmp_path / "d.toml"
    f.write_text('[cd_scale]\ndist = "normal"\nmean = 1.0\nsd = -0.05\n')
    store = tmp_path / "s"
    line = _one_line_error(cli("campaign", "zhuque3", "--runs", 2, "--dispersions", f, "--store", store)[0])
    assert str(f) in line and "cd_scale.sd = -0.05" in line and ">= 0" in line
    assert not store.exists()


def test_unreachable_scheduler(tmp_path, small_store, cli):
    with socket.socket() as s:           # a port nothing listens on
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    store = tmp_path / "s"
    p, wall = cli("campaign", "zhuque3", "--runs", 2, "--scheduler", f"tcp://127.0.0.1:{port}", "--store", store)
    line = _one_line_error(p)
    assert f"tcp://127.0.0.1:{port}" in line and "--scheduler" in line
    assert not store.exists()
    # "within a few seconds": the 5 s connect timeout, plus slack for a loaded 2-core machine
    assert wall < 20
    # an existing store is left untouched
    d, _ = small_store
    before = _snapshot(d)
    p, _ = cli("campaign", "zhuque3", "--runs", 5, "--scheduler", f"tcp://127.0.0.1:{port}", "--store", d)
    _one_line_error(p)
    assert _snapshot(d) == before


def test_other_campaigns_store_is_refused_untouched(small_store, cli):
    d, _ = small_store
    before = _snapshot(d)
    line = _one_line_error(cli("campaign", "zhuque3", "--runs", 2, "--seed", 1, "--workers", 0, "--store", d)[0])
    assert "holds campaign" in line and "seed" in line and "use a new --store" in line
    assert _snapshot(d) == before
    line = _one_line_error(cli("campaign", "show", d.parent / "nope")[0])
    assert "not a campaign store" in line
