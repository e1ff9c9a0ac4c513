"""The rows of the official tally (derive.tally_of): one per registration, as of a date."""

from __future__ import annotations

import datetime as dt

from conftest import DIFFICULT

from generator.domain.derive import Tally, tally_of, tally_sentence
from generator.domain.schema import Registration

AS_OF = dt.date(2024, 12, 31)


def registration(**changes) -> Registration:
    return Registration.model_validate({**DIFFICULT, **changes})


def test_each_registration_falls_in_one_row():
    done = {"start": "2024-04-01", "due": "2024-09-30", "completed_on": "2024-09-30"}
    assert tally_of(registration(status="completed", schedule=done), AS_OF) is Tally.on_time
    assert tally_of(registration(status="completed", schedule=done | {"completed_on": "2024-10-01"}), AS_OF) is Tally.late
    assert tally_of(registration(schedule={"due": "2025-03-31"}), AS_OF) is Tally.within
    assert tally_of(registration(schedule={"due": "2024-10-31"}), AS_OF) is Tally.overdue
    assert tally_of(registration(status="paused", schedule={"due": "2024-10-31"}), AS_OF) is Tally.paused  # not overdue
    assert tally_of(registration(status="withdrawn"), AS_OF) is Tally.withdrawn
    assert tally_of(registration(status="not_completed"), AS_OF) is Tally.not_completed


def test_an_extension_moves_the_deadline_the_tally_uses():
    moved = {"due": "2024-09-30", "completed_on": "2024-11-20",
             "extensions": [{"date": "2024-09-15", "due": "2024-11-30", "approved_by": "btv-tinh-uy"}]}  # fmt: skip
    assert tally_of(registration(status="completed", schedule=moved), AS_OF) is Tally.on_time
    assert tally_of(registration(schedule=moved | {"completed_on": None}), dt.date(2024, 10, 15)) is Tally.within


def test_the_sentence_counts_each_row_in_the_tally_order():
    done = {"due": "2024-09-30", "completed_on": "2024-09-01"}
    rows = [registration(status="completed", schedule=done), registration(schedule={"due": "2024-10-31"}),
            registration(status="completed", schedule=done | {"completed_on": "2024-10-02"})]  # fmt: skip
    assert tally_sentence(rows, AS_OF) == "Đăng ký 3 việc: 1 hoàn thành đúng hạn, 1 hoàn thành quá hạn, 1 quá hạn chưa hoàn thành."
    assert tally_sentence([], AS_OF) == "Đăng ký 0 việc."
