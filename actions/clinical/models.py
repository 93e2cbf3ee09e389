"""Typed, validated shapes of the catalogue files (pydantic v2, frozen).

Each model checks one entry on its own; cross-references between files (a condition
naming a technique, a red flag naming a medication class...) are checked by
:mod:`actions.clinical.loader`.
"""

from __future__ import annotations

import re
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

Identifier = Annotated[str, Field(pattern=r"^[a-z][a-z0-9_]*$")]
Phrase = Annotated[str, Field(min_length=1, max_length=120)]
Text = Annotated[str, Field(min_length=1)]
Side = Literal["left", "right", "both"]
Level = Literal["emergency", "physician_clearance", "caution", "routine"]
FlagLevel = Literal["emergency", "physician_clearance", "caution"]
Onset = Literal[
    "sports",
    "accident",
    "surgery",
    "repetitive_strain",
    "posture",
    "stress",
    "gradual_unknown",
    "other",
]
FindingKind = Literal[
    "region", "symptom", "mechanism", "chronicity", "keyword", "history", "medication", "part"
]

_ICD10 = re.compile(r"^[A-TV-Z][0-9][0-9A-Z](\.[0-9A-Z]{1,4})?$")
_CPT = re.compile(r"^[0-9]{5}$")


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


def _check_icd10(code: str) -> str:
    if not _ICD10.match(code):
        raise ValueError(f"{code!r} is not an ICD-10-CM code (e.g. M54.30)")
    return code


class Term(_Model):
    """One way a patient names a body region."""

    phrase: Phrase
    part: Identifier | None = None
    needs_context: bool = False
    plural_side: bool = True

    @model_validator(mode="before")
    @classmethod
    def _from_string(cls, data: Any) -> Any:
        return {"phrase": data} if isinstance(data, str) else data


class Region(_Model):
    """A body region of the contract, with its lay names."""

    id: Identifier
    name: Text
    plural: Text
    paired: bool
    terms: tuple[Term, ...] = Field(min_length=1)


class Symptom(_Model):
    """Something the patient feels (pain, numbness...)."""

    id: Identifier
    name: Text
    terms: tuple[Phrase, ...] = Field(min_length=1)


class Mechanism(_Model):
    """How a problem started, mapped to a contract onset category."""

    id: Identifier
    onset: Onset
    weight: float = Field(gt=0)
    terms: tuple[Phrase, ...] = Field(min_length=1)


class HistoryItem(_Model):
    """A medical-history item that informs suggestions (not a red flag)."""

    id: Identifier
    name: Text
    terms: tuple[Phrase, ...] = Field(min_length=1)


class Medication(_Model):
    """A recognised medication with its display name and drug classes."""

    id: Identifier
    name: Text
    classes: tuple[Identifier, ...] = Field(min_length=1)
    terms: tuple[Phrase, ...] = Field(min_length=1)


class Technique(_Model):
    """A massage technique with its suggested CPT code."""

    id: Identifier
    name: Text
    cpt: str
    cpt_note: str | None = None
    pressure: Literal["light", "medium", "firm"]
    description: Text

    @field_validator("cpt")
    @classmethod
    def _cpt(cls, value: str) -> str:
        if not _CPT.match(value):
            raise ValueError(f"{value!r} is not a 5-digit CPT code")
        return value


class Finding(_Model):
    """One piece of evidence that points to a condition, with its weight."""

    kind: FindingKind
    weight: float = Field(ge=-10, le=10)
    ids: tuple[Identifier, ...] = ()
    name: Identifier | None = None
    phrases: tuple[Phrase, ...] = ()

    @model_validator(mode="after")
    def _shape(self) -> Finding:
        if self.kind == "keyword":
            if not self.name or not self.phrases:
                raise ValueError("a keyword finding needs a `name` and `phrases`")
            if self.ids:
                raise ValueError("a keyword finding takes `phrases`, not `ids`")
        elif not self.ids:
            raise ValueError(f"a {self.kind} finding needs `ids`")
        elif self.phrases:
            raise ValueError(f"a {self.kind} finding takes `ids`, not `phrases`")
        return self

    @property
    def keys(self) -> tuple[str, ...]:
        """``kind:id`` names this finding answers to (used by ``requires``)."""
        if self.kind == "keyword":
            return (f"keyword:{self.name}",)
        return tuple(f"{self.kind}:{ident}" for ident in self.ids)


