"""Bad vehicle files fail with ONE line naming the file, the field path, the value and the rule.

The reference for each case is the rule as the project states it (docs/vehicles.md, brief):
e.g. ``my.toml: stages[0].dry_mass_kg = -5.0: must be > 0 kg``.
"""
from __future__ import annotations

import copy
import math
import tomllib
import warnings
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from rlvsim.errors import InputError, UnknownNameError
from rlvsim.vehicles import CATALOG_DIR, load_vehicle

BASE = tomllib.loads((CATALOG_DIR / "falcon9.toml").read_text(encoding="utf-8"))


# --- a minimal TOML writer (inline tables only) so tests need no extra dependency ---------
def _toml_str(s: str) -> str:
    out = []
    for ch in s:
        if ch in '"\\':
            out.append("\\" + ch)
        elif ord(ch) < 0x20 or ord(ch) == 0x7F:
            out.append(f"\\u{ord(ch):04x}")
        else:
            out.append(ch)
    return '"' + "".join(out) + '"'


def _toml_value(v: object) -> str:
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, int):
        return str(v)
    if isinstance(v, float):
        if math.isnan(v):
            return "nan"
        if math.isinf(v):
            return "inf" if v > 0 else "-inf"
        return repr(v)
    if isinstance(v, str):
        return _toml_str(v)
    if isinstance(v, list):
        return "[" + ", ".join(_toml_value(x) for x in v) + "]"
    if isinstance(v, dict):
        return "{" + ", ".join(f"{_toml_str(k)} = {_toml_value(x)}" for k, x in v.items()) + "}"
    raise TypeError(type(v))


def dump_toml(data: dict) -> str:
    return "".join(f"{_toml_str(k)} = {_toml_value(v)}\n" for k, v in data.items())


def test_toml_writer_round_trips_the_catalog_file():
    assert tomllib.loads(dump_toml(BASE)) == BASE


# --- helpers -----------------------------------------------------------------------------
def write(tmp_path: Path, data: dict, name: str = "my.toml") -> Path:
    path = tmp_path / name
    path.write_text(dump_toml(data), encoding="utf-8")
    return path


def load_error(path: Path | str) -> str:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        with pytest.raises(InputError) as info:
            load_vehicle(path)
    msg = str(info.value)
    assert "\n" not in msg and "\r" not in msg, "message must be one line"
    return msg


def mutated(**changes) -> dict:
    """BASE with changes given as path=value; value None deletes the key."""
    data = copy.deepcopy(BASE)
    for dotted, value in changes.items():
        keys = [int(k) if k.isdigit() else k for k in dotted.split("__")]
        node = data
        for k in keys[:-1]:
            node = node[k]
        if value is None:
            del node[keys[-1]]
        else:
            node[keys[-1]] = value
    return data


# --- the cases of the brief ---------------------------------------------------------------
def test_negative_mass(tmp_path):
    path = write(tmp_path, mutated(stages__0__dry_mass_kg=-5.0))
    assert load_error(path) == f"{path}: stages[0].dry_mass_kg = -5.0: must be > 0 kg"


def test_isp_sl_above_isp_vac(tmp_path):
    path = write(tmp_path, mutated(stages__0__engine__isp_sl_s=330))
    assert load_error(path) == f"{path}: stages[0].engine.isp_sl_s = 330: must be <= isp_vac_s (311 s)"


@pytest.mark.parametrize("value", [1.2, 0.0, -0.3])
def test_throttle_outside_unit_interval(tmp_path, value):
    path = write(tmp_path, mutated(stages__1__engine__throttle_min=value))
    assert load_error(path) == f"{path}: stages[1].engine.throttle_min = {value!r}: must be in (0, 1]"


def test_missing_field(tmp_path):
    path = write(tmp_path, mutated(stages__1__engine__thrust_vac_N=None))
    assert load_error(path) == f"{path}: stages[1].engine.thrust_vac_N: missing required field"


def test_wrong_type_string_for_number(tmp_path):
    path = write(tmp_path, mutated(stages__0__dry_mass_kg="25 t"))
    assert load_error(path) == f"{path}: stages[0].dry_mass_kg = '25 t': must be a number in kg"


def test_unknown_vehicle_name_lists_the_catalog():
    with pytest.raises(UnknownNameError) as info:
        load_vehicle("falcon10")
    msg = str(info.value)
    assert "\n" not in msg and "'falcon10'" in msg
    assert all(n in msg for n in ("falcon9", "zhuque3", "longmarch12a"))


def test_broken_toml_syntax(tmp_path):
    path = tmp_path / "broken.toml"
    path.write_text('name = "x"\n[stages\ndry_mass_kg = 1\n', encoding="utf-8")
    msg = load_error(path)
    assert msg.startswith(f"{path}: TOML syntax error:") and "line 2" in msg


def test_missing_file(tmp_path):
    path = tmp_path / "nope.toml"
    assert load_error(path) == f"{path}: file not found"


