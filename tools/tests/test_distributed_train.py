"""Data-parallel training checks: 03's `pretrain_mae` and 04's `train_ppi` on 2 gloo CPU processes equal one process.

Launched with torchrun from this plain script (never from a kernel). Tiny models on synthetic patches, seconds each.

1. Against plain one-process training on the same global batches, to 1e-6 (allclose): one step's loss and gradients, with
   unequal shares (3 and 2 proteins) and with a batch smaller than the world (a share with weight 0); and over 8 SGD steps
   (2 epochs' batches, the last of each smaller) of the MAE (`mae_step`) and of V5 (`ppi_step`), every step's loss and
   gradients and the parameters after the 8th. With AdamW (`pretrain_mae`, 12 steps) the parameters equal one process
   running the same micro-batches (`accum_steps=2`: the ranks' shares) to 1e-6 and are identical on both ranks; against
   the plain one-process run only the logged losses are compared (1e-5), not the parameters: AdamW divides each gradient
   by its own running magnitude, so a parameter whose true gradient is ~0 (a bias feeding a LayerNorm, say) steps by about
   the learning rate in the direction of float rounding noise, which differs between one matrix product over the batch
   and two over its halves; such parameters end up ~4e-4 apart (printed at the end) although every loss and gradient
   agrees to 1e-6 (the SGD run shows the difference is AdamW's amplification, not the data-parallel arithmetic).
2. Each training protein is seen exactly once per epoch over both ranks; the order changes with the epoch.
3. Accumulating 2 micro-batches per rank under `no_sync`: one step's gradients equal one large batch (1e-6); 3 epochs
   log the same losses (1e-5).
4. Only rank 0 writes: one checkpoint and one metrics file in the run folder, no temporary file.
5. Rank 1 is killed mid-epoch (`os._exit`, like a crash) after a step checkpoint; the same command resumes and ends equal
   to the uninterrupted run; the mid-epoch checkpoint also resumes in one process (another world size) to the same end.
6. `train_ppi` on 2 processes equals one process (validation AUROC history, parameters). Rank 1 gets SIGTERM mid-epoch: both
   ranks save after that step and exit 143; the same call resumes and ends equal to the uninterrupted run, with dropout
   (each rank's RNG state is in the checkpoint); a dropout-free run cut the same way resumes in one process (`accum_steps=2`)
   and ends equal to the uninterrupted 2-process run.
7. Streaming from the store (`PatchStream`): over the two ranks every protein is read once per epoch, with the same
   numbers as the in-memory `PatchBank`; streamed pretraining ends with identical parameters on both ranks.
8. `torchrun -m protnb.ppi_v5` (smoke preset, 3 epochs of 3 steps): rank 1 gets SIGTERM in step 5; the run exits 143 with one
   mid-epoch checkpoint; the same command resumes, and its final JSON line, best weights and metrics lines equal the
   uninterrupted run's; the cut run's checkpoint also resumes in one process (`--accum-steps 2`) to the same line (1e-6).
   Only rank 0 writes: one checkpoint (the best; the resume checkpoint is deleted when the run finishes), one metrics file,
   no temporary file.
Exits non-zero on failure. Usage: python tools/tests/test_distributed_train.py
"""
import os, sys, json, shutil, signal, subprocess, tempfile, contextlib, io
from pathlib import Path

root = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(root))   # test this checkout, not whatever protnb is installed
CHILD_ENV = {**os.environ, "PYTHONPATH": str(root), "OMP_NUM_THREADS": "1", "PYTHONWARNINGS": "ignore"}
KILL_AT = 5                      # rank 1 dies after this many steps (mid-epoch 2 of 3: 4 steps per epoch)
PPI_KILL_AT = 8                  # synthetic PPI: rank 1 gets SIGTERM in its 9th step (epoch 2, step 3 of 6)
PPI_ARGS = ["--preset", "smoke", "--arm", "v5_unfrozen", "--epochs", "3", "--ckpt-every", "2"]   # 75 pairs, batches of 32: 3 steps an epoch
PPI_CLI_KILL_AT = 4              # the CLI: rank 1 gets SIGTERM in its 5th step (epoch 2, step 2 of 3)

