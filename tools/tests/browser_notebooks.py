"""The notebooks as a person meets them: JupyterLab in headless Chromium.

Starts JupyterLab on a free port (token known, a throw-away config, settings and runtime folder, no browser) serving
copies of nbs/00-04 (the tracked notebooks are never opened, so autosave cannot touch them). For each notebook: open it,
Run All on its default (smoke) parameters, wait for the kernel to finish, assert that no cell has an error output and every
code cell ran, then use the notebook's explorer as a reader would (pick another item in a dropdown, or move a slider) and
assert that the explorer's output changed. A screenshot of the explorer per notebook goes to the run folder
(runs/browser/<UTC time>/, git-ignored). Needs Chromium and Playwright (see tools/tests/_browser.py); skips without them.
Run: python tools/run_tests.py tools/tests/browser_notebooks.py (or --flags browser with the whole suite).
PROTNB_BROWSER_NBS=00,03 runs some notebooks only; PROTNB_BROWSER_IMAGES=nbs/img also writes each explorer's screenshot,
shrunk, as explore_NN.png there (the README's images).
"""
import ctypes, json, os, shutil, signal, subprocess, sys, tempfile, time, urllib.request, secrets
from pathlib import Path
sys.path.insert(0, str(Path(__file__).parent))
from _browser import root, need_browser, run_dir, free_port

exe = need_browser()
if shutil.which("jupyter") is None or subprocess.run(["jupyter", "lab", "--version"], capture_output=True).returncode:
    print("skipped: JupyterLab is not installed (pip install -e '.[browser]')"); sys.exit(77)
from playwright.sync_api import sync_playwright

# notebook -> how a reader uses its explorer: ("select" | "slider", the control's description)
NOTEBOOKS = {"00_embeddings": ("select", "protein"), "01_tps_fusion": ("select", "enzyme"), "02_tf_crossattn": ("select", "tile"),
             "03_mae_pretrain": ("slider", "mask ratio"), "04_ppi_v5": ("select", "pair")}
only = [a for a in os.environ.get("PROTNB_BROWSER_NBS", "").split(",") if a]
NB_TIMEOUT = int(os.environ.get("PROTNB_BROWSER_NB_TIMEOUT", "900"))   # seconds for one notebook's Run All

STATE_JS = """() => {
  const nb = window.jupyterapp.shell.currentWidget;
  if (!nb || !nb.content || !nb.sessionContext.session) return null;
  const cells = nb.content.widgets.map(c => ({type: c.model.type, count: c.model.type === 'code' ? c.model.executionCount : null,
      errors: c.model.type === 'code' ? c.model.outputs.toJSON().filter(o => o.output_type === 'error').map(o => o.ename + ': ' + o.evalue) : [],
      src: c.model.sharedModel.getSource().slice(0, 80)}));
  return {status: nb.sessionContext.session.kernel ? nb.sessionContext.session.kernel.status : 'none', cells};
}"""

def small_png(src: Path, dest: Path, width: int = 640, colours: int = 256):
    "A README-sized copy of a screenshot: at most `width` pixels wide, an adaptive palette (a few tens of kB)."
    from PIL import Image
    im = Image.open(src).convert("RGB")
    if im.width > width: im = im.resize((width, round(im.height * width / im.width)), Image.LANCZOS)
    dest.parent.mkdir(parents=True, exist_ok=True)
    im.quantize(colours, method=Image.Quantize.FASTOCTREE, dither=Image.Dither.NONE).save(dest, optimize=True)

def _die_with_parent():
    "In the child: get SIGTERM when this test's process dies (killed by a timeout too), so no JupyterLab is left behind."
    try: ctypes.CDLL("libc.so.6", use_errno=True).prctl(1, signal.SIGTERM)   # PR_SET_PDEATHSIG (Linux)
    except OSError: pass

KERNEL_IDLE_JS = ("() => { const k = window.jupyterapp.shell.currentWidget.sessionContext.session.kernel; "
                  "return k && k.status === 'idle'; }")

