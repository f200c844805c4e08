"""The course site (``make site``, in build/site) opened page by page in headless Chromium.

The site is served from 127.0.0.1 and the browser may fetch nothing else: a page that needs the network to show
itself fails here. Every HTML page is opened once (the ``visited`` fixture) and what it showed is recorded; the
tests then check that each page rendered without a script error or a missing file, that its equations were typeset,
that every figure a notebook saved is on its page and loaded, that every link inside the site leads to a page and
anchor that exist, that no page shows a widget's raw JSON or its text repr, and that the Colab and Binder buttons
open each notebook from the repository that docs/conf.py names.

``make test`` builds the site first; run alone, build it with ``make site`` (or point RNNLAB_SITE_DIR at a build).
"""
from __future__ import annotations

import functools
import http.server
import json
import os
import re
import runpy
import sys
import threading
import urllib.parse
from pathlib import Path

import pytest

pytestmark = pytest.mark.browser

ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = ROOT / "test-artifacts" / "browser"
SITE = Path(os.environ.get("RNNLAB_SITE_DIR") or ROOT / "build" / "site")
NOTEBOOKS = sorted((ROOT / "notebooks").glob("[0-9]*.ipynb"))
IMAGE_TYPES = ("image/png", "image/jpeg", "image/svg+xml", "image/gif")
WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"
# What a widget shows where it is not drawn: its text repr, or the JSON of its view or state.
# MathJax's hidden MathML copy for screen readers names TeX web fonts that jupyter-server-mathjax does not ship (the
# equations themselves use its STIX-Web fonts): the browser asks for them, gets a 404 and uses a font of its own.
ABSENT_MATHJAX_FONTS = re.compile(r"/_static/mathjax/fonts/HTML-CSS/TeX/otf/MathJax_[A-Za-z]+-[A-Za-z]+\.otf$")
RAW_WIDGET = re.compile(r"(?:VBox|HBox|IntSlider|FloatSlider|Dropdown|Button|Output)\(children=|\b(?:VBox|HBox)\("
                        r"|application/vnd\.jupyter\.widget|\"model_id\"|\"version_major\"")

# Runs in the page after it loaded: waits for MathJax (when the page has it) and reports what is on the page.
INSPECT = """async () => {
    if (window.MathJax && MathJax.Hub) await new Promise(done => MathJax.Hub.Queue(done));
    const article = document.querySelector("article.bd-article") || document.querySelector("main");
    const maths = [...document.querySelectorAll(".math.notranslate")];   // Sphinx's; MathJax's own spans are .math too
    const outputs = [...document.querySelectorAll(".cell_output img")];
    return {
        title: document.title,
        articleText: article ? article.innerText.trim().length : 0,
        text: document.body.innerText,
        untypesetMath: maths.filter(m => !m.querySelector(".MathJax, .MathJax_Display")).map(m => m.textContent.slice(0, 80)),
        mathErrors: maths.filter(m => m.querySelector(".MathJax_Error, .noError, merror")).map(m => m.textContent.slice(0, 80)),
        mathCount: maths.length,
        figures: outputs.length,
        brokenFigures: outputs.filter(i => !i.complete || i.naturalWidth === 0).map(i => i.getAttribute("src")),
        links: [...document.querySelectorAll("a[href]")].map(a => a.href),
        widgetFallbacks: [...document.querySelectorAll(".rnnlab-widget-fallback, .rnnlab-progress-fallback")]
            .map(w => w.querySelectorAll("li").length),
    };
}"""


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


@pytest.fixture(scope="module")
def site(browser_unavailable):
    if not (SITE / "docs" / "index.html").is_file():
        browser_unavailable(f"the course site is not built in {SITE} (make site)")
    return SITE


@pytest.fixture(scope="module")
def server(site):
    """The built site over HTTP on 127.0.0.1 and a free port; yields the base URL ending in '/'."""
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(_QuietHandler, directory=str(site)))
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}/"
    httpd.shutdown()
    httpd.server_close()


def site_pages(site):
    """Every HTML page of the site, as paths relative to it (the theme's own files under _static excluded)."""
    return sorted(p.relative_to(site).as_posix() for p in site.rglob("*.html") if p.relative_to(site).parts[0] != "_static")