def synthetic():
    "A bank of 36 synthetic proteins (four families), 30 for training, and a pair table whose label depends on the patches."
    import numpy as np, pandas as pd
    from protnb.mae_pretrain import PatchBank
    rng = np.random.default_rng(0)
    base = rng.normal(size=(4, 8)).astype(np.float32)
    emb = {f"S{k}": (base[k % 4] + 0.3 * rng.normal(size=(2 + k % 7, 8))).astype(np.float32) for k in range(36)}
    ids = list(emb); proto = {i: emb[i].mean(0) for i in ids}
    pairs = pd.DataFrame([(a, b) for k, a in enumerate(ids) for b in ids[k + 1:]], columns=["a", "b"])
    pairs["label"] = [int(proto[a][0] + proto[b][0] > 0) for a, b in zip(pairs.a, pairs.b)]
    return PatchBank(emb), ids, pairs.iloc[::7].reset_index(drop=True), pairs.iloc[3::11].reset_index(drop=True)

def configs(**kw):
    from protnb.mae_pretrain import MAEConfig, PretrainConfig
    return MAEConfig.of_size("tiny", d_in=8, esm_model="synthetic"), PretrainConfig(**{**dict(epochs=3, batch_size=8, lr=3e-3, warmup_frac=0.1), **kw})

def flat(model):
    import torch
    return torch.cat([p.detach().flatten() for p in model.parameters()])

def step_grads(world_batch_rows, tcfg, accum=1):
    "Loss and gradients of one step on the given global batch (on this rank's share, reduced by DDP)."
    import torch
    from protnb.mae_pretrain import MaskedAutoencoder, mae_step
    from protnb.utils import ddp_wrap, all_reduce_sum, set_seed
    bank, ids, _, _ = synthetic(); cfg, tcfg = configs(accum_steps=accum)
    set_seed(0); model = MaskedAutoencoder(cfg); net = ddp_wrap(model, "cpu")
    e, c = mae_step(net, model, bank, world_batch_rows, tcfg, torch.Generator().manual_seed(5), "cpu")
    return all_reduce_sum(e)[0] / c, torch.cat([p.grad.flatten() for p in model.parameters()])

def ppi_model(dropout=0.0):
    "The tiny V5 with a trainable encoder, seeded."
    from protnb.mae_pretrain import MAEConfig
    from protnb.ppi_v5 import PPIClassifier, PPIConfig, V5_SIZES
    from protnb.utils import set_seed
    set_seed(0)
    return PPIClassifier(PPIConfig(encoder=MAEConfig.of_size("tiny", d_in=8, esm_model="synthetic"), **V5_SIZES["tiny"], dropout=dropout, freeze_encoder=False))

def sgd_trace(kind: str, steps: int = 8) -> dict:
    "`steps` plain SGD steps of the MAE (`mae_step`) or V5 (`ppi_step`) on the epochs' global batches: each step's loss and gradients, then the parameters."
    import torch
    from protnb.mae_pretrain import MaskedAutoencoder, mae_step, length_bucketed_batches
    from protnb.ppi_v5 import ppi_step, TrainConfig
    from protnb.utils import ddp_wrap, all_reduce_sum, set_seed, epoch_seed
    bank, ids, train, _ = synthetic(); cfg, tcfg = configs()
    if kind == "mae":
        set_seed(0); model, rows = MaskedAutoencoder(cfg), bank.rows(ids[:30])
        lengths, size = bank.lengths[rows], tcfg.batch_size
    else:
        model, ra, rb, y = ppi_model(), bank.rows(train.a), bank.rows(train.b), torch.tensor(train.label.to_numpy(), dtype=torch.float32)
        lengths, size = bank.lengths[ra] + bank.lengths[rb], 13   # 90 pairs: shares of 7 and 6, so a per-rank mean would show
    net, opt, scaler, out = ddp_wrap(model, "cpu"), torch.optim.SGD(model.parameters(), lr=0.05), torch.amp.GradScaler("cuda", enabled=False), dict(loss=[], grad=[])
    for epoch in range(2):
        g = torch.Generator().manual_seed(epoch_seed(tcfg.seed, epoch))   # the batch order (and the MAE's masks), as training draws them
        for b in length_bucketed_batches(lengths, size, g)[:steps - len(out["loss"])]:
            opt.zero_grad(set_to_none=True)
            e, n = mae_step(net, model, bank, rows[b], tcfg, g, "cpu") if kind == "mae" else (ppi_step(net, bank, ra, rb, y, b, TrainConfig(), "cpu", scaler)[0], len(b))
            out["loss"].append(all_reduce_sum(e)[0] / n); out["grad"].append(torch.cat([p.grad.flatten() for p in model.parameters()]))
            opt.step()
    out["param"] = flat(model)
    return out

