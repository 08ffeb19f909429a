"""Rebuild the guard's first-name gazetteer (app/guard/data/first_names.txt) from the
names-dataset package (a dev dependency: its 25 MB pickle takes seconds and hundreds of MB
to load, so the portal reads the small list this script writes, never the package).

A name is kept when it ranks among the most frequent first names of Great Britain, or
among the most frequent of the countries that most children in UK social care, or their
parents, come from (Ireland, Poland, Romania, Lithuania, Bulgaria, Albania, Portugal,
Pakistan, India, Bangladesh, Nigeria, Ghana, Jamaica, Ethiopia; Djibouti, Egypt and Sudan
stand in for Somalia and Eritrea, which the data lacks; Syria, Iraq, Iran, Yemen, Morocco,
Algeria, Afghanistan, Turkey; for the general rule of issue 19 also Hong Kong, Malaysia,
China, the Philippines, Cameroon, Kuwait, Saudi Arabia, Jordan and Lebanon, the data's
nearest to families from East and South-East Asia, Central Africa and the Gulf) and the
United States, whose list carries the newest children's names (Nevaeh, Harper) that the GB
list, built from adults' accounts, ranks low. Names keep their accents (Ionuț, Zoë). Words
that are ordinary English more often than names are left out (see NOT_NAMES); those that
are everyday words in lower case are also listed in word_like_names.txt
(``--word-like-only`` rewrites that list from the shipped gazetteer alone).

It also writes two more small lists the general rule reads (app/guard/people.py):

- app/guard/data/surnames.txt: surnames ranked among the most frequent of Great Britain or
  of the same countries, in lower case, leaving out those that are everyday English words
  (wordfreq's Zipf frequency SURNAME_WORD_ZIPF or more: "ward", "young", "lane", "foster"),
  for family forms in any case ("the doherty lot") and a full name next to an age;
- app/guard/data/english_words.txt.gz: the everyday English words (Zipf ENGLISH_LIST_ZIPF or
  more, text-speak included, less words below Zipf NAME_WORD_ZIPF that are frequent first
  names: "kyrie", "hung"), so that a word outside it, written before an age ("giorgi 17
  arrived", "Yusra 15 refuses"), can be read as an unknown name.

    .venv/bin/pip install names-dataset wordfreq
    .venv/bin/python scripts/build_guard_names.py
"""

from __future__ import annotations

import gzip
import importlib.util
import pickle
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from app.guard.names import NOT_NAMES  # noqa: E402

OUT = ROOT / "app" / "guard" / "data" / "first_names.txt"
WORD_LIKE_OUT = ROOT / "app" / "guard" / "data" / "word_like_names.txt"
SURNAMES_OUT = ROOT / "app" / "guard" / "data" / "surnames.txt"
# Compressed: about 0.2 MB of plain words otherwise, read once at start.
ENGLISH_OUT = ROOT / "app" / "guard" / "data" / "english_words.txt.gz"
# Surnames: rank in Great Britain, in the other countries, and the Zipf frequency above which
# the lower-case surname is an everyday word ("hughes" 4.08 and "murphy" 4.13 stay; "ward"
# 4.37, "foster" 4.33 and "lee" 4.73 go).
SURNAME_GB_RANK = 8000
SURNAME_OTHER_RANK = 1000
SURNAME_WORD_ZIPF = 4.2
ENGLISH_LIST_ZIPF = 3.0
NAME_RANK = 1000
NAME_WORD_ZIPF = 4.0
# A gazetteer name at or above this Zipf frequency in lower case is an everyday English word
# ("long", "hope", "will"; common names such as "james" too, since wordfreq folds case):
# the general rule (app/guard/people.py) reads it as a name in lower case only right next to
# an age or a school year.
WORD_LIKE_ZIPF = 4.3
GB_RANK = 6000
OTHER_RANK = 800
OTHER_COUNTRIES = (
    "IE", "PL", "RO", "LT", "BG", "AL", "PT", "PK", "IN", "BD", "NG", "GH", "JM", "ET", "DJ",
    "EG", "SD", "SY", "IQ", "IR", "YE", "MA", "DZ", "AF", "TR", "US",
    "HK", "MY", "CN", "PH", "CM", "KW", "SA", "JO", "LB",
)  # fmt: skip
US_RANK = 2500
# The first lists (GB, US, and IE PL RO LT PK IN BD NG ET IQ AF TR) admit a name on rank
# alone, as before; the countries added later for issue 19 admit one only if it is not also
# an everyday English word (wordfreq's Zipf frequency below 3.6: "Mohamed" 3.57 stays, "File"
# 4.75 and "Man" 5.82 go), since the lower-case patterns read any gazetteer name as a child's.
FIRST_COUNTRIES = frozenset(
    ("IE", "PL", "RO", "LT", "PK", "IN", "BD", "NG", "ET", "IQ", "AF", "TR")
)
ENGLISH_WORD_ZIPF = 3.6
# A capitalised name, accented letters included; a double-barrelled one once hyphenated.
_NAME_SHAPE = re.compile(
    r"[A-ZÀ-ÖØ-Þ][a-zß-öø-ÿ\u0100-\u024f]+(?:-[A-ZÀ-ÖØ-Þ][a-zß-öø-ÿ\u0100-\u024f]+)?"
)


