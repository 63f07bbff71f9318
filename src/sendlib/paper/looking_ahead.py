"""Section 10: looking ahead — where the caseload, requests, statutory deadlines and the
staff's capacity are heading over the next year, and how sure we are.

Nothing here is a scorecard figure. The projections (``sendlib.measures.projections``)
are made from the council's own monthly history and backtested on it; the deadlines and
the projected 20-week timeliness come from the cases open at month end
(``sendlib.measures.pipeline``); capacity is the time-and-motion arithmetic on
``params/capacity.yaml`` (``sendlib.measures.capacity``). Every figure is an activity
figure — requests, plans, reviews, deadlines, staff hours — with no breakdown of children
by a personal characteristic, so nothing here passes through disclosure control.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from sendlib.measures import capacity as cap
from sendlib.measures import pipeline, projections
from sendlib.measures.calendar import count_in, count_open
from sendlib.measures.cases import Cases
from sendlib.paper import labels
from sendlib.paper.charts import projection_chart
from sendlib.paper.data import Offloaded
from sendlib.paper.narrative import agree, missing, number, plural
from sendlib.paper.notebook_context import Context, Group, Html
from sendlib.paper.paragraphs import Paragraphs, paragraphs
from sendlib.paper.tables import Table

SHOWN_HISTORY = 36  # recorded months drawn before the projection


@dataclass(frozen=True)
class SeriesSpec:
    """A projected series: the measure it is, its words, and its candidate models (the
    first is the usual one for it)."""

    measure: str
    title: str
    chart: str  # the chart's (short) title
    noun: str
    candidates: tuple[projections.Model, ...]


SERIES = {
    "caseload": SeriesSpec(
        "ehcp_active",
        "EHC plans at month end",
        "EHC plans at month end",
        "plans",
        (projections.DAMPED, projections.SEASONAL),
    ),
    "requests": SeriesSpec(
        "requests_received",
        "Requests for an EHC needs assessment received in the month",
        "Requests for assessment each month",
        "requests",
        (projections.SEASONAL, projections.DAMPED),
    ),
}
SOURCE = "Source: council SEND case records; sendlib's projection from them"


# ----------------------------------------------------------------- paper data


def histories(c: Cases, month: pd.Period) -> pd.DataFrame:
    """The two series by month, from the first month the case records hold both requests
    and plans up to the report month (before it, one of them would count nothing):
    ``ehcp_active`` and ``requests_received`` counted as their families count them (a test
    holds them to ``sendlib.measures.registry``), without the families' other measures."""
    received = c.requests["received_m"].to_numpy()[~c.requests["transfer"].to_numpy(dtype=bool)]
    start, cease = c.plans["start_m"].to_numpy(), c.plans["cease_m"].to_numpy()
    starts = []
    for months in (received, start):
        months = months[months <= month.ordinal]
        if not len(months):
            empty = pd.PeriodIndex([], freq="M")
            return pd.DataFrame({key: pd.Series(index=empty, dtype=float) for key in SERIES})
        starts.append(int(months.min()))
    periods = pd.period_range(pd.Period(ordinal=max(starts), freq="M"), month, freq="M")
    ords = periods.asi8
    return pd.DataFrame(
        {
            "caseload": count_open(start, cease, ords).astype(float),
            "requests": count_in(received, ords).astype(float),
        },
        index=periods,
    )


def counts(c: Cases, month: pd.Period) -> dict[str, pd.DataFrame]:
    """Everything the section shows, computed once when the paper data is prepared:
    each series' record, projection, model and backtest; the open cases' deadlines, the
    projected 20-week timeliness and its backtest; reviews and phase transfers due; and
    the recent proportions the capacity arithmetic scales the requests by."""
    flow = pipeline.Flow.of(c)
    durations = pipeline.durations(flow, month.ordinal)
    shares = {
        "assess_share": _share(durations.decision.go),
        "plan_share": _share(durations.assessment.go),
    }
    timeliness = pipeline.projected_timeliness(flow, month)
    phase = pipeline.phase_transfers(c, month)
    info = {
        **shares,
        "missing_stages": "; ".join(durations.missing()),
        "beyond": float(timeliness["beyond"].iloc[0]) if len(timeliness) else 0.0,
        "phase_recorded": phase is not None,
    }
    return {
        # fitted in another process while this one computes the rest (statsmodels'
        # import and the fits take a second or two)
        "ahead_projections": Offloaded(projected, (histories(c, month),)),
        "ahead_deadlines": pipeline.deadlines(flow, month),
        "ahead_timeliness": timeliness.drop(columns="beyond", errors="ignore"),
        "ahead_timeliness_backtest": pipeline.backtest_timeliness(flow, month),
        "ahead_reviews_due": pipeline.reviews_due(c, month).rename_axis("when").to_frame(),
        "ahead_phase_transfers": phase
        if phase is not None
        else pd.DataFrame(columns=["due", "kind", "count", "finalised", "outstanding"]),
        "ahead_pipeline": pd.DataFrame([info]),
    }


