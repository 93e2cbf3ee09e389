"""Parsers for single intake answers: yes/no, name, age, contact, pain level, goals, ..."""

from __future__ import annotations

import math
import re
from dataclasses import dataclass

from actions.intake._text import (
    NUMBER_WORD_PATTERN,
    Number,
    ParseResult,
    blank_problem,
    clean,
    failed,
    find_numbers,
    has_html,
    is_letter,
    is_symbol,
    looks_like_gibberish,
    mask_non_quantities,
    parse_number_token,
    tail,
    words,
)

# --- yes / no -------------------------------------------------------------------------

_YES_SYMBOLS = frozenset("👍✅✔☑👌🆗💯🙆")
_NO_SYMBOLS = frozenset("👎❌✖🚫⛔🙅❎")
_NON_WORD_RE = re.compile(r"[^\w']+")

_UNSURE_RE = re.compile(
    r"\b(?:not\s+(?:sure|certain)|unsure|uncertain|maybe|mayb|perhaps|possibly|"
    r"don'?t\s+know|do\s+not\s+know|dunno|idk|kind\s+of|kinda|sort\s+of|sorta|depends|"
    r"i\s+guess|not\s+yet\s+sure|no\s+idea|quiz[aá]s?|tal\s+vez)\b"
)
# Phrases that contain a negation word but mean yes; rewritten before looking for "no".
_YES_WITH_NEGATION_RE = re.compile(
    r"\b(?:no\s+problems?|no\s+probs?|no\s+worries|no\s+wahala|no\s+bother|no\s+stress|"
    r"not\s+a\s+problem|why\s+not|"
    r"(?:i\s+)?(?:don'?t|do\s+not)\s+mind|no\s+objections?|"
    r"(?:don'?t|do\s+not)\s+have\s+(?:a|any)\s+problem)\b"
)
_NO_WITH_YES_RE = re.compile(
    r"\b(?:of\s+course\s+not|sure\s+not|absolutely\s+not|definitely\s+not)\b"
)
_NO_RE = re.compile(
    r"\b(?:no+|nope|nah+|naw+|n|nay|not|never|negative|disagree[ds]?|decline[ds]?|refuse[ds]?|"
    r"reject|don'?t|do\s+not|doesn'?t|won'?t|will\s+not|can'?t|cannot|haven'?t|have\s+not|"
    r"didn'?t|nein|non|nee|nie|nej|cancel|wrong|incorrect|nop|none)\b"
)
_YES_RE = re.compile(
    r"\b(?:y|ye+s+|yess+|yas+|ye+a+h*|yeh|ya+|yah|yep+|yup+|yus|sure|ok+|okay+|okey|o\s+k|k+|"
    r"alright|all\s+right|agree[ds]?|i\s+do|of\s+course|absolutely|definitely|certainly|"
    r"correct|that'?s\s+right|right\s+yes|accept(?:ed)?|go\s+ahead|please\s+do|"
    r"(?:sounds|that'?s|all)\s+(?:good|fine|great)|fine|affirmative|aye|confirm(?:ed)?|"
    r"understood|got\s+it|will\s+do|indeed|exactly|happy\s+to|let'?s\s+(?:go|do\s+it)|"
    r"yes\s+please|yessir|s[ií]|claro|vale|oui|d'accord|ja|jawohl|yes|"
    r"(?:i\s+)?(?:give\s+(?:my\s+)?)?consent(?:ed)?|right-?o|rightio|right\s+oh?)\b"
)
# Whole-message answers only: as part of a sentence these words mean other things.
_YES_ALONE = frozenset(
    {
        "right",
        "good",
        "great",
        "perfect",
        "cool",
        "done",
        "yes",
        "sweet",
        "sweet as",
        "spot on",
        "bang on",
        "looks good",
        "looks right",
        "looks fine",
        "all correct",
        "thats it",
        "that is it",
        "go on",
        "go on then",
        "grand so",
        "thats me",
        "that's me",
        "lekker",
        "go for it",
        "fire away",
        "ask away",
        "crack on",
        "carry on",
        "proceed",
        "continue",
        "go ahead then",
        "fair enough",
        "grand",
        "lovely",
        "brill",
        "brilliant",
        "ace",
        "bet",
        "say less",
        "yh",
        "ye",
        "sure thing",
        "deal",
    }
)


