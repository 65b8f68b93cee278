"""Build the documentation site from the notebooks, offline and without Quarto.

    python tools/build_docs.py [--out DIR] [--no-exec] [--serve [--port N]] [NOTEBOOK ...]

1. nbdev's own doc processing (`nbdev.serve_drv.exec_nb` with `FilterDefaults`, what `nbdev_docs` runs before Quarto)
   on each notebook, in a fresh interpreter with nbs/ as its working directory, two notebooks at a time. The committed
   notebooks carry no outputs, so by default every cell runs, as `nbdev_test` runs it (the `parameters` cell is the
   smoke preset; cells flagged with settings.ini's `tst_flags` or `#| eval: false` are skipped): the pages show the
   notebook's figures and tables. `--no-exec` runs only what nbdev runs for the API reference (imports, exported cells,
   `show_doc`), which is faster and shows no outputs.
2. A short translation of what nbdev emits for Quarto into Markdown: the title/description front matter becomes the
   page's heading and subtitle; `#| echo: false` + `#| output: asis` `show_doc` cells become their Markdown (one API
   entry each, anchored as nbdev's doc links expect); other `#|` lines are dropped; pandoc's `[source](...){target=...}`
   becomes a plain link; nbdev's absolute doc links become links within the site; figures become image files.
3. `mkdocs build --strict` with the readthedocs theme: the sidebar in notebook order (index, 00, 00a, 01, ...), each
   page's API entries in its table of contents, and a search box. No CDN, web font or other outside request: the site
   works offline (search needs http, e.g. `--serve`, not file://).

A notebook that fails processing, or a site mkdocs rejects (a broken internal link, a missing anchor), ends the build
with one message naming the notebook and a nonzero exit. The site goes to `--out` (default `_docs/`, git-ignored); a
non-empty directory that is not a previous build is refused rather than wiped.
"""
from __future__ import annotations
import argparse, base64, configparser, functools, html, json, os, re, shutil, subprocess, sys, tempfile, time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

root = Path(__file__).resolve().parents[1]
MARKER = ".protnb-docs"   # written into every site this tool builds; only such a directory is ever cleaned

# nbdev's processing of one notebook, run in a fresh interpreter (cwd: the notebook's folder, IN_TEST=1, as nbdev does).
PROC = r'''
import sys, warnings
from pathlib import Path
from nbdev.serve_drv import exec_nb
from nbdev.processors import FilterDefaults, exec_show_docs, _do_eval
from nbdev.config import get_config
from execnb.shell import CaptureShell
src, dst, execute, strict = Path(sys.argv[1]), Path(sys.argv[2]), sys.argv[3] == "1", sys.argv[4] == "1"
if strict: warnings.filterwarnings("error", message="Found cells containing imports and other code")
skip = set(get_config().get("tst_flags", "").split())

def runs(cell):
    "Would nbdev_test run this cell? (its `_no_eval`, inverted)"
    if cell.cell_type != "code" or "nbdev_export" + "(" in cell.source: return False
    d = getattr(cell, "directives_", {}) or {}
    return d.get("eval:", [""])[0].lower() != "false" and not (skip & d.keys())

class exec_all(exec_show_docs):
    "nbdev's `exec_show_docs`, but every cell nbdev_test would run is executed, so its outputs reach the page."
    def begin(self):
        self.k = CaptureShell(src)   # cwd and sys.path as nbdev_test sets them
        self.k.run_cell("from nbdev.showdoc import show_doc")
    def __call__(self, cell):
        fm = getattr(self.nb, "frontmatter_", {})
        if str(fm.get("skip_exec", "")).lower() == "true": return
        if _do_eval(cell) or runs(cell): self.k.cell(cell)
        if self.k.exc: raise Exception(f"error in cell {cell.idx_}:\n{cell.source}") from self.k.exc

class Procs(FilterDefaults):
    def base_procs(self): return [exec_all if p is exec_show_docs else p for p in super().base_procs()]

exec_nb(src, dst, Procs if execute else FilterDefaults)
'''

