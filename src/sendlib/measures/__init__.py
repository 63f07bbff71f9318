"""Stage 2, measures: the case model and every KPI computed from case-level data.

``cases.prepare`` joins the validated tables once; each family module (caseload,
decisions, issuance, reviews, placements, disputes, rates) is a pure function from the
cases and months to numbers, citing the regulation it applies; ``registry`` wires them.
"""