def parse_yes_no(text: str) -> bool | None:
    """Read a yes/no answer: True, False, or None when unclear ("maybe", "not sure").

    Negation wins ("no I don't agree" -> False; "yes but I don't agree" -> False), which
    is the safe reading for consent questions. Emoji 👍 / 👎 count.
    """
    s = clean(text).lower()
    if not s:
        return None
    s = "".join(" yes " if ch in _YES_SYMBOLS else " no " if ch in _NO_SYMBOLS else ch for ch in s)
    s = " ".join(_NON_WORD_RE.sub(" ", s).split())
    if not s:
        return None
    if _UNSURE_RE.search(s):
        return None
    s = _NO_WITH_YES_RE.sub(" no ", s)
    s = _YES_WITH_NEGATION_RE.sub(" yes ", s)
    if _NO_RE.search(s):
        return False
    if _YES_RE.search(s) or s in _YES_ALONE:
        return True
    return None


# --- name -----------------------------------------------------------------------------

_NAME_LEADIN_RE = re.compile(
    r"^(?:(?:hi|hello|hey|hiya|hola|yes|yeah|yep|sure|ok|okay|well)\b[\s,.!:;-]*)*"
    r"(?:(?:my\s+(?:full\s+|first\s+|real\s+)?name(?:'s|\s+is|s\s+is|s)?|"
    r"(?:the\s+|full\s+)?name(?:'s|\s+is)?|i\s+am|i'?m|im|it'?s|it\s+is|its|this\s+is|"
    r"(?:you\s+can\s+|people\s+|they\s+|just\s+|please\s+)?call\s+me|"
    r"me\s+llamo|mi\s+nombre\s+es|soy|je\s+m'appelle|je\s+suis|ich\s+hei(?:ß|ss)e|ich\s+bin)"
    r"\b[\s,:.-]*)?",
    re.I,
)
# Polite words after a name ("Maria here", "Sam, thanks").
_NAME_TRAILER_WORDS = frozenset(["here", "thanks", "thank you", "thx", "ty", "please", "pls"])
# Words that show the text is a sentence, not a name. Name particles (de, van, la, bin...)
# are deliberately absent.
_NOT_NAME_WORDS = words(
    """
    a the and or but if so to of in on at by for with from about into over under up down
    out off as than then too very just only also not no nor yes yeah yep nope ok okay sure
    i i'm im me my mine myself you your yours we us our him his she her they them their
    it it's its this that these those there here what why who whom whose how when where which
    is am are was were be been being does did don't doesn't didn't have has had having
    can't cannot could won't would should shall might must need needs want
    wants know tell telling told say said give giving rather prefer private secret skip pass
    none nothing nobody anonymous unknown someone somebody anyone name names question
    pain pains painful hurt hurts hurting ache aches aching sore back neck shoulder knee leg
    head headache migraine injury injured sick ill tired fine good bad great well better
    worse okay alright hello hi hey thanks thank please sorry help test testing user patient
    massage appointment booking book therapist doctor insurance email phone number
    really still again already always never sometimes today yesterday tomorrow now
    lol haha hmm um uh idk dunno null undefined nan asap
    """
)
_NAME_CHARS_EXTRA = frozenset("'-.")
_PARTICLES = words(
    "de da del della dos das di du la le van von der den ter ten bin binti ibn al el y e st"
)
_MAX_NAME_WORDS = 5


def _is_name_token(tok: str) -> bool:
    body = tok[:-1] if tok.endswith(",") else tok
    if not body or len(body) > 40 or not is_letter(body[0]):
        return False
    prev_punct = False
    for ch in body:
        if is_letter(ch):
            prev_punct = False
        elif ch in _NAME_CHARS_EXTRA:
            if prev_punct:
                return False
            prev_punct = True
        else:
            return False
    return True


_LETTER_RUN_RE = re.compile(r"[^\W\d_]+")


def _title_case(name: str) -> str:
    words = []
    for i, w in enumerate(name.split(" ")):
        if i > 0 and w in _PARTICLES:
            words.append(w)  # "maria de la cruz" -> "Maria de la Cruz"
        else:
            words.append(_LETTER_RUN_RE.sub(lambda m: m.group()[:1].upper() + m.group()[1:], w))
    return " ".join(words)


def _strip_name_trailer(rest: str) -> str:
    punct = " ,.;:!?\"'-"
    rest = rest.strip(punct)
    for _ in range(3):
        low = rest.lower()
        word = next((w for w in _NAME_TRAILER_WORDS if low.endswith(" " + w)), None)
        if word is None:
            break
        rest = rest[: -len(word)].strip(punct)
    return rest


