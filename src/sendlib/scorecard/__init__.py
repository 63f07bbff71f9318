"""Stage 3, scorecard: the KPI catalogue, the tidy scorecard, SPC, formats and the workbook."""
