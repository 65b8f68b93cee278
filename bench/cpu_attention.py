"""Why esm2_t12_35M's attention costs more than its FLOPs on a CPU: attention at head dimension 24 vs a linear layer.

protnb's CPU forward calls `scaled_dot_product_attention` once per sequence on `(1, heads, n, d)` tensors (no padding, no
mask). This times that call at ESM-2 35M's shape (20 heads of 24 dimensions) for several sequence lengths, next to the
alternatives one might try, and reports GFLOP/s counting the two matmuls only (4·n²·d·heads), beside the `fc1` matmul of the
same model (4,096 tokens × 480 → 1,920), which runs near the machine's matmul peak. Every alternative's output is checked
against SDPA's. Medians of `--repeats` timings after a warm-up.

- sdpa: `F.scaled_dot_product_attention(q, k, v)` (PyTorch's CPU flash-attention kernel), what protnb uses.
- pad32: the same call with q, k, v zero-padded to 32 dimensions (a SIMD-friendlier width; scale kept at 1/sqrt(24)).
- blocked: matmul, softmax and matmul on blocks of 128 queries (scores for one block at a time).
- full: the whole `(heads, n, n)` score matrix, softmax, matmul (what fair-esm does, without its float32 upcast and head average).

With `--precision bfloat16` everything runs on bfloat16 tensors (softmax in float32 inside SDPA's kernel; `blocked` and
`full` upcast the scores to float32 for the softmax), `fc1` too, and outputs are checked against float32 SDPA at bfloat16's
resolution. `--dim`/`--heads` give other architectures (650M: 20 heads x 64).

Usage: OMP_NUM_THREADS=2 python bench/cpu_attention.py [--threads 2] [--lengths 128 300 500 800 1000] [--precision bfloat16]
"""
import argparse, statistics, time
import torch, torch.nn.functional as F

HEADS, DIM = 20, 24   # esm2_t12_35M: 480 = 20 x 24 (changed by --heads/--dim)

def sdpa(q, k, v): return F.scaled_dot_product_attention(q, k, v)

def pad32(q, k, v):
    p = lambda x: F.pad(x, (0, -DIM % 32))
    return F.scaled_dot_product_attention(p(q), p(k), p(v), scale=DIM ** -0.5)[..., :DIM]

def blocked(q, k, v, block: int = 128):
    o, kt = torch.empty_like(q), k.transpose(-1, -2) * DIM ** -0.5
    for s in range(0, q.shape[-2], block): torch.matmul(torch.softmax((q[..., s:s + block, :] @ kt).float(), -1).to(v.dtype), v, out=o[..., s:s + block, :])
    return o

def full(q, k, v): return torch.softmax((q @ k.transpose(-1, -2) * DIM ** -0.5).float(), -1).to(v.dtype) @ v

def seconds(f, *args, repeats: int) -> float:
    "Median wall time of `f(*args)` after two warm-up calls."
    for _ in range(2): f(*args)
    ts = []
    for _ in range(repeats): t = time.perf_counter(); f(*args); ts.append(time.perf_counter() - t)
    return statistics.median(ts)

def main(argv=None):
    global HEADS, DIM
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--lengths", type=int, nargs="+", default=[128, 300, 500, 800, 1000])
    ap.add_argument("--repeats", type=int, default=15)
    ap.add_argument("--heads", type=int, default=HEADS); ap.add_argument("--dim", type=int, default=DIM, help="per head")
    ap.add_argument("--precision", default="float32", choices=["float32", "bfloat16"])
    a = ap.parse_args(argv)
    HEADS, DIM, dt = a.heads, a.dim, getattr(torch, a.precision)
    torch.set_num_threads(a.threads); torch.manual_seed(0)
    D = HEADS * DIM
    x, w = torch.randn(4096, D, dtype=dt), torch.randn(4 * D, D, dtype=dt)
    fc1 = 2 * 4096 * D * 4 * D / seconds(F.linear, x, w, repeats=a.repeats) / 1e9
    print(f"# threads={a.threads}, {a.precision}, {HEADS} heads x {DIM} dims, GFLOP/s of the two attention matmuls (4 n^2 d heads)")
    print(f"fc1 linear (4096 x {D} -> {4 * D}): {fc1:.0f} GFLOP/s")
    best = {}
    for n in a.lengths:
        q, k, v = (torch.randn(1, HEADS, n, DIM) for _ in range(3))
        ref, flop = sdpa(q, k, v), 4 * n * n * DIM * HEADS
        q, k, v = (t.to(dt) for t in (q, k, v))
        tol = 1e-5 if dt == torch.float32 else 3e-2     # bfloat16: 8-bit mantissa on inputs and outputs
        row = []
        for name, f in [("sdpa", sdpa), ("pad32", pad32), ("blocked", blocked), ("full", full)]:
            err = (f(q, k, v).float() - ref).abs().max().item()
            assert err < tol, f"{name} differs from sdpa by {err:.1e} at n={n}"
            row.append(f"{name} {flop / seconds(f, q, k, v, repeats=a.repeats) / 1e9:5.1f}")
        best[n] = float(row[0].split()[1])
        print(f"n={n:5d}: " + "  ".join(row))
    print("sdpa_share_of_fc1=" + " ".join(f"{n}:{g / fc1:.2f}" for n, g in best.items()))


from _cputime import cpu_time_line   # bench/ is on sys.path when a script here runs

if __name__ == "__main__": main(); print(cpu_time_line())
