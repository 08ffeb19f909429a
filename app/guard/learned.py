"""The guard's learned reading: a linear model that scores a passage for "describes a
particular child or family", for the identifying writing that no pattern names (a child
known by a story, a look, a club, a parent's job and a town).

The rules (people.py, patterns*.py) find the forms they were written for; on writing they
had not seen they caught about nine texts in ten. The rest is told, not patterned, so this
reads the words around it instead: a passage becomes word n-grams over a normalised
form, where names, capitalised words, numbers and ages lose their spelling and keep their
shape ("the 0yo from <Cap> who ...", "<first> (00)"), so that it learns the framing, not
the names of one training set. Its weights are trained by scripts/train_guard_model.py
(scikit-learn's logistic regression, a dev dependency) from the labelled sets in
tests/data and written to data/child_described.json.gz; the portal reads only that file
and scores in plain Python (a dictionary lookup per feature, well under a millisecond a
sentence), with no model download and nothing to install.

A passage is a finding when its probability reaches the file's threshold; a short text
below its ``ordinary_below`` is plainly ordinary, and detection.check_text lets a weak rule
finding in it go. Both were chosen on texts held out of training (docs/anonymisation-
guard.md, "The learned reading"). A finding here is a weak one, so it never holds a
document on its own (detection.check_document).
"""

from __future__ import annotations

import gzip
import json
import math
import re
from collections.abc import Iterator
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from app.guard.names import english_words, first_names, is_surname

MODEL = Path(__file__).resolve().parent / "data" / "child_described.json.gz"

KIND = "child_described"
LABEL = "reads like a description of a particular child or family"

_TOKEN = re.compile(r"[^\W\d_]+(?:['’][^\W\d_]+)*|\d+[^\W\d_]*|[^\w\s]")
# A sentence ends at ., ! or ? before a space, or at a blank line; not after a title or an
# initial ("Dr.", "Glynn, M. Bewley, C." is one citation, not four sentences), nor at a
# single line break, which in text taken from a PDF is only where the column ended.
_SENTENCE_END = re.compile(
    r"(?<!\b[A-Z])(?<!\b[DM]r)(?<!\bMrs)(?<!\bMs)(?<!\bSt)(?<!\bal)[.!?]+(?=\s|$)"
    r"|\n[ \t]*\n"
)
_NGRAM_SIZES = (1, 2, 3)


def _digits_shape(token: str) -> str:
    """ "14" -> "00", "8yo" -> "0yo", "2019" -> "0000", "7654321" -> "00000+": the
    number's shape with any letters that follow it ("yo", "th", "am")."""
    digits = len(token) - len(token.lstrip("0123456789"))
    tail = token[digits:].lower()
    return ("00000+" if digits >= 5 else "0" * digits) + tail


def _word_shape(token: str, first_in_sentence: bool) -> str:
    """A word keeps its spelling in lower case, unless it is a name or a capitalised word
    that is not everyday English: those become their class, so "Freya" and "Oskar" read the
    same and the model never learns one training set's names or towns."""
    low = token.lower()
    capitalised = token[:1].isupper()
    if capitalised and token.isupper() and len(token) <= 3:
        return "<INI>" if len(token) <= 2 else low
    if capitalised and token.capitalize() in first_names() and not first_in_sentence:
        return "<first>"
    if capitalised and low not in english_words():
        if token.capitalize() in first_names():
            return "<first>"
        return "<sur>" if is_surname(token) else "<Cap>"
    return low


def shapes(sentence: str) -> list[str]:
    """The sentence's tokens as the model reads them."""
    out: list[str] = []
    starts_sentence = True
    for token in _TOKEN.findall(sentence):
        if token[0].isdigit():
            out.append(_digits_shape(token))
        elif token[0].isalpha():
            out.append(_word_shape(token, starts_sentence))
        else:
            out.append(token)
        starts_sentence = token in ".!?"
    return out


def features(text: str) -> list[str]:
    """Word 1- to 3-grams over the shapes, with the text's start and end marked (each
    counts once: the model was trained on their presence)."""
    return grams_of(shapes(text))


def grams_of(shaped: list[str]) -> list[str]:
    return inner_grams(["<s>", *shaped, "</s>"])


def inner_grams(tokens: list[str]) -> list[str]:
    """The n-grams that lie wholly inside ``tokens``."""
    return [
        " ".join(tokens[index : index + size])
        for size in _NGRAM_SIZES
        for index in range(len(tokens) - size + 1)
    ]


