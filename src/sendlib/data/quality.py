"""Data-quality warnings: doubtful rows that do not stop a run but are listed in the paper.

Each rule is one vectorised function from the tables and the report month to findings,
summarised by rule in the paper's data-quality section. Rules only read; they never change
a row.
"""

from __future__ import annotations

import difflib
from collections.abc import Callable

import pandas as pd

from sendlib.data import findings as fnd
from sendlib.data.arrow import index_in_each, is_in
from sendlib.data.contract import contract
from sendlib.data.coverage import Extract, extract
from sendlib.data.dates import age_at, month_end
from sendlib.data.load import Tables
from sendlib.statutory import PLAN_DAYS


def _warn(t: Tables, rule: str, file: str, frame: pd.DataFrame, column: str | None, values, reason):
    return fnd.make(
        "warning", rule, t.file(file), t.locate(file, frame.index), column, values, reason
    )


def _warn_date(t: Tables, rule: str, file: str, bad: pd.DataFrame, column: str, reason: str):
    """A warning about a date: the rows' dates shown as ISO dates."""
    return _warn(t, rule, file, bad, column, bad[column].dt.strftime("%Y-%m-%d"), reason)


def date_order(t: Tables, month: pd.Period) -> pd.DataFrame:
    """A later event dated before an earlier one (e.g. a cease before the plan started)."""
    out = []
    # SEN2's order of events within a row (contract.yaml `after`)
    for file, first, then, what in (
        (name, *order) for name, spec in contract().files.items() for order in spec.date_order()
    ):
        frame = getattr(t, file)
        bad = frame[frame[then] < frame[first]]
        out.append(
            _warn_date(
                t,
                "date_order",
                file,
                bad,
                then,
                f"{what} is before {first.replace('_', ' ')}",
            )
        )
    # an assessment outcome before its request (a plan before its request has its own
    # rule: it is also left out of timeliness)
    req = t.requests.set_index("request_id")["received_date"]
    a = t.assessments
    received = _lookup(req, a["request_id"])
    bad = a[a["assessment_outcome_date"] < received]
    out.append(
        _warn_date(
            t,
            "date_order",
            "assessments",
            bad,
            "assessment_outcome_date",
            "assessment outcome is before the request was received",
        )
    )
    return fnd.combine(out)


def plan_before_request(t: Tables, month: pd.Period) -> pd.DataFrame:
    """A plan issued before its request was received: a recording error, so the plan is
    left out of 20-week timeliness (numerator and denominator; ``measures.issuance``)."""
    req = t.requests.set_index("request_id")["received_date"]
    p = t.plans
    received = _lookup(req, p["request_id"])
    bad = p[p["start_date"] < received]
    return _warn_date(
        t,
        "plan_before_request",
        "plans",
        bad,
        "start_date",
        "plan issued before its request was received: left out of 20-week timeliness",
    )


def _lookup(values: pd.Series, keys: pd.Series) -> pd.Series:
    """``values`` at each key (the first row with it; missing where none), keeping its dtype
    even when empty: a join in Arrow, not a reindex (seconds on a national extract)."""
    rows = index_in_each([keys], values.index)[0]
    return pd.Series(values.array.take(rows, allow_fill=True), index=keys.index)


def dates_after_extract(t: Tables, found: Extract) -> pd.DataFrame:
    """Any date later than the extract date: a typing error, or an extract that is not
    what it says (later records of a back-filled month are not findings)."""
    if found.date is None:
        return fnd.empty()
    out = []
    for file, frame in t.frames().items():
        # a deadline (contract.yaml `deadline`) may well lie ahead: 15 February next year
        deadlines = contract().files[file].deadlines if file in contract().files else []
        for column in frame.columns:
            if column in deadlines:
                continue
            if str(frame[column].dtype).startswith("datetime64"):
                bad = frame[frame[column] > found.date]
                out.append(
                    _warn_date(
                        t,
                        "date_after_extract",
                        file,
                        bad,
                        column,
                        f"after the extract date {found.describe()}",
                    )
                )
    return fnd.combine(out)


def active_plan_holders(t: Tables, month: pd.Period) -> pd.DataFrame:
    """Person rows of people holding an active plan at month end."""
    end = month_end(month)
    p = t.plans
    active = p[(p["start_date"] <= end) & ~(p["cease_date"] <= end)]
    return t.person[is_in(t.person["person_id"], active["person_id"])]


