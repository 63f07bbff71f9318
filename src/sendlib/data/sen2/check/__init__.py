"""``sendlib check sen2``: a SEN2 return checked rule by rule before COLLECT.

``tables`` reads the return into one table per module; each rule is one small function
with its code, severity, message and the elements it reads (``rule``), grouped by module
(``header``, ``people``, ``requests``, ``active``, ``elements``); ``packs`` says which rules
each collection year has; ``run`` checks a return and lists the findings.
"""

from sendlib.data.sen2.check.packs import PACKS, Pack, pack_for
from sendlib.data.sen2.check.rule import ERROR, QUERY, RULES, Rule
from sendlib.data.sen2.check.run import Checked, check_return, shown

__all__ = [
    "ERROR",
    "PACKS",
    "QUERY",
    "RULES",
    "Checked",
    "Pack",
    "Rule",
    "check_return",
    "pack_for",
    "shown",
]
