"""Red flags: every flag phrased formally and casually, negated forms, levels, evidence."""

from __future__ import annotations

import pytest

from actions.clinical import analyze, assess, most_urgent
from actions.clinical.contract import RED_FLAG_LEVELS

from .conftest import TODAY, flag_ids

RAISED = [
    # emergency
    ("chest_pain", "Patient reports chest pain on exertion."),
    ("chest_pain", "my chest feels tight and heavy"),
    ("chest_pain", "feels like an elephant sitting on my chest"),
    ("shortness_of_breath", "Shortness of breath at rest."),
    ("shortness_of_breath", "I can't catch my breath"),
    ("shortness_of_breath", "it's hard to breathe when I lie down"),
    ("stroke_signs", "Facial droop and slurred speech since this morning."),
    ("stroke_signs", "one side of my face went numb and my words come out wrong"),
    ("cauda_equina", "New saddle anaesthesia and loss of bladder control."),
    ("cauda_equina", "can't feel my privates since my back got worse"),
    ("cauda_equina", "I'm numb down there and peeing myself"),
    ("major_trauma", "Unable to bear weight after a fall."),
    ("major_trauma", "fell off a ladder and I think it's broken"),
    ("self_harm", "I have been having suicidal thoughts."),
    ("self_harm", "honestly I want to end it all"),
    ("self_harm", "I don't want to be here anymore"),
    ("worst_headache", "Sudden severe headache, worst of my life."),
    ("worst_headache", "worst headache of my life"),
    ("worst_headache", "headache with a fever and a stiff neck"),
    # physician clearance
    ("fever_infection", "Febrile: I have a fever of 38.5."),
    ("fever_infection", "been running a temperature and chills"),
    ("blood_clot", "History of deep vein thrombosis."),
    ("blood_clot", "no fever but my calf is swollen and warm"),
    ("blood_clot", "had a blood clot in my leg"),
    ("recent_surgery", "Arthroscopy two weeks ago."),
    ("recent_surgery", "had knee surgery 2 weeks ago"),
    ("recent_surgery", "surgery last week on my shoulder"),
    ("cancer_treatment", "Currently receiving chemotherapy."),
    ("cancer_treatment", "I'm doing chemo for breast cancer"),
    ("heart_condition", "Congestive heart failure."),
    ("heart_condition", "I had a heart attack and have a stent"),
    ("heart_condition", "my blood pressure is through the roof even on meds"),
    ("recent_fracture", "Fractured wrist 3 weeks ago."),
    ("recent_fracture", "broke my ankle last month, cast just came off"),
    ("unexplained_weight_loss", "Unintentional weight loss of 8 kg."),
    ("unexplained_weight_loss", "I've lost 20 pounds without trying"),
    ("progressive_neuro_deficit", "Progressive weakness of the left leg."),
    ("progressive_neuro_deficit", "the numbness is spreading up my arm"),
    ("progressive_neuro_deficit", "my foot drags and it's getting worse"),
    # caution
    ("pregnancy", "Currently pregnant, second trimester."),
    ("pregnancy", "I'm 5 months pregnant"),
    ("pregnancy", "not sure if I'm pregnant"),
    ("anticoagulants", "On anticoagulants."),
    ("anticoagulants", "I'm on warfarin"),
    ("anticoagulants", "I take eliquis"),
    ("anticoagulants", "xarelto every morning"),
    ("anticoagulants", "I take blood thinners"),
    ("osteoporosis", "Osteoporosis of the spine."),
    ("osteoporosis", "my bones are brittle, I take fosamax"),
    ("skin_condition", "Open wound on the left forearm."),
    ("skin_condition", "got a bad sunburn on my back"),
    ("varicose_veins", "Varicose veins in both legs."),
    ("varicose_veins", "I've got bulging veins behind my knees"),
    ("diabetes_neuropathy", "Type 2 diabetes with peripheral neuropathy."),
    ("diabetes_neuropathy", "I'm diabetic"),
    ("diabetes_neuropathy", "I'm on insulin"),
    ("acute_inflammation", "Acutely inflamed right knee."),
    ("acute_inflammation", "my knee is hot and swollen"),
    ("minor", "I'm 15 years old and my back hurts"),
]


@pytest.mark.parametrize(("flag", "text"), RAISED)
def test_red_flag_raised(flag: str, text: str) -> None:
    assert flag in flag_ids(text)