def crossing_grams(parts: list[list[str]]) -> set[str]:
    """The n-grams of the sentences ``parts`` read as one text that no single sentence
    holds: those that cross from one sentence to the next or touch the start and end marks
    (only a sentence's first and last few tokens can be part of one)."""
    edge = max(_NGRAM_SIZES) - 1
    sequence = ["<s>"]
    junctions = []
    for part in parts:
        junctions.append(len(sequence))
        sequence.extend(part if len(part) <= 2 * edge else [*part[:edge], *part[-edge:]])
    junctions.append(len(sequence))
    sequence.append("</s>")
    grams = {"<s>", "</s>"}
    for junction in junctions:
        for size in _NGRAM_SIZES:
            for index in range(max(0, junction - size + 1), junction):
                if index + size <= len(sequence):
                    grams.add(" ".join(sequence[index : index + size]))
    return grams


@dataclass(frozen=True)
class Weights:
    """The trained model: a passage whose probability reaches ``threshold`` describes a
    particular child; one below ``ordinary_below`` reads as plainly ordinary writing."""

    bias: float
    threshold: float
    ordinary_below: float
    weights: dict[str, float]

    def probability(self, text: str) -> float:
        return self._sigmoid(self.bias + self._sum(set(features(text))))

    def window_probability(self, parts: list[list[str]], inner: list[Inner]) -> float:
        """The probability of the sentences ``parts`` read as one text, as probability()
        gives it, from each sentence's weighted grams worked out once (``inner``): a
        sentence is read in up to six windows of a long post, so the sums are added and
        the grams two or three sentences share are taken out once (inclusion and
        exclusion), which keeps the learned reading cheap."""
        total = self.bias + sum(part.total for part in inner)
        sets = [part.grams for part in inner]
        for index, one in enumerate(sets):
            for other in sets[index + 1 :]:
                total -= self._sum(one & other)
        if len(sets) == 3:
            total += self._sum(sets[0] & sets[1] & sets[2])
        crossing = {
            gram
            for gram in crossing_grams(parts)
            if gram in self.weights and not any(gram in one for one in sets)
        }
        return self._sigmoid(total + self._sum(crossing))

    def inner(self, part: list[str]) -> Inner:
        grams = {gram for gram in inner_grams(part) if gram in self.weights}
        return Inner(grams, self._sum(grams))

    def _sum(self, grams: set[str]) -> float:
        return sum(self.weights.get(gram, 0.0) for gram in grams)

    @staticmethod
    def _sigmoid(total: float) -> float:
        return 1.0 / (1.0 + math.exp(-max(min(total, 30.0), -30.0)))


@dataclass(frozen=True)
class Inner:
    """A sentence's own grams that carry a weight, and their sum."""

    grams: set[str]
    total: float


@lru_cache(maxsize=1)
def model() -> Weights:
    with gzip.open(MODEL, "rt", encoding="utf-8") as handle:
        data = json.load(handle)
    return Weights(data["bias"], data["threshold"], data["ordinary_below"], data["weights"])


@dataclass(frozen=True)
class Reading:
    """A passage the model read, how likely it thinks it describes a particular child, and
    whether it is the whole (short) text, read as the model was trained."""

    start: int
    end: int
    probability: float
    whole: bool = False


def sentences(text: str) -> Iterator[tuple[int, int]]:
    """Each sentence's span, without the spaces around it."""
    ends = [match.end() for match in _SENTENCE_END.finditer(text)]
    for start, end in zip([0, *ends], [*ends, len(text)], strict=True):
        while start < end and text[start].isspace():
            start += 1
        while end > start and text[end - 1].isspace():
            end -= 1
        if end - start >= 3:
            yield start, end


WINDOW_CHARACTERS = 400
WINDOW_SENTENCES = 3


def windows(spans: list[tuple[int, int]]) -> Iterator[tuple[int, int]]:
    """What the model reads of a long text, as index ranges into ``spans`` (the
    sentences): each sentence alone and each run of two or three (a child is often
    described over two or three, and one told sentence among ordinary ones would be
    diluted by them), each run at most WINDOW_CHARACTERS long."""
    for first, (start, _end) in enumerate(spans):
        yield first, first + 1
        for last in range(first + 2, min(first + WINDOW_SENTENCES, len(spans)) + 1):
            if spans[last - 1][1] - start > WINDOW_CHARACTERS:
                break
            yield first, last


def read(text: str, reading: Weights | None = None) -> list[Reading]:
    """Every passage the model reads in ``text``, with its probability. A short text is read
    whole, as the model was trained (so "L.B. 09/11/2016" is not cut at its full stops); a
    long one in windows, each sentence shaped once however many windows it is read in."""
    reading = reading or model()
    stripped = text.strip()
    if len(stripped) < 3:
        return []
    if len(stripped) <= WINDOW_CHARACTERS:
        start = text.index(stripped)
        return [Reading(start, start + len(stripped), reading.probability(stripped), whole=True)]
    spans = list(sentences(text))
    shaped = [shapes(text[start:end]) for start, end in spans]
    inner = [reading.inner(part) for part in shaped]
    return [
        Reading(
            spans[first][0],
            spans[last - 1][1],
            reading.window_probability(shaped[first:last], inner[first:last]),
        )
        for first, last in windows(spans)
    ]
