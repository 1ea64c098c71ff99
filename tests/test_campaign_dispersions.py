"""Dispersion files and the per-run sampler (issue #4, item 3): moments of the declared
distributions, the (seed, k) stream, one-line errors, vehicle defaults, --fault specs."""
import math
import re

import numpy as np
import pytest
from scipy.special import ndtr

from rlvsim.campaign.config import known_fault_kinds, parse_fault
from rlvsim.campaign.dispersions import (DATA, PARAMETERS, Dispersions, Fixed, load_dispersions, parse, run_rng,
                                         sample)
from rlvsim.errors import InputError

N = 10_000          # draws per moment test: 5 standard errors of the mean of N(0,1) = 0.05


def _disp(**specs):
    params = {n: Fixed(value=PARAMETERS[n][0]) for n in PARAMETERS}
    params.update(parse(specs, "<test>"))
    return Dispersions(params=params)


def _draws(disp, name, n=N, seed=11):
    return np.array([sample(disp, seed, k)[0][name] for k in range(n)])


def _phi(x):
    return math.exp(-0.5 * x * x) / math.sqrt(2 * math.pi)


def _var_se(x):
    """Standard error of the sample variance from the sample's own 4th central moment:
    Var(s^2) ~ (mu4 - sigma^4) / n (large-sample, any distribution)."""
    d = x - x.mean()
    return math.sqrt((np.mean(d ** 4) - np.var(x) ** 2) / len(x))


def test_normal_moments():
    x = _draws(_disp(booster_thrust_scale={"dist": "normal", "mean": 1.0, "sd": 0.01}), "booster_thrust_scale")
    # mean within 5 standard errors sd/sqrt(N): fails with probability < 1e-6 for a correct sampler
    assert abs(x.mean() - 1.0) < 5 * 0.01 / math.sqrt(N)
    # variance within 5 standard errors of the sample variance (normal: sigma^2 sqrt(2/(N-1)))
    assert abs(x.var(ddof=1) - 1e-4) < 5 * 1e-4 * math.sqrt(2 / (N - 1))


def test_uniform_bounds_and_moments():
    x = _draws(_disp(cd_scale={"dist": "uniform", "low": 0.9, "high": 1.2}), "cd_scale")
    assert x.min() >= 0.9 and x.max() <= 1.2
    # U(a, b): mean (a+b)/2, variance (b-a)^2/12 (closed form); 5 standard errors from N
    assert abs(x.mean() - 1.05) < 5 * math.sqrt(0.09 / 12 / N)
    assert abs(x.var() - 0.09 / 12) < 5 * _var_se(x)
    # both ends are reached: with N draws the gap to each bound is ~ (b-a)/N; 100x that is generous
    assert x.min() < 0.9 + 100 * 0.3 / N and x.max() > 1.2 - 100 * 0.3 / N


@pytest.mark.parametrize("name,mean,sd,low,high", [
    ("landing_ignition_delay_s", 0.0, 0.1, 0.0, 0.5),      # half-normal
    ("booster_isp_scale", 1.0, 0.05, 0.97, 1.2),           # asymmetric cut
    ("landing_ignition_delay_s", 0.3, 0.1, 0.45, 0.9),     # upper tail only (the mirrored branch)
])
def test_truncnormal_moments(name, mean, sd, low, high):
    spec = {"dist": "truncnormal", "mean": mean, "sd": sd, "low": low, "high": high}
    x = _draws(_disp(**{name: spec}), name)
    assert x.min() >= low and x.max() <= high
    # closed-form moments of the doubly truncated normal (Johnson, Kotz & Balakrishnan 1994,
    # Continuous Univariate Distributions vol. 1, sec. 13.10.1)
    a, b = (low - mean) / sd, (high - mean) / sd
    z = ndtr(b) - ndtr(a)
    mu = mean + sd * (_phi(a) - _phi(b)) / z
    var = sd * sd * (1 + (a * _phi(a) - b * _phi(b)) / z - ((_phi(a) - _phi(b)) / z) ** 2)
    assert abs(x.mean() - mu) < 5 * math.sqrt(var / N)      # 5 standard errors of the mean
    assert abs(x.var() - var) < 5 * _var_se(x)             # 5 standard errors of the variance


def test_run_k_draws_only_from_seed_and_k():
    d = _disp(booster_dry_mass_factor={"dist": "normal", "mean": 1.0, "sd": 0.01})
    # the first parameter's draw is the first standard normal of default_rng(SeedSequence([seed, k]))
    ref = np.random.default_rng(np.random.SeedSequence([7, 42])).standard_normal()
    got = sample(d, 7, 42)[0]["booster_dry_mass_factor"]
    assert got == 1.0 + 0.01 * ref
    # the same run drawn alone or after others, in any order: identical (no shared state)
    alone = sample(d, 7, 42)
    for k in (3, 99, 0):
        sample(d, 7, k)
    assert sample(d, 7, 42) == alone
    assert run_rng(7, 42).random() == run_rng(7, 42).random()
    assert sample(d, 7, 41)[0] != alone[0] and sample(d, 8, 42)[0] != alone[0]


