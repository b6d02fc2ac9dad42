"""The course as a student sees it: JupyterLab in headless Chromium, driven by Playwright.

nbval proves that the cells run; this proves that a reader sees and hears the results. For each
lesson 00-06 it checks

* opened without running (a trusted copy, as Binder's build and the README's ``jupyter trust``
  leave it): the stored pictures are drawn and the stored audio players have a duration;
* run from the top (Run All, ``COMPANION_FAST=1``): no error output, and as many pictures and audio
  players (each with a non-zero duration) as the notebook produces;
* lesson 06's explorer: a new seed and a click on Generate show the busy state (button disabled,
  "generating..."), then a new piano roll, a new audio player and a MIDI download within 5 s.

The run uses the **teacher** versions: a student version's exercise cells raise NotImplementedError
by design, and Run All stops at the first; every other cell of a student version is the teacher's
(``tests/test_student.py`` keeps them in sync), so running the teacher version covers what a
student runs. The notebooks are copied to a temporary folder first, so JupyterLab's autosave never
touches the committed files.

Needs Debian's Chromium (``apt-get install chromium``: ``/usr/bin/chromium``; never a browser
download) and Playwright for Python (``pip install -e .[browser]``); without them every test skips
with one line saying what is missing. Screenshots go to ``build/screenshots/`` (not committed, or
``$COMPANION_SCREENSHOTS``); their paths are printed (``pytest -s``).

Run: ``COMPANION_FAST=1 python -m pytest -m browser -rs -s tests/browser``.
"""

from __future__ import annotations

import base64
import json
import os
import re
import secrets
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

pytestmark = pytest.mark.browser

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = os.environ.get("COMPANION_CHROMIUM", "/usr/bin/chromium")
LESSONS = sorted(p.name for p in (ROOT / "notebooks").glob("0[0-6]_*.ipynb"))
CHROMIUM_FLAGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]  # fmt: skip
EXPLORER_SECONDS = 5.0
RUN_ALL_SECONDS = float(os.environ.get("COMPANION_BROWSER_RUN_SECONDS", "240"))  # per notebook
START_SECONDS = float(os.environ.get("COMPANION_BROWSER_START_SECONDS", "180"))  # server, kernel


def _missing() -> str | None:
    if not Path(CHROMIUM).exists():
        return f"no Chromium at {CHROMIUM} (apt-get install chromium)"
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        return "Playwright for Python is not installed (pip install -e .[browser])"
    return None


if (why := _missing()) is not None:
    pytest.skip(f"browser test skipped: {why}", allow_module_level=True)

from playwright.sync_api import TimeoutError as PlaywrightTimeout  # noqa: E402
from playwright.sync_api import sync_playwright  # noqa: E402


# ----------------------------------------------------------------- what a notebook holds
def stored_counts(path: Path) -> dict[str, int]:
    """Pictures and audio players in a notebook's stored outputs, its saved widgets' included."""
    nb = json.loads(path.read_text(encoding="utf-8"))
    outputs = [o for c in nb["cells"] if c["cell_type"] == "code" for o in c.get("outputs", [])]
    state = nb.get("metadata", {}).get("widgets", {}).get("application/vnd.jupyter.widget-state+json", {})
    for model in state.get("state", {}).values():
        outputs += model.get("state", {}).get("outputs", []) or []

    def text(o, mime):
        value = o.get("data", {}).get(mime, "")
        return "".join(value) if isinstance(value, list) else value

    return {
        "images": sum(1 for o in outputs if "image/png" in o.get("data", {})),
        "audio": sum(text(o, "text/html").count("<audio") for o in outputs),
    }