def ppi_run(run_dir, accum=1, dropout=0.0):
    from protnb.ppi_v5 import TrainConfig, train_ppi
    bank, ids, train, val = synthetic()
    model = ppi_model(dropout)
    res = train_ppi(model, bank, train, val, TrainConfig(epochs=2, batch_size=16, max_lr=1e-2, patience=5, accum_steps=accum), run_dir, "syn", device="cpu")
    return model, res

@contextlib.contextmanager
def sigterm_at(step):
    "Within the block, rank 1 sends itself SIGTERM as its PPI step number `step` (0-based) begins, as torchrun or a scheduler would."
    import protnb.ppi_v5 as P
    real, n = P.ppi_step, [0]
    def stepping(*args):
        if os.environ.get("RANK") == "1" and n[0] == step: os.kill(os.getpid(), signal.SIGTERM)
        n[0] += 1; return real(*args)
    P.ppi_step = stepping   # train_ppi looks its step up in its module
    try: yield
    finally: P.ppi_step = real

def ppi_cut(run_dir, dropout=0.0):
    "Synthetic PPI training that rank 1's SIGTERM stops mid-epoch: every rank must leave with status 143."
    with sigterm_at(PPI_KILL_AT):
        try: ppi_run(run_dir, dropout=dropout)
        except SystemExit as e: assert e.code == 143, e.code
        else: raise AssertionError("SIGTERM did not stop training")

def write_store(path):
    "The 30 training proteins of `synthetic()` in an embedding store, 5 packs."
    from protnb.store import EmbeddingStore, EmbedSpec
    bank, ids, _, _ = synthetic(); es, spec = EmbeddingStore(path), EmbedSpec("synthetic", 0, "patch")
    for k in range(0, 30, 6): es.put_many(spec, [("M" * (j + 1), bank.batch(bank.rows([ids[j]]))[0][0].numpy()) for j in range(k, k + 6)])
    return spec

def worker(out):
    "One torchrun rank: every check that needs two processes; writes what the parent compares under `out/rank<r>`."
    import torch, torch.distributed as dist
    from protnb.embeddings import distributed
    from protnb.mae_pretrain import pretrain_mae, length_bucketed_batches
    from protnb.utils import epoch_seed, rank_share
    out = Path(out)
    with distributed("cpu") as (rank, world, dev):
        bank, ids, _, _ = synthetic(); cfg, tcfg = configs()
        rec = {}
        rows = bank.rows(ids[:30])
        for name, b, acc in (("grad", torch.tensor([0, 5, 9, 13, 2]), 1), ("grad1", torch.tensor([7]), 1), ("grad_acc", torch.tensor([0, 5, 9, 13, 2, 4, 8]), 2)):
            rec[f"{name}_loss"], rec[name] = step_grads(rows[b], tcfg, acc)   # 3/2 shares; 1/0 (weight 0); 2+2/2+1 micro-batches
        seen = []   # which proteins this rank trains on, per epoch
        for epoch in range(3):
            g = torch.Generator().manual_seed(epoch_seed(tcfg.seed, epoch))
            seen.append([r for b in length_bucketed_batches(bank.lengths[rows], tcfg.batch_size, g)
                         for r, w in zip(*(lambda s: (s[0].tolist(), [s[1]] * len(s[0])))(rank_share(rows[b], rank, world))) if w])
        rec["seen"] = seen
        rec["mae_sgd"], rec["ppi_sgd"] = sgd_trace("mae"), sgd_trace("ppi")
        model, hist = pretrain_mae(bank, ids[:30], ids[30:], cfg, tcfg, out/"mae", device="cpu")
        rec["mae"], rec["mae_hist"] = flat(model), hist
        model, hist = pretrain_mae(bank, ids[:30], ids[30:], cfg, configs(accum_steps=2)[1], out/"mae_acc", device="cpu")
        rec["mae_acc_hist"] = hist
        model, res = ppi_run(out/"ppi")
        rec["ppi"], rec["ppi_hist"] = flat(model), res["history"]
        model, res = ppi_run(out/"ppi_drop_ref", dropout=0.1)
        rec["ppi_drop_ref"], rec["ppi_drop_ref_hist"] = flat(model), res["history"]
        ppi_cut(out/"ppi_drop", dropout=0.1)
        model, res = ppi_run(out/"ppi_drop", dropout=0.1)   # the same call resumes
        rec["ppi_drop"], rec["ppi_drop_hist"] = flat(model), res["history"]
        ppi_cut(out/"ppi_cut")                              # resumed by the parent, in one process
        from protnb.mae_pretrain import PatchStream
        from protnb.store import EmbedSpec
        st = PatchStream(out/"store", EmbedSpec("synthetic", 0, "patch"), batch_size=4, buffer=5)
        rec["streamed"] = {k: torch.from_numpy(a) for k, a in st.shard_items(rank, world)}
        model, _ = pretrain_mae(bank, [], ids[30:], cfg, tcfg, out/"mae_stream", device="cpu", stream=st)
        rec["mae_stream"] = flat(model)
        torch.save(rec, out/f"rank{rank}.pt")

