"""One HTML page of plotly figures that opens without a network: plotly.js (and, when a map is
drawn, the Natural Earth world map) is inlined once in the page head, or, for many pages written
side by side, referenced as one shared file next to them.

A figure is plain data, ``{"data": [trace, ...], "layout": {...}}`` in plotly.js's own schema;
the page draws it with ``Plotly.newPlot``.  No figure goes through plotly's Python object layer
(it validates every attribute and is the slow part of plotly.io.to_html).
"""
from __future__ import annotations

import html as _html
import json
import math
from functools import lru_cache
from pathlib import Path

import numpy as np

# one colour per stage segment, one light colour per flight phase (bands behind the curves)
STAGE_COLOURS = {"stack": "#4d4d4d", "booster": "#1f77b4", "upper": "#d62728"}
PHASE_COLOURS = {
    "vertical_rise": "#fde0c5", "pitch_kick": "#facba6", "gravity_turn": "#f8b58b",
    "separation": "#e0e0e0", "flip": "#d9d2e9", "boostback": "#c6dbef", "coast": "#eef3f8",
    "entry_burn": "#fcbba1", "aero_descent": "#c7e9c0", "landing_burn": "#fdd0a2",
    "touchdown": "#bdbdbd", "upper_burn": "#fbb4c4", "orbit": "#dadaeb",
}
CONFIG = {"responsive": True, "displaylogo": False,
          "toImageButtonOptions": {"format": "png", "scale": 2}}
CSS = """
body{font-family:system-ui,-apple-system,'Segoe UI',Roboto,sans-serif;margin:0 auto;max-width:1280px;
padding:0 18px 40px;color:#222}
h1{margin:18px 0 2px} h2{margin-top:34px;border-bottom:1px solid #ddd;padding-bottom:4px}
.sub{color:#666;margin:0 0 12px} nav a{margin-right:14px}
table{border-collapse:collapse;font-size:13px;margin:8px 0} td,th{border:1px solid #ddd;padding:3px 8px}
th{background:#f4f4f4;text-align:left} td.n{text-align:right;font-variant-numeric:tabular-nums}
.rlv-fig{width:100%;margin:6px 0} .cap{color:#555;font-size:13px;margin:2px 0 10px}
.ok{color:#1a7f37;font-weight:600} .bad{color:#b42318;font-weight:600}
"""


def stage_colour(name: str) -> str:
    return STAGE_COLOURS.get(name, "#7f7f7f")


def phase_colour(name: str) -> str:
    return PHASE_COLOURS.get(name, "#ececec")


def esc(text) -> str:
    return _html.escape(str(text), quote=True)


def cell(value) -> str:
    """A table cell showing ``value`` exactly as summary.json writes it (floats by repr)."""
    if isinstance(value, bool) or value is None:
        return f"<td>{esc(json.dumps(value))}</td>"
    if isinstance(value, (int, float, np.integer, np.floating)):
        return f'<td class="n">{esc(repr(value.item() if hasattr(value, "item") else value))}</td>'
    if isinstance(value, (list, tuple)):
        return f"<td>{esc(', '.join(str(v) for v in value))}</td>"
    return f"<td>{esc(value)}</td>"


def table(header, rows, raw_columns=()) -> str:
    """HTML table; cells of ``raw_columns`` (indices) are inserted as HTML, the rest escaped."""
    out = ["<table><tr>" + "".join(f"<th>{esc(h)}</th>" for h in header) + "</tr>"]
    for r in rows:
        cells = [f"<td>{v}</td>" if i in raw_columns else cell(v) for i, v in enumerate(r)]
        out.append("<tr>" + "".join(cells) + "</tr>")
    out.append("</table>")
    return "".join(out)


def jsonable(obj):
    """Numpy arrays and scalars -> lists and floats; NaN and inf -> None (a gap in plotly)."""
    if isinstance(obj, np.ndarray):
        if obj.dtype.kind == "f":
            a = np.where(np.isfinite(obj), obj, np.nan).astype(float)
            return [None if math.isnan(v) else v for v in a.tolist()]
        return [jsonable(v) for v in obj.tolist()] if obj.dtype.kind == "O" else obj.tolist()
    if isinstance(obj, dict):
        return {k: jsonable(v) for k, v in obj.items()}
    if isinstance(obj, (list, tuple)):
        return [jsonable(v) for v in obj]
    if isinstance(obj, (np.floating, float)):
        v = float(obj)
        return v if math.isfinite(v) else None
    if isinstance(obj, np.integer):
        return int(obj)
    return obj


def _script_json(obj) -> str:
    return json.dumps(jsonable(obj), separators=(",", ":")).replace("</", "<\\/")


@lru_cache(maxsize=1)
def plotly_js() -> str:
    """The plotly.js bundle that the ``plotly`` package ships (no network)."""
    from plotly.offline import get_plotlyjs
    return get_plotlyjs()


@lru_cache(maxsize=1)
def geo_assets_js() -> str:
    """Sets window.PlotlyGeoAssets to the bundled world map, so scattergeo draws offline."""
    topo = (Path(__file__).parent / "data" / "world_110m.json").read_text()
    return "window.PlotlyGeoAssets={topojson:{world_110m:" + topo + "}};"


def write_shared_assets(directory) -> dict:
    """Write plotly.js and the map once into ``directory`` for pages that reference them."""
    d = Path(directory)
    d.mkdir(parents=True, exist_ok=True)
    names = {"plotly": "plotly.min.js", "geo": "world_110m.js"}
    for key, text in (("plotly", plotly_js()), ("geo", geo_assets_js())):
        p = d / names[key]
        if not p.exists() or p.stat().st_size != len(text.encode()):
            p.write_text(text)
    return names


