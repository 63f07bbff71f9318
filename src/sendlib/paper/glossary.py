"""The glossary, background papers and appendices at the back of the paper.

Beside the terms, the glossary tells apart the pairs of figures a reader could take for
one another (2.15 assessments under way and 3.06 plans not yet issued both read
"assessment under way"), naming what lies between them with this month's figures.
"""

from __future__ import annotations

import html
from collections.abc import Callable

import pandas as pd

from sendlib.paper import labels
from sendlib.paper.narrative import missing, number
from sendlib.paper.notebook_context import Context, Html
from sendlib.paper.tables import Table
from sendlib.statutory import year_name

TERMS = [
    ("AP", "Alternative provision, including pupil referral units."),
    (
        "Backtest",
        "A projection method run again as at past month ends, on the data known then, and "
        "compared with what happened: how far to trust its projections.",
    ),
    (
        "EHCP",
        "Education, Health and Care Plan: the legal document describing a child or "
        "young person's special educational needs and the support to meet them.",
    ),
    ("EHCNA", "Education, Health and Care needs assessment."),
    ("EHE", "Elective home education."),
    (
        "EOTAS (section 61)",
        "Education otherwise than at school arranged by the local "
        "authority under section 61 of the Children and Families Act 2014.",
    ),
    (
        "Section 19",
        "Alternative education the local authority arranges under section 19 of "
        "the Education Act 1996.",
    ),
    ("INMSS", "Independent or non-maintained special school."),
    (
        "Interval (80%, 95%)",
        "The range a projection expects a figure to fall in four times out of five (80%) "
        "or nineteen times out of twenty (95%), if the next months are like the past ones.",
    ),
    ("NEET", "Not in education, employment or training."),
    ("PfA", "Preparing for Adulthood."),
    ("RAG", "Red, amber, green: off target, near target (within tolerance), on target."),
    ("SENDIASS", "The SEND Information, Advice and Support Service."),
    (
        "SPC",
        "Statistical process control: whether a change is more than the usual "
        "variation (NHS England, Making Data Count).",
    ),
    (
        "6 weeks / 20 weeks",
        "The legal time limits from a request to the decision whether "
        "to assess (42 days) and to the final plan (140 days).",
    ),
    (
        "[x]",
        "Not available. [c]: withheld to protect confidentiality. [z]: not applicable "
        "(a month a termly or quarterly measure does not report in; a projection for a "
        "month already recorded).",
    ),
]


def _refs(ctx: Context, *ids: str) -> list[str] | None:
    """The KPIs' references (2.15), or None when one of them is not in the paper."""
    kpis = [ctx.kpi(i) for i in ids]
    return None if None in kpis else [f"{k.ref}" for k in kpis]


def _assessments(ctx: Context, a: str, b: str) -> str:
    under, waiting = ctx.value("under_assessment"), ctx.value("plans_not_yet_issued")
    agreed = ctx.value("plans_agreed_not_issued")
    text = (
        f"{a} counts the needs assessments under way: agreed, with no outcome yet. {b} counts "
        f"every request agreed for assessment with no final plan yet: those under way and "
        f"those where the council has decided to issue a plan and is drafting it."
    )
    if not missing(under, waiting, agreed):
        text += (
            f" At the end of {ctx.month_name}: {number(under)} under way and {number(agreed)} "
            f"plans agreed but not yet issued, {number(waiting)} in all."
        )
    return text


#: pairs of figures a reader could confuse: their ids and what tells them apart
PAIRS: list[tuple[tuple[str, str], Callable[[Context, str, str], str]]] = [
    (("under_assessment", "plans_not_yet_issued"), _assessments),
    (
        ("ehcp_new", "plans_issued"),
        lambda ctx, a, b: (
            f"{a} counts every plan that started in the month, transfers-in from other "
            f"councils included; {b} counts only new plans that followed a request here."
        ),
    ),
    (
        ("requests_received", "request_decisions"),
        lambda ctx, a, b: (
            f"{a} counts requests received in the month; {b} counts decisions whether to "
            f"assess made in the month, on requests received then or before."
        ),
    ),
    (
        ("plans_issued_20wk_pct", "plans_issued_20wk_excl_pct"),
        lambda ctx, a, b: (
            f"{a} counts every new plan; {b} leaves out those where an exception to the 20 "
            f"weeks applied (SEND Regulations 2014 reg 13(3)), from both the count on time "
            f"and the total."
        ),
    ),
    (
        ("reviews_overdue", "reviews_due_12_14m"),
        lambda ctx, a, b: (
            f"{b} counts plans whose last review (or start) was 12 to 14 months before month "
            f"end: due, as the amended plan may follow 8 weeks after the meeting; {a} those "
            f"beyond 14 months. Months are calendar months, the day kept."
        ),
    ),
    (
        ("mediations_ytd", "mediations_rolling_12m"),
        lambda ctx, a, b: (
            f"{a} counts mediations from the start of the {year_name(ctx.report.year_start)}; "
            f"{b} those in the 12 months to month end, whatever the year."
        ),
    ),
]


def pairs(ctx: Context) -> list[tuple[str, str]]:
    """Each pair of figures a reader could confuse, as a term and what tells them apart."""
    out = []
    for ids, explain in PAIRS:
        refs = _refs(ctx, *ids)
        if refs is None:
            continue
        out.append((f"{refs[0]} and {refs[1]}", explain(ctx, *refs)))
    return out


def glossary(ctx: Context) -> Html:
    """Terms used in the paper, and the pairs of figures not to confuse."""
    terms = [*TERMS, *pairs(ctx)]
    items = "".join(f"<dt>{html.escape(t)}</dt><dd>{html.escape(d)}</dd>" for t, d in terms)
    papers = (
        "".join(f"<li>{html.escape(p)}</li>" for p in ctx.report.background_papers)
        or "<li>None</li>"
    )
    appendices = "".join(f"<li>{html.escape(a)}</li>" for a in ctx.report.appendices)
    return Html(
        f'<dl class="glossary">{items}</dl>{code_lists()}'
        f"<h3>Background papers</h3><ul>{papers}</ul>"
        f"<h3>Appendices</h3><ul>{appendices}</ul>"
    )


def code_lists() -> str:
    """The DfE's codes the case data hold and the words the paper prints for them: a
    reader of the SEN2 return or the case-management system meets the codes."""
    lists = code_lists_of()
    return "".join(
        f"<h3>{html.escape(title)}</h3>"
        + Table(pd.DataFrame(list(codes.items()), columns=["Code", "Meaning"]), title)
        .row_header("Code")
        .to_html()
        for title, codes in lists
    )


def code_lists_of() -> list[tuple[str, dict[str, str]]]:
    """The code lists the glossary prints, each with its title."""
    found = labels.code_lists()
    return [
        ("Primary need (SEN type) codes", found.primary_need),
        ("Ethnicity codes", found.ethnicity),
    ]
