"""Load the YAML catalogue into validated objects, with errors that name file and entry.

``load_catalogue(directory)`` reads any catalogue directory (tests use broken copies);
``default_catalogue()`` loads the shipped one once, on first use.
"""

from __future__ import annotations

import functools
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

import yaml
from pydantic import BaseModel, ValidationError

from actions.clinical import contract
from actions.clinical.models import (
    Condition,
    HistoryItem,
    LevelInfo,
    Lexicon,
    Mechanism,
    Medication,
    RedFlag,
    Region,
    ScoringParams,
    Symptom,
    Technique,
    UrgencyRules,
)

#: The shipped catalogue, next to this module.
DEFAULT_DIRECTORY = Path(__file__).resolve().parent / "catalogue"

M = TypeVar("M", bound=BaseModel)

# The C loader is ~10x faster; both are safe loaders.
_YAML_LOADER: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class CatalogueError(ValueError):
    """The catalogue is broken; the message names the file and the entry."""


@dataclass(frozen=True)
class Catalogue:
    """Every catalogue file, validated and cross-checked, with id lookups."""

    directory: Path
    regions: tuple[Region, ...]
    symptoms: tuple[Symptom, ...]
    mechanisms: tuple[Mechanism, ...]
    history: tuple[HistoryItem, ...]
    medications: tuple[Medication, ...]
    techniques: tuple[Technique, ...]
    conditions: tuple[Condition, ...]
    red_flags: tuple[RedFlag, ...]
    levels: tuple[LevelInfo, ...]
    lexicon: Lexicon
    scoring: ScoringParams
    #: The compositional danger screen (``urgency.yml``); None when the file is absent.
    urgency: UrgencyRules | None = None
    region_by_id: Mapping[str, Region] = field(default_factory=dict)
    technique_by_id: Mapping[str, Technique] = field(default_factory=dict)
    condition_by_id: Mapping[str, Condition] = field(default_factory=dict)
    red_flag_by_id: Mapping[str, RedFlag] = field(default_factory=dict)
    mechanism_by_id: Mapping[str, Mechanism] = field(default_factory=dict)
    medication_by_id: Mapping[str, Medication] = field(default_factory=dict)


def _read_yaml(path: Path) -> Any:
    if not path.is_file():
        raise CatalogueError(f"{path}: file is missing")
    try:
        with path.open(encoding="utf-8") as handle:
            return yaml.load(handle, Loader=_YAML_LOADER)
    except yaml.YAMLError as exc:
        raise CatalogueError(f"{path}: not valid YAML: {exc}") from exc
    except (OSError, UnicodeDecodeError) as exc:
        raise CatalogueError(f"{path}: cannot be read: {exc}") from exc


def _explain(exc: ValidationError) -> str:
    parts = []
    for error in exc.errors()[:3]:
        where = ".".join(str(item) for item in error["loc"]) or "entry"
        parts.append(f"{where}: {error['msg']}")
    return "; ".join(parts)


def _entry_name(raw: Any, index: int) -> str:
    if isinstance(raw, Mapping) and isinstance(raw.get("id"), str):
        return f"entry {index} (id {raw['id']!r})"
    return f"entry {index}"


def _section(path: Path, key: str) -> Any:
    data = _read_yaml(path)
    if not isinstance(data, Mapping) or key not in data:
        raise CatalogueError(f"{path}: expected a top-level `{key}:` key")
    return data[key]


def _load_list(path: Path, key: str, model: type[M]) -> tuple[M, ...]:
    raw_entries = _section(path, key)
    if not isinstance(raw_entries, Sequence) or isinstance(raw_entries, str):
        raise CatalogueError(f"{path}: `{key}` must be a list of entries")
    entries: list[M] = []
    seen: set[str] = set()
    for index, raw in enumerate(raw_entries):
        name = _entry_name(raw, index)
        try:
            entry = model.model_validate(raw)
        except ValidationError as exc:
            raise CatalogueError(f"{path}: {name}: {_explain(exc)}") from exc
        ident = str(getattr(entry, "id", index))
        if ident in seen:
            raise CatalogueError(f"{path}: {name}: duplicate id {ident!r}")
        seen.add(ident)
        entries.append(entry)
    return tuple(entries)


def _load_one(path: Path, key: str, model: type[M]) -> M:
    raw = _section(path, key)
    try:
        return model.model_validate(raw)
    except ValidationError as exc:
        raise CatalogueError(f"{path}: `{key}`: {_explain(exc)}") from exc


def _require_ids(path: Path, kind: str, have: Sequence[str], need: set[str]) -> None:
    missing = sorted(need - set(have))
    if missing:
        raise CatalogueError(f"{path}: missing contract {kind} id(s): {', '.join(missing)}")