def parse_name(text: str) -> ParseResult[str]:
    """Extract a person's name from an answer like "i'm maria lopez" or "call me Sam".

    Lead-ins ("my name is", "it's", "call me"...) are removed; the patient's own casing is
    kept unless everything was typed in lower case, which is title-cased. Problems:
    ``"empty"``, ``"not_a_name"`` (digits, emails, HTML, sentences, more than five words,
    gibberish).
    """
    if blank_problem(text) == "empty":
        return failed("empty")
    if has_html(text):
        return failed("not_a_name")
    s = clean(text)
    s = "".join(ch for ch in s if not is_symbol(ch))  # "Maria 😊"
    s = " ".join(s.split())
    if not s:
        return failed("not_a_name")
    if any(ch.isdigit() for ch in s) or "@" in s or "://" in s:
        return failed("not_a_name")
    rest = _NAME_LEADIN_RE.sub("", s, count=1)
    rest = _strip_name_trailer(rest)
    words = rest.split()
    if not words or len(words) > _MAX_NAME_WORDS or len(rest) > 100:
        return failed("not_a_name")
    if not all(_is_name_token(w) for w in words):
        return failed("not_a_name")
    for w in words:
        bare = w.rstrip(",").lower()
        initial = len(bare.rstrip(".")) == 1 and w[0].isupper() and len(words) > 1
        if bare in _NOT_NAME_WORDS and not initial:
            return failed("not_a_name")
    if sum(is_letter(ch) for ch in rest) < 2 or looks_like_gibberish(rest):
        return failed("not_a_name")
    if rest == rest.lower() and rest != rest.upper():
        rest = _title_case(rest)
    return ParseResult(rest)


# --- age ------------------------------------------------------------------------------

_MIN_AGE, _MAX_AGE = 1, 120
# A leading minus (not a range like "6-7").
_NEGATIVE_NUMBER_RE = re.compile(
    r"(?:(?<![\w.])-\s?|\bminus\s+)(?=\d|(?:" + NUMBER_WORD_PATTERN + r")\b)"
)
_MINUS_BEFORE_RE = re.compile(r"(?:(?<![\w.])-\s?|\bminus\s+)$")
_AGE_BEFORE_RE = re.compile(
    r"(?:\bi'?m|\bim|\bi\s+am|\bage[ds]?|\bage\s*(?:is|:|=)|\bturning|\bturned|\baged?\s+of)\s*$"
)
_AGE_AFTER_RE = re.compile(
    r"^\s*(?:-\s*)?(?:years?|yrs?|yo|y\.?o\.?|y/o|años|ans|jahre)\b|^\s*(?:-\s*)?(?:years?|yrs?)[\s-]*old"
)
_AGE_UNDER_ONE_RE = re.compile(r"^\s*(?:-\s*)?(?P<unit>months?|mos?|weeks?|wks?|days?)\b")


def _pick_age(masked: str, nums: list[Number]) -> Number | None:
    cued = [
        n
        for n in nums
        if _AGE_BEFORE_RE.search(tail(masked, n.start))
        or _AGE_AFTER_RE.match(masked[n.end :])
        or _AGE_UNDER_ONE_RE.match(masked[n.end :])
    ]
    if cued:
        return cued[0]
    # Without a cue only an unambiguous number will do ("42 or 43" is asked again).
    return nums[0] if len({n.value for n in nums}) == 1 else None


def parse_age(text: str) -> ParseResult[int]:
    """Parse an age in years: "42", "I'm 42", "forty-two", "42 years old", "age 7".

    Valid range is 1..120. Out of range (0, 150, -3, a birth year such as 1984) gives
    ``"out_of_range"``; no usable number gives ``"not_understood"``; blank gives ``"empty"``.
    """
    s = clean(text)
    if not s:
        return failed(blank_problem(text))
    masked = mask_non_quantities(s.lower())
    nums = find_numbers(masked)
    if not nums:
        return failed("not_understood")
    n = _pick_age(masked, nums)
    if n is None or math.isnan(n.value):
        return failed("not_understood")
    if _MINUS_BEFORE_RE.search(tail(masked, n.start)):
        return failed("out_of_range")
    value = n.value
    under = _AGE_UNDER_ONE_RE.match(masked[n.end :])
    if under:
        unit = under.group("unit")
        per_year = 12 if unit.startswith("mo") else 52 if unit.startswith("w") else 365
        value = value / per_year  # an infant's age in months: under 1 is out of range
    if not _MIN_AGE <= value < _MAX_AGE + 1:
        return failed("out_of_range")
    return ParseResult(int(value))


