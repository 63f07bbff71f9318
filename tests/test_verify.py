"""``sendlib verify`` compares the code as well as the files: sendlib's source hash, the
checkout's commit and the recorded packages' versions."""

from __future__ import annotations

import json

import pytest

from sendlib.ops import manifest as mf
from sendlib.ops.verify import verify


def made_here(folder, **changes):
    """A manifest of a paper made by exactly this code (no files read), with ``changes``."""
    folder.mkdir(exist_ok=True)
    manifest = {
        "parameters": {"data_dir": str(folder / "data"), "params_dir": str(folder / "params")},
        "sections": [],
        "team": "",
        "month": "2025-06",
        "code_hash": mf.code_hash(),
        "git_commit": mf.git_commit(),
        "packages": mf.package_versions(),
        **changes,
    }
    (folder / "manifest.json").write_text(json.dumps(manifest))
    return folder


def test_a_paper_made_by_this_code_matches(tmp_path):
    assert verify(made_here(tmp_path)) == []


def test_other_source_is_a_difference(tmp_path):
    problems = verify(made_here(tmp_path, code_hash="0" * 20))
    assert problems == [
        ("code", "sendlib", f"source hash {mf.code_hash()}, the paper's was {'0' * 20}")
    ]


def test_another_commit_is_a_difference(tmp_path):
    if mf.git_commit() == "unknown":
        pytest.skip("no git checkout here to compare a commit with")
    problems = verify(made_here(tmp_path, git_commit="f" * 40))
    assert problems == [
        ("code", "git commit", f"checked out {mf.git_commit()}, the paper's was {'f' * 40}")
    ]


def test_a_commit_is_not_compared_where_the_paper_had_no_git(tmp_path):
    assert verify(made_here(tmp_path, git_commit="unknown")) == []


def test_another_package_version_is_a_difference(tmp_path):
    packages = {**mf.package_versions(), "pandas": "0.0.1"}
    problems = verify(made_here(tmp_path, packages=packages))
    assert problems == [
        ("package", "pandas", f"{mf.package_versions()['pandas']} here, the paper's was 0.0.1")
    ]
