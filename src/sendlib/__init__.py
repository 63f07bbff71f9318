"""sendlib: a reproducible monthly SEND performance paper for an English local authority.

One subpackage per stage, each importing only those below it (checked by import-linter):
``data`` (the input contract, reading and checking the extract, the SEN2 import, the
typed-table cache) → ``measures`` (the measures computed from the case tables) →
``scorecard`` (KPIs against targets, disclosure control, the workbook) → ``paper`` (each
section's module and the narrative) → ``render`` (HTML, PDF, Word) → ``ops`` (a run: kernels,
locks, manifest, verify, audit, batch) → ``cli`` (the ``sendlib`` command). ``demo`` makes a
synthetic council beside ``data``. Below them all: ``config`` (the parameters, validated),
``workers``, ``statutory`` (the statutory time limits), ``months``, ``files`` and
``startup`` (what a process of sendlib's own changes about itself, where it starts).

Importing sendlib changes nothing in the importing process.
"""

__version__ = "0.1.0"