# --- contact --------------------------------------------------------------------------

_EMAIL_RE = re.compile(
    r"[a-z0-9!#$%&'*+/=?^_`{|}~-]+(?:\.[a-z0-9!#$%&'*+/=?^_`{|}~-]+)*"
    r"@(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,24}"
)
_TOKEN_SPLIT_RE = re.compile(r"[\s,;<>()\[\]\"]+")
_SPOKEN_EMAIL_RE = re.compile(
    r"\b(?P<local>[a-z0-9._%+-]{1,64})\s*(?:\(at\)|\[at\]|\s+at\s+)\s*(?P<domain>[a-z0-9-]{1,63})"
    r"\s*(?:\(dot\)|\[dot\]|\s+dot\s+|\.)\s*"
    r"(?P<tld>com|org|net|edu|gov|ca|uk|co|io|us|de|fr|es|mx|info|me|biz|au|nz|ie)\b"
)
_MAIL_PROVIDERS = (
    r"gmail|googlemail|yahoo|hotmail|outlook|live|msn|icloud|me|mac|aol|proton(?:mail)?|"
    r"gmx|mail|yandex|comcast|verizon|att|sbcglobal|shaw|rogers|telus|sympatico|btinternet"
)
_BROKEN_EMAIL_RE = re.compile(
    rf"\b[^\s@]{{1,64}}\s+at\s+(?:{_MAIL_PROVIDERS})\b|\bemail\b|\be-mail\b"
)
_PHONE_RE = re.compile(r"(?:\+|\b00)?\s?\(?\d[\d\s().-]{0,40}\d|\+?\d")
_MIN_PHONE_DIGITS, _MAX_PHONE_DIGITS = 7, 15


def _valid_email(candidate: str) -> bool:
    if len(candidate) > 254 or not _EMAIL_RE.fullmatch(candidate):
        return False
    local, _, domain = candidate.rpartition("@")
    return len(local) <= 64 and ".." not in candidate and not domain.startswith("-")


def _find_email(low: str) -> tuple[str | None, bool]:
    """(valid email, saw something email-like that is broken)."""
    broken = False
    for tok in _TOKEN_SPLIT_RE.split(low):
        if "@" not in tok:
            continue
        tok = tok.strip(".:!?'")
        if tok.startswith("mailto:"):
            tok = tok[len("mailto:") :]
        if _valid_email(tok):
            return tok, broken
        broken = True
    m = _SPOKEN_EMAIL_RE.search(low)
    if m:
        spoken = f"{m['local']}@{m['domain']}.{m['tld']}"
        if _valid_email(spoken):
            return spoken, broken
    return None, broken or bool(_BROKEN_EMAIL_RE.search(low))


def normalise_phone(candidate: str) -> str | None:
    """Digits with an optional leading "+"; 10 bare digits get North America's +1."""
    stripped = candidate.strip()
    digits = "".join(ch for ch in stripped if ch.isdigit())
    plus = stripped.startswith("+")
    if not plus and stripped.startswith("00") and len(digits) > 9:
        plus, digits = True, digits[2:]  # international access prefix
    if not _MIN_PHONE_DIGITS <= len(digits) <= _MAX_PHONE_DIGITS:
        return None
    if plus:
        return "+" + digits
    if len(digits) == 10:
        return "+1" + digits
    if len(digits) == 11 and digits.startswith("1"):
        return "+" + digits
    return digits


def parse_contact(text: str) -> ParseResult[str]:
    """Parse an email address (lower-cased) or phone number (digits, optional "+").

    An email wins over a phone when both are given. Ten-digit numbers are taken as North
    American (+1). Problems: ``"bad_email"``, ``"bad_phone"`` (fewer than 7 or more than
    15 digits), ``"not_understood"``, ``"empty"``.
    """
    s = clean(text)
    if not s:
        return failed(blank_problem(text))
    low = s.lower()
    email, broken_email = _find_email(low)
    if email:
        return ParseResult(email)
    # Email-ish tokens must not lend their digits to a phone number.
    no_emails = " ".join(tok for tok in low.split() if "@" not in tok)
    saw_digits = False
    for m in _PHONE_RE.finditer(no_emails):
        saw_digits = True
        phone = normalise_phone(m.group())
        if phone:
            return ParseResult(phone)
    if broken_email:
        return failed("bad_email")
    if saw_digits:
        return failed("bad_phone")
    return failed("not_understood")


# --- pain level -----------------------------------------------------------------------

