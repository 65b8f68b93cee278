"""tools/build_docs.py on two notebooks, and on broken input.

1. `build_docs.py --no-exec --out TMP nbs/05_utils.ipynb nbs/06_runner.ipynb` builds index.html (the index comes along as
   the landing page, with the explorers' screenshots from nbs/img/), a page per notebook, and the search index; each public function and class of protnb.utils and
   protnb.runner has its API entry on its page: the anchor nbdev's doc links use, its name and every parameter in the
   signature block, and its docstring. The sidebar lists the pages in notebook order; the pages load nothing from
   outside (no http(s) src/href other than links), and nbdev's Quarto syntax (`#|`, `{target=`) is gone.
2. A notebook whose doc processing fails (a `show_doc` of an undefined name) ends the build with exit 1, a message
   naming that notebook, and no site; a non-empty directory that is not a built site is refused, not wiped.
3. nbs/_quarto.yml, which `nbdev_docs` renders with where Quarto exists, is valid and names files that exist.
"""
import html, importlib, inspect, json, os, re, shutil, subprocess, sys, tempfile
from pathlib import Path

root = Path(__file__).resolve().parents[2]
fails = []
def check(ok, msg):
    if not ok: fails.append(msg); print("FAIL:", msg)

def build(*args, cwd=root):
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, [str(root), os.environ.get("PYTHONPATH")]))}
    return subprocess.run([sys.executable, str(root/"tools"/"build_docs.py"), "--no-cache", *map(str, args)], cwd=cwd, env=env,
                          capture_output=True, text=True, timeout=900)

def plain(s: str) -> str:
    "Page or docstring text without tags, Markdown code marks and extra whitespace."
    return " ".join(html.unescape(re.sub(r"<[^>]+>", "", s)).replace("`", "").split())

def entries(page: str) -> dict[str, str]:
    "API entries of a built page: anchor id -> the HTML from its heading to the next entry."
    parts = re.split(r'(<h[2-4] class="api-entry" id="[^"]+")', page)
    return {re.search(r'id="([^"]+)"', parts[i])[1]: parts[i + 1] for i in range(1, len(parts) - 1, 2)}