# ----------------------------------------------------------------- the server
def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def lab(tmp_path_factory):
    """JupyterLab on 127.0.0.1 (random port and token) over a trusted copy of the course."""
    base = tmp_path_factory.mktemp("lab")
    course = base / "course"
    shutil.copytree(ROOT / "notebooks", course / "notebooks", ignore=shutil.ignore_patterns(".ipynb_checkpoints"))
    shutil.copytree(ROOT / "results", course / "results")
    if (ROOT / "shared").is_dir():
        (course / "shared").symlink_to(ROOT / "shared")
    settings = base / "settings" / "@jupyterlab" / "notebook-extension"
    settings.mkdir(parents=True)
    # every cell in the page (no windowing), so that every output can be counted
    (settings / "tracker.jupyterlab-settings").write_text(json.dumps({"windowingMode": "none"}))
    env = dict(os.environ, COMPANION_FAST="1", PYTHONPATH=os.pathsep.join(filter(None, [str(ROOT),
               os.environ.get("PYTHONPATH")])), JUPYTER_DATA_DIR=str(base / "data"),
               JUPYTER_RUNTIME_DIR=str(base / "runtime"), JUPYTER_CONFIG_DIR=str(base / "config"))
    notebooks = sorted((course / "notebooks").glob("*.ipynb")) + sorted((course / "notebooks/student").glob("*.ipynb"))
    subprocess.run([sys.executable, "-m", "jupyter", "trust", *map(str, notebooks)], env=env, check=True,
                   capture_output=True)
    port, token = _free_port(), secrets.token_hex(16)
    command = ["nice", "-n", "19", sys.executable, "-m", "jupyter", "lab", "--no-browser", "--allow-root",
               "--ip=127.0.0.1", f"--port={port}", f"--IdentityProvider.token={token}",
               f"--ServerApp.root_dir={course}", f"--LabApp.workspaces_dir={base / 'workspaces'}",
               f"--LabApp.user_settings_dir={base / 'settings'}", "--LabApp.expose_app_in_browser=True",
               "--LabApp.news_url=", "--ServerApp.port_retries=0"]
    log = open(base / "lab.log", "w")
    server = subprocess.Popen(command, env=env, stdout=log, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + START_SECONDS
        while True:
            try:
                urllib.request.urlopen(f"{url}/api/status?token={token}", timeout=2)
                break
            except OSError:
                if server.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError(f"JupyterLab did not start: {(base / 'lab.log').read_text()[-2000:]}") from None
                time.sleep(0.5)
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_FLAGS)
            yield {"url": url, "token": token, "browser": browser, "course": course}
            browser.close()
    finally:
        server.terminate()
        try:
            server.wait(timeout=20)
        except subprocess.TimeoutExpired:
            server.kill()
        log.close()


@pytest.fixture(scope="module")
def shots() -> Path:
    folder = Path(os.environ.get("COMPANION_SCREENSHOTS", ROOT / "build" / "screenshots")) / time.strftime(
        "%Y%m%d-%H%M%S")
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def screenshot(page, folder: Path, name: str) -> None:
    path = folder / f"{name}.png"
    page.screenshot(path=str(path))
    print(f"screenshot: {path}")


# ----------------------------------------------------------------- the page
NOTEBOOK = "window.jupyterapp && jupyterapp.shell.currentWidget && jupyterapp.shell.currentWidget.content"
COUNT = """() => {
  const outs = document.querySelectorAll('.jp-NotebookPanel .jp-Cell-outputArea');
  let images = 0, audio = [];
  outs.forEach(o => { images += o.querySelectorAll('img').length;
                      o.querySelectorAll('audio').forEach(a => audio.push(a.duration || 0)); });
  return {images, audio};
}"""
ERRORS = """() => {
  const cells = jupyterapp.shell.currentWidget.content.widgets;
  const errors = [];
  cells.forEach((c, i) => { if (c.model.type !== 'code') return;
    c.model.outputs.toJSON().forEach(o => { if (o.output_type === 'error')
      errors.push(`cell ${i}: ${o.ename}: ${o.evalue}`); }); });
  return errors;
}"""
DONE = """() => {
  const w = jupyterapp.shell.currentWidget, k = w.sessionContext.session && w.sessionContext.session.kernel;
  if (!k || k.status !== 'idle') return false;
  const code = w.content.widgets.filter(c => c.model.type === 'code' && c.model.sharedModel.getSource().trim());
  const errored = code.some(c => c.model.outputs.toJSON().some(o => o.output_type === 'error'));
  const pending = [...document.querySelectorAll('.jp-InputPrompt')].some(p => p.textContent.includes('*'));
  return !pending && (errored || code.every(c => c.model.executionCount !== null));
}"""


