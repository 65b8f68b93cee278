"""Fault injection on the embedding store, and processes that share one: every tampering is caught or repaired, no work is repeated.

Part 1 builds a store with the random `tiny` ESM-2 (per-residue and mean-pooled kinds), then damages a copy of it in each of
the ways below, one at a time, and checks three things for every case:
- read: a fresh `EmbeddingStore` reading every entry returns the original array or raises (`StoreCorruption`, or `KeyError`
  for an entry whose index is gone); a different array is a *silent* error, the failure this script exists to find;
- verify: `EmbeddingStore.verify()` reports the damage (cases marked harmless must verify clean);
- repair: `embed` into the damaged store returns arrays equal to an in-memory run, after which the store verifies clean and a
  further `embed` computes nothing.
Part 2 starts 2 and 3 processes (no torchrun) embedding the same proteins into one store at the same moment and counts
duplicates: proteins computed more than once, and entries stored more than once. Part 3 kills a writer (SIGKILL) mid-run
while another waits on its claims, and plants the claim of a writer on another machine that stopped renewing it: the
survivor must finish everything in both cases. Prints one line per case and the counts; exits 1 on any failure.
Usage: python tools/tests/test_store_faults.py [--proteins 40] [--crowd 400]
"""
import os, sys, json, time, shutil, signal, argparse, tempfile, warnings, subprocess
from pathlib import Path
import numpy as np

root = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(root))
from protnb.embeddings import embed, load_esm, AMINO_ACIDS
from protnb.store import EmbeddingStore, EmbedSpec, StoreCorruption, sequence_key

def random_proteins(n: int, seed: int, lo: int = 20, hi: int = 300) -> dict[str, str]:
    rng = np.random.default_rng(seed)
    return {f"P{seed}_{i}": "".join(rng.choice(list(AMINO_ACIDS), rng.integers(lo, hi))) for i in range(n)}

# ---- part 1: tampering ---------------------------------------------------------------------------------------------
def packs_of(store: Path, spec: EmbedSpec) -> list[Path]: return sorted((store/spec.tag/"packs").glob("*.npy"))
def index_of(pack: Path) -> Path: return pack.with_suffix(".json")
def edit_index(pack: Path, fn):
    meta = json.loads(index_of(pack).read_text()); fn(meta); index_of(pack).write_text(json.dumps(meta))
def edit_bytes(path: Path, fn):
    raw = bytearray(path.read_bytes()); path.write_bytes(bytes(fn(raw)))
def header_len(pack: Path) -> int:
    with open(pack, "rb") as f: np.lib.format.read_magic(f); np.lib.format.read_array_header_1_0(f); return f.tell()

def swap_first_keys(meta):
    (a, *_), (b, *_) = meta["entries"][:2]; meta["entries"][0][0], meta["entries"][1][0] = b, a

def flip(raw, at): raw[at] ^= 0x01; return raw
def age(path: Path): os.utime(path, (time.time() - 3600,) * 2)

def forged_copy(p: Path, relabel: bool):
    "A copy of a pack under an older name (read first), its entries relabelled to another pack's sequences if `relabel`."
    other = json.loads(index_of(sorted(p.parent.glob("*.npy"))[-1]).read_text())["entries"]
    shutil.copy(p, p.parent/"0000-forged.npy"); shutil.copy(index_of(p), p.parent/"0000-forged.json")
    if relabel: edit_index(p.parent/"0000-forged.npy", lambda m: [e.__setitem__(0, o[0]) for e, o in zip(m["entries"], other)])

def spliced(p: Path):
    "Another pack's data under this pack's index (a mix-up of files of the same size would look like this)."
    q = sorted(p.parent.glob("*.npy"))[-1]; shutil.copy(q, p.parent/"0001-splice.npy"); shutil.copy(index_of(p), p.parent/"0001-splice.json")

