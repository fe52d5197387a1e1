"""Survey notifications and exports → applicant fields.

A survey tool either mails one notification per response or leaves the organisers an export
file. This module reads every shape the SPEC names:

* ``Label: value`` lines (an answer may continue over several lines);
* an HTML question/answer table, as in LimeSurvey's detailed admin notification;
* a CSV or JSON attachment on the notification;
* a CSV or XLSX export for ``callflow import`` (EUSurvey puts title rows above the header).

Labels come from ``survey.fields`` in the config and are matched case- and
space-insensitively. Fields whose label is not configured are kept under their own label so
nothing the applicant wrote is lost. Nothing here raises on bad notification input; only
``read_export`` raises, because an organiser ran it and wants to know why it failed.
"""

from __future__ import annotations

import csv
import io
import itertools
import json
import re
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from email.utils import parseaddr
from pathlib import Path
from typing import Any

from .html_tables import pairs_from_html

_LABEL_LINE = re.compile(r"^\s*([^:\n]{1,80}?)\s*:\s*(.*)$")
_EMAIL = re.compile(r"^[^@\s<>()\[\],;:\"]+@[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?(?:\.[A-Za-z0-9-]+)+$")

Pairs = list[tuple[str, str]]
AttachmentData = tuple[str | None, str, bytes]  # (filename, content type, payload)


def label_key(label: str) -> str:
    """Labels compare without case, punctuation at the ends, or repeated spaces."""
    return re.sub(r"\s+", " ", label).strip(" \t*:?").casefold()


@dataclass
class SurveyResponse:
    fields: dict[str, str] = field(default_factory=dict)  # canonical name → answer
    extra: dict[str, str] = field(default_factory=dict)  # unconfigured label → answer
    problems: list[str] = field(default_factory=list)
    row: int | None = None  # the row in an export or attachment, as a spreadsheet shows it

    @property
    def email(self) -> str | None:
        return self.fields.get("email")

    @property
    def name(self) -> str | None:
        return self.fields.get("name")


def valid_email(value: str) -> str | None:
    """A plain addr-spec, lowercased, or None."""
    _, addr = parseaddr(value.strip())
    addr = addr.strip()
    if addr and _EMAIL.match(addr):
        return addr.lower()
    return None


def build_label_index(fields: dict[str, list[str]]) -> dict[str, str]:
    index: dict[str, str] = {}
    for canonical, labels in fields.items():
        for label in [canonical, *labels]:
            index.setdefault(label_key(label), canonical)
    return index


def clean_value(value: str) -> str:
    """Windows and old-Mac line ends become ``\\n``; the answer is stripped but keeps its lines."""
    return value.replace("\r\n", "\n").replace("\r", "\n").strip()


def _clean_label(label: str) -> str:
    # Export headers carry the full question text, sometimes over several lines, and a
    # stray BOM or zero-width space survives some editors; a label is one line.
    return " ".join(label.replace("\ufeff", "").replace("\u200b", "").split())


def from_pairs(pairs: Sequence[tuple[str, str]], label_index: dict[str, str]) -> SurveyResponse:
    """Question/answer pairs (from any survey shape) → a response with canonical fields."""
    response = SurveyResponse()
    for raw_label, raw_value in pairs:
        label = _clean_label(raw_label)
        value = clean_value(raw_value)
        canonical = label_index.get(label_key(label))
        if canonical:
            # The first non-empty answer wins: a form may repeat a field (e.g. a confirmation).
            if canonical not in response.fields or not response.fields[canonical]:
                response.fields[canonical] = value
        elif value:
            response.extra[label] = value
    raw_email = response.fields.get("email")
    if raw_email is None:
        response.problems.append("no email address field")
    else:
        checked = valid_email(raw_email)
        if checked is None:
            response.problems.append(f"email field is not a valid address: {raw_email[:80]!r}")
            response.fields.pop("email")
        else:
            response.fields["email"] = checked
    return response


