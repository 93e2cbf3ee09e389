"""Quality gate: the clinical engine meets its targets on the written vignettes."""

from __future__ import annotations

import pytest

from bot.bench.clinical import Report, evaluate, load_vignettes


@pytest.fixture(scope="module")
def report() -> Report:
    today, cases = load_vignettes()
    result, _ = evaluate(cases, today=today, repeat=2)
    return result


def test_the_set_is_large_and_covers_the_catalogue() -> None:
    from actions.clinical.contract import CONDITION_CODES, RED_FLAG_LEVELS

    _, cases = load_vignettes()
    assert len(cases) >= 60
    assert {c.conditions[0] for c in cases if c.conditions} == set(CONDITION_CODES)
    form_only = {"reported_emergency"}  # a "yes" on the safety checklist, never words
    assert set().union(*(c.red_flags for c in cases)) == set(RED_FLAG_LEVELS) - form_only
    assert sum(1 for c in cases if c.triage == "routine") >= 10


def test_condition_accuracy(report: Report) -> None:
    assert report.top3 >= 0.90, report.failures
    assert report.top1 >= 0.75, report.failures


def test_red_flag_recall(report: Report) -> None:
    assert report.recall["emergency"] == 1.0, report.failures
    assert report.recall["physician_clearance"] == 1.0, report.failures


def test_false_alarms(report: Report) -> None:
    assert report.false_alarm_rate <= 0.05, report.failures


def test_latency(report: Report) -> None:
    # The target is < 5 ms per analysis; shared CI machines get some slack.
    assert report.analyze_ms_mean < 5.0
    assert report.assess_ms_mean < 25.0
