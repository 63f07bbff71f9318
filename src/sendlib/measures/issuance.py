"""Assessments and new plans: the 20-week limit.

The final EHC plan must be issued within 20 weeks of the request (SEND Regulations 2014
reg 13(2)); "within 20 weeks" includes day 140. DfE publishes timeliness both including
and excluding the exception cases (reg 13(3), 10(4)(a)–(d)): the exclusion drops the
case from numerator and denominator. Only new plans count: the plan's request exists and
is not a transfer-in (``plans_issued``). A plan dated before its request (a
data-quality warning, ``plan_before_request``) is a recording error, not a plan issued on
time: it is left out of the timeliness figures (numerator and denominator) and the median,
and still counted as a plan issued.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from sendlib.measures.calendar import NEVER, count_in, count_open, month_end_day, month_of_day, pct
from sendlib.measures.cases import NOT_RECORDED, Cases
from sendlib.measures.decisions import band_of
from sendlib.measures.family import family
from sendlib.statutory import NOT_ISSUED_BANDS, PLAN_DAYS

# the bands (by time since the request) that add up to the KPI plans_pending_over_20wk
OVER_20WK_BANDS = tuple(code for lo, _, code in NOT_ISSUED_BANDS if lo > PLAN_DAYS)


#: the measures of plans issued (they read a plan's request: not available without it)
ISSUED = {
    "plans_issued": "New EHC plans issued in the month: the final plan after a request "
    "here, transfers-in excluded.",
    "plans_issued_20wk_pct": "Of new plans issued in the month, % issued within 20 weeks "
    "(140 days, day 140 included) of the request (SEND Regulations 2014 reg 13(2)).",
    "plans_issued_excl_exceptions": "New plans issued in the month whose assessment "
    "recorded no 20-week exception (SEND Regulations 2014 reg 13(3)).",
    "plans_issued_20wk_excl_pct": "Of new plans issued in the month with no 20-week "
    "exception recorded (reg 13(3)), % issued within 20 weeks of the request (reg 13(2)).",
    "plans_issued_median_days": "The median number of days from request to final plan of "
    "the new plans issued in the month.",
}
#: … those that also read whether a 20-week exception applied
EXCEPTIONS = ("plans_issued_excl_exceptions", "plans_issued_20wk_excl_pct")
#: the measures of assessments completed (they read the outcomes)
ASSESSED = {
    "assessments_plan": "EHC needs assessments completed in the month with a decision to "
    "issue a plan.",
    "assessments_no_plan": "EHC needs assessments completed in the month with a decision "
    "not to issue a plan (SEND Regulations 2014 reg 10(1)).",
    "plan_after_assessment_pct": "Of EHC needs assessments completed in the month (plan or "
    "no plan), % leading to a plan.",
}


@family(
    "issuance",
    {
        **ISSUED,
        "plans_not_yet_issued": "Requests the council agreed to assess with no final plan and "
        "no decision against one at month end: under assessment, or a plan agreed but not "
        "yet issued.",
        "plans_pending_over_20wk": "Of the plans not yet issued at month end, those whose "
        "request is more than 20 weeks (140 days) old: past SEND Regulations 2014 reg 13(2).",
        "under_assessment": "Requests the council agreed to assess whose EHC needs assessment "
        "has no outcome yet at month end.",
        "plans_agreed_not_issued": "Assessments that decided on a plan by month end whose "
        "final plan was not issued by then.",
        **ASSESSED,
    },
    ("person", "requests", "assessments", "plans"),
    needs=("requests.request_id",),
    also_needs={
        **{
            kpi: ("plans.plan_id", "plans.request_id")
            + (("assessments.week20_exception",) if kpi in EXCEPTIONS else ())
            for kpi in ISSUED
        },
        **{kpi: ("requests.request_outcome", "assessments.assessment_outcome") for kpi in ASSESSED},
    },
)
def issuance(cases: Cases, months: np.ndarray) -> dict[str, np.ndarray]:
    """New plans issued, % within 20 weeks (incl./excl. exceptions), median days, backlog."""
    plans = cases.plans[cases.plans["new"].to_numpy()]
    start_m = plans["start_m"].to_numpy()
    days = plans["start_day"].to_numpy() - plans["received_day"].to_numpy()
    timed = days >= 0  # a plan dated before its request is left out of timeliness
    within = timed & (days <= PLAN_DAYS)
    exception = plans["exception"].to_numpy(dtype=bool)
    issued = count_in(start_m, months)
    excl = count_in(start_m[~exception], months)
    out = {
        "plans_issued": issued,
        "plans_issued_20wk_pct": pct(
            count_in(start_m[within], months), count_in(start_m[timed], months)
        ),
        "plans_issued_excl_exceptions": excl,
        "plans_issued_20wk_excl_pct": pct(
            count_in(start_m[within & ~exception], months),
            count_in(start_m[timed & ~exception], months),
        ),
    }
    order = np.argsort(start_m[timed], kind="stable")
    sorted_m, sorted_days = start_m[timed][order], days[timed][order]
    lo, hi = np.searchsorted(sorted_m, months), np.searchsorted(sorted_m, months, side="right")
    out["plans_issued_median_days"] = np.array(
        [np.median(sorted_days[a:b]) if b > a else np.nan for a, b in zip(lo, hi, strict=True)]
    )

    requests = cases.requests
    a_out, a_m = requests["a_outcome"].to_numpy(), requests["a_m"].to_numpy()
    assess = ~requests["transfer"].to_numpy() & (requests["outcome"].to_numpy() == "A")
    decided = requests["decided_m"].to_numpy()[assess]
    # not yet issued: from the decision to assess until a plan, or a no-plan/withdrawn outcome
    closed = np.where(np.isin(a_out, ["N", "W"]), a_m, NEVER)[assess]
    until = np.minimum(requests["plan_m"].to_numpy()[assess], closed)
    over_20 = month_of_day(requests["received_day"].to_numpy()[assess] + PLAN_DAYS + 1)
    out["plans_not_yet_issued"] = count_open(decided, until, months)
    out["plans_pending_over_20wk"] = count_open(np.maximum(decided, over_20), until, months)
    out["under_assessment"] = count_open(decided, a_m[assess], months)
    # the rest of plans_not_yet_issued: a plan agreed (assessment outcome Y), not yet issued
    agreed = a_out[assess] == "Y"
    out["plans_agreed_not_issued"] = count_open(
        np.maximum(decided, a_m[assess])[agreed],
        requests["plan_m"].to_numpy()[assess][agreed],
        months,
    )
    plan_dec = count_in(a_m[a_out == "Y"], months)
    no_plan = count_in(a_m[a_out == "N"], months)
    out["assessments_plan"] = plan_dec
    out["assessments_no_plan"] = no_plan
    out["plan_after_assessment_pct"] = pct(plan_dec, plan_dec + no_plan)
    return {k: np.asarray(v, dtype=float) for k, v in out.items()}


def under_assessment_mask(cases: Cases, month: int) -> np.ndarray:
    """Under EHC needs assessment at month end: decided to assess by then, the assessment
    outcome not yet made."""
    requests = cases.requests
    return (
        ~requests["transfer"].to_numpy()
        & (requests["outcome"].to_numpy() == "A")
        & (requests["decided_m"].to_numpy() <= month)
        & (requests["a_m"].to_numpy() > month)
    )


def not_yet_issued_mask(cases: Cases, month: int) -> np.ndarray:
    """Decided to assess, no plan issued and no 'no plan'/withdrawn outcome by month end."""
    requests = cases.requests
    closed = np.isin(requests["a_outcome"].to_numpy(), ["N", "W"]) & (
        requests["a_m"].to_numpy() <= month
    )
    return (
        ~requests["transfer"].to_numpy()
        & (requests["outcome"].to_numpy() == "A")
        & (requests["decided_m"].to_numpy() <= month)
        & (requests["plan_m"].to_numpy() > month)
        & ~closed
    )


def not_yet_issued_by_band(cases: Cases, month: pd.Period, since: str = "request") -> pd.Series:
    """Plans not yet issued at month end by time since the request or the decision to issue."""
    requests = cases.requests
    waiting = not_yet_issued_mask(cases, month.ordinal)
    if since == "request":
        start = requests["received_day"].to_numpy()
    else:  # since the decision to issue a plan (assessment outcome Y)
        waiting &= (requests["a_outcome"].to_numpy() == "Y") & (
            requests["a_m"].to_numpy() <= month.ordinal
        )
        start = requests["a_day"].to_numpy()
    waited = month_end_day(month.ordinal) - start[waiting]
    counts = pd.Series(band_of(waited, NOT_ISSUED_BANDS)).value_counts()
    return counts.reindex([b[2] for b in NOT_ISSUED_BANDS], fill_value=0).rename("count")


def no_plan_reasons(cases: Cases, years: list[int]) -> pd.DataFrame:
    """Reasons a plan was not issued after assessment (reg 10(1)'s notice; ``no_plan_reason``
    in assessments.csv), by year of decision."""
    requests = cases.requests
    hit = requests["a_outcome"].to_numpy() == "N"
    year = pd.PeriodIndex.from_ordinals(requests["a_m"].to_numpy()[hit], freq="M").year
    frame = pd.DataFrame({"reason": requests["no_plan_reason"].to_numpy()[hit], "year": year})
    frame["reason"] = frame["reason"].fillna(NOT_RECORDED)
    table = frame[frame["year"].isin(years)].pivot_table(
        index="reason", columns="year", aggfunc="size", fill_value=0
    )
    return table.reindex(columns=years, fill_value=0)


def issued_by_month(cases: Cases, years: list[int]) -> pd.DataFrame:
    """New plans issued per calendar month (1–12), one column per year, so that a month is
    read beside the same month of other years."""
    plans = cases.plans[cases.plans["new"].to_numpy()]
    out = {}
    for year in years:
        months = pd.period_range(f"{year}-01", f"{year}-12", freq="M")
        out[str(year)] = count_in(plans["start_m"].to_numpy(), months.asi8)
    return pd.DataFrame(out, index=pd.Index(range(1, 13), name="month"))
