"""Section 9: how we compare — the council beside England, its region and its statistical
neighbours for every year the DfE's release covers, measure by measure.

The council's own line is computed from the case data by the DfE's definitions
(``sendlib.measures.yearly``), so the comparison is like for like; the comparators come
from ``benchmarks.csv`` (``sendlib benchmarks`` writes them from the release). Where the
release also holds the council's own published figure, it is shown, and a difference of
more than half a point is a reconciliation item in the data-quality section.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from sendlib.data.release import release_spec
from sendlib.measures.cases import Cases
from sendlib.measures.yearly import JANUARY, yearly
from sendlib.paper import labels
from sendlib.paper.charts.figure import Chart
from sendlib.paper.charts.panels import small_multiples
from sendlib.paper.narrative import missing
from sendlib.paper.notebook_context import Context, Group, Html
from sendlib.paper.paragraphs import Paragraphs, paragraphs
from sendlib.paper.tables import Table
from sendlib.scorecard.catalogue import unlike
from sendlib.scorecard.figures import WITHHELD_STATUSES
from sendlib.scorecard.formats import format_value

RECONCILE = 0.5  # percentage points


def comparison(c: Cases, month: pd.Period) -> pd.DataFrame:
    """Every mapped measure by period and series (council, the comparators, the council's
    published figure): long, kpi_id / period / series / value, up to the report month."""
    kpis = set(release_spec().measures)
    b = c.tables.benchmarks
    theirs = b[b["kpi_id"].isin(kpis) & (b["period"] <= str(month))]
    theirs = theirs.rename(columns={"comparator": "series"})[
        ["kpi_id", "period", "series", "value"]
    ]
    # the council's figures for the years the release covers and the case data covers
    # whole: calendar years from the first request, January snapshots from the first plan
    requests, plans = _first(c.requests["received_m"]), _first(c.plans["start_m"])
    years = [int(p[:4]) for p in set(theirs["period"]) if p.endswith("-12")]
    januaries = [int(p[:4]) for p in set(theirs["period"]) if p.endswith("-01")]
    ours = yearly(
        c,
        sorted(y for y in years if requests is not None and pd.Period(f"{y}-01", "M") >= requests),
        sorted(y for y in januaries if plans is not None and pd.Period(f"{y}-01", "M") >= plans),
    ).assign(series="council")
    covered = set(zip(theirs["kpi_id"], theirs["period"], strict=True))
    ours = ours[[(k, p) in covered for k, p in zip(ours["kpi_id"], ours["period"], strict=True)]]
    frame = pd.concat([ours, theirs], ignore_index=True).dropna(subset=["value"])
    frame["value"] = frame["value"].astype(float)
    return frame.sort_values(["kpi_id", "period", "series"]).reset_index(drop=True)


def _first(months: pd.Series) -> pd.Period | None:
    """The first month of a column of month ordinals (None when it is empty)."""
    values = months.to_numpy()
    values = values[values < np.iinfo(np.int64).max // 2]
    return pd.Period(ordinal=int(values.min()), freq="M") if len(values) else None


def reconciliation(frame: pd.DataFrame) -> pd.DataFrame:
    """Where the council's figure, counted from its case data, differs from the one the
    DfE published for it by more than half a point."""
    wide = frame.pivot_table(index=["kpi_id", "period"], columns="series", values="value")
    if "published" not in wide.columns or "council" not in wide.columns:
        return pd.DataFrame(columns=["kpi_id", "period", "council", "published", "difference"])
    both = wide.dropna(subset=["council", "published"])
    out = both[["council", "published"]].assign(difference=both["council"] - both["published"])
    out = out[out["difference"].abs() > RECONCILE].reset_index()
    return out[["kpi_id", "period", "council", "published", "difference"]]


def counts(c: Cases, month: pd.Period) -> dict[str, pd.DataFrame]:
    return {
        "comparison": comparison(c, month),
        "comparison_region": region_of(c),
        "comparators_held": pd.DataFrame({"held": [bool(c.tables.held.get("benchmarks"))]}),
    }


def region_of(c: Cases) -> pd.DataFrame:
    """The name of the region the comparators are for (from their source), if any."""
    b = c.tables.benchmarks
    sources = " ".join(b.loc[b["comparator"] == "region", "source"].dropna().unique())
    names = [n for n in release_spec().regions.values() if n in sources]
    return pd.DataFrame({"name": names[:1]})


def _label(period: str) -> str:
    p = pd.Period(period, freq="M")
    return str(p.year) if p.month == 12 else p.strftime("January %Y")


def _wide(ctx: Context, kpi_id: str) -> pd.DataFrame:
    frame = ctx.breakdown("comparison")
    frame = frame[frame["kpi_id"] == kpi_id]
    wide = frame.pivot_table(index="period", columns="series", values="value")
    if len(wide):  # every year between the first and the last: a missing one is a gap
        first, last = wide.index.min(), wide.index.max()
        years = range(int(first[:4]), int(last[:4]) + 1)
        wide = wide.reindex([f"{y}{first[4:]}" for y in years])
    return wide.reindex(columns=[s for s in labels.COMPARATOR_NAMES if s in wide.columns])


def _withheld(ctx: Context, kpi_id: str) -> set[str]:
    """The periods whose council figure disclosure control withholds (a January share of
    children counted from a few children)."""
    frame = ctx.breakdown("comparison")
    if "status" not in frame.columns:
        return set()
    rows = frame[
        (frame["kpi_id"] == kpi_id)
        & (frame["series"] == "council")
        & frame["status"].isin(WITHHELD_STATUSES)
    ]
    return set(rows["period"])


def comparators_not_held(ctx: Context) -> bool:
    """Whether the data hold no benchmarks.csv, so no comparator is shown anywhere."""
    held = ctx.breakdowns.get("comparators_held")
    return held is not None and len(held) > 0 and not bool(held["held"].iloc[0])


def introduction(ctx: Context) -> Html:
    """What the section sets the council beside — or, when no comparator is held, that none
    is shown and how to provide them (a figure the council never gave is not available:
    never the promise of a chart that does not follow)."""
    release = "the Department for Education's <em>Education, health and care plans</em> release"
    if comparators_not_held(ctx):
        return Html(
            "<p>No comparators are shown: the benchmarks file (benchmarks.csv) is not held, "
            "so the council's figures are not set beside England, the region or its "
            "statistical neighbours. To show them, write benchmarks.csv from "
            f"{release} with <code>sendlib benchmarks --release PATH --la CODE</code> "
            "(see the README) and render the paper again.</p>"
        )
    if ctx.breakdown("comparison").empty:
        return Html(
            f"<p>No comparators are shown: benchmarks.csv holds none of the measures of "
            f"{release} up to this month.</p>"
        )
    return Html(
        "<p>Each measure is shown beside England, the region and the council's statistical "
        f"neighbours, for every year {release} covers. The council's own figures are "
        "counted from its case records the way the Department counts them, so the "
        "comparison is like for like.</p>"
    )


def facts(ctx: Context) -> Paragraphs:
    """One sentence per measure: the latest year with the council's and England's figures."""
    spec = release_spec()
    named = ctx.breakdowns.get("comparison_region")
    name = str(named["name"].iloc[0]) if named is not None and len(named) else "region"
    region = name if name == "London" else f"the {name}"
    sentences = []
    for kpi_id, measure in spec.measures.items():
        wide = _wide(ctx, kpi_id)
        hidden = _withheld(ctx, kpi_id)
        if "england" not in wide or ("council" not in wide and not hidden):
            continue
        if "council" not in wide:  # every year's council figure withheld
            wide = wide.assign(council=np.nan)
        both = wide[wide["england"].notna() & (wide["council"].notna() | wide.index.isin(hidden))]
        if both.empty:
            continue
        period, row = both.index[-1], both.iloc[-1]
        if period in hidden:
            sentences.append(
                f"In {_label(period)}, the council's figure for {measure.title.lower()} is "
                "withheld to protect the confidentiality of the children concerned "
                f"({format_value(row['england'], 'percent', 1)} in England)."
            )
            continue
        value = format_value(row["council"], "percent", 1)
        others = [f"{format_value(row['england'], 'percent', 1)} in England"]
        if not missing(row.get("region", np.nan)):
            others.append(f"{format_value(row['region'], 'percent', 1)} in {region}")
        if not missing(row.get("statistical_neighbours", np.nan)):
            sn = format_value(row["statistical_neighbours"], "percent", 1)
            others.append(f"{sn} among statistical neighbours")
        listed = ", ".join(others[:-1]) + (" and " if len(others) > 1 else "") + others[-1]
        sentences.append(
            f"In {_label(period)}, {measure.sentence.format(value=value)}, against {listed}."
        )
    return paragraphs(sentences)


def charts(ctx: Context) -> Group:
    """Small multiples: each measure's lines for every year (calendar-year measures, then the
    January placement shares), each chart with its data."""
    spec = release_spec()
    calendar = [k for k in spec.measures if k not in JANUARY]
    return Group(
        _panels(ctx, calendar, "Requests, assessments, plans and reviews, by calendar year"),
        _panels(
            ctx, list(JANUARY), "Where children and young people with a plan are placed, January"
        ),
    )


def _panels(ctx: Context, kpis: list[str], title: str) -> Chart | None:
    spec = release_spec()
    panels, hidden, scales = {}, {}, {}
    for kpi_id in kpis:
        wide, withheld = _wide(ctx, kpi_id), _withheld(ctx, kpi_id)
        if withheld and "council" not in wide:  # every year's council figure withheld
            wide.insert(0, "council", np.nan)
        if wide.empty:
            continue
        name = spec.measures[kpi_id].title
        cells = pd.DataFrame(False, index=wide.index, columns=wide.columns)
        if "council" in cells:
            cells["council"] = wide.index.isin(sorted(withheld))
        wide.index = cells.index = [_label(p) for p in wide.index]
        panels[name] = wide.rename(columns=labels.COMPARATOR_NAMES)
        hidden[name] = cells.rename(columns=labels.COMPARATOR_NAMES)
        scales[name] = spec.measures[kpi_id].scale or kpi_id
    if not panels:
        return None
    return small_multiples(
        panels, title, "Year", "Per cent", source=SOURCE, hidden=hidden, scales=scales
    )


SOURCE = "Source: council SEND case records; DfE, Education, health and care plans (OGL v3)"


def definitions(ctx: Context) -> Table:
    """What each measure counts, in the DfE's words (the council's line here is counted
    the same way), and which scorecard KPI uses that definition — or counts something else
    and so carries no comparator in the scorecard."""
    spec = release_spec()
    rows = []
    for kpi_id, m in spec.measures.items():
        rows.append((m.title, m.definition, _in_scorecard(ctx, kpi_id)))
    frame = pd.DataFrame(rows, columns=["Measure", "How it is counted", "In the scorecard"])
    return Table(frame, "The measures compared, as the DfE defines them").row_header("Measure")


def _in_scorecard(ctx: Context, kpi_id: str) -> str:
    """Which scorecard KPIs use the DfE's definition of a measure, and which do not."""
    said = []
    shown = (
        "(with these comparators when benchmarks.csv is held)"
        if comparators_not_held(ctx)
        else "with these comparators"
    )
    for kpi in ctx.catalogue.kpis:
        name = f"{kpi.ref} {kpi.title.strip()}"
        if kpi.comparator == kpi_id:
            said.append(f"{name}: the same definition, month by month, {shown}")
        elif kpi.id == kpi_id:
            found = unlike(kpi.source, kpi_id)
            how = f" ({found[0]})" if found else ""
            said.append(f"{name}: another definition{how}, so no comparator there")
    return "; ".join(said) or "Not in the scorecard"
