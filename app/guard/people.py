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
)
from app.guard.vocabulary import _NOT_A_SURNAME, NOT_A_NAME

WORD_LIKE_NAMES = Path(__file__).resolve().parent / "data" / "word_like_names.txt"

_LETTERS = r"A-Za-zÀ-ÖØ-öø-ÿ\u0100-\u024f"
_TOKEN = re.compile(
    rf"\d+(?:[:.,/\-]\d+)*(?![{_LETTERS}\d])|[{_LETTERS}\d]+(?:[-'’/][{_LETTERS}\d]+)*"
    r"|&|[^\s\w]"
)
_POSSESSIVE = re.compile(r"(?:['’]s|s['’]|['’])$")
_SENTENCE_END = re.compile(r"(?<!\b[DM]r)(?<!\bMrs)(?<!\bMs)(?<!\bal)(?<!\bSt)[.!?]+(?=\s|$)|\n")

_NUMBER_WORD_LIST = """zero one two three four five six seven eight nine ten eleven twelve
    thirteen fourteen fifteen sixteen seventeen eighteen nineteen"""
_NUMBER_WORDS = {word: value for value, word in enumerate(_NUMBER_WORD_LIST.split())}


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


@lru_cache(maxsize=1)
def word_like_names() -> frozenset[str]:
    """Gazetteer names that are everyday English words in lower case ("long", "hope",
    "james" too: wordfreq cannot tell), written by scripts/build_guard_names.py: in lower
    case they count as a name only right next to an age or a school year."""
    return frozenset(WORD_LIKE_NAMES.read_text(encoding="utf-8").split())


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
            return _POSSESSIVE.sub("", self.text)
        return self.text


@dataclass(frozen=True)
class RuleFinding:
    kind: str
    reason: str
    start: int
    end: int


# --- the words the rule reads ---------------------------------------------------------------

