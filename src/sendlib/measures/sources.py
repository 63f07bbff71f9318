"""Who asked for an EHC needs assessment: requests by source, in the SEN2 return's groups.

The right to ask belongs to the child's parent, the young person and a person acting for
a school or post-16 institution (Children and Families Act 2014 s36(1)); anyone else,
health and social care professionals among them, may bring a child to the local
authority's notice (s24). The SEN2 return records the source from its 2025 collection
(``RequestSource``, codes 1–5; mandatory from 2026). ``contract.yaml``'s
``request_sources`` says which words of a council's export count as each group.
Transfers-in (a plan maintained by another LA, Children and Families Act 2014 s47 and SEND
Regulations 2014 reg 15) are not requests for assessment and are not counted here.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from sendlib.data.contract import contract, request_source_group
from sendlib.measures.calendar import count_in, pct
from sendlib.measures.cases import NOT_RECORDED, Cases
from sendlib.measures.family import count_and_share, family

GROUPS = (*contract().request_sources, NOT_RECORDED)
#: who made the request, as a definition says it (a group the contract adds: its name)
SOURCE_WORDS = {
    "parent": "made by a parent (Children and Families Act 2014 s36(1); SEN2 RequestSource 1)",
    "young_person": "made by the young person (s36(1); SEN2 RequestSource 2)",
    "education": "made by a person acting for a school, college or early years setting "
    "(s36(1); SEN2 RequestSource 3)",
    "health_social_care": "brought to the local authority by health or social care "
    "professionals (s24; SEN2 RequestSource 4)",
    "other": "from any other source (SEN2 RequestSource 5)",
    NOT_RECORDED: "whose source is not recorded",
}


def _source_words(group: str) -> str:
    return SOURCE_WORDS.get(group, f"from the source group '{group}'")


DEFINITIONS = {
    kpi: definition
    for g in GROUPS
    for kpi, definition in count_and_share(
        f"requests_by_source_{g}", "requests received in the month", _source_words(g)
    ).items()
}


def groups(cases: Cases) -> np.ndarray:
    """Each request's source group (``not_recorded`` when blank)."""
    source = cases.requests["source"].to_numpy()
    codes, uniques = pd.factorize(source)
    table = np.array(
        [NOT_RECORDED if u == NOT_RECORDED else request_source_group(u) for u in uniques]
        + [NOT_RECORDED],
        dtype=object,
    )
    return table[np.where(codes < 0, len(table) - 1, codes)]


@family(
    "sources",
    DEFINITIONS,
    ("person", "requests"),
)
def request_sources(cases: Cases, months: np.ndarray) -> dict[str, np.ndarray]:
    """New requests received in each month by source group, and each group's share."""
    requests = cases.requests
    new = ~requests["transfer"].to_numpy()
    received = requests["received_m"].to_numpy()[new]
    group = groups(cases)[new]
    total = count_in(received, months)
    out = {}
    for g in GROUPS:
        n = count_in(received[group == g], months)
        out[f"requests_by_source_{g}"] = n.astype(float)
        out[f"requests_by_source_{g}_pct"] = pct(n, total)
    return out


def by_source(cases: Cases, month: pd.Period, months: int = 12) -> pd.DataFrame:
    """New requests by source group received in the month and in the ``months`` months
    to its end (codes; groups with none are kept, so a table lists every group)."""
    requests = cases.requests
    new = ~requests["transfer"].to_numpy()
    received = requests["received_m"].to_numpy()
    group = groups(cases)
    mo = month.ordinal
    in_month = new & (received == mo)
    in_window = new & (received > mo - months) & (received <= mo)
    return pd.DataFrame(
        {
            "month": [int((in_month & (group == g)).sum()) for g in GROUPS],
            "last_12_months": [int((in_window & (group == g)).sum()) for g in GROUPS],
        },
        index=pd.Index(GROUPS, name="source"),
    )
