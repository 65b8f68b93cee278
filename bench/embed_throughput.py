"""Embedding throughput: fair-esm's own recipe vs HF transformers `EsmModel` vs protnb (vs esm-cpp), on the same proteins and weights, with the machine's matmul ceiling measured in the same run.

Every engine gets the same randomly initialised ESM-2 of a real architecture (weights do not change speed; none can be
downloaded here), copied into HF's `EsmModel` by name, and the same Bernett proteins (a seeded sample of those with at
most 1,022 residues). Each engine runs in its own fresh process (so peak memory is its own) and warms up on 16 proteins spread over the length range.
The proteins are then cut into `--chunks` groups of similar length, and the engines take turns chunk by chunk (in rotating
order), so that load changes on a shared machine hit all three alike; an engine's time is the sum over its chunks, and with
`--repeats` the median of those sums.

- fair-esm: the recipe of fair-esm's `scripts/extract.py`: `FastaBatchedDataset`, `get_batch_indices(max_tokens)`, the
  alphabet's batch converter, `model(toks, repr_layers=[L])`, then pooling of the representation.
- hf: `transformers.EsmModel` (SDPA attention), the same token-budget batches, `last_hidden_state`; with `--precision
  bfloat16/float16` it runs under the same autocast as protnb (fair-esm's recipe has no such option and stays float32).
- protnb: `protnb.embeddings.embed(..., engine="protnb")` into a fresh embedding store, then every embedding read back;
  the time spent writing and reading the store is reported as a share of the run.

- protnb-fp32: with `--precision bfloat16/float16`, protnb in float32 as well, so the speed-up of reduced precision over
  protnb's own float32 forward is measured on the same proteins in the same run, and its outputs are the accuracy reference.
- esm-cpp (optional, `--engines ...,esm-cpp`): the C++ CPU engine of PyPI's `esm-cpp` (FP32; install it with
  `pip install --no-deps esm-cpp`: its metadata pins numpy<2, which its compiled module does not need). It loads the same
  random weights from an HF-format safetensors file written for it; embeddings come from `forward_with_hidden_states`, one
  sequence per call (its packed calls return only logits); threads from `--threads` (ESM_NUM_THREADS).
- matmul-P (always; one per precision in use): the ceiling. For each chunk it times, at every batch's own shape (that batch's
  real tokens x the model's width), one layer's four linear layers (QKV, output projection, fc1, fc2) on random weights in
  precision P. Its rate (GFLOP/s) is the machine's matmul rate at the forward's shapes during this run.

Each engine's share of the ceiling is its model FLOP rate (linear layers plus attention's two matmuls, 24·n·D² + 4·n²·D per
layer for a sequence of n tokens, no padding counted) over the matmul-P rate of its compute precision. All outputs are
compared with fair-esm's (max absolute difference over all proteins and dimensions), and protnb's with protnb-fp32's.
The load average is printed before and after (the machine may be shared), and each engine's residues per CPU-second of its
process beside its residues per second: with `--threads 1` on a machine shared with other jobs, CPU time does not count the
time the engine waited for a core, so those ratios are the steadier ones (with more threads, idle-spinning counts too).
The last line is `speedup_vs_fair_esm=X speedup_vs_hf=Y max_abs_diff=Z precision=P ceiling_share=S` (protnb's speed-ups; Z is
protnb vs fair-esm; S is protnb's share of the matmul ceiling at precision P), plus `speedup_vs_protnb_fp32=X` with
`--precision bfloat16/float16`; an engine left out gives nan.
Usage: python bench/embed_throughput.py [--arch esm2_t12_35M_UR50D] [--n 100] [--pool residue] [--threads 2] [--device cuda]
       [--precision bfloat16] [--engines fair-esm,hf,protnb,esm-cpp]
"""
import os, sys, time, json, argparse, resource, tempfile, shutil, statistics
from pathlib import Path
import multiprocessing as mp

root = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(root))   # benchmark this checkout, not whatever protnb is installed
from protnb.embeddings import ESM2_ARCHS
ENGINES = ("fair-esm", "hf", "protnb")      # the default; also protnb-fp32 and esm-cpp, and the matmul-P ceilings

