"""The embedding store as a closed world, and writers that never wait in silence (issue 23, an attacker's second pass).

Part 1, planted things (in one process, a store S with kind folder S/T): symlinks where `packs`, `damaged`, `claims`,
`moved.log` and a data file belong, a pack file name with newlines, a regular file where `packs` belongs, a relative store
path followed by `os.chdir`. Each case checks that nothing outside the store is written, moved or deleted (the outside
folder's listing and bytes are compared before and after), that the damage is named (on read, by `verify()`) and that the
next `embed` repairs it, with results equal to a run in memory.

Part 2, stalled processes (SIGSTOP, never SIGKILL): a process holding the claims lock is stopped, and another writer ends
with `StoreLockTimeout` after the timeout (2 s here, `PROTNB_STORE_LOCK_TIMEOUT_S`) having said on stderr whom it waits for; a
writer holding a claim is stopped past its lease (2 s here, `PROTNB_CLAIM_LEASE_S`), the other announces the wait, takes the
claim over and finishes; the stopped one resumes (SIGCONT), finds its claim lost, and stores nothing twice.

Prints one line per case and a summary `cases N, named N, silent N, crashes N, hangs N, data lost N`; exit status 1 on any
failure. Usage: python tools/tests/test_store_trust.py
"""
import os, sys, json, time, shutil, signal, hashlib, tempfile, warnings, subprocess
from pathlib import Path
import numpy as np

root = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(root))
from protnb.embeddings import embed, load_esm, AMINO_ACIDS
from protnb.store import EmbeddingStore, EmbedSpec, StoreCorruption, sequence_key

TINY = load_esm("tiny", device="cpu")
SPEC = EmbedSpec("tiny", 2, "mean")
counts = {"cases": 0, "named": 0, "silent": 0, "crashes": 0, "hangs": 0, "data lost": 0}
failures: list[str] = []

def proteins(n: int, seed: int = 0, lo: int = 20, hi: int = 60) -> dict[str, str]:
    rng = np.random.default_rng(seed)
    return {f"P{i}": "".join(rng.choice(list(AMINO_ACIDS), int(rng.integers(lo, hi)))) for i in range(n)}

def snapshot(folder: Path) -> dict:
    "Every entry under `folder` (not following links) with its kind and content hash: what 'untouched' means."
    out = {}
    for p in sorted(folder.rglob("*")):
        if p.is_symlink(): out[str(p.relative_to(folder))] = ("link", os.readlink(p))
        elif p.is_file(): out[str(p.relative_to(folder))] = ("file", hashlib.sha256(p.read_bytes()).hexdigest(), p.stat().st_mtime_ns)
        else: out[str(p.relative_to(folder))] = ("dir",)
    return out

def embed_quiet(seqs, store, **kw):
    with warnings.catch_warnings(record=True) as w:
        warnings.simplefilter("always")
        res = embed(seqs, TINY, store=store, show_progress=False, max_tokens=256, **kw)
    return res, [str(x.message) for x in w]

def report(name: str, ok: bool, named: bool, lost: bool, detail: str):
    counts["cases"] += 1; counts["named"] += named; counts["data lost"] += lost; counts["silent"] += not named
    print(f"{'ok  ' if ok else 'FAIL'} {name:44s} {detail}", flush=True)
    if not ok: failures.append(name)

def equal_to_memory(res, seqs) -> bool:
    ref = embed(seqs, TINY, show_progress=False)
    return all(np.allclose(res[k], ref[k], atol=1e-6) for k in seqs)

