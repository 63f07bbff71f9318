"""The report month as the command line and a run's request hold it (``sendlib.months``)."""

from __future__ import annotations

import datetime as dt
import subprocess
import sys

import pandas as pd
import pytest

from sendlib.data.dates import last_complete_month
from sendlib.months import Month, months_between, parse_months
from sendlib.ops.request import RunRequest
from sendlib.paper.sections import SECTIONS, Later


def test_a_month_reads_writes_and_counts_like_a_pandas_month():
    month = Month.parse(" 2026-10 ")
    assert (
        str(month) == "2026-10" and f"{month:%B %Y}" == "October 2026" and f"{month}" == "2026-10"
    )
    assert month.period == pd.Period("2026-10", freq="M")
    assert month.end == dt.date(2026, 10, 31) and Month(2024, 2).end == dt.date(2024, 2, 29)
    for step in (-25, -10, -1, 0, 1, 2, 3, 14):
        assert str(month + step) == str(pd.Period("2026-10", freq="M") + step)
        assert month - step == month + (-step)
    assert Month.of(pd.Period("2025-01", freq="M")) == Month(2025, 1) == Month.of("2025-01")
    assert Month.of(dt.date(2025, 1, 31)) == Month(2025, 1) and Month(2025, 1) < Month(2025, 2)
    assert months_between(Month(2025, 11), Month(2026, 2)) == [
        Month(2025, 11),
        Month(2025, 12),
        Month(2026, 1),
        Month(2026, 2),
    ]
    assert months_between(Month(2026, 2), Month(2025, 11)) == []


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("2026-13", "month '2026-13': there is no month 13 (months are 01 to 12)"),
        ("Oct 2026", "month 'Oct 2026' is not written YYYY-MM (for example 2025-06)"),
        ("2026-1", "is not written YYYY-MM"),
    ],
)
def test_a_month_not_written_yyyy_mm_says_why(text, message):
    with pytest.raises(ValueError, match=message.replace("(", r"\(").replace(")", r"\)")):
        Month.parse(text)
    with pytest.raises(ValueError, match=message.replace("(", r"\(").replace(")", r"\)")):
        parse_months(f"2026-01:{text}")  # the batch's range parser says the same


def test_the_last_complete_month_is_the_one_before_today():
    assert Month.last_complete(dt.date(2026, 1, 1)) == Month(2025, 12)
    assert Month.last_complete(dt.date(2026, 11, 30)) == Month(2026, 10)
    assert last_complete_month(dt.date(2026, 3, 31)) == pd.Period("2026-02", freq="M")


def test_a_request_holds_its_month_however_it_was_given():
    for given in (pd.Period("2026-10", freq="M"), "2026-10", Month(2026, 10)):
        request = RunRequest(month=given)
        assert request.month == Month(2026, 10) and request.label == "2026-10"
    assert RunRequest(month="2026-10").for_month(pd.Period("2026-09", "M")).month == Month(2026, 9)


def test_every_section_function_named_in_the_registry_exists():
    named = [f for s in SECTIONS for f in (s.facts, s.counts, s.manifest) if isinstance(f, Later)]
    assert len(named) == 18
    for later in named:
        assert callable(later.resolve()), later


@pytest.mark.slow
def test_the_command_line_and_a_run_load_no_figures_code_until_notebooks_run():
    code = (
        "import sys, sendlib.cli.commands, sendlib.ops.runner, sendlib.ops.archive\n"
        "from sendlib.paper.sections import SECTIONS\n"
        "print(sorted({'pandas', 'numpy', 'pyarrow'} & set(sys.modules)))"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "[]"