def crash_worker(run_dir, kill):
    "Pretraining with a checkpoint every step; with `kill`, rank 1 dies after KILL_AT steps (their checkpoint written)."
    import protnb.mae_pretrain as M
    from protnb.embeddings import distributed
    step, n = M.mae_step, [0]
    def dying_step(*a, **kw):
        if kill == "1" and os.environ["RANK"] == "1" and n[0] == KILL_AT:
            import time; time.sleep(0.5)   # rank 0 saves right after the step's all-reduce; then die like a killed process
            os._exit(17)
        n[0] += 1; return step(*a, **kw)
    M.mae_step = dying_step
    with distributed("cpu"):
        bank, ids, _, _ = synthetic(); cfg, tcfg = configs(ckpt_every=1)
        model, hist = M.pretrain_mae(bank, ids[:30], ids[30:], cfg, tcfg, run_dir, device="cpu")
        import torch; torch.save({"mae": flat(model), "hist": hist}, Path(run_dir)/f"../resumed{os.environ['RANK']}.pt")

def ppi_cli_cut(*argv):
    "`-m protnb.ppi_v5 ARGV` under torchrun, except that rank 1 gets SIGTERM as its step PPI_CLI_KILL_AT begins."
    from protnb.ppi_v5 import ppi_main
    from protnb.utils import run_cli
    with sigterm_at(PPI_CLI_KILL_AT): sys.exit(run_cli(ppi_main, list(argv), prog="protnb.ppi_v5"))

def torchrun(*args, n=2):
    "`torchrun --standalone` on `n` processes of `args` (a script and its arguments, or -m and a module)."
    cmd = [sys.executable, "-m", "torch.distributed.run", "--standalone", "--nproc_per_node", str(n), *map(str, args)]
    return subprocess.run(cmd, cwd=root, env=CHILD_ENV, capture_output=True, text=True, timeout=600)

def last_json(stdout: str) -> dict:
    "The JSON line a training command ends its stdout with."
    return json.loads(stdout.strip().splitlines()[-1])

def metric_lines(run_dir) -> list[dict]:
    "metrics.jsonl without the wall-clock time."
    return [{k: v for k, v in json.loads(l).items() if k != "time"} for l in (Path(run_dir)/"metrics.jsonl").read_text().splitlines()]

def best_weights(run_dir):
    from protnb.utils import load_checkpoint
    return load_checkpoint(Path(run_dir)/"v5_unfrozen_best.safetensors")["state_dict"]

