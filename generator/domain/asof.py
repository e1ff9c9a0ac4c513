"""The "as of" date that drives every derived flag."""

from __future__ import annotations

import datetime as dt
import os

from .errors import UsageError


class AsOfError(UsageError, ValueError):
    pass


def parse_day(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise AsOfError(f"ngày tính số liệu không hợp lệ (cần YYYY-MM-DD): {text!r}") from None


def resolve_as_of(text: str | None = None) -> dt.date:
    """The given date, else SOURCE_DATE_EPOCH's day (UTC), else today."""
    if text:
        return parse_day(text)
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    if epoch:
        return dt.datetime.fromtimestamp(int(epoch), tz=dt.timezone.utc).date()
    return dt.date.today()


def epoch_of(day: dt.date) -> str:
    """SOURCE_DATE_EPOCH for a day at noon UTC, so dates shown by MkDocs agree with it."""
    return str(int(dt.datetime(day.year, day.month, day.day, 12, tzinfo=dt.timezone.utc).timestamp()))
