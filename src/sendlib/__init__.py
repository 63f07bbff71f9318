"""sendlib: a reproducible monthly SEND performance paper for an English local authority.

The package reads like the data flow in DESIGN.md:
``contract`` → ``load`` (+ ``schemas``, ``integrity``) → ``quality`` → ``kpis`` → ``scorecard``
→ tables/charts → notebooks → stitch → render.
"""

__version__ = "0.1.0"

import sys as _sys

# jsonschema imports rfc3987_syntax when it is installed (JupyterLab brings it), which
# compiles some 35 Lark grammars at import: 2.5 s in every process that imports nbformat,
# for an "iri" format no notebook schema uses (python-jsonschema/jsonschema#1428).
# Marked absent, jsonschema skips it.
_sys.modules.setdefault("rfc3987_syntax", None)  # type: ignore[arg-type]
