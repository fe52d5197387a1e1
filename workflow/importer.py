"""`callflow import FILE`: a survey tool's export (CSV, XLSX) → applications.

For survey tools that send no mail per response (EUSurvey, the tool of the reference call,
only mails periodic counts). Idempotent: every row is keyed by the tool's response or
contribution ID (or, without one, by a hash of the row), so importing the same export again —
or a longer one later — changes only what is new.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from .classify import survey
from .config import Config
from .decide import Decider
from .errors import UsageError
from .exports import read_export
from .store import Store

SUBMITTED_FIELD = "submitted"
SUBMITTED_LABELS = ["submitted", "submission date", "date submitted", "completed", "submitted at",
                    "completion date", "timestamp", "date"]


@dataclass
class ImportReport:
    rows: int = 0
    new: int = 0
    updated: int = 0
    unchanged: int = 0
    queued: int = 0
    problems: list[str] = field(default_factory=list)


def _row_key(response: survey.SurveyResponse) -> str:
    if response.fields.get("response_id"):
        return f"import:{response.fields['response_id']}"
    digest = hashlib.sha256(repr(sorted({**response.fields, **response.extra}.items())).encode()).hexdigest()
    return f"import:row:{digest[:24]}"


def _submitted(response: survey.SurveyResponse, config: Config, now: datetime) -> datetime:
    value = response.fields.get(SUBMITTED_FIELD)
    if not value:
        return now
    for candidate in (value, value.replace("/", "-")):
        try:
            parsed = datetime.fromisoformat(candidate.strip())
        except ValueError:
            continue
        return parsed if parsed.tzinfo else parsed.replace(tzinfo=config.event.tz)
    return now


def import_export(config: Config, store: Store, path: Path, now: datetime, acknowledge: bool = True) -> ImportReport:
    fields = {SUBMITTED_FIELD: SUBMITTED_LABELS, **config.survey.fields}
    try:
        responses = read_export(path, fields)
    except FileNotFoundError:
        raise UsageError(f"{path}: no such file") from None
    except ValueError as exc:
        raise UsageError(f"{path}: {exc}") from None
    report = ImportReport()
    decider = Decider(config, store, now)
    for response in responses:
        report.rows += 1
        where = f"{path.name} row {response.row}" if response.row else path.name
        email = response.email
        if not email:
            report.problems.append(f"{where}: {'; '.join(response.problems) or 'no email address'}")
            continue
        key = _row_key(response)
        record = store.applicants.get(email)
        if record is not None and key in record["response_ids"]:
            report.unchanged += 1
            continue
        existed = record is not None and record.get("state") is not None
        fields_ = {k: v for k, v in response.fields.items() if k != SUBMITTED_FIELD}
        decision = decider.apply_application(
            email, response.name, fields_, response.extra, response_id=key,
            submitted=_submitted(response, config, now), by="import", acknowledge=acknowledge,
        )
        report.queued += len(decision.queued)
        if existed:
            report.updated += 1
        else:
            report.new += 1
    return report