def main() -> None:
    from wordfreq import zipf_frequency  # dev dependency, like names-dataset

    spec = importlib.util.find_spec("names_dataset")  # located, not imported: only its data
    if spec is None or not spec.submodule_search_locations:
        sys.exit("names-dataset is not installed: .venv/bin/pip install names-dataset")
    package_dir = Path(next(iter(spec.submodule_search_locations)))
    pickle_path = package_dir / "v3" / "first_names.pkl.gz"
    with gzip.open(pickle_path, "rb") as handle:
        names: dict[str, dict] = pickle.load(handle)  # the package's own data
    kept = set()
    for name, info in names.items():
        ranks = info.get("rank") or {}
        if not _NAME_SHAPE.fullmatch(name) or len(name) < 3:
            continue
        if name in NOT_NAMES:
            continue
        frequent_here = ranks.get("GB", 10**9) <= GB_RANK or ranks.get("US", 10**9) <= US_RANK
        frequent_in = {c for c in OTHER_COUNTRIES if ranks.get(c, 10**9) <= OTHER_RANK}
        not_a_word = zipf_frequency(name.lower(), "en") < ENGLISH_WORD_ZIPF
        if frequent_here or frequent_in & FIRST_COUNTRIES or (frequent_in and not_a_word):
            kept.add(name)
    OUT.parent.mkdir(parents=True, exist_ok=True)
    OUT.write_text("\n".join(sorted(kept)) + "\n", encoding="utf-8")
    print(f"{len(kept)} first names written to {OUT.relative_to(ROOT)}")
    write_word_like_names(kept)
    write_surnames(package_dir)
    write_english_words(names)


def write_surnames(package_dir: Path) -> None:
    from wordfreq import zipf_frequency

    with gzip.open(package_dir / "v3" / "last_names.pkl.gz", "rb") as handle:
        surnames: dict[str, dict] = pickle.load(handle)  # the package's own data
    kept = set()
    for name, info in surnames.items():
        ranks = info.get("rank") or {}
        if not _NAME_SHAPE.fullmatch(name) or len(name) < 3:
            continue
        frequent = ranks.get("GB", 10**9) <= SURNAME_GB_RANK or any(
            ranks.get(c, 10**9) <= SURNAME_OTHER_RANK for c in OTHER_COUNTRIES
        )
        low = name.lower()
        if frequent and name not in NOT_NAMES and zipf_frequency(low, "en") < SURNAME_WORD_ZIPF:
            kept.add(low)
    SURNAMES_OUT.write_text("\n".join(sorted(kept)) + "\n", encoding="utf-8")
    print(f"{len(kept)} surnames written to {SURNAMES_OUT.relative_to(ROOT)}")


def write_english_words(names: dict[str, dict]) -> None:
    """Everyday English words, less the first names wordfreq counts only because people are
    called that ("kyrie", "hung", "jaxon"): a frequent first name (NAME_RANK or better in a
    listed country) below NAME_WORD_ZIPF is a name first."""
    from wordfreq import top_n_list, zipf_frequency

    countries = ("GB", "US", *OTHER_COUNTRIES)

    def a_name_first(word: str, zipf: float) -> bool:
        ranks = (names.get(word.capitalize()) or {}).get("rank") or {}
        return zipf < NAME_WORD_ZIPF and any(ranks.get(c, 10**9) <= NAME_RANK for c in countries)

    words = sorted(
        word
        for word in top_n_list("en", 60000)
        if word.isalpha()
        and (zipf := zipf_frequency(word, "en")) >= ENGLISH_LIST_ZIPF
        and not a_name_first(word, zipf)
    )
    with (
        open(ENGLISH_OUT, "wb") as raw,
        gzip.GzipFile(fileobj=raw, mode="wb", mtime=0, filename="") as handle,
    ):
        handle.write(("\n".join(words) + "\n").encode("utf-8"))
    print(f"{len(words)} everyday English words written to {ENGLISH_OUT.relative_to(ROOT)}")


def write_word_like_names(names: set[str]) -> None:
    from wordfreq import zipf_frequency

    word_like = sorted(
        {n.lower() for n in names if zipf_frequency(n.lower(), "en") >= WORD_LIKE_ZIPF}
    )
    WORD_LIKE_OUT.write_text("\n".join(word_like) + "\n", encoding="utf-8")
    print(f"{len(word_like)} word-like names written to {WORD_LIKE_OUT.relative_to(ROOT)}")


if __name__ == "__main__":
    if sys.argv[1:] == ["--word-like-only"]:  # from the shipped list, without names-dataset
        write_word_like_names(set(OUT.read_text(encoding="utf-8").split()))
    else:
        main()