def projected(history: pd.DataFrame) -> dict[str, pd.DataFrame]:
    """Each series' record and projection, its model and its backtest."""
    series, models, backtests = [], [], []
    for key, spec in SERIES.items():
        made = projections.project(key, history[key], list(spec.candidates))
        recorded = made.history.rename("recorded").to_frame()
        series.append(pd.concat([recorded, made.projection]).assign(series=key))
        models.append(_model_row(key, made))
        if made.made:
            backtests.append(made.backtest.assign(series=key))
    return {
        "ahead_series": pd.concat(series).rename_axis("period").reset_index(),
        "ahead_models": pd.DataFrame(models),
        "ahead_backtest": pd.concat(backtests, ignore_index=True)
        if backtests
        else pd.DataFrame(columns=["series", "origin", "target"]),
    }


def _share(go: np.ndarray) -> float:
    return float(np.mean(go)) if len(go) else float("nan")


def _model_row(key: str, made: projections.Projection) -> dict:
    row = {
        "series": key,
        "model": made.model.name if made.model else "",
        "reason": made.reason,
        "months": len(made.history),
        "fitted": min(len(made.history), projections.MAX_FIT),
        "last12": float(made.history.iloc[-12:].sum()) if len(made.history) >= 12 else np.nan,
    }
    for name in projections.MODELS:
        row[f"wape_{name}"] = made.scores.get(name, np.nan)
    for name in ("mean", "lo80", "hi80", "lo95", "hi95"):
        row[f"total_{name}"] = made.total.get(name, np.nan)
    return row


# ------------------------------------------------------------------- reading


@dataclass(frozen=True)
class Read:
    """The section's figures as a notebook (or the manifest) reads them."""

    month: pd.Period
    parts: dict[str, pd.DataFrame]

    @classmethod
    def of(cls, ctx: Context) -> Read:
        return cls(ctx.month, ctx.breakdowns)

    def model(self, key: str) -> pd.Series:
        frame = self.parts["ahead_models"]
        return frame[frame["series"] == key].iloc[0]

    def series(self, key: str) -> pd.DataFrame:
        frame = self.parts["ahead_series"]
        return frame[frame["series"] == key].set_index("period").drop(columns="series")

    def backtest(self, key: str) -> pd.DataFrame:
        frame = self.parts["ahead_backtest"]
        return frame[frame["series"] == key] if len(frame) else frame

    @property
    def info(self) -> pd.Series:
        return self.parts["ahead_pipeline"].iloc[0]

    @property
    def last_projected(self) -> str:
        return str(self.month + projections.HORIZON)


def _name(period: str | pd.Period) -> str:
    return pd.Period(period, freq="M").strftime("%B %Y")


def _short(period: str | pd.Period) -> str:
    return pd.Period(period, freq="M").strftime("%b %Y")


def _day(date) -> str:
    """'15 February 2027'."""
    ts = pd.Timestamp(date)
    return f"{ts.day} {ts:%B %Y}"


def _span(months: int) -> str:
    if months % 12 == 0:
        years = months // 12
        word = ["", "one", "two", "three", "four", "five"][years] if years <= 5 else str(years)
        return f"{word} year{'s' if years != 1 else ''}"
    return f"{months} months"


def _pct(value: float, places: int = 1) -> str:
    return f"{value:,.{places}f}%"


def _interval(lo: float, hi: float, unit: str = "count") -> str:
    if unit == "percent":
        return f"{_pct(lo)} to {_pct(hi)}"
    return f"{number(lo)} to {number(hi)}"


# ------------------------------------------------------------------ sentences


