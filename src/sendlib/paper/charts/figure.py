"""A chart as the paper publishes it: the picture with its alt text, one caption beside it
(its source) and its data as a table; or, where a chart would show one point or nothing a
reader may see, a sentence (``NoChart``).

A chart's data table prints each value as the chart's unit says (``45.9%``, ``4,712``),
a value the disclosure decision withholds as ``[c]``, one the data do not hold as ``[x]``
and a cell that cannot have a value (a projection for a month already recorded) as
``[z]`` — the GSS symbols.
"""

from __future__ import annotations

import base64
import html
import io
from dataclasses import dataclass

import pandas as pd

from sendlib.paper.charts.theme import pyplot
from sendlib.paper.tables import Table, html_id
from sendlib.scorecard import formats as fmt

SOURCE = "Source: council SEND case records"


@dataclass(frozen=True)
class Chart:
    """A rendered chart: SVG, its title, alt text, source and data (``unit`` and
    ``places``: how its value columns print; its first column names the rows)."""

    svg: str
    title: str
    alt: str
    data: pd.DataFrame
    source: str = SOURCE
    note: str = ""  # what the picture leaves out, said beside it
    unit: str = "count"
    places: int = 0
    labels: tuple[str, ...] = ()  # further columns of words, not values

    def table(self) -> Table:
        """The chart's data as a published table."""
        first = self.data.columns[0]
        values = [c for c in self.data.columns if c != first and c not in self.labels]
        table = Table(self.data, f"Data for the chart: {self.title}").classed("data chart-data")
        return table.row_header(first).in_unit(self.unit, *values, places=self.places)

    def to_html(self) -> str:
        """A <figure>: the image with alt text, a caption, and the data in a table."""
        uri = "data:image/svg+xml;base64," + base64.b64encode(self.svg.encode()).decode()
        return (
            f'<figure class="chart" id="f-{html_id(self.title)}">'
            f'<img src="{uri}" alt="{html.escape(self.alt)}">'
            f'<figcaption><span class="source">{html.escape(self.source)}.</span>'
            + (f" {html.escape(self.note)}" if self.note else "")
            + "</figcaption>"
            f'<details class="chart-data"><summary>Show the data for this chart</summary>'
            f"{self.table().to_html()}</details></figure>"
        )

    def _repr_html_(self) -> str:
        return self.to_html()


@dataclass(frozen=True)
class NoChart:
    """What stands where a chart would, when it would show nothing a reader may see (every
    value withheld or not available): a sentence saying so."""

    title: str
    reason: str

    def to_html(self) -> str:
        return f'<p class="chart-note">{html.escape(self.title)}: {html.escape(self.reason)}</p>'

    def _repr_html_(self) -> str:
        return self.to_html()


def withheld_words(threshold: int) -> str:
    """How a chart says why a value is not drawn."""
    return (
        f"withheld to protect confidentiality (fewer than {threshold + 1} children, or "
        "needed to protect such a figure)"
    )


def withheld_count(count: int, noun: str, threshold: int) -> str:
    """' 2 values withheld to protect confidentiality (…).' for the alt text; '' for none."""
    if not count:
        return ""
    return f" {count} {noun if count == 1 else noun + 's'} {withheld_words(threshold)}."


def as_published(frame: pd.DataFrame, hidden: pd.DataFrame | None) -> pd.DataFrame:
    """The chart's values as its data table holds them: a withheld one as ``[c]``."""
    if hidden is None or not hidden.to_numpy().any():
        return frame.copy()
    mask = hidden.reindex(index=frame.index, columns=frame.columns, fill_value=False)
    return frame.astype(object).mask(mask.astype(bool), fmt.CONFIDENTIAL)


def month_names(periods, style: str = "%b %Y") -> list[str]:
    """Period texts (YYYY-MM) as a reader writes them ('Nov 2026'; '%b %y' on an axis)."""
    return [pd.Period(p, freq="M").strftime(style) for p in periods]


def value_text(value: float, unit: str, places: int) -> str:
    return fmt.format_value(value, unit, places)


def finish(ax, title: str, xlabel: str, ylabel: str) -> None:
    """The chart's title and axis labels, in the picture."""
    ax.set_title(title)
    ax.set_xlabel(xlabel)
    ax.set_ylabel(ylabel)
    ax.spines[["top", "right"]].set_visible(False)


def svg(fig) -> str:
    """The figure as SVG text (byte-stable: no date; the theme fixes the hash salt)."""
    buffer = io.StringIO()
    fig.savefig(buffer, format="svg", metadata={"Date": None}, bbox_inches="tight")
    pyplot().close(fig)
    return buffer.getvalue()
