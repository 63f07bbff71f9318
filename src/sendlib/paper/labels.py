"""Words for codes: how the paper names what the measures count.

The measures return the contract's codes (SEN2 codes, settings, bands, statuses); this is
the one place that says how a reader sees them, so a change of wording never touches a
calculation and a view never filters on words.
"""

from __future__ import annotations

from collections.abc import Iterable
from functools import cache
from importlib import resources

import pandas as pd
import yaml
from pydantic import BaseModel, ConfigDict

#: one row for every child whose characteristic was not recorded (blank, or SEN2's U)
NOT_RECORDED = "Not recorded"


class CodeLists(BaseModel):
    """The DfE's code lists the case data use, each code with the words the paper prints."""

    model_config = ConfigDict(extra="forbid")
    ethnicity: dict[str, str]
    primary_need: dict[str, str]


@cache
def code_lists() -> CodeLists:
    """``dfe_codes.yaml``: the DfE's ethnicity codes and the SEN2 return's SEN type codes."""
    text = resources.files("sendlib.paper").joinpath("dfe_codes.yaml").read_text("utf-8")
    return CodeLists.model_validate(yaml.safe_load(text))


#: the DfE's main ethnicity codes (school census and SEN2), in words
ETHNICITY = {**code_lists().ethnicity, "not_recorded": NOT_RECORDED}
#: the SEN2 return's primary need (SEN type) codes, in words
PRIMARY_NEED = {**code_lists().primary_need, "not_recorded": NOT_RECORDED}

AGE_BANDS = {
    "0-4": "0–4",
    "5-10": "5–10",
    "11-15": "11–15",
    "16-19": "16–19",
    "20-25": "20–25",
    "26+": "26+",
    "not_recorded": NOT_RECORDED,
}
SEX = {"M": "Male", "F": "Female", "U": NOT_RECORDED, "not_recorded": NOT_RECORDED}
CEASE_REASONS = {
    "1": "Reached maximum age",
    "2": "Needs met without a plan",
    "3": "Moved to higher education",
    "4": "Moved to paid employment",
    "5": "Moved to another LA",
    "6": "No longer wishes to engage",
    "7": "Moved outside England",
    "8": "Deceased",
    "9": "Other",
    "not_recorded": "Not recorded",
}
SETTINGS = {
    "mainstream": "Mainstream school",
    "mainstream_resourced": "Resourced provision / SEN unit",
    "special_state": "State special school",
    "special_inmss": "Independent / non-maintained special",
    "ap": "Alternative provision / PRU",
    "fe_college": "FE college",
    "post16_specialist": "Post-16 specialist",
    "early_years": "Early years setting",
    "eotas_s61": "EOTAS (s61)",
    "eotas_s19": "EOTAS (s19)",
    "ehe": "Electively home educated",
    "neet": "NEET",
    "other": "Other",
    "none": "No placement recorded",
}
WAITING_BANDS = {
    "0-6wk": "0–6 weeks",
    "6-16wk": "6–16 weeks",
    "16-20wk": "16–20 weeks",
    "20wk+": "over 20 weeks",
    "20-26wk": "20–26 weeks",
    "26wk+": "over 26 weeks",
}
#: in reading order: a plan is in date, then due, then overdue
REVIEW_STATUS = {
    "in_date": "In date (under 12 months)",
    "due": "Due (12–14 months)",
    "overdue": "Overdue (over 14 months)",
}
#: the stages of an open request (sendlib.measures.pipeline)
STAGES = {
    "awaiting_decision": "Awaiting the decision whether to assess",
    "assessing": "Being assessed",
    "drafting": "Plan being drafted",
}
DECISIONS = {
    "A": "Proceed to EHC assessment",
    "N": "Decision not to proceed",
    "transfer_in": "Transfer in of EHCP from another LA",
}
#: a request's need, as recorded at request
NEEDS = PRIMARY_NEED
#: who made a request: the SEN2 return's RequestSource groups (contract.yaml)
REQUEST_SOURCES = {
    "parent": "Parent or carer",
    "young_person": "Young person",
    "education": "School, college or early years setting",
    "health_social_care": "Health or social care",
    "other": "Other",
    "not_recorded": "Not recorded",
}
#: phase-transfer deadlines (SEND Regulations 2014 reg 18)
DEADLINES = {
    "school": "Move between schools (15 February)",
    "post16": "Move to post-16 (31 March)",
    "other": "Another date given",
}
TRANSFER_COLUMNS = {
    "due": "Due",
    "on_time": "Issued by the deadline",
    "late": "Issued after the deadline",
    "not_yet_issued": "Not yet issued",
}
SOCIAL_CARE = {
    "ehcp_child_protection": "Child protection plan",
    "ehcp_looked_after": "Looked after",
    "ehcp_care_leaver": "Care leaver",
    "ehcp_child_in_need": "Child in need",
}
REASONS = {"not_recorded": "Not recorded"}


