"""The spaCy side: a blank English tokenizer, word normalisation and one PhraseMatcher.

Every catalogue phrase (regions, symptoms, red-flag triggers, negation cues...) is
added to a single ``PhraseMatcher`` on the ``NORM`` attribute, after the same
normalisation as the patient's text. :func:`engine` builds it once, on first use.
"""

from __future__ import annotations

import functools
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

import spacy
from spacy.attrs import ORTH
from spacy.language import Language
from spacy.lookups import load_lookups
from spacy.matcher import PhraseMatcher
from spacy.tokenizer import Tokenizer
from spacy.tokens import Doc

from actions.clinical.loader import Catalogue, default_catalogue
from actions.clinical.models import UrgencyRules
from actions.clinical.text import Normaliser, clean, join_fragment_lines, lower_same_length

#: The ``extra`` of a red flag's own ``unless`` words: they cancel every trigger.
ALL_TRIGGERS = "*"
_SENTENCE_END = frozenset({".", "!", "?", ";", "…", "•"})
_CLAUSE_PUNCT = frozenset({"[", "]", ":", "—", "–"})


@dataclass(frozen=True)
class Key:
    """What a matched phrase stands for: its ``kind`` (region, flag...), ``ident`` and ``extra``."""

    kind: str
    ident: str
    extra: str = ""


@dataclass(frozen=True)
class Mention:
    """One matched phrase: its key and token span ``[start, end)``."""

    kind: str
    ident: str
    extra: str
    start: int
    end: int


@dataclass
class Parsed:
    """A message after tokenising, normalising and matching, with sentence and clause ids."""

    text: str
    doc: Doc
    sentence_of: list[int]
    clause_of: list[int]
    mentions: dict[str, list[Mention]] = field(default_factory=dict)
    pseudo_spans: list[tuple[int, int]] = field(default_factory=list)

    def of(self, kind: str) -> list[Mention]:
        """Mentions of one kind, in text order."""
        return self.mentions.get(kind, [])

    def span_text(self, start: int, end: int) -> str:
        """The patient's own words for tokens ``[start, end)``."""
        if start >= end or end > len(self.doc):
            return ""
        first, last = self.doc[start], self.doc[end - 1]
        return self.text[first.idx : last.idx + len(last.text)]

    def snippet(self, start: int, end: int, *, context: int = 3, max_chars: int = 90) -> str:
        """A short quote around ``[start, end)`` that stays inside its clause."""
        if not len(self.doc):
            return ""
        clause = self.clause_of[start]
        lo = start
        while lo > 0 and start - lo < context and self.clause_of[lo - 1] == clause:
            lo -= 1
        hi = end
        while hi < len(self.doc) and hi - end < context and self.clause_of[hi] == clause:
            hi += 1
        while lo < start and (self.doc[lo].is_punct or self.doc[lo].is_space):
            lo += 1
        while hi > end and (self.doc[hi - 1].is_punct or self.doc[hi - 1].is_space):
            hi -= 1
        quote = self.span_text(lo, hi)
        if len(quote) > max_chars:
            quote = self.span_text(start, end)[:max_chars]
        return " ".join(quote.split())

    def sentence_span(self, index: int) -> tuple[int, int]:
        """Character offsets of the sentence holding token ``index``."""
        sentence = self.sentence_of[index]
        lo = index
        while lo > 0 and self.sentence_of[lo - 1] == sentence:
            lo -= 1
        hi = index
        while hi + 1 < len(self.doc) and self.sentence_of[hi + 1] == sentence:
            hi += 1
        last = self.doc[hi]
        return self.doc[lo].idx, last.idx + len(last.text)


