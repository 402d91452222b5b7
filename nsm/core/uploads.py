"""Uploaded files: their type read from their content, never trusted from the name alone, and the content checked
before anything keeps it.

Shared by every app that accepts files (evidence of progress, minutes of meetings). A Word or Excel file is a zip:
its directory is checked before anything is unpacked (how many parts, how large unpacked, how compressed), then its
real structure (`[Content_Types].xml`, `_rels/.rels` and the main part they name); a document with macros is refused.
A PDF that names JavaScript is refused. Every refusal is a sentence that says why and what to do.
"""

from __future__ import annotations

import re
import zipfile
import zlib
from collections.abc import Callable
from pyexpat import ExpatError, ParserCreate
from typing import IO, Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

CONTENT_TYPES = {
    "pdf": "application/pdf",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "jpg": "image/jpeg",
    "png": "image/png",
}

# The content type that [Content_Types].xml gives the main part, and the main part's root element (both namespaces:
# transitional and strict OOXML).
MAIN_PART_TYPES = {
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml": "docx",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml": "xlsx",
}
MAIN_ROOTS = {
    "docx": {
        "http://schemas.openxmlformats.org/wordprocessingml/2006/main document",
        "http://purl.oclc.org/ooxml/wordprocessingml/main document",
    },
    "xlsx": {
        "http://schemas.openxmlformats.org/spreadsheetml/2006/main workbook",
        "http://purl.oclc.org/ooxml/spreadsheetml/main workbook",
    },
}
OFFICE_DOCUMENT = "/officeDocument"  # the end of the relationship type that points at the main part
# Macros, in a part's name or in a content type (lower case): VBA projects, their data, Excel 4.0 macro sheets, and
# every macro-enabled document type (docm, dotm, xlsm, xltm, xlsb).
MACRO_MARKERS = ("vbaproject", "vbadata", "macrosheet", "macroenabled")
SMALL_PART_BYTES = 1024 * 1024  # [Content_Types].xml and _rels/.rels are a few kilobytes in any real document
RATIO_CHECKED_FROM_BYTES = 1024 * 1024  # a small part may compress well; a large one that does is a bomb
PDF_CHUNK_BYTES = 1024 * 1024
PDF_OVERLAP_BYTES = 64  # longer than any spelling of /JavaScript (#xx escapes included)
PDF_SCRIPT_NAMES = {b"JavaScript", b"JS"}
PDF_NAME = re.compile(rb"/(?:J|#4[aA])[^\s()<>\[\]{}/%]*")
PDF_ESCAPE = re.compile(rb"#([0-9A-Fa-f]{2})")


class _Refused(Exception):  # noqa: N818 - internal: turned into a ValidationError by sniff_type
    def __init__(self, message: str, code: str) -> None:
        super().__init__(message)
        self.message = message
        self.code = code


def sniff_type(upload: Any, *, field: str | None = None) -> str | None:
    """The file's type from its content (pdf, docx, xlsx, jpg, png), or None for anything else.

    A file of one of those types whose content is unsafe or broken (macros, a zip too large unpacked or too
    compressed, parts missing or not XML, JavaScript in a PDF) is refused: ValidationError with a sentence that says
    why, under `field` when given."""
    upload.seek(0)
    try:
        head = upload.read(8)
        upload.seek(0)
        if head.startswith(b"%PDF-"):
            _check_pdf(upload)
            return "pdf"
        if head.startswith(b"\x89PNG\r\n\x1a\n"):
            return "png"
        if head.startswith(b"\xff\xd8\xff"):
            return "jpg"
        if head.startswith(b"PK\x03\x04"):
            return _office_type(upload)
        return None
    except _Refused as refusal:
        error = ValidationError(refusal.message, code=refusal.code)
        raise (ValidationError({field: error}) if field else error) from None
    finally:
        upload.seek(0)


# --- PDF ---


