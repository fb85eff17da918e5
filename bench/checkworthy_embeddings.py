"""An experiment, not shipped: does the embedded model's pooled hidden state help check-worthiness?

Embeds a stratified sample of the training sentences of `bench/train_checkworthy.py` (the same
rows, the same dedup against the dev set, the same 80/20 split) and the 600 dev sentences with the
packaged GGUF served by `llama-server --embeddings --pooling mean` (one prefill per sentence, no
decoding), then fits logistic regressions on (a) the embeddings, (b) the shipped TF-IDF features,
(c) both, on the sample's training part; regularisation and threshold are chosen on its validation
part; the dev set is only scored. Prints each one's validation and dev F1 and the embedding cost.

    python bench/checkworthy_embeddings.py --repo PATH/claimbuster-spotter [--sample 3000]
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import time
from pathlib import Path

import httpx
import numpy as np
import train_checkworthy as training
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import f1_score, roc_auc_score
from sklearn.model_selection import train_test_split
from sklearn.preprocessing import StandardScaler

from factcheck import checkworthy
from factcheck.llm.local import assemble, free_port, server_binary, threads
from factcheck.settings import Settings


def start_server(settings: Settings) -> tuple[subprocess.Popen, str]:
    port = free_port()
    command = [str(server_binary(settings)), "--model", str(assemble(settings.cache_dir / "models")),
               "--host", "127.0.0.1", "--port", str(port), "--embeddings", "--pooling", "mean",
               "--ctx-size", "4096", "--parallel", "8", "--batch-size", "2048", "--ubatch-size", "2048",
               "--threads", str(threads(settings)), "--no-repack", "--log-disable", "--no-webui"]
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}"
    for _ in range(600):
        try:
            if httpx.get(f"{url}/health", timeout=2).status_code == 200:
                return process, url
        except httpx.HTTPError:
            pass
        time.sleep(0.5)
    process.kill()
    raise SystemExit("the embedding server did not start")


def embed(url: str, texts: list[str], batch: int = 32) -> tuple[np.ndarray, int]:
    vectors, tokens = [], 0
    with httpx.Client(timeout=600) as client:
        for i in range(0, len(texts), batch):
            reply = client.post(f"{url}/v1/embeddings", json={"input": texts[i:i + batch], "model": "m"}).json()
            vectors += [row["embedding"] for row in sorted(reply["data"], key=lambda r: r["index"])]
            tokens += reply.get("usage", {}).get("prompt_tokens", 0)
    return np.asarray(vectors, dtype=np.float32), tokens


def fit_and_score(train_x, train_y, val_x, val_y, dev_x, dev_y) -> dict:
    best = None
    for c in (0.1, 0.3, 1.0, 3.0):
        model = LogisticRegression(C=c, max_iter=5000, class_weight="balanced").fit(train_x, train_y)
        k = list(model.classes_).index(training.CFS)
        threshold, f1 = training.best_threshold(model.predict_proba(val_x)[:, k], val_y == training.CFS)
        if best is None or f1 > best[0]:
            best = (f1, c, threshold, model.predict_proba(dev_x)[:, k])
    f1, c, threshold, dev_p = best
    return {"c": c, "threshold": threshold, "validation_f1": round(f1, 3),
            "dev_f1": round(float(f1_score(dev_y, dev_p >= threshold)), 3), "dev_auc": round(float(roc_auc_score(dev_y, dev_p)), 3)}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repo", type=Path, required=True)
    parser.add_argument("--dev", type=Path, default=training.DEFAULT_DEV)
    parser.add_argument("--sample", type=int, default=3000, help="training sentences to embed")
    args = parser.parse_args()
    rows, _ = training.deduplicate(training.training_rows(args.repo), *training.held_out(args.repo, args.dev))
    texts, classes = [r["text"] for r in rows], np.array([r["cls"] for r in rows])
    train_x, val_x, train_c, val_c = train_test_split(texts, classes, test_size=0.2, stratify=classes,
                                                      random_state=training.SEED)
    share = args.sample / len(texts)
    train_x, _, train_c, _ = train_test_split(train_x, train_c, train_size=share, stratify=train_c, random_state=0)
    val_x, _, val_c, _ = train_test_split(val_x, val_c, train_size=share, stratify=val_c, random_state=0)
    dev = [json.loads(line) for line in args.dev.read_text(encoding="utf-8").splitlines() if line.strip()]
    dev_x, dev_y = [r["sentence"] for r in dev], np.array([r["label"] == "CFS" for r in dev])
    process, url = start_server(Settings())
    try:
        started = time.perf_counter()
        (e_train, t1), (e_val, t2), (e_dev, t3) = (embed(url, x) for x in (train_x, val_x, dev_x))
        seconds = time.perf_counter() - started
    finally:
        process.terminate()
        process.wait()
    scaler = StandardScaler().fit(e_train)
    e_train, e_val, e_dev = (scaler.transform(e) for e in (e_train, e_val, e_dev))
    vectorizer = checkworthy.new_vectorizer()
    f_train = vectorizer.fit_transform(train_x)
    f_val, f_dev = vectorizer.transform(val_x), vectorizer.transform(dev_x)
    from scipy.sparse import csr_matrix, hstack

    both = [hstack([f, csr_matrix(e * 0.05)]).tocsr() for f, e in ((f_train, e_train), (f_val, e_val), (f_dev, e_dev))]
    result = {
        "sentences_embedded": len(train_x) + len(val_x) + len(dev_x), "tokens": t1 + t2 + t3,
        "embedding_seconds": round(seconds, 1), "tokens_per_s": round((t1 + t2 + t3) / seconds, 1),
        "train": len(train_x), "validation": len(val_x),
        "embeddings": fit_and_score(e_train, train_c, e_val, val_c, e_dev, dev_y),
        "tfidf_same_sample": fit_and_score(f_train, train_c, f_val, val_c, f_dev, dev_y),
        "both": fit_and_score(both[0], train_c, both[1], val_c, both[2], dev_y),
    }
    print(json.dumps(result, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