class Engine:
    """The language machinery built from one catalogue (tokenizer, normaliser, matcher)."""

    def __init__(self, catalogue: Catalogue) -> None:
        self.catalogue = catalogue
        lex = catalogue.lexicon
        self.nlp: Language = spacy.blank("en")
        tokenizer: Tokenizer = self.nlp.tokenizer
        for word, parts in lex.compounds.items():
            tokenizer.add_special_case(word, [{ORTH: part} for part in parts])
        self.normaliser = Normaliser(
            misspellings=lex.misspellings,
            determiners=lex.determiners,
            fuzzy_terms=(*lex.fuzzy_terms, *self._urgency_words()),
            known_words=self._known_words(),
            stem_exceptions=lex.stem_exceptions,
            stem_protected=lex.stem_protected,
            lemma_of=english_lemmas(),
            lemma_protected=lex.lemma_protected,
            dictionary=english_words(),
        )
        self.matcher = PhraseMatcher(self.nlp.vocab, attr="NORM")
        self._keys: dict[int, Key] = {}
        self._patterns: dict[Key, list[str]] = defaultdict(list)
        self._collect()
        for key, phrases in self._patterns.items():
            label = f"{key.kind}|{key.ident}|{key.extra}"
            docs = [self._pattern(p) for p in dict.fromkeys(phrases)]
            docs = [d for d in docs if len(d)]
            if docs:
                self.matcher.add(label, docs)
                self._keys[self.nlp.vocab.strings[label]] = key
        self.starters = self.norms(lex.clause_starters)
        self.context_before = self.norms(lex.context_before)
        self.context_after = self.norms(lex.context_after)
        self.context_never_after = self.norms(lex.context_never_after)
        self.side_gap = self.norms(lex.side_gap_words)
        self.conjunctions = self.norms(["and", ",", "or", "&", "then", "also", "plus"])

    # -- building ---------------------------------------------------------------------

    def _urgency_words(self) -> list[str]:
        """The danger screen's single words, forgiven a one-letter slip ("breth", "numbess")."""
        urgency = self.catalogue.urgency
        if urgency is None:
            return []
        words = {w for group in urgency.groups.values() for p in group for w in p.lower().split()}
        return sorted(w for w in words if len(w) >= 6 and w.isalpha())

    def _known_words(self) -> set[str]:
        cat = self.catalogue
        phrases: list[str] = []
        for region in cat.regions:
            phrases.extend(t.phrase for t in region.terms)
        for symptom in cat.symptoms:
            phrases.extend(symptom.terms)
        for mechanism in cat.mechanisms:
            phrases.extend(mechanism.terms)
        for item in cat.history:
            phrases.extend(item.terms)
        for medication in cat.medications:
            phrases.extend(medication.terms)
        for condition in cat.conditions:
            phrases.extend(condition.diagnosis_phrases)
            for finding in condition.findings:
                phrases.extend(finding.phrases)
        for flag in cat.red_flags:
            for trigger in flag.triggers:
                phrases.extend(trigger.phrases)
                for group in trigger.all_of:
                    phrases.extend(group)
        if cat.urgency is not None:
            for group in cat.urgency.groups.values():
                phrases.extend(group)
            phrases.extend(cat.urgency.urgent_if)
        return {word for phrase in phrases for word in phrase.lower().split()}

    def _add(self, kind: str, ident: str, phrases: Iterable[str], extra: str = "") -> None:
        self._patterns[Key(kind, ident, extra)].extend(phrases)

    def _collect(self) -> None:
        cat, lex = self.catalogue, self.catalogue.lexicon
        for region in cat.regions:
            for index, term in enumerate(region.terms):
                self._add("region", region.id, [term.phrase], str(index))
        for symptom in cat.symptoms:
            self._add("symptom", symptom.id, symptom.terms)
        for mechanism in cat.mechanisms:
            self._add("mechanism", mechanism.id, mechanism.terms)
        for item in cat.history:
            self._add("history", item.id, item.terms)
        for medication in cat.medications:
            self._add("medication", medication.id, medication.terms)
        for side in ("left", "right", "both"):
            words = getattr(lex.sides, side)
            self._add("side", side, words)
            self._add("side_after", side, [w for w in words if w in lex.sides_after])
        self._add("neg", "pre", lex.negation.pre)
        self._add("neg", "verb", lex.negation.verb)
        self._add("neg", "post", lex.negation.post)
        self._add("pseudo", "pseudo", lex.negation.pseudo)
        self._add("terminator", "terminator", lex.clause_terminators)
        self._add("dxcue", "dxcue", lex.diagnosis_cues)
        for hint, words in lex.chronicity_hints.items():
            self._add("chronicity", hint, words)
        for condition in cat.conditions:
            self._add("diagnosis", condition.id, condition.diagnosis_phrases)
            for finding in condition.findings:
                if finding.kind == "keyword" and finding.name:
                    self._add("keyword", condition.id, finding.phrases, finding.name)
            for index, variant in enumerate(condition.icd10_variants):
                if variant.phrases:
                    self._add("variant", condition.id, variant.phrases, str(index))
        for flag in cat.red_flags:
            self._add("unless", flag.id, flag.unless, ALL_TRIGGERS)
            for t_index, trigger in enumerate(flag.triggers):
                self._add("flag", flag.id, trigger.phrases, str(t_index))
                for g_index, group in enumerate(trigger.all_of):
                    self._add("flag_group", flag.id, group, f"{t_index}.{g_index}")
                self._add("unless", flag.id, trigger.unless, str(t_index))
        if cat.urgency is not None:
            self._collect_urgency(cat.urgency)

    def _collect_urgency(self, urgency: UrgencyRules) -> None:
        for group, phrases in urgency.groups.items():
            self._add("urgency_group", group, phrases)
        self._add("urgency_now", "now", urgency.urgent_if)
        self._add("urgency_not_now", "not_now", urgency.not_now)
        for rule in urgency.rules:
            self._add("urgency_unless", rule.id, rule.unless)
        self._add("urgency_relative", "relative", urgency.other_person.relatives)
        self._add("urgency_history_verb", "history", urgency.other_person.history_verbs)
        self._add("urgency_family", "family", urgency.other_person.phrases)
        self._add("urgency_happening", "happening", urgency.other_person.happening_now)

    def _pattern(self, phrase: str) -> Doc:
        doc = self.nlp.make_doc(lower_same_length(clean(phrase)))
        self._normalise(doc)
        return doc

    def _normalise(self, doc: Doc) -> None:
        norm = self.normaliser.norm
        for token in doc:
            if not token.is_space:
                token.norm_ = norm(token.norm_)

    def norms(self, words: Iterable[str]) -> frozenset[str]:
        """The normal forms of single words, for quick set look-ups."""
        return frozenset(self.normaliser.norm(w.lower()) for w in words)

    # -- parsing ----------------------------------------------------------------------

    def parse(self, text: str) -> Parsed:
        """Tokenise, normalise and match ``text`` (already cleaned and capped)."""
        doc = self.nlp.make_doc(lower_same_length(join_fragment_lines(text)))
        self._normalise(doc)
        mentions: dict[str, list[Mention]] = defaultdict(list)
        for match_id, start, end in self.matcher(doc):
            key = self._keys.get(match_id)
            if key is not None:
                mentions[key.kind].append(Mention(key.kind, key.ident, key.extra, start, end))
        for found in mentions.values():
            found.sort(key=lambda m: (m.start, -m.end))
        sentence_of, clause_of = self._segment(doc, mentions.get("terminator", []))
        pseudo = [(m.start, m.end) for m in mentions.get("pseudo", [])]
        return Parsed(text, doc, sentence_of, clause_of, dict(mentions), pseudo)

    def _segment(self, doc: Doc, terminators: list[Mention]) -> tuple[list[int], list[int]]:
        breaks = {m.start for m in terminators}
        sentence_of: list[int] = []
        clause_of: list[int] = []
        sentence = clause = 0
        for i, token in enumerate(doc):
            text = token.text
            new_clause = i in breaks or text in _CLAUSE_PUNCT
            if i and token.norm_ in self.conjunctions:
                nxt = i + 1
                while nxt < len(doc) and doc[nxt].norm_ in self.conjunctions:
                    nxt += 1
                if nxt < len(doc) and doc[nxt].norm_ in self.starters:
                    new_clause = True
            if new_clause:
                clause += 1
            sentence_of.append(sentence)
            clause_of.append(clause)
            ends = text in _SENTENCE_END or (len(text) > 1 and set(text) <= {".", "!", "?"})
            if ends or (token.is_space and "\n" in text):
                sentence += 1
                clause += 1
        return sentence_of, clause_of


@functools.cache
def english_lemmas() -> Callable[[str], str | None]:
    """spaCy's English lemma lookup (``spacy-lookups-data``, on disk): word -> lemma or None."""
    table = load_lookups("en", ["lemma_lookup"]).get_table("lemma_lookup")

    def lemma_of(word: str) -> str | None:
        found = table.get(word)
        return found if isinstance(found, str) else None

    return lemma_of


@functools.cache
def english_words() -> frozenset[str]:
    """The English base words of spaCy's lemma index (``spacy-lookups-data``, on disk)."""
    index = load_lookups("en", ["lemma_index"]).get_table("lemma_index")
    words: set[str] = set()
    for pos in ("noun", "verb", "adj", "adv"):
        found = index.get(pos)
        if isinstance(found, list):
            words.update(w for w in found if isinstance(w, str) and "_" not in w)
    return frozenset(words)


@functools.cache
def engine() -> Engine:
    """The engine for the shipped catalogue, built on first use (never at import)."""
    return Engine(default_catalogue())