def select_proteins(n: int, max_len: int, seed: int) -> dict[str, str]:
    "A seeded sample of `n` Bernett proteins with at most `max_len` residues."
    import numpy as np
    from protnb.embeddings import read_sequences
    from protnb.utils import data_path
    seqs = read_sequences(data_path("ppi", "bernett_gold_sequences.tsv.gz"))
    ids = sorted(k for k, s in seqs.items() if len(s) <= max_len)
    pick = np.random.default_rng(seed).choice(len(ids), size=min(n, len(ids)), replace=False)
    return {ids[i]: seqs[ids[i]] for i in sorted(pick)}

def hf_from_fair(m):
    "A `transformers.EsmModel` with the fair-esm model's weights (names mapped as in HF's convert_esm.py)."
    from transformers import EsmConfig, EsmModel
    fm, a = m.model, m.alphabet
    cfg = EsmConfig(vocab_size=len(a), hidden_size=fm.embed_dim, num_hidden_layers=fm.num_layers, num_attention_heads=fm.attention_heads,
                    intermediate_size=4 * fm.embed_dim, hidden_dropout_prob=0.0, attention_probs_dropout_prob=0.0,
                    max_position_embeddings=1026, position_embedding_type="rotary", layer_norm_eps=fm.emb_layer_norm_after.eps,
                    pad_token_id=a.padding_idx, mask_token_id=a.mask_idx, token_dropout=fm.token_dropout, emb_layer_norm_before=False)
    cfg._attn_implementation = "sdpa"
    hf = EsmModel(cfg, add_pooling_layer=False)
    sd = {"embeddings.word_embeddings.weight": fm.embed_tokens.weight,
          "encoder.emb_layer_norm_after.weight": fm.emb_layer_norm_after.weight, "encoder.emb_layer_norm_after.bias": fm.emb_layer_norm_after.bias}
    names = {"self_attn.q_proj": "attention.self.query", "self_attn.k_proj": "attention.self.key", "self_attn.v_proj": "attention.self.value",
             "self_attn.out_proj": "attention.output.dense", "self_attn_layer_norm": "attention.LayerNorm",
             "fc1": "intermediate.dense", "fc2": "output.dense", "final_layer_norm": "LayerNorm"}
    for i, lyr in enumerate(fm.layers):
        for src, dst in names.items():
            mod = lyr.get_submodule(src)
            sd[f"encoder.layer.{i}.{dst}.weight"], sd[f"encoder.layer.{i}.{dst}.bias"] = mod.weight, mod.bias
    missing, unexpected = hf.load_state_dict(sd, strict=False)
    assert not unexpected and all("inv_freq" in k or "contact_head" in k for k in missing), (missing, unexpected)
    return hf.eval()

def write_hf_safetensors(m, path):
    "The fair-esm model as an HF `EsmForMaskedLM` safetensors file, with the rotary tables esm-cpp's loader asks for."
    from transformers import EsmForMaskedLM
    from safetensors.torch import save_file
    hf, fm = hf_from_fair(m), m.model
    mlm = EsmForMaskedLM(hf.config)
    mlm.esm.load_state_dict(hf.state_dict(), strict=False)
    mlm.lm_head.dense.load_state_dict(fm.lm_head.dense.state_dict()); mlm.lm_head.layer_norm.load_state_dict(fm.lm_head.layer_norm.state_dict())
    mlm.lm_head.bias.data.copy_(fm.lm_head.bias)
    sd = {k: v.contiguous() for k, v in mlm.state_dict().items() if k != "lm_head.decoder.weight"}   # tied to the embeddings
    for i in range(fm.num_layers): sd[f"esm.encoder.layer.{i}.attention.self.rotary_embeddings.inv_freq"] = fm.layers[0].self_attn.rot_emb.inv_freq.float().clone()
    save_file(sd, str(path))

def layer_flops(n_tokens: int, dim: int) -> int:
    "Multiply-add FLOPs of one ESM-2 layer for one sequence of `n_tokens`: the four linear layers and attention's two matmuls."
    return 24 * n_tokens * dim * dim + 4 * n_tokens * n_tokens * dim

def pooled(x, pool: str):
    "(length, dim) float32 numpy -> the requested pooling."
    from protnb.embeddings import pool_residues
    return pool_residues(x, pool)

