"""The console commands as a user meets them: run as subprocesses from a directory outside the repository.

Checks exit statuses (0 success, 1 failure, 2 usage error), that results go to stdout and diagnostics to stderr, that a
user's mistake (a bad FASTA record, a missing file, an unknown parameter, missing ESM-2 weights for a `full` run, a notebook
that fails, a `-p` value of the wrong type or a YAML alias bomb) is a short message without a traceback, that a usage error
starts nothing (no run folder, within seconds), that `--version` works, that `embed`'s default model is `protnb_embed`'s,
and that relative paths are relative to the current directory.
The installed console scripts are used when their entry points are the ones settings.ini declares (CI installs the
clone with pip); otherwise (a worktree next to another install) the same functions run through `python -m`.
"""
import json, os, sys, time, shutil, resource, subprocess, tempfile, configparser
from importlib.metadata import entry_points
from pathlib import Path

root = Path(__file__).resolve().parents[2]
_ini = configparser.ConfigParser(delimiters=["="]); _ini.read(root/"settings.ini")
declared = dict(l.strip().split("=", 1) for l in _ini["DEFAULT"]["console_scripts"].splitlines() if "=" in l)
installed = {e.name: e.value for e in entry_points(group="console_scripts") if e.name in declared}

def command(name: str, module: str) -> list[str]:
    "The installed script if it is the one settings.ini declares, else `python -m module`."
    exe = shutil.which(name)
    return [exe] if exe and installed.get(name) == declared[name] else [sys.executable, "-m", module]

EMBED, RUN = command("protnb_embed", "protnb.embeddings"), command("protnb_run", "protnb.runner")
ENV = {**os.environ, "PYTHONWARNINGS": "default", "PYTHONPATH": os.pathsep.join(filter(None, [str(root), os.environ.get("PYTHONPATH")])), "PROTNB_DEBUG": "",
       "OMP_NUM_THREADS": "1", "https_proxy": "http://127.0.0.1:9", "HTTPS_PROXY": "http://127.0.0.1:9"}   # no download can start

def run(cmd, cwd, **env):
    r = subprocess.run(cmd, cwd=cwd, env={**ENV, **env}, capture_output=True, text=True, timeout=300)
    return r.returncode, r.stdout, r.stderr

def cpu() -> float:
    "User + system CPU seconds of this process's finished children (a command and everything it started)."
    r = resource.getrusage(resource.RUSAGE_CHILDREN); return r.ru_utime + r.ru_stime

def short_error(err: str, prog: str, *needles: str, max_lines: int = 2):
    lines = [l for l in err.splitlines() if not l.startswith(f"{prog}: warning:") and "%|" not in l]
    assert "Traceback" not in err and 1 <= len(lines) <= max_lines, err
    assert lines[-1].startswith(f"{prog}: error: ") and all(n in lines[-1] for n in needles), err