def parse_label_lines(text: str, label_index: dict[str, str]) -> list[tuple[str, str]]:
    """``Label: value`` lines; a line that is not a known label continues the previous answer."""
    pairs: list[tuple[str, str]] = []
    for line in text.splitlines():
        match = _LABEL_LINE.match(line)
        if match and (label_key(match.group(1)) in label_index or not pairs or _looks_like_label(match)):
            pairs.append((match.group(1), match.group(2)))
        elif pairs and line.strip():
            label, value = pairs[-1]
            pairs[-1] = (label, f"{value}\n{line.strip()}" if value else line.strip())
    return pairs


def _looks_like_label(match: re.Match[str]) -> bool:
    # An unknown "Label: value" line starts a new field only if the label is short and
    # reads like a question label, not like a sentence that happens to contain a colon.
    label = match.group(1)
    return len(label.split()) <= 6 and not label.rstrip().endswith((".", "!"))


def parse_text(text: str, fields: dict[str, list[str]]) -> SurveyResponse:
    index = build_label_index(fields)
    return from_pairs(parse_label_lines(text, index), index)


# --- HTML question/answer tables ------------------------------------------------------------

_CSV_TYPES = ("text/csv", "application/csv", "text/comma-separated-values", "text/tab-separated-values")
_JSON_WRAPPERS = ("responses", "data", "answers", "results", "submissions", "entries")
# Kept narrow: a list of people ({"name": ..., "email": ...}) must not read as questions.
_QUESTION_KEYS = ("question", "label", "title", "name")
_ANSWER_KEYS = ("answer", "value")
_HEADER_SCAN_ROWS = 30  # title rows above an export's header are a handful, never a page
_UTF16_BOMS = (b"\xff\xfe", b"\xfe\xff")
_DELIMITERS = (",", ";", "\t")
_SNIFF_CHARS = 64 * 1024  # enough for title rows and a header of long question texts


def decode_data(data: bytes, charset: str | None = None) -> str:
    # Excel's "Unicode text" export is UTF-16 with a BOM; everything else is UTF-8 (with or
    # without BOM) or, from German/French Excel, cp1252.
    if data.startswith(_UTF16_BOMS):
        return data.decode("utf-16", errors="replace")
    for encoding in (charset, "utf-8-sig"):
        if encoding:
            try:
                return data.decode(encoding)
            except (LookupError, UnicodeDecodeError):
                continue
    # cp1252 leaves five bytes undefined; replacing them beats refusing the file.
    return data.decode("cp1252", errors="replace")


def _charset(content_type: str) -> str | None:
    match = re.search(r"charset\s*=\s*\"?([\w.:-]+)", content_type, re.IGNORECASE)
    return match.group(1) if match else None


def _sniff_delimiter(text: str, label_index: dict[str, str]) -> tuple[str, str]:
    """The delimiter and the text without an Excel ``sep=`` hint line.

    The header row is the best witness: the delimiter is the one that splits out a cell
    naming the email field (the widest such split wins, since a lone "Email" column splits
    under any delimiter). csv.Sniffer is not used: commas inside unquoted answers of a
    ``;`` file fool it, and it cannot know which row is the header.
    """
    first, _, rest = text.partition("\n")
    hint = re.fullmatch(r"\s*sep=(.)\s*", first)
    if hint:
        return hint.group(1), rest
    sample = text[:_SNIFF_CHARS]
    best: tuple[int, str] | None = None
    for delimiter in _DELIMITERS:
        width = _email_header_width(sample, delimiter, label_index)
        if width and (best is None or width > best[0]):
            best = (width, delimiter)
    if best is not None:
        return best[1], text
    # No email header: count the candidates outside quotes on the first line.
    counts = dict.fromkeys(_DELIMITERS, 0)
    quoted = False
    for char in sample:
        if char == '"':
            quoted = not quoted
        elif char == "\n" and not quoted:
            break
        elif char in counts and not quoted:
            counts[char] += 1
    delimiter = max(_DELIMITERS, key=lambda d: counts[d])  # ties go to the first, ","
    return (delimiter if counts[delimiter] else ","), text


def _email_header_width(sample: str, delimiter: str, label_index: dict[str, str]) -> int:
    """How many cells the email header row has when split at ``delimiter``; 0 if none is found."""
    reader = csv.reader(io.StringIO(sample, newline=""), delimiter=delimiter)
    try:
        for row in itertools.islice(reader, _HEADER_SCAN_ROWS):
            if any(label_index.get(label_key(_clean_label(c))) == "email" for c in row):
                return len(row)
    except csv.Error:
        pass  # the wrong delimiter can make a sample unreadable; the reader proper reports real errors
    return 0