_NUM_TOKEN = (
    rf"\d{{1,6}}(?:[.,]\d{{1,3}})?|(?:{NUMBER_WORD_PATTERN})(?:[\s-]+(?:{NUMBER_WORD_PATTERN}))?"
)
_FRACTION_RE = re.compile(
    rf"(?P<num>{_NUM_TOKEN})\s*(?:/|out\s+of|outta|of|on\s+a\s+scale\s+of)\s*"
    r"(?P<den>10|ten|5|five|100|a\s+hundred|hundred)\b"
)
_PERCENT_RE = re.compile(r"(?P<num>\d{1,3}(?:\.\d+)?)\s*(?:%|percent\b)")
# Numbers that measure something else: time, weight, age, counts.
_NOT_PAIN_AFTER_RE = re.compile(
    r"^\s*(?:-\s*)?(?:years?|yrs?|y/?o|months?|mos?|weeks?|wks?|days?|hours?|hrs?|minutes?|"
    r"mins?|am|pm|a\.m|p\.m|times|x|kg|kgs|lbs?|pounds|cm|ft|feet|foot|inches|"
    r"surger(?:y|ies)|kids?|children|miles?|km|st|nd|rd|th|pills?|mg|cups?)\b"
)
_PAIN_WORDS: tuple[tuple[re.Pattern[str], int], ...] = tuple(
    (re.compile(p), v)
    for p, v in (
        (r"\b(?:not|isn'?t|wasn'?t|ain'?t)\s+(?:that\s+|too\s+|so\s+|very\s+)?bad\b", 3),
        (r"\bnot\s+(?:that\s+|too\s+|so\s+|very\s+)?(?:severe|terrible|awful)\b", 5),
        (r"\b(?:no\s+pain|pain[\s-]?free|none|nothing|zero|nada)\b", 0),
        (
            r"\b(?:worst(?:\s+ever)?|unbearable|unbareable|unberable|excruciating|excrutiating|"
            r"agony|agonizing|agonising|insane|unreal)\b",
            10,
        ),
        (r"\b(?:extreme(?:ly)?|killing\s+me|crippling|debilitating)\b", 9),
        (r"\b(?:severe|sever|servere|severly|severely|terrible|horrible|awful|intense|high)\b", 8),
        (r"\b(?:very|really|so|pretty|quite)\s+bad\b", 7),
        (r"\b(?:bad|strong|significant|considerable)\b", 6),
        (r"\b(?:moderate|moderat|modrate|medium|mid|middling|manageable)\b", 5),
        (r"\b(?:tolerable|bearable|uncomfortable|discomfort|annoying|nagging)\b", 4),
        (r"\b(?:very\s+mild|barely|hardly|minimal|tiny\s+bit)\b", 1),
        (r"\b(?:mild|mildly)\b", 3),
        (r"\b(?:a\s+little|a\s+bit|little\s+bit|slight|slightly|low|minor|light)\b", 2),
    )
)


def _fraction_value(num: float, den: str) -> float:
    den_value = parse_number_token(den.replace("a ", "")) or 10.0
    return num * 10.0 / den_value


def parse_pain_level(text: str) -> ParseResult[int]:
    """Parse a 0..10 pain rating: "7", "7/10", "about a 6", "seven", "severe" (8), "mild" (3).

    Ranges and several numbers take the highest ("6-7" -> 7) because under-rating pain is
    the unsafe mistake; halves round up. Over 10 gives ``"out_of_range"``; nothing usable
    gives ``"not_understood"``; blank gives ``"empty"``.
    """
    s = clean(text)
    if not s:
        return failed(blank_problem(text))
    masked = mask_non_quantities(s.lower())
    values: list[float] = []

    def blank(start: int, end: int) -> None:
        nonlocal masked
        masked = masked[:start] + " " * (end - start) + masked[end:]

    for m in list(_FRACTION_RE.finditer(masked)):
        num = parse_number_token(m.group("num"))
        if num is not None:
            values.append(_fraction_value(num, m.group("den")))
            blank(m.start(), m.end())
    for m in list(_PERCENT_RE.finditer(masked)):
        values.append(float(m.group("num")) / 10.0)
        blank(m.start(), m.end())
    negative = bool(_NEGATIVE_NUMBER_RE.match(masked.lstrip()))
    for n in find_numbers(masked):
        if not _NOT_PAIN_AFTER_RE.match(masked[n.end :]):
            values.append(n.value)
    values = [v for v in values if not math.isnan(v)]
    if negative:
        return failed("out_of_range")
    if values:
        in_range = [v for v in values if 0 <= v <= 10]
        if not in_range:
            return failed("out_of_range")
        return ParseResult(min(10, math.ceil(max(in_range))))
    word_levels: list[int] = []
    for rx, level in _PAIN_WORDS:
        for m in list(rx.finditer(masked)):
            word_levels.append(level)
            blank(m.start(), m.end())
    if word_levels:
        return ParseResult(max(word_levels))
    return failed("not_understood")


