#!/usr/bin/python3
"""Reads an xlsx or docx file that `seedforge generate` wrote with independent
readers (openpyxl, python-docx; Debian's python3-openpyxl and python3-docx)
and compares every cell with the CSV output of the same run.

    check_office.py xlsx FILE CSV_DIR LAYOUT.json [ROWS_PER_SHEET]
    check_office.py docx FILE CSV_DIR LAYOUT.json

LAYOUT.json lists the entities in output order, each with its columns and
their value kinds (seedforge's ValueKindName) and decimal scales:
    [{"name": "...", "columns": [...], "kinds": [...], "scales": [...]}, ...]

The rules checked are those of docs/output-formats.md. Exits 0 when every
cell agrees, 1 with the first disagreements printed otherwise.
"""
import csv
import datetime
import json
import re
import sys

MAX_EXACT = 999_999_999_999_999  # 15 digits: beyond, numbers are text
FIRST_EXCEL_DAY = datetime.date(1900, 3, 1)
EXCEL_ESCAPE = re.compile(r"_x([0-9A-Fa-f]{4})_")
XML_INVALID = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")

failures = []


def fail(where, message):
    failures.append(f"{where}: {message}")
    if len(failures) >= 20:
        report()


def report():
    for f in failures:
        print(f)
    sys.exit(1 if failures else 0)


def read_csv(csv_dir, name):
    with open(f"{csv_dir}/{name}.csv", newline="", encoding="utf-8") as f:
        rows = list(csv.reader(f))
    return rows[0], rows[1:]


def parse_timestamp(text):
    fmt = "%Y-%m-%d %H:%M:%S.%f" if "." in text else "%Y-%m-%d %H:%M:%S"
    return datetime.datetime.strptime(text, fmt)


def is_number(cell):
    return isinstance(cell, (int, float)) and not isinstance(cell, bool)


def check_xlsx_cell(where, kind, scale, text, cell, number_format):
    """One cell against its CSV field (text); '' is NULL or the empty string."""
    if text == "":
        if cell is not None:
            fail(where, f"expected an empty cell, got {cell!r}")
        return
    if kind == "integer":
        if abs(int(text)) <= MAX_EXACT:
            if not is_number(cell) or cell != int(text) or number_format != "0":
                fail(where, f"expected the number {text} (format 0), got {cell!r} ({number_format})")
        elif cell != text:
            fail(where, f"expected the text {text} (beyond 15 digits), got {cell!r}")
    elif kind == "decimal":
        unscaled = text.lstrip("-").replace(".", "").lstrip("0")
        if len(unscaled) <= 15:
            expected_format = "0" + ("." + "0" * min(scale, 30) if scale > 0 else "")
            if not is_number(cell) or cell != float(text) or number_format != expected_format:
                fail(where, f"expected the number {text} ({expected_format}), got {cell!r} ({number_format})")
        elif cell != text:
            fail(where, f"expected the text {text} (beyond 15 digits), got {cell!r}")
    elif kind == "float":
        value = float(text)
        if value != value or value in (float("inf"), float("-inf")):
            if cell != text:
                fail(where, f"expected the text {text}, got {cell!r}")
        # libxlsxwriter writes 16 significant digits (%.16G): a double that
        # needs 17 is within half a unit of the 16th (docs/output-formats.md).
        elif not is_number(cell) or abs(cell - value) > abs(value) * 5e-16:
            fail(where, f"expected the number {text}, got {cell!r}")
    elif kind == "boolean":
        if not isinstance(cell, bool) or cell != (text == "true"):
            fail(where, f"expected the boolean {text}, got {cell!r}")
    elif kind == "date":
        day = datetime.date.fromisoformat(text)
        if day >= FIRST_EXCEL_DAY:
            if (not isinstance(cell, datetime.datetime) or cell.date() != day or cell.time() != datetime.time()
                    or number_format != "yyyy-mm-dd"):
                fail(where, f"expected the date {text}, got {cell!r} ({number_format})")
        elif cell != text:
            fail(where, f"expected the text {text} (before 1900-03-01), got {cell!r}")
    elif kind == "timestamp":
        moment = parse_timestamp(text)
        if moment.date() >= FIRST_EXCEL_DAY:
            # openpyxl rounds date-times to the millisecond; seconds are exact.
            ok = isinstance(cell, datetime.datetime) and number_format == "yyyy-mm-dd hh:mm:ss"
            if ok and moment.microsecond == 0:
                ok = cell == moment
            elif ok:
                ok = abs(cell - moment) <= datetime.timedelta(milliseconds=1)
            if not ok:
                fail(where, f"expected the date-time {text}, got {cell!r} ({number_format})")
        elif cell != text:
            fail(where, f"expected the text {text} (before 1900-03-01), got {cell!r}")
    else:  # text, uuid
        # Control characters but tab and line feed are Excel's _xHHHH_
        # escapes in the file, which Excel reads as the character and
        # openpyxl 3.0 leaves as they are (docs/output-formats.md).
        if isinstance(cell, str):
            cell = EXCEL_ESCAPE.sub(lambda m: chr(int(m.group(1), 16)), cell)
        if cell != text:
            fail(where, f"expected the text {text!r}, got {cell!r}")


