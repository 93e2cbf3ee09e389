"""Answer first: split a patient message into the answer to the open question,
a question the patient asks, and a request (start over, a person, skip, stop).

While a question is open the message is read as its answer first. Only what is
plainly not an answer diverts it: a sentence that asks something, or a request
in so many words. The NLU intent is a hint for short messages, never a veto over
text that answers. Pure functions, no rasa-sdk.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Final

from actions.intake._text import clean

__all__ = [
    "QUESTION_INTENTS",
    "REQUEST_INTENTS",
    "RULE_REPLY_INTENTS",
    "Reading",
    "read_message",
]

#: Requests that divert the form to a rule (each has one in ``data/rules.yml``).
REQUEST_INTENTS: Final = frozenset({"start_over", "human_handoff", "ask_skip", "goodbye"})
#: Intents a rule answers when the message does not answer a typed question
#: ("hello", "thanks", "are you a bot?" at the age question): the question follows.
RULE_REPLY_INTENTS: Final = frozenset(
    {"greet", "thank", "out_of_scope", "ask_why", "bot_challenge"}
)
#: Requests the NLU's intent may name on its own (the others need the words).
_INTENT_ONLY_REQUESTS: Final = frozenset({"human_handoff", "ask_skip"})
#: Intents of messages that ask something rather than answer.
QUESTION_INTENTS: Final = frozenset({"faq", "ask_why", "bot_challenge"})
#: Short social messages that are plainly not answers, by their words (a rule replies,
#: the question follows). The NLU's intent alone never makes an answer social:
#: "football, Sunday league" was once taken for off-topic chat.
_SOCIAL = re.compile(
    r"^(?:hi+|hello+|hey+|hiya|good (?:morning|afternoon|evening)|thanks?(?: you)?(?: so much)?|"
    r"thx|ty|cheers|ta|ok(?:ay)? thanks?|are you (?:a )?(?:bot|robot|human|real|person|ai)|"
    r"is this (?:a )?(?:bot|robot|human|real person)|who am i talking to)[\s.!?]*$",
    re.I,
)
#: An intent alone diverts only a message this short and this confidently classified.
SHORT_MESSAGE_WORDS: Final = 4
CONFIDENT: Final = 0.85

# A sentence that starts like a question ("how long is a session", "do you take ...").
_QUESTION_START = re.compile(
    r"^(?:and |but |so |also |oh |btw |by the way |quick question,? |just wondering,? )*"
    r"(?!who knows|who cares|what ever|whatever)"
    r"(?:(?:how|what|what's|whats|when|where|which|who|whom|whose|why)\b|"
    r"(?:can|could|may|might|shall|should|will|would|do|does|did|is|are|am|was|were|have|has)"
    r"\s+(?:i|you|we|u|ya|it|there|that|this|they|my|the|your|a|massage|someone|somebody)\b)",
    re.IGNORECASE,
)
# Sentence ends: . ! ? followed by a space or the end (so "maria.l@example.com",
# "Dr. Patel" stays whole only when no space follows the dot: good enough here), or a newline.
_SENTENCE_BREAK = re.compile(r"(?<=[!?])\s*|(?<=\.)\s+|\n+")

_REQUEST_PATTERNS: Final[tuple[tuple[str, re.Pattern[str]], ...]] = (
    (
        "start_over",
        re.compile(
            r"\b(?:start (?:again|over|from (?:the )?(?:scratch|beginning|start))|restart|"
            r"begin again|redo (?:it|this|everything)|from the (?:top|beginning))\b",
            re.I,
        ),
    ),
    (
        "human_handoff",
        re.compile(
            r"\b(?:(?:talk|speak|chat) (?:to|with) (?:a |an |some |your |the )?"
            r"(?:person|human|real person|someone|somebody|staff|receptionist|therapist|"
            r"reception|front desk|manager)|real (?:person|human)|human being|"
            r"(?:call|ring|phone) me (?:back|instead))\b",
            re.I,
        ),
    ),
    (
        "ask_skip",
        re.compile(
            r"^(?:can (?:i|we) )?(?:skip(?: (?:this|that|it|this one|that one|the question))?|"
            r"pass|next question|rather not (?:say|answer)|prefer not to (?:say|answer)|"
            r"i'?d rather not(?: say)?)[\s.!]*$",
            re.I,
        ),
    ),
    (
        "goodbye",
        re.compile(
            r"^(?:bye|goodbye|bye bye|cya|see (?:you|ya)|stop|quit|exit|cancel|"
            r"i'?m done|gotta go|got to go|have to go)[\s.!]*$",
            re.I,
        ),
    ),
)


@dataclass(frozen=True)
class Reading:
    """One message as seen from the open question."""

    #: The part that may answer the question ("" when the message only asks or requests).
    answer: str
    #: The sentences that ask something ("" when none).
    question: str
    #: A request in so many words ("start_over", "human_handoff", ...), or None.
    request: str | None


# Starts like a question but, without a "?", says something: "When I cycle to work my
# fingers go numb", "did my first half marathon Sunday" (the "I" dropped).
_STATEMENT_START = re.compile(
    r"^(?:(?:when|whenever|while|where|if)\s+(?:i|i'm|im|my|we|he|she|they|it|it's|its|the|a|an)"
    r"|(?:did|had|was|were|have|has)\s+(?:my|the|a))\b",
    re.IGNORECASE,
)


def _is_question(sentence: str, *, intent_asks: bool) -> bool:
    body = sentence.strip()
    if not body:
        return False
    if _QUESTION_START.match(body):
        return body.endswith("?") or not _STATEMENT_START.match(body)
    # "lower back?" is an unsure answer, not a question: a "?" alone needs the NLU's
    # word that the message asks something.
    return body.endswith("?") and intent_asks


_CLAUSE_BREAK = re.compile(r"\s*(?:,|;|\s-\s|\s\u2013\s|\.\.\.)\s*")


def _split_tail_question(sentence: str, *, intent_asks: bool) -> tuple[str, str]:
    """(what it says, what it asks) of one sentence.

    "my back is stiff from gardening, do you do deep tissue?" says the first
    part and asks the last; a sentence that only asks says nothing.
    """
    if _is_question(sentence, intent_asks=False):
        return "", sentence  # starts like a question: the whole sentence asks
    if not sentence.endswith("?"):
        return sentence, ""
    clauses = _CLAUSE_BREAK.split(sentence)
    for cut in range(1, len(clauses)):
        tail = ", ".join(clauses[cut:])
        if _QUESTION_START.match(tail) or (cut == len(clauses) - 1 and intent_asks):
            return ", ".join(clauses[:cut]), tail
    return (
        ("", sentence)
        if intent_asks and len(clauses) == 1 and _looks_asked(sentence)
        else (
            sentence,
            "",
        )
    )


def _looks_asked(sentence: str) -> bool:
    """A one-clause "?" sentence that asks rather than guesses ("prices?" vs "lower back?")."""
    return len(sentence.split()) > 3


def _request(text: str, intent: str | None, confidence: float) -> str | None:
    for name, pattern in _REQUEST_PATTERNS:
        if pattern.search(text):
            return name
    # The NLU alone may name only harmless requests (a person, a skip), and only for a
    # short message: "aye go on then" was once read as goodbye, forever.
    short = len(text.split()) <= SHORT_MESSAGE_WORDS
    if intent in _INTENT_ONLY_REQUESTS and confidence >= CONFIDENT and short:
        return intent
    return None


def read_message(text: str, *, intent: str | None = None, confidence: float = 0.0) -> Reading:
    """Split ``text`` into answer, question and request, from the open question's side.

    ``intent``/``confidence`` are the NLU's guess for the whole message; they
    decide only for short messages and for sentences that end in "?".
    """
    body = clean(text)
    if not body:
        return Reading("", "", None)
    request = _request(body, intent, confidence)
    if request is not None:
        return Reading("", "", request)
    intent_asks = intent in QUESTION_INTENTS
    answer: list[str] = []
    asked: list[str] = []
    for piece in _SENTENCE_BREAK.split(body):
        sentence = piece.strip()
        if not sentence.strip(".!?"):
            continue
        said, question = _split_tail_question(sentence, intent_asks=intent_asks)
        if said:
            answer.append(said)
        if question:
            asked.append(question)
    answer_text = " ".join(answer).strip()
    question_text = " ".join(asked).strip()
    if _SOCIAL.match(body):
        # "thanks!", "hello", "are you a bot": plainly not an answer, whatever the question.
        return Reading("", body if intent in QUESTION_INTENTS else "", None)
    return Reading(answer_text, question_text, None)