def age_26_plus(t: Tables, month: pd.Period) -> pd.DataFrame:
    """Plan holder aged 26+ at month end: plans end by 25 (CFA 2014 s46; 25 is a query)."""
    holders = active_plan_holders(t, month)
    age = age_at(holders["birth_date"], month_end(month))
    bad = holders[age >= 26]
    return _warn(
        t,
        "age_26_plus",
        "person",
        bad,
        "birth_date",
        age[age >= 26],
        "holds an active plan at age 26 or over",
    )


def missing_upn(t: Tables, month: pd.Period) -> pd.DataFrame:
    """No UPN for a child of compulsory school age or older (6+), who should have one."""
    age = age_at(t.person["birth_date"], month_end(month))
    bad = t.person[t.person["upn"].isna() & (age >= 6)]
    return _warn(t, "missing_upn", "person", bad, "upn", None, "no UPN recorded at age 6 or over")


def overlapping_placements(t: Tables, month: pd.Period) -> pd.DataFrame:
    """Two placements open at once for one person (one main placement at a time)."""
    pl = t.placements.sort_values(["person_id", "entry_date"], kind="stable")
    far = pd.Timestamp("2262-01-01")
    leaving = pl["leaving_date"].fillna(far)
    # latest leaving date among the person's earlier placements
    prior = leaving.groupby(pl["person_id"]).cummax().groupby(pl["person_id"]).shift()
    bad = pl[pl["entry_date"] < prior]
    return _warn_date(
        t,
        "overlapping_placements",
        "placements",
        bad,
        "entry_date",
        "starts before the person's previous placement ended",
    )


def unnecessary_exception(t: Tables, month: pd.Period) -> pd.DataFrame:
    """Exception recorded although the plan was issued within 20 weeks (reg 13(3) excuses only
    a plan that is late)."""
    req = t.requests.set_index("request_id")["received_date"]
    issued = t.plans.dropna(subset=["request_id"]).drop_duplicates("request_id")
    issued = issued.set_index("request_id")["start_date"]
    a = t.assessments[t.assessments["week20_exception"]]
    days = (_lookup(issued, a["request_id"]) - _lookup(req, a["request_id"])).dt.days
    bad = a[days <= PLAN_DAYS]
    return _warn(
        t,
        "unnecessary_exception",
        "assessments",
        bad,
        "week20_exception",
        days[days <= PLAN_DAYS],
        "exception recorded but the plan was issued "
        "within 20 weeks (value = days from request to plan)",
    )


def review_before_plan(t: Tables, month: pd.Period) -> pd.DataFrame:
    """A review meeting dated before the plan it reviews started."""
    start = t.plans.set_index("plan_id")["start_date"]
    r = t.reviews
    bad = r[r["review_meeting_date"] < _lookup(start, r["plan_id"])]
    return _warn_date(
        t,
        "review_before_plan",
        "reviews",
        bad,
        "review_meeting_date",
        "review meeting before the plan's start date",
    )


def blank_gender(t: Tables, month: pd.Period) -> pd.DataFrame:
    """Gender (sex) not recorded."""
    bad = t.person[t.person["sex"].isna()]
    return _warn(t, "blank_gender", "person", bad, "sex", None, "sex is blank")


def duplicate_upn(t: Tables, month: pd.Period) -> pd.DataFrame:
    """One UPN held by more than one person id (a duplicate child record)."""
    p = t.person.dropna(subset=["upn"])
    bad = p[p.duplicated("upn", keep=False)]
    return _warn(
        t,
        "duplicate_upn",
        "person",
        bad,
        "upn",
        ["(withheld)"] * len(bad),
        "UPN is also held by another person_id",
    )


def cease_without_reason(t: Tables, month: pd.Period) -> pd.DataFrame:
    """A ceased plan with no SEN2 cease reason."""
    p = t.plans
    bad = p[p["cease_date"].notna() & p["cease_reason"].isna()]
    return _warn(
        t,
        "cease_without_reason",
        "plans",
        bad,
        "cease_reason",
        None,
        "plan has a cease date but no cease reason",
    )


def plans_per_request(t: Tables, month: pd.Period) -> pd.DataFrame:
    """More than one plan for one request: a request leads to at most one plan, so a second
    is a duplicate record (say a corrected start date entered as a new plan), and both
    would be counted as active and as issued."""
    p = t.plans.dropna(subset=["request_id"])
    bad = p[p.duplicated("request_id", keep="first")]
    return _warn(
        t,
        "plans_per_request",
        "plans",
        bad,
        "request_id",
        ["(withheld)"] * len(bad),
        "another plan has the same request_id: a request leads to one plan",
    )