_FAMILY_ROLES = _words(
    """mum mom mam mummy mother dad daddy father stepdad step-dad stepmum step-mum stepfather
    stepmother nan nana nanna nanny gran granny grandma grandmother grandad granddad grandpa
    grandfather aunt auntie aunty uncle brother sister bro sis cousin sibling siblings
    half-brother half-sister stepbrother stepsister son daughter baby twin twins boyfriend
    girlfriend bf gf partner"""
)
_CHILD_WORDS = _words(
    """boy girl lad lass child kid yp teen teenager toddler baby son daughter youngest eldest
    oldest middle"""
)
_PLACEMENT = _words(
    """placed placement placements foster fostered fostering-placement residential resi
    kinship b&b hostel hotel adopters adopted adoption sgo semi semi-independent lodgings
    custody remanded secure yoi respite care-home"""
)
_EVENTS = _words(
    """disclosed disclosure missing excluded exclusion arrested groomed grooming exploited
    exploitation trafficked abused assaulted protection removed absconded self-harm self-harms
    self-harming selfharm overdosed pregnant bruise bruises bruised injury injuries cla lac
    cin cp caseload sofa-surfing evicted neglected"""
)
# Words before a child word that make it about a particular child: "my yp", "our lad".
_BEFORE_A_CHILD_WORD = frozenset({"my", "our", "a", "the", "little", "new"})
_STREET_WORDS = _words(
    """street st road rd avenue ave lane ln crescent grove terrace gardens mews estate flats
    maisonettes bedsit"""
)
# Street names that are also everyday words count only capitalised ("Norbury Court").
_CAPITALISED_STREET_WORDS = _words(
    """Close Drive Place Way Court Walk Row Square Rise Hill Green Parade Vale Fold Croft
    Mount Approach Boulevard Garth Chase Meadow Meadows Tower Towers House Heights"""
)
_SCHOOL_WORDS = _words(
    """primary junior juniors infant infants academy high school pru college grammar
    secondary nursery"""
)
_AT_WORDS = frozenset({"at", "from", "attends", "attending", "to", "in", "on", "off", "near"})
# A professional next to a name: a colleague, speaker, author or office, not a child.
_PROFESSIONAL = _words(
    """dr prof professor cllr councillor judge justice rev sir dame lord lady mp dsl senco
    manager managers team teams mash duty service services unit council university
    speaker speakers presented present wrote lead writes chaired chair led
    author authors lecturer researcher headteacher head deputy principal officer
    practitioner colleague colleagues worker nqsw sw iro lado panel board director
    supervisor commissioner governor trainer facilitator consultant coordinator clinician
    nurse gp psychologist therapist paediatrician solicitor barrister cafcass educator tutor
    assessor administrator admin business training course ask"""
)
_TITLES_BEFORE = _words(
    """dr prof professor cllr councillor judge justice rev sir dame lord lady ask thanks
    speaker keynote presented led chaired hosted delivered facilitated"""
)
_NOT_AN_AGE_AFTER = _words(
    """am pm minutes mins minute hours hrs hour miles percent per times points pounds cases
    children kids people families staff workers days day nights weeks months st nd rd th
    january february march april may june july august september october november december
    jan feb mar apr jun jul aug sep sept oct nov dec to or pupils beds sessions hour-long
    referrals visits goals stone kg cm"""
)
_AGE_UNITS = frozenset({"yo", "y/o", "yrs", "yr", "years", "year", "yoa"})
_AGE_LEADS = _words(
    """aged age is was 's turns turning turned now only just nearly almost who who's whos
    shes hes she's he's still are were both"""
)
_NOT_AGE_YEARS = frozenset({"ago", "experience", "qualified", "in", "of", "service", "later"})
_YEAR_WORDS = frozenset({"year", "yr", "y"})
_NOT_A_YEAR_GROUP_AFTER = _words(
    """team staff teacher teachers class pupils cohort parents lead leads group groups
    transition assembly students children sats"""
)
_SURNAME_GROUPS = _words(
    """kids children twins family families boys girls siblings lot household brothers
    sisters clan youngsters"""
)
# Children's names that are also words, read as a name in "grace is 6" (no determiner).
_CHILD_NAMES_THAT_ARE_WORDS = _words(
    """grace ruby jade ivy holly lily daisy poppy violet willow olive amber summer faith
    harmony liberty mason carter hunter parker taylor cooper sonny precious patience joy
    heather hazel autumn iris"""
)
_DETERMINERS = _words("""the a an my our your his her their this that no any some of for""")
_FAMILY_WORDS = _words(
    """children kids grandchildren grandkids grandson granddaughter nephew niece husband wife
    youngest eldest boys girls stepson stepdaughter"""
)
# A titled name then "says" ("Mrs Begum says"); other verbs alone are too weak ("Mr Cameron
# wants local authorities to ...").
_A_PARENT_SAYS = frozenset({"says", "said", "rang"})
_TITLES = frozenset({"mr", "mrs", "ms", "miss", "mx"})
_NOT_A_SURNAME_LOWER = frozenset(word.lower() for word in _NOT_A_SURNAME | NOT_NAMES) | _words(
    """local same other two three four five six older younger little young whole new
    foster looked adopted vulnerable affected missing other's same"""
)
_ACRONYMS = _words(
    """UK EU GP PE IT TV ID MP AD HR CP LA SW DV OK NI BA MA PM AM QC KC UN US MD PA RE ED YP
    YJ EH FC KS PR LD SS CS OT CIN LAC CLA SGO PRU DSL MASH LADO NHS DOB BF GF IRO ABE CSE
    CCE UASC SEN SEND EHCP CAMHS NQSW ASYE BASW DFE DfE FGC PLO ICPC RCPC TAF EHA ASD ADHD
    SATS GCSE NEET HMRC BBC ITV OCD PTSD YOT YOS AP PPE SLT CPD CEO IDK TBH FYI ASAP"""
)
_LABEL_WORDS = frozenset(
    {"child", "baby", "sibling", "case", "family", "mother", "father", "adult", "person"}
)
_CITATION = re.compile(r"\((?:19|20)\d\d\w?\)|\bet al\b|\b(?:19|20)\d\d\)")


# --- candidates -----------------------------------------------------------------------------


@dataclass(frozen=True)
class Candidate:
    index: int  # first token
    last: int  # last token
    kind: str  # "name", "surname", "initials", "nickname", "label"
    adjacent_only: bool  # a weak candidate: counts only with an age or year right after it


def _is_capitalised(word: str) -> bool:
    return word[:1].isupper() and word[1:2].islower()


