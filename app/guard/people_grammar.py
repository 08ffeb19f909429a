"""What the general rule (app/guard/people.py) reads beyond the words right next to a name:
the grammar that says a lower-case word is a person, and a child's context anywhere in the
sentence.

Practitioners write names in lower case ("grace is 6", "precious from the estate"), leave
the age or the event to a later clause ("i spoke to jessica ... she is only 13") and use
names no list holds ("Yusra 15 refuses"). Each reading here asks for the grammar of a person
(an age right after the word, a verb a person does, "called", "my lad") and never takes a
word on its own.
"""

from __future__ import annotations

from app.guard.names import english_words, first_names, surnames
from app.guard.people_cues import Token, bracketed_age_after, number
from app.guard.people_words import (
    AGE_UNITS,
    AGE_WITH_UNIT,
    CAPITALISED_STREET_WORDS,
    CITATION_WORDS,
    FAMILY_ROLES,
    NOT_A_YEAR_GROUP_AFTER,
    NOT_AN_AGE_AFTER,
    ORGANISATION_AFTER,
    PERSON_VERBS,
    SENTENCE_EVENTS,
    SENTENCE_PROFESSIONAL,
    STREET_WORDS,
    VERBS_AFTER_AN_AGE,
    YEAR_GROUP,
)


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


# Words before a name that say a child is being named: "my lad jordan", "yp called amber".
CHILD_BEFORE_A_NAME = _words(
    """lad girl boy yp child kid son daughter baby sister brother grandson granddaughter
    niece nephew toddler teen teenager"""
)
INTRODUCING = frozenset({"called", "named", "nicknamed"})
# Not a subject before "is 6": a word that makes the next one a noun or a verb.
NOT_BEFORE_A_PERSON = _words(
    """the a an this that no any some my our your his her their its i we you they to will
    would can could should must may might very so too as be are were than less more"""
)
# Names in the gazetteer that, in lower case, are words of grammar or everyday nouns and
# adjectives first ("than", "long", "home"): never read as a name in lower case.
NEVER_A_LOWER_CASE_NAME = _words(
    """than will may can long mine ran sat hang meet home tone angle edit hey bar deep del fee
    gen pen pop san van win pan fan mad iron hair fish shell selling smart song bet cat bear
    dare doc min moon rock wing urban unique pretty lovely happy lucky bright mac jazz kings
    marine german irish muslim christian islam china india asia america
    tiny sugar promise cash grant"""
)
# The other gazetteer names that wordfreq finds frequent in lower case (word_like_names.txt)
# and that are places or everyday words ("paris", "gift", "junior"): read as a name only
# by the grammar of a person. The rest of that list ("ryan", "sarah", "james") are names.
EVERYDAY_WORDS_AMONG_NAMES = _words(
    """america angeles asia atlanta carolina chelsea china dallas diego francisco georgia
    hong india israel lincoln paris rio san santa sydney virginia hamilton austin jackson
    bar bear bell bet bright buddy cash cat charity comfort dare deep del doc edit fan favour
    fee fish flower fortune gay gen german gift glory hair hang happiness happy heaven hey
    home honor innocent iron islam jazz jesus junior kings lovely lucky mad marine meet min
    mine moon muslim pan peace pen pop praise pretty promise ran rock roman sat selling shell
    smart song sugar than tiny tone unique urban van win wing wisdom christian irish long
    angle chance grace hope faith joy precious liberty summer rose will mark frank grant
    bill bob drew miles ray rob max jack hunter carter taylor smith jones williams wilson
    johnson davis miller harris clark morgan lee james"""
)
POSSESSED_ROLES = FAMILY_ROLES | {"carer", "carers", "foster"}
POSSESSIVE_PRONOUNS = frozenset({"his", "her", "hes", "shes"})
MISSING_AFTER = frozenset({"went", "gone", "go", "goes", "going", "reported", "been", "runs"})
ABOUT = frozenset({"about", "around", "roughly", "approx"})
PRONOUN_AGE_LEADS = frozenset({"he's", "she's", "hes", "shes", "he’s", "she’s"})
AGE_QUALIFIERS = frozenset({"only", "just", "nearly", "almost", "now", "still", "barely"})


def is_an_unknown_word(word: str) -> bool:
    """A word no list knows, neither an everyday English word nor a first name: written
    before an age it is probably a name ("giorgi", "Yusra", "tyreese")."""
    low = word.lower()
    return (
        low.isalpha()
        and len(low) >= 3
        and low not in english_words()
        and low.capitalize() not in first_names()
    )


def _count_after(tokens: list[Token], j: int) -> bool:
    """The number at ``j`` counts things, not years: "hope is 5 new carers", "is 6 weeks"."""
    if j + 1 >= len(tokens):
        return False
    following = tokens[j + 1].lower
    if following in NOT_AN_AGE_AFTER or following in {"%", "new", "more", "extra", "other", "of"}:
        return True
    plural = following.isalpha() and following.endswith("s") and len(following) > 3
    return plural and following not in VERBS_AFTER_AN_AGE and following not in AGE_UNITS


