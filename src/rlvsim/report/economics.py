"""Economics results as self-contained HTML pages in the report style (``rlvsim economics ...
--html FILE``): the figures are drawn from the command's own JSON result, nothing re-computed."""
from __future__ import annotations

from pathlib import Path

from .html import Page, table

BLUE, ORANGE, GREY, GREEN = "#1f77b4", "#ff7f0e", "#7f7f7f", "#2ca02c"


def _band(x, lo, hi, colour, name):
    """A filled band between lo and hi (two traces: the lower edge, then the upper filled to it)."""
    return [{"type": "scatter", "x": x, "y": lo, "mode": "lines", "line": {"width": 0, "color": colour},
             "showlegend": False, "hoverinfo": "skip"},
            {"type": "scatter", "x": x, "y": hi, "mode": "lines", "line": {"width": 0, "color": colour},
             "fill": "tonexty", "opacity": 0.2, "name": name}]


def cost_figure(res: dict) -> dict:
    modes = [m for m in res["modes"] if "error" not in m]
    labels = [f"{m['vehicle']} {m['recovery']}" for m in modes]
    keys = list(dict.fromkeys(k for m in modes for k in m["components_usd"]))
    data = [{"type": "bar", "name": k.replace("_", " "), "x": labels,
             "y": [m["components_usd"].get(k, 0.0) / m["payload_kg"] for m in modes]} for k in keys]
    data.append({"type": "scatter", "mode": "text", "x": labels, "y": [m["per_kg_usd"] for m in modes],
                 "text": [f"${m['per_kg_usd']:,.0f}/kg" for m in modes], "textposition": "top center",
                 "showlegend": False})
    return {"data": data, "layout": {"barmode": "stack", "title": "Expected cost per kg, by component",
                                     "yaxis": {"title": "USD per kg"}}}


def reliability_figure(res: dict) -> dict:
    c = res["curve"]
    n_data = len(c["outcome"])
    data = [{"type": "scatter", "mode": "markers", "name": "attempt (1 landed, 0 not)",
             "x": c["attempt"][:n_data], "y": c["outcome"], "marker": {"symbol": "line-ns-open", "size": 10,
                                                                        "color": "black"}},
            {"type": "scatter", "mode": "lines+markers", "name": "observed running success rate",
             "x": c["attempt"][:n_data], "y": c["running_rate"], "line": {"color": "black", "width": 1},
             "marker": {"size": 4}}]
    if "crow_amsaa" in c:
        ca = c["crow_amsaa"]
        data += _band(c["attempt"], ca["lower"], ca["upper"], BLUE, "Crow-AMSAA bounds")
        data.append({"type": "scatter", "mode": "lines", "name": f"Crow-AMSAA ({ca['method']})",
                     "x": c["attempt"], "y": ca["p"], "line": {"color": BLUE}})
    lc = c["learning_curve"]
    data += _band(c["attempt"], lc["lower"], lc["upper"], ORANGE, "learning-curve credible band")
    data.append({"type": "scatter", "mode": "lines", "name": "learning curve (posterior mean)",
                 "x": c["attempt"], "y": lc["p"], "line": {"color": ORANGE}})
    pred = res.get("prediction")
    if pred:
        a0, a1 = pred["learning_curve"]["attempts"]
        data.append({"type": "scatter", "mode": "lines", "name": f"observed rate {pred['year']}",
                     "x": [a0, a1], "y": [pred["observed_rate"]] * 2, "line": {"color": GREEN, "width": 4}})
    return {"data": data, "layout": {"title": "Landing reliability growth",
                                     "xaxis": {"title": "landing attempt number"},
                                     "yaxis": {"title": "P(successful landing)", "range": [-0.05, 1.05]}}}


def budget_figure(res: dict) -> dict:
    c, k = res["curve"], res["target_consecutive"]
    b = [x / 1e6 for x in c["budget_usd"]]
    data = [{"type": "scatter", "mode": "lines", "line": {"shape": "hv"}, "name": name, "x": b, "y": c[key]}
            for key, name in (("p_first_success", "a first successful landing"),
                              (f"p_{k}_consecutive", f"{k} landings in a row"),
                              ("p_reliability_reached", f"model reliability >= {res['target_reliability']:g}"))]
    x0 = res["budget_usd"] / 1e6
    data.append({"type": "scatter", "mode": "lines", "name": "budget", "x": [x0, x0], "y": [0, 1],
                 "line": {"color": "black", "dash": "dash"}})
    return {"data": data, "layout": {"title": "Probability of success before the money runs out",
                                     "xaxis": {"title": "budget (million USD)"},
                                     "yaxis": {"title": "probability", "range": [-0.02, 1.02]}}}


