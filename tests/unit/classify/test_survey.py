"""survey.py: every response shape the SPEC names → canonical applicant fields.

Notifications (``Label: value`` text, LimeSurvey's HTML answer table, a generic HTML table,
CSV/JSON attachments) and exports for ``callflow import`` (CSV, XLSX with EUSurvey's title
rows). Labels come from the default config fields, as an operator who configured nothing gets.
"""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path

import openpyxl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tests import paths
from workflow.classify import survey
from workflow.classify.survey import (
    SurveyResponse,
    build_label_index,
    pairs_from_html,
    parse_notification,
    responses_from_attachment,
)
from workflow.config import DEFAULT_FIELDS
from workflow.exports import read_export

DATA = paths.DATA / "survey"
INDEX = build_label_index(DEFAULT_FIELDS)


def limesurvey_html() -> str:
    return (DATA / "limesurvey-detailed-admin-notification.html").read_text(encoding="utf-8")


# --- HTML tables ------------------------------------------------------------------------------


def test_limesurvey_answer_table_pairs() -> None:
    pairs = pairs_from_html(limesurvey_html())
    questions = [q for q, _ in pairs]
    # Group titles and the array question's head row (colspan) are not questions.
    assert "About you" not in questions
    assert "Your participation" not in questions
    assert "Which sessions can you attend?" not in questions
    # LimeSurvey writes "{question} {subquestion}" with a trailing space; the label is trimmed.
    assert questions[:2] == ["Response ID", "Date submitted"]
    assert ("Which sessions can you attend? [Tuesday morning]", "Yes") in pairs
    answers = dict(pairs)
    assert answers["Your name"] == "Jürgen Müller-Lüdenscheidt"  # entities and raw UTF-8 alike
    assert answers["Organisation"] == "Bewährungshilfe Köln & Umgebung e.V."
    # The answer's own newlines (not <br>) are kept, blank line included; escaped markup is text.
    assert answers["What would you like to contribute?"] == (
        "Two things:\n1. Our experience with electronic monitoring <EM> since 2019\n"
        '2. A short case study ("Köln model")\n\nHappy to present either.'
    )
    assert answers["Anything else?"] == ""
    # The links and greeting around the table are not read as pairs.
    assert len(pairs) == 14


def test_limesurvey_notification_to_response() -> None:
    response = parse_notification("", limesurvey_html(), [], INDEX)
    assert response.email == "juergen.mueller@bewaehrungshilfe.example.de"
    assert response.name == "Jürgen Müller-Lüdenscheidt"
    assert response.fields["response_id"] == "57"
    assert response.fields["country"] == "Germany"
    assert response.fields["role"] == "Probation officer"
    assert response.extra["Date submitted"] == "2025-03-04 09:41:12"
    assert response.extra["Which sessions can you attend? [Wednesday afternoon]"] == "No"
    assert "Anything else?" not in response.extra  # empty answers add nothing
    assert response.problems == []


GENERIC_HTML = """
<html><body>
<table width="100%" class="layout"><tr><td align="center">
  <table class="answers" cellpadding="4">
    <thead><tr><th>Question</th><th>Answer</th></tr></thead>
    <tbody>
    <tr><th scope="row">E-mail</th><td><a href="mailto:ana@example.es">ana@example.es</a></td></tr>
    <tr><td><b>Full name</b></td><td>Ana&nbsp;García</td></tr>
    <tr><td><strong>Institution</strong><br><small>(or company)</small></td><td>Universidad de Ejemplo</td></tr>
    <tr><td>Your motivation</td><td><p>First paragraph.</p><p>Second one.</p></td></tr>
    <tr><td>Topics</td><td><ul>
      <li>Risk assessment</li>
      <li>Training</li>
    </ul></td></tr>
    <tr><td>Notes</td><td>line 1<br>line 2<br/><br/>line 4</td></tr>
    </tbody>
  </table>
</td></tr>
<tr><td>Sent by FormTool &middot; <a href="https://formtool.example/unsubscribe">unsubscribe</a></td></tr>
</table>
<script>var x = "<tr><td>Email</td><td>evil@example.com</td></tr>";</script>
</body></html>
"""