def _check_pdf(upload: IO[bytes]) -> None:
    """Refuse a PDF that names JavaScript (`/JavaScript`, `/JS`, also written with #xx escapes), read in chunks.
    Names inside compressed object streams are not seen: this stops the plain case, not every case."""
    tail = b""
    while True:
        chunk = upload.read(PDF_CHUNK_BYTES)
        data = tail + chunk
        for match in PDF_NAME.finditer(data):
            if chunk and match.end() == len(data):
                continue  # may go on in the next chunk: seen whole there, in the overlap
            name = PDF_ESCAPE.sub(lambda escape: bytes([int(escape.group(1), 16)]), match.group()[1:])
            if name in PDF_SCRIPT_NAMES:
                raise _Refused(
                    _(
                        "The PDF contains JavaScript, which evidence may not carry: print it to a new PDF (or export "
                        "it again without scripts) and attach it again."
                    ),
                    "javascript",
                )
        if not chunk:
            return
        tail = data[-PDF_OVERLAP_BYTES:]


# --- Word and Excel (zip) ---


def _office_type(upload: IO[bytes]) -> str | None:
    try:
        with zipfile.ZipFile(upload) as archive:
            parts = archive.infolist()
            _check_bounds(parts)
            names = {part.filename.lower(): part for part in parts}
            if "[content_types].xml" not in names:
                return None  # a zip, but not a Word or Excel document
            hint = "xlsx" if any(name.startswith("xl/") for name in names) else "docx"
            if any(marker in name for name in names for marker in MACRO_MARKERS):
                raise _macros(hint)
            types = _content_types(archive, names["[content_types].xml"])
            if any(marker in content_type.lower() for content_type in types.values() for marker in MACRO_MARKERS):
                raise _macros(hint)
            main = _main_part(archive, names)
            declared = types.get(main) or types.get("." + main.rpartition(".")[2])
            if not declared:
                raise _broken(_("[Content_Types].xml does not say what its main part %(part)s is") % {"part": main})
            kind = MAIN_PART_TYPES.get(declared)
            if kind is None:
                return None  # another kind of Office file (a presentation, a template)
            if main not in names:
                raise _broken(_("it has no %(part)s") % {"part": main})
            if _root_element(archive, names[main]) not in MAIN_ROOTS[kind]:
                raise _broken(_("its main part %(part)s is not what [Content_Types].xml says it is") % {"part": main})
            return kind
    except (zipfile.BadZipFile, zipfile.LargeZipFile, NotImplementedError, EOFError, OSError, zlib.error):
        return None


def _check_bounds(parts: list[zipfile.ZipInfo]) -> None:
    """From the zip's directory, before anything is unpacked: the number of parts, their size unpacked, and how much
    each large part is compressed (a zip bomb unpacks a thousand times its size)."""
    if len(parts) > settings.EVIDENCE_MAX_MEMBERS:
        raise _Refused(
            _(
                "The file holds %(count)s parts; at most %(limit)s are accepted. Save it again from Word or Excel "
                "(or split it) and attach it again."
            )
            % {"count": f"{len(parts):,}", "limit": f"{settings.EVIDENCE_MAX_MEMBERS:,}"},
            "too_many_parts",
        )
    unpacked = sum(part.file_size for part in parts)
    limit = settings.EVIDENCE_MAX_UNPACKED_BYTES
    if unpacked > limit:
        raise _Refused(
            _(
                "The file unpacks to %(size)s MB; at most %(limit)s MB are accepted. Make it smaller (compress its "
                "pictures, or split it) and attach it again."
            )
            % {"size": f"{unpacked / 1024 / 1024:,.0f}", "limit": f"{limit // 1024 // 1024:,}"},
            "too_large_unpacked",
        )
    ratio = settings.EVIDENCE_MAX_COMPRESSION_RATIO
    for part in parts:
        if part.file_size >= RATIO_CHECKED_FROM_BYTES and part.file_size > ratio * max(part.compress_size, 1):
            raise _Refused(
                _(
                    "The part %(part)s of the file is compressed more than %(ratio)s times, as only a zip bomb is: "
                    "save the document again from Word or Excel and attach it again."
                )
                % {"part": part.filename[:100], "ratio": ratio},
                "compression_ratio",
            )


