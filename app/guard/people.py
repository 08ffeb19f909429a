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

from app.guard.people_candidates import Candidate, candidates, introducing_phrase_before
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
    NEVER_A_LOWER_CASE_NAME,
    after_a_child_word,
    age_in_grammar,
    child_apposition,
    child_cue_in_sentence,
    professional_sentence,
    unknown_name_with_age,
    word_name_in_grammar,
)
from app.guard.people_not import not_a_person
from app.guard.people_words import (
    A_PARENT_SAYS,
    BEFORE_A_CHILD_WORD,
    CHILD_ADJECTIVES,
    CHILD_NAMES_THAT_ARE_WORDS,
    CHILD_WORDS,
    CITATION,
    DETERMINERS,
    EVENTS,
    EVENTS_FOR_INITIALS,
    FAMILY_CONTEXT,
    FAMILY_ROLES,
    INTRODUCING_OR_ADJECTIVE,
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
    TITLES_BEFORE,
    TOKEN,
    VERBS_BETWEEN,
    WORK_BEFORE_BY,
)
from app.guard.vocabulary import NOT_A_NAME


@dataclass(frozen=True)
class RuleFinding:
    kind: str
    reason: str
    start: int
    end: int


# --- the words the rule reads ---------------------------------------------------------------


def _professional_near(tokens: list[Token], candidate: Candidate, cue: str, end: int) -> bool:
    """A title just before the person ("Dr Amina Yusuf", "ask Lisa"), a role in the few
    words after it ("Grace Lee, team manager", "Sophie from the fostering team") or just
    after the place it is next to ("Claire at Westfield Primary, the DSL")."""
    if candidate.kind == "surname" and tokens[candidate.last].lower in SURNAME_GROUPS:
        # "the doherty lot are known to everyone at the duty desk": a family is not a
        # professional; only a service named right after it is ("the Smith family team").
        return any(t.lower in PROFESSIONAL for t in tokens[candidate.last + 1 : candidate.last + 3])
    if candidate.kind == "surname":  # "Ms Jones said her team", "our lead, Mr Osei, will"
        start = max(0, candidate.index - 6)
        around = tokens[start : candidate.last + 9]
        return any(
            t.lower in PROFESSIONAL and not _rang(tokens, start + k) for k, t in enumerate(around)
        )
    before = tokens[max(0, candidate.index - 2) : candidate.index]
    if len(before) == 2 and before[1].lower == "by" and before[0].lower in WORK_BEFORE_BY:
        return True  # "a great talk by Helen", "the session run by jo"
    after = _own_words(tokens[candidate.last + 1 : candidate.last + 5])
    if cue in {"school", "home"}:
        after = [*after, *_own_words(tokens[end + 1 : end + 5])]
    return any(t.lower in TITLES_BEFORE for t in before) or any(
        t.lower in PROFESSIONAL for t in after
    )


def _own_caseload(tokens: list[Token], j: int) -> bool:
    """ "hannah is covering my caseload": the writer's caseload, not a child on it ("amira
    is on my caseload")."""
    if tokens[j].lower != "caseload":
        return False
    return not any(t.lower in {"on", "onto"} for t in tokens[max(0, j - 3) : j])


def _rang(tokens: list[Token], j: int) -> bool:
    """ "mrs mensah rang duty": a family calling a service, not a professional."""
    before = {t.lower for t in tokens[max(0, j - 2) : j]}
    return bool(before & {"rang", "rung", "phoned", "called", "rings", "contacted"})


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
    if tokens[j].lower in {"child", "kid", "yp"} and tokens[first - 1].text == ",":
        return "introduced", j  # "the child, Temperance, is only 2"
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
    if not_a_person(tokens, first, last):
        return None
    if any(t.lower in ORGANISATION_AFTER for t in tokens[last + 1 : last + 3]):
        return None
    if candidate.kind in {"unknown", "lower_unknown", "nickname_word"}:
        j = child_apposition(tokens, first, last)  # "the baby, nevaeh, who has a rash"
        if j is not None:
            return "introduced", j
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
        introducing = introducing_phrase_before(tokens, first)
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
    if candidate.kind == "plural_surname":
        return "surname", first
    if candidate.kind == "letter":
        end = bracketed_age_after(tokens, last)
        return None if end is None else ("age", end)
    if candidate.kind == "nickname_word":
        end = age_in_grammar(tokens, last)
        if end is not None:
            return "age", end
        introduced = not after_a_child_word(tokens, first)
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
        introducing = introducing_phrase_before(tokens, first)
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
    if j != -1 and not _own_caseload(tokens, j):
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
        for candidate in candidates(tokens):
            if candidate.kind in {"name", "surname", "full"} and cited:
                continue
            judged = _judge(tokens, candidate)
            if judged is None:
                continue
            cue, end = judged
            if _professional_near(tokens, candidate, cue, end):
                continue
            if candidate.kind in {"initials", "letter"}:
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
