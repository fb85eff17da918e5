"""Train the check-worthiness classifier shipped in `factcheck/data/checkworthy.json.gz`.

Reads ClaimBuster's crowdsourced sentences from a copy of the public repository
github.com/utaresearch/claimbuster-spotter (GPL-3.0), at pinned commits, with `git show`, so a
clone or a bare mirror both serve:

- `data/two_class/kfold_30ncs.json` at 332bba08 (label 1 check-worthy, 0 not), and
- `data/data_small.json` at 386fb4db (ClaimBuster's three classes: 1 CFS, 0 UFS, -1 NFS).
Each sentence gets one of three classes: check-worthy (CFS), unimportant factual (UFS, known from
the three-class file) and the rest (non-factual, or not check-worthy of unknown kind).

Removed from training, so the development set stays a test: every sentence of
`data/disjoint_2000.json` at 386fb4db (the file the 600 sentences of
`../shared/eval/claimbuster_checkworthiness.jsonl` were drawn from) and of that dev file itself,
matched by ClaimBuster sentence id, by exact text after folding case, punctuation and spaces, and
by near-duplicate text (rapidfuzz ratio >= 90 on the folded text). The CLEF CheckThat! files of
the repository are not read.

The sentences left are split 80/20, stratified, with a fixed seed. The classifier (TF-IDF of word
1-2 grams and character 2-5 grams, digits folded to 0, a multinomial logistic regression over the
three classes whose P(check-worthy) is the score) is fitted on the 80 %;
its regularisation and its threshold are chosen on the 20 % (the threshold that gives the best F1
there); the dev set is only scored, never used to choose. Prints the figures it wrote into the
data card.

    python bench/train_checkworthy.py --repo PATH/claimbuster-spotter [--out factcheck/data/checkworthy.json.gz]
        [--dev ../shared/eval/claimbuster_checkworthiness.jsonl]
"""

from __future__ import annotations

import argparse
import json
import re
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
from rapidfuzz import fuzz, process
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import f1_score, precision_recall_fscore_support, roc_auc_score
from sklearn.model_selection import train_test_split

from factcheck import checkworthy

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_DEV = ROOT.parent / "shared" / "eval" / "claimbuster_checkworthiness.jsonl"
SOURCE = "https://github.com/utaresearch/claimbuster-spotter"
TWO_CLASS = ("332bba0819d79f8e42d0a70277597dfe97036873", "data/two_class/kfold_30ncs.json")
THREE_CLASS = ("386fb4db91611b025fc76ac7d15d57a1c85d2585", "data/data_small.json")
HELD_OUT = ("386fb4db91611b025fc76ac7d15d57a1c85d2585", "data/disjoint_2000.json")
NEAR = 90
SEED = 0
C_GRID = (0.5, 1.0, 2.0, 4.0, 8.0)
CFS, UFS, OTHER = 2, 1, 0


def git_json(repo: Path, commit: str, path: str) -> list[dict]:
    out = subprocess.run(["git", "-C", str(repo), "show", f"{commit}:{path}"], check=True, capture_output=True)
    return json.loads(out.stdout.decode("utf-8"))


def fold(text: str) -> str:
    return " ".join(re.findall(r"[^\W_]+", text.casefold()))


def training_rows(repo: Path) -> list[dict]:
    """Every sentence of the two sets once (by id): `label` 1 check-worthy (CFS) or 0, and `cls`,
    CFS, UFS (unimportant factual, where the three-class file says so) or OTHER."""
    three = {str(row["sentence_id"]): int(row["label"]) for row in git_json(repo, *THREE_CLASS)}
    rows: dict[str, dict] = {}
    for row in git_json(repo, *TWO_CLASS):
        rows[str(row["sentence_id"])] = {"id": str(row["sentence_id"]), "text": row["text"], "label": int(row["label"])}
    for row in git_json(repo, *THREE_CLASS):
        rows.setdefault(str(row["sentence_id"]), {"id": str(row["sentence_id"]), "text": row["text"],
                                                  "label": int(int(row["label"]) == 1)})
    for row in rows.values():
        row["cls"] = CFS if row["label"] else UFS if three.get(row["id"]) == 0 else OTHER
    return list(rows.values())


def held_out(repo: Path, dev: Path) -> tuple[set[str], list[str]]:
    """Ids and folded texts that training must not see."""
    ids, texts = set(), []
    for row in git_json(repo, *HELD_OUT):
        ids.add(str(row["sentence_id"]))
        texts.append(fold(row["text"]))
    if dev.is_file():
        for line in dev.read_text(encoding="utf-8").splitlines():
            if line.strip():
                row = json.loads(line)
                ids.add(row["id"].rsplit("_", 1)[-1])
                texts.append(fold(row["sentence"]))
    return ids, texts