# (name, harmless, tamper(pack path of the first pack of the kind)); every case damages the first pack of the kind
CASES = [
    ("flip one data bit",            False, lambda p: edit_bytes(p, lambda r: flip(r, header_len(p) + 7))),
    ("flip the last data bit",       False, lambda p: edit_bytes(p, lambda r: flip(r, len(r) - 1))),
    ("zero 64 data bytes",           False, lambda p: edit_bytes(p, lambda r: r[:header_len(p)] + bytes(64) + r[header_len(p) + 64:])),
    ("truncate data by 4 bytes",     False, lambda p: edit_bytes(p, lambda r: r[:-4])),
    ("truncate data to its header",  False, lambda p: edit_bytes(p, lambda r: r[:header_len(p)])),
    ("data file emptied",            False, lambda p: p.write_bytes(b"")),
    ("bytes appended to data",       False, lambda p: edit_bytes(p, lambda r: r + bytes(8))),
    ("data header magic damaged",    False, lambda p: edit_bytes(p, lambda r: b"XX" + r[2:])),
    ("data header dtype changed",    False, lambda p: edit_bytes(p, lambda r: r.replace(b"<f4", b"<f2", 1))),
    ("data file deleted",            False, lambda p: p.unlink()),
    ("offset shifted +1 in index",   False, lambda p: edit_index(p, lambda m: m["entries"][0].__setitem__(1, m["entries"][0][1] + 1))),
    ("offset shifted -1 in index",   False, lambda p: edit_index(p, lambda m: m["entries"][-1].__setitem__(1, m["entries"][-1][1] - 1))),
    ("shape changed in index",       False, lambda p: edit_index(p, lambda m: m["entries"][0][2].__setitem__(0, m["entries"][0][2][0] + 1))),
    ("two entries' keys swapped",    False, lambda p: edit_index(p, swap_first_keys)),
    ("checksum edited in index",     False, lambda p: edit_index(p, lambda m: m.__setitem__("checksum", "xxh3_128:" + "0" * 32))),
    ("size edited in index",         False, lambda p: edit_index(p, lambda m: m.__setitem__("size", m["size"] - 1))),
    ("index half-written",           False, lambda p: index_of(p).write_text(index_of(p).read_text()[:40])),
    ("index emptied",                False, lambda p: index_of(p).write_text("")),
    ("index not JSON (binary)",      False, lambda p: index_of(p).write_bytes(b"\x00\xff" * 10)),
    ("index of the old format",      False, lambda p: edit_index(p, lambda m: [m.pop(k) for k in ("version", "checksum", "size", "dtype")])),
    ("index deleted",                False, lambda p: (index_of(p).unlink(), age(p))),
    ("index deleted, data recent",   False, lambda p: index_of(p).unlink()),
    ("forged pack, entries relabelled", False, lambda p: forged_copy(p, relabel=True)),
    ("another pack's data spliced in", False, lambda p: spliced(p)),
    ("stale temporary file",         False, lambda p: (p.parent.joinpath(".x.npy.999999-1.tmp").write_bytes(b"half"), age(p.parent/".x.npy.999999-1.tmp"))),
    ("old orphan data file",         False, lambda p: (shutil.copy(p, p.parent/"0002-orphan.npy"), age(p.parent/"0002-orphan.npy"))),
    ("exact duplicate pack",         True,  lambda p: forged_copy(p, relabel=False)),
    ("unreadable claim file",        True,  lambda p: (p.parents[3]/"claims").mkdir(exist_ok=True) or (p.parents[3]/"claims"/"junk.json").write_text("{")),
]

def read_all(store: Path, spec: EmbedSpec, ref: dict) -> tuple[int, int, int]:
    "Read every entry through a fresh store object: (correct, refused, silently wrong)."
    st, ok, refused, wrong = EmbeddingStore(store), 0, 0, 0
    for seq, want in ref.items():
        try: got = np.asarray(st.get(spec, seq))
        except (StoreCorruption, KeyError): refused += 1; continue
        if got.shape == want.shape and np.array_equal(got, want): ok += 1
        else: wrong += 1
    return ok, refused, wrong