def open_notebook(lab, name: str, workspace: str, folder: str = "notebooks", kernel: bool = True):
    """A fresh page with ``name`` open in its own workspace (no tab of an earlier test reopens),
    its kernel idle when ``kernel``."""
    page = lab["browser"].new_page(viewport={"width": 1366, "height": 900})
    page.goto(f"{lab['url']}/lab/workspaces/{workspace}/tree/{folder}/{name}?reset&token={lab['token']}")
    page.wait_for_function(f"{NOTEBOOK} && jupyterapp.shell.currentWidget.context.isReady",
                           timeout=START_SECONDS * 1000)
    if not kernel:
        return page
    page.wait_for_function("""() => { const s = jupyterapp.shell.currentWidget.sessionContext;
        return s.session && s.session.kernel && s.session.kernel.status === 'idle'; }""", timeout=START_SECONDS * 1000)
    return page


def close(lab, page) -> None:
    """Close the page and shut its kernels down (a kernel outlives its tab and would compete with the next)."""
    page.close()
    api = f"{lab['url']}/api/sessions"
    headers = {"Authorization": f"token {lab['token']}"}
    with urllib.request.urlopen(urllib.request.Request(api, headers=headers), timeout=10) as answer:
        sessions = json.load(answer)
    for session in sessions:
        request = urllib.request.Request(f"{api}/{session['id']}", headers=headers, method="DELETE")
        urllib.request.urlopen(request, timeout=30).close()


def wait_for_media(page, images: int, audio: int, timeout: float = 30.0) -> dict:
    """Counts once at least ``images`` pictures and ``audio`` players with a duration are there."""
    deadline = time.monotonic() + timeout
    while True:
        seen = page.evaluate(COUNT)
        if (seen["images"] >= images and len(seen["audio"]) >= audio and all(d > 0 for d in seen["audio"])) \
                or time.monotonic() > deadline:
            return seen
        time.sleep(0.5)


# ----------------------------------------------------------------- the tests
@pytest.mark.parametrize("name", LESSONS)
def test_opened_without_running_shows_the_stored_pictures_and_audio(lab, shots, name):
    expected = stored_counts(ROOT / "notebooks" / name)
    page = open_notebook(lab, name, f"open-{name[:2]}", kernel=False)
    try:
        seen = wait_for_media(page, expected["images"], expected["audio"])
        screenshot(page, shots, f"{name[:-6]}-opened")
        text = page.inner_text(".jp-NotebookPanel")
        assert "VBox(children" not in text, f"{name}: a saved widget shows as raw text"
        assert not re.search(r"\d+%\|", text), f"{name}: frozen progress-bar text"
        assert seen["images"] == expected["images"], f"{name}: {seen['images']} pictures drawn, stored {expected}"
        assert len(seen["audio"]) == expected["audio"], f"{name}: {len(seen['audio'])} players, stored {expected}"
        assert all(d > 0 for d in seen["audio"]), f"{name}: players without a duration: {seen['audio']}"
    finally:
        close(lab, page)


@pytest.mark.parametrize("name", LESSONS)
def test_run_all_gives_no_error_and_every_picture_and_player(lab, shots, name):
    expected = stored_counts(ROOT / "notebooks" / name)
    page = open_notebook(lab, name, f"run-{name[:2]}")
    try:
        page.evaluate("jupyterapp.commands.execute('notebook:clear-all-cell-outputs')")
        start = time.monotonic()
        page.evaluate("jupyterapp.commands.execute('notebook:run-all-cells')")
        page.wait_for_function(DONE, timeout=RUN_ALL_SECONDS * 1000, polling=1000)
        elapsed = time.monotonic() - start
        seen = wait_for_media(page, expected["images"], expected["audio"])
        screenshot(page, shots, f"{name[:-6]}-run")
        print(f"{name}: ran in {elapsed:.0f} s, {seen['images']} pictures, {len(seen['audio'])} players")
        errors = page.evaluate(ERRORS)
        assert errors == [], f"{name}: error output: {errors}"
        assert seen["images"] == expected["images"], f"{name}: {seen['images']} pictures after running, {expected}"
        assert len(seen["audio"]) == expected["audio"], f"{name}: {len(seen['audio'])} players, expected {expected}"
        assert all(d > 0 for d in seen["audio"]), f"{name}: players without a duration: {seen['audio']}"
    finally:
        close(lab, page)


