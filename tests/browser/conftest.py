"""Fixtures for the browser tests: JupyterLab on a throw-away copy of the notebooks, driven by headless Chromium.

Chromium is Debian's (``apt-get install chromium``), launched by Playwright for Python through ``executable_path``:
Playwright's own browser download cannot work on these machines. Where Chromium or Playwright is missing the tests
are skipped with the reason, unless ``RNNLAB_REQUIRE_BROWSER=1`` (set by ``.ci/run``): then they fail.
"""
from __future__ import annotations

import json
import os
import re
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
NOTEBOOKS = ROOT / "notebooks"
ARTIFACTS = ROOT / "test-artifacts" / "browser"
CHROMIUM_CANDIDATES = ("chromium", "chromium-browser", "/usr/bin/chromium")
CHROMIUM_FLAGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                  "--disable-sync", "--no-first-run"]
SERVER_START_TIMEOUT = 60


def require_browser():
    return os.environ.get("RNNLAB_REQUIRE_BROWSER", "") not in ("", "0")


def unavailable(reason):
    """Skip with ``reason``, or fail where the browser tests must run (CI sets RNNLAB_REQUIRE_BROWSER=1)."""
    if require_browser():
        pytest.fail(f"{reason}; RNNLAB_REQUIRE_BROWSER is set, so the browser tests may not be skipped", pytrace=False)
    pytest.skip(reason)


def find_chromium():
    """Path of Chromium: $RNNLAB_CHROMIUM, else Debian's chromium on PATH; None when there is none."""
    explicit = os.environ.get("RNNLAB_CHROMIUM")
    for candidate in ([explicit] if explicit else CHROMIUM_CANDIDATES):
        found = shutil.which(candidate)
        if found:
            return found
    return None


def widget_notebook(source, experiment, extra_cells=()):
    """A small notebook: ``source``'s set-up cell (its first code cell), ``extra_cells``, then its widget cell.

    Both cells are read from the real notebook, so the test runs what a student runs (the training cells in between
    take minutes, and the widget needs only the set-up).
    """
    import nbformat

    nb = nbformat.read(source, as_version=4)
    code = [c for c in nb.cells if c.cell_type == "code"]
    widget_cells = [c for c in code if f'experiment_widget("{experiment}")' in c.source]
    assert widget_cells, f"{source.name} has no cell calling experiment_widget({experiment!r})"
    cells = [code[0], *(nbformat.v4.new_code_cell(s) for s in extra_cells), widget_cells[0]]
    small = nbformat.v4.new_notebook(metadata=nb.metadata)
    small.cells = [nbformat.v4.new_code_cell(c.source) for c in cells]
    return small


def _free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _quiet_lab_settings(settings_dir):
    """User settings for a clean screen: no news question, no update check, every cell rendered."""
    files = {
        "@jupyterlab/apputils-extension/notification.jupyterlab-settings": {"fetchNews": "false",
                                                                             "checkForUpdates": False},
        "@jupyterlab/notebook-extension/tracker.jupyterlab-settings": {"windowingMode": "none"},
    }
    for name, content in files.items():
        path = settings_dir / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(content))


class Lab:
    """A running JupyterLab server: ``url(path)`` gives a page address with the token."""

    def __init__(self, root, port, token, process):
        self.root, self.port, self.token, self.process = root, port, token, process

    def url(self, path="", reset=False):
        """``reset``: open JupyterLab with a fresh workspace, without the tabs of earlier pages."""
        return f"http://127.0.0.1:{self.port}/{path.lstrip('/')}?{'reset&' if reset else ''}token={self.token}"

    def api(self, path, method="GET"):
        request = urllib.request.Request(self.url(f"api/{path}"), method=method)
        with urllib.request.urlopen(request, timeout=30) as response:
            body = response.read()
        return json.loads(body) if body else None

    def shut_down_kernels(self):
        for session in self.api("sessions"):
            self.api(f"sessions/{session['id']}", method="DELETE")

    def write_notebook(self, name, nb):
        import nbformat

        nbformat.write(nb, self.root / name)
        return name


def _artifact_name(node):
    return re.sub(r"[^A-Za-z0-9_.-]+", "-", node.name).strip("-")


@pytest.fixture(scope="session")
def browser_unavailable():
    """:func:`unavailable`, for test modules (this folder is no package, so they cannot import it)."""
    return unavailable


@pytest.fixture(scope="session")
def chromium_path():
    path = find_chromium()
    if path is None:
        unavailable("Chromium not found (apt-get install chromium, or set RNNLAB_CHROMIUM to its path)")
    return path


@pytest.fixture(scope="session")
def playwright_api():
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        unavailable('the playwright package is not installed (pip install -e ".[dev]")')
    with sync_playwright() as p:
        yield p


