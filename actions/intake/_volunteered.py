"""Answers volunteered early, in one free message ("I'm Maria, 42, my back hurt for 3 weeks").

Precision beats recall here: a slot filled wrongly is never asked again, while a slot left
empty is simply asked. Every rule therefore needs a clear cue, and every fragment we
return is checked with the parser for that slot.
"""

from __future__ import annotations

import bisect
import datetime
import re
from collections.abc import Callable

from actions.intake._answers import (
    _NOT_NAME_WORDS,
    _is_name_token,
    parse_age,
    parse_contact,
    parse_name,
    parse_pain_level,
)
from actions.intake._duration import duration_spans, parse_duration
from actions.intake._text import (
    DATE_RE,
    NUMBER_WORD_PATTERN,
    clean,
    mask_non_quantities,
    tail,
    words,
)

Span = tuple[int, int]

_NUM = rf"(?:\d{{1,3}}|(?:{NUMBER_WORD_PATTERN})(?:[\s-]+(?:{NUMBER_WORD_PATTERN}))?)"

# --- clauses --------------------------------------------------------------------------

_CLAUSE_BREAK_RE = re.compile(
    r"[.!?;\n]+(?!\d)|,|(?<!\bon)(?<!\boff)(?<!\bup)(?<!\bback)\sand\s|"  # "on and off"
    r"\s(?:but|because|cause|so|although|though|while|however|plus)\s"
)
_PAIN_CUE_RE = re.compile(
    r"\b(?:pain(?:s|ful)?|hurt(?:s|ing)?|ache[sd]?|aching|achy|sore(?:ness)?|stiff(?:ness)?|"
    r"tight(?:ness)?|numb(?:ness)?|tingl\w*|spasms?|cramp(?:s|ing)?|throbb\w*|sciatica|"
    r"headaches?|migraines?|injur(?:y|ed|ies)|bother(?:ing|ed|s)?|killing\s+me|twinge\w*|"
    r"tender(?:ness)?|swollen|swelling|sprain(?:ed)?|strain(?:ed)?|pulled|tweaked|"
    r"symptoms?|flare[sd]?|dolor|duele)\b"
)
# A clause about these is not about the pain's duration even when a pain word is near.
_DURATION_BLOCK_RE = re.compile(
    r"\b(?:pregnan\w*|years?\s+old|yrs?\s+old|married|divorced|retired|taking|medications?|"
    r"meds|pills?|prescri\w*|insurance|job|working|worked|lived|living|vacation|"
    r"waiting|waited|appointment)\b"
)


def _clauses(low: str) -> list[Span]:
    spans: list[Span] = []
    start = 0
    for m in _CLAUSE_BREAK_RE.finditer(low):
        spans.append((start, m.start()))
        start = m.end()
    spans.append((start, len(low)))
    return spans


def _clause_index(clauses: list[Span], pos: int) -> int:
    # Clauses are sorted and disjoint: the last one starting at or before ``pos``.
    return max(0, bisect.bisect_right([start for start, _ in clauses], pos) - 1)


def _overlaps(span: Span, used: list[Span]) -> bool:
    return any(span[0] < e and s < span[1] for s, e in used)


def _lower_same_length(s: str) -> str:
    # str.lower() can change the length ("İ" -> "i̇"); offsets must stay shared with ``s``.
    return "".join(c.lower() if len(c.lower()) == 1 else c for c in s)


# --- contact --------------------------------------------------------------------------

_TOKEN_RE = re.compile(r"[^\s,;<>()\[\]\"]+")
_PHONE_CANDIDATE_RE = re.compile(r"(?:\+|\b00)?\(?\d[\d\s().-]{0,40}\d")
_PHONE_CUE_RE = re.compile(
    r"\b(?:phone|number|call|text|reach|cell|mobile|tel|contact|whatsapp|sms|ph|#)\b[^.!?\n]{0,25}$"
)
_PHONE_BLOCK_RE = re.compile(
    r"\b(?:id|member|policy|group|account|claim|ssn|sin|card|insurance|reference|ref|order|"
    r"zip|postal|code|invoice)\b[^.!?\n]{0,25}$"
)


