"""Rich tables of `rlvsim telemetry compare` and `anomaly` results (the same dicts --json prints)."""
from __future__ import annotations

from rich.table import Table


def _f(v, fmt="{:.1f}") -> str:
    return "-" if v is None else fmt.format(v)


def compare_tables(res: dict) -> list[Table]:
    head = Table(title=f"{res['mission']} against {res['telemetry']}", show_header=False, title_justify="left")
    head.add_column(style="bold")
    head.add_column(justify="right")
    head.add_row("samples compared", f"{res['samples_compared']:,} ({res['time_span_s'][0]:.0f}-{res['time_span_s'][1]:.0f} s)")
    head.add_row("altitude RMS", f"{res['altitude_rms_m']:,.0f} m ({100 * res['altitude_rms_fraction_of_max']:.2f} % of "
                                 f"{res['max_altitude_m'] / 1e3:,.1f} km)")
    head.add_row("speed RMS", f"{res['speed_rms_m_s']:,.1f} m/s ({100 * res['speed_rms_fraction_of_max']:.2f} % of "
                              f"{res['max_speed_m_s']:,.0f} m/s)")
    out = [head]
    ph = Table(title="Residuals by phase (simulated - observed)", title_justify="left")
    for c in ("phase", "samples", "from (s)", "to (s)", "altitude RMS (m)", "max |alt| (m)", "speed RMS (m/s)",
              "max |speed| (m/s)"):
        ph.add_column(c, justify="left" if c == "phase" else "right")
    for name, p in res.get("per_phase", {}).items():
        ph.add_row(name, str(p["samples"]), _f(p["time_s"][0]), _f(p["time_s"][1]), _f(p["altitude_rms_m"]),
                   _f(p["altitude_max_abs_m"]), _f(p["speed_rms_m_s"], "{:.2f}"), _f(p["speed_max_abs_m_s"], "{:.2f}"))
    out.append(ph)
    ev = Table(title="Event times (s after liftoff; error = simulated - reference)", title_justify="left")
    for c in ("event", "simulated", "detected in telemetry", "error", "webcast error"):
        ev.add_column(c, justify="left" if c == "event" else "right")
    sim, det = res.get("event_times_sim_s", {}), res.get("event_times_detected_s", {})
    err, web = res.get("event_time_errors_s", {}), res.get("event_time_errors_vs_webcast_s", {})
    for name in dict.fromkeys([*sim, *det]):
        ev.add_row(name, _f(sim.get(name)), _f(det.get(name)), _f(err.get(name), "{:+.1f}"), _f(web.get(name), "{:+.1f}"))
    out.append(ev)
    return out


def anomaly_tables(res: dict) -> list[Table]:
    t = Table(title="CUSUM on normalised residuals, by channel", title_justify="left")
    for c in ("channel", "noise scale", "peak CUSUM", "first alarm (s)"):
        t.add_column(c, justify="left" if c == "channel" else "right")
    alarms = res.get("first_alarm_by_channel_s", {})
    for ch, peak in res.get("peak_cusum_by_channel", {}).items():
        t.add_row(ch, _f(res.get("noise_scale", {}).get(ch), "{:.3g}"), f"{peak:.2f} / {res['cusum_threshold']:.2f}",
                  _f(alarms.get(ch)))
    return [t]