class IcdVariant(_Model):
    """A more specific code, used when the region/side/part/phrase is known."""

    code: str
    regions: tuple[Identifier, ...] | None = None
    side: Side | None = None
    parts: tuple[Identifier, ...] | None = None
    phrases: tuple[Phrase, ...] | None = None

    @field_validator("code")
    @classmethod
    def _code(cls, value: str) -> str:
        return _check_icd10(value)


class TechniqueUse(_Model):
    """A technique suited to a condition, and why (shown to the therapist)."""

    id: Identifier
    why: Text


class Condition(_Model):
    """A condition the engine may suggest (never a diagnosis)."""

    id: Identifier
    name: Text
    icd10: str
    icd10_variants: tuple[IcdVariant, ...] = ()
    description: Text
    diagnosis_phrases: tuple[Phrase, ...] = Field(min_length=1)
    requires: tuple[tuple[str, ...], ...] = ()
    findings: tuple[Finding, ...] = Field(min_length=1)
    techniques: tuple[TechniqueUse, ...] = Field(min_length=1)
    prior: float = 0.0

    @field_validator("icd10")
    @classmethod
    def _code(cls, value: str) -> str:
        return _check_icd10(value)

    @model_validator(mode="after")
    def _requirements_exist(self) -> Condition:
        known = {key for finding in self.findings for key in finding.keys}
        for group in self.requires:
            if not group:
                raise ValueError("an empty `requires` group can never be met")
            for key in group:
                if key not in known:
                    raise ValueError(f"requires {key!r}, which none of its findings provides")
        return self


class TechniqueRule(_Model):
    """What a red flag does to a technique."""

    action: Literal["avoid", "modify"]
    note: Text


class Recency(_Model):
    """Keep a mention only when the event happened within ``max_days``."""

    max_days: int = Field(gt=0)
    unknown: Literal["raise", "ignore"] = "raise"
    #: A future date ("finishing radiation next week") usually means still ongoing.
    future: Literal["raise", "ignore"] = "ignore"


class Trigger(_Model):
    """Words that raise a red flag: any of ``phrases``, or one from every ``all_of`` group."""

    phrases: tuple[Phrase, ...] = ()
    all_of: tuple[tuple[Phrase, ...], ...] = ()
    within: Literal["clause", "sentence"] = "sentence"
    recency: Recency | None = None
    unless: tuple[Phrase, ...] = ()

    @model_validator(mode="after")
    def _one_form(self) -> Trigger:
        if bool(self.phrases) == bool(self.all_of):
            raise ValueError("a trigger has either `phrases` or `all_of`, not both or neither")
        if self.all_of and (len(self.all_of) < 2 or any(not group for group in self.all_of)):
            raise ValueError("`all_of` needs at least two non-empty groups")
        return self


class RedFlag(_Model):
    """A danger sign: its level, trigger words, advice and technique cautions."""

    id: Identifier
    level: FlagLevel
    name: Text
    advice: Text
    techniques: dict[str, TechniqueRule] = Field(min_length=1)
    supersedes: tuple[Identifier, ...] = ()
    medication_classes: tuple[Identifier, ...] = ()
    triggers: tuple[Trigger, ...] = ()
    #: Words that cancel every trigger of this flag in their sentence (each trigger
    #: may add its own): a hypothetical ("if I ever got chest pain"), a known old state.
    unless: tuple[Phrase, ...] = ()


class LevelInfo(_Model):
    """A triage level and what it means for the clinic."""

    id: Level
    name: Text
    action: Text


class NegationRules(_Model):
    """Words that negate a mention, and how far they reach."""

    pre: tuple[Phrase, ...]
    pre_window: int = Field(gt=0, le=40)
    verb: tuple[Phrase, ...]
    verb_window: int = Field(gt=0, le=40)
    post: tuple[Phrase, ...]
    post_window: int = Field(gt=0, le=40)
    pseudo: tuple[Phrase, ...]
    #: A checklist answered "no": "shortness of breath? no." negates the mention
    #: before the question mark.
    answered_no: tuple[str, ...] = ()


class SideWords(_Model):
    """Words that give a side."""

    left: tuple[Phrase, ...]
    right: tuple[Phrase, ...]
    both: tuple[Phrase, ...]


