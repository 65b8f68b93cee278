"""03 past one process: training throughput on 1 vs 2 processes, and peak memory against corpus size when streaming.

1. Throughput: `torchrun --nproc_per_node N -m protnb.mae_pretrain --preset quick --corpus-store STORE --epochs 1` (the
   `mini` MAE, 32 proteins per step) on a
   store of 2,000 proteins, N = 1 then 2, one thread per process (`OMP_NUM_THREADS=1`, as torchrun sets for N > 1), so
   the ratio measures data parallelism on this machine's cores. Samples/s = training proteins / the epoch's seconds
   (from `metrics.jsonl`, which include the validation pass); CPU time (user + system) of the whole launch (imports
   included) from GNU time. Both in one run, so the ratio is measured under the same load.
2. Memory: the same command with `--preset smoke` (the `tiny` MAE, 16 proteins per step: the model is not what is
   measured), one process, on stores of 2,000, 8,000 and 32,000 proteins, one epoch each; peak RSS from GNU time. Flat is the target: the stream holds one pack and a shuffle buffer, never the corpus.

Stores are written through the store's own API (`EmbeddingStore.put_many`, packs of 256 proteins): random patch arrays
of width 320 (ESM-2 8M) in float16, with the patch counts of 2,000 seeded Bernett proteins (32 residues per patch;
proteins over 1,501 patches skipped) cycled, so every store has the same length distribution and the same longest
protein: a batch's activations grow with the square of its longest protein (attention), so a larger random sample,
reaching further into the length tail, would measure the tail rather than the corpus size. The last line carries `speedup_2proc=` and `rss_ratio_32k_2k=`.

Usage: python bench/train_scaling.py [--sizes 2000 8000 32000] [--dim 320]
"""
import os, sys, json, time, argparse, tempfile, shutil, subprocess
from pathlib import Path

root = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(root))
POOL = 2000   # protein lengths drawn once and cycled

def write_store(path: Path, n: int, dim: int, seed: int = 0) -> int:
    "A store of `n` proteins' random patch embeddings (Bernett patch counts), written with `put_many`; returns its patch count."
    import numpy as np
    from protnb.store import EmbeddingStore, EmbedSpec
    from protnb.mae_pretrain import load_bernett_sequences
    lengths = np.array([len(s) for s in load_bernett_sequences().values()])
    lengths = lengths[(lengths + 31) // 32 <= 1501]
    rng = np.random.default_rng(seed); es, spec = EmbeddingStore(path), EmbedSpec("synthetic-8M-width", -1, "patch", dtype="float16")
    pool = (np.random.default_rng(seed).choice(lengths, POOL) + 31) // 32   # one length pool for every store size: the same
    total = 0                                                                 # distribution and longest protein at 2k and 32k
    for start in range(0, n, 256):
        items = []
        for i in range(start, min(n, start + 256)):
            p = int(pool[i % POOL]); total += p
            items.append((f"SYN{i}", rng.standard_normal((p, dim), dtype=np.float32)))   # the key is the 'sequence'
        es.put_many(spec, items)
    return total

def launch(nproc: int, store: Path, run_dir: Path, preset: str) -> dict:
    "One training launch under GNU time: its final JSON line, the epoch's seconds, CPU time (user + system) and peak RSS."
    env = {**os.environ, "PYTHONPATH": str(root), "OMP_NUM_THREADS": "1", "PYTHONWARNINGS": "ignore"}
    cmd = ["/usr/bin/time", "-f", "TIME %U %S %M", sys.executable, "-m", "torch.distributed.run", "--standalone", "--nproc_per_node", str(nproc),
           "-m", "protnb.mae_pretrain", "--preset", preset, "--corpus-store", str(store), "--epochs", "1", "--run-dir", str(run_dir)]
    t = time.perf_counter()
    p = subprocess.run(cmd, env=env, cwd=root, capture_output=True, text=True)
    if p.returncode: raise RuntimeError(f"{' '.join(cmd)} failed:\n{p.stderr[-3000:]}")
    user, system, maxrss_kb = next(l for l in p.stderr.splitlines() if l.startswith("TIME ")).split()[1:]
    rec = json.loads((run_dir/"metrics.jsonl").read_text().splitlines()[-1])
    return dict(final=json.loads(p.stdout.strip().splitlines()[-1]), epoch_s=rec["seconds"], wall_s=time.perf_counter() - t,
                user_s=float(user), system_s=float(system), cpu_s=float(user) + float(system),
                peak_rss_mb=int(maxrss_kb) / 1024)   # GNU time: the largest resident set of the launcher and its workers

def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--sizes", type=int, nargs="+", default=[2000, 8000, 32000])
    ap.add_argument("--dim", type=int, default=320)
    ap.add_argument("--skip-speed", action="store_true", help="memory rows only")
    a = ap.parse_args(argv)
    tmp = Path(tempfile.mkdtemp(prefix="protnb-scaling-"))
    try:
        print(f"# load average {os.getloadavg()[0]:.1f} at start; {os.cpu_count()} CPUs", flush=True)
        stores = {}
        for n in a.sizes:
            stores[n] = tmp/f"store{n}"; t = time.perf_counter(); patches = write_store(stores[n], n, a.dim)
            print(f"store of {n} proteins: {patches:,} patches of {a.dim} float16 ({patches * a.dim * 2 / 2**20:.0f} MiB) written in {time.perf_counter() - t:.0f}s", flush=True)
        n0 = min(a.sizes); speed = {}
        for nproc in () if a.skip_speed else (1, 2):
            r = launch(nproc, stores[n0], tmp/f"run-speed{nproc}", "quick")
            speed[nproc] = (n0 - (n0 % 256 or 256)) / r["epoch_s"]   # the last pack (packs of 256) is held out for validation
            print(json.dumps({"processes": nproc, "proteins": n0, "samples_per_s": round(speed[nproc], 1), **{k: round(v, 2) for k, v in r.items() if k != "final"}, "final": r["final"]}), flush=True)
        rss = {}
        for n in sorted(a.sizes):
            r = launch(1, stores[n], tmp/f"run-rss{n}", "smoke"); rss[n] = r["peak_rss_mb"]
            print(json.dumps({"processes": 1, "proteins": n, "peak_rss_mb": round(rss[n], 1), **{k: round(v, 2) for k, v in r.items() if k not in ("final", "peak_rss_mb")}}), flush=True)
        print(f"# load average {os.getloadavg()[0]:.1f} at end")
        lo, hi = min(a.sizes), max(a.sizes)
        print((f"samples/s 1 process {speed[1]:.1f}, 2 processes {speed[2]:.1f}: speedup_2proc={speed[2] / speed[1]:.2f}; " if speed else "") +
              f"peak RSS {rss[lo]:.0f} MB at {lo} proteins, {rss[hi]:.0f} MB at {hi}: rss_ratio_{hi // 1000}k_{lo // 1000}k={rss[hi] / rss[lo]:.3f}")
    finally: shutil.rmtree(tmp, ignore_errors=True)


from _cputime import cpu_time_line   # bench/ is on sys.path when a script here runs

if __name__ == "__main__": main(); print(cpu_time_line())