def tampering(n: int, work: Path) -> list[str]:
    seqs, tiny = random_proteins(n, 1), load_esm("tiny", "cpu")
    pools = ("residue", "mean")
    base = work/"base"
    built = embed(seqs, tiny, pool=list(pools), store=base, max_tokens=2048, show_progress=False)   # several proteins per pack
    failures, counts = [], {"cases": 0, "wrong_on_read": 0, "verify_missed": 0, "repair_failed": 0, "detected_on_read": 0}
    for pool in pools:
        spec = built[pool].spec
        ref = {s: np.asarray(built[pool][k]).copy() for k, s in seqs.items()}
        memory = embed(seqs, tiny, pool=pool, show_progress=False)
        for name, harmless, tamper in CASES:
            store = work/f"case-{pool}"; shutil.rmtree(store, ignore_errors=True); shutil.copytree(base, store)
            tamper(packs_of(store, spec)[0])
            ok, refused, wrong = read_all(store, spec, ref)
            report = EmbeddingStore(store).verify()
            with warnings.catch_warnings(record=True):
                warnings.simplefilter("always")
                again = embed(seqs, tiny, pool=pool, store=store, max_tokens=512, show_progress=False)
            repaired = all(np.allclose(again[k], memory[k], atol=1e-6) for k in seqs)
            clean_after = EmbeddingStore(store).verify().empty or name == "index deleted, data recent"   # a young orphan is left for its writer
            idle_after = embed(seqs, tiny, pool=pool, store=store, show_progress=False).stats["computed"] == 0
            flagged = not report.empty
            counts["cases"] += 1; counts["wrong_on_read"] += wrong; counts["detected_on_read"] += refused > 0
            good = wrong == 0 and (flagged != harmless or name == "index deleted, data recent") and repaired and clean_after and idle_after
            if flagged == harmless and name != "index deleted, data recent": counts["verify_missed"] += 1
            if not (repaired and clean_after and idle_after): counts["repair_failed"] += 1
            print(f"{'ok  ' if good else 'FAIL'} {pool:7} {name:34} read: {ok} right, {refused} refused, {wrong} wrong; "
                  f"verify: {len(report)} file(s); embed recomputed {again.stats['computed']}, "
                  f"{'equal to a run in memory' if repaired else 'WRONG ARRAYS'}{'' if clean_after else ', store not clean'}{'' if idle_after else ', recomputes again'}", flush=True)
            if not good: failures.append(f"{pool}: {name}")
    print("tampering:", json.dumps(counts), flush=True)
    return failures

# ---- parts 2 and 3: processes sharing a store ---------------------------------------------------------------------------
CHILD = """
import json, sys, time, pathlib, protnb.embeddings as pe, protnb.store as ps
pe.CLAIM_BATCHES, ps.CLAIM_LEASE_S, ps.CLAIM_POLL_S = 1, float(sys.argv[4]), 0.1
seqs, go, delay = json.loads(pathlib.Path(sys.argv[1]).read_text()), pathlib.Path(sys.argv[2]), float(sys.argv[5])
if delay:      # a slow writer: each claimed chunk takes `delay` seconds more
    run = pe._run_embedding; pe._run_embedding = lambda *a, **k: (time.sleep(delay), run(*a, **k))[1]
pathlib.Path(sys.argv[3]).touch()
t = time.time()
while not go.exists():
    if time.time() - t > 300: sys.exit("no start signal within 5 minutes")
    time.sleep(0.01)
print(json.dumps(pe.embed(seqs, "tiny", store=sys.argv[6], max_tokens=256, show_progress=False).stats), flush=True)
"""

STARTED: list[subprocess.Popen] = []     # killed when the script ends, so a failure never leaves a writer running

def start(work: Path, store: Path, seqs: dict, tag: str, lease: float = 900, delay: float = 0.0) -> subprocess.Popen:
    (work/"seqs.json").write_text(json.dumps(seqs))
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, [str(root), os.environ.get("PYTHONPATH")])), "OMP_NUM_THREADS": "1"}
    STARTED.append(subprocess.Popen([sys.executable, "-c", CHILD, str(work/"seqs.json"), str(work/"go"), str(work/f"ready-{tag}"), str(lease),
                                     str(delay), str(store)], stdout=subprocess.PIPE, env=env, text=True))
    return STARTED[-1]

def release(work: Path, tags: list[str], before=None):
    "Wait until the processes `tags` are ready, run `before`, then let them all go at once."
    while not all((work/f"ready-{t}").exists() for t in tags):
        if any(p.poll() is not None for p in STARTED[-len(tags):]): raise RuntimeError("a writer process ended before it was ready")
        time.sleep(0.05)
    if before: before()
    (work/"go").touch()

def stored_entries(store: Path) -> int:
    return sum(len(json.loads(p.read_text())["entries"]) for p in store.glob("**/packs/*.json"))

def writers(n_writers: int, seqs: dict, work: Path, repeat: int) -> tuple[int, int, list[int]]:
    store = work/f"shared-{n_writers}-{repeat}"; (work/"go").unlink(missing_ok=True)
    tags = [f"{n_writers}-{repeat}-{i}" for i in range(n_writers)]
    procs = [start(work, store, seqs, t) for t in tags]
    release(work, tags)
    stats = [json.loads(p.communicate(timeout=600)[0].splitlines()[-1]) for p in procs]
    computed = [s["computed"] for s in stats]
    return sum(computed) - len(seqs), stored_entries(store) - len(seqs), computed

