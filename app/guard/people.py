"""The guard's general rule (issue 19): a person next to a child's or family's context.

Sentence-shaped patterns over-fit the sentences they were written from, so the guard reads
people the way a colleague would, in three steps, each explainable on its own:

1. **Candidates**: words that may be a person: a first name from the gazetteer in any case
   ("Amira", "amira", "lily-mae", "ewa's"); a capitalised word the gazetteer does not know,
   with an age in brackets or between commas, or after a child word, a relative's role or
   "known as"; a surname after Mr/Mrs/Ms or in "the X kids/children/twins/lot"; initials
   ("JK"; dotted ones are found by patterns.py) and a capitalised nickname in quotes.
2. **Cues** in the same sentence, a few words away: an age, a school year, a named school,
   a street, estate or block of flats, a placement, a safeguarding event, a child word or
   a family role.
3. **Cancelling cues**: a title just before the name, a professional's role in its own
   words after it (up to the first verb), a citation in the sentence, an organisation's or
   a place's word after it. Public case reviews and anonymised labels ("Child B") are
   let through by detection.py.

Each finding carries a plain reason ("a first name next to a placement"). The fixed-format
detectors (dates of birth, NHS and NI numbers, postcodes, case references) and the
phrasings that need no name stay in patterns.py.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from app.guard.names import (
    NAMES_THAT_ARE_WORDS,
    NOT_NAMES,
    first_names,
    is_first_name,
    is_lower_case_first_name,
    is_surname,
)
from app.guard.people_cues import (
    Token,
    age_after,
    bracketed_age_after,
    number,
    place_after,
    word_after,
    word_near,
    year_group_after,
)
from app.guard.people_grammar import (
    CHILD_BEFORE_A_NAME,
    NEVER_A_LOWER_CASE_NAME,
    NOT_BEFORE_A_PERSON,
    child_cue_in_sentence,
    is_an_unknown_word,
    professional_sentence,
    surname_after,
    unknown_name_with_age,
    word_name_in_grammar,
)
from app.guard.people_words import (
    A_PARENT_SAYS,
    ACRONYMS,
    ADJECTIVES,
    BEFORE_A_CHILD_WORD,
    CHILD_ADJECTIVES,
    CHILD_NAMES_THAT_ARE_WORDS,
    CHILD_WORDS,
    CITATION,
    DETERMINERS,
    ENGLISH_ENDING,
    EVENTS,
    EVENTS_FOR_INITIALS,
    FAMILY_CONTEXT,
    FAMILY_ROLES,
    GROUP_NOUNS,
    INTRODUCING_OR_ADJECTIVE,
    INTRODUCING_PHRASES,
    LABEL_WORDS,
    NOT_A_SURNAME_LOWER,
    ORGANISATION_AFTER,
    PLACEMENT,
    POSSESSIVES,
    PROFESSIONAL,
    REASONS,
    RELATIVES_BY_NAME,
    SCHOOL_WORDS,
    SENTENCE_END,
    STREET_WORDS,
    SURNAME_GROUPS,
    TITLES,
    TITLES_BEFORE,
    TOKEN,
    VERBS_BETWEEN,
)
from app.guard.vocabulary import NOT_A_NAME

WORD_LIKE_NAMES = Path(__file__).resolve().parent / "data" / "word_like_names.txt"


@lru_cache(maxsize=1)
def word_like_names() -> frozenset[str]:
    """Gazetteer names that are everyday English words in lower case ("long", "hope",
    "james" too: wordfreq cannot tell), written by scripts/build_guard_names.py: in lower
    case they count as a name only right next to an age or a school year."""
    return frozenset(WORD_LIKE_NAMES.read_text(encoding="utf-8").split())


@dataclass(frozen=True)
class RuleFinding:
    kind: str
    reason: str
    start: int
    end: int


# --- the words the rule reads ---------------------------------------------------------------


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
        introduced = _introducing_phrase_before(tokens, i)
        word = tokens[i].bare
        after_child = i > 0 and tokens[i - 1].lower in CHILD_BEFORE_A_NAME
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


def _first_name_candidate(tokens: list[Token], i: int) -> Candidate | None:
    word = tokens[i].bare
    if not word or not word[0].isalpha():
        return None
    previous = tokens[i - 1].text if i else ""
    after_label_word = previous.lower() in LABEL_WORDS
    if _is_capitalised(word):
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
        if (
            head in NAMES_THAT_ARE_WORDS
            and head.capitalize() in first_names()
            and "-" not in word  # "lily-mae" is a name, "lily" may be a flower
        ):
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
        return Candidate(i, i, "name", adjacent_only=word_like)
    return None


def _candidates(tokens: list[Token]) -> Iterator[Candidate]:
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


# --- cues -----------------------------------------------------------------------------------


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


def _professional_near(tokens: list[Token], candidate: Candidate, cue: str, end: int) -> bool:
    """A title just before the person ("Dr Amina Yusuf", "ask Lisa"), a role in the few
    words after it ("Grace Lee, team manager", "Sophie from the fostering team") or just
    after the place it is next to ("Claire at Westfield Primary, the DSL")."""
    if candidate.kind == "surname":  # "Ms Jones said her team", "our lead, Mr Osei, will"
        around = tokens[max(0, candidate.index - 6) : candidate.last + 9]
        return any(t.lower in PROFESSIONAL for t in around)
    before = tokens[max(0, candidate.index - 2) : candidate.index]
    after = _own_words(tokens[candidate.last + 1 : candidate.last + 5])
    if cue in {"school", "home"}:
        after = [*after, *_own_words(tokens[end + 1 : end + 5])]
    return any(t.lower in TITLES_BEFORE for t in before) or any(
        t.lower in PROFESSIONAL for t in after
    )


def _own_words(tokens: list[Token]) -> list[Token]:
    """The words after a person up to the first verb or event: a role there is the
    person's own ("Sophie from the fostering team"), one after "told the" is someone else
    ("Grace told the school nurse")."""
    own = []
    for token in tokens:
        if token.lower in VERBS_BETWEEN or token.lower in EVENTS or token.lower in PLACEMENT:
            break
        own.append(token)
    return own


def _child_word_before(tokens: list[Token], first: int) -> tuple[str, int] | None:
    """ "newborn Ahmed", "the eldest boy, Tyson", "a 12 yr old girl Wiktoria", "a 4-year-old
    Kacper": a child word or a child's age just before the name."""
    j = first - 1
    if j >= 0 and tokens[j].text == ",":
        j -= 1
    if j < 0:
        return None
    if tokens[j].lower in INTRODUCING_OR_ADJECTIVE:
        while j > 0 and tokens[j - 1].lower in CHILD_ADJECTIVES:
            j -= 1
        return "introduced", j
    window = [t.lower for t in tokens[max(0, j - 4) : j + 1]]
    if "old" in window:
        k = max(0, j - 4) + window.index("old")
        for m in range(max(0, k - 3), k):
            value = number(tokens[m])
            if value is None:
                value = number(Token(tokens[m].text.split("-")[0], 0, 0))
            if value is not None and value <= 18:
                return "age", m
    if re.fullmatch(r"\d{1,2}-(?:year|yr|month)s?-old", tokens[j].lower):
        return "age", j
    return None