def csv_rows(text: str, label_index: dict[str, str]) -> Iterator[list[str]]:
    delimiter, text = _sniff_delimiter(text, label_index)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        yield from reader
    except csv.Error as exc:
        raise ValueError(f"CSV record {reader.line_num}: {exc}") from None


def cell_text(value: Any) -> str:
    """A spreadsheet value as the organiser would read it in the sheet."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, datetime):
        value = value.replace(microsecond=0)
        return value.date().isoformat() if value.time() == time(0) else value.isoformat(sep=" ")
    if isinstance(value, date | time):
        return value.isoformat()
    if isinstance(value, timedelta):
        return str(value)
    if isinstance(value, float):
        # IDs and phone-like numbers arrive as floats; "4711" not "4711.0".
        return str(int(value)) if value.is_integer() else repr(value)
    return clean_value(str(value))


def _column_name(number: int) -> str:
    # A header cell left empty still names its column the way a spreadsheet program would.
    name = ""
    while number:
        number, rest = divmod(number - 1, 26)
        name = chr(ord("A") + rest) + name
    return f"column {name}"


def table_responses(rows: Iterable[Sequence[str]], label_index: dict[str, str]) -> tuple[list[SurveyResponse], bool]:
    """A table → one response per non-empty row under the header row, and whether the
    header named an email column.

    The header is the first row (among the first few) with a label that maps to ``email``,
    so title rows above it are skipped; without one, the first non-empty row. Row numbers
    count from 1 as a spreadsheet program shows them, title and empty rows included.
    """
    numbered = [(number, list(row)) for number, row in enumerate(rows, start=1)]
    filled = [(number, row) for number, row in numbered if any(c.strip() for c in row)]
    if not filled:
        return [], False
    header_at = next(
        (
            position
            for position, (_, row) in enumerate(filled[:_HEADER_SCAN_ROWS])
            if any(label_index.get(label_key(_clean_label(c))) == "email" for c in row)
        ),
        None,
    )
    has_email = header_at is not None
    _, header = filled[header_at or 0]
    labels = [_clean_label(h) or _column_name(i) for i, h in enumerate(header, start=1)]
    responses: list[SurveyResponse] = []
    for number, row in filled[(header_at or 0) + 1 :]:
        # A row longer than the header still keeps its extra cells, under the column's letter.
        names = labels + [_column_name(i) for i in range(len(labels) + 1, len(row) + 1)]
        response = from_pairs(list(zip(names, row, strict=False)), label_index)
        response.row = number
        responses.append(response)
    return responses, has_email


def _json_scalar(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list):
        # A multiple-choice answer: one choice per line.
        return "\n".join(s for s in (_json_scalar(v) for v in value) if s)
    if isinstance(value, dict):
        return json.dumps(value, ensure_ascii=False)
    return clean_value(str(value))


def _qa_pair(item: Any) -> tuple[str, str] | None:
    """``{"question": ..., "answer": ...}`` (or label/value and the like) → a pair."""
    if not isinstance(item, dict):
        return None
    question = next((item[k] for k in _QUESTION_KEYS if isinstance(item.get(k), str)), None)
    answer_key = next((k for k in _ANSWER_KEYS if k in item), None)
    if question is None or answer_key is None or isinstance(item[answer_key], dict):
        return None
    return question, _json_scalar(item[answer_key])


def _is_qa_list(value: Any) -> bool:
    return isinstance(value, list) and bool(value) and all(_qa_pair(v) is not None for v in value)


def _json_object_pairs(obj: dict[str, Any]) -> Pairs:
    pairs: Pairs = []
    for key, value in obj.items():
        if _is_qa_list(value):
            pairs.extend(p for p in (_qa_pair(v) for v in value) if p is not None)
        elif isinstance(value, dict):
            # A nested group ({"contact": {"email": ...}}): its labels are the questions.
            pairs.extend(_json_object_pairs(value))
        else:
            pairs.append((str(key), _json_scalar(value)))
    return pairs


def _json_responses(value: Any) -> list[Pairs]:
    """Every response in a decoded JSON document, each as question/answer pairs."""
    if _is_qa_list(value):
        return [[p for p in (_qa_pair(v) for v in value) if p is not None]]
    if isinstance(value, list):
        return [pairs for item in value if isinstance(item, dict | list) for pairs in _json_responses(item)]
    if not isinstance(value, dict):
        return []
    for key in _JSON_WRAPPERS:
        inner = value.get(key)
        if _is_qa_list(inner):
            # {"id": 7, "answers": [{"question": ..., "answer": ...}]}: one response.
            return [_json_object_pairs(value)]
        if isinstance(inner, list | dict):
            # {"count": 2, "responses": [{...}, {...}]}: the wrapper's own keys are metadata.
            return _json_responses(inner)
    return [_json_object_pairs(value)]


def attachment_kind(filename: str | None, content_type: str) -> str | None:
    mime = content_type.split(";", 1)[0].strip().lower()
    suffix = Path(filename).suffix.lower() if filename else ""
    if suffix in (".csv", ".tsv") or mime in _CSV_TYPES:
        return "csv"
    if suffix == ".json" or mime == "application/json" or mime.endswith("+json"):
        return "json"
    return None


def read_attachment(
    filename: str | None, content_type: str, data: bytes, label_index: dict[str, str]
) -> list[SurveyResponse]:
    """Responses in a CSV/JSON attachment; ValueError if it is one of those but unreadable."""
    kind = attachment_kind(filename, content_type)
    if kind is None:
        return []
    text = decode_data(data, _charset(content_type))
    if kind == "json":
        try:
            found = _json_responses(json.loads(text))
        except json.JSONDecodeError as exc:
            raise ValueError(f"invalid JSON: {exc}") from None
        except RecursionError:
            raise ValueError("JSON nested too deeply") from None
        responses = []
        for number, pairs in enumerate(found, start=1):
            response = from_pairs(pairs, label_index)
            response.row = number
            responses.append(response)
        return responses
    return table_responses(csv_rows(text, label_index), label_index)[0]


def responses_from_attachment(
    filename: str | None, content_type: str, data: bytes, label_index: dict[str, str]
) -> list[SurveyResponse]:
    """Responses in a CSV or JSON attachment; [] for any other or unreadable attachment."""
    try:
        return read_attachment(filename, content_type, data, label_index)
    except ValueError:
        return []


# --- one notification ------------------------------------------------------------------------


def parse_notification(
    text: str, html: str | None, attachments: Sequence[AttachmentData], label_index: dict[str, str]
) -> SurveyResponse:
    """The applicant's response in a per-response notification mail, whatever its shape.

    Candidates come from the attachments (the first response with an email address), the
    HTML table and the ``Label: value`` text. The one with an email address and the most
    fields wins; ties go to that order. Without any email address the fullest candidate is
    returned with every problem met on the way, so an organiser sees why.
    """
    candidates: list[SurveyResponse] = []
    notes: list[str] = []
    for filename, content_type, data in attachments:
        try:
            responses = read_attachment(filename, content_type, data, label_index)
        except ValueError as exc:
            notes.append(f"attachment {filename or content_type} unreadable: {exc}")
            continue
        with_email = [r for r in responses if r.email]
        if with_email:
            chosen = with_email[0]
            if len(responses) > 1:
                # One notification is one response; several means something unexpected.
                chosen.problems.append(
                    f"attachment {filename or content_type} holds {len(responses)} responses; used row {chosen.row}"
                )
            candidates.append(chosen)
            break
        candidates.extend(responses[:1])
    if html:
        pairs = pairs_from_html(html)
        if pairs:
            candidates.append(from_pairs(pairs, label_index))
    text_pairs = parse_label_lines(text or "", label_index)
    candidates.append(from_pairs(text_pairs, label_index))

    def score(item: tuple[int, SurveyResponse]) -> tuple[bool, int, int, int]:
        position, response = item
        return (response.email is not None, len(response.fields), len(response.extra), -position)

    _, best = max(enumerate(candidates), key=score)
    if best.email is None:
        best.problems.extend(notes)
    return best
