"""Train the guard's learned reading (app/guard/learned.py) and write its weights to
app/guard/data/child_described.json.gz.

It learns from every labelled set in tests/data (guard_*.jsonl), the practice texts'
sentences and the guard tests' clean sentences (both ordinary), less any set named with
``--hold-out``, which it then scores as writing the model has not seen: caught and false
alarms of the whole guard (detection.check_text with the model just fitted) at several
thresholds. THRESHOLD and ORDINARY_BELOW (below it, a weak rule finding in a passage is
let go) were chosen on such curves, each training set and outside set held out in turn,
before the last outside set was opened (docs/anonymisation-guard.md, "The learned
reading"). ``--folds`` adds five-fold out-of-fold figures, for the practice sentences
above all, which must raise no alarm.

scikit-learn is a dev dependency only (the portal reads the weights file and scores in
plain Python):

    .venv/bin/pip install scikit-learn
    .venv/bin/python scripts/train_guard_model.py                  # writes the weights
    .venv/bin/python scripts/train_guard_model.py --dry-run \
        --hold-out tests/data/guard_outside_set4.jsonl
"""

from __future__ import annotations

import argparse
import ast
import gzip
import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from app.guard import learned  # noqa: E402
from app.guard.detection import check_by_rules, check_text  # noqa: E402
from tests.support.guard_set import Sample, corpus_sentences, labelled_set  # noqa: E402

DATA = ROOT / "tests" / "data"
FOLDS = 5
THRESHOLDS = (0.4, 0.5, 0.6, 0.7, 0.8)
THRESHOLD = 0.5
ORDINARY_BELOW = 0.03
C = 3.0


def training_samples(hold_out: list[Path]) -> list[Sample]:
    held = {path.resolve() for path in hold_out}
    seen: set[str] = set()
    samples: list[Sample] = []
    for path in sorted(DATA.glob("guard_*.jsonl")):
        if path.resolve() in held:
            continue
        for sample in labelled_set(path):
            key = " ".join(sample.text.lower().split())
            if key not in seen:
                seen.add(key)
                samples.append(sample)
    return samples


# The guard's tests that hold hand-written ordinary sentences clean; their sentences are
# ordinary examples to learn from, as the rules were written to let them through.
CLEAN_SENTENCE_TESTS = {
    "test_anonymisation.py": {"test_lets_through"},
    "test_guard_forms.py": {"test_near_misses_stay_clean"},
    "test_guard_forms2.py": {"test_near_misses_stay_clean"},
    "test_guard_forms3.py": {"test_near_misses_stay_clean"},
    "test_guard_rule.py": {
        "test_no_cue_no_finding",
        "test_professional_and_public_cues_cancel",
        "test_fresh_ordinary_writing_is_let_through",
    },
}


