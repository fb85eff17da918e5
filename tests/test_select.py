"""Check-worthiness with a fake client: labels map to the selection, the prompt prefix never changes,
repeats reuse the first label, a failed answer falls back to the rules; and the rule selection."""

from factcheck import select
from factcheck.llm.client import Answer
from factcheck.models import Article, LLMUsage
from factcheck.sentences import mark_duplicates, split_article


class FakeClient:
    """Labels by sentence from a table; records every request."""

    def __init__(self, labels: dict[str, str], fail=()):
        self.labels, self.fail, self.requests = labels, set(fail), []

    def ask(self, prompt, response_model, messages, context, max_tokens=None, salt=""):
        self.requests.append(messages)
        sentence = messages[-1]["content"].split("Sentence: ", 1)[1]
        if sentence in self.fail:
            return Answer(None, "APIConnectionError: refused", LLMUsage(calls=1))
        return Answer(response_model(label=self.labels[sentence]), None, LLMUsage(calls=1, prompt_tokens=9))


TEXT = ("Gunmen killed 12 villagers in Gao on Monday.\n"
        "What a sad day for the country.\n"
        "The army said it had sent reinforcements.\n"
        "Gunmen killed 12 villagers in Gao on Monday.\n"
        "Photo")


def anchored():
    article = Article(id="a.txt", path="a.txt", text=TEXT)
    return select.anchor_all(mark_duplicates(split_article(article), min_chars=10))


def test_labels_map_to_the_selection_and_repeats_reuse_the_first_label():
    client = FakeClient({"Gunmen killed 12 villagers in Gao on Monday.": "check-worthy",
                         "What a sad day for the country.": "not factual",
                         "The army said it had sent reinforcements.": "unimportant"})
    sentences = anchored()
    selections = select.judge_all(sentences, client, workers=2)
    assert [s.label for s in selections] == ["check-worthy", "not factual", "unimportant", "check-worthy",
                                             "not factual"]
    assert len(client.requests) == 3  # the repeat and the one-word line are not asked
    chosen = select.chosen(sentences, selections)
    assert [c.sentence.index for c in chosen] == [0, 3]
    assert chosen[0].reasons == ["number", "date", "judged check-worthy"]


def test_the_prompt_prefix_is_byte_identical_and_the_sentence_comes_last():
    client = FakeClient({}, fail={s.sentence.text for s in anchored()})
    select.judge_all(anchored(), client)
    first, second = client.requests[0], client.requests[1]
    assert first[0] == second[0] and first[0]["content"] == select.prompt().text
    assert first[1]["content"] == 'Hints: number "12"; date "on Monday"\nSentence: Gunmen killed 12 villagers in Gao on Monday.'
    assert second[1]["content"].endswith("\nSentence: What a sad day for the country.")


def test_a_failed_answer_falls_back_to_the_rules_and_keeps_the_error():
    client = FakeClient({"Gunmen killed 12 villagers in Gao on Monday.": "not factual",
                         "What a sad day for the country.": "not factual"},
                        fail={"The army said it had sent reinforcements."})
    selections = select.judge_all(anchored(), client)
    army = selections[2]
    assert (army.label, army.source, army.error) == ("check-worthy", "rules", "APIConnectionError: refused")
    assert [c.sentence.index for c in select.chosen(anchored(), selections)] == [2]


def test_rule_selection_keeps_statements_and_drops_questions_opinions_and_intentions():
    def label(text):
        article = Article(id="a.txt", path="a.txt", text=text)
        return select.rule_label(select.anchor_all(split_article(article))[0])

    assert label("The ministry built the bridge without a tender.") == "check-worthy"
    assert label("France will send 500 more troops.") == "check-worthy"  # an anchor outweighs the modal
    assert label("How many troops did France send in 2013?") == "not factual"
    assert label("I think the bridge is a disgrace.") == "not factual"
    assert label("We should build more bridges.") == "not factual"
    assert label("Let me finish my point here.") == "not factual"
    assert label("Nobody knows.") == "not factual"
