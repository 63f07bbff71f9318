"""SEN2 returns for tests, written from nested dicts: a dict is an element's children in
order, a list repeats an element, a string is an element's text and None leaves it out.

``valid_return()`` is one return that every rule of every pack passes; a rule's fixtures
change one or two values of it (``edit``)."""

from __future__ import annotations

import copy
import re
from collections.abc import Callable
from xml.sax.saxutils import escape

from sendlib.data.sen2.check.header import census_day
from sendlib.data.sen2.upn import make_upn, uln_check_digit

DAY = re.compile(r"^\d{4}-\d{2}-\d{2}")

Tree = dict


def xml(tree: Tree) -> str:
    """The return as XML text (one element per line, so every element has its own line)."""
    lines = ['<?xml version="1.0" encoding="UTF-8"?>']

    def put(name: str, value, depth: int) -> None:
        pad = "  " * depth
        if value is None:
            return
        if isinstance(value, list):
            for item in value:
                put(name, item, depth)
        elif isinstance(value, dict):
            lines.append(f"{pad}<{name}>")
            for child, inner in value.items():
                put(child, inner, depth + 1)
            lines.append(f"{pad}</{name}>")
        else:
            lines.append(f"{pad}<{name}>{escape(str(value))}</{name}>")

    put("Message", tree, 0)
    return "\n".join(lines) + "\n"


def header(year: int = 2026, census: str = "2026-01-15", lea: str = "839", **more) -> dict:
    source = {
        "SourceLevel": "L",
        "LEA": lea,
        "SoftwareCode": "tests",
        "Release": "1",
        "SerialNo": "1",
        "DateTime": f"{census}T09:00:00",
        "DSCO": "Y",
    }
    source.update(more)
    details = {"Collection": "SEN2", "Year": str(year), "ReferenceDate": census}
    return {"CollectionDetails": details, "Source": source}


UPN_1 = make_upn("839", 2001, 19, 1)
UPN_2 = make_upn("838", 2002, 16, 2)
ULN = f"123456789{uln_check_digit('123456789')}"


def person(upn: str | None = UPN_1, birth: str = "2014-05-01", requests=None, **more) -> dict:
    out = {
        "Surname": "Testperson",
        "Forename": "Ann",
        "PersonBirthDate": birth,
        "Sex": "F",
        "Ethnicity": "WBRI",
        "PostCode": "ZZ9 9ZZ",
        "UPN": upn,
        "UPNunknown": None if upn else "UN2",
        "Requests": {"Request": requests if requests is not None else [request()]},
    }
    out.update(more)
    return out


def request(
    received: str = "2024-03-04",
    decided: str = "2024-04-08",
    outcome: str = "A",
    assessment: dict | None = None,
    active: dict | None = None,
    **more,
) -> dict:
    out = {
        "ReceivedDate": received,
        "RequestSource": "1",
        "RYA": "false",
        "RequestOutcomeDate": decided,
        "RequestOutcome": outcome,
        "RequestMediation": "false",
        "RequestTribunal": "false",
        "Exported": "false",
        "Assessment": assessment if assessment is not None else plan_assessment(),
        "ActivePlans": active if active is not None else active_plans(),
    }
    out.update(more)
    return out


def plan_assessment(decided: str = "2024-06-20", start: str = "2024-07-15", **plan) -> dict:
    return {
        "AssessmentOutcome": "Y",
        "AssessmentOutcomeDate": decided,
        "Week20": "false",
        "NamedPlan": {"StartDate": start, **plan},
    }


def active_plans(**more) -> dict:
    out = {
        "TransferLA": None,
        "ReviewMeeting": "2025-06-02",
        "ReviewOutcome": "A",
        "LastReview": "2025-06-20",
        "ReviewDraft": "2025-06-25",
        "PhaseTransferDueDate": None,
        "PhaseTransferFinalDate": None,
        "SENneed": [need("ASD", 1), need("SLCN", 2)],
        "PlacementDetail": [placement()],
    }
    out.update(more)
    return out


def need(kind: str, rank: int | None) -> dict:
    return {"SENtype": kind, "SENtypeRank": None if rank is None else str(rank)}


def placement(urn: str | None = "100001", entry: str = "2024-09-02", **more) -> dict:
    out = {
        "URN": urn,
        "PlacementRank": "1",
        "EntryDate": entry,
        "LeavingDate": None,
        "SENUnitIndicator": "false",
        "ResourcedProvisionIndicator": "false",
    }
    out.update(more)
    return out


def valid_return(year: int = 2026, shift: bool = True) -> Tree:
    """Two children: Ann, with a plan reviewed and amended last year; Ben, in Year 6, whose
    phase transfer to secondary is due on 15 February, with a ULN and a refused request —
    as the ``year`` collection's return (every date moved by whole years from 2026's, the
    census on that year's day; ``shift=False``: the same children and dates, only the
    header of another census)."""
    tree = _return_2026()
    if year != 2026:
        if shift:
            _shift(tree, year - 2026)
        census = census_day(year).isoformat()
        tree["Header"] = header(year, census)
    return tree


def _shift(tree, years: int) -> None:
    """Every date in the tree moved by ``years`` (none of the dates is 29 February)."""
    for key, value in list(tree.items()) if isinstance(tree, dict) else []:
        if isinstance(value, dict):
            _shift(value, years)
        elif isinstance(value, list):
            for item in value:
                if isinstance(item, dict):
                    _shift(item, years)
        elif isinstance(value, str) and DAY.match(value):
            tree[key] = f"{int(value[:4]) + years:04d}{value[4:]}"


def _return_2026(census: str = "2026-01-15") -> Tree:
    ben_plan = request(
        received="2021-01-11",
        decided="2021-02-15",
        assessment=plan_assessment("2021-04-30", "2021-05-24"),
        active=active_plans(
            ReviewMeeting="2025-10-06",
            ReviewOutcome="M",
            LastReview="2025-10-20",
            ReviewDraft=None,
            PhaseTransferDueDate=f"{census[:4]}-02-15",
            PhaseTransferFinalDate=None,
            SENneed=[need("SEMH", 1)],
            PlacementDetail=[placement("100002", "2020-09-07")],
        ),
    )
    refused = request(
        received="2019-06-03", decided="2019-07-08", outcome="N", assessment=None, active=None
    )
    refused["Assessment"] = refused["ActivePlans"] = None
    ben = person(
        UPN_2,
        "2014-10-12",
        [ben_plan, refused],
        Forename="Ben",
        Sex="M",
        UniqueLearnerNumber=ULN,
    )
    return {
        "Header": header(int(census[:4]), census),
        "Persons": {"Person": [person(), ben]},
    }


def edit(tree: Tree, change: Callable[[Tree], None]) -> Tree:
    """A copy of ``tree`` changed by ``change``."""
    out = copy.deepcopy(tree)
    change(out)
    return out


def ann(tree: Tree) -> dict:
    return tree["Persons"]["Person"][0]


def ann_request(tree: Tree) -> dict:
    return ann(tree)["Requests"]["Request"][0]


def ben(tree: Tree) -> dict:
    return tree["Persons"]["Person"][1]
