"""A SEN2 return read for checking: one table per module of the return, one row per element.

The return is streamed (one ``Person`` at a time, then cleared) into rows of the modules
the DfE's specification names — person, request, assessment, named plan, plan detail,
active plans, SEN need, placement detail — each row keeping its element's path
(``Person[3]/Requests/Request[1]/ActivePlans``) and the element itself (for the line of
a child a finding names, worked out only then: ``line``), and each child element's text
(column ``receiveddate``). Element names are matched
without regard to case or namespace. Names and postcodes are never kept: only whether
one was given (``*``). A return with a document type declaration is refused before it is
parsed (no entity is ever expanded or read), as the import refuses it.
"""

from __future__ import annotations

import datetime as dt
import gc
from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import yaml
from lxml import etree

from sendlib.data.sen2.xml import DATE, DOCTYPE_REFUSED, Sen2Error, refuse_doctype

#: modules, in the return's order, and the parent each row belongs to
MODULES = (
    "person",
    "request",
    "assessment",
    "namedplan",
    "plandetail",
    "activeplans",
    "senneed",
    "placementdetail",
)
#: what is never kept, whatever the element's case: only whether it was given
NEVER_KEPT = frozenset({"surname", "forename", "postcode"})


def as_dates(text: pd.Series) -> pd.Series:
    """Date text (``YYYY-MM-DD``, with or without a time) as datetime64, NaT where it is
    not a date; parsed by Arrow in C."""
    if not len(text):
        return pd.Series([], index=text.index, dtype="datetime64[s]")
    day = pa.array(text.str.slice(0, 10).to_numpy(dtype=object), type=pa.string())
    parsed = pc.strptime(day, format="%Y-%m-%d", unit="s", error_is_null=True)
    # Arrow reads 30 February as 1 March: a real date keeps the day it was written with
    digits = pc.utf8_slice_codeunits(day, 8, 10)
    digits = pc.if_else(pc.match_substring_regex(digits, r"^\d\d$"), digits, "0")
    written = pc.cast(digits, pa.int64())
    parsed = pc.if_else(pc.equal(pc.day(parsed), written), parsed, pa.scalar(None, parsed.type))
    return pd.Series(parsed.to_numpy(zero_copy_only=False), index=text.index, dtype="datetime64[s]")


def spelt(name: str) -> str:
    """An element's name as the specification spells it (``elements.yaml``)."""
    return _spelling().get(name, name)


@cache
def _spelling() -> dict[str, str]:
    text = resources.files("sendlib.data.sen2").joinpath("elements.yaml").read_text("utf-8")
    return {name.lower(): name for name in yaml.safe_load(text)["elements"]}


_LOCAL: dict[object, str] = {}


def _local(tag: object) -> str:
    found = _LOCAL.get(tag)
    if found is None:
        found = _LOCAL[tag] = tag.rsplit("}", 1)[-1].lower() if isinstance(tag, str) else ""
    return found


