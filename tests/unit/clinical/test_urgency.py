"""The compositional danger screen (``urgency.yml``) through ``clinical.screen``.

The cases are the everyday phrasings that the phrase list missed (issue 9) and the
non-dangers a careless screen flags.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from actions.clinical import analyze, screen
from actions.clinical.loader import DEFAULT_DIRECTORY, CatalogueError, load_catalogue


def flags(text: str) -> set[str]:
    return {f["id"] for f in screen(text)["red_flags"]}


def asks(text: str) -> set[str]:
    return {a["flag"] for a in screen(text)["ask_if_now"]}


@pytest.mark.parametrize(
    ("text", "flag"),
    [
        ("crushing pressure behind my breastbone spreading to my jaw, I'm sweating", "chest_pain"),
        (
            "like being hit on the back of the head with a bat, never had a headache like it, "
            "light hurts my eyes",
            "worst_headache",
        ),
        ("I can hardly breathe", "shortness_of_breath"),
        (
            "head is pounding, running a high temp and i cant bend my chin down to my chest",
            "worst_headache",
        ),
        ("came off my bike this morning, wrist looks the wrong shape", "major_trauma"),
        (
            "since Sunday I've gone numb round me backside and I wet meself without knowing",
            "cauda_equina",
        ),
        ("everybody would be better off if I just disappeared", "self_harm"),
        ("my mum's face is drooping on one side since this morning", "stroke_signs"),
    ],
)
def test_emergencies_in_everyday_words_stop_at_once(text: str, flag: str) -> None:
    result = screen(text)
    assert result["triage_level"] == "emergency"
    assert flag in flags(text)
    assert result["ask_if_now"] == []


@pytest.mark.parametrize(
    ("text", "flag"),
    [
        ("numbness creeping up my leg and the leg is getting weaker", "progressive_neuro_deficit"),
        ("had my gallbladder removed two weeks ago", "recent_surgery"),
        ("blood pressure 190/110, never treated", "heart_condition"),
        ("my bp was 200 over 120 last week", "heart_condition"),
        (
            "the pharmacy machine said my blood pressure was 192 over 114. I feel fine",
            "heart_condition",
        ),
        ("my left calf. since the flight it's been swollen and hot to touch", "blood_clot"),
    ],
)
def test_clearance_signs_are_raised(text: str, flag: str) -> None:
    assert flag in flags(text)
    assert screen(text)["triage_level"] == "physician_clearance"


@pytest.mark.parametrize(
    ("text", "flag"),
    [
        ("terrible pain in my heart", "chest_pain"),
        ("chest gets tight when i walk up the stairs", "chest_pain"),
        ("one side of my face has dropped and my words come out wrong", "stroke_signs"),
    ],
)
def test_unsure_signs_are_asked_about_not_guessed(text: str, flag: str) -> None:
    assert flag in asks(text)
    assert screen(text)["triage_level"] != "emergency"


def test_with_nobody_to_ask_an_unsure_sign_is_never_routine() -> None:
    assert analyze("terrible pain in my heart")["triage_level"] == "physician_clearance"


@pytest.mark.parametrize(
    "text",
    [
        "my mother had cancer and my dad had a heart attack",
        "chest muscles sore after bench press",
        "no chest pain, no shortness of breath",
        "my heart's not in my job",
        "stiff swollen knee",
        "pins and needles in my foot",
        "face feels numb after the dentist",
        "my bum goes a bit numb on long rides but it's fine the second i get off the saddle",
        "had covid in 2022 and was a bit breathless for a few weeks after",
        "blood pressure 128/82 on tablets",
        "my blood pressure was 18/11/2024 fine",
        "same old tension headache every afternoon from the screen, nothing sudden",
        "I sprained my ankle, it's swollen and warm",
    ],
)
def test_non_dangers_raise_no_urgent_flag(text: str) -> None:
    result = screen(text)
    assert result["triage_level"] not in ("emergency", "physician_clearance"), result
    assert result["ask_if_now"] == []


def test_a_son_typing_for_his_mother_is_not_family_history() -> None:
    assert "stroke_signs" in flags("my mums face dropped on one side just now")


def test_an_urgency_rule_naming_an_unknown_flag_is_a_clear_load_error(tmp_path: Path) -> None:
    for source in DEFAULT_DIRECTORY.glob("*.yml"):
        (tmp_path / source.name).write_text(source.read_text(encoding="utf-8"), encoding="utf-8")
    urgency = tmp_path / "urgency.yml"
    urgency.write_text(
        urgency.read_text(encoding="utf-8").replace("flag: chest_pain", "flag: chest_pian", 1),
        encoding="utf-8",
    )
    with pytest.raises(CatalogueError, match="chest_pian"):
        load_catalogue(tmp_path)


@pytest.mark.parametrize(
    "text", [None, 123, "", "\ud800 lone surrogate, chest pain", "x" * 300_000, "😀" * 1000]
)
def test_the_screen_answers_any_input(text: object) -> None:
    result = screen(text)  # type: ignore[arg-type]
    assert result["triage_level"] in ("emergency", "physician_clearance", "caution", "routine")


@pytest.mark.parametrize(
    ("text", "flag"),
    [
        # domain-level asks: the sign is there, its timing is not
        ("feels like breathing through a straw", "shortness_of_breath"),
        ("my backside's gone numb and i can't tell when i need the toilet", "cauda_equina"),
        ("fell off the ladder, can't get up off the floor", "major_trauma"),
        ("the room is spinning and I'm seeing double", "stroke_signs"),
    ],
)
def test_a_danger_domain_without_timing_is_asked_about(text: str, flag: str) -> None:
    result = screen(text)
    assert flag in asks(text) or flag in flags(text), result
    assert result["triage_level"] == "emergency" or result["ask_if_now"], result


def test_low_mood_asks_the_safety_question_and_no_means_no_flag() -> None:
    result = screen("tired of everything, no way out, my neck is killing me")
    assert result["ask_if_now"][0]["question"] == "safety"
    assert result["ask_if_now"][0]["otherwise"] is None
    assert "self_harm" not in {
        f["id"] for f in analyze("tired of everything, no way out")["red_flags"]
    }


@pytest.mark.parametrize(
    "text",
    [
        "every now and then my heart skips a beat, GP knows about it",
        "palpitations now and again, had a heart monitor last year, all normal",
    ],
)
def test_an_episode_is_not_acuity(text: str) -> None:
    assert screen(text)["triage_level"] != "emergency"


def test_gone_numb_is_a_sign_not_a_pain_that_has_gone() -> None:
    assert "cauda_equina" in flags("both legs weak and my backside's gone numb since yesterday")
    assert flags("the pain's gone now, just a bit stiff") == set()


@pytest.mark.parametrize(
    "text",
    [
        "fell off a ladder at work last year, knee still clicks",
        "asthma but it's well controlled, barely use my inhaler",
        "out of breath after a hard 10k, which is normal for me",
        "can't lift my arm above my head, frozen shoulder for months",
        "stiff neck after falling asleep on the sofa at a weird angle",
    ],
)
def test_more_non_dangers_stay_calm(text: str) -> None:
    assert screen(text)["triage_level"] != "emergency"


def test_a_message_typed_a_few_words_per_line_reads_as_one() -> None:
    text = "shoulders\nneck\nhonestly\ndont want\nto be here\nanymore"
    assert "self_harm" in flags(text) | asks(text)


def test_a_checklist_answered_no_raises_nothing() -> None:
    assert screen("shortness of breath? no. chest pain? no. just a sore neck lol")[
        "triage_level"
    ] not in ("emergency", "physician_clearance")


def test_heart_rhythm_noticed_is_asked_about() -> None:
    assert "chest_pain" in asks("palpitations now and then since my 20s, ECG was fine")


@pytest.mark.parametrize(
    "text",
    [
        "a little tablet for my nerves at bedtime, amitriptyline I think, and paracetamol",
        "I think I tried too hard at the gym, took two paracetamol last night",
        "the numbness started in my toes 3 weeks ago, now up to my knee, I tripped on the kerb",
    ],
)
def test_everyday_medicine_and_tripping_words_are_not_an_emergency(text: str) -> None:
    assert screen(text)["triage_level"] != "emergency"


@pytest.mark.parametrize(
    "text",
    [
        "If I ever got chest pain I'd ring an ambulance, this is just tight glutes from cycling",
        "short of breath on the stairs for a good while now, GP knows about it",
    ],
)
def test_a_flags_own_unless_words_cancel_all_its_triggers(text: str) -> None:
    assert screen(text)["triage_level"] != "emergency"


@pytest.mark.parametrize(
    ("text", "flag"),
    [
        ("Home machine read 186/112 this morning, I don't take anything for it", "heart_condition"),
        (
            "Temperature 39.5, head pounding and I can't get my chin down to my chest",
            "worst_headache",
        ),
    ],
)
def test_more_signs_in_everyday_words(text: str, flag: str) -> None:
    assert flag in flags(text) | asks(text)
