"""The trained check-worthiness classifier: the shipped weights load and label, the saved form
reproduces scikit-learn's own arithmetic, and the rules' facts are kept whatever the label."""

from __future__ import annotations

import numpy as np
import pytest

from factcheck import checkworthy, select
from factcheck.models import Sentence


def test_the_shipped_weights_load_with_their_data_card():
    classifier = checkworthy.shipped()
    assert 0.0 < classifier.threshold < 1.0
    card = classifier.card
    assert card["source"] == "https://github.com/utaresearch/claimbuster-spotter"
    assert card["counts"]["kept"] == card["counts"]["train"] + card["counts"]["validation"]
    assert any("disjoint_2000" in x for x in card["excluded"])


def test_the_shipped_classifier_tells_a_checkable_statement_from_talk():
    classifier = checkworthy.shipped()
    factual, talk = classifier.probabilities([
        "Unemployment rose to 9 percent last year, the highest level since 1983.",
        "Thank you very much, it is good to be here tonight.",
    ])
    assert factual >= classifier.threshold > talk


@pytest.mark.parametrize("labels", [[1, 0, 1, 0, 1, 0], [2, 0, 2, 1, 2, 0]], ids=["binary", "three classes"])
def test_saved_weights_give_the_probabilities_scikit_learn_gives(tmp_path, labels):
    from sklearn.linear_model import LogisticRegression

    texts = ["We cut taxes by 10 percent in 1998.", "I think we can do better.", "Crime fell 20 percent.",
             "Let me say this.", "The deficit was 300 billion dollars.", "Thank you all."] * 3
    labels = np.array(labels * 3)
    positive = int(labels.max())
    vectorizer = checkworthy.new_vectorizer()
    model = LogisticRegression(C=1.0).fit(vectorizer.fit_transform(texts), labels)
    path = tmp_path / "weights.json.gz"
    checkworthy.save(path, vectorizer, model, 0.5, {"source": "test"}, positive=positive)
    loaded = checkworthy.Classifier.load(path)
    unseen = ["Taxes fell 15 percent in 2001.", "I think so."]
    expected = model.predict_proba(vectorizer.transform(unseen))[:, list(model.classes_).index(positive)]
    assert loaded.probabilities(unseen) == pytest.approx(expected, abs=1e-5)
    assert path.read_bytes()[:2] == b"\x1f\x8b"  # gzip, never a pickle


def test_weights_of_another_format_are_refused():
    with pytest.raises(ValueError, match="format"):
        checkworthy.Classifier({"format": 99})


def _anchored(*texts: str):
    sentences, start = [], 0
    for i, text in enumerate(texts):
        sentences.append(Sentence(article_id="a", index=i, start=start, end=start + len(text), line=i + 1, text=text))
        start += len(text) + 1
    return select.anchor_all(sentences)


def test_every_sentence_gets_a_classifier_label_with_its_probability():
    anchored = _anchored("Troops killed 30 rebels in Gao on Tuesday.", "Will you vote for him?", "Thanks.")
    selections = select.classify_all(anchored)
    assert [s.source for s in selections] == ["classifier"] * 3
    assert all(0.0 <= s.score <= 1.0 for s in selections)
    assert selections[0].label == "check-worthy"
    assert selections[1].label == "not factual"  # a question: the rules tell the negatives apart


def test_a_statement_with_rule_facts_is_kept_whatever_its_label():
    anchored = _anchored("I think 4,000 troops is what we said, I believe.", "What do 30 people think?",
                         "It was a nice day.")
    said_no = [select.Selection(sentence_ref=c.sentence.ref, label="unimportant", source="classifier")
               for c in anchored]
    assert select.chosen(anchored, said_no) == []
    kept = select.chosen(anchored, said_no, keep_facts=True)
    assert [c.sentence.index for c in kept] == [0]  # the number; not the question, not the sentence without one
    assert kept[0].reasons[-1] == select.FACTS_REASON