SMOKE_NOTE = ("The figures and tables below come from the notebook's smoke preset (its `parameters` cell: a random `tiny` "
              "ESM-2 and a few records), run when the site was built: they show what the notebook computes and draws, not "
              "results. Published numbers are under Results in the sidebar (the repository's `results/`).")

def cache_key(nb: Path, proj: Path, execute: bool, strict: bool) -> str:
    """What a notebook's processed output depends on: the notebook, the library it imports (every .py under the project),
    settings.ini, the data files' names, sizes and times, this script's processing, and the mode."""
    import hashlib
    h = hashlib.sha256(f"{PROC}\n{execute}\n{strict}\n".encode()); h.update(nb.read_bytes())
    for f in sorted(proj.glob(f"{settings(nb.parent).get('lib_path', 'protnb')}/**/*.py")) + [proj/"settings.ini"]:
        h.update(str(f.relative_to(proj)).encode()); h.update(f.read_bytes())
    for f in sorted((proj/"data").rglob("*")) if (proj/"data").is_dir() else []:
        if f.is_file(): st = f.stat(); h.update(f"{f.relative_to(proj)} {st.st_size} {st.st_mtime_ns}".encode())
    return h.hexdigest()[:20]

class BuildError(Exception):
    "The site could not be built; the message says which notebook or step, and why."

def settings(nbs_dir: Path) -> configparser.SectionProxy:
    "settings.ini of the project the notebooks belong to (the first one above their folder)."
    for d in [nbs_dir, *nbs_dir.parents]:
        if (d/"settings.ini").exists():
            cp = configparser.ConfigParser(); cp.read(d/"settings.ini"); return cp["DEFAULT"]
    raise BuildError(f"no settings.ini above {nbs_dir}: build_docs.py builds an nbdev project's notebooks")

def find_notebooks(nbs_dir: Path) -> list[Path]:
    "The site's notebooks in sidebar order: index first, then by name (00, 00a, 01, ...); `_*` and `.*` are not pages."
    nbs = [p for p in nbs_dir.glob("*.ipynb") if not p.name.startswith(("_", ".")) and not p.name.endswith(".out.ipynb")]
    return sorted(nbs, key=lambda p: (p.stem != "index", p.name))

def process(nb: Path, dst: Path, execute: bool, strict: bool, timeout: int = 900) -> None:
    "nbdev's doc processing of `nb` into `dst` (executing every cell if `execute`); raise BuildError naming `nb` on failure."
    env = {**os.environ, "IN_TEST": "1", "OMP_NUM_THREADS": "1", "MKL_NUM_THREADS": "1", "PYTHONWARNINGS": "ignore",
           "MPLBACKEND": "agg", "PYTHONPATH": os.pathsep.join(filter(None, [str(nb.parent.parent), os.environ.get("PYTHONPATH")]))}
    try:
        r = subprocess.run([sys.executable, "-c", PROC, str(nb), str(dst), str(int(execute)), str(int(strict))],
                           cwd=nb.parent, env=env, capture_output=True, text=True, timeout=timeout)
    except subprocess.TimeoutExpired: raise BuildError(f"{nb.name}: nbdev's doc processing did not finish in {timeout}s")
    if r.returncode != 0 or not dst.exists():
        raise BuildError(f"{nb.name}: nbdev's doc processing failed{' (running every cell)' if execute else ''}:\n"
                         + _tail(r.stdout + r.stderr))

def _tail(out: str, n: int = 40) -> str:
    "The end of a traceback: the last `n` lines, indented."
    return "\n".join("    " + l for l in out.rstrip().splitlines()[-n:])

# ---- nbdev's Quarto output -> Markdown -------------------------------------------------------------------------------

