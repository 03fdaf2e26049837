"""The optional LLM rewrite of the brief: off by default, and a rewrite replaces a source sentence
only when it passes the support check (an endpoint stands in through httpx's mock transport)."""

from __future__ import annotations

import json

import httpx

from newsprism.brief import Brief, BriefSentence, check_rewrite, rewrite_brief
from newsprism.config import Settings

EXCHANGE = "Though no ceasefire accord was achieved, both sides recognized the exchange of prisoners as a great result."
EXCHANGE_EVIDENCE = ["The two sides agreed to exchange 1,000 prisoners of war from each side.", EXCHANGE]
MEDINSKY = "Russia’s delegation is led by Presidential Aide Vladimir Medinsky, who also spearheaded the 2022 talks."
SETTINGS = Settings(llm_url="http://llm.test/v1", llm_model="test-model", llm_api_key="k")


def _brief() -> Brief:
    return Brief([
        BriefSentence(EXCHANGE, ["a", "b"], "consensus", EXCHANGE_EVIDENCE),
        BriefSentence(MEDINSKY, ["a", "c"], "consensus", [MEDINSKY]),
        BriefSentence("Reported by one source only: The talks lasted under two hours.", ["c"], "single",
                      ["The talks lasted under two hours."]),
        BriefSentence("Coverage differs: 1 of 3 sources lean toward Russia.", ["a"], "coverage", []),
    ])


def _endpoint(answers: dict[str, str | int], seen: list[dict]) -> httpx.Client:
    """A chat-completions endpoint answering by a keyword of the sentence (an int is an HTTP error)."""
    def handle(request: httpx.Request) -> httpx.Response:
        body = json.loads(request.content)
        seen.append({"body": body, "auth": request.headers.get("authorization"), "url": str(request.url)})
        sentence = body["messages"][1]["content"]
        answer = next(v for k, v in answers.items() if k in sentence)
        if isinstance(answer, int):
            return httpx.Response(answer, json={"error": "down"})
        return httpx.Response(200, json={"choices": [{"message": {"role": "assistant", "content": answer}}]})

    return httpx.Client(transport=httpx.MockTransport(handle))


def test_off_unless_configured() -> None:
    brief = _brief()
    assert rewrite_brief(brief, Settings()) is brief


def test_supported_rewrites_are_kept_and_unsupported_ones_refused() -> None:
    seen: list[dict] = []
    client = _endpoint({
        "ceasefire": "No ceasefire accord was achieved, but both sides recognized the prisoner exchange as a great result.",
        "Medinsky": "Presidential Aide Vladimir Medinsky, who led the 2019 talks, heads Russia’s delegation.",  # wrong year
        "two hours": 500,
    }, seen)
    out = rewrite_brief(_brief(), SETTINGS, client=client)
    texts = [s.text for s in out.sentences]
    assert texts[0].startswith("No ceasefire accord was achieved, but both sides")
    assert out.sentences[0].extract == EXCHANGE and out.sentences[0].citations == ["a", "b"]
    assert out.sentences[0].to_report()["extract"] == EXCHANGE
    assert texts[1] == MEDINSKY and out.sentences[1].extract is None  # invented figure: refused
    assert texts[2] == "Reported by one source only: The talks lasted under two hours."  # endpoint failed
    assert texts[3] == _brief().sentences[3].text  # our own line is never sent
    assert len(seen) == 3
    assert seen[0]["url"] == "http://llm.test/v1/chat/completions" and seen[0]["auth"] == "Bearer k"
    assert seen[0]["body"]["model"] == "test-model" and seen[0]["body"]["temperature"] == 0


def test_single_source_label_survives_a_rewrite() -> None:
    client = _endpoint({"two hours": "The talks lasted under two hours."}, [])
    out = rewrite_brief(Brief([_brief().sentences[2]]), SETTINGS, client=client)
    assert out.sentences[0].text == "Reported by one source only: The talks lasted under two hours."


def test_check_refuses_meaning_changes() -> None:
    assert check_rewrite("Both sides recognized the prisoner exchange as a great result, and a ceasefire accord "
                         "was achieved.", EXCHANGE, EXCHANGE_EVIDENCE) == "negation changed"
    assert "names" in check_rewrite("Though no ceasefire accord was achieved, Erdogan recognized the exchange "
                                    "of prisoners as a great result.", EXCHANGE, EXCHANGE_EVIDENCE)
    assert "figures" in check_rewrite("Though no ceasefire accord was achieved, both sides recognized the "
                                      "exchange of 2,000 prisoners as a great result.", EXCHANGE, EXCHANGE_EVIDENCE)
    assert "support" in check_rewrite("No truce came out of it, yet each party hailed the swap of captives as "
                                      "a triumph.", EXCHANGE, EXCHANGE_EVIDENCE)
    assert check_rewrite("No ceasefire accord was achieved, but both sides recognized the exchange of 1,000 "
                         "prisoners as a great result.", EXCHANGE, EXCHANGE_EVIDENCE) == ""
