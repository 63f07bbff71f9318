"""Published tables: tidy frames to accessible HTML (a caption, header cells with scope).

Built declaratively like great_tables — ``Table(frame, caption).row_header("Team")
.number("Count").percent("Share")`` — each method returns a new Table; ``to_html()``
renders. Formatting lives in ``sendlib.scorecard.formats``; every table the paper
publishes goes through here, so there is one place that decides how a number looks. A
breakdown of children carries the disclosure decision made for its cells when the paper
data were built (``decided``): a table never decides on its own what to withhold.
"""

from __future__ import annotations

import html
from dataclasses import dataclass, field, replace

import pandas as pd

from sendlib import files
from sendlib.scorecard import formats as fmt


def html_id(caption: str) -> str:
    """An HTML id from a caption (at most 60 characters; ``table`` for one with none)."""
    return files.slug(caption)[:60] or "table"


@dataclass(frozen=True)
class Table:
    """An accessible HTML table of a frame."""

    frame: pd.DataFrame
    caption: str
    header_column: str | None = None
    formats: dict[str, tuple[str, int]] = field(default_factory=dict)
    notes: tuple[str, ...] = ()
    css_class: str = "data"
    raw_html_columns: tuple[str, ...] = ()
    table_id: str | None = None
    hidden: pd.DataFrame | None = None  # cells the disclosure decision withholds
    empty: str = "none recorded in the period it covers"

    def decided(self, hidden: pd.DataFrame) -> Table:
        """The cells withheld by the paper's disclosure decision (a frame of booleans of the
        table's shape): they print as [c]."""
        hidden = hidden.reindex(
            index=self.frame.index, columns=self.frame.columns, fill_value=False
        )
        return replace(self, hidden=hidden.astype(bool))

    def withheld(self) -> pd.DataFrame:
        """Which cells are withheld (all False for a table of activity or totals)."""
        if self.hidden is None:
            return pd.DataFrame(False, index=self.frame.index, columns=self.frame.columns)
        return self.hidden

    def row_header(self, column: str) -> Table:
        """Cells of this column are row headers (``<th scope="row">``)."""
        return replace(self, header_column=column)

    def number(self, *columns: str, places: int = 0) -> Table:
        return replace(self, formats={**self.formats, **{c: ("count", places) for c in columns}})

    def percent(self, *columns: str, places: int = 1) -> Table:
        return replace(self, formats={**self.formats, **{c: ("percent", places) for c in columns}})

    def in_unit(self, unit: str, *columns: str, places: int = 0) -> Table:
        """Cells of these columns print in the unit (``format_value``: 4,712 · 45.9%)."""
        return replace(self, formats={**self.formats, **{c: (unit, places) for c in columns}})

    def note(self, text: str) -> Table:
        return replace(self, notes=(*self.notes, text))

    def html_columns(self, *columns: str) -> Table:
        """Columns whose cells are already safe HTML (e.g. a glyph with screen-reader text)."""
        return replace(self, raw_html_columns=(*self.raw_html_columns, *columns))

    def classed(self, css_class: str) -> Table:
        return replace(self, css_class=css_class)

    def with_id(self, table_id: str) -> Table:
        return replace(self, table_id=table_id)

    def when_empty(self, words: str) -> Table:
        """What the paper says instead of a table with no rows ('no plan was refused')."""
        return replace(self, empty=words)

    def cell(self, column: str, value) -> str:
        """One cell's text."""
        if column in self.raw_html_columns:
            return "" if value is None else str(value)
        if column in self.formats and not isinstance(value, str):
            unit, places = self.formats[column]
            return html.escape(
                fmt.format_value(None if pd.isna(value) else float(value), unit, places)
            )
        if value is None or (isinstance(value, float) and pd.isna(value)):
            return ""
        return html.escape(str(value))

    def to_html(self) -> str:
        """The table as HTML: caption, thead with scope=col, row headers with scope=row."""
        table_id = self.table_id or f"t-{html_id(self.caption)}"
        if self.frame.empty:  # headers over nothing: a sentence says it
            notes = "".join(f'<p class="table-note">{html.escape(t)}</p>' for t in self.notes)
            return (
                f'<p class="table-note empty" id="{table_id}">'
                f"{html.escape(self.caption)}: {html.escape(self.empty)}.</p>{notes}"
            )
        # a short table is kept on one page; a long one breaks between rows (header repeats)
        size = " short" if len(self.frame) <= 20 else ""
        out = [
            f'<table class="{self.css_class}{size}" id="{table_id}">',
            f"<caption>{html.escape(self.caption)}</caption>",
            "<thead><tr>",
        ]
        for column in self.frame.columns:
            numeric = ' class="num"' if column in self.formats else ""
            out.append(f'<th scope="col"{numeric}>{html.escape(str(column))}</th>')
        out.append("</tr></thead><tbody>")
        hidden = self.withheld()
        for position, row in enumerate(self.frame.itertuples(index=False)):
            out.append("<tr>")
            for column, value in zip(self.frame.columns, row, strict=True):
                withheld = bool(hidden.iloc[position][column])
                text = fmt.CONFIDENTIAL if withheld else self.cell(column, value)
                numeric = ' class="num"' if column in self.formats else ""
                if column == self.header_column:
                    out.append(f'<th scope="row"{numeric}>{text}</th>')
                else:
                    out.append(f"<td{numeric}>{text}</td>")
            out.append("</tr>")
        out.append("</tbody></table>")
        for text in self.notes:
            out.append(f'<p class="table-note">{html.escape(text)}</p>')
        return "".join(out)

    def _repr_html_(self) -> str:
        return self.to_html()


