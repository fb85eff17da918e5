"""One entity per person across articles, and claim texts that read alone."""

from factcheck import canonical
from factcheck.candidates import inspect
from factcheck.extract import answer_model, claims_from_answer, messages_for, validation_sources
from factcheck.models import Article, Entity, Sentence
from factcheck.reference import load_table


def people(*groups: list[str]) -> canonical.People:
    return canonical.People([Entity(name=g[0], variants=g, articles=[], roles=[]) for g in groups], load_table(()))


def test_accents_parts_and_one_letter_variants_resolve_to_one_entity():
    found = people(["Francois Hollande", "Hollande"], ["Mahamadou Issoufou"], ["Mahamadou Issoufu"])
    assert found.resolve("French Prime Minister Francois Hollande") == "François Hollande"  # the table's spelling
    assert found.resolve("President François Hollande") == "François Hollande"
    assert found.resolve("Hollande") == "François Hollande"
    assert found.resolve("Issoufu") == found.resolve("Mahamadou Issoufou") == "Mahamadou Issoufou"
    assert canonical.entity_of("the French troops", found) == "french troops"


def test_the_rules_claim_text_names_who_a_pronoun_or_a_surname_stands_for():
    names = ["Ibrahim Boubacar Keita"]
    assert canonical.plain_claim_text("He said Keita's government would fall.", names, ["Florence Parly"]) == \
        "Florence Parly said Ibrahim Boubacar Keita's government would fall."
    assert canonical.plain_claim_text("President Ibrahim Boubacar Keita left.", names) == \
        "President Ibrahim Boubacar Keita left."
    assert canonical.plain_claim_text("Keita Touré met her.", names) == "Keita Touré met her."  # another name
    assert canonical.plain_claim_text("They left.", []) == "They left."


def test_names_before_lists_the_full_names_an_article_gave_up_to_each_sentence():
    texts = ["French Defense Minister Florence Parly arrived.", "She met President Ibrahim Boubacar Keita.",
             "He said 12 soldiers died."]
    sentences = [Sentence(article_id="a", index=n, start=0, end=len(t), line=n + 1, text=t) for n, t in enumerate(texts)]
    anchored = [inspect(s) for s in sentences]
    names = canonical.names_before(anchored, people(["Florence Parly"], ["Ibrahim Boubacar Keita"]))
    assert names["a#0"] == ["Florence Parly"]
    assert names["a#2"] == ["Florence Parly", "Ibrahim Boubacar Keïta"]  # the table's spelling


SENTENCE = "He said 12 soldiers died in Gao."


def test_the_model_claim_text_is_kept_when_grounded_and_dropped_otherwise():
    candidate = inspect(Sentence(article_id="a", index=0, start=0, end=len(SENTENCE), line=1, text=SENTENCE))
    article = Article(id="a", path="a", text=SENTENCE)
    names = ["Amadou Toure"]
    user = messages_for(candidate, article, "SYSTEM", names)[1]["content"]
    assert user.splitlines()[0] == "Names: Amadou Toure"
    context = validation_sources(candidate, article, names)

    def claims(statement_text, number_text):
        answer = answer_model(candidate).model_validate({
            "statement": {"subject": "soldiers", "predicate": "died", "claim_text": statement_text},
            "12 soldiers": {"counts": "soldiers", "subject": "soldiers", "predicate": "died",
                            "claim_text": number_text}}, context=context)
        return [c.claim_text for c in claims_from_answer(answer, candidate)]

    assert claims("Amadou Toure said soldiers died in Gao.", "12 soldiers died in Gao.") == [
        "Amadou Toure said soldiers died in Gao.", "12 soldiers died in Gao."]
    assert claims("The president praised the brave army of Mali.", "Soldiers died in Gao.") == [None, None]


def test_names_are_sent_only_when_the_sentence_refers_back_or_gives_a_name_in_part():
    text = "Troops found 12 rockets in Bourem."
    candidate = inspect(Sentence(article_id="a", index=0, start=0, end=len(text), line=1, text=text))
    user = messages_for(candidate, Article(id="a", path="a", text=text), "SYSTEM", ["Amadou Toure"])[1]["content"]
    assert "Names" not in user