def _check_conditions(cat: Catalogue) -> None:
    path = cat.directory / "conditions.yml"
    known: dict[str, set[str]] = {
        "region": set(cat.region_by_id),
        "symptom": {s.id for s in cat.symptoms},
        "mechanism": set(cat.mechanism_by_id),
        "chronicity": set(contract.CHRONICITIES),
        "history": {h.id for h in cat.history},
        "medication": {c for m in cat.medications for c in m.classes},
        "part": {t.part for r in cat.regions for t in r.terms if t.part},
    }
    _require_ids(path, "condition", [c.id for c in cat.conditions], set(contract.CONDITION_CODES))
    for index, condition in enumerate(cat.conditions):
        name = f"entry {index} (id {condition.id!r})"
        base = contract.CONDITION_CODES.get(condition.id)
        if base and condition.icd10 != base:
            raise CatalogueError(
                f"{path}: {name}: icd10 {condition.icd10!r} differs from the contract's {base!r}"
            )
        for finding in condition.findings:
            if finding.kind == "keyword":
                continue
            for ident in finding.ids:
                if ident not in known[finding.kind]:
                    raise CatalogueError(
                        f"{path}: {name}: unknown {finding.kind} id {ident!r} in findings"
                    )
        for use in condition.techniques:
            if use.id not in cat.technique_by_id:
                raise CatalogueError(f"{path}: {name}: unknown technique id {use.id!r}")
        for variant in condition.icd10_variants:
            for region in variant.regions or ():
                if region not in known["region"]:
                    raise CatalogueError(
                        f"{path}: {name}: unknown region {region!r} in icd10_variants"
                    )
            for part in variant.parts or ():
                if part not in known["part"]:
                    raise CatalogueError(f"{path}: {name}: unknown part {part!r} in icd10_variants")


def _check_red_flags(cat: Catalogue) -> None:
    path = cat.directory / "red_flags.yml"
    _require_ids(path, "red flag", [f.id for f in cat.red_flags], set(contract.RED_FLAG_LEVELS))
    classes = {c for m in cat.medications for c in m.classes}
    for index, flag in enumerate(cat.red_flags):
        name = f"entry {index} (id {flag.id!r})"
        minimum = contract.RED_FLAG_LEVELS.get(flag.id)
        if minimum and contract.level_rank(flag.level) > contract.level_rank(minimum):
            raise CatalogueError(
                f"{path}: {name}: level {flag.level!r} is less urgent than the contract's "
                f"{minimum!r}"
            )
        for technique in flag.techniques:
            if technique != "*" and technique not in cat.technique_by_id:
                raise CatalogueError(f"{path}: {name}: unknown technique id {technique!r}")
        for other in flag.supersedes:
            if other not in cat.red_flag_by_id:
                raise CatalogueError(f"{path}: {name}: supersedes unknown red flag {other!r}")
        for drug_class in flag.medication_classes:
            if drug_class not in classes:
                raise CatalogueError(f"{path}: {name}: unknown medication class {drug_class!r}")


def _check(cat: Catalogue) -> None:
    _require_ids(
        cat.directory / "regions.yml", "region", list(cat.region_by_id), set(contract.REGION_IDS)
    )
    _require_ids(
        cat.directory / "techniques.yml",
        "technique",
        list(cat.technique_by_id),
        set(contract.TECHNIQUE_CODES),
    )
    _require_ids(
        cat.directory / "levels.yml",
        "triage level",
        [level.id for level in cat.levels],
        set(contract.TRIAGE_LEVELS),
    )
    _check_conditions(cat)
    _check_red_flags(cat)
    _check_urgency(cat)


def _check_urgency(cat: Catalogue) -> None:
    if cat.urgency is None:
        return
    path = cat.directory / "urgency.yml"
    named = [(r.id, r.flag) for r in cat.urgency.rules] + [
        (r.id, r.otherwise) for r in cat.urgency.rules if r.otherwise is not None
    ]
    named.append(("blood_pressure", cat.urgency.blood_pressure.flag))
    for rule, flag in named:
        if flag not in cat.red_flag_by_id:
            raise CatalogueError(f"{path}: rule {rule!r}: unknown red flag {flag!r}")


def load_catalogue(directory: Path | str | None = None) -> Catalogue:
    """Read, validate and cross-check every catalogue file in ``directory``.

    Raises :class:`CatalogueError` naming the file and the entry on any mistake.
    """
    root = Path(directory) if directory is not None else DEFAULT_DIRECTORY
    regions = _load_list(root / "regions.yml", "regions", Region)
    techniques = _load_list(root / "techniques.yml", "techniques", Technique)
    conditions = _load_list(root / "conditions.yml", "conditions", Condition)
    red_flags = _load_list(root / "red_flags.yml", "red_flags", RedFlag)
    mechanisms = _load_list(root / "mechanisms.yml", "mechanisms", Mechanism)
    medications = _load_list(root / "medications.yml", "medications", Medication)
    cat = Catalogue(
        directory=root,
        regions=regions,
        symptoms=_load_list(root / "symptoms.yml", "symptoms", Symptom),
        mechanisms=mechanisms,
        history=_load_list(root / "history.yml", "history", HistoryItem),
        medications=medications,
        techniques=techniques,
        conditions=conditions,
        red_flags=red_flags,
        levels=_load_list(root / "levels.yml", "levels", LevelInfo),
        lexicon=_load_flat(root / "lexicon.yml", Lexicon),
        scoring=_load_one(root / "scoring.yml", "scoring", ScoringParams),
        urgency=_load_flat(root / "urgency.yml", UrgencyRules)
        if (root / "urgency.yml").exists()
        else None,
        region_by_id={r.id: r for r in regions},
        technique_by_id={t.id: t for t in techniques},
        condition_by_id={c.id: c for c in conditions},
        red_flag_by_id={f.id: f for f in red_flags},
        mechanism_by_id={m.id: m for m in mechanisms},
        medication_by_id={m.id: m for m in medications},
    )
    _check(cat)
    return cat


def _load_flat(path: Path, model: type[M]) -> M:
    """A file whose top level is the model itself (the lexicon)."""
    data = _read_yaml(path)
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        raise CatalogueError(f"{path}: {_explain(exc)}") from exc


@functools.cache
def default_catalogue() -> Catalogue:
    """The shipped catalogue, loaded and checked once on first use."""
    return load_catalogue(DEFAULT_DIRECTORY)
