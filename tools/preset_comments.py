"""The preset values in each notebook's parameters cell comments, generated from configs/.

Each parameter line of a runnable notebook's `parameters` cell ends its comment with `[quick: X, full: Y]`, the values the
presets give it (configs/<notebook>/<preset>.yaml), where a preset changes it; a line no preset changes has no bracket, and
no comment may state a preset's value any other way. `python tools/preset_comments.py` rewrites the brackets in place
(cell ids and everything else kept); `--check` (run by tools/check_nbs.py, hence by the tests) fails if one is stale.
"""
import io, re, sys, json, tokenize
from pathlib import Path
import yaml

root = Path(__file__).resolve().parents[1]
PRESETS = ("quick", "full")
BRACKET = re.compile(r"\s*\[(?:quick|full): .*\]\s*$")
STATED = re.compile(r"\b(?:quick|full)\s*(?:/\s*(?:quick|full)\s*)?:")   # "quick: 5", "quick/full: 5" outside the bracket
SKIP = {"preset", "run_dir"}

def lit(v) -> str:
    "A value as the parameters cell writes it (Python literals, double-quoted strings)."
    if isinstance(v, str): return json.dumps(v)
    if isinstance(v, list): return "[" + ", ".join(lit(x) for x in v) + "]"
    return repr(v)

def literal(code: str):
    import ast
    try: return ast.literal_eval(code.split("=", 1)[1].strip())
    except (ValueError, SyntaxError): return None

def comment_at(line: str):
    "Column of the line's comment, or None."
    try:
        for tok in tokenize.generate_tokens(io.StringIO(line).readline):
            if tok.type == tokenize.COMMENT: return tok.start[1]
    except (tokenize.TokenError, IndentationError): return None
    return None

def regenerate(nb_path: Path) -> tuple[str, str, list[str]]:
    "The parameters cell's source now, as generated, and the lines stating a preset value outside the bracket."
    nb = json.loads(nb_path.read_text())
    cell = next(c for c in nb["cells"] if "parameters" in c.get("metadata", {}).get("tags", []))
    presets = {p: yaml.safe_load((root/"configs"/nb_path.stem/f"{p}.yaml").read_text()) or {} for p in PRESETS}
    src, out, stated = "".join(cell["source"]), [], []
    for line in src.split("\n"):
        m, col = re.match(r"^(\w+)\s*=", line), comment_at(line)
        text = line[col + 1:].strip() if col is not None else ""
        code = line[:col] if col is not None else line
        if m and m.group(1) not in SKIP:
            name, smoke = m.group(1), literal(code)
            text = BRACKET.sub("", text)
            vals = {p: presets[p].get(name, smoke) for p in PRESETS}
            if any(name in presets[p] and vals[p] != smoke for p in PRESETS):
                text = (text + " " if text else "") + "[" + ", ".join(f"{p}: {lit(v)}" for p, v in vals.items()) + "]"
        if STATED.search(BRACKET.sub("", text)): stated.append(line.strip())
        if col is not None: out.append(line[:col] + "# " + text if text else line[:col].rstrip())
        elif text: out.append(line.rstrip().ljust(max(len(line.rstrip()) + 1, 26)) + "# " + text)
        else: out.append(line)
    return src, "\n".join(out), stated

def main(check: bool) -> int:
    bad = []
    for nb_path in sorted((root/"nbs").glob("0[0-4]_*.ipynb")):
        src, new, stated = regenerate(nb_path)
        bad += [f"{nb_path.name}: states a preset value outside its [quick: ..., full: ...] bracket: {s}" for s in stated]
        if new == src: continue
        if check: bad.append(f"{nb_path.name}: the preset values in the parameters cell comments are stale: run python tools/preset_comments.py")
        else:
            nb = json.loads(nb_path.read_text())
            cell = next(c for c in nb["cells"] if "parameters" in c.get("metadata", {}).get("tags", []))
            cell["source"] = new.splitlines(keepends=True)
            nb_path.write_text(json.dumps(nb, indent=1, ensure_ascii=False) + "\n")
            print(f"rewrote {nb_path.name}")
    if bad: print("\n".join(bad), file=sys.stderr)
    return 1 if bad else 0

if __name__ == "__main__": sys.exit(main("--check" in sys.argv[1:]))
