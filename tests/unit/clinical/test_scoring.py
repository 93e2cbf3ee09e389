"""Scoring: reported diagnoses, chronicity and mechanism effects, ICD codes, techniques."""

from __future__ import annotations

from typing import Any

import pytest

from actions.clinical import analyze, assess

from .conftest import TODAY, top_condition


def _conditions(result: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {c["id"]: c for c in result["suggested_conditions"]}


def _techniques(result: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {t["id"]: t for t in result["suggested_techniques"]}


def test_reported_diagnosis_outweighs_the_complaint_pattern() -> None:
    answers = {
        "chief_complaint": "my neck and shoulders are tight and sore",
        "diagnosis": "my doctor said it's carpal tunnel",
    }
    result = assess(answers, today=TODAY)
    assert top_condition(result) == "carpal_tunnel_syndrome"
    assert _conditions(result)["carpal_tunnel_syndrome"]["score"] >= 0.7


def test_a_professional_diagnosis_weighs_more_than_a_self_named_one() -> None:
    said = analyze("my doctor said it's sciatica", today=TODAY)
    guessed = analyze("maybe it's sciatica", today=TODAY)
    assert _conditions(said)["sciatica"]["score"] > _conditions(guessed)["sciatica"]["score"]


def test_ruled_out_diagnosis_is_not_suggested_first() -> None:
    result = assess(
        {
            "chief_complaint": "my hand tingles at night",
            "diagnosis": "the nerve test ruled out carpal tunnel",
        },
        today=TODAY,
    )
    assert top_condition(result) != "carpal_tunnel_syndrome"


def test_chronicity_separates_fibromyalgia_from_a_fresh_ache() -> None:
    base = {"chief_complaint": "I ache all over and I'm exhausted"}
    chronic = assess({**base, "pain_duration": "3 years"}, today=TODAY)
    acute = assess({**base, "pain_duration": "2 days"}, today=TODAY)
    assert (
        _conditions(chronic)["fibromyalgia"]["score"]
        > _conditions(acute).get("fibromyalgia", {"score": 0.0})["score"]
    )


@pytest.mark.parametrize(
    ("onset", "expected"),
    [
        ("car accident, I was rear ended", "whiplash"),
        ("I slept funny", "neck_pain"),
    ],
)
def test_mechanism_changes_the_neck_suggestion(onset: str, expected: str) -> None:
    answers = {"chief_complaint": "my neck is stiff and sore", "onset_cause": onset}
    assert top_condition(assess(answers, today=TODAY)) == expected


def test_sport_mechanism_suggests_a_sports_injury() -> None:
    answers = {
        "chief_complaint": "pulled my left hamstring",
        "onset_cause": "sprinting at soccer practice",
        "pain_duration": "5 days",
    }
    result = assess(answers, today=TODAY)
    assert top_condition(result) == "sports_injury"
    assert _conditions(result)["sports_injury"]["icd10"] == "S86.912A"


@pytest.mark.parametrize(
    ("text", "condition", "code"),
    [
        ("sciatica down my left leg", "sciatica", "M54.32"),
        ("sciatica down my right leg", "sciatica", "M54.31"),
        ("sciatica in my back", "sciatica", "M54.30"),
        ("carpal tunnel in my right wrist", "carpal_tunnel_syndrome", "G56.01"),
        ("carpal tunnel in my left hand", "carpal_tunnel_syndrome", "G56.02"),
        ("carpal tunnel in both hands", "carpal_tunnel_syndrome", "G56.03"),
        ("carpal tunnel", "carpal_tunnel_syndrome", "G56.00"),
        ("arthritis in my left knee", "arthritis", "M17.12"),
        ("arthritis in both knees", "arthritis", "M17.0"),
        ("osteoarthritis of the right hip", "arthritis", "M16.11"),
        ("frozen shoulder on the left", "frozen_shoulder", "M75.02"),
        ("calf cramps and spasms", "muscle_spasm", "M62.831"),
        ("lower back spasms", "muscle_spasm", "M62.830"),
        ("my right jaw clicks, TMJ", "tmj_disorder", "M26.601"),
        ("stiff after my knee replacement surgery", "post_surgical_rehab", "Z47.1"),
        ("stiff after my shoulder surgery", "post_surgical_rehab", "Z48.89"),
    ],
)
def test_side_and_region_specific_icd10(text: str, condition: str, code: str) -> None:
    assert _conditions(analyze(text, today=TODAY))[condition]["icd10"] == code


def test_scores_are_ranked_and_between_zero_and_one() -> None:
    result = analyze("lower back pain shooting down my right leg with numbness", today=TODAY)
    scores = [c["score"] for c in result["suggested_conditions"]]
    assert scores == sorted(scores, reverse=True)
    assert all(0.0 <= s <= 1.0 for s in scores)
    assert top_condition(result) == "sciatica"


def test_evidence_quotes_the_patients_words() -> None:
    text = "pain shooting down my left leg from my lower back"
    sciatica = _conditions(analyze(text, today=TODAY))["sciatica"]
    assert sciatica["evidence"]
    assert all(quote.lower() in text.lower() for quote in sciatica["evidence"])


def test_anticoagulants_drop_deep_tissue_and_caution_the_rest() -> None:
    answers = {
        "chief_complaint": "dull ache in my lower back, stiff in the morning",
        "pain_duration": "a year",
        "medications": "warfarin",
    }
    techniques = _techniques(assess(answers, today=TODAY))
    assert "deep_tissue_massage" not in techniques
    assert techniques
    for technique in techniques.values():
        assert any(c.endswith(": anticoagulants") for c in technique["cautions"])
    assert any("light pressure: anticoagulants" in t["cautions"] for t in techniques.values())


def test_pregnancy_cautions_position_and_abdominal_work() -> None:
    answers = {"chief_complaint": "my lower back aches", "medical_history": "I'm 5 months pregnant"}
    techniques = _techniques(assess(answers, today=TODAY))
    cautions = [c for t in techniques.values() for c in t["cautions"]]
    assert any("side-lying" in c and c.endswith(": pregnancy") for c in cautions)


def test_blood_clot_holds_the_limb_and_drops_lymphatic_drainage() -> None:
    answers = {
        "chief_complaint": "stiff after my knee surgery",
        "pain_duration": "4 months",
        "medical_history": "had a DVT in that leg",
    }
    techniques = _techniques(assess(answers, today=TODAY))
    assert "lymphatic_drainage" not in techniques
    assert all(any("affected limb" in c for c in t["cautions"]) for t in techniques.values())


def test_emergency_leaves_no_technique_to_book() -> None:
    answers = {"chief_complaint": "my back hurts and my chest feels tight"}
    result = assess(answers, today=TODAY)
    assert result["triage"]["level"] == "emergency"
    assert result["suggested_techniques"] == []


def test_techniques_carry_contract_fields_and_cpt_codes() -> None:
    answers = {"chief_complaint": "my hand goes numb at night", "onset_cause": "typing"}
    techniques = assess(answers, today=TODAY)["suggested_techniques"]
    assert techniques[0]["id"] == "neuromuscular_therapy"
    for technique in techniques:
        assert set(technique) == {"id", "name", "cpt", "rationale", "cautions"}
        assert technique["cpt"] in {"97124", "97140"}
        assert technique["rationale"]


def test_light_pressure_preference_is_noted_on_firm_techniques() -> None:
    answers = {
        "chief_complaint": "knots in my upper back that hurt when pressed",
        "pressure_preference": "light please",
    }
    techniques = _techniques(assess(answers, today=TODAY))
    firm = [t for t in ("deep_tissue_massage", "trigger_point_therapy") if t in techniques]
    assert firm
    for technique_id in firm:
        assert "patient prefers light pressure" in techniques[technique_id]["cautions"]


def test_no_pattern_falls_back_to_swedish_massage() -> None:
    techniques = assess({"chief_complaint": "I just want to relax"}, today=TODAY)[
        "suggested_techniques"
    ]
    assert [t["id"] for t in techniques] == ["swedish_massage"]


def test_scoring_is_deterministic() -> None:
    answers = {"chief_complaint": "both knees ache and creak", "pain_duration": "5 years"}
    assert assess(answers, today=TODAY) == assess(answers, today=TODAY)