# ---- part 1: planted links and files -------------------------------------------------------------------------------------
def planted_case(name: str, work: Path, plant, *, needs_damage: bool = True, check=None):
    "Fill a store, plant something (`plant(store, outside)`), then read, verify and embed again; the outside folder must not change."
    store, outside = work/name.replace(" ", "_")/"S", work/name.replace(" ", "_")/"outside"
    outside.mkdir(parents=True); seqs = proteins(12, seed=hash(name) % 1000)
    for i in range(3):    # things an attacker wants moved, deleted or overwritten: old packs, claims, debris, a start-up file
        (outside/f"old{i}.json").write_text(json.dumps({"keys": ["x"], "host": "h", "pid": 1}))
        (outside/f"old{i}.npy").write_bytes(b"keep me")
        os.utime(outside/f"old{i}.json", (time.time() - 10**5,) * 2); os.utime(outside/f"old{i}.npy", (time.time() - 10**5,) * 2)
    (outside/"stale.tmp").write_bytes(b"keep"); os.utime(outside/"stale.tmp", (time.time() - 10**5,) * 2)
    (outside/".bashrc").write_text("# the user's shell start-up file\n")
    try:
        embed_quiet(dict(list(seqs.items())[:6]), store)
        plant(store, outside)
        before = snapshot(outside)
        named = False
        try:
            rep = EmbeddingStore(store).verify(); named = len(rep) > 0 or not needs_damage
            detail = f"verify: {len(rep)} row(s) {rep['problem'].str[:40].tolist()[:2]}"
        except Exception as e: raise AssertionError(f"verify crashed: {type(e).__name__}: {e}")
        res, warns = embed_quiet(seqs, store)
        after = snapshot(outside)
        lost = before != after
        extra = check(store, outside, warns) if check else ""
        ok = not lost and named and equal_to_memory(res, seqs) and EmbeddingStore(store).verify().empty
        report(name, ok, named, lost, f"{detail}; outside {'CHANGED' if lost else 'untouched'}; repaired: {EmbeddingStore(store).verify().empty}{extra}")
    except Exception as e:
        counts["crashes"] += 1; report(name, False, False, False, f"crashed: {type(e).__name__}: {str(e)[:200]}")

def packs_of(store: Path) -> Path: return store/SPEC.tag/"packs"

def link_packs(store, outside):
    shutil.rmtree(packs_of(store)); os.symlink(outside, packs_of(store))

def link_damaged(store, outside):
    (store/"damaged").mkdir(exist_ok=True); shutil.rmtree(store/"damaged"); os.symlink(outside, store/"damaged")
    next(packs_of(store).glob("*.npy")).write_bytes(b"damaged")        # so the next embed moves a pack into `damaged`

def link_log_and_newline_name(store, outside):
    (store/"damaged").mkdir(exist_ok=True); os.symlink(outside/".bashrc", store/"damaged"/"moved.log")
    bad = packs_of(store)/"x\necho INJECTED\n#.npy"; bad.write_bytes(b"junk"); os.utime(bad, (time.time() - 10**5,) * 2)

def log_check(store, outside, warns):
    log = (store/"damaged"/"moved.log").read_text()
    if any(l.strip() == "echo INJECTED" for l in log.splitlines()) or "INJECTED" in (outside/".bashrc").read_text():
        raise AssertionError("a file name started a line of its own in moved.log")
    return "; moved.log has the name escaped" if "x\\necho INJECTED" in log else "; (name not logged)"

def link_claims(store, outside):
    (store/"claims").mkdir(exist_ok=True); shutil.rmtree(store/"claims"); os.symlink(outside, store/"claims")

def link_lock(store, outside):
    (store/"claims").mkdir(exist_ok=True); (store/"claims"/".lock").unlink(missing_ok=True); os.symlink(outside/".bashrc", store/"claims"/".lock")

def link_data_file(store, outside):
    npy = next(packs_of(store).glob("*.npy")); npy.unlink(); os.symlink(outside/"old0.npy", npy)

def file_for_packs(store, outside):
    shutil.rmtree(packs_of(store)); packs_of(store).write_text("not a folder")
    try: EmbeddingStore(store).get(SPEC, "MKV")
    except StoreCorruption as e: assert "not a folder" in str(e), e
    else: raise AssertionError("reading a store whose packs folder is a file raised no StoreCorruption")

def link_kind(store, outside):
    kind = store/"tiny"; shutil.move(str(kind), str(outside/"moved-kind")); os.symlink(outside/"moved-kind", kind)