def check_xlsx(path, csv_dir, layout, rows_per_sheet):
    import openpyxl

    workbook = openpyxl.load_workbook(path)  # not read_only: freeze panes and fonts
    sheets = list(workbook.worksheets)
    s = 0
    for entity in layout:
        header, rows = read_csv(csv_dir, entity["name"])
        if header != entity["columns"]:
            fail(entity["name"], f"CSV header {header} is not the layout's {entity['columns']}")
        parts = max(1, -(-len(rows) // rows_per_sheet))
        for part in range(parts):
            if s >= len(sheets):
                fail(entity["name"], f"sheet {part + 1} missing")
                report()
            sheet = sheets[s]
            s += 1
            chunk = rows[part * rows_per_sheet:(part + 1) * rows_per_sheet]
            expected_title = entity["name"][:31] if part == 0 else None
            if expected_title is not None and len(entity["name"]) <= 31 and sheet.title != expected_title:
                fail(sheet.title, f"expected the sheet {expected_title}")
            if part > 0 and not sheet.title.endswith(f" ({part + 1})"):
                fail(sheet.title, f"expected part {part + 1} of {entity['name']}")
            if sheet.freeze_panes != "A2":
                fail(sheet.title, f"header row not frozen (freeze_panes {sheet.freeze_panes})")
            values = list(sheet.iter_rows(values_only=False))
            if len(values) != len(chunk) + 1:
                fail(sheet.title, f"{len(values) - 1} data rows, expected {len(chunk)}")
                continue
            for c, cell in enumerate(values[0]):
                if cell.value != header[c] or not cell.font.b:
                    fail(f"{sheet.title}!{cell.coordinate}", f"header {cell.value!r} (bold {cell.font.b}), "
                         f"expected bold {header[c]!r}")
            for r, row in enumerate(chunk):
                cells = values[r + 1]
                if len(cells) != len(row):
                    fail(f"{sheet.title} row {r + 2}", f"{len(cells)} cells, expected {len(row)}")
                    continue
                for c, text in enumerate(row):
                    cell = cells[c]
                    check_xlsx_cell(f"{sheet.title}!{cell.coordinate} ({header[c]})", entity["kinds"][c],
                                    entity["scales"][c], text, cell.value, cell.number_format)
    if s != len(sheets):
        fail(path, f"{len(sheets)} sheets, expected {s}")


def docx_text(text):
    """What a docx cell shows of a CSV field: line breaks as \\n, characters
    XML cannot hold as U+FFFD."""
    return XML_INVALID.sub("\ufffd", text.replace("\r\n", "\n").replace("\r", "\n"))


def check_docx(path, csv_dir, layout):
    import docx
    from docx.table import _Cell

    document = docx.Document(path)
    headings = [p.text for p in document.paragraphs if p.style.name == "Heading 1"]
    if headings != [e["name"] for e in layout]:
        fail(path, f"headings {headings}, expected the entities {[e['name'] for e in layout]}")
    if len(document.tables) != len(layout):
        fail(path, f"{len(document.tables)} tables, expected {len(layout)}")
        report()
    for entity, table in zip(layout, document.tables):
        header, rows = read_csv(csv_dir, entity["name"])
        if len(table.rows) != len(rows) + 1:
            fail(entity["name"], f"{len(table.rows) - 1} rows, expected {len(rows)}")
            continue
        # Row by row through the row's own cells: Table.rows[i].cells lays out
        # the whole table each time (quadratic in the rows).
        for r, tr in enumerate(table._tbl.tr_lst):
            texts = [_Cell(tc, table).text for tc in tr.tc_lst]
            expected = header if r == 0 else [docx_text(t) for t in rows[r - 1]]
            if texts != expected:
                fail(f"{entity['name']} row {r}", f"{texts} != {expected}")
        if not table.rows[0]._tr.trPr or table.rows[0]._tr.trPr.find(
                "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}tblHeader") is None:
            fail(entity["name"], "the first row is not a header row")


def main():
    mode, path, csv_dir, layout_path = sys.argv[1:5]
    with open(layout_path, encoding="utf-8") as f:
        layout = json.load(f)
    if mode == "xlsx":
        rows_per_sheet = int(sys.argv[5]) if len(sys.argv) > 5 else 1_048_575
        check_xlsx(path, csv_dir, layout, rows_per_sheet)
    elif mode == "docx":
        check_docx(path, csv_dir, layout)
    else:
        sys.exit(f"unknown mode {mode}")
    cells = 0
    for entity in layout:
        _, rows = read_csv(csv_dir, entity["name"])
        cells += len(rows) * len(entity["columns"])
    if not failures:
        print(f"ok: {cells} cells of {len(layout)} entities agree with the CSV")
    report()


if __name__ == "__main__":
    main()
