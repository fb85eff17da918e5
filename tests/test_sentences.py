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


# ---- layout: wrapped lines, headings, list items -------------------------------------------

import textwrap  # noqa: E402

import pysbd  # noqa: E402

from factcheck import sentences as sentences_module  # noqa: E402
from factcheck.sentences import flat, spans  # noqa: E402


def _wrapped(text: str, width: int) -> str:
    """Hard-wrap each paragraph of `text`; textwrap puts a line break in place of one space."""
    paragraphs = text.split("\n\n")
    wrapped = "\n\n".join(textwrap.fill(p, width, break_long_words=False, break_on_hyphens=False) for p in paragraphs)
    assert flat(wrapped) == flat(text)  # same length: the offsets of the two texts agree
    return wrapped


def test_a_line_break_inside_a_paragraph_does_not_end_a_sentence(seeds):
    text = (seeds / "000_f20fe307f4a01c7d.txt").read_text(encoding="utf-8")
    one_line = split_article(Article(id="a", path="a", text=text))
    for width in (50, 72, 100):
        wrapped = _wrapped(text, width)
        found = split_article(Article(id="a", path="a", text=wrapped))
        assert [(s.start, s.end, s.text) for s in found] == [(s.start, s.end, s.text) for s in one_line]
        for s in found:
            assert s.text == flat(wrapped[s.start:s.end])
            assert wrapped.count("\n", 0, s.start) + 1 == s.line


def test_the_wrapped_title_and_name_stay_in_one_sentence():
    text = ("As al-Qaeda linked rebels continue to be pushed further to the border, French Prime Minister\n"
            "Francois Hollande has said he is sure that the operation will end in the coming weeks, and\n"
            "that the troops can come home.")
    [sentence] = split_article(Article(id="a", path="a", text=text))
    assert sentence.start == 0 and sentence.end == len(text) and "Minister Francois" in sentence.text


def test_headings_list_items_and_short_lines_are_sentences_of_their_own():
    text = ("# Mali offensive\n"
            "Fighting in northern Mali continues, with an ongoing French military intervention\n"
            "still combating Islamist rebels of the region:\n"
            "- 4,000 troops deployed from France\n"
            "- 600 Malian soldiers\n"
            "1. first phase\n"
            "\n"
            "By a staff reporter\n"
            "The operation, set in motion last month, was a long sweep of an operational area\n"
            "along the border between Mali and Burkina Faso.\n"
            "  An indented first line starts another paragraph of the text, which goes\n"
            "on here.")
    assert [s.text for s in split_article(Article(id="a", path="a", text=text))] == [
        "# Mali offensive",
        "Fighting in northern Mali continues, with an ongoing French military intervention "
        "still combating Islamist rebels of the region:",
        "- 4,000 troops deployed from France",
        "- 600 Malian soldiers",
        "1. first phase",
        "By a staff reporter",
        "The operation, set in motion last month, was a long sweep of an operational area "
        "along the border between Mali and Burkina Faso.",
        "An indented first line starts another paragraph of the text, which goes on here.",
    ]


def test_a_rule_line_is_no_sentence_and_crlf_breaks_are_spaces():
    text = "Title of the piece\r\n---\r\nIt ended on\r\nTuesday.\r\n"
    found = split_article(Article(id="a", path="a", text=text))
    assert [s.text for s in found] == ["Title of the piece", "It ended on  Tuesday."]
    assert [s.line for s in found] == [1, 3]


# ---- bounded work ---------------------------------------------------------------------------

def _count_segmenter_input(monkeypatch) -> list[int]:
    sizes: list[int] = []
    real = pysbd.Segmenter(language="en", clean=False)

    class Counting:
        def processor(self, text):
            sizes.append(len(text))
            return real.processor(text)

    monkeypatch.setattr(sentences_module, "_segmenter", lambda language="en": Counting())
    sentences_module._segment.cache_clear()
    return sizes


def test_text_without_sentence_ends_is_split_in_bounded_windows(monkeypatch):
    sizes = _count_segmenter_input(monkeypatch)
    words = "the operation continued along the border between Mali and Burkina Faso with air support "
    line = (words * (60_000 // len(words)))[:60_000]
    found = split_article(Article(id="a", path="a", text=line))
    assert max(sizes) <= sentences_module.WINDOW  # pysbd is quadratic in what it is given at once
    assert sum(sizes) <= 3 * len(line)
    assert found[0].start == 0 and found[-1].end == len(line.rstrip())
    assert all(a.end <= b.start for a, b in zip(found, found[1:]))
    assert all(len(s.text) <= sentences_module.WINDOW for s in found)


def test_windows_give_the_sentences_pysbd_gives_the_whole_paragraph(seeds, monkeypatch):
    sizes = _count_segmenter_input(monkeypatch)
    text = " ".join(flat(p.read_text(encoding="utf-8")).strip() for p in sorted(seeds.iterdir()))
    text = " ".join(text.split())  # one paragraph of about 11,000 characters
    assert len(text) > 4 * sentences_module.WINDOW
    whole = pysbd.Segmenter(language="en", clean=False, char_span=True).segment(text)
    expected = [(p.start, p.start + len(p.sent.rstrip())) for p in whole]
    assert spans(text) == expected
    assert max(sizes) <= sentences_module.WINDOW