def main():
    print("commands:", " ".join(EMBED), "|", " ".join(RUN))
    with tempfile.TemporaryDirectory(prefix="protnb-cli-") as d:
        d = Path(d)
        (d/"ok.fasta").write_text(">P1\nMKTAYIAKQRQISFVKSHFSRQ*\n>P2\nMSDNGPQNQRNAPRITFGG\n")
        (d/"bad.fasta").write_text(">P1\nMKTAY\n>P2\nMK-V\n")
        hub = {"TORCH_HOME": str(d/"torch")}   # an empty weights cache

        rc, out, err = run(EMBED + ["ok.fasta", "--model", "tiny", "--out", "store"], d)
        assert rc == 0, (rc, err)
        stats = json.loads(out)   # stdout: exactly the JSON line
        assert stats["computed"] == 2 and (d/"store").is_dir() and Path(stats["store"]).resolve() == (d/"store").resolve(), (out, list(d.iterdir()))
        assert "protnb_embed: warning: ok.fasta: trailing '*' removed in 1 record(s): P1" in err and "Traceback" not in err, err
        assert err.count("100%") == 1, err   # the final progress line once, though stderr is not a terminal
        rc, out, err = run(EMBED + ["ok.fasta", "--model", "tiny", "--out", "store"], d)
        assert rc == 0 and json.loads(out)["reused"] == 2, (rc, out, err)

        rc, out, err = run(EMBED + ["bad.fasta", "--model", "tiny", "--out", "store"], d)
        assert rc == 1 and out == "", (rc, out)
        short_error(err, "protnb_embed", "bad.fasta: record 'P2': gap character '-' at position 3")
        rc, out, err = run(EMBED + ["nope.fasta", "--model", "tiny", "--out", "store"], d)
        assert rc == 1 and out == "", (rc, out); short_error(err, "protnb_embed", "nope.fasta: no such file")
        rc, out, err = run(EMBED + ["ok.fasta", "--out", "store2"], d, **hub)   # the default model, offline and not cached
        assert rc == 1 and not (d/"store2"/"esm2_t6_8M_UR50D").exists(), (rc, err)
        short_error(err, "protnb_embed", "esm2_t6_8M_UR50D.pt", str(d/"torch"/"hub"/"checkpoints"), "model 'tiny'")
        rc, out, err = run(EMBED + ["ok.fasta", "--out", "store", "--pool", "bogus"], d)
        assert rc == 2 and "invalid choice: 'bogus'" in err and "Traceback" not in err, (rc, err)
        rc, out, err = run(EMBED + ["--help"], d); out = " ".join(out.split())   # unwrapped
        assert rc == 0 and "(default: esm2_t6_8M_UR50D)" in out and "(default: 4096)" in out and err == "", (rc, err)
        assert (rc := run(EMBED + ["bad.fasta", "--model", "tiny", "--out", "store", "--debug"], d)[0]) == 1
        assert "Traceback" in run(EMBED + ["bad.fasta", "--model", "tiny", "--out", "store"], d, PROTNB_DEBUG="1")[2]

        for cmd, prog in [(EMBED, "protnb_embed"), (RUN, "protnb_run")]:
            rc, out, err = run(cmd + ["--version"], d)
            assert rc == 0 and out.startswith(f"{prog} ") and out.split()[1][0].isdigit(), (rc, out, err)
        code = "import inspect; from protnb.embeddings import embed, embed_parser; print(inspect.signature(embed).parameters['model'].default, embed_parser().get_default('model'))"
        rc, out, err = run([sys.executable, "-c", code], d)
        assert rc == 0 and out.split() == ["esm2_t6_8M_UR50D"] * 2, (rc, out, err)   # embed(seqs) uses the model protnb_embed uses

        rc, out, err = run(RUN + ["--help"], d); out = " ".join(out.split())
        assert rc == 0 and "(default: quick)" in out and "--publish" in out, (rc, err)
        rc, out, err = run(RUN + ["07_nope"], d)
        assert rc == 2 and "unknown notebook '07_nope'" in err and "Traceback" not in err, (rc, err)
        rc, out, err = run(RUN + ["03_mae_pretrain", "-p", "no_such_param", "1"], d)
        assert rc == 2 and "unknown parameter(s) no_such_param: 03_mae_pretrain declares" in err and "Traceback" not in err, (rc, err)
        t0, c0 = time.time(), cpu()
        rc, out, err = run(RUN + ["01_tps_fusion", "-p", "n_folds", "notanumber", "--preset", "smoke", "--out", "runs"], d)
        secs, cpu_s = time.time() - t0, cpu() - c0   # CPU time: wall time on a shared machine says little
        assert rc == 2 and "n_folds='notanumber'" in err and "takes an integer" in err and "Traceback" not in err, (rc, err)
        assert not (d/"runs").exists() and cpu_s < 30, (cpu_s, list(d.iterdir()))   # refused before any kernel starts
        print(f"mistyped -p: exit {rc} after {secs:.1f} s wall, {cpu_s:.1f} s CPU: {err.splitlines()[-1]}")
        bomb = "a: &a [x,x,x,x,x,x,x,x,x]\nb: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]\nc: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]\nd: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c]\ne: &e [*d,*d,*d,*d,*d,*d,*d,*d,*d]\nf: [*e,*e,*e,*e,*e,*e,*e,*e,*e]"
        c0 = cpu(); rc, out, err = run(RUN + ["00_embeddings", "-p", "pools", bomb, "--preset", "smoke", "--out", "runs"], d); cpu_s = cpu() - c0
        assert rc == 2 and "-p pools: YAML anchors and aliases" in err and not (d/"runs").exists() and cpu_s < 30, (rc, err, cpu_s)
        rc, out, err = run(RUN + ["01_tps_fusion", "--preset", "full", "--out", "runs"], d, **hub)
        assert rc == 1, (rc, err)
        short_error(err, "protnb_run", "esm2_t33_650M_UR50D.pt", "--without-weights tiny")
        assert not (d/"runs").exists() or not any((d/"runs").rglob("*.ipynb")), "a full run without weights must not start"
        rc, out, err = run(RUN + ["03_mae_pretrain", "--preset", "smoke", "-p", "device", "bogus", "--out", "runs"], d)
        assert rc == 1, (rc, err)
        short_error(err, "protnb_run", "03_mae_pretrain failed in cell", "bogus", max_lines=30)   # after the progress lines
        assert [l.split()[:2] for l in out.splitlines()] == [["notebook", "status"], ["03_mae_pretrain", "failed"]], out
        assert out.splitlines()[1].split()[-1].startswith("runs/03_mae_pretrain/"), out   # the run folder, relative to cwd
        assert "Kernel is running over TCP" not in err and "IPKernelApp" not in err, err
        run_dir = d/out.splitlines()[1].split()[-1]
        assert (run_dir/"log.txt").exists() and (run_dir/"03_mae_pretrain.ipynb").exists() and (run_dir/"params.yaml").exists()
        assert (run_dir/"status.txt").read_text().startswith("failed in cell"), (run_dir/"status.txt").read_text()   # marked in its folder
    print("cli ok")

if __name__ == "__main__": main()