#: Raised by the intake form only (a "yes" on the safety checklist), never by words.
FORM_ONLY_FLAGS = {"reported_emergency"}


def test_every_red_flag_of_the_contract_is_exercised() -> None:
    assert {flag for flag, _ in RAISED} == set(RED_FLAG_LEVELS) - FORM_ONLY_FLAGS


@pytest.mark.parametrize(
    "text",
    [
        "no fever",
        "never had a clot",
        "not pregnant",
        "none of those",
        "nothing like that",
        "I don't take blood thinners",
        "denies chest pain",
        "no chest pain, no shortness of breath",
        "I'm not on any anticoagulants",
        "no history of cancer",
        "never had surgery",
        "surgery years ago on my knee",
        "broke my arm as a kid",
        "had breast cancer in 2012, in remission",
        "no trouble breathing",
        "I'm not suicidal",
        "got my flu shot last week",
        "I'm pre-diabetic",
        "my headache is the usual kind",
        "DVT was ruled out by ultrasound",
        "No fever, chills or night sweats.",
        "no numbness down there and no problems with my bladder",
        "I'm scheduled for surgery next month",
    ],
)
def test_negated_or_old_mentions_raise_nothing(text: str) -> None:
    assert flag_ids(text) == set()


@pytest.mark.parametrize(
    ("text", "flag"),
    [
        ("no fever but my calf is swollen and warm", "blood_clot"),
        ("no surgery. Well, actually I had surgery last week", "recent_surgery"),
        ("not pregnant... actually I am pregnant", "pregnancy"),
        ("I'm not suicidal but sometimes I want to end it all", "self_harm"),
        ("never had a clot, I take warfarin though", "anticoagulants"),
        ("no chest pain, I do get short of breath", "shortness_of_breath"),
    ],
)
def test_negation_does_not_leak_and_contradictions_keep_the_flag(text: str, flag: str) -> None:
    assert flag in flag_ids(text)


def test_level_is_the_most_urgent_flag_and_evidence_quotes_the_patient() -> None:
    result = analyze("I take warfarin and my chest feels tight", today=TODAY)
    assert result["triage_level"] == "emergency"
    levels = [f["level"] for f in result["red_flags"]]
    assert levels == sorted(levels, key=["emergency", "physician_clearance", "caution"].index)
    warfarin = next(f for f in result["red_flags"] if f["id"] == "anticoagulants")
    assert "warfarin" in warfarin["evidence"]
    assert len(warfarin["evidence"]) < 60
    assert warfarin["advice"]


def test_routine_when_no_flag() -> None:
    result = analyze("my shoulders are tight from sitting at a desk", today=TODAY)
    assert result["red_flags"] == []
    assert result["triage_level"] == "routine"


def test_suspected_fracture_supersedes_recent_fracture() -> None:
    ids = flag_ids("I fell and I think my wrist is broken, can't move it")
    assert "major_trauma" in ids
    assert "recent_fracture" not in ids


def test_a_danger_sign_at_the_end_of_a_long_message_is_found() -> None:
    text = "my shoulder is a bit stiff. " * 1500 + "Also I can't feel my privates."
    assert len(text) > 40_000
    assert "cauda_equina" in flag_ids(text)


@pytest.mark.parametrize(
    ("answers", "flag"),
    [
        ({"medications": "warfarin"}, "anticoagulants"),
        ({"age": "16", "chief_complaint": "sore knee"}, "minor"),
        ({"medical_history": "5 months pregnant"}, "pregnancy"),
        ({"onset_cause": "after my surgery", "pain_duration": "10 days"}, "recent_surgery"),
    ],
)
def test_assess_raises_flags_from_any_answer(answers: dict[str, str], flag: str) -> None:
    triage = assess(answers, today=TODAY)["triage"]
    assert flag in {f["id"] for f in triage["red_flags"]}


def test_undated_surgery_is_dated_by_the_pain_duration() -> None:
    answers = {"onset_cause": "after my surgery", "pain_duration": "2 years"}
    assert assess(answers, today=TODAY)["triage"]["red_flags"] == []


@pytest.mark.parametrize(
    ("levels", "expected"),
    [
        ([], "routine"),
        (["caution", "emergency"], "emergency"),
        (["routine", "physician_clearance", "caution"], "physician_clearance"),
        (["nonsense", "caution"], "caution"),
    ],
)
def test_most_urgent(levels: list[str], expected: str) -> None:
    assert most_urgent(levels) == expected
