"""Fast column operations on Arrow-backed text columns.

pandas 3's ``Series.isin`` on Arrow strings converts the lookup values one by one in
Python, which takes tens of seconds on a national extract; ``pyarrow.compute.is_in``
does the same in C.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc


def arrow_text(values: pd.Series | pd.Index | np.ndarray | list) -> pa.Array | pa.ChunkedArray:
    """A text column as Arrow large strings (missing → null), without a copy when it is
    Arrow already."""
    text = pa.large_string()
    if isinstance(values, pa.Array | pa.ChunkedArray):
        return values.cast(text)
    dtype = getattr(values, "dtype", None)
    if isinstance(dtype, pd.StringDtype) and dtype.storage == "pyarrow":
        return values.array.__arrow_array__().cast(text)
    return pa.array(pd.Series(values, dtype="str"), from_pandas=True).cast(text)


def is_in(values: pd.Series, allowed: pd.Series | pd.Index | np.ndarray | list) -> pd.Series:
    """``values.isin(allowed)`` for text columns, vectorised in Arrow; missing → False."""
    return is_in_each([values], allowed)[0]


def is_in_each(
    columns: list[pd.Series], allowed: pd.Series | pd.Index | np.ndarray | list
) -> list[pd.Series]:
    """``is_in`` for several columns against the same values, whose hash table (most of the
    time for a million identifiers) is built once."""
    hits = _each(pc.is_in, columns, pc.drop_null(_array(arrow_text(allowed))), False)
    return [pd.Series(h, index=c.index, dtype=bool) for h, c in zip(hits, columns, strict=True)]


def index_in_each(columns: list[pd.Series], index: pd.Series) -> list[np.ndarray]:
    """For each column, the row of ``index`` holding each value (first match), -1 where none:
    joins done in Arrow, one hash table of ``index`` for all of them."""
    rows = _each(pc.index_in, columns, _array(arrow_text(index)), -1)
    return [np.asarray(r, dtype=np.int64) for r in rows]


def _array(values: pa.Array | pa.ChunkedArray) -> pa.Array:
    return values.combine_chunks() if isinstance(values, pa.ChunkedArray) else values


def _each(lookup, columns: list[pd.Series], value_set: pa.Array, missing) -> list[np.ndarray]:
    """``lookup`` (is_in, index_in) of the columns stacked without a copy, split again."""
    if not columns:
        return []
    chunks = []
    for column in columns:
        text = arrow_text(column)
        chunks.extend(text.chunks if isinstance(text, pa.ChunkedArray) else [text])
    found = lookup(pa.chunked_array(chunks, type=pa.large_string()), value_set=value_set)
    flat = found.fill_null(missing).to_numpy(zero_copy_only=False)
    return np.split(flat, np.cumsum([len(column) for column in columns])[:-1])
