"""Checkpoints that are valid files with lying contents, and the rest of issue 23's findings outside the store.

Each case hands a loader (`load_tps_model`, `load_mae_encoder`, `load_esm` / `protnb_embed --model`) a file that loads as a
file but lies: NaN weights, one flipped byte, a config that builds a 160 GB model next to small weights, an extra, mistyped or
foreign config key, a checkpoint of another kind of model, a header nested 5,000 deep, text or random bytes, and fair-esm
files whose cfg or tensors disagree. A case passes when it ends in one named error (`CheckpointError`, a `ValueError`) whose
message names the file, within seconds and without a large allocation (the script runs under an 8 GB address-space
limit, so code that builds a 160 GB model first fails with a crash instead of taking the machine). Also: `embed` with a NaN model refuses to store its output and `--verify` reports a NaN
pack; `validate_sequences` refuses a `None` id; absent or unknown devices give one named error; the CLI prints a refused
checkpoint as an expected error (exit 1, no "--debug shows the traceback").

Prints one line per case and `cases N, named N, silent N, crashes N, hangs N, data lost N`; exit status 1 on any failure.
Usage: python tools/tests/test_checkpoint_trust.py
"""
import os, sys, json, time, argparse, resource, tempfile, warnings, subprocess, dataclasses
from pathlib import Path
import numpy as np, torch

root = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(root))
from protnb.utils import save_checkpoint
from protnb.embeddings import load_esm, embed, random_esm2, validate_sequences
from protnb.mae_pretrain import MAEConfig, MaskedAutoencoder, load_mae_encoder
from protnb.tps_fusion import FusionConfig, TPSClassifier, load_tps_model

counts = {"cases": 0, "named": 0, "silent": 0, "crashes": 0, "hangs": 0, "data lost": 0}
failures: list[str] = []
NAMED = ValueError      # CheckpointError, ConfigMismatch, UnsafeCheckpoint, DeviceError, SequenceError are ValueErrors

def outcome(name: str, fn, must_name: str = "") -> None:
    "Run `fn`; a pass is one named error whose message contains `must_name` (the file)."
    counts["cases"] += 1; t = time.time()
    try:
        with warnings.catch_warnings(): warnings.simplefilter("ignore"); fn()
        counts["silent"] += 1; ok, what = False, "accepted silently"
    except NAMED as e:
        ok = must_name in str(e); counts["named" if ok else "crashes"] += 1; what = f"{type(e).__name__}: {str(e)[:150]}"
    except Exception as e:
        counts["crashes"] += 1; ok, what = False, f"CRASH {type(e).__name__}: {str(e)[:150]}"
    print(f"{'ok  ' if ok else 'FAIL'} {name:46s} {time.time() - t:5.1f} s  {what}", flush=True)
    if not ok: failures.append(name)

def small_mae() -> tuple[MAEConfig, MaskedAutoencoder]:
    cfg = MAEConfig(d_in=8, d_model=16, n_layers=1, n_heads=2, d_ff=32, max_positions=12, dec_dim=8, dec_layers=1, dec_heads=2)
    torch.manual_seed(0); return cfg, MaskedAutoencoder(cfg)

def small_tps() -> tuple[FusionConfig, TPSClassifier]:
    cfg = FusionConfig(plm_dim=8, eng_dim=4, latent_dim=8, n_classes=3)
    torch.manual_seed(0); return cfg, TPSClassifier(cfg)

def tps_extra() -> dict:
    return {"scalers": {"plm": {"mean": np.zeros(8), "scale": np.ones(8)}, "eng": {"mean": np.zeros(4), "scale": np.ones(4)}},
            "classes": ["a", "b", "c"], "esm_model": "tiny", "esm_layer": -1, "thresholds": np.full(3, 0.5)}

def esm_file(path: Path, edit_cfg=None, edit_sd=None) -> Path:
    "The tiny ESM-2 in fair-esm's format (only allowed globals), cfg or weights edited."
    m = random_esm2("tiny")
    cfg = argparse.Namespace(encoder_layers=m.num_layers, encoder_embed_dim=m.embed_dim, encoder_attention_heads=m.model.attention_heads, token_dropout=True)
    sd = {f"encoder.sentence_encoder.{k}": v.clone() for k, v in m.model.state_dict().items() if not k.startswith("contact_head")}
    if edit_cfg: edit_cfg(cfg)
    if edit_sd: edit_sd(sd)
    torch.save({"model": sd, "cfg": {"model": cfg}}, path)
    return path

def flip_byte(path: Path, src: Path, at: int = -3) -> Path:
    raw = bytearray(src.read_bytes()); raw[at] ^= 0x01; path.write_bytes(raw); return path