def check_ppi_cli(tmp):
    "8. torchrun -m protnb.ppi_v5: SIGTERM to rank 1 mid-epoch, the same command resumes and ends as the uninterrupted run."
    import torch
    from protnb.utils import load_checkpoint
    from protnb.ppi_v5 import ppi_main
    args = lambda run: [*PPI_ARGS, "--store", tmp/"ppi_store", "--run-dir", tmp/run]
    r = torchrun("-m", "protnb.ppi_v5", *args("ppi_full"))
    assert r.returncode == 0, f"uninterrupted CLI run failed:\n{r.stderr[-5000:]}"
    full = last_json(r.stdout)
    r = torchrun(__file__, "--ppi-cli-cut", *args("ppi_cli"))
    assert r.returncode != 0 and "143" in r.stderr, (f"the SIGTERM'd run should exit 143 (left {sorted(p.name for p in (tmp/'ppi_cli').iterdir())}):\n"
                                                     f"{r.stdout[-2000:]}\n{r.stderr[-5000:]}")
    ck = load_checkpoint(tmp/"ppi_cli"/"v5_unfrozen_last.safetensors")
    assert (ck["epoch"], ck["step"], ck["world_size"]) == (1, 2, 2), (ck["epoch"], ck["step"], ck["world_size"])
    got = {p.name for p in (tmp/"ppi_cli").iterdir()}
    assert got == {"v5_unfrozen_last.safetensors", "v5_unfrozen_best.safetensors", "metrics.jsonl"}, got
    shutil.copytree(tmp/"ppi_cli", tmp/"ppi_cli_one")
    r = torchrun("-m", "protnb.ppi_v5", *args("ppi_cli"))   # the same command resumes
    assert r.returncode == 0 and "resuming from" in r.stdout and "at epoch 2, step 2 (saved by 2 process(es), now 2)" in r.stdout, r.stdout[-3000:] + r.stderr[-3000:]
    assert last_json(r.stdout) == full, (last_json(r.stdout), full)
    assert metric_lines(tmp/"ppi_cli") == metric_lines(tmp/"ppi_full"), (metric_lines(tmp/"ppi_cli"), metric_lines(tmp/"ppi_full"))
    a, b = best_weights(tmp/"ppi_cli"), best_weights(tmp/"ppi_full")
    assert a.keys() == b.keys() and all(torch.equal(a[k], b[k]) for k in a), "resumed best weights differ"
    for run in ("ppi_full", "ppi_cli"):   # rank 0 only: one checkpoint, one metrics file
        got = {p.name for p in (tmp/run).iterdir()}
        assert got == {"v5_unfrozen_best.safetensors", "metrics.jsonl"}, (run, got)
    out = io.StringIO()   # 2 -> 1 process, each batch split as the two ranks did
    with contextlib.redirect_stdout(out): one = ppi_main([*map(str, args("ppi_cli_one")), "--accum-steps", "2"])
    assert "(saved by 2 process(es), now 1" in out.getvalue(), out.getvalue()[-2000:]
    assert one.keys() == full.keys() and all(abs(one[k] - full[k]) < 1e-6 if isinstance(full[k], float) else one[k] == full[k] for k in full), (one, full)
    a = best_weights(tmp/"ppi_cli_one")
    assert all(torch.allclose(a[k], b[k], atol=1e-6) for k in a), max((a[k] - b[k]).abs().max() for k in a)

