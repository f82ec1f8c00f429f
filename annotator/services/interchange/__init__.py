"""Annotations in and out of a project as plain files, for spreadsheets and scripts.

``export_csv`` writes sources, documents, claims, links and verdicts as CSV
(see ``docs/csv-format.md``); ``load_csv`` reads them back, re-anchoring each
claim in the project's copy of its document and reporting what could not be
placed instead of dropping it. The app runs the slow part, ``plan_csv_load``, in a
worker and then writes the plan with ``apply_load_plan``.
"""

from annotator.services.interchange.csv_export import ExportSummary, export_csv
from annotator.services.interchange.csv_format import MAX_CSV_BYTES, RowError, escape_cell, unescape_cell
from annotator.services.interchange.csv_load import (
    LoadPlan,
    LoadReport,
    Orphan,
    Reanchored,
    apply_load_plan,
    load_csv,
    plan_csv_load,
    plan_csv_load_file,
)

__all__ = [
    "MAX_CSV_BYTES", "ExportSummary", "LoadPlan", "LoadReport", "Orphan", "Reanchored", "RowError",
    "apply_load_plan", "escape_cell", "export_csv", "load_csv", "plan_csv_load", "plan_csv_load_file",
    "unescape_cell",
]