def main():
    t0 = time.time()
    soft, hard = resource.getrlimit(resource.RLIMIT_AS)   # a loader that allocates a giant model before checking fails here
    resource.setrlimit(resource.RLIMIT_AS, (min(8 * 2**30, hard) if hard != resource.RLIM_INFINITY else 8 * 2**30, hard))
    with tempfile.TemporaryDirectory(prefix="protnb-ckpt-") as d:
        d = Path(d)
        cfg, mae = small_mae(); good_mae = save_checkpoint(d/"mae.safetensors", mae, cfg)
        tcfg, tps = small_tps(); good_tps = save_checkpoint(d/"tps.safetensors", tps, tcfg, **tps_extra())
        load_mae_encoder(good_mae); load_tps_model(good_tps)     # the sound files load
        # -- NaN weights, a flipped byte
        nan_tps = d/"tps_nan.safetensors"; t = TPSClassifier(tcfg); next(iter(t.parameters())).data.fill_(float("nan"))
        save_checkpoint(nan_tps, t, tcfg, **tps_extra())
        outcome("TPS checkpoint with NaN weights", lambda: load_tps_model(nan_tps), str(nan_tps))
        nan_sc = d/"tps_nan_scaler.safetensors"; ex = tps_extra(); ex["scalers"]["plm"]["scale"][0] = np.nan
        save_checkpoint(nan_sc, tps, tcfg, **ex)
        outcome("TPS checkpoint with a NaN input scaler", lambda: load_tps_model(nan_sc), str(nan_sc))
        nan_mae = d/"mae_nan.safetensors"; m2 = MaskedAutoencoder(cfg); next(iter(m2.parameters())).data[0] = float("inf")
        save_checkpoint(nan_mae, m2, cfg)
        outcome("MAE checkpoint with an infinite weight", lambda: load_mae_encoder(nan_mae), str(nan_mae))
        flipped = flip_byte(d/"mae_flip.safetensors", good_mae)
        outcome("MAE checkpoint, one flipped byte in a tensor", lambda: load_mae_encoder(flipped), str(flipped))
        # -- configs that do not fit the code
        asd = dataclasses.asdict(cfg)
        for name, conf in [("extra config key", {**asd, "extra": 1}), ("d_model given as text", {**asd, "d_model": "64"}),
                           ("d_ff disagreeing with the tensors", {**asd, "d_ff": 48}), ("negative n_layers", {**asd, "n_layers": -1}),
                           ("dropout 5", {**asd, "dropout": 5.0})]:
            p = d/f"mae_{name.replace(' ', '_')}.safetensors"; save_checkpoint(p, mae, conf)
            outcome(f"MAE: {name}", lambda: load_mae_encoder(p), str(p))
        extra_tps = d/"tps_extra.safetensors"; save_checkpoint(extra_tps, tps, {**dataclasses.asdict(tcfg), "extra": 1}, **tps_extra())
        outcome("TPS: extra config key", lambda: load_tps_model(extra_tps), str(extra_tps))
        outcome("MAE checkpoint given to the TPS loader", lambda: load_tps_model(good_mae), str(good_mae))
        outcome("TPS checkpoint given to the MAE loader", lambda: load_mae_encoder(good_tps), str(good_tps))
        big = d/"mae_giant.safetensors"; save_checkpoint(big, mae, {**asd, "d_model": 200_000})
        outcome("MAE: d_model=200000 next to 16-wide weights", lambda: load_mae_encoder(big), str(big))
        big_t = d/"tps_giant.safetensors"; save_checkpoint(big_t, tps, {**dataclasses.asdict(tcfg), "latent_dim": 200_000}, **tps_extra())
        outcome("TPS: latent_dim=200000 next to small weights", lambda: load_tps_model(big_t), str(big_t))
        # -- files that are not checkpoints
        import safetensors.torch
        deep = d/"deep.safetensors"
        safetensors.torch.save_file({}, str(deep), metadata={"protnb_checkpoint": '{"config": {}, "state_dict": {}, "x": ' + "[" * 5000 + "]" * 5000 + "}"})
        outcome("header nested 5,000 deep", lambda: load_mae_encoder(deep), str(deep))
        text = d/"notes.pt"; text.write_text("101 reasons this is not a checkpoint\n" * 20)
        outcome("a text file given to load_mae_encoder", lambda: load_mae_encoder(text), str(text))
        for seed in range(4):
            rnd = d/f"random{seed}.pt"; rnd.write_bytes(np.random.default_rng(seed).integers(0, 256, 2048 + 512 * seed, dtype=np.uint8).tobytes())
            outcome(f"random bytes (seed {seed})", lambda: load_mae_encoder(rnd), str(rnd))
        # -- fair-esm files
        W = "encoder.sentence_encoder.layers.0.fc1.weight"
        for name, ec, es in [("wrong tensor shape", None, lambda sd: sd.update({W: torch.zeros(5, 32)})),
                             ("missing tensor", None, lambda sd: sd.pop(W)),
                             ("cfg disagreeing with the tensors (3 layers)", lambda c: setattr(c, "encoder_layers", 3), None),
                             ("missing cfg field", lambda c: delattr(c, "token_dropout"), None),
                             ("heads not dividing the width", lambda c: setattr(c, "encoder_attention_heads", 3), None),
                             ("NaN weight", None, lambda sd: sd[W].__setitem__((0, 0), float("nan")))]:
            p = esm_file(d/f"esm2_{name.split()[0]}_{len(name)}.pt", ec, es)
            outcome(f"fair-esm: {name}", lambda: load_esm(p, device="cpu"), str(p))
        giant = esm_file(d/"esm2_giant.pt", lambda c: (setattr(c, "encoder_embed_dim", 65536), setattr(c, "encoder_layers", 48)))
        outcome("fair-esm: giant cfg (48 layers, width 65536)", lambda: load_esm(giant, device="cpu"), str(giant))
        # -- embed and the CLI
        nan_esm = esm_file(d/"esm_nan.pt", None, lambda sd: [v.fill_(float("nan")) for k, v in sd.items() if k.endswith("fc2.weight")])
        store = d/"nanstore"
        outcome("embed with a NaN model (via load_esm: refused at load)", lambda: embed({"a": "MKV"}, str(nan_esm), store=store, show_progress=False), str(nan_esm))
        m = random_esm2("tiny"); m.model.layers[0].fc2.weight.data.fill_(float("nan"))
        outcome("embed with an in-memory NaN model", lambda: embed({"rec1": "MKVLA"}, m, store=store, show_progress=False), "rec1")
        if stored := list(store.rglob("*.npy")):     # refused or not, NaN vectors must not reach the store
            counts["data lost"] += 1; failures.append("NaN vectors stored"); print(f"FAIL NaN vectors were stored: {stored}", flush=True)
        env = {**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, [str(root), os.environ.get("PYTHONPATH")])), "PYTHONWARNINGS": "ignore"}
        fa = d/"in.fasta"; fa.write_text(">a\nMKVLA\n>b\nACDEF\n")
        counts["cases"] += 1
        r = subprocess.run([sys.executable, "-m", "protnb.embeddings", str(fa), "--out", str(d/"clistore"), "--model", str(nan_esm)], env=env, capture_output=True, text=True, timeout=300)
        ok = r.returncode == 1 and str(nan_esm) in r.stderr and "--debug shows the traceback" not in r.stderr and not list((d/"clistore").rglob("*.npy"))
        counts["named" if ok else ("silent" if r.returncode == 0 else "crashes")] += 1
        print(f"{'ok  ' if ok else 'FAIL'} {'protnb_embed --model esm_nan.pt':46s} exit {r.returncode}: {r.stderr.strip().splitlines()[-1][:150] if r.stderr.strip() else ''}", flush=True)
        if not ok: failures.append("protnb_embed --model esm_nan.pt")
        evil = d/"esm2_evil.pt"
        class Payload:
            def __reduce__(self): return (os.system, ("true",))
        torch.save({"model": {}, "cfg": {"model": argparse.Namespace()}, "x": Payload()}, evil)
        counts["cases"] += 1
        r = subprocess.run([sys.executable, "-m", "protnb.embeddings", str(fa), "--out", str(d/"clistore"), "--model", str(evil)], env=env, capture_output=True, text=True, timeout=300)
        ok = r.returncode == 1 and "refused to load" in r.stderr and "--debug shows the traceback" not in r.stderr
        counts["named" if ok else "crashes"] += 1
        print(f"{'ok  ' if ok else 'FAIL'} {'protnb_embed --model <malicious pickle>':46s} exit {r.returncode}: {r.stderr.strip().splitlines()[-1][:150] if r.stderr.strip() else ''}", flush=True)
        if not ok: failures.append("protnb_embed --model <malicious pickle>")
        from protnb.store import EmbeddingStore, EmbedSpec
        vs = d/"verifynan"; EmbeddingStore(vs).put_many(EmbedSpec("tiny", 2), [("MKV", np.array([np.nan, 1.0]))])
        counts["cases"] += 1
        r = subprocess.run([sys.executable, "-m", "protnb.embeddings", "--verify", str(vs)], env=env, capture_output=True, text=True, timeout=300)
        ok = r.returncode == 1 and "NaN or infinite" in r.stdout
        counts["named" if ok else ("silent" if r.returncode == 0 else "crashes")] += 1
        print(f"{'ok  ' if ok else 'FAIL'} {'protnb_embed --verify on a NaN pack':46s} exit {r.returncode}: {r.stdout.strip().splitlines()[0][:150] if r.stdout.strip() else r.stderr[-150:]}", flush=True)
        if not ok: failures.append("protnb_embed --verify on a NaN pack")
        # -- ids and devices
        outcome("validate_sequences with a None id", lambda: validate_sequences([(None, "MKV")]), "no id")
        if not torch.cuda.is_available(): outcome("device 'cuda' without CUDA", lambda: embed({"a": "MKV"}, "tiny", device="cuda", show_progress=False), "'cuda'")
        outcome("device 'tpu9'", lambda: embed({"a": "MKV"}, "tiny", device="tpu9", show_progress=False), "'tpu9'")
    print(", ".join(f"{k} {v}" for k, v in counts.items()) + f" ({time.time() - t0:.0f} s)")
    if failures: sys.exit(f"{len(failures)} failure(s): {', '.join(failures)}")

if __name__ == "__main__": main()
