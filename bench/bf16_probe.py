"""Does bfloat16 change what a downstream model learns? A probe on float32 vs bfloat16 embeddings of the same proteins.

Task: is a terpene synthase from a plant? (MARTS-DB enzymes, `Kingdom == "Plantae"`, one row per unique sequence.) Split:
homology-grouped folds from 01's aligner (`protnb.tps_fusion`: pyopal Smith-Waterman all-vs-all, identity over the longer
sequence; single-linkage components at >= 40% identity dealt whole to 5 folds; the largest identity across folds is
computed and printed; the alignments take tens of minutes on one core once, then come from `--cache`); each fold that holds both classes is scored by a model fitted on the other four folds, and AUROC is computed within
each such fold and averaged (the fold holding the large plant cluster has no negatives, so it only trains; pooling scores
across folds of very different base rates would mix calibrations); a sequence listed under several enzymes is kept once, in
the fold of its first enzyme. The same ESM-2 (random weights of a real architecture; none can be downloaded here) embeds
every protein twice, with `precision="float32"` and `precision="bfloat16"` (protnb engine, mean-pooled). A logistic
regression (standardised inputs, fitted on the training folds only) is trained per fold and precision; both precisions'
out-of-fold scores are compared on the same proteins. Reported: test AUROC of each with 95% bootstrap intervals, their paired difference with its interval,
the correlation of the two probes' test scores, and the float32-trained probe applied to bfloat16 embeddings (a store of
float32 embeddings queried with bfloat16 ones). Amino-acid composition and length (weight-free) are baselines in the same
table. (On Bernett PPI pairs, random-weight embeddings and composition both score at chance, which cannot show a difference.)

Usage: python bench/bf16_probe.py [--arch esm2_t6_8M_UR50D] [--threads 1]
"""
import sys, time, argparse
from pathlib import Path
import numpy as np

root = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(root))   # this checkout's protnb

def kingdom_task(cache: str, threads: int):
    "Unique MARTS sequences, a plant/non-plant label, homology-grouped folds (>= 40% identity never across), and the largest cross-fold identity."
    import pandas as pd
    from protnb.utils import data_path
    from protnb.embeddings import clean_sequence
    from protnb.tps_fusion import pairwise_alignments, component_folds, max_cross_fold_identity
    d = pd.read_csv(data_path("tps", "marts_db", "Original_MARTS_DB_reactions.csv.gz"), dtype=str, keep_default_na=False)
    d = d.drop_duplicates("Enzyme_marts_ID")
    d["seq"] = [clean_sequence(s.replace("*", ""), k)[0] for s, k in zip(d.Aminoacid_sequence, d.Enzyme_marts_ID)]
    d = d.drop_duplicates("seq")
    y = (d.Kingdom == "Plantae").astype(int).to_numpy()
    _, identity = pairwise_alignments(d.seq.tolist(), threads=threads, cache=cache)
    folds = component_folds(identity, y[:, None], 0.4)
    return d.Enzyme_marts_ID.tolist(), dict(zip(d.Enzyme_marts_ID, d.seq)), y, folds, max_cross_fold_identity(identity, folds)

def composition(seqs: dict) -> dict:
    from protnb.embeddings import AMINO_ACIDS
    return {k: np.array([s.count(c) / len(s) for c in AMINO_ACIDS]) for k, s in seqs.items()}

def log_length(seqs: dict) -> dict: return {k: np.array([np.log(len(s))]) for k, s in seqs.items()}

def fit(X, y):
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import StandardScaler
    from sklearn.linear_model import LogisticRegression
    return make_pipeline(StandardScaler(), LogisticRegression(C=0.1, max_iter=5000)).fit(X, y)

