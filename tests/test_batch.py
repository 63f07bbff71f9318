"""Many councils on a real Dask cluster: one corrupt council fails alone, after one retry."""

from __future__ import annotations

import pandas as pd
import pytest
from typer.testing import CliRunner

from sendlib.cli import app
from sendlib.data.demo import generate_councils
from sendlib.ops.batch import parse_months


def test_months_range_parses_inclusively():
    assert [str(m) for m in parse_months("2024-11:2025-01")] == ["2024-11", "2024-12", "2025-01"]
    assert [str(m) for m in parse_months("2025-01")] == ["2025-01"]
    with pytest.raises(ValueError, match="before the first"):
        parse_months("2025-02:2025-01")


@pytest.mark.slow
def test_dask_batch_reports_the_corrupt_council_and_renders_the_rest(tmp_path):
    root = tmp_path / "councils"
    generate_councils(root, 3, seed=7, end=pd.Period("2025-06", freq="M"))
    (root / "LA002" / "plans.csv").write_text("not,the,plans,file\n1,2,3,4\n")
    out = tmp_path / "out"
    result = CliRunner().invoke(
        app,
        [
            "batch",
            "--data-root",
            str(root),
            "--months",
            "2025-05:2025-06",
            "--out",
            str(out),
            "--workers",
            "2",
        ],
        terminal_width=200,
    )
    assert result.exit_code == 1
    assert "4 ok, 2 failed" in result.output
    assert "plans.csv" in result.output and "failed" in result.output
    for council in ("LA001", "LA003"):
        for month in ("2025-05", "2025-06"):
            card = pd.read_csv(out / council / month / "scorecard.csv")
            assert len(card) > 0 and (out / council / month / "scorecard.xlsx").exists()
    assert not (out / "LA002").exists()
    attempts = (out / ".batch" / "attempts.log").read_text().splitlines()
    assert attempts.count("LA002 load") == 2  # retried once
    assert "LA002 2025-05" not in attempts  # its months never ran on bad data
    assert attempts.count("LA001 load") == 1 and attempts.count("LA001 2025-05") == 1
