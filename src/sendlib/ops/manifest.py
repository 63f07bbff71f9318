"""What made a paper: parameters, code version, input hashes, package versions, timings.

Everything a run depends on lands in ``manifest.json`` so the paper can be re-created
byte for byte from the same inputs, and ``sendlib verify`` can say what changed since.
"""

from __future__ import annotations

import hashlib
import json
import subprocess
from functools import cache
from importlib import metadata
from pathlib import Path

from sendlib.ops.request import RunRequest
from sendlib.paper.narrative import narrative_files
from sendlib.paper.sections import Section

FIGURES = "figures.json"  # in the run's work folder: what sections record in the manifest
REFERENCE_DOCX = "reference.docx"  # the council's Word styles, when in PARAMS

PACKAGES = (
    "sendlib",
    "pandas",
    "numpy",
    "pyarrow",
    "pandera",
    "pydantic",
    "matplotlib",
    "papermill",
    "nbformat",
    "nbconvert",
    "nbclient",
    "ipykernel",
    "weasyprint",
    "openpyxl",
    "markdown-it-py",
    "statsmodels",
    "scipy",
)


def sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def file_hashes(folder: Path | str, pattern: str = "*") -> dict[str, str]:
    """sha256 of every file in a folder (recursively), keyed by relative path, sorted."""
    folder = Path(folder)
    if not folder.exists():
        return {}
    files = sorted(p for p in folder.rglob(pattern) if p.is_file() and not p.name.startswith("."))
    return {str(p.relative_to(folder)): sha256(p) for p in files}


def combined_hash(*parts: dict[str, str] | str) -> str:
    """One short hash of several hash maps / strings (order-stable)."""
    digest = hashlib.sha256()
    for part in parts:
        items = sorted(part.items()) if isinstance(part, dict) else [("", part)]
        for key, value in items:
            digest.update(f"{key}={value}\n".encode())
    return digest.hexdigest()[:20]


def package_versions() -> dict[str, str]:
    out = {}
    for name in PACKAGES:
        try:
            out[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            out[name] = "not installed"
    return out


def git_commit(root: Path | str = ".") -> str:
    """The checked-out commit, with '+dirty' when the tree has uncommitted changes."""
    try:
        sha = subprocess.run(
            ["git", "rev-parse", "HEAD"],
            cwd=root,
            capture_output=True,
            text=True,
            check=True,
            timeout=30,
        ).stdout.strip()
        dirty = subprocess.run(
            ["git", "status", "--porcelain", "--untracked-files=no"],
            cwd=root,
            capture_output=True,
            text=True,
            timeout=30,
        ).stdout.strip()
        return sha + ("+dirty" if dirty else "")
    except (OSError, subprocess.SubprocessError):  # no git, not a clone, or git hung
        return "unknown"


@cache
def code_hash() -> str:
    """Hash of sendlib's own source files (identifies the code when git is not available)."""
    root = Path(__file__).parents[1]
    return combined_hash(
        file_hashes(root, "*.py"),
        file_hashes(root, "*.yaml"),
        file_hashes(root, "*.css"),
        file_hashes(root, "*.j2"),
        file_hashes(root, "*.csv"),
    )


def input_files(data_dir: Path | str) -> dict[str, str]:
    """sha256 of each contract table's file in the data folder, by file name."""
    from sendlib.data.contract import files, find_source

    found = (find_source(Path(data_dir), name) for name in files())
    return {p.name: sha256(p) for p in sorted(f for f in found if f is not None)}


def params_files(params_dir: Path, catalogue: Path, month: str, narrative: list[Path]) -> dict:
    """sha256 of each parameters file a paper read: report.yaml, the month's own file,
    the catalogue, capacity.yaml and the narrative it used (paths relative to the params
    folder)."""
    params_dir = Path(params_dir)
    paths = [params_dir / "report.yaml", params_dir / "months" / f"{month}.yaml", catalogue]
    paths.append(params_dir / "capacity.yaml")  # sendlib.measures.capacity.FILE (no pandas here)
    out = {}
    for path in [*paths, *narrative]:
        if path.exists():
            out[_relative(path, params_dir)] = sha256(path)
    return dict(sorted(out.items()))


def _relative(path: Path, root: Path) -> str:
    try:
        return str(path.resolve().relative_to(root.resolve()))
    except ValueError:
        return str(path.resolve())


def build_manifest(
    r: RunRequest,
    sections: list[Section],
    sources: list[Path],
    timings: dict,
    warnings: dict,
    folder: Path,
) -> dict:
    """What made the paper: parameters, code, the files it read (and only those), package
    versions, timings and warnings."""
    used, unused = narrative_files(r.params_dir, str(r.month), sections)
    if r.team:
        used = []  # a team pack shows no commentary
    return {
        "sendlib": package_versions()["sendlib"],
        "month": str(r.month),
        "team": r.team,
        "renderer": r.renderer,
        "sections": [s.slug for s in sections],
        "parameters": {
            "data_dir": str(r.data_dir),
            "params_dir": str(r.params_dir),
            "catalogue": str(r.catalogue_path),
        },
        "git_commit": git_commit(),
        "code_hash": code_hash(),
        "inputs": input_files(r.data_dir),
        "params": params_files(r.params_dir, r.catalogue_path, str(r.month), used),
        "reference_docx": sha256(r.params_dir / REFERENCE_DOCX)
        if (r.params_dir / REFERENCE_DOCX).exists()
        else None,
        "narrative_unused": [p.name for p in unused],
        "notebooks": {p.name: sha256(p) for p in sources},
        "packages": package_versions(),
        "timings_seconds": timings,
        "warnings": warnings,
        # the sections' projections with their intervals and backtests (Looking ahead)
        "figures": json.loads((r.work / FIGURES).read_text())
        if (r.work / FIGURES).exists()
        else {},
        "outputs": {
            name: sha256(folder / name)
            for name in ("paper.html", "paper.pdf", "paper.docx", "scorecard.csv", "scorecard.xlsx")
            if (folder / name).exists()
        },
    }
