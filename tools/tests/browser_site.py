"""The documentation site in a real browser: every page loads in headless Chromium with no console error, no failed or
outside request (the site is offline), no broken internal link or anchor, and the search box finds an API entry.

Run by `python tools/run_tests.py --flags browser` (or directly). It builds the site with tools/build_docs.py into the run
folder, or takes a built one from PROTNB_SITE=DIR; serves it on a free port; saves a screenshot per page (and of the
first figure, table, API entry and widget placeholder) under $PROTNB_BROWSER_RUN/site/ (run_tests.py sets it: runs/browser/<UTC time>/).
Skipped (exit 77) with the reason when Playwright or Chromium is missing (tools/tests/_browser.py says how to install).
"""
import functools, os, subprocess, sys, threading, time
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urljoin, urlsplit, unquote
sys.path.insert(0, str(Path(__file__).parent))
from _browser import root, need_browser, run_dir

chromium = need_browser()   # exits 77 (skipped) with the reason when Chromium or Playwright is missing
from playwright.sync_api import sync_playwright

class Ids(HTMLParser):
    "Every id= (and a name=) in a page: the anchors a link may point to."
    def __init__(self): super().__init__(); self.ids = set()
    def handle_starttag(self, tag, attrs):
        for k, v in attrs:
            if k == "id" or (tag == "a" and k == "name"): self.ids.add(v)

def serve(site: Path):
    from http.server import ThreadingHTTPServer, SimpleHTTPRequestHandler
    class Quiet(SimpleHTTPRequestHandler):
        def log_message(self, *a): pass
    srv = ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(Quiet, directory=str(site)))
    threading.Thread(target=srv.serve_forever, daemon=True).start()
    return srv, f"http://127.0.0.1:{srv.server_port}/"

def main():
    run = run_dir()/"site"; run.mkdir(exist_ok=True)
    if os.environ.get("PROTNB_SITE"): site = Path(os.environ["PROTNB_SITE"]).resolve()
    else:
        site = run/"_site"; t0 = time.time()
        r = subprocess.run([sys.executable, str(root/"tools"/"build_docs.py"), "--out", str(site)], cwd=root, capture_output=True, text=True)
        if r.returncode != 0: print(r.stdout + r.stderr); print("FAIL: the site did not build"); sys.exit(1)
        print(f"built the site in {time.time() - t0:.0f}s")
    if not (site/"index.html").exists(): print(f"FAIL: {site}/index.html does not exist"); sys.exit(1)
    srv, base = serve(site)
    fails, pages, ids = [], {}, {}
    def fail(msg): fails.append(msg); print("  " + msg)
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=chromium, args=["--no-sandbox"])
        page = browser.new_page(viewport={"width": 1280, "height": 900})
        current = {"url": ""}
        page.on("console", lambda m: m.type == "error" and fail(f"{current['url']}: console error: {m.text}"))
        page.on("pageerror", lambda e: fail(f"{current['url']}: page error: {e}"))
        page.on("requestfailed", lambda r: fail(f"{current['url']}: request failed: {r.url} ({r.failure})"))
        page.on("request", lambda r: not r.url.startswith((base, "data:", "blob:")) and fail(f"{current['url']}: outside request: {r.url}"))
        page.on("response", lambda r: r.url.startswith(base) and r.status >= 400 and fail(f"{current['url']}: HTTP {r.status} for {r.url}"))
        todo, seen, links = [base + "index.html"], set(), []
        while todo:   # every page reachable from the index, each once
            url = todo.pop(0)
            if url in seen: continue
            seen.add(url); current["url"] = url[len(base):]
            resp = page.goto(url, wait_until="networkidle")
            if not resp or resp.status != 200: fail(f"{url[len(base):]}: HTTP {resp.status if resp else 'no response'}"); continue
            name = url[len(base):].replace("/", "_").removesuffix(".html") or "index"
            page.screenshot(path=str(run/f"{name}.png"))
            for sel, tag in ((".output-image", "figure"), (".api-entry", "api"), (".output-html table", "table"), (".widget-note", "widget")):
                if page.locator(sel).count():
                    page.locator(sel).first.scroll_into_view_if_needed(); page.screenshot(path=str(run/f"{name}-{tag}.png"))
            parser = Ids(); parser.feed(page.content()); ids[url] = parser.ids
            pages[url] = {"api": page.locator(".api-entry").count(), "img": page.locator("img.output-image").count(),
                          "tables": page.locator(".output-html table").count()}
            for href in page.eval_on_selector_all("a[href]", "els => els.map(e => e.getAttribute('href'))"):
                target = urljoin(url, href)
                if not target.startswith(base): continue
                links.append((url, href, target))
                path = target.split("#")[0]
                if path.endswith(".html") and "search.html" not in path and path not in seen: todo.append(path)
        for src, href, target in links:   # every internal link: its page exists and has its anchor
            path, _, anchor = target.partition("#")
            if path not in ids:
                local = site/unquote(urlsplit(path).path).lstrip("/")
                if not local.exists(): fail(f"{src[len(base):]}: broken link {href!r}")
                continue
            if anchor and unquote(anchor) not in ids[path]: fail(f"{src[len(base):]}: link {href!r}: no anchor #{anchor} on {path[len(base):]}")
        current["url"] = "search.html"
        page.goto(base + "search.html?q=embed", wait_until="networkidle")
        try: page.wait_for_selector("#mkdocs-search-results article, #mkdocs-search-results a", timeout=15000); hits = page.locator("#mkdocs-search-results a").count()
        except Exception: hits = 0
        page.screenshot(path=str(run/"search.png"))
        if not hits: fail("search.html?q=embed: the search box found nothing")
        browser.close()
    srv.shutdown()
    for url, c in pages.items(): print(f"  {url[len(base):]}: {c['api']} API entries, {c['img']} figures, {c['tables']} tables")
    print(f"{len(pages)} pages, {len(links)} internal links, search hits for 'embed': {hits}; screenshots in {run}")
    if not any(c["api"] for c in pages.values()): fail("no page has an API entry")
    print(f"FAIL: {len(fails)} problem(s)" if fails else "OK")
    sys.exit(1 if fails else 0)

if __name__ == "__main__": main()
