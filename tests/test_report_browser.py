"""The reports in a real browser: headless Chromium (Debian's `chromium`) driven by Playwright.
Every plot container must have drawn data, the console must stay free of errors and nothing may
be fetched from outside the file (the reports open offline).  Runs in CI (CI=true: .ci/run
installs chromium); locally it is skipped when /usr/bin/chromium or playwright is missing."""
import os
import shutil
from pathlib import Path

import pytest

CHROMIUM = Path("/usr/bin/chromium")
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync"]
DATA = Path(__file__).parent / "data" / "telemetry"


def _need_browser():
    why = None
    if not CHROMIUM.exists():
        why = f"{CHROMIUM} missing (apt-get install chromium)"
    else:
        try:
            import playwright.sync_api  # noqa: F401
        except ImportError:
            why = "playwright missing (pip install playwright; never `playwright install`)"
    if why and os.environ.get("CI") == "true":
        pytest.fail(f"browser test must run in CI: {why}")
    if why:
        pytest.skip(why)


@pytest.fixture(scope="module")
def reports(tmp_path_factory, request):
    _need_browser()
    campaign50 = request.getfixturevalue("campaign50")      # built only when a browser is there
    from rlvsim.mission import fly
    from rlvsim.report.flight import write_flight_report
    from rlvsim.report.telemetry import write_telemetry_report
    from rlvsim.telemetry import read_events, read_telemetry
    from rlvsim.telemetry.compare import compare

    d = tmp_path_factory.mktemp("browser")
    out, summaries, flights = {}, {}, {}
    for name in ("zhuque3", "zq3-y1"):
        flights[name] = f = fly(name)
        summaries[name] = f.summary()
        out[name] = write_flight_report(f, d / f"{name}.html")
    # the real 50-run campaign's report (`campaign show STORE --html`, tests/conftest.py) and the
    # flight report of its first failed run (re-flown on demand; plotly.js and the map shared)
    out["campaign"] = campaign50["html"]
    first_failed = next(r["run"] for r in campaign50["runs"].select(["run", "outcome"]).to_pylist()
                        if r["outcome"] != "landed")
    out["campaign run"] = campaign50["html"].parent / "runs" / f"run-{first_failed:06d}.html"
    csv = DATA / "f9_crs11_2017-06-03_rtls.csv"
    tel, web = read_telemetry(csv), read_events(DATA / "events.csv", csv.stem)
    f9 = fly("falcon9-rtls")
    out["telemetry"] = write_telemetry_report(f9, tel, compare(f9, tel, web), d / "telemetry.html", web)
    # the economics pages (`rlvsim economics ... --html`), from the commands' own results
    from rlvsim.economics.commands import budget_report, reliability_report
    from rlvsim.economics.constellation import compare_vehicles, plan_constellation, plan_with_sweep
    from rlvsim.economics.cost import cost_report
    from rlvsim.report.economics import write_economics_report
    plan = plan_constellation("zhuque3", preset_name="qianfan")
    plan["sweep"] = plan_with_sweep(plan)
    plan["vehicles"] = compare_vehicles(["falcon9", "zhuque3", "longmarch12a"], preset_name="qianfan")
    for kind, res in (("cost", cost_report("falcon9")), ("constellation", plan),
                      ("reliability", reliability_report(fit_until="2016-12-31", predict_year=2017)),
                      ("budget", budget_report(300e6, 30e6))):
        out[f"economics {kind}"] = write_economics_report(kind, res, d / f"economics_{kind}.html")
    return out, summaries, d


@pytest.fixture(scope="module")
def browser():
    _need_browser()
    from playwright.sync_api import sync_playwright
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        yield b
        b.close()


CHECK = """() => Array.from(document.querySelectorAll('.rlv-fig')).map(el => {
  const full = el._fullData || [];
  const pts = full.map(t => (t._length !== undefined && t._length !== null) ? t._length
                          : ((t.x || t.lat || t.y || []).length || 0));
  return {id: el.id, plotly: el.classList.contains('js-plotly-plot'), traces: full.length,
          points: pts.reduce((a, b) => a + b, 0),
          drawn: el.querySelectorAll('.scatterlayer .trace path, .barlayer path, .geo path.js-line, '
                                     + '.geo .scattergeo path, .point').length,
          canvas: el.querySelectorAll('canvas').length};
})"""


def _open(browser, path: Path, shot: Path):
    page = browser.new_page(viewport={"width": 1300, "height": 900})
    problems = []
    page.on("console", lambda m: problems.append(f"console {m.type}: {m.text}") if m.type == "error" else None)
    page.on("pageerror", lambda e: problems.append(f"page error: {e}"))
    page.on("request", lambda r: problems.append(f"network: {r.url}") if not r.url.startswith("file:") else None)
    page.goto(path.as_uri())
    page.wait_for_function("""() => { const n = Number(document.body.dataset.figures);
        const els = document.querySelectorAll('.js-plotly-plot');
        return n > 0 && els.length === n && Array.from(els).every(e => e._fullLayout && e._fullData); }""",
                           timeout=60_000)
    page.wait_for_timeout(500)          # let WebGL (3-D) and the map finish their first frame
    figs = page.evaluate(CHECK)
    page.screenshot(path=str(shot), full_page=True)
    text = page.inner_text("body")
    page.close()
    return figs, problems, text


@pytest.mark.parametrize("name", ["zhuque3", "zq3-y1", "campaign", "campaign run", "telemetry", "economics cost",
                                  "economics constellation", "economics reliability", "economics budget"])
def test_report_renders_in_chromium(name, reports, browser, campaign50):
    out, summaries, d = reports
    shot = d / f"{name.replace(' ', '_')}.png"
    figs, problems, text = _open(browser, out[name], shot)
    assert problems == []
    assert figs, "no figure on the page"
    for f in figs:
        assert f["plotly"] and f["traces"] >= 1 and f["points"] >= 1, f
        assert f["drawn"] + f["canvas"] >= 1, f        # SVG marks or a WebGL canvas actually drawn
    assert shot.stat().st_size > 50_000                # a screenshot with content, not a blank page
    if name in summaries:                              # the events a user reads are summary.json's
        for e in summaries[name]["events"]:
            assert e["name"] in text
    if name == "campaign":                             # what a reader sees is `campaign show --json`'s
        s = campaign50["stats"]
        assert f"{s['landed']} of {s['runs']} runs landed" in text
        for oc in s["outcomes"]:
            assert oc in text
    if name == "zhuque3" and os.environ.get("RLVSIM_DOCS_IMG"):
        shutil.copy(shot, os.environ["RLVSIM_DOCS_IMG"])
