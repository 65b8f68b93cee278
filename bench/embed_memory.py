"""Per-residue embedding: peak RSS and CPU time (user + system) against the number of proteins.

Each row is a fresh process embedding N seeded Bernett proteins (with windows for those over 1,022 residues) per residue
into a new store, in bfloat16 on one thread, with an ESM-2 of the 8M architecture and random weights saved as a fair-esm
checkpoint. Variants:

- `cli`: `protnb_embed` as shipped (`embed_cli`);
- `cli-mmap64k`: the same with glibc's mmap threshold set to 64 kB first (what `protnb_embed` did before);
- `cli-nobucket`: the same as `cli` with rows not bucketed (`ROW_BUCKET = 1`: every packed batch a new oneDNN shape);
- `cli-nocache`: the same as `cli` with oneDNN's and ideep's shape caches off (`ONEDNN_PRIMITIVE_CACHE_CAPACITY=0`,
  `LRU_CACHE_CAPACITY=1` in the environment), the alternative to bucketing;
- `library`: `embed(...)` called from Python.

Peak RSS and CPU come from `wait4` on the child (its own maximum resident set and user/system seconds).
It ends with one line per variant carrying its `rss_ratio_2000_500=`.

Usage: python bench/embed_memory.py [--n 500 2000] [--variants cli cli-mmap64k cli-nobucket cli-nocache library]
"""
import os, sys, time, json, argparse, tempfile, shutil, subprocess
from pathlib import Path

root = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(root))
VARIANTS = ("cli", "cli-mmap64k", "cli-nobucket", "cli-nocache", "library")
NO_CACHE = {"ONEDNN_PRIMITIVE_CACHE_CAPACITY": "0", "LRU_CACHE_CAPACITY": "1"}

def write_inputs(tmp: Path, n: int, arch: str, seed: int) -> tuple[Path, Path, int]:
    "A FASTA of `n` seeded Bernett proteins and a fair-esm checkpoint of a random ESM-2 of `arch`."
    import argparse as ap, numpy as np, torch
    from protnb.embeddings import read_sequences, random_esm2
    from protnb.utils import data_path
    seqs = read_sequences(data_path("ppi", "bernett_gold_sequences.tsv.gz"))
    ids = sorted(seqs); pick = sorted(np.random.default_rng(seed).choice(len(ids), size=n, replace=False))
    fasta = tmp/f"bernett_{n}.fasta"
    fasta.write_text("".join(f">{ids[i]}\n{seqs[ids[i]]}\n" for i in pick))
    ckpt = tmp/"esm2_t6_8M_random.pt"
    if not ckpt.exists():
        m = random_esm2(arch).model
        cfg = ap.Namespace(encoder_layers=m.num_layers, encoder_embed_dim=m.embed_dim, encoder_attention_heads=m.attention_heads, token_dropout=True)
        torch.save({"model": m.state_dict(), "cfg": {"model": cfg}}, ckpt)
    return fasta, ckpt, sum(len(seqs[ids[i]]) for i in pick)

def worker(variant: str, fasta: str, ckpt: str, store: str, precision: str):
    import protnb.embeddings as E
    if variant == "cli-nobucket": E.ROW_BUCKET = 1
    if variant == "library":
        E.embed(fasta, ckpt, pool="residue", store=store, precision=precision, show_progress=False); return 0
    if variant == "cli-mmap64k":
        import ctypes; ctypes.CDLL("libc.so.6").mallopt(-3, 1 << 16)   # M_MMAP_THRESHOLD = 64 kB
    return E.embed_cli([fasta, "--model", ckpt, "--pool", "residue", "--precision", precision, "--out", store])

def measure(variant, fasta, ckpt, tmp, precision) -> dict:
    store = tmp/f"store-{variant}-{fasta.stem}"
    env = {**os.environ, "PYTHONPATH": str(root), "OMP_NUM_THREADS": "1", "PYTHONWARNINGS": "ignore", **(NO_CACHE if variant == "cli-nocache" else {})}
    t = time.perf_counter()
    p = subprocess.Popen([sys.executable, __file__, "--worker", variant, str(fasta), str(ckpt), str(store), precision],
                         env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _, status, ru = os.wait4(p.pid, 0)
    err = p.stderr.read().decode(); p.returncode = os.waitstatus_to_exitcode(status)
    if p.returncode: raise RuntimeError(f"{variant} {fasta.name} failed ({p.returncode}):\n{err[-3000:]}")
    shutil.rmtree(store, ignore_errors=True)
    return dict(variant=variant, peak_rss_mb=ru.ru_maxrss / 1024, user_s=ru.ru_utime, system_s=ru.ru_stime,
                cpu_s=ru.ru_utime + ru.ru_stime, wall_s=time.perf_counter() - t, minor_faults=ru.ru_minflt)

def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--n", type=int, nargs="+", default=[500, 2000])
    ap.add_argument("--variants", nargs="+", default=list(VARIANTS), choices=VARIANTS)
    ap.add_argument("--arch", default="esm2_t6_8M_UR50D")
    ap.add_argument("--precision", default="bfloat16")
    ap.add_argument("--seed", type=int, default=0)
    a = ap.parse_args(argv)
    tmp = Path(tempfile.mkdtemp(prefix="protnb-embmem-"))
    try:
        print(f"# {a.arch} random weights, per residue, {a.precision}, OMP_NUM_THREADS=1; load average {os.getloadavg()[0]:.1f} at start", flush=True)
        rows = []
        for n in a.n:
            fasta, ckpt, residues = write_inputs(tmp, n, a.arch, a.seed)
            for v in a.variants:
                r = {"n": n, "residues": residues, **measure(v, fasta, ckpt, tmp, a.precision)}; rows.append(r)
                print(json.dumps({k: round(x, 2) if isinstance(x, float) else x for k, x in r.items()}), flush=True)
        print(f"# load average {os.getloadavg()[0]:.1f} at end")
        for v in a.variants if len(a.n) > 1 else ():
            by_n = {r["n"]: r for r in rows if r["variant"] == v}
            lo, hi = by_n[min(a.n)], by_n[max(a.n)]
            print(f"{v}: peak RSS {lo['peak_rss_mb']:.0f} MB at {min(a.n)} proteins, {hi['peak_rss_mb']:.0f} MB at {max(a.n)}: "
                  f"rss_ratio_{max(a.n)}_{min(a.n)}={hi['peak_rss_mb'] / lo['peak_rss_mb']:.3f}")
    finally: shutil.rmtree(tmp, ignore_errors=True)

if __name__ == "__main__":
    if len(sys.argv) > 1 and sys.argv[1] == "--worker": sys.exit(worker(*sys.argv[2:]))
    main()
