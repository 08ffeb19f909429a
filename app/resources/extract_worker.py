"""Text extraction, run as its own process:
``python -m app.resources.extract_worker PATH KIND MEMORY_BYTES CPU_SECONDS``.

It prints one JSON object: {"text": ...} or {"error": ...}. It limits its own memory
and CPU time before it reads anything; the caps here bound how much it reads and writes.
"""

from __future__ import annotations

import json
import re
import resource
import sys
import unicodedata
import zipfile
from pathlib import Path

from defusedxml import ElementTree

MAX_PAGES = 300
MAX_CHARACTERS = 500_000
MAX_XML_BYTES = 20 * 1024 * 1024


class ExtractionError(Exception):
    pass


class _Collector:
    def __init__(self) -> None:
        self.parts: list[str] = []
        self.length = 0

    def add(self, text: str) -> bool:
        """Keep text until the cap; False once it is reached."""
        room = MAX_CHARACTERS - self.length
        if room <= 0:
            return False
        piece = text[:room]
        self.parts.append(piece)
        self.length += len(piece)
        return self.length < MAX_CHARACTERS

    def text(self) -> str:
        return "\n".join(part for part in self.parts if part.strip())


def _pdf(path: Path) -> str:
    from pypdf import PdfReader
    from pypdf.errors import PdfReadError

    try:
        reader = PdfReader(path, strict=False)
        if reader.is_encrypted:
            raise ExtractionError("the PDF is encrypted")
        collector = _Collector()
        for number, page in enumerate(reader.pages):
            if number >= MAX_PAGES or not collector.add(page.extract_text() or ""):
                break
        return collector.text()
    except ExtractionError:
        raise
    except (PdfReadError, ValueError, KeyError, TypeError, RecursionError) as error:
        raise ExtractionError(f"the PDF could not be read ({type(error).__name__})") from None


def _xml_text(archive: zipfile.ZipFile, name: str, tags: tuple[str, ...]) -> list[str]:
    info = archive.getinfo(name)
    if info.file_size > MAX_XML_BYTES:
        raise ExtractionError("a part of the document is too large to read")
    root = ElementTree.fromstring(archive.read(name))
    paragraphs = []
    for element in root.iter():
        if element.tag.rsplit("}", 1)[-1] in tags:
            text = "".join(element.itertext()).strip()
            if text:
                paragraphs.append(text)
    return paragraphs


def _office(path: Path, kind: str) -> str:
    collector = _Collector()
    try:
        with zipfile.ZipFile(path) as archive:
            if kind == "docx":
                parts = ["word/document.xml"]
                tags: tuple[str, ...] = ("p",)
            elif kind == "pptx":
                slides = [n for n in archive.namelist() if n.startswith("ppt/slides/slide")]
                parts = sorted(slides, key=lambda n: int("".join(filter(str.isdigit, n)) or 0))
                parts = parts[:MAX_PAGES]
                tags = ("p",)
            else:
                parts = ["content.xml"]
                tags = ("p", "h")
            for part in parts:
                for paragraph in _xml_text(archive, part, tags):
                    if not collector.add(paragraph):
                        return collector.text()
    except (zipfile.BadZipFile, KeyError) as error:
        raise ExtractionError(f"the document is damaged ({type(error).__name__})") from None
    except ElementTree.ParseError:
        raise ExtractionError("the document's text could not be parsed") from None
    except Exception as error:  # defusedxml refuses entities and bombs with its own errors
        raise ExtractionError(f"the document was refused ({type(error).__name__})") from None
    return collector.text()


def _plain(path: Path) -> str:
    with path.open("rb") as handle:
        data = handle.read(MAX_CHARACTERS * 4)
    return data.decode("utf-8", errors="replace")[:MAX_CHARACTERS]


_LINE_END_HYPHEN = re.compile(r"(\w+)-[ \t]*\n[ \t]*([a-z])")
# Words written with a hyphen of their own: broken at a line end, they keep it.
_COMPOUND_PREFIXES = frozenset(
    [
        "pre",
        "post",
        "multi",
        "non",
        "anti",
        "co",
        "self",
        "cross",
        "inter",
        "well",
        "ex",
        "semi",
        "sub",
        "step",
        "half",
        "mid",
        "long",
        "short",
        "high",
        "low",
        "young",
        "face",
    ]
)
_INVISIBLE = dict.fromkeys(map(ord, "\u00ad\u200b\u200c\u200d\u2060\ufeff"))
_SPACES = re.compile(r"[^\S\n]+")


def normalise_extracted(text: str) -> str:
    """Text as a reader sees it: NFKC (a ligature such as "ﬃ" becomes "ffi", full-width and
    other compatibility forms their plain letters), soft hyphens and zero-width characters
    removed, a word hyphenated at a line end joined ("diffi-\nculties"), runs of spaces
    made one. A compound keeps its hyphen on one line ("pre-\nproceedings" becomes
    "pre-proceedings"), as do numbers and a hyphen before a capital ("Anti-\nRacist")."""
    text = unicodedata.normalize("NFKC", text).translate(_INVISIBLE)
    text = _LINE_END_HYPHEN.sub(_join_hyphenated, text)
    return _SPACES.sub(" ", text)


def _join_hyphenated(match: re.Match[str]) -> str:
    first, rest = match[1], match[2]
    if first.isdigit() or first[-1].isdigit() or first.lower() in _COMPOUND_PREFIXES:
        return f"{first}-{rest}"
    return f"{first}{rest}"


def extract(path: Path, kind: str) -> str:
    if kind == "pdf":
        return normalise_extracted(_pdf(path))
    if kind in ("docx", "pptx", "odt"):
        return normalise_extracted(_office(path, kind))
    if kind in ("txt", "csv", "md"):
        return normalise_extracted(_plain(path))
    raise ExtractionError(f"no text is read from {kind} files")


def _limit_self(memory_bytes: int, cpu_seconds: int) -> None:
    resource.setrlimit(resource.RLIMIT_AS, (memory_bytes, memory_bytes))
    resource.setrlimit(resource.RLIMIT_CPU, (cpu_seconds, cpu_seconds))
    resource.setrlimit(resource.RLIMIT_FSIZE, (0, 0))


def main() -> int:
    path, kind = Path(sys.argv[1]), sys.argv[2]
    _limit_self(int(sys.argv[3]), int(sys.argv[4]))
    sys.setrecursionlimit(5000)
    try:
        result = {"text": extract(path, kind)}
    except ExtractionError as error:
        result = {"error": str(error)}
    except MemoryError:
        result = {"error": "reading the file needed too much memory"}
    sys.stdout.write(json.dumps(result))
    return 0


if __name__ == "__main__":
    sys.exit(main())