class Lexicon(_Model):
    """Language rules shared by every matcher."""

    compounds: dict[str, tuple[str, ...]]
    misspellings: dict[str, str]
    determiners: tuple[str, ...]
    fuzzy_terms: tuple[str, ...]
    stem_exceptions: dict[str, str]
    stem_protected: tuple[str, ...]
    lemma_protected: tuple[str, ...] = ()
    negation: NegationRules
    clause_terminators: tuple[Phrase, ...]
    clause_starters: tuple[str, ...]
    sides: SideWords
    sides_after: tuple[Phrase, ...]
    sides_window: int = Field(gt=0, le=10)
    side_gap_words: tuple[str, ...]
    context_before: tuple[str, ...]
    context_after: tuple[str, ...]
    context_never_after: tuple[str, ...]
    diagnosis_cues: tuple[Phrase, ...]
    chronicity_hints: dict[Literal["acute", "chronic"], tuple[Phrase, ...]]
    none_answers: tuple[str, ...]

    @field_validator("compounds")
    @classmethod
    def _compounds_split_exactly(
        cls, value: dict[str, tuple[str, ...]]
    ) -> dict[str, tuple[str, ...]]:
        for word, parts in value.items():
            if "".join(parts) != word:
                raise ValueError(f"compound {word!r} must split into parts that spell it: {parts}")
        return value


class ScoringParams(_Model):
    """Parameters shared by every condition score."""

    diagnosis_weight: float = Field(gt=0)
    self_reported_weight: float = Field(gt=0)
    history_weight: float = Field(ge=0)
    ruled_out_weight: float = Field(le=0)
    scale: float = Field(gt=0)
    min_raw: float = Field(ge=0)
    max_conditions: int = Field(gt=0, le=18)
    technique_min_score: float = Field(ge=0, le=1)
    max_techniques: int = Field(gt=0, le=8)


class UrgencyRule(_Model):
    """One compositional danger rule of ``urgency.yml`` (see the file's header)."""

    id: Identifier
    all_of: tuple[Identifier, ...] = Field(min_length=1)
    flag: Identifier
    unsure: Literal["ask", "raise", "nothing"]
    #: Raised on "no" (or when nobody can be asked); None raises nothing.
    otherwise: Identifier | None = None
    #: The yes/no question put to the patient: "is this happening now?" or the safety one.
    question: Literal["now", "safety"] = "now"
    unless: tuple[Phrase, ...] = ()
    #: Words of acuity (now, suddenly...) ``raise`` the flag at once, or only ``ask``
    #: (the safety nets, whose words are too broad to stop an intake on).
    acuity: Literal["raise", "ask"] = "raise"
    #: Where all the parts must appear: one sentence (default) or anywhere in the answer.
    within: Literal["sentence", "message"] = "sentence"


class BloodPressureLimits(_Model):
    """Blood pressure at or above either limit raises ``flag``."""

    flag: Identifier
    systolic_at_least: int = Field(gt=100, le=300)
    diastolic_at_least: int = Field(gt=60, le=200)


class OtherPerson(_Model):
    """How a relative's history is recognised ("my mum had cancer")."""

    relatives: tuple[Phrase, ...]
    history_verbs: tuple[Phrase, ...]
    phrases: tuple[Phrase, ...] = ()
    #: Words that make a relative's sign the patient's own, happening now (someone
    #: typing for them): "my sister suddenly had a terrible pain in the head".
    happening_now: tuple[Phrase, ...] = ()


class UrgencyRules(_Model):
    """The compositional danger screen (``urgency.yml``)."""

    groups: dict[Identifier, tuple[Phrase, ...]]
    urgent_if: tuple[Phrase, ...]
    #: Episodes, not acuity ("every now and then", "whenever I get a cold"): an
    #: ``urgent_if`` word inside one of these does not count.
    not_now: tuple[Phrase, ...] = ()
    rules: tuple[UrgencyRule, ...]
    blood_pressure: BloodPressureLimits
    other_person: OtherPerson

    @model_validator(mode="after")
    def _groups_exist(self) -> UrgencyRules:
        for rule in self.rules:
            missing = [g for g in rule.all_of if g not in self.groups]
            if missing:
                raise ValueError(f"rule {rule.id!r} names unknown groups {missing}")
            if rule.question == "safety" and rule.acuity != "ask":
                raise ValueError(f"rule {rule.id!r}: the safety question is asked, never raised")
        return self