def test_wind_nodes_drawn_per_altitude():
    d = Dispersions(params={n: Fixed(value=PARAMETERS[n][0]) for n in PARAMETERS},
                    wind=parse({"wind": {"altitude_m": [0, 5000], "sd_m_s": [2.0, 10.0],
                                         "east_mean_m_s": [1.0, 20.0]}}, "<t>")["wind"])
    east = np.array([sample(d, 3, k)[0]["wind_east_m_s_at_5000m"] for k in range(4000)])
    # N(20, 10): 5 standard errors of the mean (10/sqrt(4000)) and of the sd (10/sqrt(2*3999))
    assert abs(east.mean() - 20.0) < 5 * 10 / math.sqrt(4000)
    assert abs(east.std(ddof=1) - 10.0) < 5 * 10 / math.sqrt(2 * 3999)


@pytest.mark.parametrize("table,where,rule", [
    ({"dist": "normal", "mean": 1.0, "sd": -0.01}, "booster_thrust_scale.sd = -0.01", "must be >= 0"),
    ({"dist": "uniform", "low": 1.1, "high": 0.9}, "booster_thrust_scale.high = 0.9", "must be > low"),
    ({"dist": "truncnormal", "mean": 1, "sd": 0.1, "low": 1.2, "high": 1.2}, "booster_thrust_scale.high", "> low"),
    ({"dist": "gauss", "mean": 1.0}, "booster_thrust_scale.dist = 'gauss'", "unknown distribution"),
    ({"dist": "normal", "mean": 1.0}, "booster_thrust_scale.sd", "missing"),
    ({"dist": "normal", "mean": 1.0, "sd": 0.2}, "booster_thrust_scale", "leaves the allowed range"),
])
def test_bad_distribution_one_line_error(tmp_path, table, where, rule):
    f = tmp_path / "bad.toml"
    body = "\n".join(f"{k} = {v!r}".replace("'", '"') for k, v in table.items())
    f.write_text(f"[booster_thrust_scale]\n{body}\n")
    with pytest.raises(InputError) as exc:
        load_dispersions("zhuque3", f)
    msg = str(exc.value)
    assert "\n" not in msg and msg.startswith(str(f)) and where in msg and rule in msg, msg


def test_unknown_parameter_lists_known(tmp_path):
    f = tmp_path / "typo.toml"
    f.write_text('[booster_thrust_scael]\ndist = "normal"\nmean = 1.0\nsd = 0.01\n')
    with pytest.raises(InputError, match=r"booster_thrust_scael.*unknown parameter \(known: booster_dry_mass_factor"):
        load_dispersions("zhuque3", f)


def test_user_file_overrides_defaults(tmp_path):
    base = load_dispersions("zhuque3")
    f = tmp_path / "mine.toml"
    f.write_text('[booster_thrust_scale]\ndist = "fixed"\nvalue = 0.95\n')
    mine = load_dispersions("zhuque3", f)
    assert mine.params["booster_thrust_scale"] == Fixed(value=0.95)
    others = [n for n in PARAMETERS if n != "booster_thrust_scale"]
    assert all(mine.params[n] == base.params[n] for n in others) and mine.wind == base.wind


@pytest.mark.parametrize("vehicle", ["zhuque3", "falcon9", "longmarch12a"])
def test_vehicle_defaults_load_and_every_number_is_explained(vehicle):
    d = load_dispersions(vehicle)
    assert any(s.dist != "fixed" for s in d.params.values())
    text = (DATA / f"{vehicle}.toml").read_text()
    # every parameter table is preceded by a comment block saying where its numbers come from
    for m in re.finditer(r"^\[([a-z_0-9]+)\]", text, flags=re.M):
        block = []
        for line in reversed(text[:m.start()].rstrip().splitlines()):
            if not line.lstrip().startswith("#"):
                break
            block.append(line)
        words = " ".join(block).lower()
        assert "estimate" in words or "source" in words, f"{vehicle}: [{m.group(1)}] has no source comment"


def test_fault_spec_parsing():
    f = parse_fault("engine_out:phase=landing_burn,delay_s=3,engines=1")
    assert (f.kind, f.phase, f.delay_s, f.engines) == ("engine_out", "landing_burn", 3.0, 1)
    with pytest.raises(InputError) as exc:
        parse_fault("engine_explodes:delay_s=3")
    msg = str(exc.value)
    assert "\n" not in msg and "engine_explodes" in msg and all(k in msg for k in known_fault_kinds())
    with pytest.raises(InputError, match=r"--fault 'engine_out:phase=landing_burn,delay_s=-1'.*delay_s"):
        parse_fault("engine_out:phase=landing_burn,delay_s=-1")