def _find_contact(s: str, low: str) -> tuple[str, Span] | None:
    no_email = low
    for m in _TOKEN_RE.finditer(s):
        if "@" not in m.group():
            continue
        frag = m.group().strip(".:!?'")
        start = m.start() + m.group().index(frag[:1]) if frag else m.start()
        if frag and parse_contact(frag).ok:
            return frag, (start, start + len(frag))
        # A broken address must not lend its digits to a phone number.
        no_email = no_email[: m.start()] + " " * (m.end() - m.start()) + no_email[m.end() :]
    no_email = DATE_RE.sub(lambda m: " " * len(m.group()), no_email)
    for m in _PHONE_CANDIDATE_RE.finditer(no_email):
        frag = m.group().strip()
        digits = sum(ch.isdigit() for ch in frag)
        before = tail(no_email, m.start())
        if _PHONE_BLOCK_RE.search(before):
            continue
        if digits < 10 and not _PHONE_CUE_RE.search(before):
            continue  # short numbers need "call me at ..." to be believed
        if "/" in frag or not parse_contact(frag).ok:
            continue
        start = m.start() + (len(m.group()) - len(m.group().lstrip()))
        return s[start : start + len(frag)], (start, start + len(frag))
    return None


# --- duration -------------------------------------------------------------------------

_APPROX = (
    r"(?:about|around|almost|nearly|over|more\s+than|at\s+least|roughly|approximately|"
    r"close\s+to|well\s+over|just\s+over|under|less\s+than)"
)
_FOR_BEFORE_RE = re.compile(
    rf"\b(?:for|over|in|x)\s+(?:(?:the\s+)?(?:last|past)\s+)?(?P<approx>{_APPROX}\s+)?$"
)
_AGO_AFTER_RE = re.compile(r"^\s+ago\b")
_CONTINUES_RE = re.compile(
    r"\s*(?:for|since|ever\s+since|x|(?:it|this|that|pain|which)?\s*(?:started|began|begun|"
    r"came\s+on))\b"
)
_SUBORDINATE_RE = re.compile(r"\b(?:when|whenever|while|if|after|during|before|unless|until)\b")
_SINCE_RE = re.compile(r"\b(?:since|ever\s+since|from)\b")
_STARTED_BEFORE_RE = re.compile(
    r"\b(?:start(?:ed|ing)|began|begun|happened|came\s+on|hurt\s+it|injured\s+it|"
    r"pulled\s+it|did\s+it)\s+(?:on\s+|in\s+|around\s+|about\s+)?$"
)


# Pain words must be near the duration; this also bounds the work on run-on text.
_NEAR = 150


def _about_pain(low: str, clauses: list[Span], pos: int) -> bool:
    i = _clause_index(clauses, pos)
    start, end = max(clauses[i][0], pos - _NEAR), min(clauses[i][1], pos + _NEAR)
    clause = low[start:end]
    if _DURATION_BLOCK_RE.search(clause):
        return False
    cues = [m for m in _PAIN_CUE_RE.finditer(clause) if m.start() < pos - start]
    if cues:
        # "hurts when I sit for 2 hours": the amount belongs to the sitting.
        return not _SUBORDINATE_RE.search(clause[cues[-1].end() : pos - start])
    if _PAIN_CUE_RE.search(clause):
        return True  # "for 3 weeks my back has hurt"
    # "lower back pain, for 3 weeks now": the pain is named in the clause just before.
    if i > 0 and _CONTINUES_RE.match(clause):
        prev = low[max(clauses[i - 1][0], clauses[i - 1][1] - _NEAR) : clauses[i - 1][1]]
        return bool(_PAIN_CUE_RE.search(prev)) and not _DURATION_BLOCK_RE.search(prev)
    return False


def _find_duration(
    s: str, low: str, clauses: list[Span], used: list[Span], today: datetime.date
) -> tuple[str, Span] | None:
    for found in duration_spans(low, today):
        span = (found.start, found.end)
        if _overlaps(span, used) or found.days < 0:
            continue
        if found.is_amount and found.days < 1:
            continue  # "for 20 minutes" describes an activity, not how long it has hurt
        before_start = max(0, found.start - 60)
        before = low[before_start : found.start]
        frag_start, frag_end = found.start, found.end
        cued = False
        if found.is_amount:
            m = _FOR_BEFORE_RE.search(before)
            if m:
                cued = True
                if m.group("approx"):
                    frag_start = before_start + m.start("approx")
            ago = _AGO_AFTER_RE.match(low[found.end :])
            if ago:
                cued, frag_end = True, found.end + ago.end()
        if not cued:
            # "since the accident in June": "since" up to six words before the anchor.
            head_start = max(clauses[_clause_index(clauses, found.start)][0], found.start - 80)
            head = low[head_start : found.start]
            since = list(_SINCE_RE.finditer(head))
            if since and len(head[since[-1].start() :].split()) <= 7:
                cued, frag_start = True, head_start + since[-1].start()
            else:
                # "since I was a kid" carries its own "since"; "started yesterday" needs
                # the verb.
                own_since = low[found.start : found.end].startswith(("since", "ever since"))
                started = not found.is_amount and bool(_STARTED_BEFORE_RE.search(before))
                cued = own_since or started
        if not cued or not _about_pain(low, clauses, found.start):
            continue
        frag = s[frag_start:frag_end].strip(" ,.")
        if parse_duration(frag, today=today).ok:
            return frag, (frag_start, frag_end)
    return None


