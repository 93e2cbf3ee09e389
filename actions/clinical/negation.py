"""Clause-scoped negation ("no fever", "never had a clot", "I don't take...").

A negation cue reaches forward to the end of its clause (a comma plus a new subject,
"but", "although", a full stop...) and at most a few tokens; "ruled out" reaches
backwards. Cues that share a word with a pseudo-negation ("not sure", "no better",
"gone numb") or lie inside the
mention itself ("can't catch my breath") do not count.
"""

from __future__ import annotations

from collections.abc import Iterable

from actions.clinical.loader import Catalogue
from actions.clinical.nlp import Mention, Parsed


def _inside(mention: Mention, spans: Iterable[tuple[int, int]]) -> bool:
    return any(lo <= mention.start and mention.end <= hi for lo, hi in spans)


def _overlaps(mention: Mention, spans: Iterable[tuple[int, int]]) -> bool:
    return any(mention.start < hi and lo < mention.end for lo, hi in spans)


def _answered_no(parsed: Parsed, end: int, words: tuple[str, ...]) -> bool:
    """ "shortness of breath? no." - the mention is a question its writer answered no."""
    doc = parsed.doc
    if end >= len(doc) or doc[end].text not in ("?", "?:"):
        return False
    after = end + 1
    while after < len(doc) and (doc[after].is_space or doc[after].text in (":", "-")):
        after += 1
    return after < len(doc) and doc[after].lower_ in words


def is_negated(
    parsed: Parsed,
    start: int,
    end: int,
    *,
    catalogue: Catalogue,
    ignore: Iterable[tuple[int, int]] = (),
) -> bool:
    """True when tokens ``[start, end)`` are negated within their clause.

    ``ignore`` lists token spans whose cues must not count (the matched phrases of a
    combined red-flag trigger, which may contain "can't" themselves).
    """
    if start >= len(parsed.doc):
        return False
    rules = catalogue.lexicon.negation
    if _answered_no(parsed, end, rules.answered_no):
        return True
    clause = parsed.clause_of[start]
    cues = parsed.of("neg")
    if not cues:
        return False
    # A cue that shares a word with a pseudo-negation is part of it ("the pain's gone"
    # negates, "my backside's gone numb" does not).
    skip = [*ignore]
    cues = [c for c in cues if not _overlaps(c, parsed.pseudo_spans)]
    verb_ends = {m.end for m in cues if m.ident == "verb"}
    for cue in cues:
        if cue.ident == "post":
            if (
                cue.start >= end
                and cue.start - end <= rules.post_window
                and parsed.clause_of[cue.start] == clause
                and not _inside(cue, skip)
            ):
                return True
            continue
        if cue.end > start or parsed.clause_of[cue.end - 1] != clause:
            continue
        if cue.start < start < cue.end or _inside(cue, skip):
            continue
        verbal = cue.ident == "verb" or cue.end in verb_ends
        window = rules.verb_window if verbal else rules.pre_window
        if start - cue.end <= window:
            return True
    return False
