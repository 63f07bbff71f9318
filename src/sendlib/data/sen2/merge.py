"""Returns merged into one history, by person and census.

A later return is authoritative for the children it holds, over the period it covers (the
calendar year before its census, and whatever was still open on the census day): their
requests, assessments, plans, reviews, phase transfers and placements from earlier
returns are replaced by its own, not added to them. What an earlier return described
wholly before that period stays (a plan that ceased years ago is in no later return), and
so does the whole history of a child the later return does not hold.

**Ids that survive a correction.** A request's id is the keyed hash of the child and the
day it was received; a plan's, the hash of its request. When a later return holds a
request received within ``TOLERANCE_DAYS`` (31) of one of the same child's requests
already in the history, it is that request, corrected: it keeps the earlier id (nearest
dates first, each request matched once, an exact day before a near one). So a corrected
``StartDate`` never makes a second plan, and a corrected ``ReceivedDate`` — a mistyped
day, a day and month swapped within a month, a slip of up to a month either way — keeps
the request, its assessment and its plan. A date moved further (a mistyped year) is a new
request; the old one, within the later return's period, is replaced and counted so.
Reviews are matched by plan and year (a return carries one review a plan, its latest of
the year) and phase transfers by plan and year of the deadline, so a corrected meeting
or deadline is an update too.

Every table's rows are counted per return: ``new``, ``updated``, ``unchanged``, and
``replaced`` (an earlier row the return covers and no longer holds).
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass

import pandas as pd

from sendlib.data.contract import contract
from sendlib.data.sen2.ids import IdKey
from sendlib.data.sen2.person import TABLES, Read, Who

TOLERANCE_DAYS = 31
OUTCOMES = ("new", "updated", "unchanged", "replaced")
#: each table's parent: the table other than person whose key its rows refer to
#: (contract.yaml `references`), and the column holding it
PARENTS = {
    table: (target.partition(".")[0], column)
    for table in TABLES
    for column, target in contract().files[table].references.items()
    if not target.startswith("person.")
}
#: the contract's key of each table that has one (a row of a later return with the same
#: key is the same row); reviews, phase transfers and placements are matched otherwise
KEYS = {table: tuple(contract().files[table].key) for table in TABLES}
#: a return carries one review and one phase transfer a plan a year: matched by plan and
#: the year of this date, so a corrected date is an update, not a second row
BY_YEAR = {
    "reviews": ("plan_id", "review_meeting_date"),
    "phase_transfers": ("plan_id", "due_date"),
}


@dataclass(frozen=True)
class Period:
    """What a return covers: from 1 January of the year before its census to the census."""

    start: str
    census: str

    @classmethod
    def of(cls, census: str) -> Period:
        return cls(f"{int(census[:4]) - 1}-01-01", census)

    def covers(self, span: tuple[str, str]) -> bool:
        """A row whose days ``span`` (last ``""``: still open) meet this period."""
        first, last = span
        return first <= self.census and (not last or last >= self.start)


def person_id(who: Who, key: IdKey, shared: set[str]) -> str:
    """A child's id: from the UPN (with the birth date when one UPN names two children),
    else from the ULN, else from the names and birth date."""
    if who.kind == "upn" and who.value not in shared:
        return key.id("P", "upn", who.value)
    if who.kind == "uln":
        return key.id("P", "uln", who.value)
    return key.id("P", who.kind, who.value, who.birth)


def upn_hash(upn: str, key: IdKey) -> str:
    """The UPN as the person table holds it: its keyed hash (one UPN, one hash)."""
    return key.id("U", upn.strip().upper()) if upn.strip() else ""


def _public(row: dict) -> dict:
    return {k: v for k, v in row.items() if not k.startswith("_")}


def _days_apart(a: str, b: str) -> int:
    return abs((dt.date.fromisoformat(a[:10]) - dt.date.fromisoformat(b[:10])).days)


class History:
    """The merged tables so far; ``lay`` adds one return (in census order)."""

    def __init__(self, key: IdKey, shared: set[str]):
        self.key, self.shared = key, shared
        self.rows: dict[str, dict[tuple, dict]] = {t: {} for t in TABLES}

    # ------------------------------------------------------------ keys
    @staticmethod
    def row_key(table: str, row: dict) -> tuple:
        if table in BY_YEAR:
            plan, date = BY_YEAR[table]
            return (row[plan], row[date][:4])
        if table != "placements":
            return tuple(row[column] for column in KEYS[table])
        key = (row["person_id"], row["entry_date"])
        return key if row["entry_date"] else (*key, row["urn"], row["setting"])

    def _request_ids(self, read: Read, pid) -> list[str]:
        """Each request of the return its id: an earlier request of the same child within
        the tolerance keeps its id, else a new one from the day received."""
        earlier: dict[str, list[tuple[str, str]]] = {}
        for (rid,), row in self.rows["requests"].items():
            earlier.setdefault(row["person_id"], []).append((row["_date"], row["_received"], rid))
        rows = read.rows["requests"]
        persons = [pid(r["_who"]) for r in rows]
        pairs = []
        for i, (p, row) in enumerate(zip(persons, rows, strict=True)):
            for date, received, rid in earlier.get(p, ()):
                apart = _days_apart(row["_date"], date)
                if apart <= TOLERANCE_DAYS:
                    pairs.append((apart, received != row["_received"], i, date, rid))
        ids: list[str | None] = [None] * len(rows)
        taken: set[str] = set()
        for _, _, i, _, rid in sorted(pairs):
            if ids[i] is None and rid not in taken:
                ids[i] = rid
                taken.add(rid)
        held = {k[0] for k in self.rows["requests"]}
        for i, (p, row) in enumerate(zip(persons, rows, strict=True)):
            if ids[i] is None:
                fresh = self.key.id("R", p, row["_received"])
                while fresh in held - taken or fresh in taken:  # never another's id
                    fresh = self.key.id("R", p, row["_received"], fresh)
                ids[i] = fresh
                taken.add(fresh)
        return ids  # type: ignore[return-value]

    # ------------------------------------------------------------ one return
    def _with_ids(self, read: Read) -> dict[str, list[dict]]:
        """The return's rows with ids in place of who the child is (and nothing private)."""
        people: dict[Who, str] = {}

        def pid(who: Who) -> str:
            if who not in people:
                people[who] = person_id(who, self.key, self.shared)
            return people[who]

        request_ids = self._request_ids(read, pid)
        by_chain = {
            (r["_who"], r["_received"]): rid
            for r, rid in zip(read.rows["requests"], request_ids, strict=True)
        }
        out: dict[str, list[dict]] = {t: [] for t in TABLES}
        for row in read.rows["person"]:
            out["person"].append(
                {
                    **_public(row),
                    "person_id": pid(row["_who"]),
                    "upn": upn_hash(row.get("upn", ""), self.key),
                }
            )
        for table in ("requests", "assessments", "plans", "reviews", "phase_transfers"):
            for row in read.rows[table]:
                p = pid(row["_who"])
                rid = by_chain[(row["_who"], row["_received"])]
                ids = {"request_id": rid, "person_id": p, "plan_id": self.key.id("E", rid)}
                out[table].append({**_public(row), **ids, **_kept(row), "_person": p})
        for row in read.rows["placements"]:
            p = pid(row["_who"])
            out["placements"].append({**_public(row), "person_id": p, **_kept(row), "_person": p})
        for row in out["person"]:
            row["_person"] = row["person_id"]
        return out

    def lay(self, read: Read, census: str) -> dict[str, Counter]:
        """Lay one return over the history (see the module docstring); its counts."""
        period = Period.of(census)
        rows = self._with_ids(read)
        holds = {row["person_id"] for row in rows["person"]}
        counts: dict[str, Counter] = {}
        covered: set[str] = set()  # plans of the chains this return holds or replaces
        for table in TABLES:
            count = Counter({o: 0 for o in OUTCOMES})
            held = self.rows[table]
            incoming: dict[tuple, dict] = {}
            for row in rows[table]:
                incoming[self.row_key(table, row)] = row  # the same key twice: the last
            for k, row in incoming.items():
                before = held.get(k)
                if before is None:
                    count["new"] += 1
                else:
                    same = _public(before) == _public(row)
                    count["unchanged" if same else "updated"] += 1
            for k in [k for k, r in held.items() if k not in incoming and r["_person"] in holds]:
                row = held[k]
                # a review or phase transfer goes only with a chain the return covers: one
                # of a plan it does not hold, and that ended before its period, stays
                of_chain = table not in PARENTS or PARENTS[table][0] != "plans"
                if (
                    table != "person"
                    and period.covers(row["_span"])
                    and (of_chain or row["plan_id"] in covered)
                ):
                    del held[k]
                    count["replaced"] += 1
                    if table == "requests":
                        covered.add(self.key.id("E", row["request_id"]))
            if table == "requests":
                covered |= {self.key.id("E", r["request_id"]) for r in incoming.values()}
            held.update(incoming)
            counts[table] = count
        self._drop_orphans(counts)
        return counts

    def _drop_orphans(self, counts: dict[str, Counter]) -> None:
        """Rows whose request or plan was replaced go with it (counted as replaced)."""
        for table, (parent, column) in PARENTS.items():
            (key,) = KEYS[parent]
            ids = {row[key] for row in self.rows[parent].values()}
            gone = [k for k, row in self.rows[table].items() if row[column] not in ids]
            for k in gone:
                del self.rows[table][k]
            counts[table]["replaced"] += len(gone)

    # ------------------------------------------------------------ the tables
    def frames(self) -> dict[str, pd.DataFrame]:
        """Each table in the contract's column order, sorted (byte-stable)."""
        return {table: _frame(table, self.rows[table]) for table in TABLES}


def _kept(row: dict) -> dict:
    """The private fields the merge needs (never written)."""
    return {k: row[k] for k in ("_span", "_date", "_received") if k in row}


SORT = {
    "reviews": ("plan_id", "review_meeting_date"),
    "phase_transfers": ("plan_id", "due_date"),
    "placements": ("person_id", "entry_date", "urn", "setting"),
}


def _frame(table: str, rows: dict[tuple, dict]) -> pd.DataFrame:
    columns = list(contract().files[table].columns)
    by = SORT.get(table, (columns[0],))
    ordered = sorted(rows.values(), key=lambda r: tuple(r.get(c, "") for c in by))
    frame = pd.DataFrame([{c: r.get(c, "") for c in columns} for r in ordered], columns=columns)
    return frame.astype(object).fillna("")
