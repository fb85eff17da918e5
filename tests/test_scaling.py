"""Checks, people and the report stay linear in the size of one large article (or of many articles).

Where the work can be counted (regex scans, passes over a list), the count is checked; elsewhere
an input that took a quadratic loop tens of seconds must take a fraction of that.
"""

from __future__ import annotations

import time

from factcheck.candidates import select
from factcheck.checks import Corpus
from factcheck.checks import names as names_check
from factcheck.checks import within
from factcheck.checks.figures import check_figures
from factcheck.checks.titles import check_titles
from factcheck.extract import rule_claims
from factcheck.models import Article
from factcheck.reference import load_table
from factcheck.resolve import article_date
from factcheck.sentences import mark_duplicates, split_article


def corpus_of(*texts: str, date: str | None = None) -> Corpus:
    articles = [Article(id=f"{n}.txt", path=f"{n}.txt", text=t, date=date) for n, t in enumerate(texts)]
    sentences = mark_duplicates([s for a in articles for s in split_article(a)])
    candidates = select(sentences)
    claims = [c for candidate in candidates for c in rule_claims(candidate).claims]
    return Corpus(articles, sentences, candidates, claims, {a.id: article_date(a) for a in articles}, load_table())


class Counting:
    """A compiled pattern that counts the texts it is asked to scan."""

    def __init__(self, pattern):
        self.pattern, self.scans = pattern, 0

    def search(self, text):
        self.scans += 1
        return self.pattern.search(text)

    def finditer(self, text):
        self.scans += 1
        return self.pattern.finditer(text)


def test_pronouns_read_each_sentence_a_bounded_number_of_times(monkeypatch):
    mentions = 300
    text = " ".join(f"French Defense Minister Florence Parly spoke in town {n} on the day. Her aides left."
                    for n in range(mentions))
    corpus = corpus_of(text)
    male, female = Counting(within.MALE), Counting(within.FEMALE)
    monkeypatch.setattr(within, "MALE", male)
    monkeypatch.setattr(within, "FEMALE", female)
    assert within.check_pronouns(corpus) == []
    assert male.scans + female.scans <= 4 * len(corpus.sentences)  # a pass per mention read ~90,000


def test_pronoun_flags_are_the_first_he_and_she_after_each_mention():
    text = ("French Defense Minister Florence Parly spoke.\n\nHe left.\n\n"
            "French Defense Minister Florence Parly came back, and he said that she stayed.\n\n"
            "Colonel Frederic Barbry said she was right.")
    flags = within.check_pronouns(corpus_of(text))
    assert [f.locations[0].start for f in flags] == [0, text.index("French Defense Minister Florence Parly came")]
    assert '"He" (line 3) and "she" (line 5)' in flags[0].reason
    assert '"he" (line 5) and "she" (line 5)' in flags[1].reason


class CountingList(list):
    """A list that counts how often it is walked through."""

    walks = 0

    def __iter__(self):
        CountingList.walks += 1
        return super().__iter__()


def test_name_checks_walk_their_lists_once():
    CountingList.walks = 0
    a = CountingList(("a.txt", n, n + 6) for n in range(2000))
    b = CountingList(("b.txt", n, n + 6) for n in range(1999)) + CountingList([("a.txt", 9, 15)])
    assert names_check._closest(a, CountingList(b)) == (("a.txt", 0, 6), ("a.txt", 9, 15))
    assert CountingList.walks <= 2  # a pass over b for each place of a walked it 2,000 times

    text = " ".join(f"President Ibrahim Boubacar met {n} people in Gao." for n in range(300))
    corpus = corpus_of(text)
    corpus.candidates = CountingList(corpus.candidates)
    CountingList.walks = 0
    flags = names_check._partial_names(corpus)
    assert len(flags) == 300 and flags[0].evidence[0].startswith("reference: Ibrahim Boubacar Keïta")
    assert CountingList.walks <= 3  # the evidence was looked up in every candidate for each flag


def test_figures_of_one_large_dated_article_are_not_compared_pairwise():
    text = " ".join(f"The Grey Wolves of Rotten Tomatoes scored {n + 100} goals." for n in range(3000))
    corpus = corpus_of(text, "Another article: The Grey Wolves of Rotten Tomatoes scored 95 goals.", date="2020-05-01")
    start = time.process_time()
    flags = check_figures(corpus)
    assert time.process_time() - start < 2.0  # 4.5 million pairs of one article's claims took about 8 s
    assert len(flags) == 1


def test_title_pairs_between_articles_name_the_first_mention_with_a_partner():
    big = " ".join([f"President Ibrahim Boubacar Keita spoke on day {n}." for n in range(300)]
                   + [f"Malian Prime Minister Ibrahim Boubacar Keita left on day {n}." for n in range(300)])
    corpus = corpus_of(big, "The President Ibrahim Boubacar Keita said so.")
    [flag] = [f for f in check_titles(corpus) if f.severity == "medium"]
    first_prime_minister = big.index("Malian Prime Minister")
    assert [(loc.article_id, loc.start) for loc in flag.locations] == [("0.txt", first_prime_minister), ("1.txt", 4)]
    assert "called Prime Minister in one article and President in another" in flag.reason


def test_the_report_walks_the_candidates_once_whatever_the_number_of_articles():
    from factcheck import report as report_module
    from factcheck.models import Report

    texts = [f"The {n} troops left Gao on Tuesday." for n in range(200)]
    corpus = corpus_of(*texts)
    result = Report(source="x", model="rules", articles=corpus.articles, sentences=corpus.sentences,
                    claims=corpus.claims)
    result.candidates = CountingList(corpus.candidates)
    CountingList.walks = 0
    markdown = report_module.to_markdown(result)
    assert CountingList.walks <= 3  # it was walked once per article
    assert markdown.count("> The ") == 200


def test_people_are_matched_with_names_sharing_a_first_or_last_word_only(monkeypatch):
    from factcheck import resolve

    calls = []
    real = resolve.is_part_of
    monkeypatch.setattr(resolve, "is_part_of", lambda part, whole: calls.append(1) or real(part, whole))
    letters = [chr(97 + n % 26) + chr(97 + n // 26) for n in range(600)]
    text = " ".join(f"General Abc{pair} Qrs{pair[::-1]} spoke." for pair in letters)
    found = resolve.entities(corpus_of(text + " General Keita spoke. President Ibrahim Boubacar Keita spoke.").candidates)
    assert len(calls) <= 4 * len(found)  # every pair of 600 names was tried: 360,000 calls
    keita = next(e for e in found if e.name == "Ibrahim Boubacar Keita")
    assert keita.variants == ["Ibrahim Boubacar Keita", "Keita"]
