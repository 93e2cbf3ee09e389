"""Staff FAQs: listing the shipped ones, adding one, refusing bad entries."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from bot.faq import Faq, FaqError, add_faq, list_faqs

QUESTIONS = ["where can I park", "is there parking nearby", "do you have a car park"]


def test_shipped_faqs_all_have_questions_and_answers() -> None:
    faqs = {f.key: f for f in list_faqs()}
    assert {"insurance", "vs_spa", "conditions_helped", "prescription"} <= set(faqs)
    for faq in faqs.values():
        assert len(faq.questions) >= 10, faq.key
        assert faq.answer, faq.key


def test_adding_an_faq_writes_training_data_and_answer(tmp_path: Path) -> None:
    nlu, domain = tmp_path / "nlu.yml", tmp_path / "domain.yml"
    stored = add_faq(
        Faq("parking", [*QUESTIONS, " where can I  park "], "  Free parking behind the clinic. "),
        nlu_file=nlu,
        domain_file=domain,
        existing=[],
    )
    assert stored.questions == QUESTIONS and stored.answer == "Free parking behind the clinic."
    assert yaml.safe_load(nlu.read_text())["nlu"] == [
        {"intent": "faq/parking", "examples": "".join(f"- {q}\n" for q in QUESTIONS)}
    ]
    assert yaml.safe_load(domain.read_text())["responses"] == {
        "utter_faq/parking": [{"text": "Free parking behind the clinic."}]
    }


@pytest.mark.parametrize(
    ("faq", "message"),
    [
        (Faq("Parking!", QUESTIONS, "x" * 20), "the key must be"),
        (Faq("insurance", QUESTIONS, "x" * 20), "already exists"),
        (Faq("parking", QUESTIONS[:2], "x" * 20), "at least 3"),
        (Faq("parking", QUESTIONS, "   "), "the answer is empty"),
        (Faq("parking", QUESTIONS, "x" * 1001), "longer than 1000"),
        (
            Faq("parking", [*QUESTIONS[:2], "is medical massage covered by insurance"], "x" * 20),
            "already belongs",
        ),
    ],
)
def test_bad_entries_are_refused_with_a_clear_message(
    faq: Faq, message: str, tmp_path: Path
) -> None:
    existing = [Faq("insurance", ["is medical massage covered by insurance"], "Often.")]
    with pytest.raises(FaqError, match=message):
        add_faq(faq, nlu_file=tmp_path / "n.yml", domain_file=tmp_path / "d.yml", existing=existing)
    assert not (tmp_path / "n.yml").exists()