# --- goals ----------------------------------------------------------------------------

GOALS = (
    "pain_relief",
    "range_of_motion",
    "stress_reduction",
    "injury_recovery",
    "circulation",
    "other",
)
_GOAL_RES: dict[str, re.Pattern[str]] = {
    "pain_relief": re.compile(
        r"\b(?:pain(?:s|ful)?|relie(?:f|ve|ving)|hurt(?:s|ing)?|ache[sd]?|aching|sore(?:ness)?|"
        r"headaches?|migraines?|dolor)\b"
    ),
    "range_of_motion": re.compile(
        r"\b(?:move|moving|movement|mobility|mobile|flexib(?:le|ility)|flexable|stiff(?:ness)?|"
        r"range\s+of\s+motion|rom|turn\s+my\s+(?:head|neck)|bend(?:ing)?|reach(?:ing)?|"
        r"lift\s+my\s+arms?|loosen(?:\s+up)?|loose|limber|tight(?:ness)?|walk\s+better)\b"
    ),
    "stress_reduction": re.compile(
        r"\b(?:relax(?:ing|ation|ed)?|stress(?:ed|ful)?|de-?stress|anxi(?:ety|ous)|calm(?:er)?|"
        r"unwind|sleep(?:\s+better)?|insomnia|restful|wellbeing|well-being|self[\s-]care|"
        r"me\s+time|peace\s+of\s+mind|relaj\w*|estr[eé]s)\b"
    ),
    "injury_recovery": re.compile(
        r"\b(?:recover(?:y|ing)?|heal(?:ing)?|rehab(?:ilitation)?|injur(?:y|ies|ed)|"
        r"get(?:ting)?\s+back\s+to|back\s+to\s+(?:running|work|sports?|training|the\s+gym|gym|"
        r"normal|play(?:ing)?|\w+ing)|return\s+to\s+(?:sports?|play|work|running|training)|"
        r"post[\s-]?op|after\s+(?:my\s+|the\s+)?surgery|sprain(?:ed)?|strain(?:ed)?|whiplash|"
        r"accident)\b"
    ),
    "circulation": re.compile(
        r"\b(?:circulat(?:ion|ory|e)|swell(?:ing|s)?|swollen|o?edema|lymph(?:atic)?|"
        r"cold\s+(?:feet|hands|toes|fingers)|blood\s+flow|fluid|puff(?:y|iness)|"
        r"heavy\s+legs|varicose)\b"
    ),
    "other": re.compile(r"\bother\b"),
}


def parse_goals(text: str) -> list[str]:
    """Map the patient's goals in lay words to contract ids, in contract order.

    "less pain" -> pain_relief, "move better" -> range_of_motion, "relax" ->
    stress_reduction, "get back to running" -> injury_recovery, "swelling" -> circulation.
    Text with no recognised goal gives ["other"]; blank text gives [].
    """
    s = clean(text)
    if not s or not s.strip(" .,!?-"):
        return []
    low = s.lower()
    found = [goal for goal in GOALS if _GOAL_RES[goal].search(low)]
    return found or ["other"]


# --- pressure -------------------------------------------------------------------------