# After a bare number, verbs that also follow a version or a count ("strat 2 is", "Tusla 2
# was", "Liquidlogic 3 has"): enough after a known name ("ruby 13 has been"), not after a
# word no list knows.
VERSION_VERBS = _words("""is was has had and now still been who whos who's""")


def age_in_grammar(tokens: list[Token], last: int, unknown: bool = False) -> int | None:
    """An age that says the word before it is a person: "(8)", ", 11,", "aged 9", "is 6", "is
    only 13", "13 has been", "9 yrs". The index of the age's last token, or None."""
    count = len(tokens)
    end = bracketed_age_after(tokens, last)
    if end is not None and not (unknown and tokens[last + 1].text == "("):
        return end  # after a word no list knows, "(1)" is code or a footnote: "msgbox(1)"
    j = last + 1
    if j + 1 < count and tokens[j].text == "," and tokens[j + 1].lower in {"is", "was", "aged"}:
        j += 1  # "the little one, daisy, is 3"
    if j < count and tokens[j].lower in {"aged", "age", "is", "was", "are", "were", "turns"}:
        j += 1
        if j < count and tokens[j].lower in AGE_QUALIFIERS:
            j += 1
        value = number(tokens[j]) if j < count else None
        if value is None or value > 17 or _count_after(tokens, j):
            return None
        return j + 1 if j + 1 < count and tokens[j + 1].lower in AGE_UNITS else j
    value = number(tokens[j]) if j < count else None
    if value is None or value > 17 or j + 1 >= count:
        return None
    if AGE_WITH_UNIT.fullmatch(tokens[j].lower):
        return j
    following = tokens[j + 1].lower
    if following in AGE_UNITS:
        return j + 1
    if unknown and following in VERSION_VERBS:
        return None
    return j if following in VERBS_AFTER_AN_AGE else None


DISCOURSE = _words(
    """however though too also again meanwhile now then sadly thankfully apparently luckily
    unfortunately aged age who which whom whose both all sadly obviously basically"""
)


FUNCTION_WORDS = (
    NOT_BEFORE_A_PERSON
    | DISCOURSE
    | _words(
        """is was has had have who and or but in on at for with by of from into about been
        being does did do not isnt wasnt hasnt doesnt didnt cant wont needs wants"""
    )
)


def after_a_child_word(tokens: list[Token], i: int) -> bool:
    """ "our yp sky", "a lad, mo": a child word right before, perhaps with a comma."""
    previous = tokens[i - 1].lower if i else ""
    if previous == "," and i > 1:
        previous = tokens[i - 2].lower
    return previous in CHILD_BEFORE_A_NAME and tokens[i].lower not in FUNCTION_WORDS


def child_apposition(tokens: list[Token], first: int, last: int) -> int | None:
    """ "the baby, nevaeh, who": a word between commas after a child word, not an everyday
    word ("her brother, however, is"). The child word's index, or None."""
    if first < 2 or last + 1 >= len(tokens) or tokens[last + 1].text != ",":
        return None
    word = tokens[first].text
    if tokens[first - 1].text != "," or tokens[first - 2].lower not in CHILD_BEFORE_A_NAME:
        return None
    if word.lower() in DISCOURSE or (word.islower() and word in english_words()):
        return None
    return first - 2


def word_name_in_grammar(tokens: list[Token], first: int, last: int) -> tuple[str, int] | None:
    """A lower-case name that is also a word ("grace", "precious", "amber") read as a person
    only when the grammar says so: an age right after it, "called"/"named" or a child word
    right before it, or a verb a person does with a child's context in the sentence."""
    if tokens[first].lower in NEVER_A_LOWER_CASE_NAME:
        return None
    previous = tokens[first - 1].lower if first else ""
    before_comma = tokens[first - 2].lower if first > 1 and previous == "," else previous
    if previous in INTRODUCING or before_comma in CHILD_BEFORE_A_NAME:
        return "introduced", first - 1
    if previous == "little" and first > 1 and tokens[first - 2].lower in {"my", "our"}:
        return "introduced", first - 2  # "our little grace"
    if previous in NOT_BEFORE_A_PERSON:
        return None
    end = age_in_grammar(tokens, last)
    if end is not None:
        return "age", end
    if last + 1 < len(tokens) and tokens[last + 1].lower in PERSON_VERBS:
        cue = child_cue_in_sentence(tokens, first, last)
        if cue is not None:
            return "event", cue
    return None


