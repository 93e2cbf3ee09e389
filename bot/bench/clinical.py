"""Benchmark of the clinical engine on the written vignettes.

``python -m bot.bench.clinical [--vignettes PATH] [--json]`` prints top-1/top-3
accuracy, red-flag recall per level, the false-alarm rate and per-call latency of
``assess`` and ``analyze`` (after a warm-up).
"""

from __future__ import annotations

import argparse
import datetime
import json
import statistics
import sys
import time
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import yaml

from actions.clinical import analyze, assess
from actions.clinical.contract import RED_FLAG_LEVELS
from bot.bench.stats import percentile

REPO = Path(__file__).resolve().parents[2]
DEFAULT_VIGNETTES = REPO / "tests" / "clinical" / "vignettes.yml"
TARGETS = {
    "top3": 0.90,
    "top1": 0.75,
    "recall_emergency": 1.0,
    "recall_physician_clearance": 1.0,
    "false_alarm_rate": 0.05,
    "latency_ms": 5.0,
}


@dataclass(frozen=True)
class Vignette:
    """One written case: the answers and what the engine should conclude."""

    id: str
    answers: dict[str, str]
    conditions: tuple[str, ...]
    triage: str
    red_flags: frozenset[str]


@dataclass
class Outcome:
    """What the engine concluded for one vignette."""

    id: str
    predicted: list[str]
    triage: str
    red_flags: list[str]
    missed: list[str] = field(default_factory=list)
    unexpected: list[str] = field(default_factory=list)


@dataclass
class Report:
    """The benchmark numbers."""

    vignettes: int
    top1: float
    top3: float
    scored: int
    triage_accuracy: float
    recall: dict[str, float]
    false_alarm_rate: float
    assess_ms_mean: float
    assess_ms_p95: float
    analyze_ms_mean: float
    analyze_ms_p95: float
    failures: list[dict[str, Any]]


def load_vignettes(path: Path = DEFAULT_VIGNETTES) -> tuple[datetime.date, list[Vignette]]:
    """The vignettes of ``path`` and the date they are written for."""
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    today = data.get("today") or datetime.date.today()
    cases = []
    for raw in data["vignettes"]:
        expect = raw["expect"]
        cases.append(
            Vignette(
                id=raw["id"],
                answers={k: str(v) for k, v in raw["answers"].items()},
                conditions=tuple(expect.get("conditions") or ()),
                triage=expect["triage"],
                red_flags=frozenset(expect.get("red_flags") or ()),
            )
        )
    return today, cases


def _time_ms(call: Any, arg: Any, repeat: int) -> list[float]:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        call(arg)
        times.append((time.perf_counter() - start) * 1000)
    return times