def year_ago(read: Read, key: str) -> dict | None:
    """The backtest's projection made 12 months before the report month for it (or the
    earliest origin's, when the history is shorter), with what happened and how often the
    intervals held the report month's figure."""
    frame = read.backtest(key)
    now = str(read.month)
    rows = frame[frame["target"] == now] if len(frame) else frame
    if not len(rows):
        return None
    first = rows.sort_values("horizon").iloc[-1]
    held80, n = projections.coverage(frame, now, 80)
    held95, _ = projections.coverage(frame, now, 95)
    return {
        "horizon": int(first["horizon"]),
        "projected": float(first["mean"]),
        "actual": float(first["actual"]),
        "lo80": float(first["lo80"]),
        "hi80": float(first["hi80"]),
        "held80": held80,
        "held95": held95,
        "origins": n,
        "wape": projections.wape(frame),
    }


def _ago(horizon: int) -> str:
    return "a year ago" if horizon == 12 else f"{plural(horizon, 'month')} ago"


def _backtest_sentence(read: Read, key: str) -> str:
    spec, found = SERIES[key], year_ago(read, key)
    if found is None:
        return (
            f"The projection of {spec.noun} cannot be backtested yet: that needs a month "
            f"with {projections.MIN_HISTORY} months of history before it."
        )
    out = (
        100 * abs(found["projected"] - found["actual"]) / found["actual"] if found["actual"] else 0
    )
    what = "there are" if key == "caseload" else "there were"
    n = found["origins"]
    return (
        f"{_ago(found['horizon']).capitalize()} this method projected "
        f"{number(found['projected'])} {spec.noun} for {_name(read.month)}; {what} "
        f"{number(found['actual'])}: {out:.1f}% out. Of the {plural(n, 'projection')} it "
        f"made for this month, one at the end of each of the last {plural(n, 'month')}, "
        f"{found['held80']} had the actual figure inside their 80% interval and "
        f"{found['held95']} inside their 95% interval"
        f"{_too_narrow(found['held80'], found['held95'], n)}."
    )


def _too_narrow(held80: int, held95: int, n: int) -> str:
    """A warning when the intervals held clearly less often than they should: the 80%
    interval in fewer than two thirds of the projections, or the 95% interval in fewer
    than five sixths (with 12 projections, either would happen by chance less than once
    in ten times if the intervals were right)."""
    if n >= 6 and (held80 < 2 * n / 3 or held95 < 5 * n / 6):
        return ": fewer than expected, so read its ranges as too narrow"
    return ""


def _model_sentence(read: Read, key: str) -> str:
    spec, row = SERIES[key], read.model(key)
    chosen = projections.MODELS[row["model"]]
    other = next(m for m in spec.candidates if m is not chosen)
    ours, theirs = row[f"wape_{chosen.name}"], row[f"wape_{other.name}"]
    noun = spec.noun.capitalize()
    if missing(ours, theirs):
        return f"{noun} are projected with {chosen.label}, the usual model for them."
    versus = "without the season" if chosen.seasonal else "with a season added"
    return (
        f"{noun} are projected with {chosen.label}, chosen because it came closer in the "
        f"backtest: on average {ours:.1f}% out, against {theirs:.1f}% {versus}."
    )


def projection_facts(read: Read) -> list[str]:
    """The projections' sentences: where each series is heading, how the method did in
    the backtest, and which model it is."""
    sentences = []
    for key, spec in SERIES.items():
        row = read.model(key)
        if not row["model"]:
            sentences.append(f"No projection of {spec.noun} is made: {row['reason']}.")
            continue
        ahead = read.series(key)
        last = ahead.loc[read.last_projected]
        span = _span(int(row["fitted"]))
        if key == "caseload":
            now = float(ahead.loc[str(read.month), "recorded"])
            sentences.append(
                f"If the pattern of the last {span} continues, there will be about "
                f"{number(last['mean'])} EHC plans at the end of {_name(read.last_projected)} "
                f"(80% interval {_interval(last['lo80'], last['hi80'])}), against "
                f"{number(now)} now."
            )
        else:
            sentences.append(
                f"About {number(row['total_mean'])} requests for an assessment are expected in "
                f"the next 12 months (80% interval "
                f"{_interval(row['total_lo80'], row['total_hi80'])}), against "
                f"{number(row['last12'])} in the last 12."
            )
        sentences.append(_backtest_sentence(read, key))
        sentences.append(_model_sentence(read, key))
    return sentences


def _listed(items: list[str], word: str = "and") -> str:
    return ", ".join(items[:-1]) + (f" {word} " if len(items) > 1 else "") + items[-1]