def _my_child_before(tokens: list[Token], index: int) -> bool:
    """ "my yp kemal", "our lad jordan", "a girl, aisha": a child word just before."""
    for j in range(max(0, index - 3), index):
        if tokens[j].lower in CHILD_WORDS and (
            j == 0 or tokens[j - 1].lower in BEFORE_A_CHILD_WORD
        ):
            return True
    return False


# --- the rule -------------------------------------------------------------------------------


def _sentences(text: str) -> Iterator[tuple[int, int]]:
    start = 0
    for match in SENTENCE_END.finditer(text):
        yield start, match.end()
        start = match.end()
    if start < len(text):
        yield start, len(text)


def _introducing_phrase_before(tokens: list[Token], first: int) -> int | None:
    """The index where an introducing phrase ends right before the name begins, or None."""
    for phrase in INTRODUCING_PHRASES:
        start = first - len(phrase)
        if start >= 0 and tuple(t.lower for t in tokens[start:first]) == phrase:
            return start
    return None


def _relative_role_next_to(tokens: list[Token], first: int, last: int) -> bool:
    """ "stepdad liam", "nan (pat", "kayleigh, mum,": a family role right by the name, so an
    adult's age next to it identifies a relative."""
    before = first > 0 and (
        tokens[first - 1].lower in FAMILY_ROLES
        or (
            first > 1
            and tokens[first - 2].lower in FAMILY_ROLES
            and tokens[first - 1].text in {"(", ","}
        )
    )
    following = [t.lower for t in tokens[last + 1 : last + 4]]
    if len(following) >= 2 and following[0] in {"(", ","} and following[1] in POSSESSIVES:
        following = following[:1] + following[2:]  # "Gavin, the dad (52)"
    after = len(following) >= 2 and following[0] in {"(", ","} and following[1] in FAMILY_ROLES
    return before or after