@pytest.fixture(scope="module")
def visited(site, server, browser):
    """{page: what Chromium showed there}: each page opened once, with every request outside the site refused."""
    context = browser.new_context(viewport={"width": 1280, "height": 1000})
    outside, missing = [], []

    def guard(route):
        if route.request.url.startswith(server):
            route.continue_()
        else:
            outside.append(route.request.url)
            route.abort()

    context.route("**/*", guard)
    page = context.new_page()
    page.set_default_timeout(30_000)
    records = {}
    for name in site_pages(site):
        errors = []
        page.on("pageerror", on_error := (lambda exc, errors=errors: errors.append(str(exc))))
        page.on("response", on_response := (lambda r, name=name: r.status >= 400 and not ABSENT_MATHJAX_FONTS.search(r.url)
                                            and missing.append((name, r.url))))
        outside_before = len(outside)
        response = page.goto(server + name, wait_until="load")
        if 'http-equiv="refresh"' in (site / name).read_text(encoding="utf-8", errors="replace"):   # the top page
            page.wait_for_url(lambda url: url != server + name)
            page.wait_for_load_state("load")
        record = page.evaluate(INSPECT)
        record.update(status=response.status if response else None, url=page.url, errors=errors,
                      outside=outside[outside_before:])
        records[name] = record
        page.remove_listener("pageerror", on_error)
        page.remove_listener("response", on_response)
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    for shot in ("docs/index.html", "notebooks/03_long_dependency.html"):
        if shot in records:
            page.goto(server + shot, wait_until="load")
            page.evaluate(INSPECT)
            page.screenshot(path=str(ARTIFACTS / f"site-{shot.replace('/', '-')}.png"), full_page=True)
    context.close()
    return {"pages": records, "missing": missing, "server": server}


def notebook_page(notebook):
    return f"notebooks/{notebook.stem}.html"


def test_every_page_renders(visited):
    pages = visited["pages"]
    assert len(pages) >= 8 + len(NOTEBOOKS), f"the site has only {sorted(pages)}"
    problems = []
    for name, page in pages.items():
        if page["status"] != 200:
            problems.append(f"{name}: HTTP {page['status']}")
        if page["errors"]:
            problems.append(f"{name}: script errors {page['errors']}")
        if page["outside"]:
            problems.append(f"{name}: fetched from outside the site {page['outside'][:3]}")
        if page["untypesetMath"]:
            problems.append(f"{name}: {len(page['untypesetMath'])} equations not typeset, e.g. {page['untypesetMath'][0]!r}")
        if page["mathErrors"]:
            problems.append(f"{name}: {len(page['mathErrors'])} equations MathJax could not read, e.g. {page['mathErrors'][0]!r}")
        content = name.startswith(("docs/", "notebooks/"))
        if content and page["articleText"] < 200:
            problems.append(f"{name}: the article holds {page['articleText']} characters of text")
    problems += [f"{name}: {url} answered with an error" for name, url in visited["missing"]]
    assert not problems, "\n".join(problems)


def test_the_pages_show_their_equations(visited):
    """MathJax comes with the site: the notebooks' equations are typeset without the network."""
    for notebook in NOTEBOOKS[:2]:
        page = visited["pages"][notebook_page(notebook)]
        assert page["mathCount"] >= 5, f"{notebook.name} shows {page['mathCount']} equations"
        assert not page["untypesetMath"]


def test_the_landing_page_leads_to_every_notebook(visited):
    pages = visited["pages"]
    top = pages["index.html"]
    assert top["url"].endswith("/docs/index.html"), f"the site's top page stays at {top['url']}"
    landing = pages["docs/index.html"]
    for heading in ("What you learn", "Who it is for", "How long it takes", "How to start"):
        assert heading in landing["text"], f"the landing page has no section {heading!r}"
    linked = [urllib.parse.urlsplit(link).path for link in landing["links"]]
    expected = [f"/{notebook_page(nb)}" for nb in NOTEBOOKS]
    assert len(NOTEBOOKS) >= 5
    for path in expected:
        assert path in linked, f"the landing page does not link {path}"
    for page in ("instructor_guide", "report", "api"):
        assert f"/docs/{page}.html" in linked, f"the landing page does not link docs/{page}.html"
    in_order = [p for p in dict.fromkeys(linked) if p in expected]
    assert in_order == expected, f"the notebooks are listed as {in_order}"