def run_fair(m, seqs, a):
    "fair-esm's extract.py recipe."
    import torch
    from esm import FastaBatchedDataset
    ds = FastaBatchedDataset(list(seqs), list(seqs.values()))
    loader = torch.utils.data.DataLoader(ds, collate_fn=m.alphabet.get_batch_converter(1022),
                                         batch_sampler=ds.get_batch_indices(a.max_tokens, extra_toks_per_seq=1))
    L, out = m.num_layers, {}
    with torch.no_grad():
        for labels, strs, toks in loader:
            rep = m.model(toks.to(m.device), repr_layers=[L])["representations"][L].float().cpu().numpy()
            for i, (k, s) in enumerate(zip(labels, strs)): out[k] = pooled(rep[i, 1:len(s) + 1], a.pool)
    return out

def run_hf(m, seqs, a, hf):
    "HF EsmModel on protnb's token-budget batches."
    import torch
    from protnb.embeddings import token_batches, tokenize
    ids, out = list(seqs), {}
    low = a.precision != "float32"   # HF gets the same autocast as protnb
    with torch.inference_mode(), torch.autocast(m.device.type, dtype=getattr(torch, a.precision), enabled=low):
        for batch in token_batches([len(seqs[k]) + 2 for k in ids], a.max_tokens):
            toks = tokenize([seqs[ids[i]] for i in batch], m.alphabet).to(m.device)
            h = hf(input_ids=toks, attention_mask=toks.ne(m.alphabet.padding_idx).long()).last_hidden_state.float().cpu().numpy()
            for j, i in enumerate(batch): out[ids[i]] = pooled(h[j, 1:len(seqs[ids[i]]) + 1], a.pool)
    return out

def run_esm_cpp(em, seqs, a):
    "esm-cpp's FP32 engine, one sequence per call: the last hidden state (after the final layer norm)."
    import numpy as np
    tok, out = __import__("esm_cpp").Tokenizer(), {}
    for k, s in seqs.items():
        h = em.forward_with_hidden_states(np.asarray(tok.encode(s), dtype=np.int32))[1][-1]
        out[k] = pooled(h[1:len(s) + 1], a.pool)
    return out

def run_matmul(seqs, a, dim: int, precision: str, timing):
    "The ceiling: one layer's four linear layers at each batch's real-token shape, in `precision`; records seconds and FLOPs."
    import torch, torch.nn.functional as F
    from protnb.embeddings import token_batches
    dt, dev = getattr(torch, precision), torch.device(a.device)
    if "w" not in timing:
        g = torch.Generator().manual_seed(0)
        timing["w"] = [(torch.randn(o, i, generator=g) / i ** 0.5).to(dev, dt) for o, i in ((3 * dim, dim), (dim, dim), (4 * dim, dim), (dim, 4 * dim))]
    w = timing["w"]; lengths = [len(s) + 2 for s in seqs.values()]
    secs = cpu = flops = 0
    for batch in token_batches(lengths, a.max_tokens):
        T = sum(lengths[i] for i in batch)
        x, h = torch.randn(T, dim, device=dev, dtype=dt), torch.randn(T, 4 * dim, device=dev, dtype=dt)
        if dev.type == "cuda": torch.cuda.synchronize()
        t, c = time.perf_counter(), time.process_time()
        for wi in w: F.linear(h if wi.shape[1] == 4 * dim else x, wi)
        if dev.type == "cuda": torch.cuda.synchronize()
        secs += time.perf_counter() - t; cpu += time.process_time() - c; flops += 24 * T * dim * dim
    timing.update(matmul_s=secs, matmul_cpu_s=cpu, matmul_flops=flops)
    return {}

def run_protnb(m, seqs, a, timing, precision):
    "protnb.embeddings.embed into a fresh store, then every embedding read back."
    import numpy as np
    from protnb.embeddings import embed
    store = Path(tempfile.mkdtemp(prefix="protnb-bench-store-"))
    try:
        res = embed(seqs, m, pool=a.pool, store=store, max_tokens=a.max_tokens, show_progress=False, engine="protnb", precision=precision)
        t = time.perf_counter(); out = {k: np.array(res[k], dtype=np.float32) for k in seqs}; read = time.perf_counter() - t
        timing.update(store_write_s=res.stats["store_seconds"], store_read_s=read)
        return out
    finally: shutil.rmtree(store, ignore_errors=True)

