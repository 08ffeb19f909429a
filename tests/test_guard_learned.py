"""The guard's learned reading (app/guard/learned.py): a model that reads a passage as
describing a particular child or family, for the told forms no rule names. How well it
reads writing it has not seen is measured by scripts/train_guard_model.py --hold-out and
the blind sets in docs/anonymisation-guard.md; these tests pin how it joins the rules."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from app.discussions.models import Post
from app.guard import learned
from app.guard.detection import check_by_rules, check_document, check_text
from app.members.models import Member
from tests.support.database import count_rows
from tests.support.guard_set import FOURTH_OUTSIDE_SET_PATH, corpus_sentences, labelled_set
from tests.support.portal import MakeMember, add_thread, api

TOLD = "the 8yo who was pulled out of the canal at Elland last winter is back with mum"
PRACTICE = (
    "Supervision should make room for reflection as well as case direction. "
    "Managers can ask what the worker noticed, what they felt and what they would try next. "
    "Teams that protect this time report fewer rushed decisions at the end of the week. "
)


def test_a_child_known_by_a_story_is_found_where_no_rule_finds_anything() -> None:
    assert check_by_rules(TOLD) == []
    [finding] = check_text(TOLD)
    assert finding.kind == learned.KIND
    assert finding.label == "reads like a description of a particular child or family"
    assert finding.text == TOLD
    assert not finding.strong


def test_a_rule_keeps_its_own_reason_where_it_finds_the_passage() -> None:
    text = "We worked with Freya (12) and her brother at school after she disclosed."
    findings = check_text(text)
    assert [f.kind for f in findings] == [f.kind for f in check_by_rules(text)]
    assert learned.KIND not in {f.kind for f in findings}


def test_a_long_post_marks_only_the_sentences_around_the_child() -> None:
    post = f"{PRACTICE * 3}{TOLD[0].upper()}{TOLD[1:]}. {PRACTICE * 3}"
    found = [f for f in check_text(post) if f.kind == learned.KIND]
    assert found, "the told child in the middle of a long post"
    told_at = post.index("The 8yo")
    for finding in found:
        assert finding.start <= told_at < finding.end
        assert finding.end - finding.start <= learned.WINDOW_CHARACTERS


def test_the_rules_misses_in_the_fourth_outside_set_are_now_read() -> None:
    """The fourth outside set was held out when the threshold was chosen and is now part of
    the training; this checks that the shipped weights are the trained ones and that
    check_text uses them, not how well they generalise."""
    missed = [
        sample
        for sample in labelled_set(FOURTH_OUTSIDE_SET_PATH)
        if sample.identifying and not check_by_rules(sample.text)
    ]
    assert len(missed) >= 20
    caught = [sample for sample in missed if check_text(sample.text)]
    assert len(caught) >= 0.9 * len(missed), [s.text for s in missed if s not in caught]


def test_practice_writing_raises_no_learned_alarm() -> None:
    alarms = [s.text for s in corpus_sentences() if check_text(s.text)]
    assert alarms == []
    assert [f for f in check_text(PRACTICE * 6) if f.kind == learned.KIND] == []


def test_a_document_whose_only_finding_is_learned_is_listed_not_held() -> None:
    document = f"{PRACTICE * 4}\n\n{TOLD}.\n\n{PRACTICE * 4}"
    checked = check_document(document)
    assert not checked.held
    assert learned.KIND in {f.kind for f in checked.weak}


def test_the_api_lists_a_learned_finding_in_its_409(
    app: FastAPI, db: Session, make: MakeMember, browser_of: Callable[[Member], TestClient]
) -> None:
    author = make("Tia Writer")
    thread_id, _opening = add_thread(app, author.id, "Water safety", "What do you tell carers?")
    before = count_rows(db, Post)
    answer = api(
        browser_of(author), "POST", f"/api/v1/discussions/threads/{thread_id}/posts", {"body": TOLD}
    )
    assert answer.status_code == 409, answer.text
    [finding] = answer.json()["findings"]
    assert finding["kind"] == learned.KIND
    assert finding["label"] == learned.LABEL
    assert finding["text"] == TOLD
    assert count_rows(db, Post) == before


def test_a_window_scores_as_its_sentences_read_as_one_text() -> None:
    text = "Ok. She is 9! The lad from Elland, who moved. Year 4 at Oakwood? Ok. Thanks all."
    reading = learned.model()
    spans = list(learned.sentences(text))
    parts = [learned.shapes(text[start:end]) for start, end in spans]
    inner = [reading.inner(part) for part in parts]
    for first in range(len(parts)):
        for last in range(first + 1, min(first + 3, len(parts)) + 1):
            joined = [token for part in parts[first:last] for token in part]
            whole = reading._sigmoid(reading.bias + reading._sum(set(learned.grams_of(joined))))
            window = reading.window_probability(parts[first:last], inner[first:last])
            assert window == pytest.approx(whole, abs=1e-9)


def test_a_weak_rule_finding_in_plainly_ordinary_writing_is_let_go() -> None:
    bio = (
        "Social worker in the Calderdale CIN team since 2016. Interested in neglect, fathers, "
        "and dogs (mine is a very badly behaved spaniel called Marley)."
    )
    assert [f.kind for f in check_by_rules(bio)] == ["name_introduced"]
    assert check_text(bio) == []


def test_identifiers_are_kept_however_ordinary_the_words_around_them() -> None:
    """A reading that finds every passage plainly ordinary lets every weak finding go and
    keeps every identifier: a date of birth, an NHS number, a case record, a phone number,
    an address and its postcode."""
    trained = learned.model()
    sure_it_is_ordinary = learned.Weights(trained.bias, 1.01, 1.01, trained.weights)
    text = (
        "Room 4 is booked for Freya (12). DOB 03/02/2019, NHS no 943 476 5919, "
        "Mosaic ID 7654321. Dads number is 07911123456. She lives at 14 Harehills Lane, LS9 6ND."
    )
    kept = {f.kind for f in check_text(text, sure_it_is_ordinary)}
    assert "first_name_with_age" in {f.kind for f in check_by_rules(text)}
    assert "first_name_with_age" not in kept
    assert kept == {
        "date_of_birth",
        "nhs_number",
        "case_record_number",
        "phone_number",
        "street_address",
        "postcode",
    }
