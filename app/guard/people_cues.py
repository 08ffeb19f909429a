"""Where the general rule (app/guard/people.py) looks for a cue beside a candidate: an age, a
school year, a place or a word from one of the lists, within a few tokens of the name."""

from __future__ import annotations

import re
from dataclasses import dataclass

from app.guard.people_words import (
    AGE_LEADS,
    AGE_UNITS,
    AGE_WITH_UNIT,
    AT_WORDS,
    CAPITALISED_STREET_WORDS,
    NOT_A_YEAR_GROUP_AFTER,
    NOT_AGE_YEARS,
    NOT_AN_AGE_AFTER,
    NUMBER_WORDS,
    POSSESSIVE,
    STREET_WORDS,
    YEAR_WORDS,
)


@dataclass(slots=True)
class Token:
    text: str
    start: int
    end: int
    lower: str = ""

    def __post_init__(self) -> None:
        self.lower = self.text.lower()

    @property
    def bare(self) -> str:
        """The word without a possessive ("ewa's" -> "ewa")."""
        if self.text[-1:] in "'’s":
            return POSSESSIVE.sub("", self.text)
        return self.text


def number(token: Token) -> int | None:
    if token.text.isdigit() and len(token.text) <= 2:
        return int(token.text)
    if (with_unit := AGE_WITH_UNIT.fullmatch(token.lower)) is not None:
        return int(with_unit.group(1))
    return NUMBER_WORDS.get(token.lower)


def age_after(tokens: list[Token], last: int, limit: int, adult: bool) -> int | None:
    """The index of the last token of an age written within a few tokens after ``last``
    ("tomasz, 14", "eoin (15)", "aged thirteen", "is 16", "turning 16", "14yo"), or None."""
    ceiling = 99 if adult else 19
    count = len(tokens)
    words = 0
    j = last + 1
    previous = tokens[last]
    while j < count and words <= limit:
        token = tokens[j]
        value = number(token)
        if value is not None:
            if value > ceiling or previous.text in {"£", "$", "€", "#"}:
                return None
            if previous.lower in YEAR_WORDS or previous.lower in {"p", "level", "step"}:
                return None  # a school year or a level, not an age
            following = tokens[j + 1].lower if j + 1 < count else ""
            if _a_baby_age(tokens, j, previous):
                return j + 1  # "theo's only 5 weeks", "Harlow, 7 weeks,"
            if following in NOT_AN_AGE_AFTER or following in {"-", "–", ":", "%"}:
                if following in {"-", "–"} and j + 2 < count and number(tokens[j + 2]):
                    return None
                if following not in {"-", "–"}:
                    return None
            if following == "and" and j + 2 < count and tokens[j + 2].lower == "over":
                return None
            shaped = (
                previous.text in {"(", ",", "-", "–", "—"}
                or previous.lower in AGE_LEADS
                or following in AGE_UNITS
                or following in {")", ",", "-", "–"}
                or j == last + 1
            )
            if not shaped:
                return None
            spans = following in AGE_UNITS and following not in {"yo", "y/o", "yoa"}
            if spans and j + 2 < count and tokens[j + 2].lower in NOT_AGE_YEARS:
                return None  # "14 years ago", "20 years experience"
            end = j + 1 if following in AGE_UNITS else j
            if end + 1 < count and tokens[end + 1].lower == "old":
                end += 1
            return end
        # "14yo", "15yrs", "4y/o"
        if token.text[:1].isdigit() and AGE_WITH_UNIT.fullmatch(token.lower):
            return j
        if token.text in {"(", ",", "-", "–", "—", "&"} or token.lower == "and":
            previous = token
            j += 1
            continue
        if token.lower in AGE_LEADS:
            previous = token
            j += 1
            continue
        previous = token
        words += 1
        j += 1
    return None


BABY_UNITS = frozenset({"weeks", "months", "wks", "mths", "week", "month"})


def _a_baby_age(tokens: list[Token], j: int, previous: Token) -> bool:
    """A baby's age in weeks or months right after a name ("theo's only 5 weeks", "Harlow, 7
    weeks,"), not a time span ("Sam is 6 weeks into her ASYE", "back in 3 weeks")."""
    count = len(tokens)
    if j + 1 >= count or tokens[j + 1].lower not in BABY_UNITS or (number(tokens[j]) or 99) > 24:
        return False
    if previous.text not in {"(", ","} and previous.lower not in {"only", "just", "aged", "is"}:
        return False
    after = tokens[j + 2].lower if j + 2 < count else ""
    return after in {"old", ")", ",", "", "but", "and", "."}