def relative_then_chdir(work: Path):
    "A store given by a relative path keeps meaning the same folder after `os.chdir`."
    here = os.getcwd(); d = work/"rel"; (d/"a").mkdir(parents=True); (d/"b").mkdir()
    seqs = proteins(8, seed=7)
    try:
        os.chdir(d/"a"); res, _ = embed_quiet(seqs, "st"); st = EmbeddingStore("st")
        os.chdir(d/"b")
        try: first = np.asarray(res["P0"]); read_ok = True
        except Exception as e: read_ok, first = False, f"{type(e).__name__}: {str(e)[:80]}"
        again, _ = embed_quiet(seqs, st)        # the same store object, made before the chdir
        ok = read_ok and not (d/"b"/"st").exists() and again.stats["computed"] == 0
        report("relative store path, then os.chdir", ok, True, False,
               f"read after chdir: {'ok' if read_ok else first}; second store under the new folder: {(d/'b'/'st').exists()}")
    finally: os.chdir(here)

def nan_pack(work: Path):
    "A pack holding NaN (as written by a diverged model before embed refused them) is reported by verify."
    st = EmbeddingStore(work/"nan"); st.put_many(SPEC, [("MKV", np.array([1.0, np.nan, 2.0])), ("ACD", np.ones(3))])
    rep = st.verify(); ok = len(rep) == 1 and "NaN or infinite" in rep["problem"].iloc[0]
    report("pack holding NaN: verify", ok, ok, False, f"verify: {rep['problem'].tolist()}")

# ---- part 2: stalled processes ----------------------------------------------------------------------------------------------
HOLD_LOCK = """
import os, sys, signal, pathlib
from protnb.store import EmbeddingStore
st = EmbeddingStore(sys.argv[1]); folder = pathlib.Path(sys.argv[1])/"claims"; folder.mkdir(parents=True, exist_ok=True)
from protnb.store import _StoreLock; lock = _StoreLock(st, folder/".lock", {"host": os.uname().nodename, "pid": os.getpid(), "started": None})
with lock:
    pathlib.Path(sys.argv[2]).touch(); os.kill(os.getpid(), signal.SIGSTOP)
"""

WRITER = """
import json, sys, time, pathlib, protnb.embeddings as pe
seqs, go, delay = json.loads(pathlib.Path(sys.argv[1]).read_text()), pathlib.Path(sys.argv[2]), float(sys.argv[3])
pe.CLAIM_BATCHES = 1
if delay:      # a slow writer: each claimed chunk waits `delay` seconds before it computes
    run = pe._run_embedding; pe._run_embedding = lambda *a, **k: (time.sleep(delay), run(*a, **k))[1]
pathlib.Path(str(go) + "." + sys.argv[5]).touch()
while not go.exists(): time.sleep(0.01)
print(json.dumps(pe.embed(seqs, "tiny", store=sys.argv[4], max_tokens=256, show_progress=False).stats), flush=True)
"""

def child_env(**kw) -> dict:
    return {**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, [str(root), os.environ.get("PYTHONPATH")])), "OMP_NUM_THREADS": "1",
            "PYTHONWARNINGS": "ignore", **{k: str(v) for k, v in kw.items()}}

def stalled_lock_holder(work: Path):
    store = work/"lockstore"; ready = work/"lock-ready"; seqs = proteins(6, seed=3)
    holder = subprocess.Popen([sys.executable, "-c", HOLD_LOCK, str(store), str(ready)], env=child_env())
    try:
        t = time.time()
        while not ready.exists():
            if time.time() - t > 60 or holder.poll() is not None: raise RuntimeError("the lock holder did not start")
            time.sleep(0.05)
        (work/"seqs-lock.json").write_text(json.dumps(seqs))
        code = ("import json, sys; from protnb.embeddings import embed\n"
                f"embed(json.load(open({str(work/'seqs-lock.json')!r})), 'tiny', store={str(store)!r}, show_progress=False)")
        t0 = time.time()
        try: r = subprocess.run([sys.executable, "-c", code], env=child_env(PROTNB_STORE_LOCK_TIMEOUT_S=2), capture_output=True, text=True, timeout=60)
        except subprocess.TimeoutExpired:
            counts["hangs"] += 1; report("claims lock held by a stopped process", False, False, False, "the writer hung"); return
        secs = time.time() - t0
        named = "StoreLockTimeout" in r.stderr and "(stopped)" in r.stderr
        said = "waiting for the lock" in r.stderr
        ok = r.returncode != 0 and named and said
        last = [l for l in r.stderr.splitlines() if l.strip()][-1:] or [""]
        report("claims lock held by a stopped process", ok, named, False, f"ended after {secs:.1f} s; announced: {said}; {last[0][:150]}")
    finally:
        holder.send_signal(signal.SIGKILL); holder.wait()