def deduplicate(rows: list[dict], ids: set[str], texts: list[str]) -> tuple[list[dict], dict]:
    """Rows left after removing held-out ids, exact and near-duplicate texts, and repeats in training."""
    counts = {"read": len(rows)}
    rows = [r for r in rows if r["id"] not in ids]
    counts["same_id_removed"] = counts["read"] - len(rows)
    exact = set(texts)
    before = len(rows)
    rows = [r for r in rows if fold(r["text"]) not in exact]
    counts["same_text_removed"] = before - len(rows)
    folded = [fold(r["text"]) for r in rows]
    scores = process.cdist(folded, sorted(exact), scorer=fuzz.ratio, score_cutoff=NEAR, workers=-1, dtype=np.uint8)
    near = scores.max(axis=1) >= NEAR
    counts["near_duplicate_removed"] = int(near.sum())
    kept, seen = [], set()
    for row, text, is_near in zip(rows, folded, near):
        if is_near or not text or text in seen:
            continue
        seen.add(text)
        kept.append(row)
    counts["repeat_in_training_removed"] = len(rows) - int(near.sum()) - len(kept)
    counts["kept"] = len(kept)
    counts["kept_check_worthy"] = sum(r["label"] for r in kept)
    counts["kept_unimportant_factual"] = sum(r["cls"] == UFS for r in kept)
    return kept, counts


def best_threshold(probabilities: np.ndarray, truth: np.ndarray) -> tuple[float, float]:
    """The threshold with the best F1 on these rows, and that F1."""
    best = (0.5, -1.0)
    for threshold in np.arange(0.05, 0.951, 0.01):
        score = f1_score(truth, probabilities >= threshold, zero_division=0)
        if score > best[1]:
            best = (round(float(threshold), 2), float(score))
    return best


def fit(texts: list[str], labels: np.ndarray, c: float):
    vectorizer = checkworthy.new_vectorizer()
    features = vectorizer.fit_transform(texts)
    model = LogisticRegression(C=c, max_iter=3000, class_weight="balanced", random_state=SEED)
    model.fit(features, labels)
    return vectorizer, model


def dev_scores(classifier: checkworthy.Classifier, dev: Path) -> dict | None:
    if not dev.is_file():
        return None
    rows = [json.loads(line) for line in dev.read_text(encoding="utf-8").splitlines() if line.strip()]
    said = classifier.check_worthy([r["sentence"] for r in rows])
    truth = [r["label"] == "CFS" for r in rows]
    p, r, f1, _ = precision_recall_fscore_support(truth, said, average="binary", zero_division=0)
    share = {label: round(float(np.mean([s for s, row in zip(said, rows) if row["label"] == label])), 3)
             for label in ("CFS", "UFS", "NFS")}
    auc = roc_auc_score(truth, classifier.probabilities([r["sentence"] for r in rows]))
    return {"sentences": len(rows), "precision": round(float(p), 3), "recall": round(float(r), 3),
            "f1": round(float(f1), 3), "auc": round(float(auc), 3), "selected_share_by_label": share}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repo", type=Path, required=True, help="a clone or mirror of claimbuster-spotter")
    parser.add_argument("--out", type=Path, default=checkworthy.DEFAULT_PATH)
    parser.add_argument("--dev", type=Path, default=DEFAULT_DEV, help="scored only, and removed from training")
    args = parser.parse_args()
    started = time.perf_counter()
    rows, counts = deduplicate(training_rows(args.repo), *held_out(args.repo, args.dev))
    texts = [r["text"] for r in rows]
    classes = np.array([r["cls"] for r in rows])
    train_x, val_x, train_c, val_c = train_test_split(texts, classes, test_size=0.2, stratify=classes, random_state=SEED)
    val_y = val_c == CFS
    trials = []
    for c in C_GRID:
        vectorizer, model = fit(train_x, train_c, c)
        probabilities = model.predict_proba(vectorizer.transform(val_x))[:, list(model.classes_).index(CFS)]
        threshold, score = best_threshold(probabilities, val_y)
        trials.append((score, c, threshold, vectorizer, model, probabilities))
    score, c, threshold, vectorizer, model, probabilities = max(trials, key=lambda t: t[0])
    p, r, _, _ = precision_recall_fscore_support(val_y, probabilities >= threshold, average="binary")
    validation = {"rows": len(val_y), "f1": round(score, 3), "precision": round(float(p), 3),
                  "recall": round(float(r), 3), "auc": round(float(roc_auc_score(val_y, probabilities)), 3),
                  "f1_by_c": {str(t[1]): round(t[0], 3) for t in trials}}
    card = {"source": SOURCE, "licence": "GPL-3.0 (the repository's COPYING)",
            "files": [f"{path} @ {commit}" for commit, path in (TWO_CLASS, THREE_CLASS)],
            "excluded": [f"{HELD_OUT[1]} @ {HELD_OUT[0]}", "the 600 dev sentences"],
            "near_duplicate": f"rapidfuzz ratio >= {NEAR} on case- and punctuation-folded text",
            "counts": counts | {"train": len(train_c), "validation": len(val_c)},
            "c": c, "threshold": threshold, "validation": validation, "seed": SEED}
    checkworthy.save(args.out, vectorizer, model, threshold, card, positive=CFS)
    shipped = checkworthy.Classifier.load(args.out)
    result = {"data_card": card, "dev": dev_scores(shipped, args.dev), "bytes": args.out.stat().st_size,
              "seconds": round(time.perf_counter() - started, 1)}
    print(json.dumps(result, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