def test_generic_table_pairs() -> None:
    pairs = pairs_from_html(GENERIC_HTML)
    answers = dict(pairs)
    assert "Question" not in answers  # the <th>-only header row
    assert answers["E-mail"] == "ana@example.es"
    assert answers["Full name"] == "Ana García"  # &nbsp; is a space, not a separate word
    # Nested markup and <br> in a question collapse to one label line.
    assert answers["Institution (or company)"] == "Universidad de Ejemplo"
    assert answers["Your motivation"] == "First paragraph.\nSecond one."
    assert answers["Topics"] == "Risk assessment\nTraining"
    assert answers["Notes"] == "line 1\nline 2\n\nline 4"
    assert "evil@example.com" not in str(pairs)  # script content is not text
    assert len(pairs) == 6  # the layout table's rows (nested table, one-cell footer) are not pairs


def test_generic_table_to_response() -> None:
    response = parse_notification("New submission received.", GENERIC_HTML, [], INDEX)
    assert response.email == "ana@example.es"
    assert response.name == "Ana García"
    assert "response_id" not in response.fields  # absent stays absent
    assert response.problems == []


def test_unclosed_tags_and_implied_rows() -> None:
    html = "<table><tr><td>Email<td>bo@example.net<tr><td>Name<td>Bo &amp; Co<td>third cell"
    # The third cell makes the second row a 3-cell row, which is not a question/answer pair.
    assert pairs_from_html(html) == [("Email", "bo@example.net")]
    assert pairs_from_html("<table><td>Country</td><td>Malta</td></table>") == [("Country", "Malta")]


def test_nl2br_answer_is_one_break_per_line() -> None:
    # PHP's nl2br keeps the newline after each <br />; a blank line stays one blank line.
    html = "<table><tr><td>Field of work</td><td>Probation<br />\r\nTrainer<br />\n<br />\nMentor</td></tr></table>"
    assert pairs_from_html(html) == [("Field of work", "Probation\nTrainer\n\nMentor")]


def test_malformed_declaration_keeps_earlier_pairs() -> None:
    # html.parser raises AssertionError on an unknown marked section; we must not.
    html = (
        "<table><tr><td>Email</td><td>x@example.org</td></tr><![foo[ bar ]]><tr><td>Name</td><td>X</td></tr>"
    )
    assert pairs_from_html(html)[:1] == [("Email", "x@example.org")]


def test_no_table_no_pairs() -> None:
    assert pairs_from_html("<p>Email: x@example.org</p>") == []
    assert pairs_from_html("") == []


_FRAGMENTS = st.sampled_from(
    [
        "<table>",
        "</table>",
        "<tr>",
        "</tr>",
        "<td>",
        "</td>",
        "<th>",
        "<td colspan='2'>",
        "<td colspan=x>",
        "<thead>",
        "</tbody>",
        "<br>",
        "<br/>",
        "<p>",
        "</p>",
        "<li>",
        "<script>",
        "</script>",
        "<style>",
        "<![foo[",
        "<!--",
        "-->",
        "<!DOCTYPE html>",
        "&amp;",
        "&#0;",
        "\x01",
        "&#x110000;",
        "&bogus;",
        "<",
        ">",
        "\x00",
        "\r\n",
        "Email",
        "a@b.org",
        "<td",
        "<table class='printouttable'>",
        "</",
        "<?xml?>",
        "<![CDATA[",
        "]]>",
    ]
)


@settings(max_examples=300, deadline=None)
@given(st.text())
def test_pairs_from_html_never_raises_on_text(text: str) -> None:
    pairs = pairs_from_html(text)
    assert all(isinstance(q, str) and isinstance(a, str) and q for q, a in pairs)


@settings(max_examples=300, deadline=None)
@given(st.lists(st.one_of(_FRAGMENTS, st.text(max_size=5)), max_size=40))
def test_pairs_from_html_never_raises_on_tag_soup(parts: list[str]) -> None:
    pairs = pairs_from_html("".join(parts))
    assert all("\x00" not in q + a and "\x01" not in q + a for q, a in pairs)


