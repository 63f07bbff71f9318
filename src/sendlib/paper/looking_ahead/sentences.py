"""Looking ahead's drafted sentences: the projections and how they did a year ago, the
open cases' deadlines, the projected 20-week timeliness, reviews and phase transfers.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from sendlib.measures import pipeline, projections
from sendlib.measures.transfers import phase_deadlines
from sendlib.paper.looking_ahead.read import (
    SERIES,
    Read,
    _day,
    _interval,
    _listed,
    _name,
    _pct,
    _span,
    too_few,
)
from sendlib.paper.narrative import agree, missing, number, plural

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
    what = "there are" if key == "caseload" else "there were"
    if found["actual"]:
        out = 100 * abs(found["projected"] - found["actual"]) / found["actual"]
        actual = f"{what} {number(found['actual'])}: {out:.1f}% out"
    else:  # a share of nothing is no measure of the miss
        actual = f"{what} none"
    n = found["origins"]
    projected = plural(round(found["projected"]), spec.singular, spec.noun)
    return (
        f"{_ago(found['horizon']).capitalize()} this method projected "
        f"{projected} for {_name(read.month)}; {actual}. Of the {plural(n, 'projection')} it "
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
    parts, none = [], []
    for _, row in frame.iterrows():
        when = pd.Period(row["period"], "M").strftime("%B")
        if missing(row["pct"]) or too_few(row["plans"]):
            none.append(when)
            continue
        interval = _interval(row["lo80"], row["hi80"], "percent")
        parts.append(f"{_pct(row['pct'])} in {when} (80% interval {interval})")
    first = frame.iloc[0]
    expected = round(first["plans"])
    lead = (
        f"about {plural(expected, 'new plan')} will be issued in {_name(first['period'])}"
        if expected
        else f"fewer than one new plan is expected in {_name(first['period'])}"
    )
    said = f"If cases move through each stage as they did in the last 12 months, {lead}"
    if parts:
        said += f"; the share within 20 weeks would be {_listed(parts)}"
        if none:
            said += f", with fewer than one plan expected in {_listed(none)}"
        said += "."
    else:
        said += (
            ", and fewer than one in each of the next three months: no share within "
            "20 weeks is projected."
        )
    sentences = [said]
    beyond = read.info["beyond"]
    if beyond >= 0.5:
        n = round(beyond)
        sentences.append(
            f"Of the open cases, {number(n)} {agree(n, 'has', 'have')} waited longer than any "
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


def _finalised(finalised: int, outstanding: int) -> str:
    """'none has been finalised yet' / '3 have been finalised and 2 are outstanding'."""
    if not finalised:
        return "none has been finalised yet"
    if not outstanding:
        return "all have been finalised" if finalised > 1 else "it has been finalised"
    return (
        f"{number(finalised)} {agree(finalised, 'has', 'have')} been finalised and "
        f"{number(outstanding)} {agree(outstanding, 'is', 'are')} outstanding"
    )


#: how the paper names the deadlines' moves — in words that are no group of children the
#: paper withholds (the audit reads "post-16" beside a small number as a requests figure)
MOVES = {"school": "moves between schools", "post16": "moves on from school"}


def _phase_sentence(read: Read) -> str:
    deadlines = phase_deadlines(read.month)
    named = _listed([f"{_day(d)} ({MOVES[k]})" for d, k in deadlines])
    if not read.info["phase_recorded"]:
        return (
            f"Phase transfers due by {named} are not shown: the data hold no phase-transfer "
            "dates (the SEN return's due and final dates of each transfer)."
        )
    frame = read.parts["ahead_phase_transfers"]
    parts = [
        f"of the {plural(row['count'], 'phase transfer')} due by {_day(row['due'])} "
        f"({MOVES[row['kind']]}), {_finalised(int(row['finalised']), int(row['outstanding']))}."
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
    said = [f"At the end of {_name(read.month)}, {parts[0]}"] if parts else []
    said += [part[0].upper() + part[1:] for part in parts[1:]]
    if empty:
        said.append(f"No phase transfers are recorded yet for {_listed(empty, 'or')}.")
    return " ".join(said)