def _name_candidate(tokens: list[Token], i: int) -> Candidate | None:
    word = tokens[i].bare
    if not word or not word[0].isalpha():
        return None
    previous = tokens[i - 1].text if i else ""
    after_label_word = previous.lower() in _LABEL_WORDS
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
            if _could_be_an_unknown_name(word):
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
        if low.rstrip(".") in _TITLES and i + 1 < count:
            j = i + 2 if tokens[i + 1].text == "." and i + 2 < count else i + 1
            surname = tokens[j].bare
            if _could_be_a_surname(surname):
                yield Candidate(i, j, "surname", adjacent_only=False)
            continue
        # the X kids / the X children / the X lot / the X twins.
        if low in {"all", "both"} and i + 2 < count and _number(tokens[i + 1]) is not None:
            continue  # "all four Ward children": read from the word after the number
        if low in {"the", "all", "both", "four", "three", "two", "five", "six"} and i + 2 < count:
            surname = tokens[i + 1].bare
            group = tokens[i + 2].lower
            if group in _SURNAME_GROUPS and _could_be_a_surname(surname):
                # "the private family": in lower case, "family" needs more context.
                weak = surname.islower() and group in {"family", "families"}
                yield Candidate(i + 1, i + 2, "surname", adjacent_only=weak)
                continue
        # Initials: "JK", "J.K." (two or three capitals, not an acronym).
        text = token.text
        if 2 <= len(text) <= 3 and text.isalpha() and text.isupper() and text not in _ACRONYMS:
            yield Candidate(i, i, "initials", adjacent_only=True)
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


# Lower-case words with these endings are English words, not surnames ("the neediest
# families", "the younger children", "the looked-after kids").
_ENGLISH_ENDING = re.compile(
    r"(?:est|er|ers|ing|ed|ly|ous|ful|ive|al|ic|less|able|ible|ent|ant|ary|ory|ish|ese|ian"
    r"|ean|ern|ese|ite|ist|ists)$"
)


def _could_be_a_surname(word: str) -> bool:
    low = word.lower()
    if not word[:1].isalpha() or low in _NOT_A_SURNAME_LOWER or low in _ADJECTIVES:
        return False
    if word[:1].isupper():
        return not low.endswith(("ish", "ese", "ian", "ean"))
    return len(low) >= 3 and _ENGLISH_ENDING.search(low) is None


_ADJECTIVES = _words(
    """polish roma romanian irish traveller gypsy asian black white british syrian afghan
    eritrean kurdish somali pakistani indian bangladeshi nigerian muslim jewish catholic
    christian disabled unaccompanied kinship birth host separated known named following
    above leeds these those such"""
)


# --- cues -----------------------------------------------------------------------------------


_AGE_WITH_UNIT = re.compile(r"(1?\d)(?:yo|y/o|yrs?|years?)")


def _number(token: Token) -> int | None:
    if token.text.isdigit() and len(token.text) <= 2:
        return int(token.text)
    if (with_unit := _AGE_WITH_UNIT.fullmatch(token.lower)) is not None:
        return int(with_unit.group(1))
    return _NUMBER_WORDS.get(token.lower)


def _age_after(tokens: list[Token], last: int, limit: int, adult: bool) -> int | None:
    """The index of the last token of an age written within a few tokens after ``last``
    ("tomasz, 14", "eoin (15)", "aged thirteen", "is 16", "turning 16", "14yo"), or None."""
    ceiling = 99 if adult else 19
    count = len(tokens)
    words = 0
    j = last + 1
    previous = tokens[last]
    while j < count and words <= limit:
        token = tokens[j]
        value = _number(token)
        if value is not None:
            if value > ceiling or previous.text in {"£", "$", "€", "#"}:
                return None
            if previous.lower in _YEAR_WORDS or previous.lower in {"p", "level", "step"}:
                return None  # a school year or a level, not an age
            following = tokens[j + 1].lower if j + 1 < count else ""
            if following in _NOT_AN_AGE_AFTER or following in {"-", "–", ":", "%"}:
                if following in {"-", "–"} and j + 2 < count and _number(tokens[j + 2]):
                    return None
                if following not in {"-", "–"}:
                    return None
            if following == "and" and j + 2 < count and tokens[j + 2].lower == "over":
                return None
            shaped = (
                previous.text in {"(", ",", "-", "–", "—"}
                or previous.lower in _AGE_LEADS
                or following in _AGE_UNITS
                or following in {")", ",", "-", "–"}
                or j == last + 1
            )
            if not shaped:
                return None
            if following in _AGE_UNITS and j + 2 < count and tokens[j + 2].lower in _NOT_AGE_YEARS:
                return None  # "14 years ago", "20 years experience"
            end = j + 1 if following in _AGE_UNITS else j
            if end + 1 < count and tokens[end + 1].lower == "old":
                end += 1
            return end
        # "14yo", "15yrs", "4y/o"
        if token.text[:1].isdigit() and _AGE_WITH_UNIT.fullmatch(token.lower):
            return j
        if token.text in {"(", ",", "-", "–", "—", "&"} or token.lower == "and":
            previous = token
            j += 1
            continue
        if token.lower in _AGE_LEADS:
            previous = token
            j += 1
            continue
        previous = token
        words += 1
        j += 1
    return None


