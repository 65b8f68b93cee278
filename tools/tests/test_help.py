"""help() shows every public function's parameters: each parameter's comment in the signature (its docment, as fastcore's
`docments` reads it) appears in the function's docstring, as `name: comment` under "Parameters:" (protnb/__init__.py adds
them when a module is imported). Covers every name in each module's `__all__` and the public methods of public classes.
Usage: python tools/tests/test_help.py
"""
import sys, pydoc, inspect, pkgutil, importlib
from pathlib import Path
from fastcore.docments import docments

root = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(root))
import protnb

def public_functions(m):
    for name in getattr(m, "__all__", []):
        obj = getattr(m, name)
        if inspect.isfunction(obj): yield f"{m.__name__}.{name}", obj
        elif inspect.isclass(obj) and obj.__module__ == m.__name__:
            for k, v in vars(obj).items():
                if not k.startswith("_") and inspect.isfunction(v): yield f"{m.__name__}.{name}.{k}", v

missing, checked, params = [], 0, 0
for info in pkgutil.iter_modules(protnb.__path__):
    if info.name.startswith("_"): continue
    m = importlib.import_module(f"protnb.{info.name}")
    for qual, f in public_functions(m):
        want = {k: v for k, v in docments(f).items() if v and k != "return"}
        text = pydoc.render_doc(f, renderer=pydoc.plaintext)
        checked += 1; params += len(want)
        missing += [f"{qual}: {k}" for k, v in want.items() if f"{k}: {' '.join(v.split())}" not in " ".join(text.split())]
assert checked > 100 and params > 100, (checked, params)
assert not missing, f"{len(missing)} documented parameters not shown by help():\n  " + "\n  ".join(missing[:30])
print(f"help ok: {params} parameter comments shown across {checked} public functions")
