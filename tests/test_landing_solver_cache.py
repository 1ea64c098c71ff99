"""The Numba cache guard of the landing solver (`jitcache`): a kernel compiled from older sources is
never loaded.  Reference: the contract (cache files dropped exactly when a source with compiled code
changes), checked on a scratch folder so the real cache is left alone."""
from rlvsim.guidance.landing import jitcache


def _folder(tmp_path):
    (tmp_path / "kernel.py").write_text("from numba import njit\n")
    (tmp_path / "plain.py").write_text("X = 1\n")
    cache = tmp_path / "__pycache__"
    cache.mkdir()
    return cache


def _fake_cache(cache):
    for name in ("kernel.f-1.py311.nbi", "kernel.f-1.py311.1.nbc"):
        (cache / name).write_text("compiled")


def test_cache_is_dropped_when_compiled_sources_change(tmp_path):
    cache = _folder(tmp_path)
    _fake_cache(cache)
    assert jitcache.refresh(tmp_path)                   # no stamp yet: unknown provenance, dropped
    assert not list(cache.glob("*.nb?"))
    _fake_cache(cache)                                  # recompiled from the current sources
    assert not jitcache.refresh(tmp_path)               # unchanged: kept
    assert len(list(cache.glob("*.nb?"))) == 2
    (tmp_path / "plain.py").write_text("X = 2\n")       # no compiled code in it: kept
    assert not jitcache.refresh(tmp_path)
    (tmp_path / "kernel.py").write_text("from numba import njit\n# edited\n")
    assert jitcache.refresh(tmp_path)                   # a kernel source changed: dropped
    assert not list(cache.glob("*.nb?"))
    assert (cache / jitcache.STAMP).read_text() == jitcache.sources_digest(tmp_path)
