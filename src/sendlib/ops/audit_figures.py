"""What the audit looks for: a withheld figure and the forms a reader could find it in (its
count in figures or words, its share at the precisions the paper prints), the numbers a
text states, and a breach found."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

from sendlib.months import Month

#: a number as a reader reads one: not part of a word or code ("SEN2", "E06000058", "s61")
NUMBER = re.compile(r"(?<![\w.,£])(\d[\d,]*(?:\.\d+)?)(%?)(?![\w])")
WORDS = {"one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7}
WORDS |= {"eight": 8, "nine": 9}
WITHHELD = "[c]"


@dataclass(frozen=True)
class Breach:
    """A withheld figure found in a published file."""

    file: str
    place: str
    figure: str
    found: str

    def __str__(self) -> str:
        return f"{self.file}: {self.place}: {self.figure} is withheld but shown ({self.found})"


@dataclass(frozen=True)
class Figure:
    """A withheld figure and the forms a reader could find it in."""

    kind: str
    id: str
    period: Month
    label: str
    phrases: tuple[str, ...]
    captions: tuple[str, ...]
    column: str
    forms: frozenset[str]
    value: float
    status: str

    @classmethod
    def of(cls, row: dict, month: Month) -> Figure:
        period = Month.parse(row["period"])
        forms = set(count_forms(row["count"]))
        if row["unit"] == "percent" or row["kind"] == "cell":
            share = row["value"] if row["unit"] == "percent" else _share(row)
            forms |= set(_share_forms(share))
        elif row["unit"] not in ("count",):
            forms |= set(count_forms(row["value"]))
        phrases = tuple(p.lower() for p in str(row["phrases"]).split("|") if p)
        captions = tuple(c.lower() for c in str(row["captions"]).split("|") if c)
        return cls(
            row["kind"],
            row["id"],
            period,
            str(row["label"]),
            phrases,
            captions,
            str(row["column_label"]),
            frozenset(f for f in forms if f),
            _float(row["value"]),
            row["status"],
        )

    @property
    def name(self) -> str:
        where = f"{self.id} {self.label}" if self.kind == "cell" else self.label
        return f"{where} ({self.period.strftime('%B %Y')})"

    def named_in(self, text: str) -> bool:
        """Whether a sentence or line names this figure."""
        low = text.lower()
        if self.kind == "cell":  # a group's name as a word: 'ASD', never the 'asd' of a word
            return any(re.search(rf"(?<!\w){re.escape(p)}(?!\w)", low) for p in self.phrases)
        return any(p in low for p in self.phrases) or self.label.lower() in low


def _float(value) -> float:
    return float("nan") if value is None else float(value)


def count_forms(value: float | None) -> Iterator[str]:
    """A whole count of one or more as a reader could find it: 12, 1,200, words to nine."""
    value = _float(value)
    if value != value:
        return
    n = round(float(value))
    if abs(float(value) - n) < 1e-9 and n >= 1:
        yield str(n)
        yield f"{n:,}"
        for word, number in WORDS.items():
            if number == n:
                yield word


def _share(row: dict) -> float:
    total, count = _float(row["total"]), _float(row["count"])
    return 100.0 * count / total if total and total == total else float("nan")


def _share_forms(share: float | None) -> Iterator[str]:
    share = _float(share)
    if share != share or share <= 0:
        return
    for places in (0, 1, 2):
        yield f"{share:.{places}f}%"
    for places in (1, 2):
        yield f"{share:.{places}f}"


def numbers_in(text: str) -> set[str]:
    """The numbers a text states, as written (with their % sign) and in words."""
    found = set()
    for number, percent in NUMBER.findall(text):
        found.add(number + percent)
        found.add(number.replace(",", "") + percent)
    low = text.lower()
    found |= {w for w in WORDS if re.search(rf"\b{w}\b", low)}
    return found


def unique(breaches: list[Breach]) -> list[Breach]:
    """Each breach once, in the order found (a place read twice is one breach)."""
    return list(dict.fromkeys(breaches))
