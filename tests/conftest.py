"""Shared fixtures: the tiny council, and the demo council generated once per test run."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from helpers import TINY, write_tables
from sendlib.startup import as_sendlib_process

as_sendlib_process()  # as sendlib's own processes do: seconds in each test process


@pytest.fixture
def tiny() -> dict[str, list[dict[str, str]]]:
    """A fresh copy of the tiny council, to be changed by a test."""
    return {name: [dict(row) for row in rows] for name, rows in TINY.items()}


@pytest.fixture
def tiny_dir(tmp_path: Path, tiny) -> Path:
    """The tiny council written to a temporary folder."""
    return write_tables(tmp_path / "data", tiny)


@pytest.fixture(scope="session")
def demo_data(tmp_path_factory) -> Path:
    """The synthetic council up to June 2025, generated once per test session."""
    from sendlib.demo import generate

    folder = tmp_path_factory.mktemp("demo-2025-06")
    generate(folder, seed=42, end=pd.Period("2025-06", freq="M"))
    return folder