def wait_http(url, proc, log, secs=120):
    t0 = time.time()
    while time.time() - t0 < secs:
        if proc.poll() is not None: raise RuntimeError(f"JupyterLab exited with code {proc.returncode}; see {log}")
        try: urllib.request.urlopen(url, timeout=5); return
        except Exception: time.sleep(1)
    raise TimeoutError(f"JupyterLab did not answer at {url} within {secs}s")

def run_notebook(page, base, token, name, how, out: Path) -> list[str]:
    "Open, Run All, check, interact, screenshot; return the problems found (empty: passed)."
    problems, t0 = [], time.time()
    page.goto(f"{base}/lab/tree/{name}.ipynb?token={token}&reset")
    page.wait_for_function("() => window.jupyterapp && window.jupyterapp.shell.currentWidget && window.jupyterapp.shell.currentWidget.sessionContext "
                           "&& window.jupyterapp.shell.currentWidget.sessionContext.session && window.jupyterapp.shell.currentWidget.sessionContext.session.kernel "
                           "&& window.jupyterapp.shell.currentWidget.sessionContext.session.kernel.status === 'idle'", timeout=180_000)
    page.evaluate("() => window.jupyterapp.shell.collapseLeft()")   # the file browser off: room for the notebook
    page.evaluate("() => window.jupyterapp.commands.execute('notebook:run-all-cells')")
    time.sleep(3)
    while True:   # done when the kernel is idle and every code cell has a count (or a cell failed, which stops Run All)
        st = page.evaluate(STATE_JS)
        code = [c for c in st["cells"] if c["type"] == "code"]
        if any(c["errors"] for c in code) or (st["status"] == "idle" and all(c["count"] for c in code)): break
        if time.time() - t0 > NB_TIMEOUT: problems.append(f"Run All did not finish in {NB_TIMEOUT}s (kernel {st['status']})"); break
        time.sleep(2)
    errs = [f"cell '{c['src'][:50]}...': {e}" for c in code for e in c["errors"]]
    problems += errs
    if not errs and not problems and (missing := [c["src"][:50] for c in code if not c["count"]]): problems.append(f"cells not run: {missing[:3]}")
    secs = time.time() - t0
    # the explorer: the last interactive widget on the page holding the control (a Tab's first page is the one shown)
    kind, label = how
    ui = page.locator(".widget-interact", has=page.locator(f"label:text-is('{label}')")).last
    if not ui.count(): problems.append(f"no explorer widget (.widget-interact) with a control '{label}' rendered"); return problems
    ui.scroll_into_view_if_needed()
    output = ui.locator(".widget-output").last
    output.wait_for(timeout=60_000)
    time.sleep(1)
    before = output.inner_html()
    page.screenshot(path=str(out/f"{name}_before.png"))
    if kind == "select":
        box = ui.locator(f".widget-dropdown:has(label:text-is('{label}')) select")
        opts = box.locator("option").all_inner_texts()
        if len(opts) < 2: problems.append(f"dropdown '{label}' has {len(opts)} option(s)"); return problems
        box.select_option(index=1)
    else:
        handle = ui.locator(f".widget-slider:has(label:text-is('{label}')) .noUi-handle")
        handle.focus(); [handle.press("ArrowRight") for _ in range(3)]
    try: page.wait_for_function("([el, old]) => el.innerHTML !== old && !el.querySelector('.jp-OutputArea-executing')", arg=[output.element_handle(), before], timeout=120_000)
    except Exception: problems.append(f"the explorer's output did not change after using its {kind} '{label}'")
    try: page.wait_for_function(KERNEL_IDLE_JS, timeout=180_000)   # the explorer may still be drawing (figure after table)
    except Exception: problems.append("the kernel stayed busy after the interaction")
    try: page.wait_for_function("el => [...el.querySelectorAll('img')].every(i => i.complete && i.naturalWidth > 0)", arg=output.element_handle(), timeout=60_000)
    except Exception: problems.append("a figure of the explorer did not load")
    time.sleep(2)   # let the new figure paint
    ui.scroll_into_view_if_needed()
    page.screenshot(path=str(out/f"{name}.png"))
    box = ui.bounding_box()   # an element taller than the window is drawn wrongly from JupyterLab's inner scroller: grow the window
    if box and box["height"] > 750:
        page.set_viewport_size({"width": 1280, "height": int(box["height"]) + 300}); time.sleep(1); ui.scroll_into_view_if_needed()
    ui.screenshot(path=str(out/f"{name}_explorer.png"))
    page.set_viewport_size({"width": 1280, "height": 900})
    if img_dir := os.environ.get("PROTNB_BROWSER_IMAGES"): small_png(out/f"{name}_explorer.png", root/img_dir/f"explore_{name[:2]}.png")
    print(f"  {name}: Run All {secs:.0f}s, {len(code)} code cells, explorer '{label}' changed its output", flush=True)
    return problems