@dataclass
class ReturnTables:
    """The return's header and modules (see the module docstring)."""

    file: str
    header: dict[str, tuple[str, int]] = field(default_factory=dict)
    header_line: int = 0
    modules: dict[str, pd.DataFrame] = field(default_factory=dict)
    #: a problem that stops the check (not XML, not SEN2, a DOCTYPE): (line, reason)
    fatal: tuple[int | None, str] | None = None
    _dates: dict[tuple[str, str], pd.Series] = field(default_factory=dict, repr=False)
    _joins: dict[tuple[str, str], np.ndarray] = field(default_factory=dict, repr=False)

    # ------------------------------------------------------------ reading values
    def frame(self, module: str) -> pd.DataFrame:
        return self.modules[module]

    def col(self, module: str, name: str) -> pd.Series:
        """A child element's text in each row of ``module`` (``""`` where absent)."""
        frame = self.modules[module]
        if name not in frame.columns:
            return pd.Series("", index=frame.index, dtype="str")
        return frame[name]

    def given(self, module: str, name: str) -> pd.Series:
        return self.col(module, name) != ""

    def date(self, module: str, name: str) -> pd.Series:
        """A date element as datetime64 (NaT where absent or not a date)."""
        key = (module, name)
        if key not in self._dates:
            self._dates[key] = as_dates(self.col(module, name))
        return self._dates[key]

    def line(self, module: str, row: int, name: str) -> int:
        """The line of the child ``name`` of a row's element (else of the element)."""
        element = self.modules[module]["element"].iat[row]
        for child in element:
            if _local(child.tag) == name:
                return child.sourceline or element.sourceline or 0
        return element.sourceline or 0

    def head(self, name: str) -> str:
        return self.header.get(name, ("", 0))[0]

    @property
    def census(self) -> pd.Timestamp | None:
        """The ReferenceDate (None when it is not a date)."""
        text = self.head("referencedate")
        found = DATE.match(text)
        try:
            return pd.Timestamp(dt.date.fromisoformat(found.group(1))) if found else None
        except ValueError:
            return None

    @property
    def year(self) -> int | None:
        text = self.head("year")
        return int(text) if text.isdigit() else None

    def parent(self, module: str, of: str, name: str) -> pd.Series:
        """``name`` of each ``module`` row's parent row in ``of`` (joined by person and
        request; ``""`` where there is none)."""
        child, parent = self.modules[module], self.modules[of]
        if name not in parent.columns:
            return pd.Series("", index=child.index, dtype="str")
        values = np.append(parent[name].to_numpy(dtype=object), "")  # row -1: none
        return pd.Series(values[self._parent_rows(module, of)], index=child.index, dtype="str")

    def _parent_rows(self, module: str, of: str) -> np.ndarray:
        """Each row's parent row in ``of`` (-1 → a last, blank row: see ``parent``)."""
        key = (module, of)
        if key not in self._joins:
            child, parent = self.modules[module], self.modules[of]
            width = 1 << 20
            code = (
                (lambda f: f["p"].to_numpy() * width)
                if of == "person"
                else (lambda f: f["p"].to_numpy() * width + f["r"].to_numpy())
            )
            lookup = pd.Series(np.arange(len(parent)), index=code(parent))
            lookup = lookup[~lookup.index.duplicated(keep="first")]
            found = lookup.reindex(code(child)).to_numpy()
            self._joins[key] = np.where(np.isnan(found), -1, found).astype(np.int64)
        return self._joins[key]

    def parent_date(self, module: str, of: str, name: str) -> pd.Series:
        """``parent`` of a date element, as dates."""
        if name not in self.modules[of].columns:
            return pd.Series(pd.NaT, index=self.modules[module].index, dtype="datetime64[s]")
        dates = np.append(self.date(of, name).to_numpy(), np.datetime64("NaT", "s"))
        taken = dates[self._parent_rows(module, of)]
        return pd.Series(taken, index=self.modules[module].index, dtype="datetime64[s]")


class _Module:
    """One module's rows as the return is walked: each element's person, request and place
    (``p``, ``r``, ``n``), path and line; and each child element's row, name, text and line
    as flat lists, made into columns at the end (``frame``)."""

    def __init__(self):
        self.p, self.r, self.n, self.path, self.elements = [], [], [], [], []
        self.at, self.name, self.text = [], [], []

    def row(self, element, p: int, r: int, n: int, path: str) -> int:
        self.p.append(p)
        self.r.append(r)
        self.n.append(n)
        self.path.append(path)
        self.elements.append(element)
        return len(self.p) - 1

    def frame(self) -> pd.DataFrame:
        count = len(self.p)
        out: dict[str, object] = {
            "p": np.array(self.p, dtype=np.int64),
            "r": np.array(self.r, dtype=np.int64),
            "n": np.array(self.n, dtype=np.int64),
            "path": pd.Series(self.path, dtype=object),
            "element": pd.Series(self.elements, dtype=object),
        }
        if self.at:
            at = np.array(self.at, dtype=np.int64)[::-1]  # reversed: the first of two wins
            codes, names = pd.factorize(pd.Series(self.name[::-1], dtype=object))
            texts = np.array([(t or "").strip() for t in self.text[::-1]], dtype=object)
            for k, name in enumerate(names):
                hit = codes == k
                column = np.full(count, "", dtype=object)
                column[at[hit]] = texts[hit]
                if name in NEVER_KEPT:  # only whether it was given
                    column = np.where(column != "", "*", "").astype(object)
                out[name] = pd.Series(column, dtype="str")
        return pd.DataFrame(out)