def evaluate(
    cases: list[Vignette], *, today: datetime.date, repeat: int = 5
) -> tuple[Report, list[Outcome]]:
    """Run every vignette through ``assess`` and measure quality and latency."""
    outcomes: list[Outcome] = []
    for case in cases:
        result = assess(case.answers, today=today)
        flags = [f["id"] for f in result["triage"]["red_flags"]]
        outcomes.append(
            Outcome(
                id=case.id,
                predicted=[c["id"] for c in result["suggested_conditions"]],
                triage=result["triage"]["level"],
                red_flags=flags,
                missed=sorted(case.red_flags - set(flags)),
                unexpected=sorted(set(flags) - case.red_flags),
            )
        )
    scored = [(c, o) for c, o in zip(cases, outcomes, strict=True) if c.conditions]
    top1 = sum(bool(o.predicted) and o.predicted[0] == c.conditions[0] for c, o in scored)
    top3 = sum(c.conditions[0] in o.predicted[:3] for c, o in scored)
    recall: dict[str, float] = {}
    for level in ("emergency", "physician_clearance", "caution"):
        expected = [
            (flag, o)
            for c, o in zip(cases, outcomes, strict=True)
            for flag in c.red_flags
            if RED_FLAG_LEVELS.get(flag) == level
        ]
        found = sum(flag in o.red_flags for flag, o in expected)
        recall[level] = found / len(expected) if expected else 1.0
    alarms = sum(bool(o.unexpected) for o in outcomes)
    triage_ok = sum(c.triage == o.triage for c, o in zip(cases, outcomes, strict=True))

    def warm(call: Any, arg: Any) -> None:
        for _ in range(3):
            call(arg)

    warm(lambda a: assess(a, today=today), cases[0].answers)
    assess_times: list[float] = []
    analyze_times: list[float] = []
    for case in cases:
        assess_times += _time_ms(lambda a: assess(a, today=today), case.answers, repeat)
        text = case.answers.get("chief_complaint", "")
        warm(analyze, text)
        analyze_times += _time_ms(analyze, text, repeat)
    failures = [
        {
            "id": o.id,
            "expected": list(c.conditions[:1]),
            "predicted": o.predicted[:3],
            "triage": f"{o.triage} (expected {c.triage})",
            "missed_flags": o.missed,
            "unexpected_flags": o.unexpected,
        }
        for c, o in zip(cases, outcomes, strict=True)
        if o.missed
        or o.unexpected
        or c.triage != o.triage
        or (c.conditions and (not o.predicted or o.predicted[0] != c.conditions[0]))
    ]
    report = Report(
        vignettes=len(cases),
        top1=top1 / len(scored) if scored else 1.0,
        top3=top3 / len(scored) if scored else 1.0,
        scored=len(scored),
        triage_accuracy=triage_ok / len(cases) if cases else 1.0,
        recall=recall,
        false_alarm_rate=alarms / len(cases) if cases else 0.0,
        assess_ms_mean=statistics.fmean(assess_times),
        assess_ms_p95=percentile(assess_times, 95),
        analyze_ms_mean=statistics.fmean(analyze_times),
        analyze_ms_p95=percentile(analyze_times, 95),
        failures=failures,
    )
    return report, outcomes


def meets_targets(report: Report) -> dict[str, bool]:
    """Each target and whether the report meets it."""
    return {
        "top3 >= 0.90": report.top3 >= TARGETS["top3"],
        "top1 >= 0.75": report.top1 >= TARGETS["top1"],
        "emergency recall = 1.00": report.recall["emergency"] >= TARGETS["recall_emergency"],
        "clearance recall = 1.00": report.recall["physician_clearance"]
        >= TARGETS["recall_physician_clearance"],
        "false alarms <= 0.05": report.false_alarm_rate <= TARGETS["false_alarm_rate"],
        "analyze < 5 ms": report.analyze_ms_mean < TARGETS["latency_ms"],
        "assess < 5 ms": report.assess_ms_mean < TARGETS["latency_ms"],
    }


def _print(report: Report) -> None:
    print(f"vignettes              {report.vignettes} ({report.scored} with expected conditions)")
    print(f"top-1 accuracy         {report.top1:.3f}")
    print(f"top-3 accuracy         {report.top3:.3f}")
    print(f"triage level accuracy  {report.triage_accuracy:.3f}")
    for level, value in report.recall.items():
        print(f"red-flag recall {level:<20} {value:.3f}")
    print(f"false-alarm rate       {report.false_alarm_rate:.3f}")
    print(
        f"assess  latency ms     mean {report.assess_ms_mean:.2f}  p95 {report.assess_ms_p95:.2f}"
    )
    print(
        f"analyze latency ms     mean {report.analyze_ms_mean:.2f}  p95 {report.analyze_ms_p95:.2f}"
    )
    for name, ok in meets_targets(report).items():
        print(f"target {name:<26} {'ok' if ok else 'MISSED'}")
    for failure in report.failures:
        print(f"  differs: {json.dumps(failure)}")


def main(argv: Sequence[str] | None = None) -> int:
    """Command line entry point; exit status 1 when a target is missed."""
    parser = argparse.ArgumentParser(prog="python -m bot.bench.clinical", description=__doc__)
    parser.add_argument("--vignettes", type=Path, default=DEFAULT_VIGNETTES)
    parser.add_argument("--json", action="store_true", help="print the report as JSON")
    parser.add_argument("--repeat", type=int, default=5, help="timed calls per vignette")
    args = parser.parse_args(argv)
    today, cases = load_vignettes(args.vignettes)
    report, _ = evaluate(cases, today=today, repeat=args.repeat)
    if args.json:
        print(json.dumps(asdict(report), indent=2))
    else:
        _print(report)
    return 0 if all(meets_targets(report).values()) else 1


if __name__ == "__main__":
    sys.exit(main())
