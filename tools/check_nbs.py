"""Notebook hygiene that nbdev does not check: papermill tags, presets, the weights fallback and the top matter.

Fails if a committed notebook lacks its kernelspec (python3), carries outputs or papermill's `injected-parameters` (a run saved into nbs/), if a runnable
notebook lacks exactly one `parameters` cell or the cell right after it (`apply_preset`, then `esm_or_tiny`), if a parameters
cell's comments state preset values that configs/ does not hold (tools/preset_comments.py), if a preset in configs/ names a
parameter the notebook does not declare, or if a numbered notebook does not start (after its title) with the "Open in
Colab" badge and the Colab install cell.
"""
import json, sys
from pathlib import Path
import papermill as pm, yaml

root = Path(__file__).resolve().parents[1]
bad = []
COLAB = "https://colab.research.google.com/github/protnb/protnb/blob/main/nbs/{}"
C2 = "esm_model, esm_note = esm_or_tiny(esm_model, preset)"
C1 = 'globals().update(apply_preset("{}", preset, globals()))'   # the preset's values in Jupyter, as protnb_run passes them
for nb in sorted((root/"nbs").glob("*.ipynb")):
    nbj = json.loads(nb.read_text()); cells = nbj["cells"]
    if nbj.get("metadata", {}).get("kernelspec", {}).get("name") != "python3":   # without it JupyterLab asks for a kernel on Run All
        bad.append(f"{nb.name}: metadata.kernelspec must name the 'python3' kernel")
    src = ["".join(c["source"]) for c in cells]
    tags = [t for c in cells for t in c.get("metadata", {}).get("tags", [])]
    if "injected-parameters" in tags: bad.append(f"{nb.name}: papermill output committed (injected-parameters cell)")
    if ran := sum(bool(c.get("outputs") or c.get("execution_count")) for c in cells):
        bad.append(f"{nb.name}: {ran} cell(s) saved with outputs: clear them (JupyterLab: Edit > Clear Outputs of All Cells, save; or "
                   f"jupyter nbconvert --clear-output --inplace nbs/{nb.name}), then nbdev_clean; runs keep outputs in their run folder")
    if nb.name[0].isdigit() and not (len(src) > 3 and COLAB.format(nb.name) in src[2] and '"google.colab" in sys.modules' in src[3]):
        bad.append(f"{nb.name}: cells 3 and 4 must be the Open in Colab badge ({COLAB.format(nb.name)}) and the Colab install cell")
    if nb.name.split("_")[0] in {"00", "01", "02", "03", "04"}:   # runnable notebooks (00a_store is a library notebook)
        if tags.count("parameters") != 1: bad.append(f"{nb.name}: needs exactly one cell tagged 'parameters' (has {tags.count('parameters')})")
        elif not (after := src[[i for i, c in enumerate(cells) if "parameters" in c.get("metadata", {}).get("tags", [])][0] + 1]).startswith(C1.format(nb.stem)) \
                or C2 not in after.splitlines()[1]:
            bad.append(f"{nb.name}: the cell after 'parameters' must be `{C1.format(nb.stem)}` then `{C2}` (contract C2)")
        declared = set(pm.inspect_notebook(str(nb)))
        presets = sorted((root/"configs"/nb.stem).glob("*.yaml"))
        if {"quick.yaml", "full.yaml"} - {p.name for p in presets}: bad.append(f"{nb.name}: configs/{nb.stem}/ needs quick.yaml and full.yaml")
        for p in presets:
            if unknown := set(yaml.safe_load(p.read_text()) or {}) - declared:
                bad.append(f"{p.relative_to(root)}: unknown parameter(s) {', '.join(sorted(unknown))}")
import subprocess
r = subprocess.run([sys.executable, str(root/"tools"/"preset_comments.py"), "--check"], capture_output=True, text=True)
if r.returncode: bad += r.stderr.strip().splitlines()
if bad: sys.exit("notebook checks failed:\n  " + "\n  ".join(bad))
print("notebook checks ok")