DIRECTIVE = re.compile(r"^\s*#\|\s*([\w-]+)\s*:?\s*(.*?)\s*$")
SOURCE_LINK = re.compile(r"\[source\]\(([^)\s]+)\)\{[^}]*\}")
COLAB_BADGE = re.compile(r"\[!\[Open In Colab\]\([^)]*\)\]\(([^)]+)\)")
SHOWDOC_HEADING = re.compile(r"^(#{2,4}) (\S+)\s*$", re.M)
ANSI = re.compile(r"\x1b\[[0-9;]*[A-Za-z]")
WIDGET = "application/vnd.jupyter.widget-view+json"

def split_directives(src: str) -> tuple[dict, str]:
    "Quarto/nbdev `#|` lines at the top of a cell -> ({option: value}, the rest of the source)."
    lines, opts = src.splitlines(), {}
    while lines and (m := DIRECTIVE.match(lines[0])): opts[m[1]] = m[2].lower(); lines.pop(0)
    return opts, "\n".join(lines).strip("\n")

def text(v) -> str: return v if isinstance(v, str) else "".join(v)

def fence(body: str, lang: str = "") -> str:
    "A fenced block long enough not to be closed by a fence inside `body`."
    ticks = "`" * max(3, 1 + max((len(m) for m in re.findall(r"`{3,}", body)), default=0))
    return f"{ticks}{lang}\n{body.rstrip()}\n{ticks}"

def showdoc_md(md: str) -> str:
    "A `show_doc` entry: the source link made plain and floated right, the heading anchored as nbdev's doc links expect."
    md = SOURCE_LINK.sub(lambda m: f'<a class="source-link" href="{html.escape(m[1])}">source</a>', md)
    # nbdev's add_links also links names in the signature's comments, where a code block shows the Markdown raw
    md = re.sub(r"^```.*?^```", lambda m: re.sub(r"\[(`[^`\]]+`)\]\([^)\s]+\)", r"\1", m[0]), md, flags=re.M | re.S)
    return SHOWDOC_HEADING.sub(lambda m: f"{m[1]} {m[2]} {{#{m[2].lower()} .api-entry }}", md)

def _lineno(cell) -> int:
    "The source line a `show_doc` cell's entry links to (nbdev inserts a cell's entries in reverse; we sort them back)."
    for o in cell.get("outputs", []):
        if m := re.search(r"#L(\d+)\)", text(o.get("data", {}).get("text/markdown", ""))): return int(m[1])
    return 0

def _is_showdoc(cell) -> bool:
    opts, src = split_directives(text(cell["source"]))
    return cell["cell_type"] == "code" and opts.get("output") == "asis" and src.startswith("show_doc(")

def reorder_showdocs(cells: list) -> list:
    "Runs of consecutive `show_doc` cells in source order (nbdev adds one cell's entries bottom-up)."
    out, run = [], []
    for c in cells + [None]:
        if c is not None and _is_showdoc(c): run.append(c); continue
        out += sorted(run, key=_lineno); run = []
        if c is not None: out.append(c)
    return out