# --- name -----------------------------------------------------------------------------

_EXPLICIT_NAME_RE = re.compile(
    r"\b(?:my\s+(?:full\s+|first\s+)?name\s+is|my\s+name'?s|name\s*:|me\s+llamo|"
    r"mi\s+nombre\s+es|je\s+m'appelle|ich\s+hei(?:ß|ss)e)\s+",
    re.I,
)
_SELF_INTRO_RE = re.compile(r"\b(?:i'?m|i\s+am|call\s+me)\s+", re.I)
_NAME_WORD_RE = re.compile(r"[^\W\d_][\w'.-]*")
# Words people put after "I'm" that are not names, even when capitalised.
_NOT_INTRO_WORDS = words(
    """
    american canadian mexican british english french german italian spanish portuguese
    chinese japanese korean indian irish scottish welsh polish russian ukrainian
    brazilian filipino vietnamese australian african european asian latina latino hispanic
    jewish muslim christian catholic hindu buddhist vegan vegetarian diabetic asthmatic
    epileptic pregnant married divorced single widowed left-handed right-handed mr mrs ms
    miss dr doctor nurse sir madam pretty quite totally kind sort also currently recently
    usually okay ok fine good great new old young male female man woman guy lady mom mum
    mother dad father wife husband son daughter patient client calling writing texting
    messaging looking interested wondering trying hoping going coming available free busy
    ready able unable allergic scared afraid nervous worried anxious stressed sure glad
    happy sad sorry tired exhausted desperate active athletic overweight monday tuesday
    wednesday thursday friday saturday sunday january february march april june july
    august september october november december done home awake alive stuck lost confused
    curious late early unwell fit healthy breastfeeding nursing postpartum menopausal
    disabled deaf blind unemployed employed self-employed homeless human alone hopeful
    grateful thankful excited returning existing booked scheduled new here there
    """
)
_TITLE_RE = re.compile(r"(?:mr|mrs|ms|miss|mx|dr|prof|sir|madam)\b\.?\s+(?=\S)", re.I)
_ED_ING_NAMES = words(
    "mohammed muhammed mohamed alfred wilfred manfred winifred mildred sterling irving"
)
_AFTER_NAME_RE = re.compile(
    r"^(?:\s*[,.!;:?)\n]|\s*$|\s+(?:and|but|here|from|with|i|i'm|im|my|age|aged|so|calling|"
    r"writing|by|speaking)\b)",
    re.I,
)
_AGE_AFTER_NAME_RE = re.compile(
    rf"\s*[,(]\s*(?P<n>{_NUM})\s*(?=[,;!)]|\.(?!\d)|$|\s+(?:and|but|with|y/?o|yo|years?|yrs?)\b)",
    re.I,
)


def _name_words(s: str, start: int, *, need_capital: bool) -> Span | None:
    """Span of up to four name words starting at ``start`` (stops at a non-name word)."""
    end = start
    count = 0
    pos = start
    title = _TITLE_RE.match(s, pos)
    if title:  # "my name is Dr. Ana Ruiz": the name is "Ana Ruiz"
        start = pos = title.end()
    while count < 4:
        m = _NAME_WORD_RE.match(s, pos)
        if not m:
            break
        word = m.group().rstrip(".'")
        low = word.lower()
        if not word or not _is_name_token(word) or low in _NOT_NAME_WORDS:
            break
        if need_capital:
            if not word[0].isupper() or low in _NOT_INTRO_WORDS or low.endswith("'s"):
                break
            if len(low) >= 6 and low.endswith(("ed", "ing", "ly")) and low not in _ED_ING_NAMES:
                break
        end = m.start() + len(word)
        count += 1
        gap = re.match(r" (?=\S)", s[end:])  # words of one name are separated by one space
        if not gap:
            break
        pos = end + 1
    return (start, end) if count else None


_WORD_RE = re.compile(r"[^\W\d_]{2,}")
_SENTENCE_START_RE = re.compile(r"(?:^|[.!?\n])[\s\"'(]*$")


