"""The cover sheet: the paper's title and the committee's report details (report.yaml)."""

from __future__ import annotations

import html

from sendlib.paper.notebook_context import Context, Html


def status(ctx: Context) -> str:
    """The paper's status; a team's pack is not for publication unless none of its counts
    is small enough to identify a child of that team (``paper.withheld.public_pack``)."""
    pack = ctx.team_pack_public
    if not ctx.team or (pack and pack.get("public")):
        return ctx.report.status
    small = pack.get("small_counts", 0) if pack else 0
    limit = pack.get("threshold", ctx.disclosure.threshold) if pack else ctx.disclosure.threshold
    return (
        "Not for publication: for use within the council. This pack counts one team's "
        f"children, and {small:,} of its figures are counts of 1 to {limit}, which could "
        "identify a child."
    )


def cover(ctx: Context) -> Html:
    """Title block and the committee's cover-sheet table."""
    r = ctx.report
    when = ctx.meeting_date
    meeting = f"{when.day} {when:%B %Y}" if when else "To be confirmed"
    rows = [
        ("Report subject", r.report_subject),
        ("Meeting date", meeting),
        ("Status", status(ctx)),
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
    stamp = (
        f'<p class="provisional"><strong>Provisional: data to '
        f"{html.escape(ctx.extract['data_to'])}</strong> (the month is not yet complete in the "
        "extract; figures will change)</p>"
        if ctx.extract.get("provisional")
        else ""
    )
    body = "".join(
        f'<tr><th scope="row">{html.escape(k)}</th><td>{html.escape(v)}</td></tr>' for k, v in rows
    )
    return Html(
        f'<header class="cover"><p class="council">{html.escape(r.council)}</p>'
        f"<h1>{html.escape(r.report_subject)}: {ctx.month_name}{team}</h1>"
        f'<p class="committee">{html.escape(r.committee)}</p>{stamp}</header>'
        f'<table class="cover-sheet"><caption>Report details</caption><tbody>{body}</tbody>'
        f"</table>"
    )
