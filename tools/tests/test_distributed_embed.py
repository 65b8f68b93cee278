"""Scale-out and interruption checks: `torchrun --nproc_per_node 2 -m protnb.embeddings` with two gloo CPU ranks fills one store.

1. A crashed run: two ranks start; rank 1 dies hard (`os._exit`, like a killed process) after committing 3 packs, and
   torchrun stops rank 0 with SIGTERM.
2. The same plain command again: each rank resumes its own shard (rank 1 reuses exactly what it stored), and nothing is
   computed twice.
3. The store's union equals a single-process run: every sequence stored once, none missing, none extra, same numbers, and
   no temporary file left by either rank.
4. SIGTERM to a single-process run whose store writes slowly: it exits with status 143, the packs still queued when the
   signal came are committed, and no temporary file is left.
Exits non-zero on failure. Usage: python tools/tests/test_distributed_embed.py
"""
import os, sys, json, time, signal, subprocess, tempfile, shutil
from pathlib import Path

root = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(root))   # test this checkout, not whatever protnb is installed
CRASH_AFTER = 3
CHILD_ENV = {**os.environ, "PYTHONPATH": str(root), "OMP_NUM_THREADS": "1", "PYTHONWARNINGS": "ignore"}

def crash_worker(argv):
    "One torchrun rank whose store dies on rank 1 after CRASH_AFTER packs."
    import protnb.embeddings as E
    put_many, n = E.EmbeddingStore.put_many, [0]
    def dying_put_many(self, spec, items):
        if os.environ["RANK"] == "1" and n[0] == CRASH_AFTER: os._exit(17)
        n[0] += 1; return put_many(self, spec, items)
    E.EmbeddingStore.put_many = dying_put_many
    sys.exit(E.embed_cli(argv))   # as the console script does

def slow_worker(argv):
    "A single-process run whose store takes 0.2 s per pack, so packs are still queued when SIGTERM arrives."
    import protnb.embeddings as E
    put_many = E.EmbeddingStore.put_many
    def slow_put_many(self, spec, items): time.sleep(0.2); return put_many(self, spec, items)
    E.EmbeddingStore.put_many = slow_put_many
    sys.exit(E.embed_cli(argv))   # as the console script does

def sigterm_keeps_finished_work(args: list, es, spec, unique: int):
    "Stop a slow-writing run with SIGTERM once its first pack is committed; everything it queued must still be committed."
    proc = subprocess.Popen([sys.executable, __file__, "--slow-worker", *map(str, args)], cwd=root, env=CHILD_ENV,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    deadline = time.time() + 120
    while not (at_signal := len(es.keys(spec))) and proc.poll() is None and time.time() < deadline: time.sleep(0.02)
    proc.send_signal(signal.SIGTERM); out, err = proc.communicate(timeout=120)
    stored, store = len(es.keys(spec)), es.root
    assert proc.returncode == 128 + signal.SIGTERM, f"exit status {proc.returncode}, not 143:\n{err[-3000:]}"
    assert 0 < at_signal < stored <= unique, f"{at_signal} stored at SIGTERM, {stored} after: the queued packs were lost"
    assert not list(store.rglob("*.tmp")), f"temporary files left: {list(store.rglob('*.tmp'))}"
    return stored

def torchrun(*args):
    cmd = [sys.executable, "-m", "torch.distributed.run", "--standalone", "--nproc_per_node", "2", *map(str, args)]
    return subprocess.run(cmd, cwd=root, env=CHILD_ENV, capture_output=True, text=True, timeout=300)

def stats_lines(out: str) -> dict:
    return {d["rank"]: d for d in (json.loads(l) for l in out.splitlines() if l.startswith("{"))}

def main():
    import numpy as np
    from protnb.embeddings import embed, EmbeddingStore, _shard
    rng = np.random.default_rng(0)
    seqs = {f"P{i}": "".join(rng.choice(list("ACDEFGHIKLMNPQRSTVWY"), int(n))) for i, n in enumerate(rng.integers(5, 200, 30))}
    seqs["P_dup"] = seqs["P3"]                       # same sequence, another id: embedded once
    tmp = Path(tempfile.mkdtemp(prefix="protnb-dist-"))
    try:
        fasta, store = tmp/"in.fasta", tmp/"store"
        fasta.write_text("".join(f">{k}\n{v}\n" for k, v in seqs.items()))
        args = [fasta, "--model", "tiny", "--pool", "residue", "--out", store, "--max-tokens", "256"]
        unique = len(set(seqs.values()))
        ref = embed(seqs, "tiny", pool="residue", show_progress=False)          # one process, in memory
        spec = ref.spec; es = EmbeddingStore(store)

        crashed = torchrun(__file__, "--crash-worker", *args)
        assert crashed.returncode != 0, f"the crashed run should fail:\n{crashed.stdout}\n{crashed.stderr[-3000:]}"
        after_crash = len(es.keys(spec))
        assert CRASH_AFTER <= after_crash < unique, f"{after_crash} proteins stored after the crash"
        rank1_stored = sum(es.has(spec, s) for s in _shard(list(seqs.values()), 1, 2))

        resumed = torchrun("-m", "protnb.embeddings", *args)
        assert resumed.returncode == 0, f"resume failed:\n{resumed.stdout}\n{resumed.stderr[-3000:]}"
        st = stats_lines(resumed.stdout)
        assert set(st) == {0, 1, "all"}, st
        test = lambda ok, msg: ok or sys.exit(f"FAIL: {msg}: {st}")
        test(CRASH_AFTER <= rank1_stored == st[1]["reused"], f"rank 1 resumes the {rank1_stored} proteins of its 3 packs")
        test(st[0]["this_rank"] + st[1]["this_rank"] == unique, "the shards partition the unique sequences")
        test(st["all"]["reused"] == after_crash and st["all"]["computed"] == unique - after_crash, "nothing is computed twice")

        stored = sum(len(json.loads(p.read_text())["entries"]) for p in store.rglob("packs/*.json"))
        test(stored == len(es.keys(spec)) == unique, f"{stored} entries, {len(es.keys(spec))} sequences for {unique} unique sequences")
        test(not list(store.rglob("*.tmp")), "no half-written files")
        for rid, s in seqs.items():
            diff = float(np.abs(np.asarray(es.get(spec, s)) - ref[rid]).max())
            test(diff <= 1e-5, f"{rid}: store differs from the single-process run by {diff}")
        print(f"ok: 2 gloo ranks, crash after {after_crash}/{unique} stored, resume computed {st['all']['computed']}, "
              f"union equals a single-process run ({unique} unique sequences)")

        store2 = tmp/"store_sigterm"; args2 = [*args[:-3], store2, *args[-2:]]
        kept = sigterm_keeps_finished_work(args2, EmbeddingStore(store2), spec, unique)
        print(f"ok: SIGTERM exits with 143 and keeps all {kept} queued proteins, no temporary files")
    finally:
        shutil.rmtree(tmp, ignore_errors=True)

if __name__ == "__main__":
    if sys.argv[1:2] == ["--crash-worker"]: crash_worker(sys.argv[2:])
    elif sys.argv[1:2] == ["--slow-worker"]: slow_worker(sys.argv[2:])
    else: main()