def _year_group_after(tokens: list[Token], last: int) -> int | None:
    """ "Zofia (year 8)", "precious is y10", "in yr 9", "(y6)": the year group's last token."""
    count = len(tokens)
    for j in range(last + 1, min(last + 5, count)):
        low = tokens[j].lower
        if re.fullmatch(r"(?:y|yr|year)(?:1[0-3]|[1-9])", low) or re.fullmatch(r"p[1-7]", low):
            following = tokens[j + 1].lower if j + 1 < count else ""
            return None if following in _NOT_A_YEAR_GROUP_AFTER else j
        if low in _YEAR_WORDS and j + 1 < count:
            value = _number(tokens[j + 1])
            following = tokens[j + 2].lower if j + 2 < count else ""
            if value is not None and 1 <= value <= 13 and following not in _NOT_A_YEAR_GROUP_AFTER:
                return j + 1
            return None
        if low not in {"(", ",", "is", "in", "-", "now", "was", "who's", "whos"}:
            return None
    return None


def _place_after(tokens: list[Token], last: int, words: frozenset[str]) -> int | None:
    """ "at st joseph's primary", "on Ashton Lane", "from the gipton estate": a preposition
    within a few words after the person, then a place ending in one of ``words``."""
    count = len(tokens)
    for j in range(last + 1, min(last + 7, count)):
        if tokens[j].lower in _AT_WORDS or tokens[j].lower in {"goes", "lives", "living"}:
            for k in range(j + 1, min(j + 6, count)):
                low = tokens[k].lower.rstrip("'’")
                if low in words or (
                    words is _STREET_WORDS and tokens[k].text in _CAPITALISED_STREET_WORDS
                ):
                    return k
                if tokens[k].text in {",", ";", "(", ")"} or tokens[k].lower in {
                    "and",
                    "but",
                    "with",
                }:
                    break
    return None


def _word_near(tokens: list[Token], first: int, last: int, words: frozenset[str], span: int) -> int:
    """The index of a token in ``words`` within ``span`` tokens of the candidate, or -1."""
    for j in range(max(0, first - span), min(len(tokens), last + span + 1)):
        if first <= j <= last:
            continue
        if tokens[j].lower in words:
            return j
    return -1


def _word_after(tokens: list[Token], last: int, words: frozenset[str], span: int) -> int:
    for j in range(last + 1, min(len(tokens), last + span + 1)):
        if tokens[j].lower in words:
            return j
    return -1


# Words after a name that make it a place or an organisation ("Holly Lodge", "the Johnson
# family hub", "Lewis Foundation").
_ORGANISATION_AFTER = _words(
    """hub hubs foundation trust centre center project charity fund lodge house hall park
    farm academy school primary college church community road street lane avenue close
    drive way gardens nursery court"""
)


def _could_be_an_unknown_name(word: str) -> bool:
    """Not an obvious English word by its shape: no plural -s, no English ending, not a
    word the guard already knows as ordinary."""
    return (
        word.isalpha()
        and len(word) >= 3
        and not word.endswith("s")
        and _ENGLISH_ENDING.search(word) is None
        and word not in _NOT_A_SURNAME_LOWER
        and word not in NAMES_THAT_ARE_WORDS
        and word not in _GROUP_NOUNS
    )


# Nouns for groups that an age range often follows ("the youth club, aged 11,").
_GROUP_NOUNS = _words(
    """club class cohort session course scheme group team unit programme project
    population sample age band range bracket school home care"""
)


