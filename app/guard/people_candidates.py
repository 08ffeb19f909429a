"""The general rule's first step (app/guard/people.py): the words that may be a person.

A first name from the gazetteer in any case, a full name (a first name and a listed
surname), a capitalised word the gazetteer does not know, a lower-case word no list knows,
a surname after Mr/Mrs/Ms or in "the X kids", initials, a single letter, a quoted nickname,
a word introduced as a name ("goes by spider"). Each is judged by people.py.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from app.guard.names import (
    NAMES_THAT_ARE_WORDS,
    NOT_NAMES,
    english_words,
    first_names,
    is_first_name,
    is_lower_case_first_name,
    is_surname,
)
from app.guard.people_cues import Token, number
from app.guard.people_grammar import (
    EVERYDAY_WORDS_AMONG_NAMES,
    NEVER_A_LOWER_CASE_NAME,
    NOT_BEFORE_A_PERSON,
    after_a_child_word,
    is_an_unknown_word,
    surname_after,
)
from app.guard.people_words import (
    ACRONYMS,
    ADJECTIVES,
    DETERMINERS,
    ENGLISH_ENDING,
    GROUP_NOUNS,
    INTRODUCING_OR_ADJECTIVE,
    INTRODUCING_PHRASES,
    LABEL_WORDS,
    NOT_A_SURNAME_LOWER,
    SURNAME_GROUPS,
    TITLES,
)
from app.guard.vocabulary import NOT_A_NAME

WORD_LIKE_NAMES = Path(__file__).resolve().parent / "data" / "word_like_names.txt"


@lru_cache(maxsize=1)
def word_like_names() -> frozenset[str]:
    """Gazetteer names that are everyday English words in lower case ("long", "hope",
    "james" too: wordfreq cannot tell), written by scripts/build_guard_names.py: in lower
    case they count as a name only right next to an age or a school year."""
    return frozenset(WORD_LIKE_NAMES.read_text(encoding="utf-8").split())


# --- candidates -----------------------------------------------------------------------------


@dataclass(frozen=True)
class Candidate:
    index: int  # first token
    last: int  # last token
    kind: str  # "name", "full", "surname", "initials", "letter", "nickname", "word_name", ...
    adjacent_only: bool  # a weak candidate: counts only with an age or year right after it


def _is_capitalised(word: str) -> bool:
    return word[:1].isupper() and word[1:2].islower()


def _name_candidate(tokens: list[Token], i: int) -> Candidate | None:
    """A person candidate at ``i``; a first name followed by a listed surname ("jade
    brennan", "Tomasz Wisniewski") is read as a full name."""
    candidate = _first_name_candidate(tokens, i)
    if candidate is None:
        introduced = introducing_phrase_before(tokens, i)
        word = tokens[i].bare
        if introduced == i - 1 and word.lower() in english_words():
            introduced = None  # "a named school", "a process called supervision"
        after_child = after_a_child_word(tokens, i)
        if (
            (introduced is not None or after_child)
            and word.isalpha()
            and (word.lower() not in DETERMINERS and word.lower() not in NOT_BEFORE_A_PERSON)
        ):
            # "kid goes by spider", "the one they call tink", "our yp sky, 17": a nickname
            # or a name no list holds, in any case.
            return Candidate(i, i, "nickname_word", adjacent_only=True)
        return None
    if candidate.kind in {"name", "word_name"} and surname_after(tokens, i):
        return Candidate(i, i + 1, "full", adjacent_only=False)
    return candidate


PLURAL_FAMILY_VERBS = frozenset(
    {"are", "were", "have", "had", "moved", "refuse", "refused", "wont", "won't", "never"}
)


def _a_word_name(low: str) -> bool:
    """A name that is also an everyday word ("grace", "honey", "angel"), not one that is only
    ever a word in practice writing ("will", "long")."""
    return low in NAMES_THAT_ARE_WORDS and low not in NEVER_A_LOWER_CASE_NAME


def _first_name_candidate(tokens: list[Token], i: int) -> Candidate | None:
    word = tokens[i].bare
    if not word or not word[0].isalpha():
        return None
    previous = tokens[i - 1].text if i else ""
    after_label_word = previous.lower() in LABEL_WORDS
    if _is_capitalised(word):
        if word in NOT_NAMES and _a_word_name(word.lower()):
            return Candidate(i, i, "word_name", adjacent_only=True)  # "Angel (11)"
        if word in NOT_A_NAME and word not in first_names():
            return None
        if is_first_name(word):
            return Candidate(i, i, "name", adjacent_only=False)
        head = word.split("-", 1)[0]
        if head in NOT_NAMES or head in NOT_A_NAME or after_label_word:
            return None
        # A capitalised word the gazetteer does not know: a name only with an age in
        # brackets or between commas right after it ("Ngozi (9)", "Kemi, 14,").
        return Candidate(i, i, "unknown", adjacent_only=True)
    if word.islower():
        head = word.split("-", 1)[0]
        if "-" not in word and _a_word_name(head):  # "lily-mae" is a name, "lily" a flower
            # "precious", "pat", "grace": a name only with a school year right after it or
            # with a relative's role and an age ("nan (pat, 67)").
            return Candidate(i, i, "word_name", adjacent_only=True)
        hyphenated = "-" in word and head.capitalize() in first_names()
        if not (hyphenated or is_lower_case_first_name(word)):
            if _could_be_an_unknown_name(word) or is_an_unknown_word(word):
                # A lower-case word the gazetteer does not know: a name only with an age
                # spelt out as one ("babajide (12yrs)", "tyreese, aged 16,").
                return Candidate(i, i, "lower_unknown", adjacent_only=True)
            return None
        word_like = head in word_like_names() and not hyphenated
        # "ryan", "sarah", "oscar": common enough to be frequent words, but names all the same.
        everyday = word_like and head in EVERYDAY_WORDS_AMONG_NAMES | NEVER_A_LOWER_CASE_NAME
        return Candidate(i, i, "name", adjacent_only=everyday)
    return None


def candidates(tokens: list[Token]) -> Iterator[Candidate]:
    count = len(tokens)
    for i, token in enumerate(tokens):
        low = token.lower
        # Mr/Mrs/Ms + a surname in any case ("mrs akhtar", "Mr Osei").
        if low.rstrip(".") in TITLES and i + 1 < count:
            j = i + 2 if tokens[i + 1].text == "." and i + 2 < count else i + 1
            surname = tokens[j].bare
            if _could_be_a_surname(surname):
                yield Candidate(i, j, "surname", adjacent_only=False)
            continue
        # the X kids / the X children / the X lot / the X twins.
        if low in {"all", "both"} and i + 2 < count and number(tokens[i + 1]) is not None:
            continue  # "all four Ward children": read from the word after the number
        if low in {"the", "all", "both", "four", "three", "two", "five", "six"} and i + 2 < count:
            surname = tokens[i + 1].bare
            group = tokens[i + 2].lower
            if group in SURNAME_GROUPS and _could_be_a_surname(surname):
                # "the private family": in lower case, "family" needs more context.
                weak = (
                    surname.islower()
                    and group in {"family", "families"}
                    and not is_surname(surname)
                )
                yield Candidate(i + 1, i + 2, "surname", adjacent_only=weak)
                continue
            # "the nowaks are back", "the ahmeds have moved": a listed surname in the plural.
            plural = tokens[i + 1].lower
            if (
                low == "the"
                and group in PLURAL_FAMILY_VERBS
                and plural.endswith("s")
                and is_surname(plural[:-1])
            ):
                yield Candidate(i + 1, i + 1, "plural_surname", adjacent_only=False)
                continue
        # "Kovalenko family - mum and 3 kids", "doherty kids": a listed surname, no "the".
        # "Syrian families in Leeds": a plural of families with no determiner is a statistic.
        grouped = i + 1 < count and tokens[i + 1].lower in SURNAME_GROUPS - {"families"}
        if (
            grouped
            and (i == 0 or tokens[i - 1].lower not in DETERMINERS)
            and is_surname(token.bare)
        ):
            yield Candidate(i, i + 1, "surname", adjacent_only=False)
            continue
        # Initials: "JK", "J.K." (two or three capitals, not an acronym).
        text = token.text
        if 2 <= len(text) <= 3 and text.isalpha() and text.isupper() and text not in ACRONYMS:
            yield Candidate(i, i, "initials", adjacent_only=True)
            continue
        # A single letter with an age between commas or brackets: "R, 7, came", "a lad, K, 15".
        if (
            len(text) == 1
            and text.isupper()
            and text not in {"I", "A"}
            and _a_letter_alone(tokens, i)
        ):
            yield Candidate(i, i, "letter", adjacent_only=True)
            continue
        # A quoted nickname: 'Tiny', "Spider".
        if token.text in "'‘\"“" and i + 2 < count and tokens[i + 2].text in "'’\"”":
            inner = tokens[i + 1].text
            if inner[:1].isalpha() and (len(inner) >= 2 or inner.isupper()):
                yield Candidate(i, i + 2, "nickname", adjacent_only=True)
                continue
        candidate = _name_candidate(tokens, i)
        if candidate is not None:
            yield candidate


def _a_letter_alone(tokens: list[Token], i: int) -> bool:
    """A letter standing for a child, not a label's letter ("Plan B", "Child R", "Appendix
    C"): at the start of the sentence or after a comma or a child word."""
    if i == 0:
        return True
    previous = tokens[i - 1]
    return previous.text in {",", "(", "-", ":"} or previous.lower in INTRODUCING_OR_ADJECTIVE


def _could_be_a_surname(word: str) -> bool:
    low = word.lower()
    if not word[:1].isalpha() or low in NOT_A_SURNAME_LOWER or low in ADJECTIVES:
        return False
    if word[:1].isupper():
        return not low.endswith(("ish", "ese", "ian", "ean"))
    return len(low) >= 3 and ENGLISH_ENDING.search(low) is None


def _could_be_an_unknown_name(word: str) -> bool:
    """Not an obvious English word by its shape: no plural -s, no English ending, not a
    word the guard already knows as ordinary."""
    return (
        word.isalpha()
        and len(word) >= 3
        and not word.endswith("s")
        and ENGLISH_ENDING.search(word) is None
        and word not in NOT_A_SURNAME_LOWER
        and word not in NAMES_THAT_ARE_WORDS
        and word not in GROUP_NOUNS
    )


_PHRASE_ENDS = frozenset(phrase[-1] for phrase in INTRODUCING_PHRASES)


def introducing_phrase_before(tokens: list[Token], first: int) -> int | None:
    """The index where an introducing phrase ends right before the name begins, or None."""
    if not first or tokens[first - 1].lower not in _PHRASE_ENDS:
        return None
    for phrase in INTRODUCING_PHRASES:
        start = first - len(phrase)
        if start >= 0 and tuple(t.lower for t in tokens[start:first]) == phrase:
            return start
    return None