# --- attachments ------------------------------------------------------------------------------


def test_csv_attachment_semicolon_cp1252() -> None:
    # German Excel: ';' delimiter, Windows line ends, cp1252 umlauts, a ';' inside a quoted cell.
    text = (
        "Response ID;E-Mail;Name;Organisation;Land;Bemerkung\r\n"
        '812;Jörg.Weiß@example.de;Jörg Weiß;Straffälligenhilfe Süd;Österreich;"Kommt gern; bringt Kollegin mit"\r\n'
    )
    responses = responses_from_attachment("antwort.csv", "text/csv", text.encode("cp1252"), INDEX)
    assert len(responses) == 1
    response = responses[0]
    assert response.email == "jörg.weiß@example.de"
    assert response.name == "Jörg Weiß"
    assert response.fields["organisation"] == "Straffälligenhilfe Süd"
    assert response.fields["response_id"] == "812"
    assert response.extra == {"Land": "Österreich", "Bemerkung": "Kommt gern; bringt Kollegin mit"}
    assert response.row == 2


def test_csv_attachment_utf8_bom_and_sep_hint() -> None:
    data = "\ufeffsep=,\nEmail,Name\nli@example.cn,李雷\n".encode()
    [response] = responses_from_attachment(None, "application/octet-stream; name=x.csv", data, INDEX) or [
        SurveyResponse()
    ]
    # No .csv filename and an octet-stream type: not recognisably CSV, so nothing is read.
    assert response.email is None
    [response] = responses_from_attachment("x.csv", "application/octet-stream", data, INDEX)
    assert (response.email, response.name) == ("li@example.cn", "李雷")


def test_tab_separated_utf16_attachment() -> None:
    # Excel's "Unicode text" export: UTF-16 with BOM, tab-separated.
    data = "Email address\tCountry\r\nmia@example.se\tSverige\r\n".encode("utf-16")
    [response] = responses_from_attachment("export.txt", "text/tab-separated-values", data, INDEX)
    assert response.email == "mia@example.se"
    assert response.fields["country"] == "Sverige"


def test_json_attachment_object_and_list() -> None:
    one = {"Email": "Tom@Example.net", "Name": "Tom", "Topics": ["Training", "Research"], "Consent": True}
    [response] = responses_from_attachment("r.json", "application/json", json.dumps(one).encode(), INDEX)
    assert response.email == "tom@example.net"
    assert response.extra == {"Topics": "Training\nResearch", "Consent": "true"}

    many = {"survey": "Call 2025", "count": 2, "responses": [one, {"Email": "not an address", "Name": "Eve"}]}
    responses = responses_from_attachment("r.json", "application/json", json.dumps(many).encode(), INDEX)
    assert [r.name for r in responses] == ["Tom", "Eve"]
    assert [r.row for r in responses] == [1, 2]
    assert responses[1].email is None
    assert responses[1].problems == ["email field is not a valid address: 'not an address'"]


def test_json_attachment_question_answer_list() -> None:
    document = {
        "id": 4711,
        "submitted": "2025-03-01T10:00:00Z",
        "answers": [
            {"question": "Your email", "answer": " sam@example.org "},
            {"question": "Full name", "answer": "Sam\r\nSmith"},
            {"question": "Field of work", "answer": None},
        ],
    }
    [response] = responses_from_attachment(
        "response.json", "application/vnd.tool+json", json.dumps(document).encode(), INDEX
    )
    assert response.email == "sam@example.org"
    assert response.fields["response_id"] == "4711"
    assert response.name == "Sam\nSmith"  # Windows newline collapsed, line kept
    assert response.fields["field"] == ""
    assert response.extra == {"submitted": "2025-03-01T10:00:00Z"}
    # A bare list of question/answer items is one response too.
    bare = json.dumps(document["answers"]).encode()
    assert [r.email for r in responses_from_attachment("a.json", "text/plain", bare, INDEX)] == [
        "sam@example.org"
    ]