def main():
    import torch
    from protnb.mae_pretrain import pretrain_mae, load_checkpoint
    from protnb.utils import set_seed
    torch.set_num_threads(1)
    tmp = Path(tempfile.mkdtemp(prefix="protnb-ddp-"))
    try:
        write_store(tmp/"store")
        r = torchrun(__file__, "--worker", tmp)
        assert r.returncode == 0, f"2-process run failed:\n{r.stdout[-3000:]}\n{r.stderr[-5000:]}"
        r0, r1 = (torch.load(tmp/f"rank{k}.pt", weights_only=False) for k in (0, 1))
        bank, ids, train, val = synthetic(); cfg, tcfg = configs()
        rows = bank.rows(ids[:30])
        # 1. one step: loss and gradients; then parameters and losses after 3 epochs
        for name, b in (("grad", torch.tensor([0, 5, 9, 13, 2])), ("grad1", torch.tensor([7])), ("grad_acc", torch.tensor([0, 5, 9, 13, 2, 4, 8]))):
            loss1, grad1 = step_grads(rows[b], tcfg)
            assert abs(r0[f"{name}_loss"] - loss1) < 1e-6, (name, r0[f"{name}_loss"], loss1)
            for rr in (r0, r1): assert torch.allclose(rr[name], grad1, atol=1e-6), (name, (rr[name] - grad1).abs().max())
        for kind in ("mae", "ppi"):   # 8 SGD steps: every loss and gradient, then the parameters
            one, two = sgd_trace(kind), r0[f"{kind}_sgd"]
            assert len(one["loss"]) == len(two["loss"]) == 8, len(two["loss"])
            for k, (l1, l2, g1, g2) in enumerate(zip(one["loss"], two["loss"], one["grad"], two["grad"])):
                assert abs(l1 - l2) < 1e-6 and torch.allclose(g1, g2, atol=1e-6), (kind, k, l1 - l2, (g1 - g2).abs().max())
            assert torch.allclose(one["param"], two["param"], atol=1e-6), (kind, (one["param"] - two["param"]).abs().max())
            assert torch.equal(two["param"], r1[f"{kind}_sgd"]["param"]), f"{kind}: ranks disagree after SGD"
        same, _ = pretrain_mae(bank, ids[:30], ids[30:], cfg, configs(accum_steps=2)[1], tmp/"same", device="cpu")
        same = flat(same)
        plain, hist = pretrain_mae(bank, ids[:30], ids[30:], cfg, tcfg, tmp/"ref", device="cpu")
        adamw_plain = (r0["mae"] - flat(plain)).abs().max().item()   # reported, not asserted: see 1. above
        assert torch.equal(r0["mae"], r1["mae"]), "ranks disagree on the MAE parameters"
        assert torch.allclose(r0["mae"], same, atol=1e-6), f"2 processes vs 1: max |dparam| {(r0['mae'] - same).abs().max():.2e}"
        for h2 in (r0["mae_hist"], r0["mae_acc_hist"]):   # 3. accumulation under no_sync, over 3 epochs
            for a, b in zip(h2, hist, strict=True):
                for k in ("train_loss", "val_mae_loss", "lr"): assert abs(a[k] - b[k]) < 1e-5, (k, a, b)
        # 2. coverage and order
        for epoch in range(3):
            both = r0["seen"][epoch] + r1["seen"][epoch]
            assert sorted(both) == sorted(rows.tolist()), f"epoch {epoch}: proteins seen {len(both)}, unique {len(set(both))}, expected 30"
        assert r0["seen"][0] != r0["seen"][1] != r0["seen"][2], "the batch order does not change with the epoch"
        # 4. rank-0-only side effects
        for sub, files in (("mae", {"mae_last.safetensors", "metrics.jsonl"}), ("ppi", {"syn_best.safetensors", "metrics.jsonl"}), ("mae_stream", {"mae_last.safetensors", "metrics.jsonl"})):
            got = {p.name for p in (tmp/sub).iterdir()}
            assert got == files, f"{sub}: {sorted(got)}"
            lines = (tmp/sub/"metrics.jsonl").read_text().splitlines()
            assert len(lines) == (2 if sub == "ppi" else 3), f"{sub}: {len(lines)} metric lines (one per epoch from rank 0 only)"
        # 7. streaming
        from protnb.store import sequence_key
        assert not set(r0["streamed"]) & set(r1["streamed"]), "a protein was streamed to both ranks"
        streamed = {**r0["streamed"], **r1["streamed"]}
        assert sorted(streamed) == sorted(sequence_key("M" * (j + 1)) for j in range(30)), "not every protein streamed"
        for j in range(30): assert torch.equal(streamed[sequence_key("M" * (j + 1))], bank.batch(bank.rows([ids[j]]))[0][0])
        assert torch.equal(r0["mae_stream"], r1["mae_stream"]), "ranks disagree after streamed pretraining"
        # 6. PPI
        model, res = ppi_run(tmp/"ppi_ref", accum=2)
        assert torch.equal(r0["ppi"], r1["ppi"]) and torch.allclose(r0["ppi"], flat(model), atol=1e-6), (r0["ppi"] - flat(model)).abs().max()
        _, res = ppi_run(tmp/"ppi_ref1")
        for a, b in zip(r0["ppi_hist"], res["history"], strict=True): assert abs(a["val_auroc"] - b["val_auroc"]) < 1e-5 and abs(a["train_loss"] - b["train_loss"]) < 1e-5, (a, b)
        for rr in (r0, r1):   # SIGTERM to rank 1 mid-epoch, resumed by the same call: as if never stopped, dropout masks included
            assert torch.equal(rr["ppi_drop"], rr["ppi_drop_ref"]) and rr["ppi_drop_hist"] == rr["ppi_drop_ref_hist"], (rr["ppi_drop"] - rr["ppi_drop_ref"]).abs().max()
        assert not torch.equal(r0["ppi_drop_ref"], r0["ppi"]), "dropout changed nothing: the RNG check above checks nothing"
        ck = load_checkpoint(tmp/"ppi_cut"/"syn_last.safetensors")
        assert (ck["epoch"], ck["step"], ck["world_size"]) == (1, PPI_KILL_AT - 6 + 1, 2), (ck["epoch"], ck["step"])
        model, res = ppi_run(tmp/"ppi_cut", accum=2)   # the 2-process checkpoint resumed in 1 process
        assert torch.allclose(flat(model), r0["ppi"], atol=1e-6), f"resumed in 1 process: {(flat(model) - r0['ppi']).abs().max():.2e}"
        for a, b in zip(r0["ppi_hist"], res["history"], strict=True): assert abs(a["val_auroc"] - b["val_auroc"]) < 1e-6 and abs(a["train_loss"] - b["train_loss"]) < 1e-6, (a, b)
        # 5. kill one rank mid-epoch, resume with the same command; and the same checkpoint in one process
        run = tmp/"crash"/"run"
        r = torchrun(__file__, "--crash-worker", run, 1)
        assert r.returncode != 0, "the crashed run should fail"
        ck = load_checkpoint(run/"mae_last.safetensors")
        assert (ck["epoch"], ck["step"]) == (1, KILL_AT - 4), f"checkpoint at epoch {ck['epoch']} step {ck['step']}"
        shutil.copytree(run, tmp/"crash"/"one")
        r = torchrun(__file__, "--crash-worker", run, 0)
        assert r.returncode == 0, f"resume failed:\n{r.stderr[-5000:]}"
        assert "resuming from" in r.stdout and "at epoch 2, step 1" in r.stdout, r.stdout
        res = torch.load(tmp/"crash"/"resumed0.pt", weights_only=False)
        assert torch.allclose(res["mae"], r0["mae"], atol=1e-6), f"resumed vs uninterrupted: {(res['mae'] - r0['mae']).abs().max():.2e}"
        assert [h["train_loss"] for h in res["hist"]] == [h["train_loss"] for h in r0["mae_hist"]], (res["hist"], r0["mae_hist"])
        one, _ = pretrain_mae(bank, ids[:30], ids[30:], *configs(ckpt_every=1, accum_steps=2), tmp/"crash"/"one", device="cpu")   # 2 -> 1 process
        assert torch.allclose(flat(one), r0["mae"], atol=1e-6), f"resumed in 1 process: {(flat(one) - r0['mae']).abs().max():.2e}"
        # 8. the PPI command line: SIGTERM, resume, rank-0 writes
        check_ppi_cli(tmp)
        assert not list(tmp.rglob("*.tmp")), list(tmp.rglob("*.tmp"))   # atomic writes leave no temporary file
        print(f"distributed training: 2 processes equal 1 (step, 8 SGD steps, 3 epochs, accumulation, PPI), coverage, rank-0 writes, "
              f"kill and resume (MAE, PPI, PPI command): ok (AdamW parameters vs plain one process, not asserted: max |d| {adamw_plain:.1e})")
    finally: shutil.rmtree(tmp, ignore_errors=True)

if __name__ == "__main__":
    if len(sys.argv) > 2 and sys.argv[1] == "--worker": worker(sys.argv[2])
    elif len(sys.argv) > 2 and sys.argv[1] == "--crash-worker": crash_worker(sys.argv[2], sys.argv[3])
    elif len(sys.argv) > 1 and sys.argv[1] == "--ppi-cli-cut": ppi_cli_cut(*sys.argv[2:])
    else: main()
