"""The guard's gazetteer of first names, and the words it never treats as one.

app/guard/data/first_names.txt is built by scripts/build_guard_names.py from the
names-dataset package (first names ranked by how often they occur in Great Britain and
in the countries many UK families come from). The portal reads only that small text file:
no download and no large model at run time.
"""

from __future__ import annotations

import gzip
from functools import lru_cache
from pathlib import Path

GAZETTEER = Path(__file__).resolve().parent / "data" / "first_names.txt"

# Words that names-dataset lists as first names but that, capitalised, are far more often
# ordinary words in practice writing (a sentence's first word, a month, a role, a place).
_ORDINARY_WORDS = """
    The This That These Those There Then They Their Them Our Your You She Her His Him Its
    And But For With From Into Onto Over Under After Before About Again Also Just Only
    Any All Each Every Some Many Most More Much Few Both Either Neither None Nothing
    Can Could Will Would Shall Should May Might Must Did Does Done Has Have Had Was Were
    Are Is Be Been Being Get Got Let Make Made Take Took See Saw Say Said Ask Asked Tell
    Told Call Called Help Need Look Thanks Thank Please Dear Hello Hi Yes Not Now New Old
    Young Little Big Good Best Great Well Very Much Still Even Ever Never Often Here Where
    When What Which Who Whom Whose Why How Today Tonight Tomorrow Yesterday Week Month
    Year Years Day Days January February March April June July August September October
    November December Monday Tuesday Wednesday Thursday Friday Saturday Sunday Christmas
    Easter Spring Summer Autumn Winter Mum Mom Dad Nan Nana Gran Granny Grandma Grandad
    Baby Child Children Kids Boy Girl Son Daughter Brother Sister Aunt Uncle Family
    Mother Father Parent Parents Carer Carers Foster Social Care Work Worker Team Manager
    Lead Chief Head Director Principal Practice Council City County Borough Leeds
    Bradford Wakefield Kirklees Calderdale Barnsley Doncaster Rotherham Sheffield Hull York
    Yorkshire Humber England English British Britain Wales Scotland Ireland London North
    South East West Royal Crown Court Judge Justice Police Health Hospital School College
    University Academy Centre Center Hall House Street Road Lane Park Hill Green Bank
    Church Chapel Station Market Bridge Field Wood Forest Brook River Dale Vale Moor
    Law Act Section Article Case Cases Review Report Study Research Evidence Data Figure
    Table Page Chapter Part Plan Panel Board Group Network Forum Week Trust Service
    Services Support Safe Safety Risk Hope Faith Joy Love Honey Angel Sunny Rain Storm
    Sky Star Ocean Blue Red Green Brown White Black Gray Grey Golden Silver Gold Amber
    Ruby Jade Crystal Diamond Pearl Ivy Holly Rose Lily Daisy Poppy Iris Violet Heather
    Hazel Willow Autumn Jasmine Olive Saffron Sage Bay Echo Harmony Melody Liberty
    Justice Patience Precious Princess Queen King Prince Duke Major Rich Sterling
    Chase Hunter Mason Carter Cooper Taylor Parker Porter Walker Ward Brook Brooke
    Max Bill Mark Pat Sue Rob Nick Jack Will Don Art Guy Ray Drew Miles Rich Frank
    Bob Chip Colt Dash Dot Gene Jean Kit Lee Les Lou Mel Ned Val Wren
"""
# Common children's names that are also words: kept as names because the patterns that use
# the gazetteer all require an age, a role or an event next to the name.
_NAMES_ALL_THE_SAME = """
    Ruby Jade Ivy Holly Rose Lily Daisy Poppy Iris Violet Willow Jasmine Olive Amber
    Summer Grace Hope Faith Liberty Harmony Mason Carter Cooper Hunter Taylor Parker
    Max Jack Mark Will Frank Lee Ray Drew Miles Nick Rob Sue Pat Bill Bob Heather Hazel
    Autumn Melody Echo Sage Wren Patience Precious Joy Princess"""
NOT_NAMES = frozenset(_ORDINARY_WORDS.split()) - frozenset(_NAMES_ALL_THE_SAME.split())


@lru_cache(maxsize=1)
def first_names() -> frozenset[str]:
    return frozenset(GAZETTEER.read_text(encoding="utf-8").split())


def is_first_name(word: str) -> bool:
    """``word`` as written (capitalised); a double-barrelled name counts by its first part."""
    head = word.split("-", 1)[0]
    return head not in NOT_NAMES and head in first_names()


# Names in the gazetteer that, written in lower case, are far more often English words
# ("will", "hope", "rose", "mark"): a lower-case word counts as a name only if it is not one.
_WORDS_IN_LOWER_CASE = """
    will than meet long home chance hope rose ran angle charity lovely max tone tiny sugar
    unique faith spike lucky frank mark promise mine daisy urban cash una nail grant hang
    sat ash cliff earl glen happy jolly ginger candy penny rocky rusty dusty misty buddy
    lance pierce reed rod dean baron echo sage amber ruby jade ivy holly lily violet iris
    olive heather hazel willow summer autumn grace harmony melody liberty carter cooper
    hunter mason parker taylor miles drew ray rob pat sue bill bob nick rex wade sonny
    chip dot gene colt dash jean kit lee les lou mel ned val wren art guy don bay star sky
    rain storm honey angel sunny joy love precious princess queen king prince duke major
    rich sterling chase porter walker ward brook brooke justice patience
"""
# In lower case these are words first; the general rule reads them as a name only next to a
# school year, a relative's role and age, or in "grace is 6".
NAMES_THAT_ARE_WORDS = frozenset(_WORDS_IN_LOWER_CASE.split()) | frozenset(
    name.lower() for name in _NAMES_ALL_THE_SAME.split()
)
_NOT_LOWER_CASE_NAMES = NAMES_THAT_ARE_WORDS | frozenset(
    word.lower() for word in _ORDINARY_WORDS.split()
)


def is_lower_case_first_name(word: str) -> bool:
    """``word`` written in lower case ("kayden", "tia") is a first name in the gazetteer and
    not also a common English word."""
    head = word.split("-", 1)[0]
    return (
        len(head) >= 3
        and head.islower()
        and head not in _NOT_LOWER_CASE_NAMES
        and head.capitalize() in first_names()
    )


DATA = Path(__file__).resolve().parent / "data"


@lru_cache(maxsize=1)
def surnames() -> frozenset[str]:
    """Lower-case surnames frequent in Great Britain or in the countries the first-name list
    draws on, minus everyday English words ("ward", "young"): built by
    scripts/build_guard_names.py from names-dataset, read here as a plain list."""
    return frozenset((DATA / "surnames.txt").read_text(encoding="utf-8").split())


@lru_cache(maxsize=1)
def english_words() -> frozenset[str]:
    """Everyday English words in lower case, text-speak included (wordfreq, at build time): a
    word outside this list, written before an age, may be a name the gazetteer lacks."""
    with gzip.open(DATA / "english_words.txt.gz", "rt", encoding="utf-8") as handle:
        return frozenset(handle.read().split())


def is_surname(word: str) -> bool:
    """``word`` in any case is a listed surname ("doherty", "Kowalski", "o'reilly")."""
    low = word.lower()
    if low in surnames():
        return True
    for prefix in ("o'", "o’", "mc", "mac"):
        if low.startswith(prefix) and len(low) > len(prefix) + 2:
            rest = low[len(prefix) :]
            return rest in surnames() or f"mc{rest}" in surnames()
    return False
