"""The library from a plain `pip install` (a wheel, no clone): `import protnb` and `embed(..., model="tiny")` work from another
directory, relative paths land in that directory, and the dataset readers ask for `PROTNB_DATA` (then work with it). The
installed console script `protnb_embed` exits 0 on success and 1 on a bad record.

Builds a wheel from a copy of the package files (so nothing is written into the repository), installs it with --no-deps
into a temporary venv that sees the packages of the interpreter running this test (torch, fair-esm, ...), and runs a script
there from an empty folder with no PYTHONPATH. That interpreter may itself be a venv: `--system-site-packages` would then
give the temporary venv the packages of the Python the user's venv was made from, not the user's venv, so the temporary
venv gets a .pth file that adds this interpreter's site directories instead. Usage: python tools/tests/test_wheel.py
"""
import os, sys, site, shutil, sysconfig, subprocess, tempfile, textwrap
from pathlib import Path

root = Path(__file__).resolve().parents[2]
SCRIPT = textwrap.dedent('''
    import os, sys, warnings
    from pathlib import Path
    import protnb, protnb.utils, protnb.embeddings, protnb.runner, protnb.tps_fusion, protnb.tf_crossattn, protnb.mae_pretrain, protnb.ppi_v5
    assert Path(protnb.__file__).resolve().is_relative_to(Path(sys.prefix).resolve()), f"imported {protnb.__file__}, not the wheel"
    from protnb.embeddings import embed
    emb = embed({"P1": "MKTAYIAKQRQISFVKSHFSRQ", "P2": "MSDNGPQNQRNAPRITFGG"}, model="tiny", store="store", show_progress=False)
    assert emb["P1"].shape == (32,) and Path("store").is_dir(), sorted(os.listdir("."))   # the store is relative to the cwd
    try: protnb.utils.data_path("ppi"); raise AssertionError("data_path worked without a clone or PROTNB_DATA")
    except FileNotFoundError as e: assert "PROTNB_DATA" in str(e), e
    os.environ["PROTNB_DATA"] = sys.argv[1]
    assert len(protnb.mae_pretrain.load_bernett_pairs("val")) == 59260
    print("wheel ok:", protnb.__version__, protnb.__file__)
''')

def site_dirs() -> list[str]:
    "The site directories of the interpreter running this test (its venv's, the system's if that venv includes them, the user's)."
    dirs = [p for p in sys.path if p.rstrip("/").endswith(("site-packages", "dist-packages")) and os.path.isdir(p)]
    return list(dict.fromkeys(dirs + [sysconfig.get_paths()["purelib"]]))

def see_these_packages(venv: Path):
    "Make `venv` import this interpreter's packages after its own (site.addsitedir also runs their .pth files)."
    py = venv/"bin"/"python"
    purelib = subprocess.run([str(py), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"], capture_output=True, text=True, check=True).stdout.strip()
    Path(purelib, "_protnb_test_parent.pth").write_text(f"import site; list(map(site.addsitedir, {site_dirs()!r}))\n")

def main():
    with tempfile.TemporaryDirectory(prefix="protnb-wheel-") as d:
        d = Path(d); src = d/"src"; src.mkdir()
        for f in ("setup.py", "settings.ini", "README.md", "LICENSE"): shutil.copy(root/f, src/f)
        shutil.copytree(root/"protnb", src/"protnb", ignore=shutil.ignore_patterns("__pycache__"))
        env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "PROTNB_ROOT", "PROTNB_DATA")}
        pip = dict(env=env, capture_output=True, text=True, timeout=600)
        r = subprocess.run([sys.executable, "-m", "pip", "wheel", "-q", "--no-deps", "--no-build-isolation", "-w", str(d/"dist"), str(src)], **pip)
        assert r.returncode == 0, r.stderr[-3000:]
        wheel = next((d/"dist").glob("protnb-*.whl"))
        subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(d/"venv")], check=True, **pip)
        see_these_packages(d/"venv")
        py = d/"venv"/"bin"/"python"
        r = subprocess.run([sys.executable, "-m", "pip", "--python", str(py), "install", "-q", "--no-deps", "--no-index", str(wheel)], **pip)
        if r.returncode:   # pip < 22.3 has no --python: use the venv's own pip through ensurepip
            subprocess.run([str(py), "-m", "ensurepip", "-q"], check=True, **pip)
            r = subprocess.run([str(py), "-m", "pip", "install", "-q", "--no-deps", "--no-index", str(wheel)], **pip)
        assert r.returncode == 0, r.stderr[-3000:]
        (d/"work").mkdir()
        r = subprocess.run([str(py), "-c", SCRIPT, str(root/"data")], cwd=d/"work", env={**env, "OMP_NUM_THREADS": "1"},
                           capture_output=True, text=True, timeout=600)
        assert r.returncode == 0, r.stdout[-2000:] + r.stderr[-3000:]
        print(r.stdout.strip())
        (d/"work"/"ok.fa").write_text(">P1\nMKTAYIAKQR\n"); (d/"work"/"bad.fa").write_text(">P1\nMK-V\n")
        script = d/"venv"/"bin"/"protnb_embed"
        r = subprocess.run([str(script), "ok.fa", "--model", "tiny", "--out", "cli_store"], cwd=d/"work", env=env, capture_output=True, text=True, timeout=300)
        assert r.returncode == 0 and '"computed": 1' in r.stdout and (d/"work"/"cli_store").is_dir(), (r.returncode, r.stdout, r.stderr[-2000:])
        r = subprocess.run([str(script), "bad.fa", "--model", "tiny", "--out", "cli_store"], cwd=d/"work", env=env, capture_output=True, text=True, timeout=300)
        assert r.returncode == 1 and r.stderr.startswith("protnb_embed: error: bad.fa: record 'P1'") and "Traceback" not in r.stderr, (r.returncode, r.stderr)
        print("installed protnb_embed: exit 0 on success, 1 with a one-line error on a bad record")

if __name__ == "__main__": main()