def pipeline_facts(read: Read) -> list[str]:
    """The open cases' deadlines, the projected 20-week timeliness and its backtest, the
    reviews due and the phase transfers."""
    d = read.parts["ahead_deadlines"]
    months = [c for c in d.columns if c[:2].isdigit()]
    awaiting = d[(d["deadline"] == "6wk")].iloc[0]
    twenty = d[d["deadline"] == "20wk"]
    open_now = int(twenty[["passed", *months, "later"]].to_numpy().sum())
    sentences = []
    if open_now:
        waiting = int(awaiting[["passed", *months, "later"]].sum())
        due = [f"{number(awaiting[m])} in {pd.Period(m, 'M'):%B}" for m in months if awaiting[m]]
        first = (
            f"Of the {plural(open_now, 'request')} open at the end of {_name(read.month)}, "
            f"{number(waiting)} {agree(waiting, 'awaits', 'await')} the decision whether to "
            "assess, due 6 weeks after the request"
        )
        late = int(awaiting["passed"])
        if due:
            first += f": {_listed(due)} fall due"
        first += f"; {number(late)} {agree(late, 'is', 'are')} already late." if late else "."
        sentences.append(first)
        soon, passed = int(twenty[months].to_numpy().sum()), int(twenty["passed"].sum())
        sentences.append(
            f"For {plural(soon, 'open case')} the 20-week date for the final plan falls in "
            f"the next three months; {number(passed)} {agree(passed, 'has', 'have')} "
            "already passed it."
        )
    else:
        sentences.append(f"No request was open at the end of {_name(read.month)}.")
    sentences += _timeliness_facts(read)
    sentences += _review_facts(read)
    sentences.append(_phase_sentence(read))
    return sentences


def _timeliness_facts(read: Read) -> list[str]:
    frame = read.parts["ahead_timeliness"]
    missing_stages = read.info["missing_stages"]
    if not len(frame):
        return [
            "The 20-week timeliness of the coming months is not projected: no case finished "
            f"some stages in the last 12 months ({missing_stages}), so there is nothing to "
            "draw their pace from."
        ]
    parts = []
    for _, row in frame.iterrows():
        when = pd.Period(row["period"], "M").strftime("%B")
        if missing(row["pct"]):
            parts.append(f"no plans in {when}")
            continue
        interval = _interval(row["lo80"], row["hi80"], "percent")
        parts.append(f"{_pct(row['pct'])} in {when} (80% interval {interval})")
    first = frame.iloc[0]
    sentences = [
        f"If cases move through each stage as they did in the last 12 months, about "
        f"{plural(round(first['plans']), 'new plan')} will be issued in "
        f"{_name(first['period'])}; the share within 20 weeks would be {_listed(parts)}."
    ]
    beyond = read.info["beyond"]
    if beyond >= 0.5:
        n = round(beyond)
        sentences.append(
            f"{plural(n, 'open case')} {agree(n, 'has', 'have')} waited longer than any "
            "case that finished the same stage in the last 12 months; the projection takes "
            f"{agree(n, 'it', 'them')} to finish within {pipeline.BEYOND_DAYS} days."
        )
    test = timeliness_backtest(read)
    if test is not None:
        n = test["origins"]
        sentences.append(
            f"Made at the end of each of the last {plural(n, 'month')} for the month after, "
            f"this projection was on average {test['error']:.1f} percentage points out; "
            f"{test['held80']} of the {n} had the actual figure inside their 80% interval "
            f"and {test['held95']} inside their 95% interval"
            f"{_too_narrow(test['held80'], test['held95'], n)}."
        )
    return sentences


def timeliness_backtest(read: Read) -> dict | None:
    """How the projection of the next month's 20-week % did, made as at each of the last
    12 month ends: average error (points), and how often each interval held."""
    frame = read.parts["ahead_timeliness_backtest"]
    if not len(frame):
        return None
    next_month = frame[(frame["horizon"] == 1)].dropna(subset=["pct", "actual"])
    if not len(next_month):
        return None
    actual = next_month["actual"].to_numpy()
    return {
        "origins": len(next_month),
        "error": float(np.abs(next_month["pct"].to_numpy() - actual).mean()),
        "held80": int(((next_month["lo80"] <= actual) & (actual <= next_month["hi80"])).sum()),
        "held95": int(((next_month["lo95"] <= actual) & (actual <= next_month["hi95"])).sum()),
    }