def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--arch", default="esm2_t6_8M_UR50D")
    ap.add_argument("--threads", type=int, default=1)
    ap.add_argument("--boot", type=int, default=2000)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--cache", default=str(root/"cache"/"alignments"), help="folder for the all-vs-all alignments")
    a = ap.parse_args(argv)
    import torch
    from sklearn.metrics import roc_auc_score
    from protnb.embeddings import random_esm2, load_esm, embed
    torch.set_num_threads(a.threads)
    rng = np.random.default_rng(a.seed)
    ids, prots, y, fold, cross = kingdom_task(a.cache, a.threads)
    m = load_esm(random_esm2(a.arch), "cpu")
    emb, secs = {}, {}
    for p in ("float32", "bfloat16"):
        t = time.perf_counter()
        r = embed(prots, m, pool="mean", precision=p, show_progress=False)
        emb[p], secs[p] = {k: np.asarray(r[k], dtype=np.float32) for k in ids}, time.perf_counter() - t
    emb["composition (20 amino-acid fractions)"], emb["log length"] = composition(prots), log_length(prots)
    X = {p: np.stack([e[k] for k in ids]) for p, e in emb.items()}
    X["float32 probe on bfloat16 embeddings"] = X["bfloat16"]
    scores = {p: np.full(len(y), np.nan) for p in X}
    for f in np.unique(fold):
        test = fold == f
        for p, x in X.items():
            model = fit((X["float32"] if p.startswith("float32 probe") else x)[~test], y[~test])
            scores[p][test] = model.predict_proba(x[test])[:, 1]
    tested = [np.flatnonzero(fold == f) for f in np.unique(fold) if 0 < y[fold == f].mean() < 1]
    def mean_auc(s, resample=False):
        "AUROC within each tested fold (its proteins resampled with replacement), averaged."
        aucs = []
        for i in tested:
            if resample: i = rng.choice(i, len(i))
            aucs.append(roc_auc_score(y[i], s[i]) if 0 < y[i].mean() < 1 else np.nan)
        return np.nanmean(aucs)
    auc = {p: mean_auc(s) for p, s in scores.items()}
    boot, diffs = {p: [] for p in scores}, []
    for _ in range(a.boot):
        state = rng.bit_generator.state; b = {}
        for p, s in scores.items(): rng.bit_generator.state = state; b[p] = mean_auc(s, resample=True)   # the same resample for every row
        for p in b: boot[p].append(b[p])
        diffs.append(b["bfloat16"] - b["float32"])
    ci = lambda x: np.percentile(x, [2.5, 97.5])
    maxdiff = max(float(np.abs(emb["float32"][k] - emb["bfloat16"][k]).max()) for k in ids)
    print(f"# {a.arch} (random weights): plant vs other terpene synthases, {len(ids)} unique MARTS sequences ({y.mean():.0%} plant), "
          f"AUROC within each of the {len(tested)} homology-grouped folds holding both classes (largest identity across folds {cross:.2f}), averaged; logistic regression on "
          f"standardised mean-pooled embeddings; threads={a.threads}")
    print(f"embedding time: float32 {secs['float32']:.1f} s, bfloat16 {secs['bfloat16']:.1f} s; max |bf16 - fp32| over all mean-pooled vectors {maxdiff:.2e}")
    print("| features | mean within-fold AUROC [95% bootstrap CI] |\n|---|---|")
    for p in scores: print(f"| {p} | {auc[p]:.3f} [{ci(boot[p])[0]:.3f}, {ci(boot[p])[1]:.3f}] |")
    lo, hi = ci(diffs)
    print(f"AUROC per fold, float32 / bfloat16: " + ", ".join(f"{roc_auc_score(y[i], scores['float32'][i]):.3f} / {roc_auc_score(y[i], scores['bfloat16'][i]):.3f}" for i in tested))
    print(f"AUROC bfloat16 - float32 = {auc['bfloat16'] - auc['float32']:+.4f} [{lo:+.4f}, {hi:+.4f}] (paired bootstrap, {len(diffs)} resamples); "
          f"Pearson r of the two probes' scores {np.corrcoef(scores['float32'], scores['bfloat16'])[0, 1]:.5f}; "
          f"largest |score difference| {np.abs(scores['float32'] - scores['bfloat16']).max():.4f} (all out-of-fold scores)")


from _cputime import cpu_time_line   # bench/ is on sys.path when a script here runs

if __name__ == "__main__": main(); print(cpu_time_line())