def _school_class_in_brackets(tokens: list[Token], j: int) -> bool:
    """ "(reception class)", "(in nursery)"; not "Sue (reception)", a colleague's desk."""
    following = tokens[j + 1].lower if j + 1 < len(tokens) else ""
    if tokens[j - 1].text == "(":
        return following == "class"
    return tokens[j - 1].lower == "in" and j >= 2 and tokens[j - 2].text == "("


def year_group_after(tokens: list[Token], last: int) -> int | None:
    """ "Zofia (year 8)", "precious is y10", "in yr 9", "(y6)": the year group's last token."""
    count = len(tokens)
    for j in range(last + 1, min(last + 5, count)):
        low = tokens[j].lower
        if low in {"reception", "nursery"} and _school_class_in_brackets(tokens, j):
            return j  # "Amelia (reception class)", "Theo (in nursery)"
        if re.fullmatch(r"(?:y|yr|year)(?:1[0-3]|[1-9])", low) or re.fullmatch(r"p[1-7]", low):
            following = tokens[j + 1].lower if j + 1 < count else ""
            return None if following in NOT_A_YEAR_GROUP_AFTER else j
        if low in YEAR_WORDS and j + 1 < count:
            value = number(tokens[j + 1])
            following = tokens[j + 2].lower if j + 2 < count else ""
            if value is not None and 1 <= value <= 13 and following not in NOT_A_YEAR_GROUP_AFTER:
                return j + 1
            return None
        if low not in {"(", ",", "is", "in", "-", "now", "was", "who's", "whos"}:
            return None
    return None


def place_after(tokens: list[Token], last: int, words: frozenset[str]) -> int | None:
    """ "at st joseph's primary", "on Ashton Lane", "from the gipton estate": a preposition
    within a few words after the person, then a place ending in one of ``words``."""
    count = len(tokens)
    for j in range(last + 1, min(last + 7, count)):
        if tokens[j].lower in AT_WORDS or tokens[j].lower in {"goes", "lives", "living"}:
            for k in range(j + 1, min(j + 6, count)):
                low = tokens[k].lower.rstrip("'’")
                if low in words or (
                    words is STREET_WORDS and tokens[k].text in CAPITALISED_STREET_WORDS
                ):
                    return k
                if tokens[k].text in {",", ";", "(", ")"} or tokens[k].lower in {
                    "and",
                    "but",
                    "with",
                }:
                    break
    return None


def word_near(tokens: list[Token], first: int, last: int, words: frozenset[str], span: int) -> int:
    """The index of a token in ``words`` within ``span`` tokens of the candidate, or -1."""
    for j in range(max(0, first - span), min(len(tokens), last + span + 1)):
        if first <= j <= last:
            continue
        if tokens[j].lower in words:
            return j
    return -1


def word_after(tokens: list[Token], last: int, words: frozenset[str], span: int) -> int:
    for j in range(last + 1, min(len(tokens), last + span + 1)):
        if tokens[j].lower in words:
            return j
    return -1


def bracketed_age_after(tokens: list[Token], last: int, spelt_out: bool = False) -> int | None:
    """ "(9)", "(aged 9)", ", 14," right after the word: the age's last token. With
    ``spelt_out`` the age must say it is one ("aged 9", "9yrs", "9 yo")."""
    count = len(tokens)
    j = last + 1
    if j >= count or tokens[j].text not in {"(", ","}:
        return None
    opening = tokens[j].text
    j += 1
    said = False
    if j < count and tokens[j].lower in {"aged", "age"}:
        j += 1
        said = True
    if j >= count or number(tokens[j]) is None or number(tokens[j]) > 19:
        return None
    said = said or AGE_WITH_UNIT.fullmatch(tokens[j].lower) is not None
    if j + 1 < count and tokens[j + 1].lower in AGE_UNITS:
        j += 1
        said = True
    if spelt_out and not said:
        return None
    closing = tokens[j + 1].text if j + 1 < count else ""
    if (opening, closing) == ("(", ")") or (opening == "," and closing in {",", ""}):
        return j
    return None