_NO_PREF_NOISE_RE = re.compile(r"\bhard\s+to\s+(?:say|tell|know)\b")
_PRESSURE_NEGATED: tuple[tuple[re.Pattern[str], str], ...] = (
    (
        re.compile(
            r"\b(?:not|nothing|don'?t\s+(?:go|want\s+it|like\s+it))\s+(?:too\s+|very\s+|that\s+)?"
            r"(?:hard|deep|firm|strong|rough|intense|heavy|much)\b"
        ),
        "light",
    ),
    (
        re.compile(
            r"\b(?:not|nothing|don'?t\s+(?:go|want\s+it|like\s+it))\s+(?:too\s+|very\s+|that\s+)?"
            r"(?:light|soft|gentle|weak)\b"
        ),
        "medium",
    ),
)
_PRESSURE_LEVELS: tuple[tuple[str, re.Pattern[str]], ...] = (
    (
        "light",
        re.compile(
            r"\b(?:light(?:er)?|lite|gentl[ey]|gentler|soft(?:er|ly)?|easy|delicate|feather|"
            r"low|sensitive|suave|ligera)\b"
        ),
    ),
    (
        "medium",
        re.compile(
            r"\b(?:medium|moderate|in\s+between|in\s+the\s+middle|middle|normal|regular|"
            r"average|mid|standard|media)\b"
        ),
    ),
    (
        "firm",
        re.compile(
            r"\b(?:firm(?:er)?|deep(?:er)?|hard(?:er)?|strong(?:er)?|intense|heavy|"
            r"dig\s+in|as\s+hard\s+as|fuerte|profundo)\b"
        ),
    ),
)
_NO_PREFERENCE_RE = re.compile(
    r"\b(?:not\s+sure|unsure|don'?t\s+know|do\s+not\s+know|dunno|idk|no\s+idea|"
    r"whatever|up\s+to\s+you|you\s+(?:decide|choose|pick|tell\s+me)|"
    r"(?:don'?t|do\s+not)\s+(?:mind|care)|no\s+pref(?:erence)?s?|doesn'?t\s+matter|"
    r"does\s+not\s+matter|either|any(?:thing)?|surprise\s+me|recommend|best|"
    r"what\s+you\s+think|therapist'?s?\s+choice|no\s+idea|never\s+had|first\s+time)\b"
)
_PRESSURE_ORDER = ("light", "medium", "firm")


def parse_pressure(text: str) -> str | None:
    """Massage pressure preference: "light", "medium", "firm", "no_preference" or None.

    When several levels are named ("medium to firm") the lightest wins: the therapist can
    always go deeper. "not too hard" -> light; "not sure", "whatever you think" ->
    no_preference.
    """
    low = clean(text).lower()
    if not low:
        return None
    low = _NO_PREF_NOISE_RE.sub(" ", low)
    found: set[str] = set()
    for rx, level in _PRESSURE_NEGATED:
        if rx.search(low):
            found.add(level)
            low = rx.sub(" ", low)
    for level, rx in _PRESSURE_LEVELS:
        if rx.search(low):
            found.add(level)
    if found:
        return next(level for level in _PRESSURE_ORDER if level in found)
    if _NO_PREFERENCE_RE.search(low):
        return "no_preference"
    return None


# --- insurance ------------------------------------------------------------------------


@dataclass(frozen=True)
class Insurance:
    """Insurance answer: a provider name, and/or paying themselves."""

    provider: str | None
    self_pay: bool