def stalled_claim_holder(work: Path):
    "A writer holding a claim is stopped past its lease; the other takes the claim over; the first resumes and stores nothing twice."
    store, go = work/"stall", work/"go-stall"; seqs = proteins(30, seed=11, lo=30, hi=80)
    (work/"seqs-stall.json").write_text(json.dumps(seqs))
    env = child_env(PROTNB_CLAIM_LEASE_S=2)
    a = subprocess.Popen([sys.executable, "-c", WRITER, str(work/"seqs-stall.json"), str(go), "3", str(store), "a"], env=env,
                         stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    b = subprocess.Popen([sys.executable, "-c", WRITER, str(work/"seqs-stall.json"), str(go), "0", str(store), "b"], env=env,
                         stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        t = time.time()
        while not (Path(f"{go}.a").exists() and Path(f"{go}.b").exists()):
            if time.time() - t > 120: raise RuntimeError("writers did not start")
            time.sleep(0.05)
        go.touch()
        def claimed_by_a():
            for p in (store/"claims").glob("*.json"):
                try:
                    if json.loads(p.read_text())["pid"] == a.pid: return True
                except (OSError, ValueError, KeyError): pass
            return False
        t = time.time()
        while not claimed_by_a():
            if time.time() - t > 60: raise RuntimeError("the slow writer never claimed anything")
            time.sleep(0.02)
        a.send_signal(signal.SIGSTOP)        # stopped while holding a claim (sleeping before computing it)
        try: b_out, b_err = b.communicate(timeout=120)
        except subprocess.TimeoutExpired:
            counts["hangs"] += 1; report("claim holder stopped past its lease", False, False, False, "the other writer hung"); return
        a.send_signal(signal.SIGCONT)
        a_out, a_err = a.communicate(timeout=120)
        sa, sb = json.loads(a_out.splitlines()[-1]), json.loads(b_out.splitlines()[-1])
        entries = sum(len(json.loads(p.read_text())["entries"]) for p in (store/SPEC.tag/"packs").glob("*.json"))
        keys = EmbeddingStore(store).keys(SPEC); complete = keys >= {sequence_key(s) for s in seqs.values()}
        announced = "waiting for" in b_err and "taken over at" in b_err
        dropped = "was taken over while it was stalled" in a_err
        dup_stored, dup_computed = entries - len(seqs), sa["computed"] + sb["computed"] - len(seqs)
        ok = complete and dup_stored == 0 and announced and dropped
        report("claim holder stopped past its lease", ok, announced and dropped, False,
               f"computed {sa['computed']} + {sb['computed']} of {len(seqs)} (duplicates: {dup_computed} computed, {dup_stored} stored); "
               f"the waiter announced it: {announced}; the resumed one dropped its lost claim: {dropped}")
    finally:
        for p in (a, b):
            if p.poll() is None: p.send_signal(signal.SIGCONT); p.kill(); p.wait()

def main():
    t0 = time.time()
    with tempfile.TemporaryDirectory(prefix="protnb-trust-") as d:
        work = Path(d)
        planted_case("packs folder is a symlink", work, link_packs)
        planted_case("damaged folder is a symlink", work, link_damaged)
        planted_case("moved.log symlink + newline file name", work, link_log_and_newline_name, check=log_check)
        planted_case("claims folder is a symlink", work, link_claims)
        planted_case("claims/.lock is a symlink", work, link_lock)
        planted_case("a data file is a symlink", work, link_data_file)
        planted_case("kind folder is a symlink", work, link_kind)
        planted_case("packs is a regular file", work, file_for_packs)
        relative_then_chdir(work)
        nan_pack(work)
        stalled_lock_holder(work)
        stalled_claim_holder(work)
    print(", ".join(f"{k} {v}" for k, v in counts.items()) + f" ({time.time() - t0:.0f} s)")
    if failures: sys.exit(f"{len(failures)} failure(s): {', '.join(failures)}")

if __name__ == "__main__": main()
