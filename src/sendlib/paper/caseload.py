"""Section 2: children and young people with an EHCP — how many, who, and who left."""

from __future__ import annotations

import pandas as pd

from sendlib.measures import caseload as measures
from sendlib.measures.cases import Cases
from sendlib.paper import labels
from sendlib.paper.charts import Chart
from sendlib.paper.figures import last_year, trend
from sendlib.paper.narrative import (
    Paragraphs,
    agree,
    missing,
    movement,
    number,
    paragraphs,
    percent_change,
    plural,
)
from sendlib.paper.notebook_context import Context, Group
from sendlib.paper.tables import Table, counts_table

BY = ("age_band", "sex", "need", "ethnicity", "team")


def counts(c: Cases, month: pd.Period) -> dict[str, pd.Series]:
    """Active plans at month end by age band, sex, need, ethnicity and team; plans ceased
    in the month by reason (codes)."""
    out = {f"active_by_{by}": measures.active_by(c, month, by) for by in BY}
    out["ceased_by_reason"] = measures.ceased_in_month(c, month, "reason")
    return out


def headline(ctx: Context) -> str:
    """'The number of EHCPs continues to rise, now 4,712, up 7.6% on the same month …'."""
    now, year_ago = ctx.value("ehcp_active"), ctx.value("ehcp_active", last_year(ctx.month))
    if missing(now):
        return ""
    moved = movement(ctx.history("ehcp_active", 3).tolist())
    versus = percent_change(now, year_ago)
    tail = f", {versus} on the same month last year" if versus else ""
    verb = {"is": "is now", "is unchanged": "is unchanged at"}.get(moved, f"{moved}, now")
    return f"The number of EHCPs {verb} {number(now)}{tail}."


def facts(ctx: Context) -> Paragraphs:
    new, ceased = ctx.value("ehcp_new"), ctx.value("ehcp_ceased")
    rate = ctx.value("ehcp_rate_per_10k")
    england, when = ctx.comparator("ehcp_rate_per_10k", "england")  # with its period
    sentences = [headline(ctx)]
    if not missing(new, ceased):
        sentences.append(
            f"{plural(new, 'plan')} started in {ctx.month_name} (including "
            f"transfers in) and {plural(ceased, 'plan')} ceased."
        )
    if not missing(rate):
        comparison = (
            "" if missing(england) else f", compared with {england:,.1f} in England ({when})"
        )
        sentences.append(
            f"That is {rate:,.1f} plans per 10,000 residents aged 0 to 25{comparison}."
        )
    lac = ctx.value("ehcp_looked_after")
    if not missing(lac):
        sentences.append(
            f"{plural(lac, 'looked after child', 'looked after children')} "
            f"{agree(lac, 'has', 'have')} an EHCP."
        )
    return paragraphs(sentences)


def trend_chart(ctx: Context) -> Chart:
    return trend(ctx, "Number of EHCPs at month end", "Number of EHCPs", "ehcp_active")


def breakdown_tables(ctx: Context) -> Group:
    """Active plans by age band, sex, primary need and team; ceased in the month by reason."""
    when, d = ctx.month_name, ctx.disclosure
    age = ctx.counts("active_by_age_band")
    bands = [code for _, _, code in measures.AGE_BANDS]
    age = age.reindex(
        [k for k in [*bands, *(k for k in age.index if k not in bands)] if k in age.index]
    )
    parts = [
        counts_table(
            labels.relabel(age, labels.AGE_BANDS), f"EHCPs by age band, {when}", "Age band", d
        ),
        counts_table(
            labels.relabel(ctx.counts("active_by_sex"), labels.SEX),
            f"EHCPs by sex, {when}",
            "Sex",
            d,
        ),
        counts_table(
            labels.relabel(ctx.counts("active_by_need"), {}),
            f"EHCPs by primary need, {when}",
            "Primary need",
            d,
        ),
        counts_table(
            _top(labels.relabel(ctx.counts("active_by_ethnicity"), {}), 8),
            f"EHCPs by ethnicity, {when}",
            "Ethnicity",
            d,
        ),
        counts_table(
            labels.relabel(ctx.counts("active_by_team"), {}), f"EHCPs by team, {when}", "Team", d
        ),
    ]
    status = pd.Series({label: ctx.value(kpi) for kpi, label in labels.SOCIAL_CARE.items()})
    parts.append(
        Table(
            status.rename_axis("Social care status").reset_index(name="Number"),
            f"EHCP holders known to social care, {when}",
        )
        .row_header("Social care status")
        .number("Number")
        .breakdown(d, "Number")
    )
    ceased = labels.relabel(ctx.counts("ceased_by_reason"), labels.CEASE_REASONS)
    if ceased.sum():
        parts.append(counts_table(ceased, f"EHCPs ceased in {when} by reason", "Reason", d))
    return Group(*parts)


def _top(counts: pd.Series, n: int) -> pd.Series:
    counts = counts.sort_values(ascending=False)
    if len(counts) <= n:
        return counts
    return pd.concat([counts.iloc[:n], pd.Series({"Other groups": counts.iloc[n:].sum()})])
