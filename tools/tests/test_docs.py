"""nbdev's doc processing (what `nbdev_docs`, `nbdev_preview` and `nbdev_readme` run before Quarto) on every notebook.

Each notebook is processed in a fresh interpreter with nbdev's default processors: its import cells, exported cells and
`show_doc` cells execute, so a setup cell mixing imports with code that needs papermill parameters, or a `show_doc` that
cannot render a signature, fails here as it would for a user with Quarto. nbdev's "cells containing imports and other code"
warning is an error too, since it names exactly such a cell. Usage: python tools/tests/test_docs.py [NOTEBOOK ...]
"""
import os, sys, subprocess, tempfile
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

root = Path(__file__).resolve().parents[2]
PROC = """
import sys, warnings
from pathlib import Path
from nbdev.serve_drv import exec_nb
from nbdev.processors import FilterDefaults
warnings.filterwarnings("error", message="Found cells containing imports and other code")
exec_nb(Path(sys.argv[1]), Path(sys.argv[2]), FilterDefaults)
"""

def process(nb: Path, out: Path) -> tuple[bool, str]:
    "Run nbdev's processors on `nb` as `nbdev_proc_nbs` does (a fresh process, cwd nbs/, IN_TEST=1); return success and output."
    env = {**os.environ, "IN_TEST": "1", "OMP_NUM_THREADS": "1", "PYTHONPATH": os.pathsep.join(filter(None, [str(root), os.environ.get("PYTHONPATH")]))}
    r = subprocess.run([sys.executable, "-c", PROC, str(nb), str(out/nb.name)], cwd=nb.parent, env=env, capture_output=True, text=True, timeout=600)
    return r.returncode == 0, (r.stdout + r.stderr)[-3000:]

def main():
    nbs = [Path(a).resolve() for a in sys.argv[1:]] or sorted(p for p in (root/"nbs").glob("*.ipynb") if not p.name.startswith(("_", ".")))
    with tempfile.TemporaryDirectory(prefix="protnb-docs-") as d, ThreadPoolExecutor(2) as ex:
        results = list(ex.map(lambda nb: (nb, *process(nb, Path(d))), nbs))
    failed = [(nb, out) for nb, ok, out in results if not ok]
    for nb, out in failed: print(f"--- {nb.name}: nbdev's doc processing failed\n{out}", file=sys.stderr)
    print(f"doc processing: {len(nbs) - len(failed)} of {len(nbs)} notebooks ok")
    sys.exit(1 if failed else 0)

if __name__ == "__main__": main()
