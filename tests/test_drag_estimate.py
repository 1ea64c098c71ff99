"""In-flight drag estimate (`mission.descent.measure_drag`): with the engines off the accelerometers
sense the aerodynamic acceleration alone, and its ratio to the guidance's model (catalog drag
table, US Standard Atmosphere 1976) is the flight's drag-coefficient x density error, which the
landing planner then flies with.  Truth: the scales a dispersed campaign run drew (cd_scale,
rho_scale), which the simulator flies and the guidance is never told."""
import pytest

import rlvsim.mission.recovery as recovery
from rlvsim.campaign.config import build_config
from rlvsim.campaign.run import _fly


@pytest.fixture
def flown(monkeypatch):
    """Fly campaign run k and hand back (draws, the BoosterFlight)."""
    seen = {}
    run = recovery.BoosterFlight.run

    def keep(self):
        seen["bf"] = self
        return run(self)

    monkeypatch.setattr(recovery.BoosterFlight, "run", keep)
    cfg = build_config("zhuque3", 8, seed=0)

    def fly(k):
        draws = _fly(cfg, k)[0]
        return draws, seen["bf"]
    return fly


@pytest.mark.parametrize("k", [0, 3, 5])
def test_the_measured_drag_is_the_drawn_drag_error(flown, k):
    draws, bf = flown(k)
    truth = draws["cd_scale"] * draws["rho_scale"]
    assert abs(truth - 1.0) > 0.01                 # a run whose drag is off, or the test shows nothing
    # the ratio of magnitudes includes the grid fins' lift, scaled by the density only: at L/D ~ 0.2
    # that moves it by ~(L/D)^2 x the drag-coefficient error (< 0.2 %); the navigated position
    # (1 m horizontal, 0.3 m vertical) moves the model's density by < 1e-4: 0.5 %
    assert bf.drag_estimate == pytest.approx(truth, rel=0.005)
    assert bf.info["drag_estimate"] == pytest.approx(bf.drag_estimate, abs=1e-4)
