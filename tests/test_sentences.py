from factcheck.articles import load_folder
from factcheck.models import Article
from factcheck.sentences import mark_duplicates, split_article


def test_offsets_point_at_the_sentence_text(seeds):
    articles, _ = load_folder(seeds)
    for article in articles:
        for sentence in split_article(article):
            assert article.text[sentence.start:sentence.end] == sentence.text
            assert article.text.count("\n", 0, sentence.start) + 1 == sentence.line


def test_line_break_ends_a_sentence_without_full_stop():
    article = Article(id="a", path="a", text="The announcement came after his meeting\n\nThe operation took place on October 30.")
    assert [s.text for s in split_article(article)] == [
        "The announcement came after his meeting",
        "The operation took place on October 30.",
    ]


def test_abbreviations_do_not_split():
    article = Article(id="a", path="a", text="Mr. Keita's government met U.N. forces. It ended.")
    assert [s.text for s in split_article(article)] == ["Mr. Keita's government met U.N. forces.", "It ended."]


def test_verbatim_repeats_point_at_their_first_occurrence(seeds):
    articles, _ = load_folder(seeds)
    sentences = mark_duplicates([s for a in articles for s in split_article(a)])
    repeated = {s.ref: s.duplicate_of for s in sentences if s.duplicate_of}
    # the second article pastes its own body twice: 10 sentences repeat lines 2-8
    assert len(repeated) == 10
    assert all(ref.startswith("001_") and first.startswith("001_") for ref, first in repeated.items())
    assert repeated["001_90729137ea9a1b76.txt#12"] == "001_90729137ea9a1b76.txt#2"


def test_repeats_are_found_across_articles_despite_quotes_and_case():
    a = Article(id="a", path="a", text="The French news agency says about 1,500 troops are involved.")
    b = Article(id="b", path="b", text="Intro. THE French news agency says about 1,500 troops are involved.")
    sentences = mark_duplicates(split_article(a) + split_article(b))
    assert [s.duplicate_of for s in sentences] == [None, None, "a#0"]
