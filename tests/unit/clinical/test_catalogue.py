"""Catalogue loading: contract ids present, and clear errors for broken files."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml

from actions.clinical import CatalogueError, default_catalogue, load_catalogue
from actions.clinical.contract import (
    CONDITION_CODES,
    RED_FLAG_LEVELS,
    REGION_IDS,
    TECHNIQUE_CODES,
    TRIAGE_LEVELS,
)
from actions.clinical.loader import DEFAULT_DIRECTORY

SEED_TECHNIQUES = {
    "swedish_massage",
    "deep_tissue_massage",
    "myofascial_release",
    "trigger_point_therapy",
    "neuromuscular_therapy",
}
SEED_CONDITIONS = {
    "fibromyalgia",
    "arthritis",
    "sports_injury",
    "carpal_tunnel_syndrome",
    "tension_headache",
    "muscle_spasm",
    "thoracic_outlet_syndrome",
    "stress_tension",
    "post_surgical_rehab",
    "whiplash",
    "scar_tissue",
}


def test_every_contract_id_is_in_the_catalogue() -> None:
    cat = default_catalogue()
    assert set(cat.region_by_id) >= REGION_IDS
    assert set(cat.condition_by_id) >= set(CONDITION_CODES)
    assert set(cat.technique_by_id) >= set(TECHNIQUE_CODES)
    assert set(cat.red_flag_by_id) >= set(RED_FLAG_LEVELS)
    assert [level.id for level in cat.levels] == list(TRIAGE_LEVELS)
    assert set(cat.technique_by_id) >= SEED_TECHNIQUES
    assert set(cat.condition_by_id) >= SEED_CONDITIONS


def test_contract_codes_and_levels_match() -> None:
    cat = default_catalogue()
    for condition_id, code in CONDITION_CODES.items():
        if code:
            assert cat.condition_by_id[condition_id].icd10 == code
    for technique_id, cpt in TECHNIQUE_CODES.items():
        assert cat.technique_by_id[technique_id].cpt == cpt
    for flag_id, level in RED_FLAG_LEVELS.items():
        assert cat.red_flag_by_id[flag_id].level == level


def test_every_flag_has_advice_and_technique_rules() -> None:
    for flag in default_catalogue().red_flags:
        assert len(flag.advice) > 40
        assert flag.techniques


def test_heart_conditions_need_clearance_not_massage_claims() -> None:
    heart = default_catalogue().red_flag_by_id["heart_condition"]
    assert heart.level == "physician_clearance"
    assert "doctor" in heart.advice


def test_condition_descriptions_are_not_worded_as_diagnoses() -> None:
    for condition in default_catalogue().conditions:
        text = condition.description.lower()
        assert "you have" not in text
        assert "diagnos" not in text


def test_the_shipped_directory_loads_from_a_path(tmp_path: Path) -> None:
    copy = tmp_path / "cat"
    shutil.copytree(DEFAULT_DIRECTORY, copy)
    assert len(load_catalogue(copy).conditions) == len(default_catalogue().conditions)


def _broken_copy(tmp_path: Path, filename: str, change: Callable[[dict[str, Any]], None]) -> Path:
    copy = tmp_path / "cat"
    shutil.copytree(DEFAULT_DIRECTORY, copy)
    path = copy / filename
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    change(data)
    path.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
    return copy


def _entry(data: dict[str, Any], section: str, ident: str) -> dict[str, Any]:
    return next(e for e in data[section] if e["id"] == ident)


@pytest.mark.parametrize(
    ("filename", "change", "words"),
    [
        (
            "conditions.yml",
            lambda d: _entry(d, "conditions", "sciatica")["techniques"].append(
                {"id": "reiki", "why": "no"}
            ),
            ["conditions.yml", "sciatica", "unknown technique id 'reiki'"],
        ),
        (
            "conditions.yml",
            lambda d: _entry(d, "conditions", "fibromyalgia").pop("icd10"),
            ["conditions.yml", "fibromyalgia", "icd10"],
        ),
        (
            "conditions.yml",
            lambda d: _entry(d, "conditions", "arthritis").update(icd10="not-a-code"),
            ["conditions.yml", "arthritis", "ICD-10"],
        ),
        (
            "conditions.yml",
            lambda d: d["conditions"].append(dict(_entry(d, "conditions", "neck_pain"))),
            ["conditions.yml", "neck_pain", "duplicate id"],
        ),
        (
            "conditions.yml",
            lambda d: _entry(d, "conditions", "tmj_disorder")["findings"].append(
                {"kind": "region", "ids": ["elbowz"], "weight": 1}
            ),
            ["conditions.yml", "tmj_disorder", "unknown region id 'elbowz'"],
        ),
        (
            "red_flags.yml",
            lambda d: _entry(d, "red_flags", "pregnancy").update(level="urgent"),
            ["red_flags.yml", "pregnancy", "level"],
        ),
        (
            "red_flags.yml",
            lambda d: _entry(d, "red_flags", "chest_pain").update(level="caution"),
            ["red_flags.yml", "chest_pain", "less urgent"],
        ),
        (
            "red_flags.yml",
            lambda d: d["red_flags"].remove(_entry(d, "red_flags", "blood_clot")),
            ["red_flags.yml", "missing contract red flag", "blood_clot"],
        ),
        (
            "red_flags.yml",
            lambda d: _entry(d, "red_flags", "anticoagulants")["techniques"].update(
                {"cupping": {"action": "avoid", "note": "x"}}
            ),
            ["red_flags.yml", "anticoagulants", "unknown technique id 'cupping'"],
        ),
        (
            "techniques.yml",
            lambda d: _entry(d, "techniques", "stretching").update(cpt="9714"),
            ["techniques.yml", "stretching", "CPT"],
        ),
        (
            "regions.yml",
            lambda d: d["regions"].remove(_entry(d, "regions", "jaw")),
            ["regions.yml", "missing contract region", "jaw"],
        ),
    ],
)
def test_broken_catalogue_names_file_and_entry(
    tmp_path: Path, filename: str, change: Callable[[dict[str, Any]], None], words: list[str]
) -> None:
    directory = _broken_copy(tmp_path, filename, change)
    with pytest.raises(CatalogueError) as caught:
        load_catalogue(directory)
    message = str(caught.value)
    for word in words:
        assert word in message


def test_invalid_yaml_and_missing_file_are_reported(tmp_path: Path) -> None:
    copy = tmp_path / "cat"
    shutil.copytree(DEFAULT_DIRECTORY, copy)
    (copy / "symptoms.yml").write_text("symptoms: [unclosed", encoding="utf-8")
    with pytest.raises(CatalogueError, match=r"symptoms\.yml: not valid YAML"):
        load_catalogue(copy)
    (copy / "symptoms.yml").unlink()
    with pytest.raises(CatalogueError, match=r"symptoms\.yml: file is missing"):
        load_catalogue(copy)