def sweep_figure(sw: dict) -> dict:
    data = [{"type": "scatter", "mode": "lines+markers", "name": f"{c:g} launches/yr max",
             "x": sw["fleet_sizes"], "y": [line[j] for line in sw["years"]]} for j, c in enumerate(sw["cadences"])]
    return {"data": data, "layout": {"title": "Years to deploy vs fleet size and cadence",
                                     "xaxis": {"title": "boosters in the fleet", "type": "log"},
                                     "yaxis": {"title": "years to the last launch"}}}


def vehicles_figure(rows: list[dict]) -> dict:
    ok = [r for r in rows if "error" not in r]
    x = [f"{r['vehicle']} {r['recovery']}" for r in ok]
    return {"data": [{"type": "bar", "name": "launch cost per satellite (M USD)", "x": x,
                      "y": [(r.get("cost_per_satellite_usd") or 0) / 1e6 for r in ok], "marker": {"color": BLUE}},
                     {"type": "scatter", "mode": "markers", "name": "years to deploy", "x": x,
                      "y": [r["years_to_last_launch"] for r in ok], "yaxis": "y2",
                      "marker": {"color": ORANGE, "size": 12}}],
            "layout": {"title": "The same constellation on each vehicle",
                       "yaxis": {"title": "M USD per satellite"},
                       "yaxis2": {"title": "years", "overlaying": "y", "side": "right"}}}


def _flat(d: dict, skip=()) -> list:
    return [[k, v] for k, v in d.items() if not isinstance(v, (dict, list)) and k not in skip]


def build_economics_page(kind: str, res: dict) -> Page:
    if kind == "cost":
        page = Page(f"Launch cost: {res['vehicle']}", "expected cost per launch and per kg by recovery mode")
        page.heading("Cost per kg", "cost")
        page.figure(cost_figure(res), 480)
        for m in res["modes"]:
            page.html(table(["field", m["recovery"]], _flat(m) + [[f"  {k}", v] for k, v in
                                                                 m.get("components_usd", {}).items()]))
    elif kind == "constellation":
        page = Page(f"Constellation on {res['vehicle']}", f"{res['satellites']:,} satellites, {res['recovery']}")
        page.heading("Plan", "plan")
        page.html(table(["field", "value"], _flat(res)))
        if res.get("sweep"):
            page.heading("Fleet and cadence", "sweep")
            page.figure(sweep_figure(res["sweep"]), 440)
            page.html(table(list(res["sweep"]["rows"][0]), [list(r.values()) for r in res["sweep"]["rows"]]))
        if res.get("vehicles"):
            page.heading("Vehicles", "vehicles")
            page.figure(vehicles_figure(res["vehicles"]), 440)
            page.html(table(["vehicle", "recovery", "launches", "years_to_last_launch", "cost_per_satellite_usd",
                             "error"], [[r.get("vehicle"), r.get("recovery"), r.get("launches"),
                                         r.get("years_to_last_launch"), r.get("cost_per_satellite_usd"),
                                         r.get("error", "")] for r in res["vehicles"]]))
    elif kind == "reliability":
        page = Page("Landing reliability growth", res["data"]["source"])
        page.heading("Reliability growth", "growth")
        page.figure(reliability_figure(res), 480)
        page.html(table(["method", "beta", "lambda", "p_success_next", "attempts_to_target"],
                        [[m, f.get("beta"), f.get("lambda"), f.get("p_success_next"), f.get("attempts_to_target")]
                         for m, f in res["crow_amsaa"].items()]))
        page.html(table(["learning curve", "value"], _flat(res["learning_curve"])))
        if res.get("prediction"):
            p = res["prediction"]
            page.html(table(["prediction", "value"], [["year", p["year"]], ["observed_rate", p["observed_rate"]],
                                                      ["learning_curve p_mean", p["learning_curve"]["p_mean"]],
                                                      ["learning_curve p_interval", p["learning_curve"]["p_interval"]]]
                            + ([["crow_amsaa p_mean", p["crow_amsaa"]["p_mean"]],
                                ["crow_amsaa p_interval", p["crow_amsaa"]["p_interval"]]] if "crow_amsaa" in p else [])))
    elif kind == "budget":
        page = Page("Test-program budget", res["model"])
        page.heading("Probability vs budget", "budget")
        page.figure(budget_figure(res), 440)
        page.html(table(["field", "value"], _flat(res)))
    else:
        raise ValueError(f"kind = {kind!r}")
    return page


def write_economics_report(kind: str, res: dict, out) -> Path:
    return build_economics_page(kind, res).write(Path(out))