class Page:
    "One notebook's page: Markdown text, its title, and the image files its outputs become."
    def __init__(self, nb: dict, stem: str, note: str = ""):
        self.stem, self.title, self.description, self.files, self.n = stem, stem, "", {}, 0
        self.md = "\n\n".join(filter(None, (self.cell(c) for c in reorder_showdocs(nb["cells"]))))
        head = f"# {self.title}" + (f"\n\n{self.description}\n{{: .page-description }}" if self.description else "")
        if note: head += f'\n\n!!! note "Outputs on this page"\n    {note}'
        self.md = head + "\n\n" + self.md + "\n"

    def cell(self, c) -> str:
        src = text(c["source"])
        if c["cell_type"] == "raw":
            if src.startswith("---"): self.frontmatter(src)
            return ""
        if c["cell_type"] == "markdown": return re.sub(r"<!-- WARNING: THIS FILE WAS AUTOGENERATED! DO NOT EDIT! -->\s*", "", src).strip()
        opts, code = split_directives(src)
        if opts.get("include") == "false": return ""
        parts = [] if opts.get("echo") == "false" or not code else [fence(code, "python")]
        if opts.get("output") != "false": parts += [self.output(o, asis=opts.get("output") == "asis") for o in c.get("outputs", [])]
        return "\n\n".join(filter(None, parts))

    def frontmatter(self, src: str):
        import yaml
        fm = yaml.safe_load(src.strip().strip("-")) or {}
        self.title, self.description = str(fm.get("title", self.title)), " ".join(str(fm.get("description", "")).split())

    def output(self, o: dict, asis: bool) -> str:
        if o["output_type"] == "stream":
            return "" if o.get("name") == "stderr" else fence(ANSI.sub("", text(o["text"])), "text")
        if o["output_type"] == "error": return fence(ANSI.sub("", "\n".join(o.get("traceback", []))), "text")
        d = o.get("data", {})
        if WIDGET in d:   # a live widget needs a kernel: say so; the notebook's static figure carries the content
            return '<p class="widget-note">(interactive widget: run the notebook in Jupyter or Colab to use it)</p>'
        if "text/markdown" in d: return showdoc_md(text(d["text/markdown"])) if asis else text(d["text/markdown"])
        for mime, ext in (("image/png", "png"), ("image/jpeg", "jpg")):
            if mime in d: return self.image(base64.b64decode(text(d[mime])), ext, o.get("metadata", {}).get(mime, {}))
        if "image/svg+xml" in d: return self.image(text(d["image/svg+xml"]).encode(), "svg", {})
        if "text/html" in d:   # a raw HTML block must not contain blank lines, or Markdown resumes inside it
            body = "\n".join(l for l in text(d["text/html"]).splitlines() if l.strip())
            if re.search(r"<script\b", body, re.I): return fence(text(d.get("text/plain", "")), "text") if "text/plain" in d else ""
            return f'<div class="output-html">\n{body}\n</div>'
        if "text/latex" in d and "text/plain" not in d: return fence(text(d["text/latex"]), "latex")
        if "text/plain" in d: return fence(ANSI.sub("", text(d["text/plain"])), "text")
        return ""

    def image(self, data: bytes, ext: str, meta: dict) -> str:
        self.n += 1; name = f"{self.stem}_files/output_{self.n}.{ext}"; self.files[name] = data
        width = f' width="{int(meta["width"])}"' if str(meta.get("width", "")).isdigit() else ""
        return f'<img class="output-image" src="{name}" alt="figure {self.n}"{width}>'

# ---- links ----------------------------------------------------------------------------------------------------------

MD_LINK = re.compile(r"(?<!!)\[((?:[^\[\]]|\[[^\]]*\])*)\]\(([^)\s]+)\)")

def fix_links(md: str, page_of: dict[str, str], anchors: dict[str, set[str]], doc_url: str, repo_blob: str, nb_rel: str) -> str:
    """Links as the site needs them: nbdev's absolute doc links and links to notebooks become links between pages (a link
    to an anchor no page has, e.g. a private name nbdev's index knows but no `show_doc` documents, becomes plain text);
    relative links to other repository files point at the repository; the Colab badge becomes a text link (no outside
    image: the site loads nothing from the network)."""
    md = COLAB_BADGE.sub(lambda m: f"[Open in Colab]({m[1]})", md)
    def link(m):
        label, url = m[1], m[2]
        if url.startswith(doc_url): url = url[len(doc_url):].lstrip("/")
        elif re.match(r"^[a-z]+:|^#|^/", url): return m[0]
        path, _, anchor = url.partition("#")
        name = Path(path).name
        if name in page_of or path == "":
            page = page_of.get(name, "")
            if anchor and page and anchor not in anchors.get(page, set()): return label
            return f"[{label}]({page}{'#' + anchor if anchor else ''})"
        target = os.path.normpath(os.path.join(nb_rel, path))   # another file of the repository
        return f"[{label}]({repo_blob}/{target}{'#' + anchor if anchor else ''})" if not target.startswith("..") else m[0]
    # code blocks keep their text: only prose and show_doc Markdown are rewritten
    parts = re.split(r"(^(`{3,}).*?^\2\s*$)", md, flags=re.M | re.S)
    return "".join(MD_LINK.sub(link, p) if i % 3 == 0 else (p if i % 3 == 1 else "") for i, p in enumerate(parts))

