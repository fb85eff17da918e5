"""A finished run's places, moved from the analysed text to the file as written.

The stages work on each article's analysed text (`Article.text`: NFC, front matter left out);
the reviewer opens the file. Once the checks have run, every span the report shows (sentences,
their anchors, claims and their numbers) is turned into file offsets, with the file's own text
as its quote and the file's line. Flags are built in file offsets already (`checks.base.location`).
"""

from __future__ import annotations

from pydantic import BaseModel

from .models import Article, Candidate, Claim, NotExtracted, Report, Sentence, Span


def to_file(report: Report) -> Report:
    """The report with file offsets, quotes and lines in place of the analysed text's."""
    articles = {a.id: a for a in report.articles}
    sentences = {s.ref: _sentence(articles[s.article_id], s) for s in report.sentences}
    report.sentences = list(sentences.values())
    report.candidates = [_candidate(articles[c.sentence.article_id], c, sentences) for c in report.candidates]
    report.claims = [_claim(articles[c.article_id], c) for c in report.claims]
    report.not_extracted = [_not_extracted(m, sentences) for m in report.not_extracted]
    return report


def _place(article: Article, start: int, end: int) -> dict:
    file_start, file_end = article.file_span(start, end)
    return {"start": file_start, "end": file_end, "text": article.file_text[file_start:file_end]}


def _moved(article: Article, item: BaseModel) -> BaseModel:
    return item.model_copy(update=_place(article, item.start, item.end))


def _sentence(article: Article, sentence: Sentence) -> Sentence:
    place = _place(article, sentence.start, sentence.end)
    return sentence.model_copy(update={**place, "line": article.file_line(place["start"])})


def _candidate(article: Article, candidate: Candidate, sentences: dict[str, Sentence]) -> Candidate:
    return candidate.model_copy(update={
        "sentence": sentences.get(candidate.sentence.ref) or _sentence(article, candidate.sentence),
        "quantities": [_moved(article, q) for q in candidate.quantities],
        "dates": [_moved(article, d) for d in candidate.dates],
        "people": [_moved(article, p) for p in candidate.people],
    })


def _span(article: Article, span: Span | None) -> Span | None:
    return None if span is None else Span(start=(file := article.file_span(span.start, span.end))[0], end=file[1])


def _claim(article: Article, claim: Claim) -> Claim:
    span = _span(article, claim.span)
    update = {"span": span, "quote": article.file_text[span.start:span.end], "line": article.file_line(span.start),
              "date_span": _span(article, claim.date_span)}
    if claim.number is not None:
        number = _span(article, claim.number.span)
        update["number"] = claim.number.model_copy(update={
            "span": number, "text": article.file_text[number.start:number.end]})
    return claim.model_copy(update=update)


def _not_extracted(missing: NotExtracted, sentences: dict[str, Sentence]) -> NotExtracted:
    sentence = sentences.get(f"{missing.article_id}#{missing.sentence_index}")
    if sentence is None:
        return missing
    return missing.model_copy(update={"quote": sentence.text, "line": sentence.line})