OBSERVE_BUSY = """() => {
  window.__busy = {disabled: false, label: false};
  const box = document.querySelector('.companion-explorer') || document.body;
  const check = () => {
    const b = [...document.querySelectorAll('.jupyter-widgets button')].find(x => x.textContent.includes('Generate'));
    if (b && b.disabled) window.__busy.disabled = true;
    if (document.body.innerText.includes('generating...')) window.__busy.label = true;
  };
  new MutationObserver(check).observe(box, {subtree: true, childList: true, attributes: true, characterData: true});
}"""
EXPLORER_MEDIA = """() => {
  const out = [...document.querySelectorAll('.jupyter-widgets.widget-output, .widget-output')].pop();
  if (!out) return null;
  const img = out.querySelector('img'), audio = out.querySelector('audio'), link = out.querySelector('a[download]');
  // IPython's Audio puts its data in a <source> child: audio.src stays empty, currentSrc is the source's
  const source = audio && (audio.currentSrc || audio.src || (audio.querySelector('source') || {}).src || '');
  return {img: img && img.src, audio: source, duration: audio ? audio.duration || 0 : 0,
          link: link && link.getAttribute('download'), href: link && link.href};
}"""


def test_explorer_answers_a_new_seed_within_5_seconds(lab, shots):
    name = "06_diminishing_returns.ipynb"
    page = open_notebook(lab, name, "explorer")
    try:
        page.evaluate("jupyterapp.commands.execute('notebook:clear-all-cell-outputs')")
        index = page.evaluate("""() => jupyterapp.shell.currentWidget.content.widgets.findIndex(
            c => c.model.sharedModel.getSource().includes('explorer('))""")
        assert index >= 0, "lesson 06 has no explorer cell"
        page.evaluate(f"""async () => {{ const w = jupyterapp.shell.currentWidget;
            w.content.activeCellIndex = {index}; await jupyterapp.commands.execute('notebook:run-cell'); }}""")
        page.wait_for_function(DONE.replace("code.every(", "true || code.every("), timeout=120_000)
        page.wait_for_function(f"() => {{ const m = ({EXPLORER_MEDIA})(); return m && m.img && m.duration > 0; }}",
                               timeout=60_000)
        before = page.evaluate(EXPLORER_MEDIA)
        screenshot(page, shots, "06-explorer-first")
        seed = page.locator(".widget-inline-hbox", has=page.locator("label", has_text="seed")).locator("input")
        seed.fill("7")
        seed.press("Enter")
        page.wait_for_timeout(300)  # the new value reaches the kernel before the click
        page.evaluate(OBSERVE_BUSY)
        start = time.monotonic()
        page.locator(".jupyter-widgets button", has_text="Generate").click()
        try:
            page.wait_for_function(f"""() => {{ const m = ({EXPLORER_MEDIA})();
                return m && m.img && m.img !== {json.dumps(before['img'])} && m.duration > 0
                       && m.link && m.link.includes('seed7'); }}""", timeout=EXPLORER_SECONDS * 1000 + 5000)
        except PlaywrightTimeout:
            screenshot(page, shots, "06-explorer-no-answer")
            shown = {k: (v[:40] + "..." if isinstance(v, str) and len(v) > 40 else v)
                     for k, v in (page.evaluate(EXPLORER_MEDIA) or {}).items()}
            pytest.fail(f"no new roll, audio and seed7 MIDI link {EXPLORER_SECONDS + 5:.0f} s after Generate; the "
                        f"explorer shows {shown}, errors {page.evaluate(ERRORS)}")
        elapsed = time.monotonic() - start
        after = page.evaluate(EXPLORER_MEDIA)
        busy = page.evaluate("window.__busy")
        screenshot(page, shots, "06-explorer-seed7")
        print(f"explorer: new roll, audio and MIDI link {elapsed:.1f} s after the click; busy state {busy}")
        assert busy["disabled"], "the Generate button was not disabled while generating"
        assert busy["label"], "no 'generating...' while generating"
        assert after["audio"] and after["audio"] != before["audio"], "the audio did not change"
        assert base64.b64decode(after["href"].split(",", 1)[1])[:4] == b"MThd", "the download is no MIDI file"
        with page.expect_download(timeout=5000) as download:
            page.locator("a[download]", has_text="seed7").last.click()
        path = download.value.path()
        assert Path(path).read_bytes()[:4] == b"MThd" and download.value.suggested_filename.endswith("seed7.mid")
        assert page.locator(".jupyter-widgets button", has_text="Generate").is_enabled(), "Generate stays disabled"
        assert elapsed <= EXPLORER_SECONDS, f"the explorer took {elapsed:.1f} s (at most {EXPLORER_SECONDS} s)"
    finally:
        close(lab, page)
