"""Capacity: whether the staff can do the statutory work projected for the year ahead —
the "time and motion" calculation a council does by hand for its committee (the plans
held, one annual review each a year and the requests expected in a calendar year, set
against the hours the SEND and educational psychology staff have, give the share of the
statutory timescales they can meet).

``params/capacity.yaml`` (optional) lists the staff by role (FTE, and the hours a month
one full-time post gives to statutory SEND work), the hours each task takes and what
drives it (``request``: a request received; ``assessment``: a decision to assess;
``plan``: a new plan issued; ``review``: an annual review due), and up to three named
scenarios that add or remove posts from a month.

For each role: hours needed = Σ task hours × the year's projected volume of its driver,
hours available = Σ over the 12 months of FTE × hours a month, utilisation = needed ÷
available. If the staff share their time across their statutory work, a role can do in
time at most available ÷ needed of it (all of it when that is over 1); a process is held
back by its most stretched role. So the *achievable timeliness* of new assessments (the
6- and 20-week limits, SEND Regulations 2014 regs 5(1) and 13(2)) is the smallest such
share among the roles with request, assessment or plan tasks, and that of annual reviews
(Children and Families Act 2014 s44(1)) among the roles with review tasks. It is a
ceiling set by staff time, not a forecast of the published percentage; its range comes
from the projected demand's 80% interval.
"""

from __future__ import annotations

from pathlib import Path
from typing import Literal

import pandas as pd
from pydantic import BaseModel, ConfigDict, Field, model_validator

from sendlib.config import ParamsError, read_model

FILE = "capacity.yaml"
DRIVERS = ("request", "assessment", "plan", "review")
#: the statutory processes whose timeliness the staff's time limits, and their drivers
PROCESSES = {"assessments": ("request", "assessment", "plan"), "reviews": ("review",)}
AS_PLANNED = "As planned"
MONTHS = 12


class Role(BaseModel):
    """Staff in one role."""

    model_config = ConfigDict(extra="forbid")
    name: str
    fte: float = Field(ge=0)
    hours_per_fte_month: float = Field(gt=0, le=744)


class Task(BaseModel):
    """A task, the role that does it, what drives it and the hours it takes each time."""

    model_config = ConfigDict(extra="forbid")
    name: str
    role: str
    per: Literal["request", "assessment", "plan", "review"]
    hours: float = Field(gt=0)


class Scenario(BaseModel):
    """A named change to the staff: posts added (or, negative, removed) from a month."""

    model_config = ConfigDict(extra="forbid")
    name: str
    from_month: str | None = Field(default=None, pattern=r"^\d{4}-(0[1-9]|1[0-2])$")
    add_fte: dict[str, float]


class CapacityPlan(BaseModel):
    """``params/capacity.yaml``: roles, tasks and scenarios."""

    model_config = ConfigDict(extra="forbid")
    #: the example settings shipped with sendlib (the synthetic demo council's): a run on
    #: any other council's data says they are not the council's own
    example: bool = False
    roles: dict[str, Role] = Field(min_length=1)
    tasks: list[Task] = Field(min_length=1)
    scenarios: list[Scenario] = Field(default=[], max_length=3)

    @model_validator(mode="after")
    def _known_roles(self) -> CapacityPlan:
        for task in self.tasks:
            if task.role not in self.roles:
                raise ValueError(
                    f"task '{task.name}' is done by role '{task.role}', which is not under "
                    f"roles ({', '.join(self.roles)})"
                )
        names = [s.name for s in self.scenarios]
        if len(set(names)) != len(names):
            raise ValueError("two scenarios have the same name")
        for scenario in self.scenarios:
            for role, change in scenario.add_fte.items():
                if role not in self.roles:
                    raise ValueError(
                        f"scenario '{scenario.name}' changes role '{role}', which is not "
                        f"under roles ({', '.join(self.roles)})"
                    )
                if self.roles[role].fte + change < 0:
                    raise ValueError(
                        f"scenario '{scenario.name}' leaves role '{role}' with fewer than 0 FTE"
                    )
        return self


def load_capacity(params_dir: Path | str) -> CapacityPlan | None:
    """``PARAMS/capacity.yaml`` validated, or None when the council has not written one;
    a problem is a ``ParamsError`` naming the file, line and entry."""
    path = Path(params_dir) / FILE
    if not path.exists():
        return None
    return read_model(path, CapacityPlan, ParamsError, "the capacity parameters", _entry)