def two_open_plans(t: Tables, month: pd.Period) -> pd.DataFrame:
    """Two plans open at month end for one person: a child has one EHC plan at a time,
    maintained by one local authority, so one of them should have ceased (or be one
    plan entered twice)."""
    end = month_end(month)
    p = t.plans
    open_ = p[(p["start_date"] <= end) & ~(p["cease_date"] <= end)]
    bad = open_[open_.duplicated("person_id", keep="first")]
    return _warn(
        t,
        "two_open_plans",
        "plans",
        bad,
        "person_id",
        ["(withheld)"] * len(bad),
        "the person already has another plan open at month end",
    )


#: the warning rules run for every report month (and ``dates_after_extract``)
WARNING_RULES: list[Callable[[Tables, pd.Period], pd.DataFrame]] = [
    date_order,
    plan_before_request,
    age_26_plus,
    missing_upn,
    overlapping_placements,
    unnecessary_exception,
    review_before_plan,
    blank_gender,
    duplicate_upn,
    cease_without_reason,
    plans_per_request,
    two_open_plans,
]


def find_warnings(t: Tables, month: pd.Period, found: Extract | None = None) -> pd.DataFrame:
    """Every data-quality warning for the report month (``found``: the extract date,
    inferred from the tables when not given)."""
    found = extract(t) if found is None else found
    return fnd.combine([*(rule(t, month) for rule in WARNING_RULES), dates_after_extract(t, found)])


def catalogue_checks(t: Tables, units: dict[str, str], known: set[str]) -> pd.DataFrame:
    """What the catalogue tells about the tables: rows of returns.csv and benchmarks.csv for
    KPIs it does not have (``known``: its ids and the comparators they name), and values
    that cannot be right for their KPI's unit (``units``: KPI id → unit)."""
    return fnd.combine([unknown_kpis(t, known), impossible_values(t, units)])


def unknown_kpis(t: Tables, known: set[str]) -> pd.DataFrame:
    """Rows of returns.csv and benchmarks.csv for a KPI id the catalogue does not have: a
    partner's figure or a comparator that no scorecard row would show (often a typo)."""
    out = []
    for name in ("returns", "benchmarks"):
        frame = t.frames()[name]
        bad = frame[~frame["kpi_id"].isin(known)]
        if not len(bad):
            continue
        reasons = [_unknown_kpi_reason(kpi, known) for kpi in bad["kpi_id"]]
        out.append(
            fnd.make(
                "warning",
                "unknown_kpi",
                t.file(name),
                t.locate(name, bad.index),
                "kpi_id",
                bad["kpi_id"],
                pd.Series(reasons, index=bad.index),
            )
        )
    return fnd.combine(out)


def _unknown_kpi_reason(kpi: str, known: set[str]) -> str:
    close = difflib.get_close_matches(kpi, sorted(known), n=1, cutoff=0.75)
    hint = f" — did you mean '{close[0]}'?" if close else ""
    return f"no KPI '{kpi}' in the catalogue, so this row is not shown{hint}"


#: what a partner's figure or a benchmark can be, by the KPI's unit
POSSIBLE = {
    "percent": (0.0, 100.0, "a percentage must be between 0 and 100"),
    "count": (0.0, None, "a count cannot be negative"),
    "rate_per_10k": (0.0, None, "a rate cannot be negative"),
    "rate": (0.0, None, "a rate cannot be negative"),
    "days": (0.0, None, "a number of days cannot be negative"),
    "weeks": (0.0, None, "a number of weeks cannot be negative"),
    "fte": (0.0, None, "a number of staff (FTE) cannot be negative"),
}


def impossible_values(t: Tables, units: dict[str, str]) -> pd.DataFrame:
    """Errors for values in returns.csv and benchmarks.csv that cannot be right for their
    KPI's unit (``units``: KPI id → unit): a percentage over 100, a negative count."""
    out = []
    for name in ("returns", "benchmarks"):
        frame = t.frames()[name]
        unit = frame["kpi_id"].map(units)
        for kind, (low, high, reason) in POSSIBLE.items():
            value = frame["value"].where(unit == kind)
            bad = frame[(value < low) | ((value > high) if high is not None else False)]
            if len(bad):
                out.append(
                    fnd.make(
                        "error",
                        "out_of_range",
                        t.file(name),
                        t.locate(name, bad.index),
                        "value",
                        bad["value"],
                        f"{reason} ({kind} KPI)",
                    )
                )
    return fnd.combine(out)
