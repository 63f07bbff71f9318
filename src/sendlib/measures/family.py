"""What a family of measures declares, beside the function that computes it.

A family is one pure function from ``Cases`` and month ordinals to arrays, one per measure
id; ``@family(...)`` above it names the ids it makes with each one's definition (one
sentence a committee member reads, citing the regulation where the measure is statutory),
the input files and columns they read and which are characteristic figures, so that a
measure is declared where it is computed. ``sendlib.measures.registry`` only lists the
families in order and wires them; ``sendlib.measures.document`` writes the list of
measures (``docs/measures.md``, ``sendlib measures``) from the same declarations.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, TypeVar

if TYPE_CHECKING:
    import numpy as np

    from sendlib.measures.cases import Cases

Compute = Callable[["Cases", "np.ndarray"], dict[str, "np.ndarray"]]
CHARACTERISTIC, ACTIVITY = "characteristic", "activity"
F = TypeVar("F", bound=Callable)


@dataclass(frozen=True)
class Family:
    """A group of measures computed together, and the input files they read.

    ``characteristic`` names the measures that count children by a personal or care
    characteristic (social-care status, age group, setting, need) and the shares of them:
    a small count of those would let a reader identify a child, so the paper withholds it
    (``sendlib.scorecard.disclosure``); every other measure counts events or is a process
    share (``activity``) and is published as it is. ``counts`` gives, for a share, the id
    of the count it is a share of (its numerator), and ``bases`` its denominator where
    that is a measure too: a share is withheld with either. ``needs`` names the columns
    (``file.column``) every measure of the family reads and ``also_needs`` those one
    measure reads besides: a measure whose column the data does not hold is not
    available (``[x]``), never 0. ``definitions`` says what each measure counts, by id, in
    the order the ids are listed.
    """

    name: str
    compute: Compute
    definitions: dict[str, str]
    files: tuple[str, ...]
    characteristic: tuple[str, ...] = ()
    counts: dict[str, str] = field(default_factory=dict)
    bases: dict[str, str] = field(default_factory=dict)
    needs: tuple[str, ...] = ()
    also_needs: dict[str, tuple[str, ...]] = field(default_factory=dict)
    #: counts over the reporting year to date: ``compute`` takes ``year_start``
    yearly: bool = False

    @property
    def ids(self) -> tuple[str, ...]:
        """The measures the family makes, in the order they are listed."""
        return tuple(self.definitions)


def family(
    name: str, measures: Mapping[str, str], files: tuple[str, ...], **declared
) -> Callable[[F], F]:
    """Declare the function below as the family ``name`` making ``measures`` (id →
    definition) from ``files`` (and ``declared``: the other fields of ``Family``);
    ``family_of`` reads it back. A measure without a definition of its own is an error
    where it is declared."""
    for kpi, definition in measures.items():
        if not (isinstance(definition, str) and definition.strip().endswith(".")):
            raise ValueError(
                f"measure {kpi!r} of family {name!r}: its definition must be a sentence"
            )

    def declare(compute: F) -> F:
        compute.family = Family(name, compute, dict(measures), tuple(files), **declared)  # type: ignore[attr-defined]
        return compute

    return declare


def count_and_share(count: str, whole: str, words: str) -> dict[str, str]:
    """A count and its share (``<count>_pct``), defined alike: "Requests received in the
    month made by a parent." and "Of requests received in the month, % made by a parent."
    (``whole`` the things counted, lower case; ``words`` what picks the count out)."""
    return {
        count: f"{whole[0].upper()}{whole[1:]} {words}.",
        f"{count}_pct": f"Of {whole}, % {words}.",
    }


def family_of(compute: Callable) -> Family:
    """The ``Family`` a function was declared as (``@family``)."""
    return compute.family  # type: ignore[attr-defined]