def _review_facts(read: Read) -> list[str]:
    due = read.parts["ahead_reviews_due"]["count"]
    months = [m for m in due.index if m != "due"][: pipeline.AHEAD]
    soon = int(due[months].sum())
    listed = _listed([f"{number(due[m])} in {pd.Period(m, 'M'):%B}" for m in months])
    return [
        f"{plural(due['due'], 'annual review')} {agree(due['due'], 'is', 'are')} already due "
        f"or overdue, and {number(soon)} more fall due in the next three months ({listed})."
    ]


#: how the paper names the deadlines' moves — in words that are no group of children the
#: paper withholds (the audit reads "post-16" beside a small number as a requests figure)
MOVES = {"school": "moves between schools", "post16": "moves on from school"}


def _phase_sentence(read: Read) -> str:
    deadlines = pipeline.phase_deadlines(read.month)
    named = _listed([f"{_day(d)} ({MOVES[k]})" for d, k in deadlines])
    if not read.info["phase_recorded"]:
        return (
            f"Phase transfers due by {named} are not shown: the data hold no phase-transfer "
            "dates (the SEN return's due and final dates of each transfer)."
        )
    frame = read.parts["ahead_phase_transfers"]
    parts = [
        f"{plural(row['count'], 'phase transfer')} due by {_day(row['due'])} "
        f"({MOVES[row['kind']]}), {number(row['finalised'])} finalised and "
        f"{number(row['outstanding'])} outstanding"
        for _, row in frame.iterrows()
        if row["count"]
    ]
    # a deadline with none recorded yet: the transfers are listed from the autumn before
    # it, so "0 due" would read as none to come
    empty = [
        f"{_day(row['due'])} ({MOVES[row['kind']]})"
        for _, row in frame.iterrows()
        if not row["count"]
    ]
    said = []
    if parts:
        said.append(f"At the end of {_name(read.month)} there are {_listed(parts)}.")
    if empty:
        said.append(f"No phase transfers are recorded yet for {_listed(empty, 'or')}.")
    return " ".join(said)


def facts(ctx: Context) -> Paragraphs:
    """The section's drafted sentences (capacity's come with its tables)."""
    read = Read.of(ctx)
    return paragraphs(projection_facts(read) + pipeline_facts(read))


# ---------------------------------------------------------------- charts, tables


def projection_charts(ctx: Context) -> Group:
    """Each series' last three years and its projection, with the 80% and 95% bands, and
    the backtest table."""
    read = Read.of(ctx)
    charts = []
    for key, spec in SERIES.items():
        if not read.model(key)["model"]:
            continue
        frame = read.series(key)
        recorded = frame["recorded"].dropna()
        frame = frame.loc[recorded.index[-SHOWN_HISTORY:][0] :]
        frame = frame.reindex(columns=["recorded", "mean", "lo80", "hi80", "lo95", "hi95"])
        charts.append(
            projection_chart(
                frame,
                f"{spec.chart}: recorded and projected",
                f"Number of {spec.noun}",
                source=SOURCE,
            )
        )
    return Group(*charts, backtest_table(read))


def backtest_table(read: Read) -> Table | None:
    """For each series: the method, what it projected a year ago for now, what happened,
    and how often its intervals held."""
    rows = []
    for key, spec in SERIES.items():
        row = read.model(key)
        found = year_ago(read, key) if row["model"] else None
        if found is None:
            continue
        rows.append(
            {
                "Measure": spec.title,
                "Method": projections.MODELS[row["model"]].label.capitalize(),
                "Projected": found["projected"],
                "Actual": found["actual"],
                "Per cent out": 100 * abs(found["projected"] - found["actual"]) / found["actual"]
                if found["actual"]
                else np.nan,
                "80% interval held": f"{found['held80']} of {found['origins']}",
                "95% interval held": f"{found['held95']} of {found['origins']}",
                "Average error": found["wape"],
            }
        )
    if not rows:
        return None
    frame = pd.DataFrame(rows)
    return (
        Table(
            frame,
            f"How the projections did: the method run as at each of the last 12 month "
            f"ends, beside {_name(read.month)}",
        )
        .row_header("Measure")
        .number("Projected", "Actual")
        .percent("Per cent out", "Average error")
        .note(
            "Projected: made 12 months before the report month (or as early as the history "
            "allows) for the report month. Held: how many of the projections made as at each "
            "of the last 12 month ends had this month's figure inside their interval. Average "
            "error: over every month each of them projected, as a share of what happened."
        )
    )


def pipeline_tables(ctx: Context) -> Group:
    """The open cases' deadlines by month, the projected 20-week timeliness, the reviews
    falling due and the phase transfers (when the data hold them)."""
    read = Read.of(ctx)
    return Group(
        deadlines_table(read),
        timeliness_table(read),
        reviews_table(read),
        phase_table(read),
    )


