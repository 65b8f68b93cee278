"""Run the test suite: every notebook's smoke preset under nbdev_test, plus the checks in tools/tests/.

Each notebook is one test (its cells are the assertions); notebooks run in parallel processes, one thread each.
Ends with the line `N passed, N failed, N skipped`.
Usage: python tools/run_tests.py [--flags browser] [NOTEBOOK_OR_SCRIPT ...]

Browser tests (`tools/tests/browser_*.py`: JupyterLab and the built site in headless Chromium) run only with
`--flags browser` (added to the whole suite) or when named (`python tools/run_tests.py tools/tests/browser_notebooks.py`);
otherwise they are listed as skipped. Their screenshots go to one folder per invocation, runs/browser/<UTC time>/. A test script that exits with code 77 skipped
itself (e.g. no Chromium or Playwright) and said why; a skip counts as neither passed nor failed.
"""
import os, sys, time, subprocess
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

root = Path(__file__).resolve().parents[1]
TIMEOUT = int(os.environ.get("PROTNB_TEST_TIMEOUT", "900"))
BROWSER_TIMEOUT = int(os.environ.get("PROTNB_BROWSER_TIMEOUT", "3600"))   # a browser test runs several notebooks
SKIP = 77   # exit code of a test that skipped itself (the automake convention)

def parse(argv):
    "Split argv into (paths, flags); `--flags a b` / `--flags=a,b` take flag names up to the next option or path."
    paths, flags, i = [], set(), 0
    while i < len(argv):
        a = argv[i]
        if a.startswith("--flags="): flags |= set(a.split("=", 1)[1].replace(",", " ").split())
        elif a == "--flags":
            while i + 1 < len(argv) and not argv[i+1].startswith("-") and not Path(argv[i+1]).suffix: i += 1; flags.add(argv[i])
        else: paths.append(a)
        i += 1
    return paths, flags

def collect(args, flags):
    "(tests to run, browser tests skipped because the flag is off)"
    if args: return [root/a if not Path(a).is_absolute() else Path(a) for a in args], []
    nbs = sorted(p for p in (root/"nbs").glob("*.ipynb") if not p.name.startswith(("_", ".")))
    browser = sorted((root/"tools"/"tests").glob("browser_*.py"))
    tests = [root/"tools"/"check_nbs.py"] + nbs + sorted((root/"tools"/"tests").glob("test_*.py"))
    return (tests + browser, []) if "browser" in flags else (tests, browser)

def run(path: Path):
    env = {**os.environ, "OMP_NUM_THREADS": "1", "MKL_NUM_THREADS": "1", "PYTHONWARNINGS": "ignore"}
    cmd = ["nbdev_test", "--path", str(path), "--n_workers", "0"] if path.suffix == ".ipynb" else [sys.executable, str(path)]
    t0 = time.time()
    limit = BROWSER_TIMEOUT if path.name.startswith("browser_") else TIMEOUT
    try: r = subprocess.run(cmd, cwd=root, env=env, capture_output=True, text=True, timeout=limit); rc, out = r.returncode, r.stdout + r.stderr
    except subprocess.TimeoutExpired: rc, out = 1, f"timed out after {limit}s"
    return path, ("PASS" if rc == 0 else "SKIP" if rc == SKIP and path.suffix == ".py" else "FAIL"), time.time() - t0, out

def main():
    if {"-h", "--help"} & set(sys.argv[1:]): print(__doc__.strip()); sys.exit(0)
    args, flags = parse(sys.argv[1:])
    if bad := [a for a in args if not (root/a if not Path(a).is_absolute() else Path(a)).is_file()]:
        sys.exit(f"run_tests.py: no such test: {bad[0]} (a notebook in nbs/ or a script in tools/tests/, relative to the repository)")
    os.environ.setdefault("PROTNB_BROWSER_RUN", str(root/"runs"/"browser"/time.strftime("%Y%m%dT%H%M%SZ", time.gmtime())))
    tests, off = collect(args, flags)
    workers = int(os.environ.get("PROTNB_TEST_WORKERS", "2"))
    n = {"PASS": 0, "FAIL": 0, "SKIP": 0}
    for p in off: print(f"SKIP {p.relative_to(root)} (browser test: run with --flags browser)", flush=True); n["SKIP"] += 1
    with ThreadPoolExecutor(workers) as ex:
        for path, res, secs, out in ex.map(run, tests):
            print(f"{res} {path.relative_to(root) if path.is_relative_to(root) else path} ({secs:.1f}s)", flush=True)
            n[res] += 1
            if res == "FAIL": print(out[-6000:], flush=True)
            elif res == "SKIP": print("  " + (out.strip().splitlines() or ["(no reason given)"])[-1], flush=True)
    print(f"{n['PASS']} passed, {n['FAIL']} failed, {n['SKIP']} skipped")
    sys.exit(1 if n["FAIL"] else 0)

if __name__ == "__main__": main()