def engine_worker(engine: str, a, outdir: str, conn):
    "One engine in its own process: load and warm up, then embed each chunk of ids it is sent; finally save outputs, report memory."
    os.environ["ESM_NUM_THREADS"] = str(a.threads)     # esm-cpp sizes its thread pool from this at first load
    import numpy as np, torch
    torch.set_num_threads(a.threads)
    from protnb.embeddings import random_esm2, load_esm
    seqs = select_proteins(a.n, a.max_len, a.seed)
    m = load_esm(random_esm2(a.arch, seed=0), a.device)
    hf = hf_from_fair(m).to(m.device) if engine == "hf" else None
    if engine == "esm-cpp":
        import esm_cpp
        write_hf_safetensors(m, Path(outdir)/"esm_cpp_weights.safetensors")
        em = esm_cpp.Model.load_from_safetensors(str(Path(outdir)/"esm_cpp_weights.safetensors"))
    timing = {}
    run = {"fair-esm": lambda s: run_fair(m, s, a), "hf": lambda s: run_hf(m, s, a, hf), "esm-cpp": lambda s: run_esm_cpp(em, s, a),
           "protnb": lambda s: run_protnb(m, s, a, timing, a.precision), "protnb-fp32": lambda s: run_protnb(m, s, a, timing, "float32"),
           **{f"matmul-{p}": (lambda s, p=p: run_matmul(s, a, m.embed_dim, p, timing)) for p in ("float32", "bfloat16", "float16")}}[engine]
    by_length = sorted(seqs.items(), key=lambda kv: len(kv[1]))
    run(dict(by_length[::max(1, len(by_length) // 16)]))    # warm-up over the length range: first uses of a shape are not throughput
    cuda = m.device.type == "cuda"
    if cuda: torch.cuda.synchronize(); torch.cuda.reset_peak_memory_stats()
    conn.send("ready"); out = {}
    while (ids := conn.recv()) is not None:
        t, c = time.perf_counter(), time.process_time(); out.update(run({k: seqs[k] for k in ids}))
        if cuda: torch.cuda.synchronize()
        conn.send((time.perf_counter() - t, time.process_time() - c, timing.get("store_write_s", 0.0), timing.get("store_read_s", 0.0),
                   timing.get("matmul_s"), timing.get("matmul_cpu_s"), timing.get("matmul_flops")))
    if not engine.startswith("matmul-"): np.savez(Path(outdir)/f"{engine}.npz", **out)
    conn.send({"peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
               "peak_gpu_mb": torch.cuda.max_memory_allocated() / 2**20 if cuda else None})

def run_interleaved(engines: list[str], a, outdir: str) -> dict:
    "Start one process per engine, feed them length-sorted chunks in rotating order, and collect times and memory."
    seqs = select_proteins(a.n, a.max_len, a.seed)
    order = sorted(seqs, key=lambda k: (len(seqs[k]), k))
    chunks = [order[j * len(order) // a.chunks:(j + 1) * len(order) // a.chunks] for j in range(a.chunks)]
    ctx, procs = mp.get_context("spawn"), {}
    for e in engines:
        here, there = ctx.Pipe(); p = ctx.Process(target=engine_worker, args=(e, a, outdir, there)); p.start(); procs[e] = (p, here)
    for e, (p, c) in procs.items(): assert c.recv() == "ready", e
    secs, cpu, write, read, mm_s, mm_cpu, mm_flops = ({e: [0.0] * a.repeats for e in engines} for _ in range(7))
    for r in range(a.repeats):
        for j, chunk in enumerate(chunks):
            for i in range(len(engines)):
                e = engines[(i + j + r) % len(engines)]
                procs[e][1].send(chunk); dt, dc, w, rd, ms, mc, mf = procs[e][1].recv(); secs[e][r] += dt; cpu[e][r] += dc; write[e][r] += w; read[e][r] += rd
                if ms is not None: mm_s[e][r] += ms; mm_cpu[e][r] += mc; mm_flops[e][r] += mf
    residues = sum(map(len, seqs.values()))
    D, L = (lambda d: (d[1], d[0]))(ESM2_ARCHS[a.arch])
    flops = L * sum(layer_flops(len(s) + 2, D) for s in seqs.values())
    results = {}
    for e, (p, c) in procs.items():
        c.send(None); mem = c.recv(); p.join()
        if e.startswith("matmul-"):
            rates, cpu_rates = [f / s for f, s in zip(mm_flops[e], mm_s[e])], [f / s for f, s in zip(mm_flops[e], mm_cpu[e])]
            results[e] = {"engine": e, "seconds": secs[e], "gflops": statistics.median(rates) / 1e9, "gflops_each": [x / 1e9 for x in rates],
                          "gflops_per_cpu_s": statistics.median(cpu_rates) / 1e9, **mem}
            continue
        results[e] = {"engine": e, "residues": residues, "seconds": secs[e], "residues_per_s": residues / statistics.median(secs[e]),
                      "cpu_seconds": cpu[e], "residues_per_cpu_s": residues / statistics.median(cpu[e]),
                      "gflops": flops / statistics.median(secs[e]) / 1e9, "gflops_per_cpu_s": flops / statistics.median(cpu[e]) / 1e9, **mem}
        if e == "protnb": results[e].update(store_share=statistics.median((w + rd) / t for w, rd, t in zip(write[e], read[e], secs[e])),
                                            store_write_s=write[e], store_read_s=read[e])
    return results

def compute_precision(engine: str, a) -> str:
    "The precision an engine computes in."
    return "float32" if engine in ("fair-esm", "esm-cpp", "protnb-fp32") else a.precision

def load_average() -> str:
    try: return " ".join(Path("/proc/loadavg").read_text().split()[:3])
    except OSError: return "unknown"

def max_abs_diff(x: dict, y: dict) -> float:
    import numpy as np
    assert x.keys() == y.keys()
    return max(float(np.abs(np.asarray(x[k]) - np.asarray(y[k])).max()) for k in x)

def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--arch", default="esm2_t6_8M_UR50D", help="ESM-2 architecture (random weights of its real size)")
    ap.add_argument("--n", type=int, default=200, help="proteins")
    ap.add_argument("--max-len", type=int, default=1022)
    ap.add_argument("--max-tokens", type=int, default=4096, help="token budget per batch (all engines)")
    ap.add_argument("--pool", default="mean", choices=["mean", "residue"])
    ap.add_argument("--threads", type=int, default=int(os.environ.get("OMP_NUM_THREADS", "1")))
    ap.add_argument("--repeats", type=int, default=1)
    ap.add_argument("--chunks", type=int, default=8, help="length-sorted chunks the engines take turns on")
    ap.add_argument("--device", default="cpu")
    ap.add_argument("--precision", default="float32", help="protnb and HF compute precision (bfloat16/float16 autocast on CUDA)")
    ap.add_argument("--engines", default=",".join(ENGINES), help="comma-separated: fair-esm, hf, protnb, protnb-fp32, esm-cpp")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--json", help="also write the results here")
    a = ap.parse_args(argv)
    engines = a.engines.split(",")
    if bad := [e for e in engines if e not in ENGINES + ("protnb-fp32", "esm-cpp")]:
        ap.error(f"unknown engine {bad[0]!r}; use some of {', '.join(ENGINES + ('protnb-fp32', 'esm-cpp'))}")
    if a.arch not in ESM2_ARCHS: ap.error(f"unknown --arch {a.arch!r}; use one of {', '.join(ESM2_ARCHS)}")
    if "esm-cpp" in engines:
        try: import esm_cpp  # noqa: F401
        except ImportError: ap.error("engine esm-cpp needs the esm-cpp package: pip install --no-deps esm-cpp")
    if a.precision != "float32" and "protnb" in engines and "protnb-fp32" not in engines: engines.append("protnb-fp32")
    engines += [f"matmul-{p}" for p in dict.fromkeys(compute_precision(e, a) for e in engines)]
    outdir = tempfile.mkdtemp(prefix="protnb-bench-")
    print(f"# {a.arch} (random weights), {a.n} Bernett proteins <= {a.max_len} residues, pool={a.pool}, max_tokens={a.max_tokens}, "
          f"threads={a.threads}, device={a.device}, repeats={a.repeats}, precision={a.precision}", flush=True)
    print(f"# load average before: {load_average()}", flush=True)
    try: results = run_interleaved(engines, a, outdir)
    except BaseException: shutil.rmtree(outdir, ignore_errors=True); raise
    print(f"# load average after: {load_average()}", flush=True)
    ceiling = {e.removeprefix("matmul-"): r for e, r in results.items() if e.startswith("matmul-")}
    for p, c in ceiling.items():
        print(f"matmul ceiling, {p}: {c['gflops']:,.1f} GFLOP/s (one layer's linear layers at each batch's shape; per repeat "
              f"{' '.join(f'{x:.1f}' for x in c['gflops_each'])}); {c['gflops_per_cpu_s']:,.1f} GFLOP per CPU-second", flush=True)
    for e, r in results.items():
        if e.startswith("matmul-"): continue
        r["precision"] = p = compute_precision(e, a)
        r["ceiling_share"], r["ceiling_share_cpu"] = r["gflops"] / ceiling[p]["gflops"], r["gflops_per_cpu_s"] / ceiling[p]["gflops_per_cpu_s"]
        extra = (f", store {100 * r['store_share']:.1f}% of the run (waiting on writes {statistics.median(r['store_write_s']):.2f} s, "
                 f"reading back {statistics.median(r['store_read_s']):.2f} s)") if "store_share" in r else ""
        gpu = f", peak GPU {r['peak_gpu_mb']:.0f} MB" if r["peak_gpu_mb"] is not None else ""
        print(f"{e:>11}: {r['residues_per_s']:8,.0f} residues/s  ({r['residues']:,} residues, median of {len(r['seconds'])}: "
              f"{statistics.median(r['seconds']):.1f} s; {r['residues_per_cpu_s']:,.0f} per CPU-second)  {r['gflops']:.1f} GFLOP/s = {100 * r['ceiling_share']:.0f}% of the {p} matmul ceiling ({100 * r['ceiling_share_cpu']:.0f}% in CPU time)  "
              f"peak RSS {r['peak_rss_mb']:.0f} MB{gpu}{extra}", flush=True)
    import numpy as np
    outs = {e: dict(np.load(Path(outdir)/f"{e}.npz")) for e in engines if not e.startswith("matmul-")}
    shutil.rmtree(outdir, ignore_errors=True)
    diffs = {e: max_abs_diff(outs[e], outs["fair-esm"]) for e in outs if e != "fair-esm" and "fair-esm" in outs}
    for e, d in diffs.items(): print(f"max |{e} - fair-esm| = {d:.2e}")
    if "protnb-fp32" in outs:
        ref = outs["protnb-fp32"]
        scale = max(float(np.abs(v).max()) for v in ref.values())
        d = max_abs_diff(outs["protnb"], ref)
        print(f"max |protnb ({a.precision}) - protnb-fp32| = {d:.2e} ({100 * d / scale:.2f}% of max |protnb-fp32| = {scale:.2f})")
        if a.pool == "residue":
            cos = min(float(((x * y).sum(1) / np.linalg.norm(x, axis=1) / np.linalg.norm(y, axis=1)).min()) for x, y in ((outs["protnb"][k], ref[k]) for k in ref))
            print(f"smallest per-residue cosine similarity, protnb ({a.precision}) vs protnb-fp32: {cos:.6f}")
    if a.json: Path(a.json).write_text(json.dumps({"args": vars(a), "results": results, "max_abs_diff_vs_fair_esm": diffs}, indent=2))
    rps, nan = {e: r["residues_per_s"] for e, r in results.items() if "residues_per_s" in r}, float("nan")
    ratio = lambda e: rps["protnb"] / rps[e] if {"protnb", e} <= rps.keys() else nan
    last = (f"speedup_vs_fair_esm={ratio('fair-esm'):.2f} speedup_vs_hf={ratio('hf'):.2f} max_abs_diff={diffs.get('protnb', nan):.2e} "
            f"precision={a.precision} ceiling_share={results['protnb']['ceiling_share'] if 'protnb' in results else nan:.2f}")
    print(last + (f" speedup_vs_protnb_fp32={ratio('protnb-fp32'):.2f}" if a.precision != "float32" else ""))


from _cputime import cpu_time_line   # bench/ is on sys.path when a script here runs

if __name__ == "__main__": main(); print(cpu_time_line())
