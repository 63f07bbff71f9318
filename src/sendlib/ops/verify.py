"""``sendlib verify``: does a published paper still match the data and code that made it?

Recomputes the hashes recorded in ``manifest.json`` — the input files, the parameters
files the paper read (report.yaml, the month's own file, the catalogue, the month's
narrative), the section notebooks and the published files themselves — and compares the
code: the hash of sendlib's source, the git commit and the versions of the packages that
shape the figures and the files. It lists every difference. Files the paper did not
read (another month's narrative, a stray file in the data folder) are no business of its,
but a new file it *would* read (a contract table, a narrative file for one of its
sections) is a difference. A paper "matches" when nothing differs.
"""

from __future__ import annotations

import json
from pathlib import Path

from sendlib.ops import manifest as mf
from sendlib.paper.narrative import narrative_files
from sendlib.paper.sections import SECTIONS

Problem = tuple[str, str, str]


def verify(folder: Path | str) -> list[Problem]:
    """(what, file, problem) for every difference; empty when the paper matches its inputs."""
    folder = Path(folder)
    manifest_path = folder / "manifest.json"
    if not manifest_path.exists():
        return [("manifest", str(manifest_path), "no manifest.json in this folder")]
    manifest = json.loads(manifest_path.read_text())
    params = manifest.get("parameters", {})
    data_dir, params_dir = Path(params.get("data_dir", "")), Path(params.get("params_dir", ""))
    problems = compare("input", data_dir, manifest.get("inputs", {}), mf.input_files(data_dir))
    recorded = manifest.get("params", {})
    now = {
        name: mf.sha256(_at(params_dir, name))
        for name in recorded
        if _at(params_dir, name).exists()
    }
    problems += compare("parameter", params_dir, recorded, now, new=False)
    sections = [s for s in SECTIONS if s.slug in manifest.get("sections", [])]
    if not manifest.get("team"):
        used, _ = narrative_files(params_dir, manifest.get("month", ""), sections)
        for path in used:
            name = str(path.relative_to(params_dir))
            if name not in recorded:
                problems.append(("parameter", str(path), "new narrative the paper did not show"))
    capacity = params_dir / "capacity.yaml"  # read by the Looking ahead section
    read_capacity = "looking_ahead" in manifest.get("sections", [])
    if read_capacity and capacity.exists() and "capacity.yaml" not in recorded:
        problems.append(("parameter", str(capacity), "new file the paper did not read"))
    outputs = manifest.get("outputs", {})
    now = {name: mf.sha256(folder / name) for name in outputs if (folder / name).exists()}
    problems += compare("output", folder, outputs, now, new=False)
    for name, digest in sorted(manifest.get("notebooks", {}).items()):
        path = Path("notebooks") / name
        if path.exists() and mf.sha256(path) != digest:
            problems.append(("notebook", str(path), "changed since the paper was made"))
    return problems + code(manifest)


def code(manifest: dict) -> list[Problem]:
    """Differences between the code that made the paper and the code here: sendlib's
    source (its hash), the checkout's commit (not compared where either has no git) and
    the recorded packages' versions."""
    problems = []
    recorded = manifest.get("code_hash")
    if recorded is not None and recorded != mf.code_hash():
        problems.append(
            ("code", "sendlib", f"source hash {mf.code_hash()}, the paper's was {recorded}")
        )
    commit, now = manifest.get("git_commit"), mf.git_commit()
    if commit not in (None, "unknown") and now != "unknown" and commit != now:
        problems.append(("code", "git commit", f"checked out {now}, the paper's was {commit}"))
    versions = mf.package_versions()
    for name, version in sorted(manifest.get("packages", {}).items()):
        if name in versions and versions[name] != version:
            problems.append(("package", name, f"{versions[name]} here, the paper's was {version}"))
    return problems


def compare(
    what: str, root: Path, recorded: dict[str, str], now: dict[str, str], new: bool = True
) -> list[Problem]:
    """Files missing or changed since they were recorded (and, with ``new``, added)."""
    problems = []
    for name, digest in sorted(recorded.items()):
        if name not in now:
            problems.append((what, str(_at(root, name)), "missing"))
        elif now[name] != digest:
            problems.append((what, str(_at(root, name)), "changed since the paper was made"))
    if new:
        for name in sorted(set(now) - set(recorded)):
            problems.append((what, str(_at(root, name)), "new file the paper did not read"))
    return problems


def _at(root: Path, name: str) -> Path:
    path = Path(name)
    return path if path.is_absolute() else root / path