def deadlines_table(read: Read) -> Table:
    d = read.parts["ahead_deadlines"]
    months = [c for c in d.columns if c[:2].isdigit()]
    frame = pd.DataFrame(
        {
            "Deadline": [
                ("Decision whether to assess (6 weeks)" if r == "6wk" else "Final plan (20 weeks)")
                for r in d["deadline"]
            ],
            "Stage now": labels.words(d["stage"], labels.STAGES),
            "Already passed": d["passed"],
            **{_short(m): d[m] for m in months},
            "Later": d["later"],
        }
    )
    return (
        Table(frame, f"Statutory dates of the requests open at the end of {_name(read.month)}")
        .row_header("Deadline")
        .number("Already passed", *(_short(m) for m in months), "Later")
        .note(
            "Counted by the month the date falls in: 42 days after the request for the "
            "decision, 140 days for the final plan (SEND Regulations 2014 regs 5(1), 13(2))."
        )
    )


def timeliness_table(read: Read) -> Table | None:
    frame = read.parts["ahead_timeliness"]
    if not len(frame):
        return None
    out = pd.DataFrame(
        {
            "Month": [_name(p) for p in frame["period"]],
            "New plans expected": frame["plans"],
            "Within 20 weeks (projected)": frame["pct"],
            "80% interval": [
                f"{lo:.1f}–{hi:.1f}%" for lo, hi in zip(frame["lo80"], frame["hi80"], strict=True)
            ],
            "95% interval": [
                f"{lo:.1f}–{hi:.1f}%" for lo, hi in zip(frame["lo95"], frame["hi95"], strict=True)
            ],
        }
    )
    return (
        Table(out, "Projected 20-week timeliness of the new plans of the next three months")
        .row_header("Month")
        .number("New plans expected")
        .percent("Within 20 weeks (projected)")
        .note(
            "Every open case, and the requests still to come, moving through the stages "
            "as the cases that finished them in the last 12 months did (their durations and "
            "outcomes, each as likely)."
        )
    )


def reviews_table(read: Read) -> Table:
    due = read.parts["ahead_reviews_due"]["count"]
    months = [m for m in due.index if m != "due"]
    soon, rest = months[: pipeline.AHEAD], months[pipeline.AHEAD :]
    row = {"Already due or overdue": due["due"], **{_short(m): due[m] for m in soon}}
    row[f"{_short(rest[0])} to {_short(rest[-1])}"] = int(due[rest].sum())
    frame = pd.DataFrame([row]).assign(Plans="Active plans").set_index("Plans").reset_index()
    return (
        Table(frame, f"Annual reviews falling due, plans active at the end of {_name(read.month)}")
        .row_header("Plans")
        .number(*frame.columns[1:])
        .note(
            "Due 12 months after the plan or the last review meeting (Children and Families "
            "Act 2014 s44(1)); each plan falls due once in the year ahead."
        )
    )


def phase_table(read: Read) -> Table | None:
    """The next deadlines' phase transfers; none until one is recorded (the sentence says
    so: a table of zeros would read as none to come)."""
    if not read.info["phase_recorded"]:
        return None
    frame = read.parts["ahead_phase_transfers"]
    if not frame["count"].any():
        return None
    out = pd.DataFrame(
        {
            "Deadline": [_day(d) for d in frame["due"]],
            "Phase transfers due": frame["count"],
            "Finalised": frame["finalised"],
            "Outstanding": frame["outstanding"],
        }
    )
    return (
        Table(out, "Phase transfers due at the next deadlines (SEND Regulations 2014 reg 18)")
        .row_header("Deadline")
        .number("Phase transfers due", "Finalised", "Outstanding")
    )


# ------------------------------------------------------------------- capacity


def demand(read: Read) -> pd.DataFrame | None:
    """The year's statutory work by driver (``sendlib.measures.capacity.demand``), or None
    when requests are not projected."""
    row = read.model("requests")
    if not row["model"] or missing(read.info["assess_share"], read.info["plan_share"]):
        return None
    due = read.parts["ahead_reviews_due"]["count"]
    return cap.demand(
        {k: row[f"total_{k}"] for k in ("mean", "lo80", "hi80")},
        float(read.info["assess_share"]),
        float(read.info["plan_share"]),
        float(due.sum()),
    )


