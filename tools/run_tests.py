"""Run the test suite: every notebook's smoke preset under nbdev_test, plus the checks in tools/tests/.

Each notebook is one test (its cells are the assertions); notebooks run in parallel processes, one thread each.
Ends with the line `N passed, N failed`. Usage: python tools/run_tests.py [NOTEBOOK_OR_SCRIPT ...]
"""
import os, sys, time, subprocess
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

root = Path(__file__).resolve().parents[1]
TIMEOUT = int(os.environ.get("PROTNB_TEST_TIMEOUT", "900"))

def collect(args):
    if args: return [root/a if not Path(a).is_absolute() else Path(a) for a in args]
    nbs = sorted(p for p in (root/"nbs").glob("*.ipynb") if not p.name.startswith(("_", ".")))
    return [root/"tools"/"check_nbs.py"] + nbs + sorted((root/"tools"/"tests").glob("test_*.py"))

def run(path: Path):
    env = {**os.environ, "OMP_NUM_THREADS": "1", "MKL_NUM_THREADS": "1", "PYTHONWARNINGS": "ignore"}
    cmd = ["nbdev_test", "--path", str(path), "--n_workers", "0"] if path.suffix == ".ipynb" else [sys.executable, str(path)]
    t0 = time.time()
    try: r = subprocess.run(cmd, cwd=root, env=env, capture_output=True, text=True, timeout=TIMEOUT); ok, out = r.returncode == 0, r.stdout + r.stderr
    except subprocess.TimeoutExpired: ok, out = False, f"timed out after {TIMEOUT}s"
    return path, ok, time.time() - t0, out

def main():
    tests = collect(sys.argv[1:])
    workers = int(os.environ.get("PROTNB_TEST_WORKERS", "2"))
    passed = failed = 0
    with ThreadPoolExecutor(workers) as ex:
        for path, ok, secs, out in ex.map(run, tests):
            print(f"{'PASS' if ok else 'FAIL'} {path.relative_to(root)} ({secs:.1f}s)", flush=True)
            if ok: passed += 1
            else: failed += 1; print(out[-6000:], flush=True)
    print(f"{passed} passed, {failed} failed")
    sys.exit(1 if failed else 0)

if __name__ == "__main__": main()
