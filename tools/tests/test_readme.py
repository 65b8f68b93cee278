"""The README as a new user reads it, and the notebooks' Colab cells.

1. README.md carries nbs/index.ipynb (the docs' landing page) in step: the same title and summary, and every code block of
   the index (its fenced blocks and its code cells, hidden ones aside) verbatim.
2. Every python block of the README (the Colab cell included) is valid IPython: IPython's own input transformer turns
   `!cmd` and `%magic` lines into Python, which must then compile. The index's offline example also runs.
3. Each numbered notebook's Colab install cell is valid IPython and does nothing outside Colab (no clone, no install, no
   change of directory or sys.path).
4. Nothing in the repository's text files cites `DATA.md`, which is not in the repository (data/ANCHORS.md holds the anchors).
5. Each published `results/<nb>.md` rendered by `render_results_md` is exactly the rendering of `results/<nb>.json`, so the
   two cannot drift (one still written by hand is listed, not failed), and each published JSON names a clean revision: a run
   from a tree with uncommitted changes (`git describe --dirty` ends in `-dirty`) cannot be reproduced from its revision.
6. The notebooks run on a plain install (Colab, `pip install protnb`): a package of the `[dev]` extra (nbdev, execnb,
   jupyterlab, transformers) is imported only inside a `try` that handles its absence.
7. Published results (`results/`) hold no machine's absolute paths: runs record paths relative to their run folder or to
   the repository (`protnb.utils.save_results`), so a file reads the same from every clone.
"""
import ast, json, os, re, subprocess, sys, tempfile
from pathlib import Path
from IPython.core.inputtransformer2 import TransformerManager

root = Path(__file__).resolve().parents[2]
readme = (root/"README.md").read_text()
index = json.loads((root/"nbs"/"index.ipynb").read_text())["cells"]
fails = []
def check(ok, msg):
    if not ok: fails.append(msg)

def blocks(md: str, langs=("python", "bash", "")) -> list[str]:
    return [b.strip("\n") for lang, b in re.findall(r"^```(\w*)\n(.*?)^```", md, re.M | re.S) if lang in langs]

def valid_ipython(src: str) -> str | None:
    "None if `src` is valid IPython, else the error."
    try: ast.parse(TransformerManager().transform_cell(src)); return None
    except SyntaxError as e: return f"{e.msg} (line {e.lineno})"

# 1. index <-> README
md_index = "".join("".join(c["source"]) + "\n" for c in index if c["cell_type"] == "markdown")
title, summary = re.search(r"^# (.+)$", md_index, re.M).group(1), re.search(r"^> (.+)$", md_index, re.M).group(1)
readme_summary = " ".join(l[2:].strip() for l in readme.splitlines() if l.startswith("> "))
check(readme.startswith(f"# {title}\n"), f"README's title is not the index's '# {title}'")
check(" ".join(summary.split()) in readme_summary, "README's '> summary' differs from nbs/index.ipynb's")
code_cells = ["".join(c["source"]).strip("\n") for c in index if c["cell_type"] == "code" and not "".join(c["source"]).startswith("#| hide")]
for b in blocks(md_index) + code_cells:
    check(b in readme, f"nbs/index.ipynb's block is not in README.md verbatim:\n{b}")

# 2. README python blocks
py = blocks(readme, ("python",))
check(any(l.startswith("!git clone") for b in py for l in b.splitlines()), "README has no Colab cell")
for b in py:
    if err := valid_ipython(b): fails.append(f"README python block is not valid IPython: {err}:\n{b}")
with tempfile.TemporaryDirectory(prefix="protnb-readme-") as d:
    for b in code_cells:   # the offline example, as the README shows it
        script = "from protnb.embeddings import embed\n" + b.rsplit("\n", 1)[0] + f"\nassert {b.rsplit(chr(10), 1)[1]} == (32,)"
        r = subprocess.run([sys.executable, "-c", script], cwd=d, capture_output=True, text=True, timeout=300,
                           env={**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, [str(root), os.environ.get("PYTHONPATH")]))})
        check(r.returncode == 0, f"the index/README example failed:\n{b}\n{r.stderr[-2000:]}")
        check(not os.listdir(d), f"the example left files in the current directory: {os.listdir(d)}")

