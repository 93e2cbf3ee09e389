"""Public entry points: exact names and result shapes of the contract."""

from __future__ import annotations

import json

import actions.clinical as clinical
from actions.clinical import analyze, assess, describe_regions

from .conftest import TODAY

FULL_ANSWERS = {
    "consent": "yes",
    "patient_name": "Dana Smith",
    "age": "42",
    "contact": "dana@example.com",
    "chief_complaint": "Sharp pain in my lower back that shoots down my left leg",
    "pain_level": "about a 7",
    "pain_duration": "3 weeks",
    "onset_cause": "lifting weights at the gym",
    "diagnosis": "my doctor said it's sciatica",
    "physician_referral": "yes",
    "referring_physician": "Dr. Patel",
    "medical_history": "no fever, never had a clot, not pregnant",
    "medications": "I take warfarin",
    "goals": "pain relief",
    "pressure_preference": "medium",
    "insurance": "Aetna",
}


def test_exported_names() -> None:
    for name in (
        "analyze",
        "assess",
        "classify_onset",
        "extract_medications",
        "describe_regions",
        "most_urgent",
        "EMERGENCY_LEVEL",
        "CLEARANCE_LEVEL",
        "CAUTION_LEVEL",
        "ROUTINE_LEVEL",
        "TRIAGE_LEVELS",
        "CatalogueError",
        "load_catalogue",
    ):
        assert hasattr(clinical, name), name
    assert clinical.TRIAGE_LEVELS == ("emergency", "physician_clearance", "caution", "routine")


def test_assess_shape_matches_the_referral_summary() -> None:
    result = assess(FULL_ANSWERS, today=TODAY)
    json.dumps(result)
    assert set(result) == {
        "complaint",
        "history",
        "triage",
        "suggested_conditions",
        "suggested_techniques",
    }
    assert result["complaint"] == {
        "text": FULL_ANSWERS["chief_complaint"],
        "body_regions": [
            {"region": "lower_back", "side": None},
            {"region": "leg", "side": "left"},
        ],
        "symptoms": ["pain", "radiating_pain"],
        "pain_level": 7,
        "duration_text": result["complaint"]["duration_text"],
        "duration_days": 21,
        "chronicity": "acute",
        "onset_cause": "sports",
    }
    assert "3 weeks" in result["complaint"]["duration_text"]
    assert result["history"] == {
        "diagnosis": "my doctor said it's sciatica",
        "physician_referral": True,
        "referring_physician": "Dr. Patel",
        "medical_history": "no fever, never had a clot, not pregnant",
        "medications": ["warfarin"],
        "medication_doses": [],
    }
    assert result["triage"]["level"] == "caution"
    assert [f["id"] for f in result["triage"]["red_flags"]] == ["anticoagulants"]
    top = result["suggested_conditions"][0]
    assert set(top) == {"id", "name", "icd10", "score", "evidence"}
    assert (top["id"], top["icd10"]) == ("sciatica", "M54.32")


def test_none_answers_become_empty_values() -> None:
    result = assess(
        {"chief_complaint": "sore neck", "diagnosis": "none", "medications": "nothing"},
        today=TODAY,
    )
    assert result["history"]["diagnosis"] is None
    assert result["history"]["medications"] == []
    assert result["history"]["physician_referral"] is None


def test_analyze_shape() -> None:
    result = analyze("my left knee is swollen and I take eliquis", today=TODAY)
    assert result["body_regions"] == [{"region": "knee", "side": "left"}]
    assert result["symptoms"] == ["swelling"]
    assert result["triage_level"] == "caution"
    flag = result["red_flags"][0]
    assert set(flag) == {"id", "level", "evidence", "advice"}


def test_describe_regions() -> None:
    regions = [{"region": "lower_back", "side": "left"}, {"region": "knee", "side": "right"}]
    assert describe_regions(regions) == "left lower back and right knee"
    assert describe_regions([{"region": "knee", "side": "both"}]) == "both knees"
    assert (
        describe_regions(
            [
                {"region": "neck", "side": None},
                {"region": "shoulder", "side": "left"},
                {"region": "wrist_hand", "side": None},
            ]
        )
        == "neck, left shoulder and wrist and hand"
    )
    assert describe_regions([]) == ""


def test_import_does_not_build_the_engine() -> None:
    import subprocess
    import sys

    code = (
        "import actions.clinical\n"
        "from actions.clinical import analysis, loader, nlp\n"
        "assert nlp.engine.cache_info().currsize == 0\n"
        "assert analysis.parts.cache_info().currsize == 0\n"
        "assert loader.default_catalogue.cache_info().currsize == 0\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True)


def test_assess_uses_what_the_form_already_read() -> None:
    # The text says "about a 6" and "a couple of months"; the form's typed values win,
    # so the scoring, the screen's dating of events and the summary agree.
    answers = {**FULL_ANSWERS, "pain_level": "about a 6", "pain_duration": "a couple of months"}
    known = clinical.FormValues(pain_level=4, duration_days=10, chronicity="acute", age=15)
    result = assess(answers, today=TODAY, known=known)
    assert result["complaint"]["pain_level"] == 4
    assert result["complaint"]["duration_days"] == 10
    assert result["complaint"]["chronicity"] == "acute"
    assert "minor" in {f["id"] for f in result["triage"]["red_flags"]}
    parsed = assess(answers, today=TODAY)
    assert parsed["complaint"]["pain_level"] == 6
    assert (
        parsed["complaint"]["duration_days"] is not None
        and parsed["complaint"]["duration_days"] > 10
    )


def test_form_values_take_only_typed_numbers() -> None:
    from actions.intake.answers import form_values

    values = form_values({"pain_level": 7, "duration_days": 21, "chronicity": "acute", "age": True})
    assert values == clinical.FormValues(pain_level=7, duration_days=21, chronicity="acute")


def test_medication_doses_are_kept_as_written() -> None:
    history = assess(
        {"medications": "warfarin 5 mg daily and paracetamol 500mg twice a day, lisinopril"},
        today=TODAY,
    )["history"]
    assert history["medication_doses"] == [
        {"name": "warfarin", "dose": "5 mg daily"},
        {"name": "acetaminophen (Tylenol)", "dose": "500mg twice a day"},
    ]
    assert "lisinopril" in history["medications"]  # named, no dose written
    assert assess({"medications": "none"}, today=TODAY)["history"]["medication_doses"] == []
