"""Normalised and stemmed text, the same for what is indexed and for what is searched.

Meilisearch does not stem: "conference" does not find "conferences", "planning" does not
find "plan". Every document therefore carries a stemmed shadow of its prose fields
(``title_stem`` beside ``title``, and so on), written with the English Snowball stemmer
(PyStemmer, the maintained C binding of the Snowball project), and the query is sent as
its stems. A stem matches the exact field too when the word is its own stem ("group"), as
a prefix (the last word) or within typo tolerance ("famili" and "family"); the shadow
fields follow their exact twins in searchableAttributes, so such a match in the exact
field outranks a match found only through the shadow.

The typed words are not sent beside their stems: when a misspelt word and its stem both
matched the same indexed word only through typo tolerance, Meilisearch 1.21 highlighted
nothing, which broke the snippet marks and "did you mean"; on the judged set the extra
words changed no figure.

Normalisation (NFKC, so ligatures such as "ﬁ" become "fi"; lower case; a possessive "'s"
and other apostrophes removed; hyphens, commas and other punctuation turned into spaces)
is applied before stemming, and to synonyms, so "pre-proceedings", "children's" and
"education, health and care plan" meet their synonyms whatever punctuation they carry.
"""

from __future__ import annotations

import json
import re
import threading
import unicodedata
from functools import lru_cache

import Stemmer

from app.config import PROJECT_ROOT

BUILTIN_SYNONYMS = PROJECT_ROOT / "search" / "synonyms.json"

_WORD = re.compile(r"\w+", re.UNICODE)
_APOSTROPHES = str.maketrans({"\u2019": "'", "\u2018": "'", "\u02bc": "'", "`": "'"})
_POSSESSIVE = re.compile(r"(\w)'s\b")
# Plurals Snowball leaves alone, common in children's social work.
IRREGULAR_FORMS = {
    "children": "child",
    "grandchildren": "grandchild",
    "people": "person",
    "women": "woman",
    "men": "man",
}
_local = threading.local()


def _stemmer() -> Stemmer.Stemmer:
    """One stemmer per thread: a Snowball stemmer keeps state between calls."""
    stemmer = getattr(_local, "stemmer", None)
    if stemmer is None:
        stemmer = _local.stemmer = Stemmer.Stemmer("english")
    return stemmer


def words(text: str | None) -> list[str]:
    """The normalised words of ``text``."""
    if not text:
        return []
    text = unicodedata.normalize("NFKC", text).translate(_APOSTROPHES).lower()
    text = _POSSESSIVE.sub(r"\1", text).replace("'", "")
    return _WORD.findall(text)


def normalise(text: str | None) -> str:
    return " ".join(words(text))


@lru_cache(maxsize=50_000)
def stem(word: str) -> str:
    return str(_stemmer().stemWord(IRREGULAR_FORMS.get(word, word)))


def stemmed(text: str | None) -> str:
    """The stemmed shadow of ``text``: its normalised words, each replaced by its stem."""
    return " ".join(stem(word) for word in words(text))


@lru_cache(maxsize=1)
def acronym_expansions() -> dict[str, tuple[str, ...]]:
    """For each one-word term of a built-in synonym group (an acronym such as "nqsw"), the
    stemmed phrases of its group. Meilisearch matches a query phrase against synonyms only
    up to three words, so "newly qualified social worker" would never find "NQSW" through
    the synonym settings; written beside the acronym in the shadow field, it does."""
    groups = json.loads(BUILTIN_SYNONYMS.read_text(encoding="utf-8"))["groups"]
    expansions: dict[str, list[str]] = {}
    for group in groups:
        stems = [stemmed(term) for term in group]
        for term in stems:
            if term and " " not in term:
                phrases = [other for other in stems if " " in other]
                expansions.setdefault(term, []).extend(
                    p for p in phrases if p not in expansions.get(term, [])
                )
    return {term: tuple(phrases) for term, phrases in expansions.items() if phrases}


def indexed_stems(text: str | None) -> str:
    """The shadow field's text: the stems of ``text``, then the phrases of each built-in
    acronym it contains (once each)."""
    stems = [stem(word) for word in words(text)]
    expansions = acronym_expansions()
    extra = dict.fromkeys(phrase for root in stems for phrase in expansions.get(root, ()))
    return " ".join([*stems, *extra])


def query_text(q: str) -> str:
    """What is sent to Meilisearch for the member's query: its stems, in the member's order,
    each once, and a phrase in balanced double quotes kept as a phrase of stems. Any other
    punctuation, a stray quote and a leading "-" (Meilisearch's negation) are gone, so the
    query is plain words and phrases."""
    parts = q.split('"')
    if len(parts) % 2 == 0:  # an unbalanced quote: no phrase
        parts = [" ".join(parts)]
    pieces: list[str] = []
    for number, part in enumerate(parts):
        stems = [stem(word) for word in words(part)]
        if number % 2 and stems:
            pieces.append('"' + " ".join(stems) + '"')
        else:
            pieces += [root for root in dict.fromkeys(stems) if root not in pieces]
    return " ".join(pieces)


def synonym_variants(term: str) -> list[str]:
    """A synonym term as a query can meet it: normalised, and stemmed when that differs."""
    plain = normalise(term)
    variants = [plain] if plain else []
    root = stemmed(plain)
    if root and root not in variants:
        variants.append(root)
    return variants