def _bracketed_age_after(tokens: list[Token], last: int, spelt_out: bool = False) -> int | None:
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
    if j >= count or _number(tokens[j]) is None or _number(tokens[j]) > 19:
        return None
    said = said or _AGE_WITH_UNIT.fullmatch(tokens[j].lower) is not None
    if j + 1 < count and tokens[j + 1].lower in _AGE_UNITS:
        j += 1
        said = True
    if spelt_out and not said:
        return None
    closing = tokens[j + 1].text if j + 1 < count else ""
    if (opening, closing) == ("(", ")") or (opening == "," and closing in {",", ""}):
        return j
    return None


def _professional_near(tokens: list[Token], candidate: Candidate, cue: str, end: int) -> bool:
    """A title just before the person ("Dr Amina Yusuf", "ask Lisa"), a role in the few
    words after it ("Grace Lee, team manager", "Sophie from the fostering team") or just
    after the place it is next to ("Claire at Westfield Primary, the DSL")."""
    if candidate.kind == "surname":  # "Ms Jones said her team", "our lead, Mr Osei, will"
        around = tokens[max(0, candidate.index - 6) : candidate.last + 9]
        return any(t.lower in _PROFESSIONAL for t in around)
    before = tokens[max(0, candidate.index - 2) : candidate.index]
    after = _own_words(tokens[candidate.last + 1 : candidate.last + 5])
    if cue in {"school", "home"}:
        after = [*after, *_own_words(tokens[end + 1 : end + 5])]
    return any(t.lower in _TITLES_BEFORE for t in before) or any(
        t.lower in _PROFESSIONAL for t in after
    )


_VERBS_BETWEEN = _words(
    """told tells tell said says asked rang saw sees seen met with to was is has had and"""
)


def _own_words(tokens: list[Token]) -> list[Token]:
    """The words after a person up to the first verb or event: a role there is the
    person's own ("Sophie from the fostering team"), one after "told the" is someone else
    ("Grace told the school nurse")."""
    own = []
    for token in tokens:
        if token.lower in _VERBS_BETWEEN or token.lower in _EVENTS or token.lower in _PLACEMENT:
            break
        own.append(token)
    return own


# Relatives called by role and name ("Grandad Sullivan", "Auntie Halima"); "Dad Matters"
# and "Mum's Net" are organisations, so not mum or dad.
_RELATIVES_BY_NAME = _words(
    """grandad granddad grandpa grandma nan nana nanna nanny gran granny aunt auntie aunty
    uncle"""
)
_POSSESSIVES = frozenset({"the", "her", "his", "their", "my", "our"})
_CHILD_ADJECTIVES = _words(
    """eldest youngest oldest middle older younger little big baby twin teenage"""
)
_INTRODUCING_WORDS = _words(
    """boy girl lad son daughter baby newborn toddler infant teen teenager yp grandson
    granddaughter nephew niece stepson stepdaughter brother sister"""
)


_INTRODUCING_OR_ADJECTIVE = _INTRODUCING_WORDS | _CHILD_ADJECTIVES


def _child_word_before(tokens: list[Token], first: int) -> tuple[str, int] | None:
    """ "newborn Ahmed", "the eldest boy, Tyson", "a 12 yr old girl Wiktoria", "a 4-year-old
    Kacper": a child word or a child's age just before the name."""
    j = first - 1
    if j >= 0 and tokens[j].text == ",":
        j -= 1
    if j < 0:
        return None
    if tokens[j].lower in _INTRODUCING_OR_ADJECTIVE:
        while j > 0 and tokens[j - 1].lower in _CHILD_ADJECTIVES:
            j -= 1
        return "introduced", j
    window = [t.lower for t in tokens[max(0, j - 4) : j + 1]]
    if "old" in window:
        k = max(0, j - 4) + window.index("old")
        for m in range(max(0, k - 3), k):
            value = _number(tokens[m])
            if value is None:
                value = _number(Token(tokens[m].text.split("-")[0], 0, 0))
            if value is not None and value <= 18:
                return "age", m
    if re.fullmatch(r"\d{1,2}-(?:year|yr|month)s?-old", tokens[j].lower):
        return "age", j
    return None


