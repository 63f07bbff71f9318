"""Published tables: tidy frames to accessible HTML (a caption, header cells with scope).

Built declaratively like great_tables — ``Table(frame, caption).row_header("Team")
.number("Count").percent("Share")`` — each method returns a new Table; ``to_html()``
renders. Formatting lives in ``sendlib.scorecard.formats``; every table the paper
publishes goes through here, so there is one place that decides how a number looks. A
breakdown of children is published only through ``breakdown(disclosure, …)``: the
disclosure control is an argument, never a default.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass, field, replace

import pandas as pd

from sendlib.paper.disclosure import Disclosure
from sendlib.scorecard import formats as fmt


def slug(text: str) -> str:
    """An HTML id from a caption."""
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")[:60] or "table"


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
    count_columns: tuple[str, ...] = ()
    shares: dict[str, str] = field(default_factory=dict)
    total_row: str | None = None
    total_column: str | None = None
    published_sums: tuple[tuple[str, ...], ...] = ()
    disclosure: Disclosure | None = None

    def breakdown(
        self,
        disclosure: Disclosure,
        *count_columns: str,
        shares: dict[str, str] | None = None,
        total_row: str | None = None,
        total_column: str | None = None,
        published_sums: tuple[tuple[str, ...], ...] = (),
    ) -> Table:
        """Counts of children in these columns are published under disclosure control;
        ``shares`` maps a percentage column to the count it is derived from; the total row
        (by its label in the row-header column) and total column stay visible.
        ``published_sums`` names groups of rows whose sum is published elsewhere (a
        headline KPI), so that no withheld cell can be worked out from it."""
        if not isinstance(disclosure, Disclosure):
            raise TypeError(
                f"Table.breakdown needs the paper's Disclosure first, not {disclosure!r}: "
                "counts of children are published only under disclosure control"
            )
        return replace(
            self,
            disclosure=disclosure,
            count_columns=count_columns,
            shares=shares or {},
            total_row=total_row,
            total_column=total_column,
            published_sums=published_sums,
        )

    def withheld(self) -> pd.DataFrame:
        """Which cells disclosure control withholds (all False for a non-breakdown)."""
        hidden = pd.DataFrame(False, index=self.frame.index, columns=self.frame.columns)
        if not self.count_columns or self.disclosure is None:
            return hidden
        rows = self.frame.index
        if self.total_row is not None and self.header_column is not None:
            rows = rows[self.frame[self.header_column].astype(str) != self.total_row]
        columns = [c for c in self.count_columns if c != self.total_column]
        counts = self.frame.loc[rows, columns].apply(pd.to_numeric, errors="coerce")
        labels = (
            list(self.frame.loc[rows, self.header_column].astype(str))
            if self.header_column is not None
            else []
        )
        unknown = {label for group in self.published_sums for label in group} - set(labels)
        if unknown:
            raise ValueError(f"published_sums names rows not in the table: {sorted(unknown)}")
        groups = [
            [(labels.index(label), j) for label in group]
            for group in self.published_sums
            for j in range(len(columns))
        ]
        mask = self.disclosure.mask(
            counts,
            row_totals=self.total_column is not None,
            column_totals=self.total_row is not None,
            published_sums=groups,
        )
        hidden.loc[rows, columns] = mask
        for share, count in self.shares.items():
            hidden[share] = hidden[share] | hidden[count]
        return hidden

    def row_header(self, column: str) -> Table:
        """Cells of this column are row headers (``<th scope="row">``)."""
        return replace(self, header_column=column)

    def number(self, *columns: str, places: int = 0) -> Table:
        return replace(self, formats={**self.formats, **{c: ("count", places) for c in columns}})

    def percent(self, *columns: str, places: int = 1) -> Table:
        return replace(self, formats={**self.formats, **{c: ("percent", places) for c in columns}})

    def note(self, text: str) -> Table:
        return replace(self, notes=(*self.notes, text))

    def html_columns(self, *columns: str) -> Table:
        """Columns whose cells are already safe HTML (e.g. a glyph with screen-reader text)."""
        return replace(self, raw_html_columns=(*self.raw_html_columns, *columns))

    def classed(self, css_class: str) -> Table:
        return replace(self, css_class=css_class)

    def with_id(self, table_id: str) -> Table:
        return replace(self, table_id=table_id)

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
        table_id = self.table_id or f"t-{slug(self.caption)}"
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


def counts_table(
    counts: pd.Series,
    caption: str,
    label: str,
    disclosure: Disclosure,
    total: bool = True,
    published_sums: tuple[tuple[str, ...], ...] = (),
) -> Table:
    """A breakdown (label → count) with its share of the total, and a total row
    (``published_sums``: see ``Table.breakdown``)."""
    frame = counts.rename_axis(label).reset_index(name="Number")
    n = frame["Number"].sum()
    frame["Share"] = 100.0 * frame["Number"] / n if n else float("nan")
    if total:
        frame = pd.concat(
            [
                frame,
                pd.DataFrame(
                    {label: ["Total"], "Number": [n], "Share": [100.0 if n else float("nan")]}
                ),
            ],
            ignore_index=True,
        )
    table = Table(frame, caption).row_header(label).number("Number").percent("Share")
    return table.breakdown(
        disclosure,
        "Number",
        shares={"Share": "Number"},
        total_row="Total" if total else None,
        published_sums=published_sums,
    )
