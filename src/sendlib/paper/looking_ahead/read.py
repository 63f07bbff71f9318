"""Looking ahead's paper data (the histories and projections the runner prepares) and
how the section reads them back, with the words for months, spans and intervals.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from sendlib.measures import pipeline, projections
from sendlib.measures.calendar import count_in, count_open
from sendlib.measures.cases import Cases
from sendlib.measures.reviews import reviews_due
from sendlib.measures.transfers import due_at_next_deadlines
from sendlib.paper.data import Offloaded
from sendlib.paper.narrative import number
from sendlib.paper.notebook_context import Context

SHOWN_HISTORY = 36  # recorded months drawn before the projection


@dataclass(frozen=True)
class SeriesSpec:
    """A projected series: the measure it is, its words, and its candidate models (the
    first is the usual one for it)."""

    measure: str
    title: str
    chart: str  # the chart's (short) title
    noun: str  # plural: "plans"
    singular: str  # "plan"
    candidates: tuple[projections.Model, ...]


SERIES = {
    "caseload": SeriesSpec(
        "ehcp_active",
        "EHC plans at month end",
        "EHC plans at month end",
        "plans",
        "plan",
        (projections.DAMPED, projections.SEASONAL),
    ),
    "requests": SeriesSpec(
        "requests_received",
        "Requests for an EHC needs assessment received in the month",
        "Requests for assessment each month",
        "requests",
        "request",
        (projections.SEASONAL, projections.DAMPED),
    ),
}
SOURCE = "Source: council SEND case records; sendlib's projection from them"


def too_few(plans: float) -> bool:
    """Fewer than one new plan expected in a month (as the paper rounds it): no share of
    them within 20 weeks is projected (a percentage of a fraction of a plan)."""
    return bool(pd.isna(plans) or round(float(plans)) < 1)


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
    phase = due_at_next_deadlines(c, month)
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
        "ahead_reviews_due": reviews_due(c, month).rename_axis("when").to_frame(),
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


def _listed(items: list[str], word: str = "and") -> str:
    return ", ".join(items[:-1]) + (f" {word} " if len(items) > 1 else "") + items[-1]
