"""The glossary, background papers and appendices at the back of the paper."""

from __future__ import annotations

import html

from sendlib.paper.notebook_context import Context, Html

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
    ("[x]", "Not available. [c]: withheld to protect confidentiality."),
]


def glossary(ctx: Context) -> Html:
    """Terms used in the paper."""
    items = "".join(f"<dt>{html.escape(t)}</dt><dd>{html.escape(d)}</dd>" for t, d in TERMS)
    papers = (
        "".join(f"<li>{html.escape(p)}</li>" for p in ctx.report.background_papers)
        or "<li>None</li>"
    )
    appendices = "".join(f"<li>{html.escape(a)}</li>" for a in ctx.report.appendices)
    return Html(
        f'<dl class="glossary">{items}</dl><h3>Background papers</h3><ul>{papers}</ul>'
        f"<h3>Appendices</h3><ul>{appendices}</ul>"
    )
