"""Survey export files (CSV, XLSX, JSON) → one response per row, for ``callflow import``.

EUSurvey, the reference call's survey tool, sends no mail per response: organisers download an
export and import it. The rows are read with the same table reading as a notification's CSV
attachment (``classify.survey``). Only files named on the command line are read here; nothing
here writes anything.
"""

from __future__ import annotations

import zipfile
from pathlib import Path

import openpyxl
from openpyxl.utils.exceptions import InvalidFileException

from .classify import survey
from .classify.survey import SurveyResponse


def _read_xlsx(path: Path, label_index: dict[str, str]) -> list[SurveyResponse]:
    try:
        workbook = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except (InvalidFileException, zipfile.BadZipFile, KeyError, OSError, ValueError) as exc:
        raise ValueError(f"not a readable XLSX file: {exc}") from None
    try:
        first: list[SurveyResponse] | None = None
        for sheet in workbook.worksheets:
            # Some generators write a wrong <dimension>, and read-only mode trusts it.
            sheet.reset_dimensions()
            rows = ([survey.cell_text(v) for v in row] for row in sheet.iter_rows(values_only=True))
            responses, has_email = survey.table_responses(rows, label_index)
            if has_email:
                return responses  # a workbook may hold a summary sheet before the answers
            if first is None:
                first = responses
        return first or []
    finally:
        workbook.close()


def read_export(path: Path, fields: dict[str, list[str]]) -> list[SurveyResponse]:
    """A survey tool's export file (CSV, XLSX or JSON) → one response per row.

    Raises ValueError for a file type it cannot read, OSError if the file cannot be opened.
    """
    index = survey.build_label_index(fields)
    suffix = path.suffix.lower()
    with path.open("rb") as handle:
        magic = handle.read(4)
    # An .xlsx is a zip file; people rename exports, so the content decides over the name.
    if magic == b"PK\x03\x04":
        if suffix not in ("", ".xlsx", ".xlsm", ".csv"):
            raise ValueError(f"unsupported export type: {suffix} (a zip archive)")
        return _read_xlsx(path, index)
    if suffix in (".csv", ".tsv", ".txt"):
        return survey.table_responses(survey.csv_rows(survey.decode_data(path.read_bytes()), index), index)[0]
    if suffix == ".json":
        return survey.read_attachment(path.name, "application/json", path.read_bytes(), index)
    if suffix == ".xls":
        raise ValueError("unsupported export type: .xls (old Excel format; save it as .xlsx or .csv)")
    raise ValueError(f"unsupported export type: {suffix or path.name!r}")
