"""Formatting, arrows and RAG agree with the printed figures."""

from __future__ import annotations

import math

from sendlib.scorecard import formats as fmt


def test_values_in_their_units():
    assert fmt.format_value(4712, "count", 0) == "4,712"
    assert fmt.format_value(45.94, "percent", 1) == "45.9%"
    assert fmt.format_value(404.83, "rate_per_10k", 1) == "404.8"
    assert fmt.format_value(0.6, "fte", 2) == "0.60"
    assert fmt.format_value(1234.4, "currency", 0) == "£1,234"


def test_missing_value_shows_the_note_or_not_available():
    assert fmt.format_value(math.nan, "count", 0) == "[x]"
    assert fmt.format_value(None, "percent", 1, "requested") == "requested"


def test_direction_is_compared_at_display_precision():
    assert fmt.direction(45.04, 45.01, 1) == "same"
    assert fmt.direction(45.06, 45.01, 1) == "up"
    assert fmt.direction(4711.6, 4712.4, 0) == "same"
    assert fmt.direction(3, 4, 0) == "down"
    assert fmt.direction(math.nan, 4, 0) == ""


def test_rag_by_polarity_and_tolerance():
    assert fmt.rag(70.0, 70, 10, "up", 1) == "green"
    assert fmt.rag(69.96, 70, 10, "up", 1) == "green"  # shows as 70.0%
    assert fmt.rag(60.0, 70, 10, "up", 1) == "amber"
    assert fmt.rag(59.9, 70, 10, "up", 1) == "red"
    assert fmt.rag(7, 7, 5, "down", 0) == "green"
    assert fmt.rag(12, 7, 5, "down", 0) == "amber"
    assert fmt.rag(13, 7, 5, "down", 0) == "red"
    assert fmt.rag(13, 7, None, "down", 0) == "red"
    assert fmt.rag(8, None, None, "up", 0) == ""
    assert fmt.rag(8, 5, None, "neutral", 0) == ""
    assert fmt.rag(math.nan, 5, 1, "up", 0) == ""
