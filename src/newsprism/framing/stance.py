"""Clause-level stance toward each side: who is the agent of a blame or credit predicate,
who is its patient, and who is described with loaded words, read off a dependency parse.

    "Russia attacked Ukraine."          -> blame Russia (-0.5), victim Ukraine (+0.25)
    "Ukraine was attacked by Russia."   -> the same (passive: the `by` phrase is the agent)
    "Kyiv did not agree."               -> credit negated: blame Ukraine (-0.5)
    "the illegitimate Russian president" -> loaded (name calling) about Russia (-1)
    "Kyiv urged Moscow to accept"       -> nothing: a demand, not something Moscow did
    "Moscow is opting for brutal tactics" -> loaded about Russia (the agent of the clause)

Reported acts (blame, credit, victim) count ACTION: half of the article's own loaded words, since
framing lives in evaluation more than in which acts are reported. Signals inside quotations count
half again (the article lends its voice, it does not speak), and a
loaded word whose target the parse does not give goes, at half weight, to the one side its
sentence mentions (to none when it mentions both). A side's stance is sum(scores) / (sum(|scores|) + PRIOR), in [-1, 1].
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Iterable, Sequence

from spacy.tokens import Doc, Token

from newsprism.framing.lexicon import Lexicon
from newsprism.framing.records import Signal
from newsprism.nlp.document import AnnotatedDocument

__all__ = ["PRIOR", "SideSpan", "clause_signals", "loaded_signals", "stance_scores"]

SideSpan = tuple[int, int, str]  # (start, end, side) of a mention of a side's member

# pulls articles with few signals toward 0. Chosen before ACTION existed (sample: 1, 2, 4, 6 gave 0.7, 0.9,
# 1.0, 1.0); with ACTION 0.5 every prior from 3 to 6 gives the sample 1.0, and the dev stories' order does not move
PRIOR = 4.0
VICTIM = 0.5  # the patient of a blamed act draws sympathy, less than the agent draws blame
QUOTED = 0.5
ACTION = 0.5  # a reported act ("Moscow rejected") is content first; the article's own loaded words weigh fully
UNTARGETED = 0.5  # loaded word given to the nearest side of its sentence

_SUBJECTS = {"nsubj", "csubj"}
_PATIENTS = {"obj", "iobj", "nsubj:pass"}
_INHERIT = {"xcomp", "conj", "advcl", "acl", "amod"}  # clauses that share the head's agent
_PRUNE = {"acl", "acl:relcl", "advcl", "parataxis", "ccomp", "punct"}  # not part of an argument's reference
_NEGATORS = {"not", "n't", "never", "no"}
_POSSESSIVES = {"its", "their"}
_PRONOUNS = _POSSESSIVES | {"they", "them"}  # stand for a side (a country, a government, a delegation)
LOOKBACK = 2  # sentences before a pronoun's own searched for its antecedent
_DIRECTIVES = {"urge", "ask", "call", "demand", "press", "pressure", "push", "request", "encourage", "tell", "order",
               "force", "compel", "invite", "advise", "implore", "appeal"}


def _case(tok: Token) -> str:
    return next((c.lower_ for c in tok.children if c.dep_ == "case"), "")


def _arguments(tok: Token, depth: int = 0) -> tuple[list[Token], list[Token]]:
    """(agents, patients) of a predicate token."""
    kids = list(tok.children)
    # a past participle modifying a noun is passive: "children abducted by Russia"
    reduced = tok.tag_ == "VBN" and tok.dep_ in ("acl", "amod") and tok.head is not tok
    passive = reduced or any(c.dep_ in ("nsubj:pass", "aux:pass") for c in kids)
    by = [c for c in kids if c.dep_ in ("obl:agent", "obl", "nmod") and _case(c) == "by"]
    if tok.pos_ == "NOUN":
        agents = [c for c in kids if c.dep_ == "nmod:poss"] + by
        patients = [c for c in kids if c.dep_ == "nmod" and _case(c) in ("against", "on", "of", "to")]
    else:
        agents = by if passive else [c for c in kids if c.dep_ in _SUBJECTS]
        patients = [c for c in kids if c.dep_ in _PATIENTS or (c.dep_ == "obl" and _case(c) in ("against", "on"))]
        if reduced:
            patients.append(tok.head)
        patients = [c for c in patients if c not in agents]
    if not agents and depth < 3 and tok.head is not tok:
        head = tok.head
        controllers = [c for c in head.children if c.dep_ in ("obj", "iobj")]
        if tok.dep_ == "acl:relcl":
            agents = [head]
        elif controllers and (tok.dep_ == "xcomp" or (tok.dep_ == "advcl" and _mark(tok) == "to")):
            # object control: "urged Russia to accept" -> Russia accepts
            agents = controllers
        elif tok.dep_ in _INHERIT and not _after_report(tok):
            agents = _arguments(head, depth + 1)[0]
    return agents, patients


def _after_report(tok: Token) -> bool:
    """A participle clause after a reported clause ("Zelensky noted that decisions are made by a few,
    undermining the talks"): it comments on what was reported, so it does not share the speaker as agent."""
    return tok.dep_ == "advcl" and any(c.dep_ == "ccomp" and c.i < tok.i for c in tok.head.children)


_SUFFIXES = ("ing", "ed", "es", "s", "d")
_PREDICATES = frozenset({"VERB", "NOUN", "ADJ"})


def _lemma_in(tok: Token, words: frozenset[str] | set[str]) -> str | None:
    """The form of `tok` found in `words`: its lemma, else its lower-cased form or that form without
    an inflection (the trained lemmatizer misses rare verbs: "abducted" -> "abducte")."""
    forms = [tok.lemma_.lower(), tok.lower_]
    forms += [tok.lower_[: -len(x)] for x in _SUFFIXES if tok.lower_.endswith(x) and len(tok.lower_) > len(x) + 3]
    return next((f for f in forms if f in words), None)


def _mark(tok: Token) -> str:
    return next((c.lower_ for c in tok.children if c.dep_ == "mark"), "")


def _negated(tok: Token) -> bool:
    return any(c.lower_ in _NEGATORS and c.dep_ in ("advmod", "neg", "det") for c in tok.children)


def _cancelled(tok: Token, lexicon: Lexicon) -> bool:
    """A credit predicate under a negative head: "refusal to engage", "lack of commitment"."""
    for _ in range(2):  # "remained reluctant to welcome": the adjective may sit one level up
        head = tok.head
        if head is tok:
            return False
        if _lemma_in(head, lexicon.cancelling) or _negated(head):
            return True
        tok = head
    return False


def _conditional(tok: Token) -> bool:
    """In an "if"/"unless"/"whether" clause, or what someone is urged to do ("urged Russia to
    accept"): a condition or a demand, not something anyone did."""
    for t in (tok, tok.head):
        if any(c.dep_ == "mark" and c.lower_ in ("if", "unless", "whether") for c in t.children):
            return True
    return (tok.dep_ in ("xcomp", "advcl") and _mark(tok) == "to"
            and _lemma_in(tok.head, _DIRECTIVES) is not None)


def _reference(tok: Token) -> Iterable[Token]:
    """The tokens an argument refers with: its subtree without the clauses hanging on it."""
    yield tok
    for c in tok.children:
        if c.dep_ not in _PRUNE:
            yield from _reference(c)


def _sides_of(toks: Iterable[Token], spans: Sequence[SideSpan]) -> list[str]:
    out: list[str] = []
    for tok in toks:
        if _negated(tok):  # "initiated by Moscow, not by Ukraine"
            continue
        for ref in _reference(tok):
            a, b = ref.idx, ref.idx + len(ref.text)
            found = [side for s, e, side in spans if s < b and a < e]
            if not found and ref.lower_ in _PRONOUNS:
                found = _antecedent(ref, spans)
            out += [side for side in found if side not in out]
    return out


def _antecedent(pron: Token, spans: Sequence[SideSpan]) -> list[str]:
    """The side a pronoun stands for: the last side mention before it in its sentence ("the Kremlin ...
    to justify its aggressive actions"), else, for "they"/"them", the one side mentioned in the LOOKBACK
    sentences before ("Zelensky said of Russia's proposal. "They ..."); none when those mention both sides."""
    own = [(s, side) for s, e, side in spans if pron.sent.start_char <= s and e <= pron.idx]
    if own:
        return [max(own)[1]]
    if pron.lower_ in _POSSESSIVES:  # a possessive names its owner nearby ("both sides ... their positions")
        return []
    sent = pron.sent
    for _ in range(LOOKBACK):
        if sent.start == 0:
            break
        sent = pron.doc[sent.start - 1].sent
    before = {side for s, e, side in spans if sent.start_char <= s and e <= pron.sent.start_char}
    return list(before) if len(before) == 1 else []


def _within(offset: int, ranges: Sequence[tuple[int, int]]) -> bool:
    return any(a <= offset < b for a, b in ranges)


def clause_signals(parsed: Doc, spans: Sequence[SideSpan], lexicon: Lexicon,
                   quoted: Sequence[tuple[int, int]] = ()) -> list[Signal]:
    """Blame, credit and victim signals of every predicate of the lexicon in `parsed`."""
    out: list[Signal] = []
    full: str | None = None  # `Doc.text` joins every token again on each call
    for tok in parsed:
        if tok.pos_ not in _PREDICATES:
            continue
        lemma = _lemma_in(tok, lexicon.negative) or _lemma_in(tok, lexicon.positive)
        sign = -1.0 if lemma in lexicon.negative else 1.0 if lemma in lexicon.positive else 0.0
        if not sign:
            continue
        if _negated(tok):
            sign = -sign
        if sign > 0 and _cancelled(tok, lexicon):
            sign = -sign
        if _conditional(tok):
            continue
        agents, patients = _arguments(tok)
        agent_sides = _sides_of(agents, spans)
        patient_sides = [s for s in _sides_of(patients, spans) if s not in agent_sides]
        if not agent_sides and not patient_sides:
            continue
        in_quote = _within(tok.idx, quoted)
        weight = ACTION * (QUOTED if in_quote else 1.0)
        args = agents + patients
        start = min([tok.idx] + [min(r.idx for r in _reference(a)) for a in args])
        end = max([tok.idx + len(tok.text)] + [max(r.idx + len(r.text) for r in _reference(a)) for a in args])
        sent = tok.sent
        start, end = max(start, sent.start_char), min(end, sent.end_char)
        full = parsed.text if full is None else full
        text = full[start:end]
        for side in agent_sides:
            out.append(Signal("blame" if sign < 0 else "credit", text, start, end, side, sign * weight, in_quote,
                              tok.text))
        if sign < 0 and not _negated(tok) and lemma in lexicon.negative:
            for side in patient_sides:
                out.append(Signal("victim", text, start, end, side, VICTIM * weight, in_quote, tok.text))
    return out


def loaded_signals(doc: AnnotatedDocument, parsed: Doc, spans: Sequence[SideSpan], lexicon: Lexicon,
                   quoted: Sequence[tuple[int, int]] = ()) -> list[Signal]:
    """Every loaded term with its technique, the side it describes (None if no side is in its
    sentence) and its signed score; plus one `unattributed_assertion` per sentence that uses
    loaded language in the article's own voice without attributing it to anyone."""
    out: list[Signal] = []
    starts = [s.start for s in doc.sentences]
    flagged: set[int] = set()
    for a, b, technique in lexicon.loaded_in(doc.text):
        term = doc.text[a:b]
        in_quote = _within(a, quoted)
        tok = _token_at(parsed, a)
        targets = [] if tok is None else _described(tok, spans)
        weight = QUOTED if in_quote else 1.0
        if not targets:
            targets = _nearest(a, b, doc, starts, spans)
            weight *= UNTARGETED
        sign = 1.0 if term.lower() in lexicon.praise else -1.0
        side = targets[0] if targets else None
        score = sign * weight if side and technique in lexicon.scored else 0.0
        out.append(Signal(technique, term, a, b, side, score, in_quote, term))
        k = bisect_right(starts, a) - 1
        if not in_quote and k >= 0 and k not in flagged and technique != "doubt":
            sent = doc.sentences[k]
            if "reported" not in sent.modality and not any(q.start < sent.end and sent.start < q.end
                                                          for q in doc.quotes):
                flagged.add(k)
                out.append(Signal("unattributed_assertion", doc.text[sent.start:sent.end], sent.start, sent.end,
                                  None, 0.0))
    return out


def _described(tok: Token, spans: Sequence[SideSpan]) -> list[str]:
    """The side a loaded word describes: the noun it modifies or is, else the agent of the predicate
    that noun is an argument of ("Russia is opting for performative tactics" -> Russia)."""
    noun = tok.head if tok.dep_ in ("amod", "compound") else tok
    sides = _sides_of([noun], spans)
    if not sides and tok.dep_ == "amod" and noun.dep_ in ("obj", "obl", "xcomp") and noun.head is not noun:
        sides = _sides_of(_arguments(noun.head)[0], spans)
    return sides


def _token_at(parsed: Doc, offset: int) -> Token | None:
    span = parsed.char_span(offset, offset + 1, alignment_mode="expand")
    return span[0] if span is not None and len(span) else None


def _nearest(a: int, b: int, doc: AnnotatedDocument, starts: Sequence[int],
             spans: Sequence[SideSpan]) -> list[str]:
    k = bisect_right(starts, a) - 1
    if k < 0:
        return []
    sent = doc.sentences[k]
    here = [(min(abs(s - b), abs(a - e)), side) for s, e, side in spans if sent.start <= s < sent.end]
    return [here[0][1]] if len({side for _, side in here}) == 1 else []


def stance_scores(signals: Iterable[Signal], sides: Iterable[str]) -> dict[str, float]:
    total = {s: 0.0 for s in sides}
    mass = dict.fromkeys(total, 0.0)
    for sig in signals:
        if sig.side in total:
            total[sig.side] += sig.score
            mass[sig.side] += abs(sig.score)
    return {s: total[s] / (mass[s] + PRIOR) for s in total}