class _Reader:
    """The return's modules, filled element by element (``person`` for each Person)."""

    def __init__(self):
        self.modules = {m: _Module() for m in MODULES}

    def _fields(self, module: _Module, row: int, element, nested: frozenset[str]) -> list:
        """The element's children into ``module`` (row ``row``); the ones named in
        ``nested`` returned with their names, for the caller to read."""
        found = []
        at, name, text, get = module.at.append, module.name.append, module.text.append, _LOCAL.get
        for child in element:
            tag = child.tag
            local = get(tag)
            if local is None:
                local = _local(tag)
            if not local:
                continue
            if local in nested:
                found.append((local, child))
                continue
            at(row)
            name(local)
            text(child.text)
        return found

    def person(self, element, p: int) -> None:
        module = self.modules["person"]
        path = f"Person[{p}]"
        row = module.row(element, p, 0, 0, path)
        nested = self._fields(module, row, element, frozenset({"requests", "request"}))
        r = 0
        for name, child in nested:
            group = (
                [child]
                if name == "request"
                else [c for c in child if (_LOCAL.get(c.tag) or _local(c.tag)) == "request"]
            )
            for request in group:
                r += 1
                where = (
                    f"{path}/Request[{r}]" if name == "request" else f"{path}/Requests/Request[{r}]"
                )
                self.request(request, p, r, where)

    def request(self, element, p: int, r: int, path: str) -> None:
        module = self.modules["request"]
        row = module.row(element, p, r, 0, path)
        nested = self._fields(
            module, row, element, frozenset({"assessment", "namedplan", "activeplans"})
        )
        seen: dict[str, int] = {}
        for name, child in nested:
            seen[name] = seen.get(name, 0) + 1
            label = spelt(name) + (f"[{seen[name]}]" if seen[name] > 1 else "")
            where = f"{path}/{label}"
            if name == "assessment":
                self.assessment(child, p, r, where)
            elif name == "namedplan":
                self.plan(child, p, r, where)
            else:
                self.active(child, p, r, where)

    def assessment(self, element, p: int, r: int, path: str) -> None:
        module = self.modules["assessment"]
        row = module.row(element, p, r, 0, path)
        nested = self._fields(module, row, element, frozenset({"namedplan"}))
        for k, (_, child) in enumerate(nested, 1):
            self.plan(child, p, r, f"{path}/NamedPlan" + (f"[{k}]" if k > 1 else ""))

    def plan(self, element, p: int, r: int, path: str) -> None:
        module = self.modules["namedplan"]
        row = module.row(element, p, r, 0, path)
        nested = self._fields(module, row, element, frozenset({"plandetail"}))
        details = self.modules["plandetail"]
        for n, (_, child) in enumerate(nested, 1):
            inner = details.row(child, p, r, n, f"{path}/PlanDetail[{n}]")
            self._fields(details, inner, child, frozenset())

    def active(self, element, p: int, r: int, path: str) -> None:
        module = self.modules["activeplans"]
        row = module.row(element, p, r, 0, path)
        nested = self._fields(module, row, element, frozenset({"senneed", "placementdetail"}))
        counts = {"senneed": 0, "placementdetail": 0}
        for name, child in nested:
            counts[name] += 1
            n = counts[name]
            label = "SENneed" if name == "senneed" else "PlacementDetail"
            inner_module = self.modules[name]
            inner = inner_module.row(child, p, r, n, f"{path}/{label}[{n}]")
            self._fields(inner_module, inner, child, frozenset())


def _header(element) -> dict[str, tuple[str, int]]:
    found: dict[str, tuple[str, int]] = {}
    for child in element.iter():
        name = _local(child.tag)
        if name and name not in found and child is not element:
            found[name] = ((child.text or "").strip(), child.sourceline or 0)
    return found


def read_tables(path: Path) -> ReturnTables:
    """The return at ``path`` as tables; a problem that stops the check is ``fatal``. The
    whole document is parsed at once (about ten times its size in memory: a quarter of a
    gigabyte for a 20,000-child return), then walked element by element."""
    path = Path(path)
    out = ReturnTables(path.name)
    try:
        refuse_doctype(path)
    except Sen2Error:
        out.fatal = (None, DOCTYPE_REFUSED)
        return out
    parser = etree.XMLParser(
        resolve_entities=False,
        no_network=True,
        load_dtd=False,
        huge_tree=False,
        remove_comments=True,
        remove_pis=True,
    )
    try:
        tree = etree.parse(str(path), parser)
    except etree.XMLSyntaxError as exc:
        line = exc.position[0] if exc.position else None
        out.fatal = (line, f"is not well-formed XML ({exc.msg})")
        return out
    if tree.docinfo.doctype or tree.docinfo.internalDTD is not None:
        out.fatal = (1, DOCTYPE_REFUSED)
        return out
    root = tree.getroot()
    if _local(root.tag) != "message":
        out.fatal = (root.sourceline, "is not a SEN2 return (no Message)")
        return out
    reader = _Reader()
    collecting = gc.isenabled()
    gc.disable()  # hundreds of thousands of list items and no cycle: no collection meanwhile
    try:
        _walk(root, out, reader)
    finally:
        if collecting:
            gc.enable()
    if not out.header:
        out.fatal = (None, "is not a SEN2 return (no Header)")
        return out
    out.modules = {m: module.frame() for m, module in reader.modules.items()}
    return out


def _walk(root, out: ReturnTables, reader: _Reader) -> None:
    p = 0
    for child in root:
        name = _local(child.tag)
        if name == "header" and not out.header:
            out.header = _header(child)
            out.header_line = child.sourceline or 0
        elif name == "persons":
            for person in child:
                if _local(person.tag) == "person":
                    p += 1
                    reader.person(person, p)
