import csv
import io

from rest_framework.renderers import BaseRenderer

from consultations.exports import text_cell


def flatten(row, prefix=""):
    """One CSV row from one API object: nested objects become dotted columns, lists of plain
    values one cell joined by semicolons; nested lists of objects (a hearing's segments) are
    left out, as they have their own list and CSV, and so are empty lists."""
    cells = {}
    for key, value in row.items():
        name = f"{prefix}{key}"
        if isinstance(value, dict):
            cells.update(flatten(value, prefix=f"{name}."))
        elif isinstance(value, list):
            if value and all(not isinstance(item, (dict, list)) for item in value):
                cells[name] = "; ".join(str(item) for item in value)
        elif isinstance(value, bool):
            cells[name] = "true" if value else "false"
        else:
            cells[name] = value
    return cells


class CSVRenderer(BaseRenderer):
    """`?format=csv` on any list or object: the same rows and filters as the JSON, one object a
    line, cells neutralised against formulas, UTF-8 with a byte order mark for spreadsheets."""

    media_type = "text/csv"
    format = "csv"
    charset = "utf-8"

    def render(self, data, accepted_media_type=None, renderer_context=None):
        if data is None:
            return b""
        rows = data.get("results", data) if isinstance(data, dict) else data
        if isinstance(rows, dict):
            rows = [rows]
        flat = [flatten(row) if isinstance(row, dict) else {"value": row} for row in rows]
        columns = list(dict.fromkeys(name for row in flat for name in row))
        buffer = io.StringIO()
        writer = csv.writer(buffer)
        writer.writerow(columns)
        for row in flat:
            writer.writerow([text_cell(row.get(name)) for name in columns])
        response = (renderer_context or {}).get("response")
        view = (renderer_context or {}).get("view")
        if response is not None and view is not None and response.status_code == 200:
            name = getattr(view, "basename", None) or "export"
            response["Content-Disposition"] = f'attachment; filename="{name}.csv"'
        return ("\ufeff" + buffer.getvalue()).encode(self.charset)
