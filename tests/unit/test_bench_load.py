"""The load benchmark's own arithmetic and argument checks (it starts nothing here)."""

from __future__ import annotations

import os

import pytest

from bot.bench.load import STEPS, LevelResult, _cpu_ticks, expected_text, main, render
from bot.bench.stats import percentile


def test_percentile_is_nearest_rank() -> None:
    values = [float(v) for v in range(1, 101)]
    assert percentile(values, 50) == 50.0
    assert percentile(values, 95) == 95.0
    assert percentile(values, 99) == 99.0
    assert percentile([7.0], 95) == 7.0
    assert percentile([], 95) == 0.0


def test_every_step_expects_a_question_and_the_last_the_reference() -> None:
    assert all(expected_text(slot) for _, slot in STEPS)
    assert STEPS[-1][1] is None and "reference" in expected_text(None).lower()


def test_cpu_ticks_of_this_process_and_of_a_gone_one() -> None:
    assert _cpu_ticks(os.getpid()) >= 0
    assert _cpu_ticks(2**22 + 12345) == 0  # no such process: 0, not an error


def test_the_table_names_the_pacing() -> None:
    row = LevelResult(
        backend="sqlite, 2 Rasa workers via gateway",
        pacing="think 3 s",
        patients=10,
        messages=180,
        seconds=72.0,
        p50_ms=60.0,
        p95_ms=96.0,
        p99_ms=109.0,
        messages_per_s=2.5,
        content_errors=0,
        http_errors={},
        replays=17,
        replay_mismatches=0,
        lost_turns=0,
        duplicated_turns=0,
        untagged_user_events=0,
        examples=[],
    )
    table = render([row])
    assert "| pacing |" in table.splitlines()[0]
    assert "| think 3 s | 10 | 180 | 60.0 | 96.0 | 109.0 | 2.5 |" in table


@pytest.mark.parametrize(
    "argv",
    [
        ["--think-s", "three"],
        ["--think-s", "-1"],
        ["--levels", "0"],
        ["--levels", "501"],
        ["--retry-rate", "2"],
        ["--rasa-workers", "0"],
    ],
)
def test_impossible_arguments_are_refused_before_anything_starts(
    argv: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit) as exit_info:
        main(argv)
    assert exit_info.value.code == 2
    assert "error:" in capsys.readouterr().err
