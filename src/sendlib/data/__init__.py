"""Stage 1, data: the input contract, reading sources, validation, data quality.

Nothing here knows about KPIs, the scorecard or the paper.
"""