def page_anchors(md: str) -> set[str]:
    "Anchors a page will have: explicit `{#id}` ones and the toc extension's slugs of its headings."
    from markdown.extensions.toc import slugify
    ids = set(re.findall(r"\{#([^\s}]+)", md))
    ids |= {slugify(re.sub(r"\{.*\}\s*$", "", h).strip(), "-") for h in re.findall(r"^#{1,6} (.+)$", md, re.M)}
    return ids

# ---- the site -------------------------------------------------------------------------------------------------------

CSS = """
.wy-nav-content { max-width: 1100px; }
.rst-content .api-entry { margin-top: 1.2em; font-family: SFMono-Regular, Menlo, Consolas, monospace; font-size: 110%; }
.rst-content a.source-link { float: right; font-size: smaller; }
.rst-content .page-description { font-size: 115%; color: #555; font-style: italic; }
.rst-content .output-html { overflow-x: auto; margin-bottom: 24px; }
.rst-content .output-html table { border-collapse: collapse; font-size: 90%; }
.rst-content .output-html th, .rst-content .output-html td { border: 1px solid #e1e4e5; padding: 2px 8px; text-align: right; }
.rst-content img.output-image { max-width: 100%; height: auto; display: block; margin-bottom: 24px; }
.rst-content .widget-note { color: #777; font-style: italic; }
.rst-content pre { white-space: pre; }
"""

def mkdocs_yml(cfg, nav: list[dict], docs: Path, out: Path) -> str:
    "The mkdocs configuration, generated from settings.ini so it cannot drift from the project."
    import yaml
    conf = {"site_name": cfg.get("lib_name", "docs"), "site_description": cfg.get("description", ""),
            "repo_url": cfg.get("git_url", "").replace("%(user)s", cfg.get("user", "")).replace("%(repo)s", cfg.get("repo", "")) or None,
            "edit_uri": "", "docs_dir": str(docs), "site_dir": str(out), "use_directory_urls": False,
            "theme": {"name": "readthedocs", "highlightjs": False, "navigation_depth": 3, "collapse_navigation": True,
                      "prev_next_buttons_location": "both"},
            "plugins": ["search"], "extra_css": ["css/pygments.css", "css/protnb.css"],
            "markdown_extensions": ["tables", "fenced_code", "attr_list", "md_in_html", "admonition",
                                    {"codehilite": {"guess_lang": False}}, {"toc": {"permalink": True}}],
            "validation": {"omitted_files": "warn", "absolute_links": "info", "unrecognized_links": "warn",
                           "anchors": "warn", "not_found": "warn"},
            "nav": nav}
    return yaml.safe_dump({k: v for k, v in conf.items() if v is not None}, sort_keys=False, allow_unicode=True)

def check_out(out: Path) -> None:
    "Refuse to build into a non-empty directory this tool did not make (mkdocs empties its site directory)."
    if out.exists() and any(out.iterdir()) and not (out/MARKER).exists():
        raise BuildError(f"{out} exists, is not empty and is not a site built by build_docs.py: choose another --out")

