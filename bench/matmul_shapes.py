"""Why per-residue embedding memory grew with the run: oneDNN's and ideep's per-shape caches under bfloat16 CPU matmuls and GELU.

One process per mode runs `protnb_forward` (ESM-2 8M architecture, random weights, bfloat16 autocast, one thread) on 120
batches of two random sequences whose length changes every batch (so every batch is a new packed row count), and prints
the resident set after batches 0, 10, 40, 80 and 119, the peak, and the CPU time (user + system). Modes:

- `bucket`: as shipped, the rows of matmuls and GELU padded to a multiple of `ROW_BUCKET` (256);
- `nobucket`: `ROW_BUCKET = 1`, every batch a new matmul shape (the code before);
- `env`: unbucketed, with `LRU_CACHE_CAPACITY=1 ONEDNN_PRIMITIVE_CACHE_CAPACITY=0` set before the first bf16 matmul.

Usage: python bench/matmul_shapes.py [--batches 120] [--modes bucket nobucket env]
"""
import os, sys, argparse, subprocess, resource
from pathlib import Path

root = Path(__file__).resolve().parents[1]

def worker(mode: str, batches: int):
    import torch
    if mode == "env": os.environ["LRU_CACHE_CAPACITY"] = "1"; os.environ["ONEDNN_PRIMITIVE_CACHE_CAPACITY"] = "0"
    import protnb.embeddings as E
    if mode in ("nobucket", "env"): E.ROW_BUCKET = 1
    torch.set_num_threads(1)
    m, g = E.load_esm(E.random_esm2("esm2_t6_8M_UR50D"), "cpu"), torch.Generator().manual_seed(0)
    rss = lambda: int(open("/proc/self/statm").read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20
    marks = []
    for i in range(batches):
        L = 200 + (i * 37) % 1800
        toks = torch.randint(4, 24, (2, L), generator=g); toks[:, 0] = 0; toks[:, -1] = 2
        E.protnb_forward(m, toks, -1, "bfloat16")
        if i in (0, 10, 40, 80, batches - 1): marks.append(f"{i}:{rss():.0f}")
    ru = resource.getrusage(resource.RUSAGE_SELF)
    print(f"{mode:9s} RSS MB after batch {' '.join(marks)}  peak {ru.ru_maxrss / 1024:.0f} MB  CPU user {ru.ru_utime:.1f} s + system {ru.ru_stime:.1f} s", flush=True)

def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--batches", type=int, default=120)
    ap.add_argument("--modes", nargs="+", default=["bucket", "nobucket", "env"])
    a = ap.parse_args(argv)
    env = {**os.environ, "PYTHONPATH": str(root), "OMP_NUM_THREADS": "1"}
    for mode in a.modes: subprocess.run([sys.executable, __file__, "--worker", mode, str(a.batches)], env=env, check=True)

if __name__ == "__main__":
    if len(sys.argv) > 1 and sys.argv[1] == "--worker": worker(sys.argv[2], int(sys.argv[3]))
    else: main()
