"""Shared by the browser tests (`tools/tests/browser_*.py`): find Chromium and Playwright or skip, and the run folder.

Install once: `apt-get install -y chromium` (Debian; or set PROTNB_CHROMIUM to any Chromium/Chrome binary) and
`pip install -e ".[browser]"` (Playwright from PyPI; `playwright install` is not needed: the system Chromium is used).
A test calls `need_browser()` first: it exits with code 77 and a one-line reason when either is missing, which
`tools/run_tests.py` reports as skipped. Screenshots go to `run_dir()`, `runs/browser/<UTC timestamp>/` (git-ignored),
shared by the browser tests of one `run_tests.py` invocation through PROTNB_BROWSER_RUN.
"""
import os, shutil, socket, sys, time
from pathlib import Path

root = Path(__file__).resolve().parents[2]
SKIP = 77

def chromium() -> str | None:
    "Path of a Chromium binary: $PROTNB_CHROMIUM, else the first of Debian's/other distributions' names on PATH."
    if p := os.environ.get("PROTNB_CHROMIUM"): return p if Path(p).exists() else None
    return next((w for n in ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable") if (w := shutil.which(n))), None)

def need_browser() -> str:
    "The Chromium path, or exit 77 (skipped) saying what is missing and how to install it."
    exe = chromium()
    try: import playwright.sync_api  # noqa: F401
    except ImportError: exe, why = None, "Playwright is not installed (pip install playwright)"
    else: why = "no Chromium found (apt-get install -y chromium, or set PROTNB_CHROMIUM)"
    if exe is None: print(f"skipped: {why}", flush=True); sys.exit(SKIP)
    return exe

def run_dir() -> Path:
    "This run's folder for screenshots, created on first use."
    d = os.environ.get("PROTNB_BROWSER_RUN") or str(root/"runs"/"browser"/time.strftime("%Y%m%dT%H%M%SZ", time.gmtime()))
    os.environ["PROTNB_BROWSER_RUN"] = d
    Path(d).mkdir(parents=True, exist_ok=True)
    return Path(d)

def free_port() -> int:
    "A TCP port nothing listens on now."
    with socket.socket() as s: s.bind(("127.0.0.1", 0)); return s.getsockname()[1]