def _mostly_capitalised(s: str, names: list[Span]) -> bool:
    """True when the patient capitalises most words, so a capital proves nothing.

    Candidate names and sentence-initial words are not counted.
    """
    if s == s.upper():
        return True
    caps = [
        m.group()[0].isupper()
        for m in _WORD_RE.finditer(s)
        if not any(start <= m.start() < end for start, end in names)
        and not _SENTENCE_START_RE.search(tail(s, m.start()))
    ]
    return len(caps) >= 2 and sum(caps) / len(caps) > 0.6


def _find_name(s: str, used: list[Span]) -> tuple[str, Span] | None:
    candidates: list[tuple[Span, bool]] = [
        (span, False)
        for m in _EXPLICIT_NAME_RE.finditer(s)
        if (span := _name_words(s, m.end(), need_capital=False))
    ]
    candidates += [
        (span, True)
        for m in _SELF_INTRO_RE.finditer(s)
        if (span := _name_words(s, m.end(), need_capital=True))
    ]
    # A capital after "I'm" is a strong sign of a name, unless the patient capitalises
    # everything (then "I'm Exhausted" would look like one).
    capitals_mean_nothing = _mostly_capitalised(s, [span for span, _ in candidates])
    for span, from_capital in candidates:
        if _overlaps(span, used):
            continue
        if from_capital and (capitals_mean_nothing or not _AFTER_NAME_RE.match(s[span[1] :])):
            continue
        frag = s[span[0] : span[1]]
        if parse_name(frag).ok:
            return frag, span
    return None


# --- age ------------------------------------------------------------------------------

_YEARS_OLD_RE = re.compile(
    rf"(?<![\w.-])(?P<n>{_NUM})(?:[\s-]*(?:years?|yrs?|yr)[\s-]*old|\s*(?:y/o|y\.o\.?|yo)\b)"
)
_AGE_WORD_RE = re.compile(rf"\b(?:age|aged|age\s*(?:is|:|=))\s*(?P<n>{_NUM})\b")
_I_AM_N_RE = re.compile(
    rf"\b(?:i'?m|im|i\s+am)\s+(?P<n>{_NUM})"
    r"(?=\s*(?:[,;!?)]|\.(?!\d)|$|\s+(?:and|but|with|so|now|here)\b))"
)
# "42 years old" counts only as "I'm (a) 42 years old" or at the start of a clause: not
# "my husband is 45 years old", "I feel like a 90 year old", "I was 20 years old".
_YEARS_OLD_LEADIN_RE = re.compile(
    r"^\W*(?:(?:hi|hello|hey)\W+)?(?:(?:i'?m|im|i\s+am)\s+)?(?:an?\s+)?$"
)
# Someone else's age, or an age in the past, in the same clause.
_AGE_BLOCK_RE = re.compile(
    r"\b(?:my|our|his|her|their|he|she|they|it|its|it's|son|daughter|kids?|child|children|"
    r"husband|wife|partner|boyfriend|girlfriend|mom|mum|mother|dad|father|baby|boy|girl|dog|"
    r"cat|brother|sister|friend|grand\w*|have|has|had|got|the|this|that|injury|pain|surgery|"
    r"accident|scar|car|was|were|when|since|until|at|ago|for)\b"
)
_SELF_NOUNS = (
    r"woman|man|male|female|guy|lady|mom|mum|mother|dad|father|grandmother|grandma|grandpa|"
    r"grandfather|runner|athlete|nurse|teacher|person|patient|retiree|worker|student|golfer|"
    r"cyclist|swimmer|dancer|climber|office"
)
_AFTER_AGE_RE = re.compile(
    rf"^(?:\s*[,.!;:?)\n]|\s*$|\s+(?:and|but|with|who|so|from|here|now|{_SELF_NOUNS})\b)"
)


def _find_age(
    s: str, masked: str, clauses: list[Span], used: list[Span], after_name: Span | None
) -> tuple[str, Span] | None:
    found: list[Span] = []
    if after_name is not None:
        m = _AGE_AFTER_NAME_RE.match(masked, after_name[1])
        if m:
            found.append((m.start("n"), m.end("n")))
    for m in _YEARS_OLD_RE.finditer(masked):
        clause_start = clauses[_clause_index(clauses, m.start())][0]
        lead_in = masked[max(clause_start, m.start() - 40) : m.start()]
        if (m.start() - clause_start) > 40 or not _YEARS_OLD_LEADIN_RE.match(lead_in):
            continue
        if _AFTER_AGE_RE.match(masked[m.end() :]):
            found.append((m.start(), m.end()))
    for m in _AGE_WORD_RE.finditer(masked):
        clause_start = clauses[_clause_index(clauses, m.start())][0]
        if not _AGE_BLOCK_RE.search(masked[clause_start : m.start()]):
            found.append((m.start(), m.end()))
    for m in _I_AM_N_RE.finditer(masked):
        if m.group("n") not in ("one", "a"):
            found.append((m.start("n"), m.end("n")))
    return _single_value(s, found, used, lambda frag: parse_age(frag).value)


