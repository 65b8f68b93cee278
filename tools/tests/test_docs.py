"""The documentation site, built in full: CI's check that the docs build (tools/build_docs.py; nbdev's processing, no Quarto).

`build_docs.py --strict` runs nbdev's doc processing (what `nbdev_docs`, `nbdev_preview` and `nbdev_readme` run before
Quarto) on every notebook in a fresh interpreter, executing every cell as nbdev_test does, so a setup cell that needs
papermill parameters, a `show_doc` that cannot render a signature, or a cell mixing imports with other code (nbdev's
"cells containing imports and other code" warning, an error here) fails with the notebook's name. Then the site is
checked: index.html and a page per notebook; every public function and class of protnb has its API entry where nbdev's
doc links (protnb/_modidx.py) point; the executed pages carry figures; no page loads anything from outside.
PROTNB_DOCS_EXEC=0 builds without executing (API entries only, no figures).
Usage: python tools/tests/test_docs.py [NOTEBOOK ...]
"""
import importlib, inspect, os, re, subprocess, sys, tempfile, time
from pathlib import Path

root = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(root))
execute = os.environ.get("PROTNB_DOCS_EXEC", "1") != "0"

def mixed_cells(nbs: list[Path]) -> list[str]:
    "Cells nbdev's doc processing warns about (an import, anywhere in the cell, mixed with other code): found in seconds."
    import warnings
    from nbdev.process import NBProcessor
    from nbdev.processors import _do_eval
    found = []
    for nb in nbs:
        for c in NBProcessor(nb, procs=[], process=True).nb.cells:
            with warnings.catch_warnings(record=True) as w:
                warnings.simplefilter("always"); _do_eval(c)
            if any("imports and other code" in str(x.message) for x in w):
                found.append(f"{nb.name} cell {c.idx_} mixes an import with other code (put the import in its own or the import cell):\n    "
                             + c.source[:300].replace("\n", "\n    "))
    return found

def main():
    from protnb._modidx import d as modidx
    args = sys.argv[1:]
    nbs = [Path(a).resolve() for a in args] or sorted(p for p in (root/"nbs").glob("*.ipynb") if not p.name.startswith(("_", ".")))
    if mixed := mixed_cells(nbs):   # fail fast: the build below would stop on the same cell after minutes
        for m in mixed: print("FAIL:", m)
        print(f"docs: {len(mixed)} cell(s) mix imports with other code"); sys.exit(1)
    fails = []
    with tempfile.TemporaryDirectory(prefix="protnb-docs-") as out:
        out = Path(out)/"site"; t0 = time.time()
        env = {**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, [str(root), os.environ.get("PYTHONPATH")]))}
        r = subprocess.run([sys.executable, str(root/"tools"/"build_docs.py"), "--strict", "--no-cache", "--out", str(out), *([] if execute else ["--no-exec"]), *args],
                           cwd=root, env=env, capture_output=True, text=True, timeout=1800)
        print(r.stdout.rstrip())
        if r.returncode != 0: print(r.stderr[-6000:], file=sys.stderr); print("docs: the site did not build"); sys.exit(1)
        pages = {p.name: p.read_text() for p in out.glob("*.html")}
        if "index.html" not in pages: fails.append("no index.html")
        built = {Path(a).stem for a in args}
        for mod, syms in modidx["syms"].items():
            m = importlib.import_module(mod)
            nb = re.search(r"File to edit: \.\./nbs/(\S+)\.ipynb", Path(m.__file__).read_text())
            if args and (not nb or nb[1] not in built): continue
            for sym, (link, _) in syms.items():
                name = sym[len(mod) + 1:]
                if "." in name or name not in getattr(m, "__all__", ()): continue   # public functions and classes only
                obj = getattr(m, name, None)
                if not (inspect.isfunction(obj) or inspect.isclass(obj)) or obj.__module__ != mod: continue
                page, anchor = link.split("#")
                if page not in pages: fails.append(f"{sym}: nbdev links it to {page}, which the site does not have"); continue
                if f'id="{anchor}"' not in pages[page]: fails.append(f"{sym}: no API entry #{anchor} on {page}")
                elif name not in re.split(f'id="{re.escape(anchor)}"', pages[page])[1][:4000]: fails.append(f"{sym}: its entry on {page} lacks its signature")
        for name, text in pages.items():
            if ext := re.findall(r'<(?:script|link|img)\b[^>]*(?:src|href)="(https?://[^"]+)"', text): fails.append(f"{name} loads from outside: {ext}")
            if re.search(r"^\s*#\|", re.sub(r"<[^>]+>", "", text), re.M): fails.append(f"{name} still shows a Quarto '#|' line")
        figs = sum(len(re.findall(r'<img class="output-image"', t)) for t in pages.values())
        if execute and not args and figs == 0: fails.append("the executed site has no figures")
    for f in fails: print("FAIL:", f)
    print(f"docs: {len(pages)} pages, {figs} figures, built in {time.time() - t0:.0f}s; {'ok' if not fails else f'{len(fails)} problem(s)'}")
    sys.exit(1 if fails else 0)

if __name__ == "__main__": main()
