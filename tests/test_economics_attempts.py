"""Attempts CSV reader: classification against the data set's own documented counts, and one-line errors."""
from pathlib import Path

import pytest

from rlvsim.economics.attempts import classify_outcome, history_from_outcomes, read_attempts
from rlvsim.errors import InputError

DATA = Path(__file__).parent / "data" / "falcon9_landing_attempts.csv"


def test_counts_match_the_documented_data_set():
    h = read_attempts(DATA)
    s = h.summary()
    # tests/data/SOURCES.md: 83 rows; CRS-7 is the one 'Precluded (launch failure)' row
    assert s["rows"] == 83
    assert s["excluded"] == 1 and s["attempts"] == 82
    assert [a.mission for a in h.attempts if a.result == "excluded"] == ["SpaceX CRS-7"]


def test_pre_2017_matches_wikipedia_statement():
    # SOURCES.md: "From 2013 to 2016, sixteen test flights were conducted, six of which achieved a
    # soft landing and recovery" (Wikipedia, Falcon 9 first-stage landing tests); recovered = a
    # successful landing that is not an ocean touchdown.
    early = read_attempts(DATA).between(None, "2016-12-31")
    assert early.summary()["attempts"] == 16
    recovered = [a for a in early.trials() if a.result == "success" and a.landing_type != "Ocean"]
    assert len(recovered) == 6


def test_classification_rules():
    assert classify_outcome("Success (controlled ocean touchdown; not recovered)") == "success"
    assert classify_outcome("Failure (uncontrolled ocean impact)") == "failure"
    assert classify_outcome("Success (landed; later toppled in heavy seas during transit)") == "success"
    assert classify_outcome("Precluded (launch failure)") == "excluded"
    assert classify_outcome("No attempt") == "excluded"
    assert classify_outcome("Maybe") is None


def test_same_day_rows_are_allowed_and_order_kept():
    h = read_attempts(DATA).between("2018-02-06", "2018-02-06")
    assert [a.result for a in h.trials()] == ["success", "success", "failure"]   # FH Demo: 2 sides, core


def _write(tmp_path, text):
    p = tmp_path / "a.csv"
    p.write_text(text)
    return p


@pytest.mark.parametrize("text, words", [
    ("date,mission,outcome\n2020-01-01,x,Success\n", ["missing column", "landing_type"]),
    ("date,mission,landing_type,outcome\n2020-01-01,x,ASDS,Exploded\n", ["line 2", "outcome", "Exploded"]),
    ("date,mission,landing_type,outcome\n2020-01-02,x,ASDS,Success\n2020-01-01,y,ASDS,Failure\n",
     ["line 3", "2020-01-01", "date order"]),
    ("date,mission,landing_type,outcome\n01/02/2020,x,ASDS,Success\n", ["line 2", "ISO date"]),
    ("date,mission,landing_type,outcome\n", ["no attempt rows"]),
])
def test_errors_are_one_line_and_name_the_problem(tmp_path, text, words):
    p = _write(tmp_path, text)
    with pytest.raises(InputError) as e:
        read_attempts(p)
    msg = str(e.value)
    assert "\n" not in msg and str(p) in msg
    for w in words:
        assert w in msg


def test_missing_file():
    with pytest.raises(InputError, match="file not found"):
        read_attempts("/nonexistent/attempts.csv")


def test_synthetic_history():
    h = history_from_outcomes([0, 1, 1])
    assert h.outcomes().tolist() == [0, 1, 1] and h.failure_indices().tolist() == [1]