def unknown_name_with_age(tokens: list[Token], first: int, last: int) -> int | None:
    """A name no list knows, then an age in a person's grammar: "Yusra 15 refuses", "giorgi 17
    arrived", "jaxon is 2", "tyreese, 16 yrs"."""
    if not is_an_unknown_word(tokens[first].bare):
        return None
    if first and tokens[first - 1].lower in NOT_BEFORE_A_PERSON - {"and", "with"}:
        return None
    return age_in_grammar(tokens, last, unknown=True)


def _age_at(tokens: list[Token], j: int) -> bool:
    """An age of one child at ``j`` ("she's 13", "aged 6", "13 yr old", "14yo"), not a range
    or a group ("11-19 year olds", "aged 10 to 15")."""
    token = tokens[j]
    value = number(token)
    if value is None or value > 17:
        return False
    count = len(tokens)
    previous = tokens[j - 1].lower if j else ""
    following = tokens[j + 1].lower if j + 1 < count else ""
    if previous in {"-", "–", "to", "under", "over", "£", "$", "#", "year", "yr", "y"}:
        return False
    if previous in {"a", "an", "any", "every", "each"}:
        return False  # "whether a 15 year old can consent": any child, not this one
    if following in {"-", "–", "to", "or", "and", "%"} or following in NOT_AN_AGE_AFTER:
        return False
    if AGE_WITH_UNIT.fullmatch(token.lower):
        return True
    if previous in {"aged", "age"} or previous in PRONOUN_AGE_LEADS:
        return True
    if previous in ABOUT and j > 1 and tokens[j - 2].text in {",", "("}:
        return True  # "spider, about 14,"
    if previous in AGE_QUALIFIERS and j > 1:
        before = tokens[j - 2].lower
        return before in PRONOUN_AGE_LEADS or before in {"is", "was", "aged"}
    if following in AGE_UNITS:
        after = tokens[j + 2].lower if j + 2 < count else ""
        return after in {"old", "", ",", ".", "and"} or after in VERBS_AFTER_AN_AGE
    return previous in {"is", "was"} and j > 1 and tokens[j - 2].lower in {"she", "he"}


def _year_group_at(tokens: list[Token], j: int) -> bool:
    low = tokens[j].lower
    count = len(tokens)
    previous = tokens[j - 1].lower if j else ""
    after_year = j + (1 if YEAR_GROUP.fullmatch(low) else 2)
    child = after_year < count and tokens[after_year].lower in CHILD_BEFORE_A_NAME
    if not child and previous not in {"in", "is", "now", "from", "(", ",", "he's", "she's"}:
        return False
    if YEAR_GROUP.fullmatch(low):
        after = j + 1
    elif low in {"year", "yr", "y"} and j + 1 < count:
        value = number(tokens[j + 1])
        if value is None or not 1 <= value <= 13:
            return False
        after = j + 2
    else:
        return False
    following = tokens[after].lower if after < count else ""
    return following not in NOT_A_YEAR_GROUP_AFTER


def child_cue_in_sentence(tokens: list[Token], first: int, last: int) -> int | None:
    """A child's or family's context anywhere in the sentence, however far from the name: one
    child's age, a school year, a safeguarding event, a placement, or a relative named as
    someone's ("her stepdad", "his mum"). The index of the cue, or None."""
    for j, token in enumerate(tokens):
        if first <= j <= last:
            continue
        low = token.lower
        if low in SENTENCE_EVENTS:
            return j
        if low == "missing" and j and tokens[j - 1].lower in MISSING_AFTER:
            return j
        if low in POSSESSED_ROLES and j and tokens[j - 1].lower in POSSESSIVE_PRONOUNS:
            return j
        if low == "away" and j and tokens[j - 1].lower in {"ran", "run", "runs", "running"}:
            return j
        if _age_at(tokens, j) or _year_group_at(tokens, j):
            return j
    return None


def professional_sentence(tokens: list[Token], first: int, last: int) -> bool:
    """The sentence is about professionals: a speaker, an author, a council, a university,
    a citation, or the writer with a colleague ("sarah and i visited")."""
    if any(token.lower in SENTENCE_PROFESSIONAL for token in tokens):
        return True
    if any(token.lower in CITATION_WORDS for token in tokens):
        return True
    after = [t.lower for t in tokens[last + 1 : last + 3]]
    before = [t.lower for t in tokens[max(0, first - 2) : first]]
    return after in (["and", "i"], ["&", "i"]) or before == ["me", "and"]


def surname_after(tokens: list[Token], index: int) -> bool:
    """The token after a first name is a listed surname ("jade brennan", "Tomasz
    Wisniewski"), not a word of the sentence."""
    if index + 1 >= len(tokens):
        return False
    word = tokens[index + 1].bare
    low = word.lower()
    place = low in ORGANISATION_AFTER or low in STREET_WORDS or word in CAPITALISED_STREET_WORDS
    return word[:1].isalpha() and not place and low in surnames()