@pytest.fixture(scope="session")
def browser(playwright_api, chromium_path):
    """Debian's Chromium, headless, with no network of its own (the flags keep it off Google's services)."""
    shutil.rmtree(ARTIFACTS, ignore_errors=True)  # screenshots of this run only
    browser = playwright_api.chromium.launch(executable_path=chromium_path, headless=True, args=CHROMIUM_FLAGS)
    yield browser
    browser.close()


@pytest.fixture(scope="session")
def lab(tmp_path_factory, browser):
    """JupyterLab on 127.0.0.1, a free port and a random token, serving a throw-away copy of the notebooks.

    (It asks for the browser first, so that without Chromium no server is started.)
    """
    try:
        import jupyterlab  # noqa: F401
    except ImportError:
        unavailable('JupyterLab is not installed (pip install -e ".[notebooks]")')
    base = tmp_path_factory.mktemp("lab")
    root = base / "notebooks"
    shutil.copytree(NOTEBOOKS, root, ignore=shutil.ignore_patterns(".ipynb_checkpoints"))
    _quiet_lab_settings(base / "settings")
    env = dict(os.environ, OMP_NUM_THREADS="1", JUPYTER_CONFIG_DIR=str(base / "config"),
               JUPYTERLAB_SETTINGS_DIR=str(base / "settings"), JUPYTERLAB_WORKSPACES_DIR=str(base / "workspaces"),
               JUPYTER_RUNTIME_DIR=str(base / "runtime"), PYTHONPATH=os.pathsep.join(
                   p for p in (str(ROOT), os.environ.get("PYTHONPATH")) if p))
    port, token = _free_port(), secrets.token_hex(16)
    log = open(base / "jupyterlab.log", "w")
    process = subprocess.Popen(
        [sys.executable, "-m", "jupyterlab", "--no-browser", "--ServerApp.ip=127.0.0.1", f"--ServerApp.port={port}",
         "--ServerApp.port_retries=0", f"--IdentityProvider.token={token}", f"--ServerApp.root_dir={root}",
         "--ServerApp.allow_root=True", "--ServerApp.terminals_enabled=False", "--LabApp.news_url=None",
         "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate"],
        cwd=root, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    server = Lab(root, port, token, process)
    try:
        deadline = time.monotonic() + SERVER_START_TIMEOUT
        while True:
            if process.poll() is not None:
                pytest.fail(f"JupyterLab exited with {process.returncode}:\n{(base / 'jupyterlab.log').read_text()}")
            try:
                with urllib.request.urlopen(server.url("api/status"), timeout=2) as response:
                    if response.status == 200:
                        break
            except OSError:
                pass
            if time.monotonic() > deadline:
                pytest.fail(f"JupyterLab did not answer within {SERVER_START_TIMEOUT} s:\n"
                            f"{(base / 'jupyterlab.log').read_text()}")
            time.sleep(0.3)
        yield server
    finally:
        # SIGTERM makes the server shut its kernels down; the process group catches anything left behind.
        process.terminate()
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            pass
        try:
            os.killpg(process.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        process.wait()
        log.close()


@pytest.fixture
def widget_notebook_in_lab(lab):
    """``widget_notebook_in_lab(notebook, experiment, extra_cells=())``: write a :func:`widget_notebook` made from
    notebooks/``notebook`` into the server's folder and return its name there."""
    def make(notebook, experiment, extra_cells=()):
        source = NOTEBOOKS / notebook
        if not source.exists():
            pytest.skip(f"notebooks/{notebook} is not in the repository")
        name = f"widget_{Path(notebook).stem}_{len(extra_cells)}.ipynb"
        return lab.write_notebook(name, widget_notebook(source, experiment, extra_cells))

    return make


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_runtest_makereport(item, call):
    report = yield
    if report.when == "call":
        item.browser_test_failed = report.failed
    return report


@pytest.fixture
def page(browser, lab, request):
    """A fresh browser page; a screenshot of it is kept when the test fails. The test's kernels end with it."""
    context = browser.new_context(viewport={"width": 1280, "height": 1200})
    page = context.new_page()
    page.set_default_timeout(30_000)
    yield page
    if getattr(request.node, "browser_test_failed", False):
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / f"{_artifact_name(request.node)}-failed.png"), full_page=True)
    context.close()
    lab.shut_down_kernels()


@pytest.fixture
def shoot(page, request):
    """``shoot(state)`` saves a screenshot to test-artifacts/browser/<test>-<n>-<state>.png."""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    name = _artifact_name(request.node)
    count = iter(range(1, 100))

    def shoot(state):
        path = ARTIFACTS / f"{name}-{next(count)}-{state}.png"
        page.screenshot(path=str(path), full_page=True)
        return path

    return shoot
