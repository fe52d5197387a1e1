"""HTML question/answer tables → (question, answer) pairs, as survey tools mail them.

LimeSurvey's detailed admin notification, and the plain two-column tables other tools send,
hold one question and its answer per row. Only the standard library's HTML parser is used;
nothing here raises on tag soup, and nothing here knows what a question means (``survey``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from html.parser import HTMLParser

# Block elements put the text after them on a new line. <br> is handled apart because two
# of them in a row are a deliberate blank line, while nested blocks (<div><p>) are not.
_HEADINGS = {f"h{level}" for level in range(1, 7)}
_BLOCK_TAGS = frozenset(
    {"p", "div", "li", "ul", "ol", "dl", "dt", "dd", "pre", "blockquote", "hr", *_HEADINGS}
)
_HIDDEN_TAGS = frozenset({"script", "style", "template"})
_INLINE_SPACE = re.compile(r"[^\S\n]+")
_SOFT_BREAK = "\x00"  # a block boundary: one line break, however many blocks meet there
_SOFT_BREAKS = re.compile(r"\s*\x00[\x00\s]*")
_BR = "\x01"
# PHP's nl2br (seen in LimeSurvey notifications) writes "<br />" *and* keeps the newline;
# that is one line break, not two.
_BR_NEWLINE = re.compile(r"\x01[^\S\n]*\n?")
_MARKERS = str.maketrans("", "", _SOFT_BREAK + _BR)


@dataclass
class _Cell:
    header: bool
    colspan: int
    parts: list[str] = field(default_factory=list)
    has_table: bool = False  # a layout cell: its nested table is read on its own

    def text(self) -> str:
        joined = _BR_NEWLINE.sub("\n", "".join(self.parts))
        # Soft breaks keep the newlines around them (a blank line the source had), else make one.
        joined = _SOFT_BREAKS.sub(lambda m: "\n" * max(1, m.group().count("\n")), joined)
        lines = [line.strip() for line in joined.split("\n")]
        return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip()


@dataclass
class _Table:
    order: int  # document order of the opening tag; inner tables close before outer ones
    classes: frozenset[str]
    rows: list[list[_Cell]] = field(default_factory=list)
    row: list[_Cell] | None = None
    cell: _Cell | None = None
    in_thead: bool = False

    def close_cell(self) -> None:
        self.cell = None

    def close_row(self) -> None:
        self.cell = None
        if self.row is not None:
            self.rows.append(self.row)
            self.row = None

    def open_cell(self, header: bool, colspan: int) -> _Cell:
        if self.row is None:  # <td> without <tr>: browsers imply the row, so do we
            self.row = []
        cell = _Cell(header=header or self.in_thead, colspan=colspan)
        self.row.append(cell)
        self.cell = cell
        return cell


class _TableParser(HTMLParser):
    """Collects the tables of a document with the implied end tags a browser would supply."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.open: list[_Table] = []
        self.done: list[_Table] = []
        self.hidden = 0
        self.count = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _HIDDEN_TAGS:
            self.hidden += 1
            return
        top = self.open[-1] if self.open else None
        if tag == "table":
            if top is not None and top.cell is not None:
                top.cell.has_table = True
            classes = frozenset((dict(attrs).get("class") or "").lower().split())
            self.open.append(_Table(order=self.count, classes=classes))
            self.count += 1
        elif top is None:
            return
        elif tag == "tr":
            top.close_row()
            top.row = []
        elif tag in ("td", "th"):
            top.close_cell()
            top.open_cell(header=tag == "th", colspan=_colspan(attrs))
        elif tag == "thead":
            top.close_row()
            top.in_thead = True
        elif tag in ("tbody", "tfoot"):
            top.close_row()
            top.in_thead = False
        elif tag == "br":
            self._text(_BR)
        elif tag in _BLOCK_TAGS:
            self._text(_SOFT_BREAK)

    def handle_endtag(self, tag: str) -> None:
        if tag in _HIDDEN_TAGS:
            self.hidden = max(0, self.hidden - 1)
            return
        if not self.open:
            return
        top = self.open[-1]
        if tag == "table":
            self._finish(self.open.pop())
        elif tag == "tr":
            top.close_row()
        elif tag in ("td", "th"):
            top.close_cell()
        elif tag == "thead":
            top.close_row()
            top.in_thead = False
        elif tag in _BLOCK_TAGS:
            self._text(_SOFT_BREAK)

    def handle_data(self, data: str) -> None:
        if not self.hidden:
            self._text(
                data.translate(_MARKERS)
            )  # control characters mean nothing in HTML; they are our markers

    def _text(self, data: str) -> None:
        if self.open and self.open[-1].cell is not None:
            # Raw newlines are kept: LimeSurvey writes a multi-line answer HTML-escaped but
            # with its newlines as they were typed, not as <br>.
            data = data.replace("\r\n", "\n").replace("\r", "\n")
            self.open[-1].cell.parts.append(_INLINE_SPACE.sub(" ", data))

    def _finish(self, table: _Table) -> None:
        table.close_row()
        self.done.append(table)

    def finish(self) -> list[_Table]:
        while self.open:  # unclosed tables end with the document
            self._finish(self.open.pop())
        return sorted(self.done, key=lambda t: t.order)


def _colspan(attrs: list[tuple[str, str | None]]) -> int:
    for name, value in attrs:
        if name == "colspan" and value:
            digits = re.match(r"\s*(\d+)", value)
            if digits:
                return int(digits.group(1))
    return 1


def pairs_from_html(html: str) -> list[tuple[str, str]]:
    """Question/answer pairs from the two-column table(s) of an HTML notification.

    LimeSurvey's answer table (``class='printouttable'``) is preferred when present; else every
    two-cell row of every table counts. Group titles (one ``colspan`` cell), column-header rows
    (only ``<th>``) and rows that merely hold a nested layout table are skipped.
    """
    parser = _TableParser()
    try:
        parser.feed(html)
        parser.close()
    except AssertionError:
        # html.parser still asserts on some malformed declarations (``<![foo[``); keep what
        # was read before that point rather than lose the whole notification.
        pass
    tables = parser.finish()
    chosen = [t for t in tables if "printouttable" in t.classes] or tables
    pairs: list[tuple[str, str]] = []
    for table in chosen:
        for row in table.rows:
            if len(row) != 2 or any(c.has_table or c.colspan > 1 for c in row):
                continue
            if all(c.header for c in row):
                continue
            question = " ".join(row[0].text().split())
            if question:
                pairs.append((question, row[1].text()))
    return pairs


# --- CSV / JSON / XLSX -----------------------------------------------------------------------