@dataclass(frozen=True)
class NotAvailable:
    """What stands where a table would when the data does not hold what it counts."""

    caption: str
    reason: str

    def to_html(self) -> str:
        return (
            f'<p class="table-note not-available">{html.escape(self.caption)}: not available '
            f"({fmt.NOT_AVAILABLE}) — {html.escape(self.reason)}.</p>"
        )

    def _repr_html_(self) -> str:
        return self.to_html()


LAST = ("not_recorded", "Other groups", "none")  # groups listed after the others


def in_order(counts: pd.Series, order: list[str] | tuple[str, ...] = ()) -> pd.Series:
    """A breakdown's groups in a fixed order — ``order``, then the others by name, groups
    such as 'not recorded' last — never by size, which would tell where a withheld count
    stands among the others."""
    keys = [str(k) for k in counts.index]
    known = [k for k in order if k in keys]
    rest = sorted(k for k in keys if k not in known and k not in LAST)
    tail = [k for k in LAST if k in keys and k not in known]
    return counts.reindex([*known, *rest, *tail])


def counts_table(
    counts: pd.Series,
    hidden: pd.Series,
    caption: str,
    label: str,
    total: float | None = None,
) -> Table:
    """A breakdown of children (group → count, withheld ones marked in ``hidden``) with
    each group's share of ``total`` and a total row: the total is the published figure the
    groups add up to (the sum of the counts when not given, for a breakdown with nothing
    withheld)."""
    hidden = hidden.reindex(counts.index, fill_value=False).astype(bool)
    if total is None:
        if hidden.any():
            raise ValueError(f"{caption}: a table with withheld cells needs its published total")
        total = float(counts.sum())
    frame = counts.rename_axis(label).reset_index(name="Number")
    frame[label] = frame[label].astype(str)
    frame["Share"] = 100.0 * frame["Number"] / total if total else float("nan")
    withheld = pd.DataFrame(False, index=frame.index, columns=frame.columns)
    withheld["Number"] = withheld["Share"] = hidden.to_numpy()
    frame.loc[len(frame)] = ["Total", total, 100.0 if total else float("nan")]
    withheld.loc[len(withheld)] = False
    table = Table(frame, caption).row_header(label).number("Number").percent("Share")
    return table.decided(withheld)