def build(nbs: list[Path], out: Path, execute: bool = True, jobs: int = 2, strict: bool = False, cache: Path | None = None,
          results: bool = True, log=print) -> Path:
    """Build the site for `nbs` into `out`; return `out`. Raise BuildError on any failure. With `cache`, a notebook whose
    inputs (`cache_key`) have not changed since a previous build is not processed again."""
    if not nbs: raise BuildError("no notebooks to build")
    for nb in nbs:
        if not nb.exists(): raise BuildError(f"{nb}: no such notebook")
    out = out.resolve(); check_out(out)
    nbs_dir = nbs[0].parent; cfg = settings(nbs_dir)
    proj = next(d for d in [nbs_dir, *nbs_dir.parents] if (d/"settings.ini").exists())
    doc_url = (cfg.get("doc_host", "") + cfg.get("doc_baseurl", "")).replace("%(user)s", cfg.get("user", "")).replace("%(repo)s", cfg.get("repo", ""))
    git_url = cfg.get("git_url", "").replace("%(user)s", cfg.get("user", "")).replace("%(repo)s", cfg.get("repo", ""))
    repo_blob = f"{git_url}/blob/{cfg.get('branch', 'main')}"
    with tempfile.TemporaryDirectory(prefix="protnb-site-") as tmp:
        tmp = Path(tmp); (tmp/"proc").mkdir(); docs = tmp/"docs"; (docs/"css").mkdir(parents=True)
        t0 = time.time()
        def one(nb):
            mode = "exec" if execute else "noexec"   # one cached copy per notebook and mode
            t, hit = time.time(), cache and cache/f"{nb.stem}.{mode}.{cache_key(nb, proj, execute, strict)}.ipynb"
            if hit and hit.exists(): shutil.copy(hit, tmp/"proc"/nb.name); log(f"  {nb.name}: unchanged, from the cache"); return
            process(nb, tmp/"proc"/nb.name, execute, strict); log(f"  {nb.name}: processed in {time.time() - t:.0f}s")
            if hit:
                for old in cache.glob(f"{nb.stem}.{mode}.*.ipynb"): old.unlink()
                shutil.copy(tmp/"proc"/nb.name, hit)
        errors = []
        with ThreadPoolExecutor(max(1, jobs)) as ex:
            for nb, fut in [(nb, ex.submit(one, nb)) for nb in nbs]:
                try: fut.result()
                except BuildError as e: errors.append(str(e))
        if errors: raise BuildError("\n".join(errors))
        log(f"nbdev processing: {len(nbs)} notebooks in {time.time() - t0:.0f}s")
        pages = {}
        for nb in nbs:
            d = json.loads((tmp/"proc"/nb.name).read_text())
            fm = next((text(c["source"]) for c in d["cells"] if c["cell_type"] == "raw" and text(c["source"]).startswith("---")), "")
            m = re.search(r"^output-file:\s*(\S+)\.html\s*$", fm, re.M)
            stem = "index" if nb.stem == "index" else (m[1] if m else nb.stem)
            smoke = execute and any("parameters" in c.get("metadata", {}).get("tags", []) for c in json.loads(nb.read_text())["cells"])
            try: pages[nb] = Page(d, stem, SMOKE_NOTE if smoke else "")
            except Exception as e: raise BuildError(f"{nb.name}: could not turn nbdev's output into a page: {e!r}")
        page_of = {nb.name: f"{p.stem}.md" for nb, p in pages.items()} | {f"{p.stem}.html": f"{p.stem}.md" for p in pages.values()}
        anchors = {f"{p.stem}.md": page_anchors(p.md) for p in pages.values()}
        nb_rel = os.path.relpath(nbs_dir, proj)
        for p in pages.values():
            (docs/f"{p.stem}.md").write_text(fix_links(p.md, page_of, anchors, doc_url, repo_blob, nb_rel))
            for name, data in p.files.items(): (docs/name).parent.mkdir(exist_ok=True); (docs/name).write_bytes(data)
        if (nbs_dir/"img").is_dir(): shutil.copytree(nbs_dir/"img", docs/"img", dirs_exist_ok=True)   # images the notebooks' prose links to
        from pygments.formatters import HtmlFormatter
        (docs/"css"/"pygments.css").write_text(HtmlFormatter(style="default").get_style_defs(".codehilite"))
        (docs/"css"/"protnb.css").write_text(CSS)
        nav = [{p.title: f"{p.stem}.md"} for p in pages.values()]
        if results and (res := sorted((proj/"results").glob("*.md"))):   # the published numbers, as the repository has them
            (docs/"results").mkdir()
            for f in res: shutil.copy(f, docs/"results"/f.name)
            for f in (proj/"results").glob("*.png"): shutil.copy(f, docs/"results"/f.name)
            title = lambda f: (re.search(r"^# (.+)$", f.read_text(), re.M) or [None, f.stem])[1]
            nav.append({"Results": [{title(f): f"results/{f.name}"} for f in res]})
        (tmp/"mkdocs.yml").write_text(mkdocs_yml(cfg, nav, docs, out))
        r = subprocess.run([sys.executable, "-m", "mkdocs", "build", "--strict", "--clean", "-f", str(tmp/"mkdocs.yml")],
                           capture_output=True, text=True)
        if r.returncode != 0:
            raise BuildError("mkdocs rejected the site (a broken link or anchor names its page):\n" + _tail(r.stdout + r.stderr))
        (out/MARKER).write_text("built by tools/build_docs.py; this directory is emptied on the next build\n")
    return out