def main():
    out = run_dir()
    work = Path(tempfile.mkdtemp(prefix="protnb-browser-"))
    (work/"nbs").mkdir()
    for name in NOTEBOOKS: shutil.copy(root/"nbs"/f"{name}.ipynb", work/"nbs"/f"{name}.ipynb")
    settings = work/"settings"/"@jupyterlab"
    (settings/"notebook-extension").mkdir(parents=True); (settings/"apputils-extension").mkdir(parents=True)
    (settings/"notebook-extension"/"tracker.jupyterlab-settings").write_text(json.dumps({"windowingMode": "none"}))   # every cell in the DOM
    (settings/"apputils-extension"/"notification.jupyterlab-settings").write_text(json.dumps({"fetchNews": "false", "checkForUpdates": False}))
    port, token = free_port(), secrets.token_hex(16)
    env = {**os.environ, "JUPYTER_CONFIG_DIR": str(work/"config"), "JUPYTER_RUNTIME_DIR": str(work/"runtime"),
           "JUPYTERLAB_SETTINGS_DIR": str(work/"settings"), "JUPYTERLAB_WORKSPACES_DIR": str(work/"workspaces"),
           "PROTNB_ROOT": str(root), "PYTHONPATH": os.pathsep.join(filter(None, [str(root), os.environ.get("PYTHONPATH")])),
           "OMP_NUM_THREADS": "1", "MKL_NUM_THREADS": "1"}
    env.pop("IN_TEST", None)
    log = open(out/"jupyterlab.log", "w")
    lab = subprocess.Popen(["jupyter", "lab", "--no-browser", f"--port={port}", "--ip=127.0.0.1", f"--IdentityProvider.token={token}",
                            f"--ServerApp.root_dir={work/'nbs'}", "--LabApp.expose_app_in_browser=True", "--ServerApp.open_browser=False", "--allow-root"],
                           cwd=work/"nbs", env=env, stdout=log, stderr=subprocess.STDOUT, preexec_fn=_die_with_parent)
    base, failed = f"http://127.0.0.1:{port}", {}
    try:
        wait_http(f"{base}/api/status?token={token}", lab, out/"jupyterlab.log")
        with sync_playwright() as pw:
            browser = pw.chromium.launch(executable_path=exe, args=["--no-sandbox", "--disable-gpu"])
            page = browser.new_page(viewport={"width": 1280, "height": 900})
            for name, how in NOTEBOOKS.items():
                if only and not any(o in name for o in only): continue
                try: problems = run_notebook(page, base, token, name, how, out)
                except Exception as e: problems = [f"{type(e).__name__}: {str(e).splitlines()[0][:300]}"]
                if problems:
                    failed[name] = problems; print(f"FAIL {name}: " + "; ".join(problems), flush=True)
                    try: page.screenshot(path=str(out/f"{name}_failed.png"))
                    except Exception: pass
                try: page.evaluate("() => window.jupyterapp.shell.currentWidget.sessionContext.shutdown()")
                except Exception: pass
            browser.close()
    finally:
        lab.terminate()
        try: lab.wait(20)
        except subprocess.TimeoutExpired: lab.kill()
        shutil.rmtree(work, ignore_errors=True)
    print(f"screenshots: {out}")
    if failed: sys.exit(1)

if __name__ == "__main__": main()