def _judge(tokens: list[Token], candidate: Candidate) -> tuple[str, int] | None:
    """The cue that makes ``candidate`` identifying and the token it ends at, or None."""
    first, last = candidate.index, candidate.last
    if last + 1 < len(tokens) and tokens[last + 1].text in NOT_A_NAME:
        return None
    if any(t.lower in ORGANISATION_AFTER for t in tokens[last + 1 : last + 3]):
        return None
    if candidate.kind == "unknown":
        end = bracketed_age_after(tokens, last)
        if end is not None:
            return "age", end
        # "The baby, Nevaeh, is", "Grandad Sullivan": a child word or a relative's role
        # right before a capitalised word the gazetteer does not know.
        introduced = _child_word_before(tokens, first)
        if introduced is not None and introduced[0] == "introduced":
            return introduced
        if first > 0 and tokens[first - 1].lower in RELATIVES_BY_NAME:
            return "family", first - 1
        introducing = _introducing_phrase_before(tokens, first)
        title = last + 1 < len(tokens) and tokens[last + 1].text[:1].isupper()  # "Kiss My Disco"
        if introducing is not None and not title:
            return "introduced", introducing
        end = unknown_name_with_age(tokens, first, last)  # "Yusra 15 refuses"
        return None if end is None else ("age", end)
    if candidate.kind == "lower_unknown":
        end = bracketed_age_after(tokens, last, spelt_out=True)
        if end is None:
            end = unknown_name_with_age(tokens, first, last)  # "giorgi 17 arrived"
        return None if end is None else ("age", end)
    if candidate.kind == "letter":
        end = bracketed_age_after(tokens, last)
        return None if end is None else ("age", end)
    if candidate.kind == "nickname_word":
        end = bracketed_age_after(tokens, last)
        if end is not None:
            return "age", end
        introduced = tokens[first - 1].lower not in CHILD_BEFORE_A_NAME
        cue = child_cue_in_sentence(tokens, first, last) if introduced else None
        return None if cue is None else ("introduced", first - 1)
    if candidate.kind == "word_name" or (candidate.kind == "name" and candidate.adjacent_only):
        grammar = _word_name(tokens, candidate)
        if grammar is not None:
            return grammar
    if candidate.kind == "word_name":
        end = year_group_after(tokens, last)
        if end is not None:
            return "year", end
        if _relative_role_next_to(tokens, first, last):
            end = age_after(tokens, last, 1, adult=True)
            return None if end is None else ("adult_age", end)
        # "grace is 6", but not "our hope is 5" or "the rose is 3".
        determiner = first > 0 and tokens[first - 1].lower in DETERMINERS
        if (
            not determiner
            and tokens[first].lower in CHILD_NAMES_THAT_ARE_WORDS
            and last + 2 < len(tokens)
            and tokens[last + 1].lower in {"is", "was"}
        ):
            value = number(tokens[last + 2])
            if value is not None and value <= 18 and age_after(tokens, last, 1, False):
                return "age", last + 2
        return None
    adult = _relative_role_next_to(tokens, first, last)
    end = age_after(tokens, last, 2 if not candidate.adjacent_only else 1, adult)
    if end is not None:
        if candidate.kind == "full" and not adult:
            return "full_age", end
        return ("adult_age" if adult else "age"), end
    end = year_group_after(tokens, last)
    if end is not None:
        return "year", end
    if candidate.kind == "surname":
        group = tokens[last].lower in SURNAME_GROUPS and not candidate.adjacent_only
        if group or word_near(tokens, first, last, FAMILY_CONTEXT, 8) != -1:
            return "surname", last
        couple = first >= 2 and tokens[first - 1].lower == "and" and tokens[first - 2].lower == "mr"
        if couple:  # "Mr and Mrs Nowak": a couple, a family
            return "surname", first - 2
        saying = last + 1 < len(tokens) and tokens[last + 1].lower in A_PARENT_SAYS
        return ("surname", last + 1) if saying else None
    if candidate.kind in {"initials", "nickname"}:
        # "JK disclosed", "KB in foster placement", "'Spider' went missing".
        if candidate.kind == "nickname" and not tokens[first + 1].text[:1].isupper():
            return None  # a word in scare quotes ("what counts as 'fair'")
        j = word_after(tokens, last, EVENTS_FOR_INITIALS, 4)
        return None if j == -1 else ("event", j)
    if candidate.adjacent_only:
        return None
    if candidate.kind in {"name", "full"}:
        introducing = _introducing_phrase_before(tokens, first)
        if introducing is not None:
            return "introduced", introducing
    for cue, words in (("school", SCHOOL_WORDS), ("home", STREET_WORDS)):
        end = place_after(tokens, last, words)
        if end is not None:
            return cue, end
    j = word_near(tokens, first, last, PLACEMENT, 6)
    if j != -1:
        return "placement", j
    j = word_after(tokens, last, EVENTS, 8)
    if j != -1:
        return "event", j
    before = _child_word_before(tokens, first)
    if before is not None:
        return before
    if _my_child_before(tokens, first):
        return "event", last
    j = word_near(tokens, first, last, FAMILY_ROLES, 3)
    if j != -1:
        return "family", j
    # A name and a child's context far apart in the same sentence ("i spoke to jessica ...
    # she is only 13"), unless the sentence is about professionals.
    if not professional_sentence(tokens, first, last):
        j = child_cue_in_sentence(tokens, first, last)
        if j is not None:
            return "sentence", j
    return None


