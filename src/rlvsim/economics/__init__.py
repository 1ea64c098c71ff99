"""What reuse is worth: landing reliability growth, launch cost with reuse, constellation
deployment and test-program budgets.  Plain data in, plain data out (dicts / dataclasses with
.as_dict()); heavy libraries are imported inside the functions that need them."""
from .attempts import AttemptHistory, read_attempts
from .budget import ConstantP, budget_analysis
from .commands import budget_report, reliability_report
from .constellation import deploy, plan_constellation, sweep
from .cost import compare_modes, cost_report, expected_flights, launch_cost
from .learning import beta_discounted, fit_learning_curve
from .reliability import fit_attempts, fit_crow_amsaa, fit_grouped

__all__ = ["AttemptHistory", "read_attempts", "ConstantP", "budget_analysis", "budget_report",
           "reliability_report", "deploy", "plan_constellation", "sweep", "compare_modes", "cost_report",
           "expected_flights", "launch_cost", "beta_discounted", "fit_learning_curve", "fit_attempts",
           "fit_crow_amsaa", "fit_grouped"]