def killed_writer(seqs: dict, work: Path) -> list[str]:
    "A slow writer is SIGKILLed while another waits on its claim: the other takes the claim over and finishes everything."
    store, failures = work/"killed", []
    (work/"go").unlink(missing_ok=True)
    a, b = start(work, store, seqs, "victim", delay=60.0), start(work, store, seqs, "survivor")   # the victim sits on its first claim
    release(work, ["victim", "survivor"])
    def held_by_victim() -> int:
        held = 0
        for p in (store/"claims").glob("*.json"):
            try: claim = json.loads(p.read_text())
            except (OSError, ValueError): continue          # released meanwhile
            held += len(claim["keys"]) * (claim["pid"] == a.pid)
        return held
    while not (held_by_victim() and stored_entries(store) + held_by_victim() == len(seqs)): time.sleep(0.05)
    held = held_by_victim(); time.sleep(0.5)                 # the survivor has done everything else and waits on the victim's claim
    a.send_signal(signal.SIGKILL); a.wait()
    stats = json.loads(b.communicate(timeout=600)[0].splitlines()[-1])
    complete = EmbeddingStore(store).keys(EmbedSpec("tiny", 2)) >= {sequence_key(s) for s in seqs.values()}
    ok = complete and stats["waited_seconds"] > 0 and stats["computed"] == len(seqs) and stored_entries(store) == len(seqs)
    print(f"{'ok  ' if ok else 'FAIL'} killed writer: SIGKILL while holding a claim on {held} protein(s); the other computed {stats['computed']} "
          f"of {len(seqs)}, those after waiting {stats['waited_seconds']} s; store complete: {complete}, entries stored: {stored_entries(store)}", flush=True)
    if not ok: failures.append("killed writer")
    # the live-looking claim of a process on another machine that stopped renewing it: taken over once the lease (3 s here) runs out
    store2, k = work/"foreign", sequence_key(next(iter(seqs.values())))
    (store2/"claims").mkdir(parents=True); (work/"go").unlink(missing_ok=True)
    c = start(work, store2, seqs, "heir", lease=3.0)
    claim = {"host": "elsewhere", "pid": 1, "tags": [EmbedSpec("tiny", 2).tag], "keys": [k]}
    written = []      # when the claim was written: the heir may take it over 3 s later, however long it took to start
    release(work, ["heir"], before=lambda: ((store2/"claims"/"elsewhere-1-x.json").write_text(json.dumps(claim)), written.append(time.time())))
    stats = json.loads(c.communicate(timeout=600)[0].splitlines()[-1]); held_s = time.time() - written[0]
    ok = stats["computed"] == len(seqs) and stats["waited_seconds"] > 0 and held_s >= 3.0
    print(f"{'ok  ' if ok else 'FAIL'} foreign claim: computed {stats['computed']} of {len(seqs)}, the claimed one after waiting "
          f"{stats['waited_seconds']} s for its 3 s lease to run out ({held_s:.1f} s after the claim was written)", flush=True)
    if not ok: failures.append("foreign claim")
    return failures

def run_all(a, work: Path) -> list[str]:
    failures = tampering(a.proteins, work)
    crowd = random_proteins(a.crowd, 2, 30, 200)
    for n in (2, 3):
        for r in range(a.repeats):
            dup_computed, dup_stored, computed = writers(n, crowd, work, r)
            ok = dup_computed == 0 and dup_stored == 0 and min(computed) > 0
            print(f"{'ok  ' if ok else 'FAIL'} {n} writers, run {r + 1}: {len(crowd)} proteins, computed {computed} "
                  f"(duplicates: {dup_computed} computed, {dup_stored} stored)", flush=True)
            if dup_computed or dup_stored: failures.append(f"{n} writers: duplicates")
    return failures + killed_writer(random_proteins(60, 3, 30, 200), work)

def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--proteins", type=int, default=40, help="proteins in the tampered store")
    ap.add_argument("--crowd", type=int, default=400, help="proteins the concurrent writers embed")
    ap.add_argument("--repeats", type=int, default=1, help="runs per number of writers")
    a = ap.parse_args(argv)
    t0 = time.time()
    with tempfile.TemporaryDirectory(prefix="protnb-faults-") as d:
        try: failures = run_all(a, Path(d))
        finally:
            for p in STARTED: p.kill(); p.wait(); p.stdout.close()    # a failure never leaves a writer running (or holding our stdout)
    print(f"{len(failures)} failure(s) in {time.time() - t0:.0f} s" + (": " + "; ".join(failures) if failures else ""))
    sys.exit(1 if failures else 0)

if __name__ == "__main__": main()
