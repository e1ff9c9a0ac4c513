"""The "as of" date that drives every derived flag."""

from __future__ import annotations

import datetime as dt
import os

from .errors import UsageError


FIRST_YEAR, LAST_YEAR = 2000, 2100  # the years a registration may have (schema.Year)


class AsOfError(UsageError, ValueError):
    pass


def parse_day(text: str) -> dt.date:
    try:
        day = dt.date.fromisoformat(text)
    except ValueError:
        raise AsOfError(f"ngày tính số liệu không hợp lệ (cần YYYY-MM-DD): {text!r}") from None
    return _in_range(day, f"--as-of {text}")


def _in_range(day: dt.date, given: str) -> dt.date:
    """Days of the years registrations may have; gzip and the sitemap cannot date 2205."""
    if not FIRST_YEAR <= day.year <= LAST_YEAR:
        raise AsOfError(f"{given}: ngày tính số liệu phải trong các năm {FIRST_YEAR}–{LAST_YEAR}")
    return day


def resolve_as_of(text: str | None = None) -> dt.date:
    """The given date, else SOURCE_DATE_EPOCH's day (UTC), else today."""
    if text:
        return parse_day(text)
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    if epoch:
        try:
            day = dt.datetime.fromtimestamp(int(epoch), tz=dt.timezone.utc).date()
        except (ValueError, OverflowError, OSError):
            raise AsOfError(f"SOURCE_DATE_EPOCH={epoch!r} không phải một thời điểm (số giây từ 01/01/1970)") from None
        return _in_range(day, f"SOURCE_DATE_EPOCH={epoch}")
    return dt.date.today()


def epoch_of(day: dt.date) -> str:
    """SOURCE_DATE_EPOCH for a day at noon UTC, so dates shown by MkDocs agree with it."""
    return str(int(dt.datetime(day.year, day.month, day.day, 12, tzinfo=dt.timezone.utc).timestamp()))
