"""Rebuild the guard's first-name gazetteer (app/guard/data/first_names.txt) from the
names-dataset package (a dev dependency: its 25 MB pickle takes seconds and hundreds of MB
to load, so the portal reads the small list this script writes, never the package).

A name is kept when it ranks among the most frequent first names of Great Britain, or
among the most frequent of the countries that most children in UK social care, or their
parents, come from (Ireland, Poland, Romania, Lithuania, Pakistan, India, Bangladesh,
Nigeria, Somalia's neighbours in the data, the Middle East) and the United States, whose
list carries the newest children's names (Luna, Harper) that the GB list, built from
adults' accounts, ranks low. Words that are ordinary English more often than names are
left out (see NOT_NAMES).

    .venv/bin/pip install names-dataset && .venv/bin/python scripts/build_guard_names.py
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
GB_RANK = 6000
OTHER_RANK = 800
OTHER_COUNTRIES = ("IE", "PL", "RO", "LT", "PK", "IN", "BD", "NG", "ET", "IQ", "AF", "TR", "US")
US_RANK = 2500


def main() -> None:
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
        if not re.fullmatch(r"[A-Z][a-z]+(?:-[A-Z][a-z]+)?", name) or len(name) < 3:
            continue
        if name in NOT_NAMES:
            continue
        frequent_here = ranks.get("GB", 10**9) <= GB_RANK or ranks.get("US", 10**9) <= US_RANK
        frequent_elsewhere = any(
            ranks.get(country, 10**9) <= OTHER_RANK for country in OTHER_COUNTRIES
        )
        if frequent_here or frequent_elsewhere:
            kept.add(name)
    OUT.parent.mkdir(parents=True, exist_ok=True)
    OUT.write_text("\n".join(sorted(kept)) + "\n", encoding="utf-8")
    print(f"{len(kept)} first names written to {OUT.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
