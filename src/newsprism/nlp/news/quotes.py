"""Quotes with speakers: direct quotes in quote marks and reported speech.

Direct quotes are found in the text by pairing quote marks inside a paragraph: curly
“…”, straight "…", guillemets «…», low-high „…“, and top-level single quotes ‘…’ when a
paragraph has no double ones (British style); a mark left open runs to the paragraph's
end (the news convention for a quote that continues in the next paragraph). Nested
quotes stay inside their outer quote. The speaker is read off the words around it:

- after it: "“…,” said Tom Fahy" / "“…,” Zelensky remarked" / "“…,” he said";
- before it, in its sentence: "Trump said: “…”", "Zelensky reiterated his call for a
  “complete … ceasefire”", "…, stating “nothing's going to happen”";
- a quote that opens a sentence right after one ending in ":" takes that sentence's speaker.

Reported speech: "X said (that) …", "X told reporters on Friday that …", "…, according
to X" / "According to X, …", with the reported clause as the quote (`direct=False`).

A speaker expression that is a pronoun ("he said") resolves to the last PERSON before it,
a title ("the minister said") to the last PERSON whose role has that office word, and a
surname to the fullest earlier form of the name ("Rubio" -> "Marco Rubio"); other
expressions ("one of the leaders", "a Ukrainian representative") are kept as written.
Quotes with no speaker in reach get `speaker=None`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from spacy.tokens import Doc, Span, Token

from newsprism.nlp.document import Mention, Quote
from newsprism.nlp.news.roles import HEADS, MODIFIERS, NOT_NAME
from newsprism.nlp.news.tokens import has_tags

__all__ = ["SPEECH_VERBS", "direct_quote_spans", "find_quotes"]

_VERB_STEMS = """say said says saying tell told tells telling state stated states stating add added adds adding
note noted notes noting remark remarked remarks remarking mention mentioned mentions mentioning declare declared
declares declaring announce announced announces announcing stress stressed stresses stressing emphasize emphasized
emphasizes emphasizing emphasise emphasised emphasises emphasising insist insisted insists insisting argue argued
argues arguing claim claimed claims claiming warn warned warns warning write wrote writes writing tweet tweeted
tweets post posted posts explain explained explains explaining ask asked asks asking reply replied replies
replying respond responded responds responding continue continued continues acknowledge acknowledged
acknowledges admit admitted admits confirm confirmed confirms confirming deny denied denies denying urge urged
urges urging describe described describes describing reiterate reiterated reiterates reiterating recall recalled
recalls concede conceded concedes suggest suggested suggests suggesting underline underlined underlines proclaim
proclaimed proclaims plead pleaded pleading characterize characterized characterise characterised call called
calls calling assert asserted asserts asserting disclose disclosed discloses reveal revealed reveals revealing
predict predicted predicts vow vowed vows promise promised promises promising complain complained complains
shout shouted yell yelled quip quipped joke joked observe observed observes point pointed points told
indicate indicated indicates question questioned questions questioning demand demanded demands demanding
refer referred refers referring dub dubbed dubs dubbing label labelled labeled brand branded frame framed
frames framing hail hailed hails sob sobbed cry cried scream screamed gush gushed fume fumed rage raged blast
blasted slam slammed wept laugh laughed boast boasted confess confessed snap snapped beam beamed sigh sighed
whisper whispered mutter muttered""".split()
SPEECH_VERBS = frozenset(_VERB_STEMS)
# Verbs that introduce reported speech without quote marks (with "that" or a clause).
REPORTING_VERBS = frozenset(
    """say said says told tells stated states claimed claims warned warns announced announces confirmed confirms
    denied denies insisted insists argued argues added adds noted notes declared declares stressed stresses
    emphasized emphasised emphasizes acknowledged admitted revealed disclosed asserted asserting asserts
    stating saying adding noting arguing insisting warning claiming explained explains reiterated reiterating
    suggested suggests predicted vowed promised indicated""".split()
)
_CLAUSE_WITHOUT_THAT = frozenset({"said", "says", "say", "told", "tells", "added", "adds", "warned", "stated",
                                  "claimed", "insisted", "argued", "noted", "believes", "confirmed"})
PRONOUNS = frozenset({"he", "she", "they", "i", "we", "it"})
_SKIP_BEFORE_VERB = frozenset(
    """has have had also reportedly later previously then again repeatedly publicly quickly recently earlier once
    further firmly strongly has been would will did not had once separately privately flatly simply just only
    bluntly angrily calmly later, told""".split()
)
_NP_WORDS_STOP = frozenset(
    """and but or that which who whom whose while when if as because since after before although though so
    than then there here is are was were be been being has have had do does did will would can could may might
    must shall should not no to""".split()
)
_DETS = frozenset({"a", "an", "the", "one", "some", "two", "three", "several", "many", "another", "his", "her",
                   "their", "its", "our", "my", "this", "that", "these", "those"})
_NOT_PROXY = frozenset({"West", "East", "North", "South", "Western", "Eastern", "President", "Minister"})
_OPEN_CLOSE = {"“": "”", "«": "»", "„": "“", "‹": "›"}
_SPEAKER_LABELS = frozenset({"PERSON", "ORG", "GPE", "NORP"})
_SENT_STOP = re.compile(r"[.!?](?=\s|$|[\"”’»])|\n")


@dataclass(slots=True)
class _Expr:
    start: int  # char offsets of the speaker expression
    end: int
    text: str
    mention: Mention | None = None


def direct_quote_spans(text: str) -> list[tuple[int, int]]:
    """(start, end) of the words inside each outermost pair of quote marks, paragraph by paragraph."""
    spans: list[tuple[int, int]] = []
    pos = 0
    for para in text.split("\n"):
        spans.extend((pos + s, pos + e) for s, e in _paragraph_quotes(para))
        pos += len(para) + 1
    return [(s, e) for s, e in spans if e > s and text[s:e].strip()]


def _paragraph_quotes(para: str) -> list[tuple[int, int]]:
    out: list[tuple[int, int]] = []
    i = 0
    n = len(para)
    while i < n:
        c = para[i]
        close: str | None = None
        if c in _OPEN_CLOSE:
            close = _OPEN_CLOSE[c]
        elif c == '"' and _opens(para, i):
            close = '"'
        elif c in "‘'" and _opens(para, i) and _find_close(para, i + 1, "’" if c == "‘" else "'") is not None:
            close = "’" if c == "‘" else "'"
        if close is None:
            i += 1
            continue
        j = _find_close(para, i + 1, close)
        end = j if j is not None else n
        s, e = i + 1, end
        while s < e and para[s].isspace():
            s += 1
        while e > s and para[e - 1].isspace():
            e -= 1
        out.append((s, e))
        i = (j + 1) if j is not None else n
    return out


def _opens(para: str, i: int) -> bool:
    prev = para[i - 1] if i > 0 else " "
    nxt = para[i + 1] if i + 1 < len(para) else " "
    return (prev.isspace() or prev in "([{—–-:,;") and not nxt.isspace()


def _find_close(para: str, i: int, close: str) -> int | None:
    if close in ("'", "’"):  # a closing single quote is not an apostrophe (letters on both sides)
        depth = 0
        for j in range(i, len(para)):
            if para[j] not in "'‘’":
                continue
            if para[j] == "‘" or (para[j - 1].isspace() and j + 1 < len(para) and para[j + 1].isalnum()):
                depth += 1  # a nested quote opens: 'saying 'why' and 'how''
            elif not (j + 1 < len(para) and para[j + 1].isalpha()) and not para[j - 1].isspace():
                if depth == 0:
                    return j
                depth -= 1
        return None
    j = para.find(close, i)
    if close == "“" and j < 0:
        j = para.find("”", i)
    return j if j >= 0 else None


def find_quotes(doc: Doc, mentions: list[Mention], sentences: list[Span], *,
                text: str | None = None) -> list[Quote]:
    """Direct quotes and reported speech of a document, with resolved speakers (`text`:
    `doc.text`, when the caller has it)."""
    text = doc.text if text is None else text
    persons = [m for m in mentions if m.label == "PERSON"]
    quotes: list[Quote] = []
    direct = direct_quote_spans(text)
    persons = [p for p in persons if not any(s <= p.start < e for s, e in direct)]
    if not doc.ents:  # no recogniser: capitalised names stand in for PERSON mentions
        proxies = _proxy_persons(doc, direct, persons)
        persons = sorted(persons + proxies, key=lambda p: p.start)
        mentions = sorted(mentions + proxies, key=lambda p: p.start)
    prev: tuple[int, _Expr | None] | None = None
    for qs, qe in direct:
        expr = _after_quote(doc, text, qe, mentions) or _before_quote(doc, text, qs, mentions)
        if expr is None:
            expr = _after_colon_sentence(doc, text, qs, mentions)
        if expr is None and prev is not None and prev[1] is not None and _continues(text, prev[0], qs):
            expr = prev[1]
        quotes.append(_make_quote(text, qs, qe, True, expr, persons))
        prev = (qe - 1, expr)
    _unclosed_take_next_speaker(text, quotes)
    covered = [(max(0, s - 1), e + 1) for s, e in direct]
    for sent in sentences:
        if any(s < sent.end_char and sent.start_char < e for s, e in covered):
            continue
        quote = _reported(doc, text, sent, mentions, persons)
        if quote is not None:
            quotes.append(quote)
    quotes.sort(key=lambda q: q.start)
    return quotes


def _continues(text: str, prev_end: int, qs: int) -> bool:
    """A quote goes on from the previous one: same sentence ('“any mechanism” that produces a “just
    peace”'), or it opens the very next sentence of the paragraph ('“…,” he said. “But …”')."""
    between = text[prev_end:qs]
    if "\n" in between:
        return False
    stops = len(_SENT_STOP.findall(between))
    return stops == 0 or stops == 1 and between.rstrip(" “\"«„‘'").endswith((".", "!", "?")) \
        and len(between) < 80


def _unclosed_take_next_speaker(text: str, quotes: list[Quote]) -> None:
    """A quote left open at its paragraph's end continues in the next paragraph's quote and has its speaker."""
    for cur, nxt in zip(quotes[:-1], quotes[1:], strict=False):
        if cur.speaker is not None or nxt.speaker is None:
            continue
        para_end = text.find("\n", cur.end)
        if para_end == cur.end and text[cur.end + 1: nxt.start].strip(" “\"«„‘'") == "":
            cur.speaker, cur.speaker_start, cur.speaker_end = nxt.speaker, nxt.speaker_start, nxt.speaker_end


def _proxy_persons(doc: Doc, direct: list[tuple[int, int]], persons: list[Mention]) -> list[Mention]:
    """Without a recogniser: capitalised words inside sentences stand in as names for pronoun resolution."""
    from newsprism.nlp.news.gazetteer import load_gazetteer

    gaz = load_gazetteer()
    taken = {p.start for p in persons}
    out = []
    surnames = {p.text.split()[-1] for p in persons if p.text.split()}
    for tok in doc:
        if not tok.is_title or not tok.is_alpha or tok.idx in taken or tok.text in _NOT_PROXY \
                or tok.text in NOT_NAME or tok.lower_ in HEADS or tok.lower_ in MODIFIERS:
            continue
        if tok.is_sent_start and tok.text not in surnames:
            continue
        if tok.i > 0 and doc[tok.i - 1].is_title and not doc[tok.i - 1].is_sent_start:
            continue  # not the first word of a run
        if gaz.country_of(tok.text) or gaz.place_label(tok.text) or tok.lower_ in PRONOUNS:
            continue
        if any(s <= tok.idx < e for s, e in direct):
            continue
        j = tok.i
        while j + 1 < len(doc) and doc[j + 1].is_title and doc[j + 1].is_alpha and doc[j + 1].text not in NOT_NAME:
            j += 1
        span = doc[tok.i: j + 1]
        out.append(Mention(text=span.text, label="PERSON", start=span.start_char, end=span.end_char))
    return out


def _make_quote(text: str, qs: int, qe: int, direct: bool, expr: _Expr | None, persons: list[Mention]) -> Quote:
    speaker = _resolve(expr, persons) if expr is not None else None
    return Quote(text=text[qs:qe], speaker=speaker, start=qs, end=qe, direct=direct,
                 speaker_start=expr.start if expr else None, speaker_end=expr.end if expr else None)


# --- speaker expressions ---------------------------------------------------------------------------


def _tokens_in(doc: Doc, start: int, end: int) -> list[Token]:
    span = doc.char_span(start, end, alignment_mode="contract")
    return list(span) if span is not None else []


def _after_quote(doc: Doc, text: str, qe: int, mentions: list[Mention]) -> _Expr | None:
    """'“…,” said X' or '“…,” X said' right after the closing mark, before the sentence ends."""
    close = qe
    while close < len(text) and text[close] in "”\"’'»“ .,!?…—–-":
        if text[close] in ".!?" and close + 1 < len(text) and text[close + 1] not in "”\"’'»":
            pass
        close += 1
    if close - qe > 6:
        return None
    m = _SENT_STOP.search(text, close)
    stop = m.start() if m else len(text)
    if text[qe: close].count("\n"):
        return None
    toks = [t for t in _tokens_in(doc, close, stop) if not t.is_space]
    if not toks:
        return None
    first = toks[0]
    if first.lower_ in SPEECH_VERBS and first.lower_ not in ("call", "calls", "point", "points"):
        if first.lower_.endswith("ing"):  # "“…,” suggesting that …": the subject is before the quote
            return None
        return _np_after(doc, toks[1:], mentions)
    if text[qe - 1: close].strip(" ”\"’'»“")[:1] not in {",", "?", "!", "—", "–", "-"}:
        return None  # '“…,” X said' needs the comma (or ?/!/dash) between quote and speaker
    for k, tok in enumerate(toks[:10]):
        if tok.lower_ in SPEECH_VERBS and k > 0:
            return _np_before(doc, toks[0].i, tok.i, mentions)
        if tok.text == "," and k + 2 < len(toks) and toks[k + 1].is_digit and toks[k + 2].text == ",":
            continue  # an age: "Flowers, 44, said"
        if tok.text == "," and k >= 2 and toks[k - 1].is_digit and toks[k - 2].text == ",":
            continue
        if tok.text in {",", ";", ":", "“", "\""}:
            break
    return None


def _before_quote(doc: Doc, text: str, qs: int, mentions: list[Mention]) -> _Expr | None:
    """A speech verb earlier in the quote's sentence: 'Trump said: “…”', 'calling it “…”'."""
    start = _sentence_start(text, qs)
    toks = [t for t in _tokens_in(doc, start, qs) if not t.is_space]
    for k in range(len(toks) - 1, -1, -1):
        tok = toks[k]
        if tok.text in {"”", "»"}:
            break
        if tok.lower_ in SPEECH_VERBS and not _passive(toks, k):
            expr = _np_before(doc, toks[0].i, tok.i, mentions)
            if expr is None or expr.text.lower() in ("it", "that", "which"):
                expr = _nearest_speaker_before(doc, toks[0].idx, tok.idx, mentions) or expr
            if expr is not None:
                return expr
    return None


def _after_colon_sentence(doc: Doc, text: str, qs: int, mentions: list[Mention]) -> _Expr | None:
    """A quote right after a sentence or paragraph that ends in ':' takes that sentence's speaker."""
    k = qs - 1
    while k >= 0 and text[k] in "“\"«„‘' \n":
        k -= 1
    if k < 0 or text[k] != ":":
        return None
    return _before_quote(doc, text, k, mentions)


def _sentence_start(text: str, pos: int) -> int:
    k = pos - 1
    while k >= 0:
        c = text[k]
        if c == "\n":
            return k + 1
        if c in ".!?" and k + 1 < len(text) and text[k + 1].isspace():
            return k + 1
        k -= 1
    return 0


def _passive(toks: list[Token], k: int) -> bool:
    """'were said to have' / 'is called' are not speech attributions."""
    prev = toks[k - 1].lower_ if k > 0 else ""
    nxt = toks[k + 1].lower_ if k + 1 < len(toks) else ""
    return prev in {"was", "were", "is", "are", "be", "been", "being"} or nxt == "to" and toks[k].lower_ == "said"


def _mention_ending(mentions: list[Mention], end: int) -> Mention | None:
    for m in mentions:
        if m.end == end and m.label in _SPEAKER_LABELS:
            return m
    return None


def _mention_starting(mentions: list[Mention], start: int) -> Mention | None:
    for m in mentions:
        if m.start == start and m.label in _SPEAKER_LABELS:
            return m
    return None


def _np_before(doc: Doc, lo: int, verb: int, mentions: list[Mention]) -> _Expr | None:
    """The subject right before a speech verb (tokens lo..verb-1), skipping auxiliaries and adverbs."""
    k = verb - 1
    while k >= lo and (doc[k].lower_ in _SKIP_BEFORE_VERB or doc[k].is_space or doc[k].lower_.endswith("ly")
                       and doc[k].is_alpha and k < verb - 1 or doc[k].text == ","
                       and k - 1 >= lo and doc[k - 1].lower_.endswith("ly")):
        k -= 1
    if k < lo:
        return None
    if doc[k].text == ",":  # "The Chancellor, Rachel Hughes, said": the appositive names the speaker
        j = k - 1
        while j >= lo and doc[j].text != "," and k - j <= 7:
            j -= 1
        if j >= lo and doc[j].text == "," and k - j > 1 and doc[k - 1].text[:1].isupper():
            k -= 1
        elif j - 1 >= lo and doc[j].text == "," and k - j == 2 and doc[k - 1].is_digit:  # "Flowers, 44, said"
            k = j - 1
        else:
            return None
    end_tok = doc[k]
    end = end_tok.idx + len(end_tok)
    mention = _mention_ending(mentions, end)
    if mention is not None:
        return _Expr(mention.start, mention.end, mention.text, mention)
    if end_tok.lower_ in PRONOUNS:
        return _Expr(end_tok.idx, end, end_tok.text)
    if not end_tok.is_alpha or end_tok.lower_ in _NP_WORDS_STOP or end_tok.lower_ in _DETS:
        return None
    if has_tags(doc) and end_tok.pos_ not in ("NOUN", "PROPN", "PRON", "NUM") and end_tok.lower_ not in HEADS:
        return None
    j = k
    while j - 1 >= lo and k - j < 6:
        prev = doc[j - 1]
        if prev.lower_ in _DETS:
            j -= 1
            if prev.lower_ != "one" and not (j - 1 >= lo and doc[j - 1].lower_ == "of"):
                break
            continue
        if not (prev.is_alpha or prev.text in {"'s", "’s", ".", "-"} or prev.text.endswith(".")) \
                or prev.lower_ in _NP_WORDS_STOP and prev.lower_ != "of" or prev.is_space:
            break
        j -= 1
    start = doc[j].idx
    return _Expr(start, end, doc[j: k + 1].text, _mention_inside(mentions, start, end))


def _np_after(doc: Doc, toks: list[Token], mentions: list[Mention]) -> _Expr | None:
    """The speaker right after an inverted speech verb: 'said Tom Fahy, the legislative director'."""
    if not toks:
        return None
    first = toks[0]
    mention = _mention_starting(mentions, first.idx)
    if mention is not None and mention.label == "PERSON":
        return _Expr(mention.start, mention.end, mention.text, mention)
    if first.lower_ in PRONOUNS:
        return _Expr(first.idx, first.idx + len(first), first.text)
    out = []
    for tok in toks[:8]:
        if tok.text == "." and out and out[-1].text[:1].isupper() and len(out[-1]) <= 4 and tok.i + 1 < len(doc) \
                and doc[tok.i + 1].text[:1].isupper():
            out.append(tok)  # "Rep. Chip Roy"
            continue
        if tok.text in {",", ".", ";", ":", "(", "—", "–"} or (out and tok.lower_ in {
                "on", "in", "at", "during", "to", "who", "after", "before", "while", "when", "via", "that"}):
            break
        out.append(tok)
    if not out:
        return None
    start, end = out[0].idx, out[-1].idx + len(out[-1])
    inside = _mention_inside(mentions, start, end)
    if inside is not None and inside.end == end:  # "Republican U.S. Rep. Chip Roy" -> Chip Roy
        return _Expr(inside.start, inside.end, inside.text, inside)
    return _Expr(start, end, doc[out[0].i: out[-1].i + 1].text, inside)


def _mention_inside(mentions: list[Mention], start: int, end: int) -> Mention | None:
    inside = [m for m in mentions if start <= m.start and m.end <= end and m.label == "PERSON"]
    return inside[-1] if inside else None


def _nearest_speaker_before(doc: Doc, lo: int, hi: int, mentions: list[Mention]) -> _Expr | None:
    """The last PERSON mention or personal pronoun between lo and hi (the subject of '…, stating')."""
    best: _Expr | None = None
    for m in mentions:
        if m.label == "PERSON" and lo <= m.start and m.end <= hi:
            best = _Expr(m.start, m.end, m.text, m)
    for tok in _tokens_in(doc, lo, hi):
        if tok.lower_ in ("he", "she") and (best is None or tok.idx > best.start):
            best = _Expr(tok.idx, tok.idx + len(tok), tok.text)
    return best


def _resolve(expr: _Expr, persons: list[Mention]) -> str:
    """A name for the speaker expression: pronouns and titles to earlier PERSONs, surnames to full names."""
    low = expr.text.lower()
    earlier = [p for p in persons if p.end <= expr.start]
    if expr.mention is not None and expr.mention.label == "PERSON":
        return _full_name(expr.mention.text, [*earlier, expr.mention])
    if low in ("he", "she"):
        return _full_name(earlier[-1].text, earlier) if earlier else expr.text
    words = low.split()
    if len(words) in (2, 3) and words[0] in ("the", "this"):
        head = words[-1]
        for p in reversed(earlier):
            if p.role and p.role.lower().split()[-1] == head:
                return _full_name(p.text, earlier)
    return expr.text


def _full_name(name: str, persons: list[Mention]) -> str:
    last = name.split()[-1]
    best = name
    for p in persons:
        words = p.text.split()
        if words and words[-1] == last and len(p.text) > len(best) and p.text.endswith(name):
            best = p.text
    return best


# --- reported speech ---------------------------------------------------------------------------------

_ACCORDING = re.compile(r"\b[Aa]ccording to\s+")


def _reported(doc: Doc, text: str, sent: Span, mentions: list[Mention], persons: list[Mention]) -> Quote | None:
    s_text = sent.text
    m = _ACCORDING.search(s_text)
    if m is not None:
        src_start = sent.start_char + m.end()
        stop = re.search(r"[,;.]\s|[,;.]?$", s_text[m.end():])
        src_end = src_start + (stop.start() if stop else 0)
        expr_toks = _tokens_in(doc, src_start, src_end)
        if expr_toks:
            expr = _np_after(doc, expr_toks, mentions) or _Expr(src_start, src_end, text[src_start:src_end])
            if m.start() == 0:
                qs, qe = src_end + 1, sent.end_char
            else:
                qs, qe = sent.start_char, sent.start_char + m.start()
            qs, qe = _trim(text, qs, qe)
            if qe - qs > 10:
                return _make_quote(text, qs, qe, False, expr, persons)
    toks = list(sent)
    for k, tok in enumerate(toks):
        low = tok.lower_
        if low not in REPORTING_VERBS or _passive(toks, k):
            continue
        that = None
        for j in range(k + 1, min(len(toks), k + 8)):
            if toks[j].lower_ == "that":
                that = j
                break
            if toks[j].text in {",", ";", ":", "."} and toks[j].lower_ != ",":
                break
        if that is None and not _clause_follows(doc, toks, k, low):
            trailing = _trailing_attribution(doc, text, sent, toks, k, mentions, persons)
            if trailing is not None:
                return trailing
            continue
        expr = _np_before(doc, sent.start, tok.i, mentions)
        if expr is None or expr.text.lower() in ("it", "that", "which", "this"):
            if low.endswith("ing"):
                expr = _nearest_speaker_before(doc, sent.start_char, tok.idx, mentions)
            if expr is None:
                continue
        qs = toks[that].idx + 4 if that is not None else tok.idx + len(tok)
        qs, qe = _trim(text, qs, sent.end_char)
        if qe - qs > 10:
            return _make_quote(text, qs, qe, False, expr, persons)
    return None


def _trailing_attribution(doc: Doc, text: str, sent: Span, toks: list[Token], k: int, mentions: list[Mention],
                          persons: list[Mention]) -> Quote | None:
    """'…, authorities said Saturday.': the clause before the comma is what they said."""
    rest = [t for t in toks[k + 1:] if not t.is_punct]
    if len(rest) > 3 or any(t.lower_ == "that" for t in rest):
        return None
    expr = _np_before(doc, sent.start, toks[k].i, mentions)
    if expr is None:
        return None
    comma = _tokens_in(doc, sent.start_char, expr.start)
    if not comma or comma[-1].text != ",":
        return None
    qs, qe = _trim(text, sent.start_char, comma[-1].idx)
    return _make_quote(text, qs, qe, False, expr, persons) if qe - qs > 10 else None


def _clause_follows(doc: Doc, toks: list[Token], k: int, low: str) -> bool:
    """A reported clause right after the verb, without 'that': 'said Putin will not travel'."""
    if k + 1 >= len(toks):
        return False
    if has_tags(doc) and any(c.dep_ == "ccomp" for c in toks[k].children):
        return True
    if low not in _CLAUSE_WITHOUT_THAT:
        return False
    nxt = toks[k + 1]
    if nxt.text in NOT_NAME:  # "authorities said Saturday"
        return False
    if nxt.lower_ in ("the", "he", "she", "they", "it", "we", "i", "there") or (
        nxt.text[:1].isupper() and nxt.lower_ not in ("on", "in", "at", "during", "after", "before")
        and not nxt.is_punct
    ):
        return low not in ("told", "tells")  # "told Reuters" is an object, not a clause
    return False


def _trim(text: str, qs: int, qe: int) -> tuple[int, int]:
    while qs < qe and (text[qs].isspace() or text[qs] in ",:;"):
        qs += 1
    while qe > qs and (text[qe - 1].isspace() or text[qe - 1] in ".,;:"):
        qe -= 1
    return qs, qe
