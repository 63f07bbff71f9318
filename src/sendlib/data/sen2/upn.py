"""Unique pupil numbers (UPN) and unique learner numbers (ULN): their check characters and
the local authority numbers a UPN may carry.

A UPN is 13 characters: a check letter, the 3-digit number of the LA whose school issued
it, a 4-digit establishment number, 2 digits for the year of issue and a 3-digit serial —
or, for a temporary UPN, a 2-digit serial and a final letter. The check letter is the sum
of characters 2–13, each times its position (2–13; a final letter counts as its place in
the alphabet below), modulo 23, as one of the 23 letters A–Z without I, O and S (DfE,
"Unique pupil numbers"; school census validation rule 1510). All 23 letters occur:
remainders 21 and 22 are Y and Z. The LA part is any number an LA has had: a UPN keeps
the number it was issued with, so the councils abolished since (Dorset, Poole and
Bournemouth in 2019, Northamptonshire in 2021, Cumbria in 2023, Bedfordshire and Cheshire
in 2009) stay valid beside the new ones (838, 839, 940–943) — ``la_numbers.yaml``.

A ULN is 10 digits, the last a check digit: 10 minus the sum of the first nine times 10,
9, … 2, modulo 11 (a remainder giving 10 has no valid ULN). The Learning Records
Service's own statement of the rule is not public to sendlib; this is its reading.
"""

from __future__ import annotations

import re
from functools import cache
from importlib import resources

import numpy as np
import yaml

LETTERS = "ABCDEFGHJKLMNPQRTUVWXYZ"  # 23: A–Z without I, O and S
UPN_FORM = re.compile(rf"^[{LETTERS}]\d{{11}}[\d{LETTERS}]$")
ULN_FORM = re.compile(r"^[1-9]\d{9}$")


def check_letter(body: str) -> str:
    """The check letter of a UPN's characters 2–13 (``body``: 12 characters)."""
    total = sum(
        position * (int(ch) if ch.isdigit() else LETTERS.index(ch))
        for position, ch in enumerate(body, 2)
    )
    return LETTERS[total % 23]


def check_letters(upns: np.ndarray) -> np.ndarray:
    """``check_letter`` of many 13-character UPNs at once (their characters 2–13)."""
    if not len(upns):
        return np.array([], dtype=object)
    codes = np.frombuffer("".join(upns).encode("ascii"), dtype=np.uint8).reshape(-1, 13)
    body = codes[:, 1:].astype(np.int64)
    digit = (body >= 48) & (body <= 57)
    letter_value = np.searchsorted(np.frombuffer(LETTERS.encode(), np.uint8), body)
    value = np.where(digit, body - 48, letter_value)
    total = (value * np.arange(2, 14)).sum(axis=1)
    return np.array(list(LETTERS), dtype=object)[total % 23]


def make_upn(la: str, establishment: int, year: int, serial: int) -> str:
    """A permanent UPN with its check letter (for the demo and for tests)."""
    body = f"{la}{establishment:04d}{year % 100:02d}{serial:03d}"
    return check_letter(body) + body


def uln_check_digit(first_nine: str) -> int | None:
    """The check digit of a ULN's first nine digits (None: no ULN can start so)."""
    total = sum(int(d) * w for d, w in zip(first_nine, range(10, 1, -1), strict=True))
    check = 10 - total % 11
    return None if check == 10 else check


def valid_uln(uln: str) -> bool:
    return bool(ULN_FORM.match(uln)) and uln_check_digit(uln[:9]) == int(uln[9])


@cache
def la_numbers() -> dict[str, dict[str, str]]:
    """``current`` and ``former`` LA numbers, each with its council's name."""
    text = resources.files("sendlib.data.sen2").joinpath("la_numbers.yaml").read_text("utf-8")
    found = yaml.safe_load(text)
    return {kind: {str(k): str(v) for k, v in found[kind].items()} for kind in found}


def current_la(number: str) -> bool:
    """A number of a council as it is now (a return's LEA)."""
    return number in la_numbers()["current"]


def any_la(number: str) -> bool:
    """A number any council has had (a UPN's LA part)."""
    return number in la_numbers()["current"] or number in la_numbers()["former"]
