"""Extraction: regions with sides, symptoms, inflections, lay words, misspellings, negation."""

from __future__ import annotations

import pytest

from actions.clinical import analyze, classify_onset, extract_medications

from .conftest import TODAY, regions, symptoms


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("both knees ache", [("knee", "both")]),
        ("my left shoulder hurts", [("shoulder", "left")]),
        ("right hip and leg are sore", [("hip", "right"), ("leg", "right")]),
        ("pain in my left lower back and right knee", [("lower_back", "left"), ("knee", "right")]),
        ("my knees are stiff", [("knee", "both")]),
        ("the left side of my neck is tight", [("neck", "left")]),
        ("my shoulder on the right clicks", [("shoulder", "right")]),
        ("bilateral wrist pain", [("wrist_hand", "both")]),
        ("left knee and right knee", [("knee", "both")]),
        ("my neck hurts", [("neck", None)]),
        ("my fingers tingle", [("wrist_hand", None)]),
    ],
)
def test_regions_and_sides(text: str, expected: list[tuple[str, str | None]]) -> None:
    assert regions(text) == expected


@pytest.mark.parametrize(
    ("text", "region"),
    [
        ("pain in my pinky", "wrist_hand"),
        ("my tailbone hurts when I sit", "lower_back"),
        ("sore shin after running", "leg"),
        ("my lower back aches", "lower_back"),
        ("low back pain", "lower_back"),
        ("my back went out", "lower_back"),
        ("between my shoulder blades", "upper_back"),
        ("my glutes are tight", "buttock"),
        ("my heel hurts in the morning", "ankle_foot"),
        ("aches all over my body", "whole_body"),
        ("my shoulda is sore", "shoulder"),
        ("neckpain for a week", "neck"),
        ("the back of my knee is swollen", "knee"),
    ],
)
def test_lay_words_and_misspellings_name_regions(text: str, region: str) -> None:
    assert region in [r for r, _ in regions(text)]


@pytest.mark.parametrize(
    "text",
    ["the pain came back", "I went back to work", "back to normal now", "it's back again"],
)
def test_back_as_an_adverb_is_not_a_region(text: str) -> None:
    assert "lower_back" not in [r for r, _ in regions(text)]


@pytest.mark.parametrize(
    ("text", "symptom"),
    [
        ("my knee is aching", "ache"),
        ("my hands ache", "ache"),
        ("it hurts when I walk", "pain"),
        ("pins and needles in my fingers", "tingling"),
        ("my fingers are tingly", "tingling"),
        ("a crick in my neck", "stiffness"),
        ("my back went out", "spasm"),
        ("calf cramping at night", "cramp"),
        ("my hand falls asleep", "numbness"),
        ("pain shooting down my leg", "radiating_pain"),
        ("it radiates into my arm", "radiating_pain"),
        ("my ankle is swollen", "swelling"),
        ("my knee clicks", "clicking"),
        ("burning in my feet", "burning"),
        ("my grip is weak", "weakness"),
        ("I get headaches", "headache"),
        ("stiffnes in the morning", "stiffness"),
    ],
)
def test_symptoms_with_inflection_and_lay_words(text: str, symptom: str) -> None:
    assert symptom in symptoms(text)


@pytest.mark.parametrize(
    ("text", "absent", "present"),
    [
        ("no numbness", "numbness", None),
        ("I don't have any tingling or numbness", "numbness", None),
        ("no swelling but it's stiff", "swelling", "stiffness"),
        ("denies numbness, tingling or weakness", "weakness", None),
        ("never any swelling, just an ache", "swelling", "ache"),
        ("not numb, it's tingling", "numbness", "tingling"),
    ],
)
def test_symptom_negation_is_clause_scoped(text: str, absent: str, present: str | None) -> None:
    found = symptoms(text)
    assert absent not in found
    if present:
        assert present in found


def test_uncertainty_is_not_negation() -> None:
    assert "numbness" in symptoms("not sure but I think my hand is numb")


def test_pain_named_inside_a_negated_cue_phrase_is_kept() -> None:
    assert "pain" in symptoms("I can't sleep because of the pain")


@pytest.mark.parametrize(
    ("text", "diagnosed"),
    [
        ("sciatia down my leg", "sciatica"),
        ("I think it's carpel tunnel", "carpal_tunnel_syndrome"),
        ("fibromyalga flare", "fibromyalgia"),
        ("planter fasciitis in my heel", "plantar_fasciitis"),
    ],
)
def test_misspelled_conditions_are_recognised(text: str, diagnosed: str) -> None:
    ids = [c["id"] for c in analyze(text, today=TODAY)["suggested_conditions"]]
    assert diagnosed in ids


@pytest.mark.parametrize(
    ("text", "category"),
    [
        ("I don't know, it just started", "gradual_unknown"),
        ("fell off my bike", "accident"),
        ("from typing all day", "repetitive_strain"),
        ("got rear ended at a stop light", "accident"),
        ("twisted my ankle playing basketball", "sports"),
        ("after my knee surgery", "surgery"),
        ("bad posture at my desk", "posture"),
        ("I slept funny", "posture"),
        ("work stress", "stress"),
        ("my cat jumped on me", "other"),
        ("", "other"),
        ("I didn't fall, it came on slowly", "gradual_unknown"),
    ],
)
def test_classify_onset(text: str, category: str) -> None:
    assert classify_onset(text) == category


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("warfarin", ["warfarin"]),
        ("I'm on Eliquis 5 mg twice a day", ["apixaban (Eliquis)"]),
        ("xarelto and some advil", ["rivaroxaban (Xarelto)", "ibuprofen"]),
        ("blood-thinners", ["blood thinner (unnamed)"]),
        ("none", []),
        ("nothing", []),
        ("No.", []),
        ("I don't take blood thinners, just tylenol", ["acetaminophen (Tylenol)"]),
        ("metformin, kratom", ["metformin", "kratom"]),
    ],
)
def test_extract_medications(text: str, expected: list[str]) -> None:
    assert extract_medications(text) == expected