def year_ahead(month: pd.Period) -> list[pd.Period]:
    return [month + k for k in range(1, cap.MONTHS + 1)]


def capacity_figures(read: Read, plan: cap.CapacityPlan) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Hours by role and the achievable timeliness, as planned and in each scenario."""
    work = demand(read)
    usage = cap.use(plan, work, year_ahead(read.month))
    return usage, cap.achievable(plan, usage)


def _range(lo: float, hi: float, short: bool = False) -> str:
    """'89% to 95%' ('89–95%' in a table), or '100%' when both ends round alike."""
    if round(lo) == round(hi):
        return _pct(lo, 0)
    return f"{lo:.0f}–{hi:.0f}%" if short else f"{lo:.0f}% to {hi:.0f}%"


def capacity(ctx: Context, params_dir: str | Path = "params") -> Group | Html:
    """Utilisation of each role and the achievable timeliness of assessments and reviews
    over the next 12 months, as planned and in each scenario of ``capacity.yaml``; without
    the file, what it would need."""
    plan = cap.load_capacity(params_dir)
    read = Read.of(ctx)
    if plan is None:
        return paragraphs(
            [
                "Capacity is not assessed: that needs the service's staff by role (full-time "
                "equivalents and hours a month) and the hours each task takes (educational "
                "psychologist advice per assessment, co-ordinator time per assessment and per "
                "annual review, …), which have not been given (params/capacity.yaml)."
            ]
        )
    if demand(read) is None:
        return paragraphs(
            [
                "Capacity is not assessed: it scales the projected requests for the year "
                "ahead, and they are not projected (see above)."
            ]
        )
    usage, reach = capacity_figures(read, plan)
    return Group(
        paragraphs(capacity_facts(read, plan, usage, reach)),
        usage_table(usage, plan),
        achievable_table(reach),
    )


def capacity_facts(
    read: Read, plan: cap.CapacityPlan, usage: pd.DataFrame, reach: pd.DataFrame
) -> list[str]:
    """How stretched each role is as planned, what that allows, and each scenario."""
    work = demand(read)
    planned = usage[usage["scenario"] == cap.AS_PLANNED]
    busiest = planned.sort_values("utilisation", ascending=False).iloc[0]
    sentences = [
        f"The year ahead's projected work — {number(work.at['request', 'central'])} requests, "
        f"{number(work.at['assessment', 'central'])} assessments, "
        f"{number(work.at['plan', 'central'])} new plans and "
        f"{number(work.at['review', 'central'])} annual reviews — needs "
        f"{_pct(busiest['utilisation'], 0)} of the hours of the {busiest['name'].lower()} "
        f"(80% interval {_range(busiest['utilisation_low'], busiest['utilisation_high'])}), "
        "the most of any role."
    ]
    last = year_ahead(read.month)[-1]
    later = {s.name for s in plan.scenarios if s.from_month and pd.Period(s.from_month, "M") > last}
    for scenario, part in reach.groupby("scenario", sort=False):
        if scenario in later:
            sentences.append(
                f"The scenario '{scenario}' starts after the 12 months looked at "
                f"(to {_name(last)})."
            )
            continue
        done, covered = [], []
        for _, row in part.iterrows():
            what = "new assessments" if row["process"] == "assessments" else "annual reviews"
            if row["low"] >= 100:
                covered.append(what)
            else:
                done.append(f"at most {_range(row['low'], row['high'])} of {what}")
        lead = (
            "With the staff as planned, and their time shared across this work"
            if scenario == cap.AS_PLANNED
            else f"In the scenario '{scenario}'"
        )
        said = []
        if done:
            said.append(f"{_listed(done)} could be completed within the statutory timescales")
        if covered:
            said.append(f"staff time covers all {_listed(covered)}")
        sentences.append(f"{lead}, {'; '.join(said)}.")
    return sentences


def usage_table(usage: pd.DataFrame, plan: cap.CapacityPlan) -> Table:
    """Hours by role as planned, and in each scenario for the roles it changes."""
    changed = {s.name: set(s.add_fte) for s in plan.scenarios}
    changes = [
        role in changed.get(scenario, ())
        for scenario, role in zip(usage["scenario"], usage["role"], strict=True)
    ]
    keep = (usage["scenario"] == cap.AS_PLANNED).to_numpy() | np.array(changes, dtype=bool)
    usage = usage[keep]
    frame = pd.DataFrame(
        {
            "Role": usage["name"],
            "Scenario": usage["scenario"],
            "FTE": usage["fte"],
            "Hours available": usage["available"],
            "Hours needed": usage["needed"],
            "Utilisation": usage["utilisation"],
            "80% interval": [
                _range(lo, hi, short=True)
                for lo, hi in zip(usage["utilisation_low"], usage["utilisation_high"], strict=True)
            ],
        }
    )
    return (
        Table(frame, "Staff hours over the next 12 months, needed and available")
        .row_header("Role")
        .number("FTE", places=1)
        .number("Hours available", "Hours needed")
        .percent("Utilisation", places=0)
        .note(
            "Needed: each task's hours times the projected requests, assessments (requests "
            "times the share decided to assess in the last 12 months), new plans (assessments "
            "times the share that led to a plan) and annual reviews due, including those "
            "already due. The interval comes from the projected requests' 80% interval. "
            "Scenarios are shown for the roles they change."
        )
    )


def achievable_table(reach: pd.DataFrame) -> Table:
    wide = {}
    for scenario, part in reach.groupby("scenario", sort=False):
        row = {}
        for _, r in part.iterrows():
            name = (
                "New assessments (6 and 20 weeks)"
                if r["process"] == "assessments"
                else "Annual reviews"
            )
            row[name] = _range(r["low"], r["high"], short=True)
            row[f"{name}: limited by"] = r["limited_by"] or "not limited by staff time"
        wide[scenario] = row
    frame = pd.DataFrame.from_dict(wide, orient="index").rename_axis("Scenario").reset_index()
    return (
        Table(
            frame, "Achievable timeliness: the share of the year's statutory work staff time allows"
        )
        .row_header("Scenario")
        .note(
            "A ceiling set by staff time if it is shared across the work, not a forecast of "
            "the published figures: the most stretched role of each process sets it."
        )
    )


# ------------------------------------------------------------------- manifest


def _round(value) -> float | None:
    return None if missing(float(value)) else round(float(value), 2)


def manifest(data, params_dir: str | Path) -> dict:
    """What the manifest records of this section: each projection with its intervals, the
    backtest figures, the projected 20-week timeliness with its intervals and backtest, and
    the capacity ranges (``data``: the paper data)."""
    read = Read(pd.Period(data.meta["month"], freq="M"), data.breakdowns)
    out: dict = {}
    for key in SERIES:
        row = read.model(key)
        entry: dict = {"months_of_history": int(row["months"])}
        if not row["model"]:
            entry["not_projected"] = row["reason"]
            out[key] = entry
            continue
        ahead = read.series(key).dropna(subset=["mean"])
        entry["model"] = row["model"]
        entry["backtest_wape"] = {m: _round(row[f"wape_{m}"]) for m in projections.MODELS}
        entry["projection"] = {
            period: {b: _round(r[b]) for b in ("mean", "lo80", "hi80", "lo95", "hi95")}
            for period, r in ahead.iterrows()
        }
        entry["next_12_months"] = {
            b: _round(row[f"total_{b}"]) for b in ("mean", "lo80", "hi80", "lo95", "hi95")
        }
        found = year_ago(read, key)
        if found is not None:
            entry["backtest"] = {
                k: _round(v) if isinstance(v, float) else v for k, v in found.items()
            }
        out[key] = entry
    timeliness = read.parts["ahead_timeliness"]
    out["plans_issued_20wk_pct"] = {
        "projection": {
            r["period"]: {b: _round(r[b]) for b in ("plans", "pct", "lo80", "hi80", "lo95", "hi95")}
            for _, r in timeliness.iterrows()
        },
        "backtest": timeliness_backtest(read),
    }
    if not len(timeliness):
        out["plans_issued_20wk_pct"]["not_projected"] = read.info["missing_stages"]
    from sendlib.config import ParamsError

    try:
        plan = cap.load_capacity(params_dir)
    except ParamsError as exc:
        out["capacity"] = {"error": str(exc)}
        return out
    if plan is None or demand(read) is None:
        out["capacity"] = None
        return out
    usage, reach = capacity_figures(read, plan)
    out["capacity"] = {
        "utilisation_pct": {
            f"{r['scenario']}: {r['role']}": [
                _round(r["utilisation_low"]),
                _round(r["utilisation"]),
                _round(r["utilisation_high"]),
            ]
            for _, r in usage.iterrows()
        },
        "achievable_pct": {
            f"{r['scenario']}: {r['process']}": [_round(r["low"]), _round(r["high"])]
            for _, r in reach.iterrows()
        },
    }
    return out
