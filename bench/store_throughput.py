"""Embedding store throughput: protnb's packs vs one `.npy` file per protein, at a GPU's pace, in one run.

`embed` hands the store what each token-budget batch finishes, through one background writer thread (`_StoreWriter`), so
writes cost the run nothing until the writer falls behind the model. This benchmark replays that loop with the model's
compute replaced by a wait of `batch residues / --compute-rate` seconds (during which the writer works, as it does while a
GPU computes), then reads every protein back, exactly as `bench/embed_throughput.py` does after `embed`. The store's share of
the run is the time spent waiting on the writer plus reading back, over the whole; it is what embed_throughput reports, with
the real disk and writer and a compute rate chosen to match a GPU's (default: 1M residues/s, the H100's bfloat16 rate for
`esm2_t12_35M`).

Both layouts get the same arrays in the same batches: the proteins `bench/embed_throughput.py` samples, cut into batches by
`token_batches(max_tokens)` as `embed` does, with random values shaped as a model of `--dim` dimensions outputs them
(`--pool mean`: one vector per protein; `residue`: one row per residue).

- files: one `.npy` per protein, content-addressed and written atomically (temporary name, then rename): protnb's layout
  before packs, and what most embedding caches do.
- packs: `EmbeddingStore.put_many` once per batch (one data file and one index per batch), `EmbeddingStore.get` per protein;
  each pack's XXH3-128 checksum is computed as it is written and checked the first time a pack is read.
- packs-unchecked: the same with the checksum replaced by a constant, to measure what verification costs.

Per layout: the writer's busy time and the read time per protein, and the store share of the run; layouts take turns, each
number is the median over `--repeats`. The last line is `speedup_write=X speedup_read=Y store_share_files=A store_share_packs=B
store_share_packs_unchecked=C checksum_cost_write=D checksum_cost_read=E` (packs ÷ packs-unchecked times).
Usage: python bench/store_throughput.py [--n 2000] [--dim 480] [--pool mean] [--max-tokens 16384] [--compute-rate 1e6] [--dir /tmp]
"""
import os, sys, time, argparse, tempfile, shutil, statistics, contextlib
from pathlib import Path

root = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(root))   # benchmark this checkout, not whatever protnb is installed
from unittest import mock
import numpy as np
import protnb.store
from protnb.embeddings import token_batches
from protnb.store import EmbedSpec, EmbeddingStore, sequence_key, _StoreWriter
from protnb.utils import atomic_write
from embed_throughput import select_proteins

class FileStore:
    "One `.npy` file per protein (the layout before packs), with the interface `_StoreWriter` uses."
    def __init__(self, root: str): self.root, self.busy = root, 0.0
    def _file(self, seq): k = sequence_key(seq); return os.path.join(self.root, k[:2], f"{k}.npy")
    def put_many(self, spec, items):
        t = time.perf_counter()
        for seq, arr in items:
            with atomic_write(self._file(seq)) as tmp, open(tmp, "wb") as fh: np.save(fh, np.ascontiguousarray(arr, dtype=spec.dtype))
        self.busy += time.perf_counter() - t
    def get(self, spec, seq): return np.load(self._file(seq), mmap_mode=None if spec.pool == "mean" else "r")

class PackStore(EmbeddingStore):
    "protnb's store, timing its writes."
    busy = 0.0
    def put_many(self, spec, items):
        t = time.perf_counter(); n = super().put_many(spec, items); self.busy += time.perf_counter() - t
        return n

def unchecked():
    "No checksums: neither computed on write nor compared on read."
    return mock.patch.object(protnb.store, "_pack_checksum", lambda *args: "")

def batches_of_arrays(a) -> list[list[tuple[str, np.ndarray]]]:
    "The sampled proteins as `embed` would emit them: token-budget batches of (sequence, array) pairs."
    seqs = sorted(select_proteins(a.n, 1022, a.seed).values(), key=len)
    rng = np.random.default_rng(a.seed)
    shape = lambda s: (a.dim,) if a.pool == "mean" else (len(s), a.dim)
    return [[(seqs[i], rng.standard_normal(shape(seqs[i]), dtype=np.float32)) for i in b]
            for b in token_batches([len(s) + 2 for s in seqs], a.max_tokens)]

