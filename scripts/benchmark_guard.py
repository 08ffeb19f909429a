"""The anonymisation guard on its labelled evaluation set: recall (identifying texts
caught), false-alarm rate (ordinary professional texts flagged) and the p95 time to check a
2,000-character post, beside the targets (recall >= 95%, false alarms <= 5%, p95 <= 20 ms).
Every miss and every false alarm is listed.

    .venv/bin/python scripts/benchmark_guard.py [--posts 500] [--quiet] [--set PATH] [--repeat 5]
        [--cpu]

The set is tests/data/guard_set.jsonl (tests/support/guard_set.py describes it); figures
are printed for each of its parts (tuning, held-out, fresh, second and third fresh) and
for the practice-text sentences. ``--set tests/data/guard_blind_set.jsonl`` scores another
file in the same format instead, one line per split it holds, with the practice sentences
beside it. A last line scores the rules alone, without the learned reading
(app/guard/learned.py), so what each adds can be read off.
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from app.guard.detection import check_by_rules, check_document, check_text  # noqa: E402
from tests.support.guard_set import (  # noqa: E402
    CORPUS,
    Sample,
    Score,
    corpus_sentences,
    labelled_set,
    score,
)

RECALL_FLOOR = 0.95
FALSE_ALARM_CEILING = 0.05
P95_CEILING_MS = 20.0
POST_LENGTH = 2000


def flags(text: str) -> bool:
    return bool(check_text(text))


def _line(name: str, result: Score) -> str:
    recall = f"{result.recall:6.1%} ({result.caught}/{result.identifying})"
    alarms = f"{result.false_alarm_rate:5.1%} ({result.false_alarms}/{result.ordinary})"
    return f"{name:<22} recall {recall:<20} false alarms {alarms}"


def posts_of(samples: list[Sample], count: int) -> list[str]:
    """Posts of about 2,000 characters made of shuffled texts from the set and the corpus."""
    rng = random.Random(19)
    texts = [sample.text for sample in samples]
    posts = []
    for _ in range(count):
        parts: list[str] = []
        while sum(len(part) + 1 for part in parts) < POST_LENGTH:
            parts.append(rng.choice(texts))
        posts.append(" ".join(parts)[:POST_LENGTH])
    return posts


def p95_ms(posts: list[str], repeat: int = 1, cpu: bool = False) -> float:
    """The 95th percentile of the time to check one post; with ``repeat`` > 1 each post is
    timed that many times and its fastest run kept, which takes out most of the delay other
    processes add on a shared machine (the figure is then the detector's own cost). With
    ``cpu`` the clock is this process's processor time, which a busy machine barely moves."""
    clock = time.process_time if cpu else time.perf_counter
    for post in posts[:20]:
        check_text(post)  # warm caches (compiled patterns, the gazetteer)
    timings = []
    for post in posts:
        runs = []
        for _ in range(repeat):
            started = clock()
            check_text(post)
            runs.append((clock() - started) * 1000)
        timings.append(min(runs))
    return statistics.quantiles(timings, n=20)[-1]


PLANTED = (
    "Child's DOB 03/02/2019.",
    "NHS number 943 476 5919.",
    "Jayden Smith (4) was seen at school.",
    "She lives at 14 Harehills Lane, LS9 6ND.",
)


def documents_held() -> str:
    """Uploaded files are judged whole: how many practice texts would be held as they
    are, and with one strong identifier planted in the middle."""
    papers = [p.read_text(encoding="utf-8") for p in sorted(CORPUS.glob("*.txt"))]
    clean = sum(check_document(paper).held for paper in papers)
    planted = sum(
        check_document(
            paper[: len(paper) // 2] + "\n" + line + "\n" + paper[len(paper) // 2 :]
        ).held
        for paper in papers
        for line in PLANTED
    )
    return (
        f"documents held: {clean}/{len(papers)} practice texts as they are; "
        f"{planted}/{len(papers) * len(PLANTED)} with one planted strong identifier"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--posts", type=int, default=500)
    parser.add_argument("--quiet", action="store_true", help="figures only, no list of misses")
    parser.add_argument(
        "--repeat", type=int, default=1, help="time each post this many times, keep the fastest"
    )
    parser.add_argument(
        "--cpu", action="store_true", help="time with processor time, not the wall clock"
    )
    parser.add_argument(
        "--set",
        type=Path,
        default=None,
        help="score another labelled JSON-lines file (e.g. tests/data/guard_blind_set.jsonl)",
    )
    args = parser.parse_args()

    started = time.perf_counter()
    check_text("Warm up: Alfie (6).")
    first_call_ms = (time.perf_counter() - started) * 1000

    labelled = labelled_set(args.set) if args.set else labelled_set()
    corpus = corpus_sentences()
    if args.set:
        splits = sorted({s.split for s in labelled})
        parts = {f"{split} part": [s for s in labelled if s.split == split] for split in splits}
    else:
        parts = {
            "tuning part": [s for s in labelled if s.split == "tune"],
            "held-out part": [s for s in labelled if s.split == "heldout"],
            "fresh part": [s for s in labelled if s.split == "fresh"],
            "second fresh part": [s for s in labelled if s.split == "fresh2"],
            "third fresh part": [s for s in labelled if s.split == "fresh3"],
        }
    parts["practice sentences"] = corpus
    results = {name: score(samples, flags) for name, samples in parts.items()}
    whole = score(labelled + corpus, flags)

    print(f"labelled set: {len(labelled)} texts; practice sentences: {len(corpus)}")
    for name, result in results.items():
        print(_line(name, result))
    print(_line("all", whole))
    print(_line("all, rules alone", score(labelled + corpus, lambda t: bool(check_by_rules(t)))))
    print(f"targets: recall >= {RECALL_FLOOR:.0%}, false alarms <= {FALSE_ALARM_CEILING:.0%}")
    p95 = p95_ms(posts_of(labelled + corpus, args.posts), args.repeat, args.cpu)
    fastest = f", fastest of {args.repeat} runs per post" if args.repeat > 1 else ""
    fastest += ", processor time" if args.cpu else ""
    print(
        f"p95 per {POST_LENGTH}-character post{fastest}: {p95:.2f} ms "
        f"(ceiling {P95_CEILING_MS} ms; load average {os.getloadavg()[0]:.1f})"
    )
    print(f"first call (loads patterns and names): {first_call_ms:.0f} ms")
    print(documents_held())
    if args.quiet:
        return
    for result_name, result in results.items():
        for sample in result.misses:
            print(f"MISS  [{result_name}] {sample.form}: {sample.text}")
        for sample in result.alarms:
            found = "; ".join(f"{f.kind}: {f.text!r}" for f in check_text(sample.text))
            print(f"ALARM [{result_name}] {sample.form}: {sample.text}\n      -> {found}")


if __name__ == "__main__":
    main()
