"""The DfE's "Education, health and care plans" release, read into comparators.

The release (explore-education-statistics, every June, OGL v3) holds every council's
figures, its region's and England's, as one CSV per topic. ``dfe_release.yaml`` says
which file and column gives each KPI. This module reads the release — the zip as
downloaded, its unzipped folder, or sendlib's reduced copy — keeping only the totals rows,
and makes the contract's ``benchmarks.csv`` rows for England, the council's region, its
statistical neighbours (the unweighted mean of their published values, when at least half
have one; never the council itself) and the council itself (comparator ``published``: the
figure the DfE published for it, for reconciliation). ``x``, ``z``, ``c`` and blanks are
missing, never 0. A council is found by code or name among the councils the release holds
now, before any predecessor; a predecessor's name or code is refused with the council that
took its area over (``councils.yaml``).

The parts: ``spec`` (what the release holds, ``dfe_release.yaml``), ``read`` (reading it,
and the reduced copy), ``councils`` (finding the council), ``comparators`` (the rows of
benchmarks.csv).
"""

from __future__ import annotations

from sendlib.data.release.comparators import benchmark_rows, update_benchmarks
from sendlib.data.release.councils import Council, find_council, without_council
from sendlib.data.release.read import caseloads, read_release, reduce_release
from sendlib.data.release.spec import ReleaseError, ReleaseSpec, reduced_release, release_spec

__all__ = [
    "Council",
    "ReleaseError",
    "ReleaseSpec",
    "benchmark_rows",
    "caseloads",
    "find_council",
    "read_release",
    "reduce_release",
    "reduced_release",
    "release_spec",
    "update_benchmarks",
    "without_council",
]
