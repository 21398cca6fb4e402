"""The pure rules of extensions and confirmed completion: document numbers written the
Vietnamese way (property-tested), who approves and confirms, how an extension is judged, and
rules.access for the new actions."""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from rules import Outcome, TaskFacts, outcome_on
from rules.access import Action, Actor, Refusal, TaskScope, decide, decide_step
from rules.approvals import (
    Step,
    completion_step,
    extension_steps,
    judged,
    next_step,
    within_extension,
)
from rules.docnumber import parse_document_number, split_document_number
from rules.roles import Role

LETTERS = "ABCDEGHIKLMNOPQRSTUVXYĐ"
code = st.text(alphabet=LETTERS, min_size=1, max_size=8)
number = st.integers(min_value=1, max_value=99999).map(str)
year = st.integers(min_value=1990, max_value=2099).map(str)


@st.composite
def document_numbers(draw: st.DrawFn) -> str:
    issuers = draw(st.lists(code, min_size=1, max_size=3))
    with_year = draw(st.booleans())
    middle = f"/{draw(year)}" if with_year else ""
    return f"{draw(number)}{middle}/{draw(code)}-" + "-".join(issuers)


@given(document_numbers())
def test_a_well_formed_number_is_recognised_as_itself(text: str) -> None:
    assert parse_document_number(text) == text


@given(document_numbers(), st.sampled_from(["Số ", "số ", "Số: ", "so ", "SỐ "]))
def test_the_so_prefix_and_lower_case_are_read_the_same(text: str, prefix: str) -> None:
    assert parse_document_number(prefix + text.lower()) == text


@given(st.text(alphabet=st.characters(blacklist_characters="/"), max_size=40))
def test_without_a_slash_nothing_is_a_document_number(text: str) -> None:
    assert parse_document_number(text) is None


@given(document_numbers(), st.text(alphabet="abc xyz đã gửi", max_size=30))
def test_split_keeps_the_note_after_the_number(text: str, note: str) -> None:
    found, rest = split_document_number(f"Số {text} {note}")
    assert found == text
    assert rest == " ".join(note.split())


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("123/BC-SNN", "123/BC-SNN"),
        ("Số 45/KH-SNNPTNT", "45/KH-SNNPTNT"),
        ("12/2023/QĐ-UBND", "12/2023/QĐ-UBND"),
        ("07/BC-CCTL-KHTC", "07/BC-CCTL-KHTC"),
        ("12/QĐ", None),  # no issuer
        ("Đã gửi", None),
        ("50%", None),
        ("1/2/3", None),
    ],
)
def test_document_numbers_of_the_plan(text: str, expected: str | None) -> None:
    assert parse_document_number(text) == expected


def test_split_without_a_number_leaves_the_note() -> None:
    assert split_document_number("Đã gửi UBND tỉnh") == (None, "Đã gửi UBND tỉnh")


# -- who approves, who confirms ---------------------------------------------------------------


def test_extension_steps_in_turn() -> None:
    assert extension_steps("tccb") == (Step.TCCB,)
    steps = extension_steps("head_then_tccb")
    assert next_step(steps, Step.HEAD) is Step.TCCB
    assert next_step(steps, Step.TCCB) is None


@pytest.mark.parametrize(
    ("setting", "role", "head_needs_tccb", "expected"),
    [
        ("none", Role.OFFICER, False, None),
        ("head", Role.OFFICER, False, Step.HEAD),
        ("head", Role.HEAD, False, None),
        ("head", Role.HEAD, True, Step.TCCB),
        ("tccb", Role.OFFICER, False, Step.TCCB),
        ("tccb", Role.HEAD, False, Step.TCCB),
        ("head", Role.TCCB, False, None),
        ("head", Role.ADMIN, True, None),
    ],
)
def test_who_confirms_a_completion(
    setting: str, role: Role, head_needs_tccb: bool, expected: Step | None
) -> None:
    assert completion_step(setting, role, head_needs_tccb) == expected


def test_an_extension_judged_by_the_rule() -> None:
    task = TaskFacts(
        1,
        "NV",
        "KHTC",
        deadline=date(2023, 7, 31),
        completed_on=date(2023, 7, 14),
        extended_from=date(2023, 6, 30),
    )
    assert within_extension(task)
    assert outcome_on(judged(task, False), date(2023, 8, 1)) is Outcome.DONE_ON_TIME
    assert outcome_on(judged(task, True), date(2023, 8, 1)) is Outcome.DONE_LATE
    unfinished = TaskFacts(2, "NV", "KHTC", date(2023, 7, 31), extended_from=date(2023, 6, 30))
    assert outcome_on(judged(unfinished, False), date(2023, 7, 5)) is Outcome.OPEN
    assert outcome_on(judged(unfinished, True), date(2023, 7, 5)) is Outcome.OVERDUE
    plain = TaskFacts(3, "NV", "KHTC", date(2023, 6, 30), completed_on=date(2023, 6, 1))
    assert judged(plain, True) == plain and not within_extension(plain)


# -- access ----------------------------------------------------------------------------------

KHTC, VP = 2, 3
LAN = Actor(4, KHTC, Role.OFFICER)
TAM = Actor(8, KHTC, Role.OFFICER)
HAI = Actor(3, KHTC, Role.HEAD)
QUAN = Actor(5, VP, Role.HEAD)
TUNG = Actor(2, 1, Role.TCCB)
SO = Actor(10, VP, Role.DIRECTOR)


def test_who_may_ask_for_an_extension() -> None:
    task = TaskScope.of(KHTC)
    assert decide(LAN, Action.EXTEND, task) and decide(HAI, Action.EXTEND, task)
    assert decide(QUAN, Action.EXTEND, task).reason is Refusal.OTHER_UNIT
    assert decide(SO, Action.EXTEND, task).reason is Refusal.READ_ONLY
    named = TaskScope.of(KHTC, assignee_id=LAN.officer_id)
    assert decide(LAN, Action.EXTEND, named) and decide(HAI, Action.EXTEND, named)
    assert decide(TAM, Action.EXTEND, named).reason is Refusal.ASSIGNEE_ONLY
    done = TaskScope.of(KHTC, state="done")
    assert decide(LAN, Action.EXTEND, done).reason is Refusal.NOT_OPEN
    co = TaskScope.of(VP, co_unit_ids=[KHTC])
    assert decide(LAN, Action.EXTEND, co).reason is Refusal.LEAD_ONLY


def test_who_decides_each_step() -> None:
    task = TaskScope.of(KHTC)
    assert decide_step(HAI, "head", task) and not decide_step(QUAN, "head", task)
    assert not decide_step(LAN, "head", task) and not decide_step(TUNG, "head", task)
    assert decide_step(TUNG, "tccb", task) and not decide_step(HAI, "tccb", task)
    assert decide_step(Actor(7, VP, Role.ADMIN), "head", task)
    assert not decide_step(Actor(2, 1, Role.TCCB, active=False), "tccb", task)


def test_who_may_reopen_a_done_task() -> None:
    done = TaskScope.of(KHTC, state="done")
    assert decide(HAI, Action.REOPEN_DONE, done) and decide(TUNG, Action.REOPEN_DONE, done)
    assert decide(LAN, Action.REOPEN_DONE, done).reason is Refusal.HEADS_ONLY
    assert decide(QUAN, Action.REOPEN_DONE, done).reason is Refusal.HEADS_ONLY
    assert decide(SO, Action.REOPEN_DONE, done).reason is Refusal.READ_ONLY
    assert decide(HAI, Action.REOPEN_DONE, TaskScope.of(KHTC)).reason is Refusal.NOT_DONE