class Page:
    """An HTML report assembled section by section; ``render()`` returns the whole document."""

    def __init__(self, title: str, subtitle: str = ""):
        self.title, self.subtitle = title, subtitle
        self.parts: list[str] = []
        self.nav: list[tuple[str, str]] = []
        self.n_figures = 0
        self.has_geo = False

    def heading(self, text: str, anchor: str | None = None) -> None:
        if anchor:
            self.nav.append((anchor, text))
        self.parts.append(f'<h2 id="{esc(anchor or "")}">{esc(text)}</h2>')

    def html(self, fragment: str) -> None:
        self.parts.append(fragment)

    def text(self, text: str, cls: str = "cap") -> None:
        self.parts.append(f'<p class="{cls}">{esc(text)}</p>')

    def figure(self, fig: dict, height_px: int = 420, caption: str = "") -> None:
        self.n_figures += 1
        fid = f"fig-{self.n_figures}"
        layout = {"height": height_px, "margin": {"l": 70, "r": 30, "t": 50, "b": 50},
                  "template": None, "hovermode": "closest", **fig.get("layout", {})}
        self.has_geo |= any(t.get("type") == "scattergeo" for t in fig["data"])
        self.parts.append(
            f'<div id="{fid}" class="rlv-fig"></div><script>Plotly.newPlot("{fid}",'
            f'{_script_json(fig["data"])},{_script_json(layout)},{_script_json(CONFIG)});</script>')
        if caption:
            self.text(caption)

    def render(self, shared_assets: dict | None = None) -> str:
        """The page; ``shared_assets`` (from write_shared_assets) references files instead."""
        if shared_assets:
            head = (f'<script src="{esc(shared_assets["geo"])}"></script>' if self.has_geo else "") + \
                   f'<script src="{esc(shared_assets["plotly"])}"></script>'
        else:
            head = (f"<script>{geo_assets_js()}</script>" if self.has_geo else "") + \
                   f'<script type="text/javascript">{plotly_js()}</script>'
        nav = "".join(f'<a href="#{esc(a)}">{esc(t)}</a>' for a, t in self.nav)
        return ("<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\">"
                f"<title>{esc(self.title)}</title><style>{CSS}</style>{head}</head>"
                f'<body data-figures="{self.n_figures}"><h1>{esc(self.title)}</h1>'
                f'<p class="sub">{esc(self.subtitle)}</p><nav>{nav}</nav>'
                + "".join(self.parts) + "</body></html>")

    def write(self, path, shared_assets: dict | None = None) -> Path:
        p = Path(path)
        p.parent.mkdir(parents=True, exist_ok=True)
        p.write_text(self.render(shared_assets), encoding="utf-8")
        return p


# ------------------------------------------------------------------------ figure helpers
def stacked_layout(labels, title: str = "", x_title: str = "time from liftoff (s)", gap: float = 0.025) -> dict:
    """Layout of rows of plots sharing one x axis (top row first); trace k of row i uses y{i+1}."""
    n = len(labels)
    h = (1.0 - gap * (n - 1)) / n
    lay = {"title": {"text": title}, "showlegend": True,
           "xaxis": {"title": {"text": x_title}, "anchor": f"y{n if n > 1 else ''}", "showgrid": True,
                     "gridcolor": "#eee", "zeroline": False}}
    for i, lab in enumerate(labels):
        top = 1.0 - i * (h + gap)
        key = "yaxis" if i == 0 else f"yaxis{i + 1}"
        lay[key] = {"domain": [max(top - h, 0.0), top], "title": {"text": lab, "font": {"size": 11}},
                    "gridcolor": "#eee", "zeroline": False}
    return lay


def yref(i: int) -> str:
    """The trace axis name of row i (0-based) of a stacked_layout."""
    return "y" if i == 0 else f"y{i + 1}"


def bands_and_markers(phases, events, with_labels: bool = True):
    """Shapes and annotations: a light band per (phase, t0, t1), a dotted line per event (name, t)."""
    shapes, notes = [], []
    for name, t0, t1 in phases:
        shapes.append({"type": "rect", "xref": "x", "yref": "paper", "x0": t0, "x1": t1, "y0": 0, "y1": 1,
                       "fillcolor": phase_colour(name), "opacity": 0.45, "line": {"width": 0}, "layer": "below"})
    for name, t in events:
        shapes.append({"type": "line", "xref": "x", "yref": "paper", "x0": t, "x1": t, "y0": 0, "y1": 1,
                       "line": {"color": "#555", "width": 1, "dash": "dot"}})
        if with_labels:
            notes.append({"x": t, "y": 1.0, "xref": "x", "yref": "paper", "text": name, "showarrow": False,
                          "textangle": -60, "xanchor": "left", "yanchor": "bottom", "font": {"size": 9}})
    return shapes, notes


def phase_legend(names) -> list[dict]:
    """Legend-only traces naming the phase bands."""
    out = [{"type": "scatter", "x": [None], "y": [None], "mode": "markers", "name": n, "legendgroup": "phases",
            "showlegend": True, "marker": {"symbol": "square", "size": 12, "color": phase_colour(n)},
            "hoverinfo": "skip"} for n in names]
    if out:
        out[0]["legendgrouptitle"] = {"text": "phases"}
    return out