def _macros(kind: str) -> _Refused:
    return _Refused(
        _("The file contains macros: save it as .%(ext)s without macros and attach it again.") % {"ext": kind},
        "macros",
    )


def _broken(problem: str) -> _Refused:
    return _Refused(
        _(
            "The file is not a complete Word (docx) or Excel (xlsx) document: %(problem)s. Open it in Word or Excel, "
            "save it again and attach it again."
        )
        % {"problem": problem},
        "structure",
    )


def _content_types(archive: zipfile.ZipFile, part: zipfile.ZipInfo) -> dict[str, str]:
    """[Content_Types].xml: part name (lower case, without the leading /) or `.extension` -> content type."""
    types: dict[str, str] = {}

    def element(name: str, attributes: dict[str, str]) -> None:
        local = name.rpartition(" ")[2]
        if local == "Override" and "PartName" in attributes:
            types[attributes["PartName"].lstrip("/").lower()] = attributes.get("ContentType", "")
        elif local == "Default" and "Extension" in attributes:
            types["." + attributes["Extension"].lower()] = attributes.get("ContentType", "")

    _parse_small(archive, part, element)
    return types


def _main_part(archive: zipfile.ZipFile, names: dict[str, zipfile.ZipInfo]) -> str:
    """The main part's name (lower case), from the officeDocument relationship of _rels/.rels."""
    if "_rels/.rels" not in names:
        raise _broken(_("it has no %(part)s") % {"part": "_rels/.rels"})
    targets: list[str] = []

    def element(name: str, attributes: dict[str, str]) -> None:
        if (
            name.rpartition(" ")[2] == "Relationship"
            and attributes.get("Type", "").endswith(OFFICE_DOCUMENT)
            and attributes.get("TargetMode", "Internal") == "Internal"
        ):
            targets.append(attributes.get("Target", ""))

    _parse_small(archive, names["_rels/.rels"], element)
    if len(targets) != 1 or not targets[0].strip():
        raise _broken(_("%(part)s does not name one main part") % {"part": "_rels/.rels"})
    return re.sub(r"^(\./|/)+", "", targets[0].strip()).lower()


def _parse_small(
    archive: zipfile.ZipFile, part: zipfile.ZipInfo, element: Callable[[str, dict[str, str]], None]
) -> None:
    if part.file_size > SMALL_PART_BYTES:
        raise _broken(_("%(part)s is larger than any real one") % {"part": part.filename})
    with archive.open(part) as stream:
        if not _parse(stream, element):
            raise _broken(_("%(part)s is not well-formed XML") % {"part": part.filename})


class _Root(Exception):  # noqa: N818 - stops the parser at the first element
    pass


def _root_element(archive: zipfile.ZipFile, part: zipfile.ZipInfo) -> str:
    """The main part's root element as `namespace local-name`: only its beginning is read."""
    found: list[str] = []

    def element(name: str, attributes: dict[str, str]) -> None:
        found.append(name)
        raise _Root

    with archive.open(part) as stream:
        _parse(stream, element)
    return found[0] if found else ""


def _parse(stream: IO[bytes], element: Callable[[str, dict[str, str]], None]) -> bool:
    """Feed `stream` to expat, calling `element` at each start tag; False unless it is well-formed XML without a DTD
    (Office files never carry one, and entities declared in one are how XML bombs are made)."""
    parser = ParserCreate(namespace_separator=" ")

    def no_dtd(*args: object) -> None:
        raise ExpatError("DTD")

    parser.StartDoctypeDeclHandler = no_dtd
    parser.EntityDeclHandler = no_dtd
    parser.StartElementHandler = element
    try:
        while chunk := stream.read(64 * 1024):
            parser.Parse(chunk, False)
        parser.Parse(b"", True)
    except _Root:
        return True
    except (ExpatError, ValueError):
        return False
    return True
