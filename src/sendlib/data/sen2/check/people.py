"""Rules on each Person: who the child is (birth date, sex, ethnicity, names), the UPN, the
ULN and the reason for having neither, and age.

Each rule's wording is sendlib's: COLLECT's own wording of the SEN2 rules is not public.
Names are never read, only whether they were given.
"""

from __future__ import annotations

import re

import numpy as np
import pandas as pd

from sendlib.data.sen2.check.rule import ERROR, QUERY, Hits, rows, rule
from sendlib.data.sen2.check.tables import ReturnTables
from sendlib.data.sen2.upn import LETTERS, ULN_FORM, any_la, check_letters, uln_check_digit

SEX = ("M", "F", "U")
OLD_SEX = ("1", "2", "0", "9")  # the numeric codes of earlier specifications
#: the DfE's main ethnicity codes (Common Basic Data Set)
ETHNICITY = frozenset(
    (
        "WBRI",
        "WIRI",
        "WIRT",
        "WOTH",
        "WROM",
        "MWBC",
        "MWBA",
        "MWAS",
        "MOTH",
        "AIND",
        "APKN",
        "ABAN",
        "AOTH",
        "BCRB",
        "BAFR",
        "BOTH",
        "CHNE",
        "OOTH",
        "REFU",
        "NOBT",
    )
)
UPN_SHAPE = re.compile(rf"^[{LETTERS}]\d{{11}}[\d{LETTERS}]$")
UNKNOWN_REASON = re.compile(r"^UN([1-9]|10)$")
MAX_AGE = 25  # a young person is under 25 (CFA 2014 s83(2)); a plan may run to the end of
# the academic year of the 25th birthday (s46)


def _upn(t: ReturnTables) -> pd.Series:
    return t.col("person", "upn").str.upper()


@rule("SL2001", ERROR, "person", "PersonBirthDate", "the date of birth is missing")
def birth_date_given(t: ReturnTables) -> pd.Series:
    """PersonBirthDate is given (a date that is not a date is SL9001). COLLECT's wording
    is not public; the wording is sendlib's."""
    return ~t.given("person", "personbirthdate")


@rule("SL2002", ERROR, "person", "Sex", "sex is missing or not M, F or U")
def sex_code(t: ReturnTables) -> pd.Series:
    """Sex is ``M``, ``F`` or ``U`` (the numeric codes of earlier specifications are
    SL2005's query). COLLECT's wording is not public; the wording is sendlib's."""
    sex = t.col("person", "sex").str.upper()
    return ~sex.isin(SEX + OLD_SEX)


@rule("SL2005", QUERY, "person", "Sex", "sex is in the numeric code of an earlier specification")
def sex_old_code(t: ReturnTables) -> pd.Series:
    """Sex written ``1``, ``2``, ``0`` or ``9`` rather than ``M``, ``F``, ``U``. COLLECT's
    wording is not public; the wording is sendlib's."""
    return t.col("person", "sex").isin(OLD_SEX)


@rule(
    "SL2003",
    QUERY,
    "person",
    "Ethnicity",
    "ethnicity is missing or not one of the DfE's main codes",
)
def ethnicity_code(t: ReturnTables) -> pd.Series:
    """Ethnicity is one of the DfE's 20 main codes (WBRI … NOBT); an extended code is a
    query, not an error. COLLECT's wording is not public; the wording is sendlib's."""
    return ~t.col("person", "ethnicity").str.upper().isin(ETHNICITY)


@rule("SL2004", ERROR, "person", ("Surname", "Forename"), "the surname or forename is missing")
def names_given(t: ReturnTables) -> list[Hits]:
    """Surname and Forename are given (they are never read, only their presence).
    COLLECT's wording is not public; the wording is sendlib's."""
    return [
        Hits("person", rows(~t.given("person", name)), name) for name in ("surname", "forename")
    ]


@rule(
    "SL2010",
    ERROR,
    "person",
    "UPN",
    "the UPN is not 13 characters: a check letter, 11 digits and a digit or letter",
)
def upn_shape(t: ReturnTables) -> pd.Series:
    """A UPN given has the UPN's form (DfE "Unique pupil numbers"). COLLECT's wording is
    not public; the wording is sendlib's."""
    upn = _upn(t)
    return (upn != "") & ~upn.str.match(UPN_SHAPE)


@rule("SL2011", ERROR, "person", "UPN", "the UPN's check letter is wrong")
def upn_check_letter(t: ReturnTables) -> pd.Series:
    """The first character is the check letter of characters 2–13: their sum, each times
    its position, modulo 23, over the 23 letters A–Z without I, O and S (all 23 occur:
    remainders 21 and 22 are Y and Z). School census rule 1510's arithmetic; the wording
    is sendlib's, COLLECT's is not public."""
    upn = _upn(t)
    shaped = upn.str.match(UPN_SHAPE).to_numpy()
    wrong = np.zeros(len(upn), dtype=bool)
    if shaped.any():
        given = upn.to_numpy(dtype=object)[shaped]
        wrong[shaped] = np.array([u[0] for u in given], dtype=object) != check_letters(given)
    return pd.Series(wrong, index=upn.index)


@rule(
    "SL2012", ERROR, "person", "UPN", "the UPN's LA number (characters 2–4) is no local authority's"
)
def upn_la(t: ReturnTables) -> pd.Series:
    """Characters 2–4 are a number some council has had: a UPN keeps the number of the LA
    that issued it, so the former councils (Dorset, Poole and Bournemouth to 2019,
    Northamptonshire to 2021, Cumbria to 2023 …) are valid beside the new ones (838, 839,
    940–943). COLLECT's wording is not public; the wording is sendlib's."""
    upn = _upn(t)
    shaped = upn.str.match(UPN_SHAPE)
    return shaped & ~upn.str[1:4].map(any_la).astype(bool)