def word(code: object, words: dict[str, str]) -> str:
    """The word for one code: ``words``, then 'not recorded', else the code itself."""
    text = str(code)
    if text in words:
        return words[text]
    return NOT_RECORDED if text == "not_recorded" else text


def words(codes: Iterable, table: dict[str, str]) -> list[str]:
    """The words for many codes (see ``word``)."""
    return [word(code, table) for code in codes]


def relabel(counts: pd.Series | pd.DataFrame, table: dict[str, str]) -> pd.Series | pd.DataFrame:
    """A breakdown with its index (codes) in words."""
    out = counts.copy()
    out.index = pd.Index(words(counts.index, table), name=counts.index.name)
    return out


#: the series beside the council's own, in words (How we compare)
COMPARATOR_NAMES = {
    "council": "This council",
    "england": "England",
    "region": "Region",
    "statistical_neighbours": "Statistical neighbours",
    "published": "This council, as published by the DfE",
}
#: the comparators as a table's column header says them (the appendix)
COMPARATORS = {
    "england": COMPARATOR_NAMES["england"],
    "statistical_neighbours": "Stat. neighbours",
    "region": COMPARATOR_NAMES["region"],
}
MONTHS = {
    str(number): name
    for number, name in enumerate(
        ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"),
        start=1,
    )
}

#: how the paper captions each breakdown of children (then ", <month>"): the sections
#: title their tables with these, and ``sendlib audit`` finds the tables by them
TABLE_CAPTIONS = {
    "active_by_age_band": ("EHCPs by age band",),
    "active_by_sex": ("EHCPs by sex",),
    "active_by_need": ("EHCPs by primary need",),
    "active_by_ethnicity": ("EHCPs by ethnicity",),
    "active_by_team": ("EHCPs by team", "Review status of current plans by team"),
    "ceased_by_reason": ("EHCPs ceased in",),
    "by_setting": ("EHCPs by type of setting", "Data for the chart: EHCPs by type of setting"),
    "review_status_by_team": (
        "Review status of current plans by team",
        "Reviews due or overdue by team",
    ),
    "reviews_held_by_team": ("Annual review meetings held in",),
    "requests_by_age": ("Requests for EHC needs assessment by age at request",),
    "requests_by_need": ("Requests for EHC needs assessment by primary need",),
    "issued_by_need": ("New EHCPs issued by primary need",),
}
#: the words for each breakdown's groups (codes not listed are shown as they are)
GROUP_WORDS = {
    "active_by_age_band": AGE_BANDS,
    "active_by_sex": SEX,
    "active_by_need": PRIMARY_NEED,
    "active_by_ethnicity": ETHNICITY,
    "ceased_by_reason": CEASE_REASONS,
    "by_setting": SETTINGS,
    "requests_by_need": NEEDS,
    "issued_by_need": PRIMARY_NEED,
}
#: how the paper names the figures about children in its sentences, charts and tables
#: (``sendlib audit`` looks for a withheld figure wherever these words are)
FIGURE_WORDS = {
    "ehcp_looked_after": ("looked after",),
    "ehcp_child_protection": ("child protection",),
    "ehcp_care_leaver": ("care leaver",),
    "ehcp_child_in_need": ("child in need",),
    "ehcp_early_years": ("early years",),
    "ehcp_rising5": ("rising 5",),
    "ehcp_school_age": ("school age",),
    "placed_mainstream": ("mainstream",),
    "placed_mainstream_primary": ("primary",),
    "placed_mainstream_secondary": ("secondary",),
    "placed_mainstream_post16": ("post-16",),
    "placed_special_state": ("state special",),
    "placed_inmss": ("independent", "non-maintained"),
    "placed_inmss_18plus": ("aged 18",),
    "placed_eotas": ("otherwise than at school", "eotas"),
    "placed_eotas_s61": ("section 61", "s61"),
    "placed_eotas_s19": ("section 19", "s19"),
    "placed_ehe": ("home educated", "home education"),
    "placed_post16_specialist": ("post-16 specialist", "specialist post-16"),
    "placed_ap": ("alternative provision",),
    "neet_count": ("not in education", "neet"),
    "neet_16_25": ("16 to 25",),
    "neet_16_18": ("16 to 18",),
    "placed_none": ("no placement",),
    "requests_early_years": ("early years",),
    "requests_primary": ("primary",),
    "requests_secondary": ("secondary",),
    "requests_post16": ("post-16",),
}
