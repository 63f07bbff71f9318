"""``sendlib verify``: does a published paper still match the data and code that made it?

Recomputes the hashes recorded in ``manifest.json`` — the input files, the parameter
files, the section notebooks and the published files themselves — and lists every
difference. A paper "matches" when nothing differs.
"""

from __future__ import annotations

import json
from pathlib import Path

from sendlib.ops import manifest as mf


def verify(folder: Path | str) -> list[tuple[str, str, str]]:
    """(what, file, problem) for every difference; empty when the paper matches its inputs."""
    folder = Path(folder)
    manifest_path = folder / "manifest.json"
    if not manifest_path.exists():
        return [("manifest", str(manifest_path), "no manifest.json in this folder")]
    manifest = json.loads(manifest_path.read_text())
    params = manifest.get("parameters", {})
    checks = [
        ("input", Path(params.get("data_dir", "")), manifest.get("inputs", {})),
        ("parameter", Path(params.get("params_dir", "")), manifest.get("params", {})),
        ("output", folder, manifest.get("outputs", {})),
    ]
    problems = []
    for what, root, recorded in checks:
        current = (
            mf.file_hashes(root)
            if what != "output"
            else {name: mf.sha256(folder / name) for name in recorded if (folder / name).exists()}
        )
        for name, digest in sorted(recorded.items()):
            if name not in current:
                problems.append((what, str(root / name), "missing"))
            elif current[name] != digest:
                problems.append((what, str(root / name), "changed since the paper was made"))
        if what != "output":
            for name in sorted(set(current) - set(recorded)):
                problems.append((what, str(root / name), "new file not used by the paper"))
    notebooks = manifest.get("notebooks", {})
    for name, digest in sorted(notebooks.items()):
        path = Path("notebooks") / name
        if path.exists() and mf.sha256(path) != digest:
            problems.append(("notebook", str(path), "changed since the paper was made"))
    return problems