# --- pain level -----------------------------------------------------------------------

_PAIN_FRACTION_RE = re.compile(rf"(?<![\w.])(?P<n>{_NUM})\s*(?:/|out\s+of|outta)\s*(?:10|ten)\b")
_PAIN_FOLLOW = (
    r"(?=\s*(?:[,;!?)]|\.(?!\d)|$|\s+(?:and|but|or|now|today|tonight|right\s+now|most\s+days|"
    r"at\s+(?:worst|best|night|times)|on\s+(?:a\s+)?bad\s+days?|when|if|pain|in\s+pain)\b))"
)
# "about a 7" / "it's a 7": the article marks a rating. The fragment keeps an approximator
# ("about a 7") but not the lead-in ("a 7").
_PAIN_QUALIFIED_RE = re.compile(
    r"\b(?:(?P<approx>about|around|like|maybe|probably|roughly|approximately|approx|almost|"
    r"nearly|at\s+least|easily|solid)|honestly|say|i'?d\s+say|i\s+would\s+say|rate\s+it|"
    r"it'?s|its|it\s+is|it\s+was|constant)\s+(?P<art>an?|at\s+an?)\s+"
    rf"(?P<n>{_NUM}){_PAIN_FOLLOW}"
)
_PAIN_SCORE_RE = re.compile(
    r"\bpain\s+(?:level\s+|score\s+|rating\s+)?(?:is\s+|of\s+|at\s+|=\s*|:\s*)"
    rf"(?P<frag>(?:about\s+|around\s+|like\s+|maybe\s+)?(?:an?\s+)?(?P<n>{_NUM})){_PAIN_FOLLOW}"
)


def _find_pain(s: str, masked: str, used: list[Span]) -> tuple[str, Span] | None:
    found: list[Span] = []
    for m in _PAIN_FRACTION_RE.finditer(masked):
        found.append((m.start(), m.end()))
    for m in _PAIN_QUALIFIED_RE.finditer(masked):
        found.append((m.start("approx") if m.group("approx") else m.start("art"), m.end()))
    for m in _PAIN_SCORE_RE.finditer(masked):
        found.append((m.start("frag"), m.end("frag")))
    return _single_value(s, found, used, lambda frag: parse_pain_level(frag).value)


def _single_value(
    s: str, spans: list[Span], used: list[Span], value_of: Callable[[str], int | None]
) -> tuple[str, Span] | None:
    """The first fragment that parses, if every parsable fragment agrees on the value."""
    best: tuple[str, Span] | None = None
    values: set[int] = set()
    for span in sorted(spans):
        if _overlaps(span, used):
            continue
        frag = s[span[0] : span[1]].strip()
        value = value_of(frag)
        if value is None:
            continue
        values.add(value)
        if best is None:
            best = (frag, span)
    return best if len(values) == 1 else None  # two different ages: ask instead


# --- entry point ----------------------------------------------------------------------

_SLOT_ORDER = ("patient_name", "age", "contact", "pain_level", "pain_duration")


def find_volunteered(text: str) -> dict[str, str]:
    """Find intake answers given early in one free message, keyed by slot name.

    Only ``patient_name``, ``age``, ``contact``, ``pain_level`` and ``pain_duration`` are
    looked for; each value is the patient's own fragment, which the matching ``parse_*``
    function accepts. Anything uncertain is left out so that the form asks for it.
    """
    s = clean(text)
    if not s:
        return {}
    low = _lower_same_length(s)
    today = datetime.date.today()
    result: dict[str, str] = {}
    used: list[Span] = []

    contact = _find_contact(s, low)
    if contact:
        result["contact"] = contact[0]
        used.append(contact[1])
    masked = mask_non_quantities(low)
    clauses = _clauses(low)

    duration = _find_duration(s, low, clauses, used, today)
    if duration:
        result["pain_duration"] = duration[0]
        used.append(duration[1])
    name = _find_name(s, used)
    if name:
        result["patient_name"] = name[0]
        used.append(name[1])
    age = _find_age(s, masked, clauses, used, name[1] if name else None)
    if age:
        result["age"] = age[0]
        used.append(age[1])
    pain = _find_pain(s, masked, used)
    if pain:
        result["pain_level"] = pain[0]
        used.append(pain[1])
    # Contract order, so that callers fill (and read back) slots in the form's order.
    return {slot: result[slot] for slot in _SLOT_ORDER if slot in result}