sys.path.insert(0, str(root))
with tempfile.TemporaryDirectory(prefix="protnb-build-docs-") as d:
    d = Path(d); out = d/"site"
    # 1. two notebooks
    r = build("--no-exec", "--out", out, root/"nbs"/"05_utils.ipynb", root/"nbs"/"06_runner.ipynb")
    check(r.returncode == 0, f"build_docs.py failed on 05 and 06:\n{r.stdout}{r.stderr[-3000:]}")
    for f in ["index.html", "utils.html", "runner.html", "search/search_index.json", ".protnb-docs"]:
        check((out/f).exists(), f"the site has no {f}")
    if (out/"index.html").exists():
        index = (out/"index.html").read_text()
        nav = [h.removesuffix(".html") if h != "#" else "index"
               for h in re.findall(r'<li class="toctree-l1[^"]*"><a class="reference internal[^"]*" href="([^"]+)"', index)]
        check(nav[:3] == ["index", "utils", "runner"], f"sidebar is not in notebook order: {nav}")
        shots = re.findall(r'<img[^>]+src="(img/explore_0\d\.png)"', index)   # the explorers' screenshots, from nbs/img/
        check(len(shots) == 5 and all((out/s).is_file() for s in shots), f"index: explorer screenshots missing or not copied: {shots}")
    for nb, page in [("05_utils", "utils"), ("06_runner", "runner")]:
        if not (out/f"{page}.html").exists(): continue
        text = (out/f"{page}.html").read_text(); got = entries(text)
        mod = importlib.import_module(f"protnb.{page}")
        public = [n for n in mod.__all__ if callable(getattr(mod, n)) and getattr(getattr(mod, n), "__module__", "") == mod.__name__]
        check(len(public) >= 3, f"protnb.{page} has too few public functions to test: {public}")
        for name in public:
            obj, body = getattr(mod, name), got.get(name.lower(), "")
            if not body: fails.append(f"{page}.html: no API entry #{name.lower()} for {name}"); continue
            sig = plain(body.split("</pre>")[0])
            check(f"{name}(" in sig.replace(" (", "("), f"{page}.html#{name.lower()}: no signature '{name}(' in {sig[:200]!r}")
            try: params = [p for p in inspect.signature(obj).parameters if p not in ("self", "args", "kwargs")]
            except (TypeError, ValueError): params = []
            for p in params: check(re.search(rf"\b{re.escape(p)}\b", sig), f"{page}.html#{name.lower()}: parameter {p} not in the signature")
            doc = " ".join((inspect.getdoc(obj) or "").splitlines()[0].replace("`", "").split()) if inspect.getdoc(obj) else ""
            check(doc and doc in plain(body), f"{page}.html#{name.lower()}: docstring {doc!r} not in the entry")
        check(not re.search(r"#\||\{target=", text), f"{page}.html still has Quarto syntax (#| or {{target=)")
        outside = [u for u in re.findall(r'<(?:script|link|img)\b[^>]*(?:src|href)="(https?://[^"]+)"', text)]
        check(not outside, f"{page}.html loads from outside: {outside}")
    # 2a. a notebook whose processing fails
    proj = d/"proj"; (proj/"nbs").mkdir(parents=True); shutil.copy(root/"settings.ini", proj)
    nb = json.loads((root/"nbs"/"06_runner.ipynb").read_text())
    nb["cells"].append({"cell_type": "code", "execution_count": None, "id": "brokendoc", "metadata": {}, "outputs": [],
                        "source": ["show_doc(no_such_function)"]})
    (proj/"nbs"/"06_runner.ipynb").write_text(json.dumps(nb))
    bad = d/"bad-site"
    r = build("--no-exec", "--out", bad, proj/"nbs"/"06_runner.ipynb")
    check(r.returncode == 1, f"a broken notebook built: exit {r.returncode}\n{r.stdout}{r.stderr[-2000:]}")
    check("06_runner.ipynb" in r.stderr and "no_such_function" in r.stderr, f"the error does not name the notebook and the cause:\n{r.stderr[-2000:]}")
    check(not (bad/"index.html").exists(), "a failed build left a site behind")
    # 2b. a directory that is not a site is not wiped
    keep = d/"mine"; keep.mkdir(); (keep/"notes.txt").write_text("mine")
    r = build("--no-exec", "--out", keep, root/"nbs"/"index.ipynb")
    check(r.returncode == 1 and (keep/"notes.txt").exists() and "not a site built by build_docs.py" in r.stderr,
          f"build_docs.py did not refuse a directory it did not build: exit {r.returncode}\n{r.stderr[-1000:]}")

# 3. Quarto's config stays usable by nbdev_docs where Quarto exists: valid YAML, a website, its CSS present, and only the
#    metadata files nbdev_docs writes (nbdev.yml, sidebar.yml) besides it.
import yaml
q = yaml.safe_load((root/"nbs"/"_quarto.yml").read_text())
check(q.get("project", {}).get("type") == "website", "nbs/_quarto.yml: project.type is not 'website'")
css = q.get("format", {}).get("html", {}).get("css")
for c in ([css] if isinstance(css, str) else css or []): check((root/"nbs"/c).exists(), f"nbs/_quarto.yml names {c}, which nbs/ lacks")
check(set(q.get("metadata-files", [])) <= {"nbdev.yml", "sidebar.yml"}, f"nbs/_quarto.yml: unexpected metadata-files {q.get('metadata-files')}")

print(f"build_docs: {'FAIL, ' + str(len(fails)) + ' problem(s)' if fails else 'ok'}")
sys.exit(1 if fails else 0)