def replay(store, batches, spec, rate: float) -> dict:
    "embed's loop with the model replaced by a wait: write through the background writer, then read every protein back."
    t0 = time.perf_counter(); writer = _StoreWriter(store)
    for batch in batches:
        if rate: time.sleep(sum(len(s) for s, _ in batch) / rate)
        writer.put(spec, batch)
    writer.close(); t1 = time.perf_counter()
    for batch in batches:
        for seq, _ in batch: np.asarray(store.get(spec, seq)).sum()
    t2 = time.perf_counter()
    return {"write": store.busy, "read": t2 - t1, "share": (writer.blocked_s + t2 - t1) / (t2 - t0)}

def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--n", type=int, default=2000, help="proteins")
    ap.add_argument("--dim", type=int, default=480, help="embedding width (480: esm2_t12_35M, 1280: esm2_t33_650M)")
    ap.add_argument("--pool", default="mean", choices=["mean", "residue"])
    ap.add_argument("--max-tokens", type=int, default=16384, help="token budget per batch, as given to embed")
    ap.add_argument("--compute-rate", type=float, default=1e6, help="residues/s the model would compute (0: no compute)")
    ap.add_argument("--repeats", type=int, default=5)
    ap.add_argument("--dir", default=None, help="folder on the disk to measure (default: the system's temporary folder)")
    ap.add_argument("--seed", type=int, default=0)
    a = ap.parse_args(argv)
    batches, spec = batches_of_arrays(a), EmbedSpec("bench", 0, a.pool)
    n, mb = sum(map(len, batches)), sum(x.nbytes for b in batches for _, x in b) / 2**20
    print(f"# {n} proteins in {len(batches)} batches (max_tokens={a.max_tokens}), pool={a.pool}, dim={a.dim}, {mb:.0f} MB, "
          f"compute {a.compute_rate:,.0f} residues/s, repeats={a.repeats}, disk: {a.dir or tempfile.gettempdir()}", flush=True)
    layouts = ["files", "packs", "packs-unchecked"]
    runs = {lay: [] for lay in layouts}
    for r in range(a.repeats):
        for layout in layouts[r % 3:] + layouts[:r % 3]:     # rotate the order so load changes hit every layout alike
            folder = tempfile.mkdtemp(prefix=f"protnb-store-{layout}-", dir=a.dir)
            try:
                with unchecked() if layout == "packs-unchecked" else contextlib.nullcontext():
                    runs[layout].append(replay(FileStore(folder) if layout == "files" else PackStore(folder), batches, spec, a.compute_rate))
            finally: shutil.rmtree(folder, ignore_errors=True)
    med = {(lay, k): statistics.median(r[k] for r in rs) for lay, rs in runs.items() for k in ("write", "read", "share")}
    for lay in runs:
        print(f"{lay:>15}: writing {1e6 * med[lay, 'write'] / n:7.1f} µs/protein, reading back {1e6 * med[lay, 'read'] / n:6.1f} µs/protein, "
              f"store {100 * med[lay, 'share']:5.1f}% of the run")
    print(f"speedup_write={med['files', 'write'] / med['packs', 'write']:.1f} speedup_read={med['files', 'read'] / med['packs', 'read']:.1f} "
          f"store_share_files={med['files', 'share']:.3f} store_share_packs={med['packs', 'share']:.3f} "
          f"store_share_packs_unchecked={med['packs-unchecked', 'share']:.3f} "
          f"checksum_cost_write={med['packs', 'write'] / med['packs-unchecked', 'write']:.2f}x checksum_cost_read={med['packs', 'read'] / med['packs-unchecked', 'read']:.2f}x")


from _cputime import cpu_time_line   # bench/ is on sys.path when a script here runs

if __name__ == "__main__": main(); print(cpu_time_line())