def serve(out: Path, port: int) -> None:
    "Serve the built site over http (the search box needs http; file:// pages work without it)."
    from http.server import ThreadingHTTPServer, SimpleHTTPRequestHandler
    try: srv = ThreadingHTTPServer(("127.0.0.1", port), functools.partial(SimpleHTTPRequestHandler, directory=str(out)))
    except OSError as e: raise BuildError(f"cannot serve on port {port} ({e.strerror}): try --port 0 (any free port)")
    print(f"serving {out} at http://127.0.0.1:{srv.server_port}/ (Ctrl-C stops)", flush=True)
    try: srv.serve_forever()
    except KeyboardInterrupt: pass

def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0], formatter_class=argparse.RawDescriptionHelpFormatter,
                                 epilog="\n\n".join(__doc__.split("\n\n")[1:]))
    ap.add_argument("notebooks", nargs="*", type=Path, help="notebooks to build (default: every page notebook in nbs/)")
    ap.add_argument("--out", type=Path, default=root/"_docs", help="site directory (default: _docs/)")
    ap.add_argument("--no-exec", action="store_true", help="run only what the API reference needs: pages without outputs, faster")
    ap.add_argument("--strict", action="store_true", help="nbdev's 'cells containing imports and other code' warning is an error")
    ap.add_argument("--jobs", type=int, default=2, help="notebooks processed at once (default 2)")
    ap.add_argument("--no-cache", action="store_true", help="process every notebook, even one unchanged since the last build "
                    "(the cache, _proc/build_docs/, keeps each notebook's processed copy keyed by what it depends on)")
    ap.add_argument("--serve", action="store_true", help="serve the site over http after building it")
    ap.add_argument("--port", type=int, default=8000, help="port for --serve (0: any free one)")
    a = ap.parse_args(argv)
    nbs = [p.resolve() for p in a.notebooks] or find_notebooks(root/"nbs")
    if nbs and (idx := nbs[0].parent/"index.ipynb").exists() and idx not in nbs: nbs = [idx, *nbs]   # the landing page
    t0 = time.time()
    cache = None if a.no_cache else root/"_proc"/"build_docs"
    if cache: cache.mkdir(parents=True, exist_ok=True)
    try: out = build(nbs, a.out, execute=not a.no_exec, jobs=a.jobs, strict=a.strict, cache=cache)
    except BuildError as e:
        print(f"build_docs: the site was not built.\n{e}", file=sys.stderr); return 1
    print(f"site: {out}/index.html ({len(nbs)} pages, {time.time() - t0:.0f}s)")
    if a.serve:
        try: serve(out, a.port)
        except BuildError as e: print(f"build_docs: {e}", file=sys.stderr); return 1
    return 0

if __name__ == "__main__": sys.exit(main())
