"""Notebook hygiene that nbdev does not check: papermill tags and presets.

Fails if a committed notebook carries papermill's `injected-parameters` (a run output saved into nbs/), if a runnable
notebook lacks exactly one `parameters` cell, or if a preset in configs/ names a parameter the notebook does not declare.
"""
import json, sys
from pathlib import Path
import papermill as pm, yaml

root = Path(__file__).resolve().parents[1]
bad = []
for nb in sorted((root/"nbs").glob("*.ipynb")):
    tags = [t for c in json.loads(nb.read_text())["cells"] for t in c.get("metadata", {}).get("tags", [])]
    if "injected-parameters" in tags: bad.append(f"{nb.name}: papermill output committed (injected-parameters cell)")
    if nb.name[:2] in {"00", "01", "02", "03", "04"}:
        if tags.count("parameters") != 1: bad.append(f"{nb.name}: needs exactly one cell tagged 'parameters' (has {tags.count('parameters')})")
        declared = set(pm.inspect_notebook(str(nb)))
        presets = sorted((root/"configs"/nb.stem).glob("*.yaml"))
        if {"quick.yaml", "full.yaml"} - {p.name for p in presets}: bad.append(f"{nb.name}: configs/{nb.stem}/ needs quick.yaml and full.yaml")
        for p in presets:
            if unknown := set(yaml.safe_load(p.read_text()) or {}) - declared:
                bad.append(f"{p.relative_to(root)}: unknown parameter(s) {', '.join(sorted(unknown))}")
if bad: sys.exit("notebook checks failed:\n  " + "\n  ".join(bad))
print("notebook checks ok")
