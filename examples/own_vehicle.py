"""Your own vehicle: write a vehicle TOML and a mission TOML, fly the mission from Python, look
at the outcome and write the flight report (HTML; PNGs too when matplotlib is installed).

    python examples/own_vehicle.py [OUT_DIR]        (default: a new temporary directory)

The vehicle is notional: a methane/LOX two-stager sized like Zhuque-3 with a 500 kg lighter
upper stage (so it carries 4.4 t instead of 4 t to the same orbit).  Numbers a real file would cite go in [sources] and
[provenance]; this one leaves them out, so loading it warns (see docs/vehicles.md).
"""
from __future__ import annotations

import sys
import tempfile
import warnings
from pathlib import Path

import rlvsim
from rlvsim.errors import InputError

AERO = """mach = [0.0, 0.2, 0.4, 0.6, 0.8, 1.0, 1.1, 1.2, 1.4, 1.6, 1.8, 2.0, 2.5, 3.0, 3.5, 4.0, 5.0]
cd   = [0.28, 0.28, 0.28, 0.29, 0.35, 0.64, 0.67, 0.69, 0.66, 0.62, 0.58, 0.55, 0.48, 0.42, 0.38, 0.355, 0.33]"""

VEHICLE = f"""
name = "my-methalox"
full_name = "My methalox two-stager (notional)"
manufacturer = "you"
description = "Notional two-stage methane/LOX launcher with a recoverable first stage."

[fairing]
mass_kg = 2000.0
jettison_altitude_m = 110000.0

[[stages]]
name = "booster"
dry_mass_kg = 30000.0
propellant_mass_kg = 380000.0
residual_propellant_kg = 1850.0
engine_count = 9
diameter_m = 4.5
reference_area_m2 = 15.90
burns = {{ ascent = 9, boostback = 1, entry = 3, landing = 1 }}
recovery_reserve = {{ downrange = 0.080, rtls = 0.172 }}
[stages.engine]
name = "methalox-80"
thrust_sl_N = 813952.0
thrust_vac_N = 902212.0
isp_sl_s = 289.6
isp_vac_s = 321.0
exit_area_m2 = 0.8711
throttle_min = 0.5
throttle_max = 1.0
restarts = 3
ignition_delay_s = 0.5
[stages.grid_fins]
count = 4
max_aoa_deg = 12.0
mass_kg = 1500.0
[stages.landing_legs]
count = 4
mass_kg = 3100.0
max_touchdown_vertical_speed_m_s = 5.0
footprint_diameter_m = 22.0
[stages.aero.ascent_stack]
{AERO}
cl_alpha_per_rad = 1.7
max_aoa_deg = 5.0
[stages.aero.booster_tail_first]
mach = [0.0, 0.5, 0.8, 0.9, 1.0, 1.1, 1.2, 1.5, 2.0, 2.5, 3.0, 4.0, 5.0]
cd   = [0.90, 0.96, 1.05, 1.10, 1.15, 1.20, 1.26, 1.38, 1.49, 1.55, 1.58, 1.61, 1.63]
cl_alpha_per_rad = 1.3
max_aoa_deg = 12.0

[[stages]]
name = "upper"
dry_mass_kg = 13300.0
propellant_mass_kg = 122400.0
residual_propellant_kg = 600.0
engine_count = 1
diameter_m = 4.5
reference_area_m2 = 15.90
burns = {{ ascent = 1 }}
[stages.engine]
name = "methalox-80-vac"
thrust_sl_N = 351600.0
thrust_vac_N = 889600.0
isp_sl_s = 138.3
isp_vac_s = 350.0
exit_area_m2 = 5.31
throttle_min = 0.6
throttle_max = 1.0
restarts = 1
ignition_delay_s = 0.5
[stages.aero.upper]
{AERO}
cl_alpha_per_rad = 0.0
max_aoa_deg = 0.0
"""


def mission_toml(vehicle_path: Path) -> str:
    # Same launch site, orbit and recovery zone as the built-in zhuque3 mission; the vehicle is ours.
    return f"""
name = "my-first-flight"
description = "LEO from LC-96B, booster to the Minqin pad."
vehicle = "{vehicle_path.as_posix()}"
launch_site = "LC-96B"
payload_kg = 4400.0

[target]
perigee_km = 200.0
apogee_km = 200.0
inclination_deg = 57.0

[ascent]
vertical_rise_s = 10.0
pitch_kick_deg = 3.0
pitch_kick_duration_s = 12.0
throttle_schedule = [[55.0, 1.0], [60.0, 0.8], [75.0, 0.8], [80.0, 1.0]]
separation_delay_s = 3.0
upper_ignition_delay_s = 8.0
launch_azimuth_deg = 133.7

[recovery]
mode = "downrange"
landing_zone = "Minqin-ZQ3"
entry_start_altitude_m = 60000.0
entry_target_speed_m_s = 900.0
"""


def main(out: Path) -> None:
    out.mkdir(parents=True, exist_ok=True)
    vehicle_file = out / "my_methalox.toml"
    vehicle_file.write_text(VEHICLE)
    mission_file = out / "my_first_flight.toml"
    mission_file.write_text(mission_toml(vehicle_file.resolve()))

    with warnings.catch_warnings(record=True) as caught:       # no [provenance]: a ProvenanceWarning
        warnings.simplefilter("always")
        v = rlvsim.load_vehicle(vehicle_file)
        flight = rlvsim.fly(mission_file)
    print(f"{v.full_name}: liftoff mass {v.liftoff_mass_kg(4400.0) / 1e3:.1f} t "
          f"({len(caught)} warning(s), e.g. missing provenance)")

    s = flight.summary()
    orbit = s["orbit"]
    print(f"upper stage: {flight.outcome('upper')}"
          + (f", {orbit['perigee_km']:.1f} x {orbit['apogee_km']:.1f} km at {orbit['inclination_deg']:.2f} deg"
             if orbit else ""))
    b = s["stages"]["booster"]
    td = b.get("touchdown", {})
    print(f"booster: {b['outcome']}; touchdown {td.get('vertical_speed_m_s')} m/s down, "
          f"{td.get('miss_distance_m')} m from the pad, {td.get('propellant_remaining_kg')} kg left")
    for e in flight.events:
        print(f"  T+{e.time_s:7.1f} s  {e.stage:8s} {e.name}")

    flight.write(out)                                           # summary.json + trajectory.parquet
    from rlvsim.report import write_flight_report, write_pngs
    print("report:", write_flight_report(flight, out / "report.html", mission=mission_file))
    try:
        print("PNGs:", ", ".join(p.name for p in write_pngs(flight, out, mission=mission_file)))
    except InputError as exc:                    # matplotlib not installed
        print(f"(no PNGs: {exc})")


if __name__ == "__main__":
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else Path(tempfile.mkdtemp(prefix="rlvsim_own_vehicle_")))
