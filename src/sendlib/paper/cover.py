"""The cover sheet (seed 001): the paper's title and the committee's report details."""

from __future__ import annotations

import html

from sendlib.paper.notebook_context import Context, Html


def cover(ctx: Context) -> Html:
    """Title block and the cover-sheet table of seed 001."""
    r = ctx.report
    when = ctx.meeting_date
    meeting = f"{when.day} {when:%B %Y}" if when else "To be confirmed"
    rows = [
        ("Report subject", r.report_subject),
        ("Meeting date", meeting),
        ("Status", r.status),
        ("Executive summary", r.executive_summary),
        (
            "Recommendations",
            "It is RECOMMENDED that: "
            + " ".join(f"({i}) {text}" for i, text in enumerate(r.recommendations, start=1)),
        ),
        ("Reason for recommendations", r.reason_for_recommendations),
        ("Portfolio Holder(s)", "; ".join(r.portfolio_holders)),
        ("Corporate Director", r.corporate_director),
        (
            "Report Authors",
            "; ".join(a.name + (f", {a.role}" if a.role else "") for a in r.authors),
        ),
        ("Wards", r.wards),
        ("Classification", r.classification),
    ]
    team = f" – {html.escape(ctx.team)}" if ctx.team else ""
    body = "".join(
        f'<tr><th scope="row">{html.escape(k)}</th><td>{html.escape(v)}</td></tr>' for k, v in rows
    )
    return Html(
        f'<header class="cover"><p class="council">{html.escape(r.council)}</p>'
        f"<h1>{html.escape(r.report_subject)}: {ctx.month_name}{team}</h1>"
        f'<p class="committee">{html.escape(r.committee)}</p></header>'
        f'<table class="cover-sheet"><caption>Report details</caption><tbody>{body}</tbody>'
        f"</table>"
    )