def _word_name(tokens: list[Token], candidate: Candidate) -> tuple[str, int] | None:
    """A name that is also a word ("grace", "precious") when the grammar says person, or
    next to a named school or a place where a family lives ("precious from the estate")."""
    grammar = word_name_in_grammar(tokens, candidate.index, candidate.last)
    if grammar is not None:
        return grammar
    first = candidate.index
    if tokens[first].lower in NEVER_A_LOWER_CASE_NAME:
        return None
    if first and tokens[first - 1].lower in DETERMINERS:
        return None
    for cue, words in (("school", SCHOOL_WORDS), ("home", STREET_WORDS)):
        end = place_after(tokens, candidate.last, words)
        if end is not None:
            return cue, end
    return None


def find_people(text: str) -> Iterator[RuleFinding]:
    """The general rule over ``text``: each person candidate with a cue near it and no
    professional next to it, as a finding from the candidate to the cue."""
    for sentence_start, sentence_end in _sentences(text):
        sentence = text[sentence_start:sentence_end]
        tokens = [
            Token(m.group(0), sentence_start + m.start(), sentence_start + m.end())
            for m in TOKEN.finditer(sentence)
        ]
        if not tokens:
            continue
        cited = CITATION.search(sentence) is not None
        for candidate in _candidates(tokens):
            if candidate.kind in {"name", "surname", "full"} and cited:
                continue
            judged = _judge(tokens, candidate)
            if judged is None:
                continue
            cue, end = judged
            if _professional_near(tokens, candidate, cue, end):
                continue
            if candidate.kind == "initials":
                cue = "initials"
            elif candidate.kind == "nickname":
                single_letter = len(tokens[candidate.index + 1].text) == 1
                cue = "initials" if single_letter else "nickname"
            elif candidate.kind == "surname":
                cue = "surname"
            start_token = tokens[candidate.index]
            last_index = max(end, candidate.last)
            first_index = min(end, candidate.index)
            closes = last_index + 1 < len(tokens) and tokens[last_index + 1].text == ")"
            if closes and any(t.text == "(" for t in tokens[first_index:last_index]):
                last_index += 1  # "eoin (15)": the bracket the age opened
            end_token = tokens[last_index]
            cue_first = min(end, candidate.index)
            kind, reason = REASONS[cue]
            yield RuleFinding(
                kind=kind,
                reason=reason,
                start=min(start_token.start, tokens[cue_first].start),
                end=end_token.end,
            )