def clean_sentences_of_tests() -> list[Sample]:
    """The string cases of CLEAN_SENTENCE_TESTS' parametrize lists, read from the source."""
    samples: list[Sample] = []
    for module, names in CLEAN_SENTENCE_TESTS.items():
        tree = ast.parse((ROOT / "tests" / module).read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if not isinstance(node, ast.FunctionDef) or node.name not in names:
                continue
            for decorator in node.decorator_list:
                if isinstance(decorator, ast.Call) and len(decorator.args) == 2:
                    for case in ast.walk(decorator.args[1]):
                        if isinstance(case, ast.Constant) and isinstance(case.value, str):
                            samples.append(Sample(case.value, False, node.name, "tests"))
    return samples


def fit(texts: list[str], labels: list[int], c: float) -> tuple[dict[str, float], float]:
    """The weights (rounded, the negligible left out) and the bias of a model fitted on
    ``texts``."""
    from sklearn.feature_extraction.text import CountVectorizer
    from sklearn.linear_model import LogisticRegression

    vectoriser = CountVectorizer(analyzer=learned.features, binary=True, min_df=2)
    classifier = LogisticRegression(C=c, max_iter=2000, solver="liblinear")
    classifier.fit(vectoriser.fit_transform(texts), labels)
    weights = {
        str(name): round(float(weight), 4)
        for name, weight in zip(
            vectoriser.get_feature_names_out(), classifier.coef_[0], strict=True
        )
        if abs(weight) >= 0.0005
    }
    return weights, float(classifier.intercept_[0])


def figures(samples: list[Sample], flagged: list[bool]) -> str:
    caught = sum(1 for s, f in zip(samples, flagged, strict=True) if s.identifying and f)
    alarms = sum(1 for s, f in zip(samples, flagged, strict=True) if not s.identifying and f)
    identifying = sum(1 for s in samples if s.identifying)
    ordinary = len(samples) - identifying
    return f"{caught / max(identifying, 1):.1%} / {alarms / max(ordinary, 1):.1%}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--hold-out", type=Path, action="append", default=[])
    parser.add_argument("--threshold", type=float, default=THRESHOLD)
    parser.add_argument("--ordinary-below", type=float, default=ORDINARY_BELOW)
    parser.add_argument("--c", type=float, default=C, help="inverse regularisation")
    parser.add_argument("--folds", action="store_true", help="also print out-of-fold figures")
    parser.add_argument("--dry-run", action="store_true", help="do not write the weights")
    args = parser.parse_args()

    labelled = training_samples(args.hold_out) + clean_sentences_of_tests()
    corpus = corpus_sentences()
    samples = labelled + corpus
    texts = [s.text for s in samples]
    labels = [1 if s.identifying else 0 for s in samples]
    print(
        f"training texts: {len(labelled)} labelled ({sum(labels)} identifying), "
        f"{len(corpus)} practice sentences"
    )

    def reading_of(weights: dict[str, float], bias: float, threshold: float) -> learned.Weights:
        return learned.Weights(bias, threshold, args.ordinary_below, weights)

    if args.folds:
        from sklearn.model_selection import StratifiedKFold

        flagged = [False] * len(samples)
        folds = StratifiedKFold(n_splits=FOLDS, shuffle=True, random_state=19)
        for train, test in folds.split(texts, labels):
            weights, bias = fit([texts[i] for i in train], [labels[i] for i in train], args.c)
            reading = reading_of(weights, bias, args.threshold)
            for i in test:
                flagged[i] = bool(check_text(texts[i], reading))
        rules = [bool(check_by_rules(t)) for t in texts]
        print(f"rules alone, caught / false alarms: {figures(labelled, rules[: len(labelled)])}")
        print(
            f"rules and model out of fold at {args.threshold:.2f}: "
            f"{figures(labelled, flagged[: len(labelled)])}; practice sentences flagged: "
            f"{sum(flagged[len(labelled) :])} of {len(corpus)}"
        )

    weights, bias = fit(texts, labels, args.c)
    for path in args.hold_out:
        held = labelled_set(path)
        rules = [bool(check_by_rules(s.text)) for s in held]
        curve = [
            f"{level:.2f}: "
            + figures(
                held, [bool(check_text(s.text, reading_of(weights, bias, level))) for s in held]
            )
            for level in THRESHOLDS
        ]
        print(
            f"held out {path.name}, caught / false alarms: rules {figures(held, rules)}; "
            "rules and model at " + ", ".join(curve)
        )

    if args.dry_run:
        return
    payload = {
        "bias": bias,
        "threshold": args.threshold,
        "ordinary_below": args.ordinary_below,
        "trained_on": sorted({s.split for s in samples}),
        "weights": weights,
    }
    with gzip.open(learned.MODEL, "wt", encoding="utf-8") as handle:
        json.dump(payload, handle, sort_keys=True, separators=(",", ":"))
    print(f"wrote {learned.MODEL.relative_to(ROOT)}: {len(weights)} weights")


if __name__ == "__main__":
    main()