def _my_child_before(tokens: list[Token], index: int) -> bool:
    """ "my yp kemal", "our lad jordan", "a girl, aisha": a child word just before."""
    for j in range(max(0, index - 3), index):
        if tokens[j].lower in _CHILD_WORDS and (
            j == 0 or tokens[j - 1].lower in _BEFORE_A_CHILD_WORD
        ):
            return True
    return False


# --- the rule -------------------------------------------------------------------------------

_REASONS = {
    "age": ("first_name_with_age", "a first name next to an age"),
    "adult_age": ("first_name_with_age", "a relative's name next to their role and age"),
    "year": ("first_name_with_age", "a first name next to a school year"),
    "school": ("child_school", "a child's name next to a named school"),
    "home": ("home_area", "a name next to where a family lives (street, estate, flats)"),
    "placement": ("name_with_event", "a first name next to a placement"),
    "event": ("name_with_event", "a first name next to a safeguarding event"),
    "family": ("name_introduced", "a name next to a family role"),
    "introduced": ("name_introduced", "a child's name introduced in the text"),
    "surname": ("family_surname", "a family's surname"),
    "initials": ("initials_with_age", "initials next to an age or placement"),
    "nickname": ("name_introduced", "a nickname next to an age"),
}


def _sentences(text: str) -> Iterator[tuple[int, int]]:
    start = 0
    for match in _SENTENCE_END.finditer(text):
        yield start, match.end()
        start = match.end()
    if start < len(text):
        yield start, len(text)


_FAMILY_CONTEXT = _FAMILY_ROLES | _FAMILY_WORDS | _EVENTS | _PLACEMENT


# Phrases that introduce a name or a nickname: "known as Lulu", "goes by Bex", "nicknamed
# Tiny", "we call him Mo", "a lad called Corey", "her name is Kasia".
_INTRODUCING_PHRASES = (
    ("known", "as"),
    ("goes", "by"),
    ("nicknamed",),
    ("called",),
    ("named",),
    ("name", "is"),
    ("call", "him"),
    ("call", "her"),
    ("calls", "him"),
    ("calls", "her"),
)


# Events strong enough to make initials or a nickname a child's ("JK disclosed"); "the DLA
# caseload" is not one.
_EVENTS_FOR_INITIALS = _words(
    """disclosed missing excluded arrested groomed exploited absconded remanded placed
    placement foster resi residential kinship"""
)


def _introducing_phrase_before(tokens: list[Token], first: int) -> int | None:
    """The index where an introducing phrase ends right before the name begins, or None."""
    for phrase in _INTRODUCING_PHRASES:
        start = first - len(phrase)
        if start >= 0 and tuple(t.lower for t in tokens[start:first]) == phrase:
            return start
    return None


def _relative_role_next_to(tokens: list[Token], first: int, last: int) -> bool:
    """ "stepdad liam", "nan (pat", "kayleigh, mum,": a family role right by the name, so an
    adult's age next to it identifies a relative."""
    before = first > 0 and (
        tokens[first - 1].lower in _FAMILY_ROLES
        or (
            first > 1
            and tokens[first - 2].lower in _FAMILY_ROLES
            and tokens[first - 1].text in {"(", ","}
        )
    )
    following = [t.lower for t in tokens[last + 1 : last + 4]]
    if len(following) >= 2 and following[0] in {"(", ","} and following[1] in _POSSESSIVES:
        following = following[:1] + following[2:]  # "Gavin, the dad (52)"
    after = len(following) >= 2 and following[0] in {"(", ","} and following[1] in _FAMILY_ROLES
    return before or after