@rule(
    "SL2013",
    QUERY,
    "person",
    "UPN",
    "a temporary UPN (it ends in a letter): give the permanent one when known",
)
def upn_temporary(t: ReturnTables) -> pd.Series:
    """A temporary UPN ends in a letter. COLLECT's wording is not public; the wording is
    sendlib's."""
    upn = _upn(t)
    return upn.str.match(UPN_SHAPE) & upn.str[-1].str.isalpha()


@rule(
    "SL2014",
    ERROR,
    "person",
    "UPNunknown",
    "no UPN, no UniqueLearnerNumber and no UPNunknown reason",
)
def someone_identified(t: ReturnTables) -> pd.Series:
    """A person with neither a UPN nor a ULN says why (UPNunknown). COLLECT's wording is
    not public; the wording is sendlib's."""
    given = t.given("person", "upn") | t.given("person", "uniquelearnernumber")
    return ~given & ~t.given("person", "upnunknown")


@rule("SL2015", ERROR, "person", "UPNunknown", "UPNunknown is not a reason code (UN1 to UN10)")
def unknown_reason(t: ReturnTables) -> pd.Series:
    """UPNunknown, when given, is a reason code: sendlib accepts the ``UN1``–``UN10``
    pattern of the DfE's census collections (the SEN2 guide's list is not public to it).
    COLLECT's wording is not public; the wording is sendlib's."""
    reason = t.col("person", "upnunknown").str.upper()
    return (reason != "") & ~reason.str.match(UNKNOWN_REASON)


@rule("SL2016", QUERY, "person", "UPNunknown", "a UPNunknown reason beside a UPN")
def unknown_beside_upn(t: ReturnTables) -> pd.Series:
    """A reason for having no UPN, given with a UPN. COLLECT's wording is not public; the
    wording is sendlib's."""
    return t.given("person", "upnunknown") & t.given("person", "upn")


@rule("SL2020", ERROR, "person", "UniqueLearnerNumber", "the ULN is not 10 digits")
def uln_shape(t: ReturnTables) -> pd.Series:
    """A ULN given is 10 digits, the first not 0. COLLECT's wording is not public; the
    wording is sendlib's."""
    uln = t.col("person", "uniquelearnernumber")
    return (uln != "") & ~uln.str.match(ULN_FORM)


@rule("SL2021", QUERY, "person", "UniqueLearnerNumber", "the ULN's check digit is wrong")
def uln_check_digit_rule(t: ReturnTables) -> pd.Series:
    """The last digit is the ULN's check digit (``upn.uln_check_digit``). A query: the
    Learning Records Service's statement of the rule is not public to sendlib, nor
    COLLECT's wording; the wording is sendlib's."""
    uln = t.col("person", "uniquelearnernumber")
    shaped = uln.str.match(ULN_FORM)
    wrong = np.zeros(len(uln), dtype=bool)
    at = np.flatnonzero(shaped.to_numpy())
    wrong[at] = [uln_check_digit(u[:9]) != int(u[9]) for u in uln.to_numpy()[at]]
    return pd.Series(wrong, index=uln.index)


@rule("SL2030", ERROR, "person", "UPN", "the same UPN is given to another Person")
def upn_unique(t: ReturnTables) -> Hits:
    """A UPN is one child's: two Person elements with one UPN are a duplicate child or a
    mistyped UPN (the detail names the other Person). COLLECT's wording is not public;
    the wording is sendlib's."""
    upn = _upn(t)
    frame = t.frame("person")
    shared = (upn != "") & upn.duplicated(keep=False)
    where = rows(shared)
    firsts = frame["p"].groupby(upn).transform("min").to_numpy()
    others = frame["p"].groupby(upn).transform("max").to_numpy()
    own = frame["p"].to_numpy()
    detail = [f"also Person[{others[i] if own[i] == firsts[i] else firsts[i]}]" for i in where]
    return Hits("person", where, "upn", detail)


def _age_on(t: ReturnTables, module: str, births: pd.Series, when: pd.Series) -> np.ndarray:
    """Completed years of age on ``when`` (NaN where either is not a date)."""
    b, w = births, when
    years = w.dt.year - b.dt.year - ((w.dt.month * 100 + w.dt.day) < (b.dt.month * 100 + b.dt.day))
    return years.to_numpy(dtype=float)


@rule(
    "SL2041",
    ERROR,
    "namedplan",
    "CeaseDate",
    "a plan still open for a young person aged 26 or over",
)
def plan_past_25(t: ReturnTables) -> pd.Series:
    """A plan without a CeaseDate whose holder was 26 or over on the census date: a plan
    may be kept only to the end of the academic year of the 25th birthday (Children and
    Families Act 2014 s46). COLLECT's wording is not public; the wording is sendlib's."""
    census = t.census
    if census is None:
        return pd.Series(False, index=t.frame("namedplan").index)
    births = t.parent_date("namedplan", "person", "personbirthdate")
    when = pd.Series(census, index=births.index)
    age = _age_on(t, "namedplan", births, when)
    return ~t.given("namedplan", "ceasedate") & (age >= MAX_AGE + 1)


@rule(
    "SL2042",
    ERROR,
    "request",
    "ReceivedDate",
    "a request received for a young person aged 25 or over",
)
def request_past_25(t: ReturnTables) -> pd.Series:
    """A request for an EHC needs assessment is for a child or a young person under 25
    (Children and Families Act 2014 s36, s83(2)). COLLECT's wording is not public; the
    wording is sendlib's."""
    births = t.parent_date("request", "person", "personbirthdate")
    age = _age_on(t, "request", births, t.date("request", "receiveddate"))
    return pd.Series(age >= MAX_AGE, index=births.index)
