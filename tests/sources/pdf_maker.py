"""Write small real PDFs for tests: pages of text lines (Helvetica), headings in a larger size."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass
class Line:
    text: str
    size: float = 11.0
    x: float = 72.0


def _escape(text: str) -> str:
    return text.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")


def make_pdf(pages: list[list[Line | str]], *, title: str | None = None) -> bytes:
    """A PDF whose pages hold the given lines, top to bottom (a Line's x puts it in a column)."""
    objects: list[bytes] = []

    def add(body: bytes) -> int:
        objects.append(body)
        return len(objects)

    catalog = add(b"")  # filled in below
    pages_obj = add(b"")
    font = add(b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>")
    kids = []
    for lines in pages:
        ys: dict[float, float] = {}
        ops = []
        for item in lines:
            line = Line(item) if isinstance(item, str) else item
            y = ys.get(line.x, 740.0)
            ops.append(f"BT /F1 {line.size} Tf {line.x} {y} Td ({_escape(line.text)}) Tj ET")
            ys[line.x] = y - line.size * 1.5
        stream = "\n".join(ops).encode("latin-1")
        content = add(b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream")
        kids.append(
            add(
                f"<< /Type /Page /Parent {pages_obj} 0 R /MediaBox [0 0 612 792] "
                f"/Resources << /Font << /F1 {font} 0 R >> >> /Contents {content} 0 R >>".encode()
            )
        )
    objects[catalog - 1] = f"<< /Type /Catalog /Pages {pages_obj} 0 R >>".encode()
    kid_refs = " ".join(f"{k} 0 R" for k in kids)
    objects[pages_obj - 1] = f"<< /Type /Pages /Kids [{kid_refs}] /Count {len(kids)} >>".encode()
    info = add(f"<< /Title ({_escape(title)}) >>".encode()) if title else None
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += f"{number} 0 obj\n".encode() + body + b"\nendobj\n"
    xref = len(out)
    out += f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode()
    for offset in offsets:
        out += f"{offset:010d} 00000 n \n".encode()
    trailer = f"<< /Size {len(objects) + 1} /Root {catalog} 0 R"
    trailer += f" /Info {info} 0 R >>" if info else " >>"
    out += f"trailer\n{trailer}\nstartxref\n{xref}\n%%EOF\n".encode()
    return bytes(out)


def paper(pages: int = 3) -> bytes:
    """A short paper: a title, headings, and body text on every page."""
    body = (
        "Solar panels turn sunlight into electricity without moving parts.",
        "Their output depends on the angle of the sun and the temperature of the cells.",
        "Cleaning the glass twice a year keeps the yield close to its rated value.",
        "Batteries store the surplus of the afternoon for use in the evening.",
    )
    out: list[list[Line | str]] = []
    for n in range(1, pages + 1):
        lines: list[Line | str] = []
        if n == 1:
            lines.append(Line("How Solar Panels Work", size=20))
        lines.append(Line(f"Part {n} of the Story", size=15))
        lines.extend(f"{sentence} Page {n} says so." for sentence in body)
        out.append(lines)
    return make_pdf(out, title="How Solar Panels Work")
