"""Words the general rule (app/guard/people.py) must not read as a person, whatever follows
them: a month or a weekday in a date ("16 Jan, 1-2pm", "Mon 9th, 9-10am"), a season before
"term" or "placements", a word before "families" ("Syrian families": many, not one), a
possessive pronoun ("Mine is 12"), a hyphenated compound of a common word
("Hunter-gatherer", "Rose-tinted"), a regulation's number ("reg 24"), a word after "a" or
"an" ("a blessing": an article makes it a common noun) and an everyday word after a linking
verb or "very" ("sounds harsh": an adjective).
"""

from __future__ import annotations

import re

from app.guard.names import english_words, is_first_name
from app.guard.people_cues import Token, number
from app.guard.people_words import ENGLISH_ENDING


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


MONTHS = _words(
    """jan feb mar apr jun jul aug sep sept oct nov dec january february march april may june
    july august september october november december"""
)
POSSESSIVE_PRONOUNS = frozenset({"mine", "yours", "ours", "hers", "theirs"})
# "reg 24", "para 3", "s 47": a numbered part of a law or a document.
NUMBERED_PARTS = frozenset({"reg", "regs", "para", "paras", "sch", "art", "s", "ss", "pt", "ch"})
# "sounds harsh", "very precious" ("so" and "really" also start a clause: "ok so jordan"):
# after a linking verb or an intensifier a word is an adjective.
BEFORE_AN_ADJECTIVE = _words(
    """sounds sound sounded seems seem seemed looks look looked feels feel felt very too
    quite rather"""
)
_TIME_OR_RANGE_AFTER_A_DAY = frozenset({",", ":", "-", "–", "am", "pm", "st", "nd", "rd", "th"})


WEEKDAYS = _words(
    """mon tue tues wed weds thu thur thurs fri sat sun monday tuesday wednesday thursday
    friday saturday sunday"""
)
# "Summer term placements", "Autumn school closures": a season, not a girl called Summer.
SEASONS = _words("spring summer autumn winter")
SEASON_NOUNS = _words(
    """term terms placement placements school schools holiday holidays half-term break camp
    programme programmes intake cohort session sessions timetable"""
)
GROUPS_OF_FAMILIES = _words("families communities households")
_DAY_OF_MONTH = re.compile(r"(?:[1-9]|[12]\d|3[01])(?:st|nd|rd|th)?")


def _a_weekday_date(tokens: list[Token], i: int) -> bool:
    """ "Mon 9th, 9-10am", "Tues 14th 2-4pm": a day of the week with its date."""
    if tokens[i].lower.rstrip(".") not in WEEKDAYS or i + 1 >= len(tokens):
        return False
    return _DAY_OF_MONTH.fullmatch(tokens[i + 1].lower) is not None


def _a_season(tokens: list[Token], i: int) -> bool:
    following = tokens[i + 1].lower if i + 1 < len(tokens) else ""
    return tokens[i].lower in SEASONS and following in SEASON_NOUNS


def _a_date(tokens: list[Token], i: int) -> bool:
    """ "16 Jan", "3 Mar, 2-4pm", "Jan 14, 10am": a month with its day is a date."""
    if _a_weekday_date(tokens, i) or _a_season(tokens, i):
        return True
    if tokens[i].lower.rstrip(".") not in MONTHS:
        return False
    day_before = i > 0 and tokens[i - 1].text.isdigit() and int(tokens[i - 1].text) <= 31
    if day_before:
        return True
    if i + 1 >= len(tokens) or not tokens[i + 1].text.isdigit():
        return False
    if i + 2 >= len(tokens):
        return True
    following = tokens[i + 2].lower
    return following in _TIME_OR_RANGE_AFTER_A_DAY or following[:1].isdigit()


def _common_compound(word: str) -> bool:
    """ "Hunter-gatherer", "Mother-in-law", "Rose-tinted": a hyphenated word whose other part is
    an everyday lower-case word and no name ("Lily-Mae", "Jo-Jo" stay names)."""
    if "-" not in word:
        return False
    parts = word.split("-")
    rest = [part for part in parts[1:] if part]
    return bool(rest) and all(
        part.islower()
        and (part in english_words() or ENGLISH_ENDING.search(part) is not None)
        and not is_first_name(part.capitalize())
        for part in rest
    )


def not_a_person(tokens: list[Token], first: int, last: int) -> bool:
    """The candidate from ``first`` to ``last`` is a date, a pronoun, a compound, a numbered
    part of a regulation or a common noun after an article, never a person."""
    token = tokens[first]
    low = token.lower
    if low in POSSESSIVE_PRONOUNS or _a_date(tokens, first) or _common_compound(token.text):
        return True
    if last + 1 < len(tokens) and tokens[last + 1].lower in GROUPS_OF_FAMILIES:
        return True  # "Roma families on the estate": a description of many, not one
    numbered = last + 1 < len(tokens) and number(tokens[last + 1]) is not None
    if low in NUMBERED_PARTS and numbered and (token.text.islower() or low != "reg"):
        return True
    if low == "reg" and numbered:
        sentence = " ".join(t.lower for t in tokens)
        return "regulation" in sentence or "regs" in sentence
    if first == 0 or not token.text.islower():
        return False
    previous = tokens[first - 1].lower
    adjective = previous in BEFORE_AN_ADJECTIVE and low in english_words()
    return adjective or previous in {"a", "an"}
