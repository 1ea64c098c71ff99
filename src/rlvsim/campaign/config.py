"""A campaign's configuration: mission (with its faults), vehicle, dispersions, seed, runs, scope;
`--fault SPEC` parsing; the identity that a store must match to be resumed."""
from __future__ import annotations

import hashlib
import json
import typing
from dataclasses import dataclass, field

from ..errors import InputError

SCOPES = ("recovery", "mission")


def known_fault_kinds() -> tuple[str, ...]:
    from ..faults.model import FaultKind
    return tuple(typing.get_args(FaultKind))


def parse_fault(spec: str):
    """``KIND[:key=value,...]`` (e.g. ``engine_out:phase=landing_burn,delay_s=3,engines=1``) ->
    rlvsim.faults.Fault; one-line InputError naming the option, the value and the rule (an unknown
    kind lists the known ones)."""
    from ..faults.spec import parse_fault_spec
    kind = spec.partition(":")[0].strip()
    kinds = known_fault_kinds()
    if kind not in kinds:
        raise InputError(f"--fault {spec!r}: unknown fault kind {kind!r} (known: {', '.join(kinds)}); "
                         "write KIND:key=value,... e.g. engine_out:phase=landing_burn,delay_s=3,engines=1")
    return parse_fault_spec(spec, "--fault")


def _sha(obj) -> str:
    return hashlib.sha256(json.dumps(obj, sort_keys=True, default=str).encode()).hexdigest()


@dataclass(frozen=True)
class CampaignConfig:
    """Everything a worker needs to fly run k (plain, picklable data; no file paths)."""
    mission: object                    # mission.model.Mission, faults included
    vehicle: object                    # vehicles.model.Vehicle (nominal)
    dispersions: object                # campaign.dispersions.Dispersions
    seed: int = 0
    runs: int = 100
    scope: str = "recovery"
    fault_specs: tuple = field(default_factory=tuple)
    _identity: dict | None = field(default=None, init=False, repr=False, compare=False)

    def identity(self) -> dict:
        """What a store must match to be resumed (the run count may grow).  Computed once."""
        if self._identity is None:
            from .. import __version__
            content = {"mission": self.mission.model_dump(mode="json"),
                       "vehicle": self.vehicle.model_dump(mode="json")}
            ident = {"mission": self.mission.name, "mission_hash": _sha(content)[:16],
                     "dispersions": self.dispersions.canonical(),
                     "faults": [f.model_dump(mode="json") for f in self.mission.faults],
                     "seed": int(self.seed), "scope": self.scope, "rlvsim_version": __version__}
            object.__setattr__(self, "_identity", ident)
        return json.loads(json.dumps(self._identity))

    @property
    def campaign_id(self) -> str:
        return _sha(self.identity())[:12]

    @property
    def mission_key(self) -> str:
        """Cache key of the nominal ascent (mission and vehicle content)."""
        return self.identity()["mission_hash"]

    def input_names(self) -> list[str]:
        return self.dispersions.input_names(self.scope)


def build_config(mission, runs: int, *, dispersions=None, faults=(), seed: int = 0,
                 scope: str = "recovery") -> CampaignConfig:
    """Load and check everything a campaign needs (before any store is touched).  ``mission``:
    a built-in name, a TOML path, or a Mission; ``faults``: SPEC strings or Fault objects."""
    from ..mission import load_mission
    from ..vehicles import load_vehicle
    from .dispersions import load_dispersions
    if scope not in SCOPES:
        raise InputError(f"--scope {scope!r}: must be one of {', '.join(SCOPES)}")
    if not isinstance(runs, int) or runs < 1:
        raise InputError(f"--runs {runs!r}: must be an integer >= 1")
    if not isinstance(seed, int) or seed < 0:
        raise InputError(f"--seed {seed!r}: must be an integer >= 0")
    m = mission if hasattr(mission, "recovery") else load_mission(mission)
    if scope == "recovery" and m.recovery.mode == "expendable":
        raise InputError(f"--scope recovery: mission {m.name!r} expends its booster (recovery.mode = "
                         "'expendable'); use --scope mission or a mission that recovers it")
    fl = [f if not isinstance(f, str) else parse_fault(f) for f in faults]
    if fl:
        m = m.model_copy(update={"faults": [*m.faults, *fl]})
    vehicle = load_vehicle(m.vehicle)
    disp = dispersions if hasattr(dispersions, "params") else load_dispersions(vehicle.name, dispersions)
    specs = tuple(f if isinstance(f, str) else f.model_dump_json() for f in faults)
    return CampaignConfig(m, vehicle, disp, int(seed), int(runs), scope, specs)