_MAX_PROVIDER_CHARS = 80
_SELF_PAY_RE = re.compile(
    r"\b(?:no\s+(?:insurance|coverage|cover|plan|benefits)|not\s+insured|uninsured|"
    r"(?:don'?t|do\s+not|dont)\s+have\s+(?:any\s+)?(?:insurance|coverage|one|it|any)|"
    r"self[\s-]?pa(?:y|ying|id)|pay(?:ing)?\s+(?:for\s+it\s+)?(?:my\s*self|myself|out\s+of\s+pocket)|"
    r"out\s+of\s+pocket|cash|private(?:ly)?\s+pay|private\s+pay|paying\s+privately|"
    r"i'?ll\s+pay|i\s+will\s+pay|credit\s+card|debit\s+card|not\s+covered)\b"
)
# Bare "no" means "none" only as the whole answer: "no, I have Aetna" is not self-pay.
_SELF_PAY_ALONE_RE = re.compile(r"^(?:no|nope|none|nah|n/?a|nothing|no\s+thanks?)[\s.!]*$")
_VAGUE_PROVIDER_WORDS = words(
    """
    private public health work employer job company extended basic government provincial
    state federal dental medical benefit benefits group family spouse husband wife partner
    parents mom dad some yes yeah yep sure ok okay insurance insured covered coverage plan
    """
)
# Canonical spellings of common payers (US, Canada, UK), longest patterns first.
_PROVIDERS: tuple[tuple[re.Pattern[str], str], ...] = tuple(
    (re.compile(p), name)
    for p, name in (
        (
            r"\b(?:blue\s*cross\s*(?:and\s+|&\s*|/\s*)?blue\s*shield|bcbs)\b",
            "Blue Cross Blue Shield",
        ),
        (r"\bpacific\s+blue\s*cross\b", "Pacific Blue Cross"),
        (r"\bblue\s*cross\b", "Blue Cross"),
        (r"\bblue\s*shield\b", "Blue Shield"),
        (r"\baetna\b", "Aetna"),
        (r"\bcigna\b", "Cigna"),
        (r"\bunited\s*health\s*care\b|\buhc\b|\bunited\s+health\b", "UnitedHealthcare"),
        (r"\bhumana\b", "Humana"),
        (r"\bkaiser(?:\s+permanente)?\b", "Kaiser Permanente"),
        (r"\bmedicare\b", "Medicare"),
        (r"\bmedicaid\b|\bmedi-cal\b", "Medicaid"),
        (r"\banthem\b", "Anthem"),
        (r"\btricare\b", "Tricare"),
        (r"\bstate\s+farm\b", "State Farm"),
        (r"\bgeico\b", "GEICO"),
        (r"\bprogressive\b", "Progressive"),
        (r"\ballstate\b", "Allstate"),
        (r"\bworkers'?\s*comp(?:ensation)?\b|\bwcb\b|\bwsib\b", "Workers' Compensation"),
        (r"\bsun\s*life\b", "Sun Life"),
        (r"\bmanulife\b", "Manulife"),
        (r"\bcanada\s+life\b|\bgreat[\s-]west\s+life\b", "Canada Life"),
        (r"\bgreen\s*shield\b", "Green Shield"),
        (r"\bdesjardins\b", "Desjardins"),
        (r"\bbupa\b", "Bupa"),
        (r"\baxa\b", "AXA"),
        (r"\bvitality\b", "Vitality"),
        (r"\bhsa\b|\bhealth\s+savings\s+account\b", "HSA"),
        (r"\bfsa\b|\bflexible\s+spending\s+account\b", "FSA"),
    )
)
_PROVIDER_LEADIN_RE = re.compile(
    r"^(?:(?:yes|yeah|yep|sure|ok|okay|well|um+|hi)\b[\s,.!:-]*)*"
    r"(?:(?:i\s+(?:have|got|use|am\s+with|'m\s+with)|i've\s+got|i'm\s+(?:with|on|under|covered\s+by)|"
    r"my\s+(?:insurance|insurer|provider|plan|coverage)\s+(?:is|=|:)?|insurance\s*(?:is|:)?|"
    r"it'?s|it\s+is|with|through|via|covered\s+by)\b[\s,:-]*)*",
    re.I,
)
# "Aetna through work", "Acme Health insurance plan": the name ends where these begin.
_PROVIDER_TRAILER_RE = re.compile(
    r"\b(?:through|via|from|with|thru|by|under|at|because|but|and|insurance|insurer|plan|"
    r"coverage|cover|policy|benefits)\b",
    re.I,
)
_PROVIDER_WORD_RE = re.compile(r"^[^\W\d_][\w&'.-]*$")


def _provider_from_text(s: str) -> str | None:
    rest = _PROVIDER_LEADIN_RE.sub("", s, count=1)
    cut = _PROVIDER_TRAILER_RE.search(rest)
    if cut:
        rest = rest[: cut.start()]
    # Member ids and other numbers are not part of the payer's name (and are sensitive).
    words = [w for w in rest.strip(" .,!?;:\"'").split() if _PROVIDER_WORD_RE.match(w)]
    name = " ".join(words)[:_MAX_PROVIDER_CHARS].strip()
    if len(name) < 2 or looks_like_gibberish(name):
        return None
    if all(w.lower() in _NOT_NAME_WORDS or w.lower() in _VAGUE_PROVIDER_WORDS for w in words):
        return None
    if name == name.lower():
        name = _title_case(name)
    return name


def parse_insurance(text: str) -> ParseResult[Insurance]:
    """Parse the insurance answer: a provider, or self-pay ("no insurance", "cash").

    Well-known payers get their canonical spelling ("bcbs" -> "Blue Cross Blue Shield");
    other names are kept as typed (at most 80 characters), minus trailers such as
    "through work". Problems: ``"empty"``, ``"not_understood"``.
    """
    s = clean(text)
    if not s:
        return failed(blank_problem(text))
    low = s.lower()
    provider = next((name for rx, name in _PROVIDERS if rx.search(low)), None)
    self_pay = bool(_SELF_PAY_RE.search(low) or _SELF_PAY_ALONE_RE.match(low))
    if provider is None and not self_pay:
        if has_html(text):
            return failed("not_understood")
        provider = _provider_from_text(s)
        if provider is None:
            return failed("not_understood")
    return ParseResult(Insurance(provider=provider, self_pay=self_pay))
