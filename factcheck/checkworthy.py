"""Check-worthiness as a trained classifier: is this sentence a factual claim worth checking?

A logistic regression over TF-IDF features of the sentence (word 1-2 grams and character 2-5
grams inside words, case and digits folded) over ClaimBuster's three classes (check-worthy
factual, unimportant factual, the rest), whose probability of the first is the score, trained on
ClaimBuster's crowdsourced debate sentences (`bench/train_checkworthy.py`; source, licence, counts and the dedup rule against the
dev set are in `factcheck/data/README.md` and in the weights file's own `card`). It costs no
model call: the 56 seed sentences take milliseconds.

The weights ship as gzipped JSON (vocabulary, idf, coefficients as base64 float32, threshold),
never as a pickle;
the features are rebuilt here with scikit-learn's `CountVectorizer` on the shipped vocabulary, so
loading needs no fitting and runs the same arithmetic as training.
"""

from __future__ import annotations

import base64
import functools
import gzip
import json
import re
from pathlib import Path

import numpy as np

DEFAULT_PATH = Path(__file__).parent / "data" / "checkworthy.json.gz"
FORMAT = 2
DIGIT = re.compile(r"\d")


def preprocess(text: str) -> str:
    """Case folded, every digit 0: "killed 30" and "killed 4,000" read alike."""
    return DIGIT.sub("0", text.casefold())


# The two feature families: (name, CountVectorizer keyword arguments).
FEATURES = (
    ("word", dict(analyzer="word", ngram_range=(1, 2), min_df=2, token_pattern=r"(?u)\b\w+\b|[%$?]")),
    ("char", dict(analyzer="char_wb", ngram_range=(2, 5), min_df=3, max_features=60000)),
)


def new_vectorizer():
    """The unfitted training features (scikit-learn), as the training script fits them."""
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.pipeline import FeatureUnion

    return FeatureUnion([(name, TfidfVectorizer(preprocessor=preprocess, sublinear_tf=True, **kwargs))
                         for name, kwargs in FEATURES])


def save(path: Path, vectorizer, model, threshold: float, card: dict, positive=1) -> None:
    """The fitted features and head as gzipped JSON (float32 precision, byte-stable for one fit).
    `positive`: the class whose probability is the score."""
    blocks = []
    for name, fitted in vectorizer.transformer_list:
        vocabulary = sorted(fitted.vocabulary_, key=fitted.vocabulary_.get)
        blocks.append({"name": name, "vocabulary": vocabulary, "idf": _floats(fitted.idf_)})
    classes = [c.item() if hasattr(c, "item") else c for c in model.classes_]
    data = {"format": FORMAT, "features": blocks, "coef": [_floats(row) for row in model.coef_],
            "intercept": [float(x) for x in model.intercept_], "classes": classes,
            "positive": classes.index(positive), "threshold": threshold, "card": card}
    path.parent.mkdir(parents=True, exist_ok=True)
    with gzip.GzipFile(path, "wb", mtime=0) as out:
        out.write(json.dumps(data, ensure_ascii=False, separators=(",", ":")).encode("utf-8"))


def _floats(values) -> str:
    return base64.b64encode(np.asarray(values, dtype="<f4").tobytes()).decode("ascii")


def _array(encoded: str) -> np.ndarray:
    return np.frombuffer(base64.b64decode(encoded), dtype="<f4").astype(np.float64)


class Classifier:
    """The shipped check-worthiness head: `probabilities(texts)`, `check_worthy(texts)`."""

    def __init__(self, data: dict):
        from sklearn.feature_extraction.text import CountVectorizer

        if data.get("format") != FORMAT:
            raise ValueError(f"check-worthiness weights of format {data.get('format')!r}; this version reads {FORMAT}")
        kwargs = dict(FEATURES)
        self.blocks = []
        for block in data["features"]:
            options = {k: v for k, v in kwargs[block["name"]].items() if k not in ("min_df", "max_features")}
            counter = CountVectorizer(preprocessor=preprocess, vocabulary=block["vocabulary"], **options)
            self.blocks.append((counter, _array(block["idf"])))
        self.coef = np.stack([_array(row) for row in data["coef"]])  # one row (binary) or one per class
        self.intercept = np.asarray(data["intercept"], dtype=np.float64)
        self.positive = int(data["positive"])
        self.threshold = float(data["threshold"])
        self.card = data.get("card", {})

    @classmethod
    def load(cls, path: Path = DEFAULT_PATH) -> Classifier:
        with gzip.open(path, "rb") as f:
            return cls(json.loads(f.read().decode("utf-8")))

    def features(self, texts: list[str]):
        from scipy.sparse import hstack
        from sklearn.preprocessing import normalize

        parts = []
        for counter, idf in self.blocks:
            counts = counter.transform(texts).astype(np.float64)
            counts.data = np.log(counts.data) + 1.0  # sublinear tf, as in training
            parts.append(normalize(counts.multiply(idf).tocsr()))
        return hstack(parts).tocsr()

    def probabilities(self, texts: list[str]) -> np.ndarray:
        if not texts:
            return np.zeros(0)
        scores = self.features(texts) @ self.coef.T + self.intercept
        if scores.shape[1] == 1:  # binary: the one row scores class 1
            p = 1.0 / (1.0 + np.exp(-scores[:, 0]))
            return p if self.positive == 1 else 1.0 - p
        scores -= scores.max(axis=1, keepdims=True)
        odds = np.exp(scores)
        return odds[:, self.positive] / odds.sum(axis=1)

    def check_worthy(self, texts: list[str]) -> list[bool]:
        return [bool(p >= self.threshold) for p in self.probabilities(texts)]


@functools.lru_cache(maxsize=4)
def shipped(path: Path = DEFAULT_PATH) -> Classifier:
    """The classifier from `path` (the shipped weights by default), loaded once per process."""
    return Classifier.load(path)