def test_unreadable_or_foreign_attachments_give_nothing() -> None:
    assert responses_from_attachment("r.json", "application/json", b"{not json", INDEX) == []
    assert responses_from_attachment("cv.pdf", "application/pdf", b"%PDF-1.7", INDEX) == []
    assert responses_from_attachment("r.json", "application/json", b"[" * 100_000, INDEX) == []


# --- parse_notification -----------------------------------------------------------------------


def test_attachment_wins_over_text() -> None:
    text = "A new response was submitted.\nEmail: wrong@example.org\n"
    csv_data = b"Email,Name,Organisation,Country\nright@example.org,Rita,Org,Malta\n"
    response = parse_notification(text, None, [("r.csv", "text/csv", csv_data)], INDEX)
    assert response.email == "right@example.org"
    assert response.row == 2


def test_html_used_when_attachment_has_no_email() -> None:
    attachments = [
        ("r.json", "application/json", b'{"Name": "No Mail"}'),
        ("cv.pdf", "application/pdf", b"%PDF"),
    ]
    response = parse_notification("", limesurvey_html(), attachments, INDEX)
    assert response.email == "juergen.mueller@bewaehrungshilfe.example.de"


def test_text_fallback_and_problems_when_nothing_has_email() -> None:
    response = parse_notification("Name: Only Name\nCountry: Malta\n", "<p>no table</p>", [], INDEX)
    assert response.email is None
    assert response.name == "Only Name"
    assert "no email address field" in response.problems

    broken = [("r.json", "application/json", b"{oops")]
    response = parse_notification("Name: Only Name", None, broken, INDEX)
    assert any("attachment r.json unreadable" in p for p in response.problems)

    response = parse_notification("Email: ok@example.org", None, broken, INDEX)
    assert response.email == "ok@example.org"
    assert response.problems == []  # a broken extra attachment does not matter once we have an answer


def test_several_responses_in_one_notification_are_flagged() -> None:
    csv_data = b"Email;Name\n;Nobody\nfirst@example.org;First\nsecond@example.org;Second\n"
    response = parse_notification("", None, [("r.csv", "text/csv", csv_data)], INDEX)
    assert response.email == "first@example.org"
    assert response.problems == ["attachment r.csv holds 3 responses; used row 3"]


# --- exports ----------------------------------------------------------------------------------


def write_eusurvey_xlsx(path: Path) -> None:
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.title = "Content"
    sheet.append(["Working group on digital probation - call for participants"])
    sheet.append(["Export date", datetime(2025, 3, 10, 8, 0)])
    sheet.append([])
    sheet.append(
        ["Contribution ID", "User name", "Invitation number", "Creation date", "Last update", "Languages",
         "  E-MAIL  Address ", "Name", "Organisation", "Country", "Why do you want to take part?"]
    )  # fmt: skip
    sheet.append(
        ["5c1f0e7a-2b1d-4f3e-9a61-0d2c7e8f9a10", None, None, datetime(2025, 3, 1, 9, 30, 5),
         datetime(2025, 3, 1, 0, 0), "EN", "Pia@Example.AT", "Pia Example", "Neustart", "Austria",
         "Because\r\nwe run a pilot."]
    )  # fmt: skip
    sheet.append([None] * 11)  # an empty row left by a deleted contribution
    sheet.append(
        [4711.0, None, None, datetime(2025, 3, 2, 14, 0), None, "DE", "not-an-address", "Kai", 42, True, None]
    )  # fmt: skip
    summary = workbook.create_sheet("Summary", 0)  # a sheet before the answers
    summary.append(["Contributions", 2])
    workbook.save(path)


