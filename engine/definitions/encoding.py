"""Reading a process file's bytes as text: by its byte-order mark or declared encoding, with a
safe fallback, so a file that says UTF-8 but holds a Latin-1 byte is read (with a problem
saying where), never a crash."""

import codecs
import re

from ..core.errors import ProcessProblem

DECLARED = re.compile(rb"^<\?xml[^>]*?encoding\s*=\s*[\"']([A-Za-z0-9._:-]+)[\"']")


def decode(data: bytes, file: str) -> tuple[str, list[ProcessProblem]]:
    """The text of ``data`` by its BOM or declared encoding (UTF-8 when it declares none); a
    file that is not in the encoding it declares is read as Windows-1252/Latin-1, with a
    problem naming the line of the first byte that did not fit. Never raises on bytes."""
    for bom, encoding in ((codecs.BOM_UTF8, "utf-8"), (codecs.BOM_UTF16_LE, "utf-16-le"),
                          (codecs.BOM_UTF16_BE, "utf-16-be")):
        if data.startswith(bom):
            try:
                return data[len(bom):].decode(encoding), []
            except UnicodeDecodeError:
                break
    found = DECLARED.match(data.lstrip()[:300])
    declared = found.group(1).decode("ascii").lower() if found else "utf-8"
    try:
        return data.decode(declared), []
    except LookupError:
        bad_line, reason = None, "an encoding Python does not know"
    except UnicodeDecodeError as err:
        bad_line, reason = data[:err.start].count(b"\n") + 1, None
    for fallback in ("cp1252", "latin-1"):
        try:
            text = data.decode(fallback)
        except UnicodeDecodeError:
            continue
        detail = (f"declares {declared} but line {bad_line} is not {declared}"
                  if reason is None else f"declares {declared}, {reason}")
        return text, [ProcessProblem(
            file, f"{detail}: read as {fallback}; check the accented letters, then save it "
                  "again (it is stored as UTF-8)", line=bad_line, code="import.encoding_fallback",
            extra={"declared": declared, "used": fallback})]
    raise AssertionError("latin-1 decodes every byte")  # pragma: no cover