def test_every_figure_a_notebook_saved_is_on_its_page(visited):
    for notebook in NOTEBOOKS:
        cells = json.loads(notebook.read_text(encoding="utf-8"))["cells"]
        saved = sum(any(t in out.get("data", {}) for t in IMAGE_TYPES) for c in cells for out in c.get("outputs", []))
        page = visited["pages"][notebook_page(notebook)]
        assert page["figures"] == saved, f"{notebook.name} saved {saved} figures, its page shows {page['figures']}"
        assert not page["brokenFigures"], f"{notebook.name}: figures that did not load {page['brokenFigures']}"
    assert sum(visited["pages"][notebook_page(nb)]["figures"] for nb in NOTEBOOKS) > 0


def test_no_page_shows_raw_widget_output(visited):
    shown = {name: RAW_WIDGET.findall(page["text"]) for name, page in visited["pages"].items()}
    assert not {name: found for name, found in shown.items() if found}
    for notebook in NOTEBOOKS:
        cells = json.loads(notebook.read_text(encoding="utf-8"))["cells"]
        views = sum(WIDGET_VIEW in out.get("data", {}) for c in cells for out in c.get("outputs", []))
        fallbacks = visited["pages"][notebook_page(notebook)]["widgetFallbacks"]
        assert len(fallbacks) == views, f"{notebook.name}: {views} saved widgets, {len(fallbacks)} described"
        assert all(n >= 1 for n in fallbacks), f"{notebook.name}: a widget described with no controls"


def _anchors(path, cache={}):
    if path not in cache:
        cache[path] = set(re.findall(r'\bid="([^"]+)"', path.read_text(encoding="utf-8", errors="replace")))
    return cache[path]


def test_internal_links_resolve(site, visited):
    server, broken, checked = visited["server"], [], 0
    for name, page in visited["pages"].items():
        for link in page["links"]:
            if not link.startswith(server):
                continue
            parts = urllib.parse.urlsplit(link)
            target = site / urllib.parse.unquote(parts.path).lstrip("/")
            if target.is_dir():
                target = target / "index.html"
            checked += 1
            if not target.is_file():
                broken.append(f"{name} -> {link}: no such file")
            elif parts.fragment and target.suffix == ".html" and urllib.parse.unquote(parts.fragment) not in _anchors(target):
                broken.append(f"{name} -> {link}: no anchor #{parts.fragment}")
    assert checked > 100, f"only {checked} links inside the site were found"
    assert not broken, "\n".join(broken[:40])


def test_launch_buttons_open_the_notebook_from_the_configured_repository(visited):
    saved = list(sys.path)
    try:
        conf = runpy.run_path(str(ROOT / "docs" / "conf.py"))
    finally:
        sys.path[:] = saved
    repo, ref = conf["REPOSITORY_URL"], conf["RELEASE_REF"]
    match = re.fullmatch(r"https://github\.com/([^/]+)/([^/]+)", repo)
    assert match, f"docs/conf.py's repository is not a GitHub repository: {repo}"
    owner, name = match.groups()
    for notebook in NOTEBOOKS:
        links = visited["pages"][notebook_page(notebook)]["links"]
        path = f"notebooks/{notebook.name}"
        colab = f"https://colab.research.google.com/github/{owner}/{name}/blob/{ref}/{path}"
        binder = f"https://mybinder.org/v2/gh/{owner}/{name}/{ref}?urlpath=lab/tree/{path}"
        assert colab in links, f"{notebook.name}'s page has no Colab button for {colab}"
        assert binder in links, f"{notebook.name}'s page has no Binder button for {binder}"


def test_the_api_page_documents_every_public_module(site, visited):
    """A module autodoc could not import would leave its heading with nothing under it (and only a build warning)."""
    sys.path.insert(0, str(ROOT / "docs" / "_ext"))
    try:
        import api_pages
    finally:
        sys.path.remove(str(ROOT / "docs" / "_ext"))
    modules = api_pages.public_modules(ROOT / "rnnlab")
    documented = {a.removeprefix("module-") for a in _anchors(site / "docs" / "api.html") if a.startswith("module-")}
    assert set(modules) <= documented, f"not documented: {sorted(set(modules) - documented)}"
    objects = {a for a in _anchors(site / "docs" / "api.html") if a.startswith("rnnlab.")}
    for name in ("rnnlab.data.first_token_task", "rnnlab.models.build_model", "rnnlab.training.train",
                 "rnnlab.experiments.run_experiment", "rnnlab.text.corpus.load_text"):
        assert name in objects, f"the API page does not document {name}"
    assert "API" in visited["pages"]["docs/api.html"]["title"]