def _entry(data: object, loc: list) -> tuple[str, list]:
    """A problem inside a task or scenario is named by its name."""
    if len(loc) >= 2 and loc[0] in ("tasks", "scenarios") and isinstance(loc[1], int):
        try:
            name = data[loc[0]][loc[1]].get("name", "?")  # type: ignore[index]
            return f"{loc[0][:-1]} {name!r}", loc[2:]
        except (TypeError, KeyError, IndexError, AttributeError):
            return f"{loc[0][:-1]} number {loc[1] + 1}", loc[2:]
    return "", loc


def _hours_available(
    plan: CapacityPlan, months: list[pd.Period], scenario: Scenario | None
) -> dict[str, float]:
    """Each role's hours over ``months``, with the scenario's posts from its month (from
    the first month when it names none)."""
    out = {}
    start = pd.Period(scenario.from_month, freq="M") if scenario and scenario.from_month else None
    for key, role in plan.roles.items():
        change = scenario.add_fte.get(key, 0.0) if scenario else 0.0
        changed = sum(1 for m in months if start is None or m >= start)
        fte_months = role.fte * len(months) + change * changed
        out[key] = fte_months * role.hours_per_fte_month
    return out


def use(plan: CapacityPlan, demand: pd.DataFrame, months: list[pd.Period]) -> pd.DataFrame:
    """Hours needed and available by role, as planned and in each scenario, for the year
    ``months`` whose work ``demand`` projects (index: driver; columns ``central``, ``low``,
    ``high``: the year's volume and its 80% interval). One row per scenario and role:
    ``scenario``, ``role``, ``name``, ``fte`` (at the end of the year), ``available``,
    ``needed``/``needed_low``/``needed_high`` and ``utilisation``/``_low``/``_high`` (per
    cent)."""
    rows = []
    for scenario in [None, *plan.scenarios]:
        available = _hours_available(plan, months, scenario)
        for key, role in plan.roles.items():
            needed = {
                level: sum(
                    t.hours * float(demand.at[t.per, level]) for t in plan.tasks if t.role == key
                )
                for level in ("central", "low", "high")
            }
            hours = available[key]
            row = {
                "scenario": scenario.name if scenario else AS_PLANNED,
                "role": key,
                "name": role.name,
                "fte": role.fte + (scenario.add_fte.get(key, 0.0) if scenario else 0.0),
                "available": hours,
                "needed": needed["central"],
                "needed_low": needed["low"],
                "needed_high": needed["high"],
            }
            for level, suffix in (("central", ""), ("low", "_low"), ("high", "_high")):
                row[f"utilisation{suffix}"] = 100 * needed[level] / hours if hours else float("inf")
            rows.append(row)
    return pd.DataFrame(rows)


def achievable(plan: CapacityPlan, usage: pd.DataFrame) -> pd.DataFrame:
    """The achievable timeliness of each statutory process (see the module docstring), as
    planned and in each scenario: ``scenario``, ``process``, ``low`` (at the high end of
    demand), ``central``, ``high`` (at the low end), per cent, and ``limited_by``, the
    most stretched role (blank when the staff's time covers all of it)."""
    rows = []
    for scenario, part in usage.groupby("scenario", sort=False):
        by_role = part.set_index("role")
        for process, drivers in PROCESSES.items():
            roles = sorted({t.role for t in plan.tasks if t.per in drivers})
            if not roles:
                continue
            shares = {}
            for level, suffix in (("low", "_high"), ("central", ""), ("high", "_low")):
                needed = by_role.loc[roles, f"needed{suffix}"]
                cover = (by_role.loc[roles, "available"] / needed.where(needed > 0)).fillna(1.0)
                shares[level] = 100 * float(cover.clip(upper=1.0).min())
            worst = (by_role.loc[roles, "needed_high"] / by_role.loc[roles, "available"]).idxmax()
            stretched = by_role.at[worst, "utilisation_high"] > 100
            rows.append(
                {
                    "scenario": scenario,
                    "process": process,
                    **shares,
                    "limited_by": by_role.at[worst, "name"] if stretched else "",
                }
            )
    return pd.DataFrame(rows)


def demand(
    requests: dict[str, float], assess_share: float, plan_share: float, reviews: float
) -> pd.DataFrame:
    """The year's work by driver: ``requests`` (the projected 12-month total: ``mean``,
    ``lo80``, ``hi80``), decisions to assess and new plans in the recent proportions of
    requests, and the ``reviews`` due (those falling due in the year and those already
    due)."""
    rows = {}
    for level, key in (("central", "mean"), ("low", "lo80"), ("high", "hi80")):
        n = float(requests[key])
        rows[level] = {
            "request": n,
            "assessment": n * assess_share,
            "plan": n * assess_share * plan_share,
            "review": float(reviews),
        }
    return pd.DataFrame(rows).reindex(list(DRIVERS))