def _judge(tokens: list[Token], candidate: Candidate) -> tuple[str, int] | None:
    """The cue that makes ``candidate`` identifying and the token it ends at, or None."""
    first, last = candidate.index, candidate.last
    if last + 1 < len(tokens) and tokens[last + 1].text in NOT_A_NAME:
        return None
    if any(t.lower in _ORGANISATION_AFTER for t in tokens[last + 1 : last + 3]):
        return None
    if candidate.kind == "unknown":
        end = _bracketed_age_after(tokens, last)
        if end is not None:
            return "age", end
        # "The baby, Nevaeh, is", "Grandad Sullivan": a child word or a relative's role
        # right before a capitalised word the gazetteer does not know.
        introduced = _child_word_before(tokens, first)
        if introduced is not None and introduced[0] == "introduced":
            return introduced
        if first > 0 and tokens[first - 1].lower in _RELATIVES_BY_NAME:
            return "family", first - 1
        introducing = _introducing_phrase_before(tokens, first)
        title = last + 1 < len(tokens) and tokens[last + 1].text[:1].isupper()  # "Kiss My Disco"
        return None if introducing is None or title else ("introduced", introducing)
    if candidate.kind == "lower_unknown":
        end = _bracketed_age_after(tokens, last, spelt_out=True)
        return None if end is None else ("age", end)
    if candidate.kind == "word_name":
        end = _year_group_after(tokens, last)
        if end is not None:
            return "year", end
        if _relative_role_next_to(tokens, first, last):
            end = _age_after(tokens, last, 1, adult=True)
            return None if end is None else ("adult_age", end)
        # "grace is 6", but not "our hope is 5" or "the rose is 3".
        determiner = first > 0 and tokens[first - 1].lower in _DETERMINERS
        if (
            not determiner
            and tokens[first].lower in _CHILD_NAMES_THAT_ARE_WORDS
            and last + 2 < len(tokens)
            and tokens[last + 1].lower in {"is", "was"}
        ):
            value = _number(tokens[last + 2])
            if value is not None and value <= 18 and _age_after(tokens, last, 1, False):
                return "age", last + 2
        return None
    adult = _relative_role_next_to(tokens, first, last)
    end = _age_after(tokens, last, 2 if not candidate.adjacent_only else 1, adult)
    if end is not None:
        return ("adult_age" if adult else "age"), end
    end = _year_group_after(tokens, last)
    if end is not None:
        return "year", end
    if candidate.kind == "surname":
        group = tokens[last].lower in _SURNAME_GROUPS and not candidate.adjacent_only
        if group or _word_near(tokens, first, last, _FAMILY_CONTEXT, 8) != -1:
            return "surname", last
        couple = first >= 2 and tokens[first - 1].lower == "and" and tokens[first - 2].lower == "mr"
        if couple:  # "Mr and Mrs Nowak": a couple, a family
            return "surname", first - 2
        saying = last + 1 < len(tokens) and tokens[last + 1].lower in _A_PARENT_SAYS
        return ("surname", last + 1) if saying else None
    if candidate.kind in {"initials", "nickname"}:
        # "JK disclosed", "KB in foster placement", "'Spider' went missing".
        if candidate.kind == "nickname" and not tokens[first + 1].text[:1].isupper():
            return None  # a word in scare quotes ("what counts as 'fair'")
        j = _word_after(tokens, last, _EVENTS_FOR_INITIALS, 4)
        return None if j == -1 else ("event", j)
    if candidate.adjacent_only:
        return None
    if candidate.kind == "name":
        introducing = _introducing_phrase_before(tokens, first)
        if introducing is not None:
            return "introduced", introducing
    for cue, words in (("school", _SCHOOL_WORDS), ("home", _STREET_WORDS)):
        end = _place_after(tokens, last, words)
        if end is not None:
            return cue, end
    j = _word_near(tokens, first, last, _PLACEMENT, 6)
    if j != -1:
        return "placement", j
    j = _word_after(tokens, last, _EVENTS, 8)
    if j != -1:
        return "event", j
    before = _child_word_before(tokens, first)
    if before is not None:
        return before
    if _my_child_before(tokens, first):
        return "event", last
    j = _word_near(tokens, first, last, _FAMILY_ROLES, 3)
    if j != -1:
        return "family", j
    return None


def find_people(text: str) -> Iterator[RuleFinding]:
    """The general rule over ``text``: each person candidate with a cue near it and no
    professional next to it, as a finding from the candidate to the cue."""
    for sentence_start, sentence_end in _sentences(text):
        sentence = text[sentence_start:sentence_end]
        tokens = [
            Token(m.group(0), sentence_start + m.start(), sentence_start + m.end())
            for m in _TOKEN.finditer(sentence)
        ]
        if not tokens:
            continue
        cited = _CITATION.search(sentence) is not None
        for candidate in _candidates(tokens):
            if candidate.kind in {"name", "surname"} and cited:
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
            kind, reason = _REASONS[cue]
            yield RuleFinding(
                kind=kind,
                reason=reason,
                start=min(start_token.start, tokens[cue_first].start),
                end=end_token.end,
            )