# --- further rules of the schema ------------------------------------------------------------
@pytest.mark.parametrize("changes,expected", [
    ({"stages__0__dry_mas_kg": 3}, "stages[0].dry_mas_kg = 3: unknown field (allowed: name, "),
    ({"stages__0__engine__exit_area_m2": 0.5},
     "stages[0].engine.exit_area_m2 = 0.5: must equal (thrust_vac_N - thrust_sl_N)/p0"),
    ({"stages__0__engine__isp_sl_s": 250.0}, "stages[0].engine.isp_sl_s = 250.0: inconsistent with thrust"),
    ({"stages__0__engine__thrust_sl_N": 950e3}, "stages[0].engine.thrust_sl_N = 950000.0: must be <= thrust_vac_N"),
    ({"stages__0__engine__restarts": 1.5}, "stages[0].engine.restarts = 1.5: must be an integer"),
    ({"stages__0__burns__entry": 12}, "stages[0].burns.entry = 12: must be in 1..engine_count (9)"),
    ({"stages__0__burns__flip": 1}, "stages[0].burns.flip = 1: unknown burn"),
    ({"stages__0__recovery_reserve__rtls": 0.7}, "stages[0].recovery_reserve.rtls = 0.7: must be in [0, 0.5]"),
    ({"stages__0__landing_legs__mass_kg": 30000.0}, "stages[0].landing_legs.mass_kg = 30000.0: grid fins + legs"),
    ({"stages__0__diameter_m": float("nan")}, "stages[0].diameter_m = nan: must be a finite number"),
    ({"stages__1__name": "booster"}, "stages[1].name = 'booster': must be unique"),
    ({"stages__0__grid_fins": 4}, "stages[0].grid_fins = 4: must be a table"),
    ({"fairing__mass_kg": -1.0}, "fairing.mass_kg = -1.0: must be >= 0 kg"),
    ({"provenance__stages.booster.dry_mass_kg": "nosuch"},
     "provenance.\"stages.booster.dry_mass_kg\" = 'nosuch': must start with a source id"),
    ({"provenance__stages.bster.dry_mass_kg": "sfi"},
     "provenance.\"stages.bster.dry_mass_kg\" = 'sfi': does not name a field"),
])
def test_schema_rules_name_field_value_and_rule(tmp_path, changes, expected):
    path = write(tmp_path, mutated(**changes))
    msg = load_error(path)
    assert msg.startswith(f"{path}: {expected}"), msg


def test_mach_must_increase(tmp_path):
    data = copy.deepcopy(BASE)
    data["stages"][0]["aero"]["ascent_stack"]["mach"][3] = 0.1
    msg = load_error(write(tmp_path, data))
    assert "stages[0].aero.ascent_stack.mach[3] = 0.1: must be > mach[2] (0.4)" in msg


def test_several_errors_stay_on_one_line(tmp_path):
    path = write(tmp_path, mutated(stages__0__dry_mass_kg=-1, stages__0__propellant_mass_kg=-1,
                                   stages__0__diameter_m=-1, stages__0__engine_count=0))
    msg = load_error(path)
    assert msg.count(str(path)) == 1 and "; " in msg and "(+1 more error)" in msg


# --- property test: random damage only ever gives a one-line InputError --------------------
def _paths(node: object, prefix: tuple = ()) -> list[tuple]:
    out = [prefix] if prefix else []
    if isinstance(node, dict):
        for k, v in node.items():
            out += _paths(v, prefix + (k,))
    elif isinstance(node, list):
        for i, v in enumerate(node):
            out += _paths(v, prefix + (i,))
    return out


_leaf_values = st.one_of(
    st.floats(allow_nan=True, allow_infinity=True),
    st.floats(min_value=-1e6, max_value=1e6),
    st.integers(min_value=-(2**63), max_value=2**63 - 1),
    st.sampled_from([0, -1, 0.0, -0.0, 1e308, -1e308, 5e-324, 1e30]),
    st.text(max_size=12),
    st.booleans(),
    st.lists(st.floats(allow_nan=True), max_size=4),
    st.just({}),
    st.dictionaries(st.text(max_size=6), st.integers(-3, 3), max_size=2),
)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_random_mutations_raise_only_one_line_input_errors(tmp_path_factory, data):
    doc = copy.deepcopy(BASE)
    for _ in range(data.draw(st.integers(1, 4), label="n_mutations")):
        paths = _paths(doc)
        if not paths:
            break
        path = paths[data.draw(st.integers(0, len(paths) - 1), label="where")]
        parent = doc
        for k in path[:-1]:
            parent = parent[k]
        action = data.draw(st.sampled_from(["delete", "set", "add_key"]), label="action")
        if action == "delete":
            del parent[path[-1]]
        elif action == "set":
            parent[path[-1]] = data.draw(_leaf_values, label="value")
        elif isinstance(parent, dict):
            parent[data.draw(st.text(min_size=1, max_size=8), label="key")] = data.draw(_leaf_values)
    file = tmp_path_factory.mktemp("hyp") / "mutant.toml"
    file.write_text(dump_toml(doc), encoding="utf-8")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            load_vehicle(file)
        except InputError as exc:
            msg = str(exc)
            assert "\n" not in msg and "\r" not in msg
            assert msg.startswith(str(file))


def test_api_misuse_raises_project_errors():
    v = load_vehicle("falcon9")
    with pytest.raises(UnknownNameError, match="stages: booster, upper"):
        v.stage("second")
    with pytest.raises(InputError, match="payload_kg = -1.0: must be >= 0 kg"):
        v.liftoff_mass_kg(-1.0)
    with pytest.raises(InputError, match="must be a catalog name or a file path"):
        load_vehicle(5)  # type: ignore[arg-type]