# 3. Colab install cells
for nb in sorted((root/"nbs").glob("[0-9]*.ipynb")):
    cells = [c for c in json.loads(nb.read_text())["cells"] if '"google.colab" in sys.modules' in "".join(c["source"])]
    if len(cells) != 1: fails.append(f"{nb.name}: {len(cells)} Colab install cells, expected 1"); continue
    src = "".join(cells[0]["source"])
    if err := valid_ipython(src): fails.append(f"{nb.name}: Colab cell is not valid IPython: {err}")
    probe = src + "\nimport os, sys; print(os.getcwd()); print(sys.path[0] == '/content/protnb')"
    with tempfile.TemporaryDirectory() as d:
        r = subprocess.run([sys.executable, "-c", probe], cwd=d, capture_output=True, text=True, timeout=60)
        check(r.returncode == 0 and r.stdout.split() == [os.path.realpath(d), "False"] and not os.listdir(d),
              f"{nb.name}: the Colab cell did something outside Colab: {r.stdout} {r.stderr[-500:]}")

# 4. no citation of a file outside the repository
tracked = subprocess.run(["git", "ls-files"], cwd=root, capture_output=True, text=True).stdout.split()
for f in tracked:
    if f.endswith((".md", ".ipynb", ".py")) and f != "tools/tests/test_readme.py" and "DATA.md" in (root/f).read_text(errors="ignore"):
        fails.append(f"{f} cites DATA.md, which is not in the repository: cite data/ANCHORS.md or data/README.md")

# 5. published results: the Markdown is the rendering of the JSON
sys.path.insert(0, str(root))
from protnb.utils import render_results_md
for md in sorted((root/"results").glob("*.md")):
    text = md.read_text()
    rev = str(json.loads(md.with_suffix(".json").read_text()).get("revision", "")) if md.with_suffix(".json").exists() else ""
    check(not rev.endswith("-dirty"), f"results/{md.stem}.json was published from {rev}, a tree with uncommitted changes: commit, then re-run with protnb_run --publish")
    if "rendered from results.json by protnb.utils.render_results_md" not in text: print(f"note: {md.name} is not rendered from its JSON yet"); continue
    check(text == render_results_md(json.loads(md.with_suffix(".json").read_text())), f"results/{md.name} differs from the rendering of results/{md.stem}.json (re-publish with protnb_run --publish)")

# 6. no unguarded import of a dev-only package in a notebook
DEV_ONLY = {"nbdev", "execnb", "jupyterlab", "transformers"}
def unguarded_dev_imports(tree) -> list[str]:
    guarded = {id(n) for t in ast.walk(tree) if isinstance(t, ast.Try) for b in t.body for n in ast.walk(b)}
    return [m for n in ast.walk(tree) if isinstance(n, (ast.Import, ast.ImportFrom)) and id(n) not in guarded
            for m in ([a.name for a in n.names] if isinstance(n, ast.Import) else [n.module or ""]) if m.split(".")[0] in DEV_ONLY]
for nb in sorted((root/"nbs").glob("[0-9]*.ipynb")):
    for i, c in enumerate(json.loads(nb.read_text())["cells"]):
        if c["cell_type"] != "code": continue
        if bad := unguarded_dev_imports(ast.parse(TransformerManager().transform_cell("".join(c["source"])))):
            fails.append(f"{nb.name} cell {i} imports {', '.join(bad)} (a [dev] package) outside a try: a plain install fails there")

# 7. no absolute machine path in published results
ABS = re.compile(r"(?:^|[\s\"'`(\[=])((?:/[\w.+-]+){2,})")
for f in sorted((root/"results").glob("*")):
    if f.suffix in (".json", ".md"):
        for n, line in enumerate(f.read_text().splitlines(), 1):
            if m := ABS.search(line): fails.append(f"results/{f.name}:{n}: an absolute path {m.group(1)!r}: results record paths relative to the run folder or the repository")

if fails: sys.exit("README checks failed:\n- " + "\n- ".join(fails))
print(f"README ok: index in step, {len(py)} python blocks valid IPython, Colab cells inert outside Colab")
