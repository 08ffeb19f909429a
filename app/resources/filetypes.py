"""Which files the library accepts, decided by their content (magic bytes and, for the
zip-based office formats, what the archive holds), never by name or Content-Type alone."""

from __future__ import annotations

import re
import unicodedata
import zipfile
from dataclasses import dataclass
from pathlib import Path

MAX_ZIP_ENTRIES = 5_000
MAX_ZIP_UNCOMPRESSED = 200 * 1024 * 1024
MAX_ZIP_RATIO = 100


@dataclass(frozen=True)
class FileType:
    name: str
    extensions: tuple[str, ...]
    content_type: str
    extractable: bool


FILE_TYPES = {
    "pdf": FileType("pdf", (".pdf",), "application/pdf", True),
    "docx": FileType(
        "docx",
        (".docx",),
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        True,
    ),
    "pptx": FileType(
        "pptx",
        (".pptx",),
        "application/vnd.openxmlformats-officedocument.presentationml.presentation",
        True,
    ),
    "xlsx": FileType(
        "xlsx",
        (".xlsx",),
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        False,
    ),
    "odt": FileType("odt", (".odt",), "application/vnd.oasis.opendocument.text", True),
    "txt": FileType("txt", (".txt",), "text/plain; charset=utf-8", True),
    "csv": FileType("csv", (".csv",), "text/csv; charset=utf-8", True),
    "md": FileType("md", (".md", ".markdown"), "text/markdown; charset=utf-8", True),
    "png": FileType("png", (".png",), "image/png", False),
    "jpeg": FileType("jpeg", (".jpg", ".jpeg"), "image/jpeg", False),
    "gif": FileType("gif", (".gif",), "image/gif", False),
    "webp": FileType("webp", (".webp",), "image/webp", False),
}
IMAGE_TYPES = frozenset({"png", "jpeg", "gif", "webp"})
ALLOWED_EXTENSIONS = sorted(ext for kind in FILE_TYPES.values() for ext in kind.extensions)


class RejectedFile(Exception):
    """The file cannot be accepted; the message says why, for the uploader."""


def safe_filename(raw: str | None) -> str:
    """The uploader's name without folders or control characters, for display and for
    Content-Disposition; never used as a path."""
    name = (raw or "").replace("\\", "/").rsplit("/", 1)[-1]
    name = "".join(ch for ch in name if unicodedata.category(ch)[0] != "C")
    name = re.sub(r"\s+", " ", name).strip().strip(".")
    if not name:
        raise RejectedFile("The file has no usable name.")
    stem, dot, extension = name.rpartition(".")
    if len(name) > 150:
        name = (stem[: 140 - len(extension)] + dot + extension) if dot else name[:150]
    return name


def _zip_kind(path: Path) -> str:
    try:
        archive = zipfile.ZipFile(path)
    except zipfile.BadZipFile:
        raise RejectedFile("The file looks like a zip archive but is damaged.") from None
    with archive:
        entries = archive.infolist()
        if len(entries) > MAX_ZIP_ENTRIES:
            raise RejectedFile("The document holds too many parts to be safe to open.")
        total = sum(entry.file_size for entry in entries)
        packed = max(1, sum(entry.compress_size for entry in entries))
        if total > MAX_ZIP_UNCOMPRESSED or total / packed > MAX_ZIP_RATIO:
            raise RejectedFile(
                "The document expands to far more than its size (a zip bomb?), so it was "
                "not accepted."
            )
        names = {entry.filename for entry in entries}
        if "mimetype" in names:
            mimetype = archive.read("mimetype")[:100].strip()
            if mimetype == b"application/vnd.oasis.opendocument.text":
                return "odt"
        if "[Content_Types].xml" in names:
            if "word/document.xml" in names:
                return "docx"
            if "ppt/presentation.xml" in names:
                return "pptx"
            if "xl/workbook.xml" in names:
                return "xlsx"
    raise RejectedFile("This kind of archive is not accepted.")


def _is_text(path: Path) -> bool:
    with path.open("rb") as handle:
        sample = handle.read(1024 * 1024)
    if b"\x00" in sample:
        return False
    try:
        sample.decode("utf-8")
    except UnicodeDecodeError as error:
        # a multi-byte character cut by the sample's end is still text
        return error.start >= len(sample) - 3
    return True


def detect(path: Path) -> str:
    """The kind of file at ``path``, from its content."""
    with path.open("rb") as handle:
        head = handle.read(16)
    if head.startswith(b"%PDF-"):
        return "pdf"
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "png"
    if head.startswith(b"\xff\xd8\xff"):
        return "jpeg"
    if head.startswith((b"GIF87a", b"GIF89a")):
        return "gif"
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "webp"
    if head.startswith(b"PK\x03\x04"):
        return _zip_kind(path)
    if _is_text(path):
        return "text"
    raise RejectedFile(
        "This kind of file is not accepted. Upload PDF, Word (DOCX), PowerPoint (PPTX), "
        "Excel (XLSX), OpenDocument text (ODT), plain text, CSV, Markdown, PNG, JPEG, GIF or "
        "WebP."
    )


def check_upload(path: Path, filename: str) -> FileType:
    """The accepted type of an uploaded file, refusing content that contradicts its name."""
    extension = Path(filename).suffix.lower()
    if extension not in ALLOWED_EXTENSIONS:
        raise RejectedFile(
            f"Files ending {extension or '(no extension)'} are not accepted; allowed: "
            f"{', '.join(ALLOWED_EXTENSIONS)}."
        )
    kind = detect(path)
    if kind == "text":
        for name in ("txt", "csv", "md"):
            if extension in FILE_TYPES[name].extensions:
                return FILE_TYPES[name]
    file_type = FILE_TYPES[kind]
    if extension not in file_type.extensions:
        raise RejectedFile(
            f"The file is named {extension} but its content is {file_type.name.upper()}; "
            "rename it or upload the right file."
        )
    return file_type