def test_xlsx_export_with_title_rows(tmp_path: Path) -> None:
    path = tmp_path / "Content_Export_call.xlsx"
    write_eusurvey_xlsx(path)
    responses = read_export(path, DEFAULT_FIELDS)
    assert len(responses) == 2  # title rows, header and the empty row are not responses
    pia, kai = responses
    assert pia.row == 5 and kai.row == 7  # the rows an organiser sees in the sheet
    assert pia.email == "pia@example.at"
    assert pia.fields["response_id"] == "5c1f0e7a-2b1d-4f3e-9a61-0d2c7e8f9a10"
    assert pia.extra["Creation date"] == "2025-03-01 09:30:05"
    assert pia.extra["Last update"] == "2025-03-01"  # a midnight datetime is a date
    assert pia.extra["Why do you want to take part?"] == "Because\nwe run a pilot."
    assert "User name" not in pia.extra  # empty cells add nothing
    assert pia.problems == []
    assert kai.fields["response_id"] == "4711"  # not "4711.0"
    assert kai.fields["organisation"] == "42"
    assert kai.fields["country"] == "TRUE"
    assert kai.email is None
    assert kai.problems == ["email field is not a valid address: 'not-an-address'"]


def test_xlsx_without_email_column_uses_first_row_as_header(tmp_path: Path) -> None:
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.append(["Name", "Country"])
    sheet.append(["Ola", "Norway"])
    path = tmp_path / "names.xlsx"
    workbook.save(path)
    [response] = read_export(path, DEFAULT_FIELDS)
    assert (response.name, response.fields["country"], response.row) == ("Ola", "Norway", 2)
    assert response.problems == ["no email address field"]


def test_csv_export_multiline_and_header_matching(tmp_path: Path) -> None:
    path = tmp_path / "results-survey482913.csv"
    path.write_bytes(
        b'"Response ID","Date submitted","  E-MAIL  Address ","Your name","What would you like to contribute?"\r\n'
        b'"1","2025-03-01 10:00:00","a@example.org","Alice","Line one\r\nLine two, with comma\r\n\r\nLine four"\r\n'
        b'"","","","",""\r\n'
        b'"3","2025-03-02 11:00:00","b@example.org","Bob","Short"\r\n'
    )
    alice, bob = read_export(path, DEFAULT_FIELDS)
    assert alice.email == "a@example.org"
    assert alice.extra["What would you like to contribute?"] == "Line one\nLine two, with comma\n\nLine four"
    # Rows count records, as a spreadsheet shows them, not physical lines of the file.
    assert (alice.row, bob.row) == (2, 4)
    assert bob.fields["response_id"] == "3"


def test_csv_export_title_rows_and_cp1252(tmp_path: Path) -> None:
    path = tmp_path / "export.csv"
    path.write_bytes(
        "Umfrage: Fachtag 2025\n\nKennung;Email;Name\n7;zoë@example.fr;Zoë Lefèvre\n".encode("cp1252")
    )
    [response] = read_export(path, DEFAULT_FIELDS)
    assert response.email == "zoë@example.fr"
    assert response.name == "Zoë Lefèvre"
    assert response.extra == {"Kennung": "7"}  # unconfigured ID label: kept, but not the response ID
    assert "response_id" not in response.fields
    assert response.row == 4


@pytest.mark.parametrize("name", ["answers.ods", "answers.xls", "answers"])
def test_unsupported_export_type(tmp_path: Path, name: str) -> None:
    path = tmp_path / name
    path.write_bytes(b"\xd0\xcf\x11\xe0 not something we read")
    with pytest.raises(ValueError, match="unsupported export type"):
        read_export(path, DEFAULT_FIELDS)


def test_corrupt_xlsx_is_a_value_error(tmp_path: Path) -> None:
    path = tmp_path / "broken.xlsx"
    path.write_bytes(b"PK\x03\x04 truncated")
    with pytest.raises(ValueError, match="not a readable XLSX"):
        read_export(path, DEFAULT_FIELDS)


# --- the existing API -------------------------------------------------------------------------


def test_existing_api_unchanged() -> None:
    response = survey.parse_text(
        "Email: X@Example.org\nName: X\nRemark: first line\nsecond line\n", DEFAULT_FIELDS
    )
    assert response.email == "x@example.org"
    assert response.extra == {"Remark": "first line\nsecond line"}
    assert response.row is None
    assert SurveyResponse().row is None
    pairs = survey.parse_label_lines("E-mail: y@example.org", INDEX)
    assert survey.from_pairs(pairs, INDEX).email == "y@example.org"
