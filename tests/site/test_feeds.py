"""Atom feeds of changes, site-wide and per unit, from content dates and the git history."""

from __future__ import annotations

import datetime as dt
import xml.etree.ElementTree as ET

import pytest
from conftest import DIFFICULT, DROP
from gitwork import GitWork

from generator.site.feeds import FEED_SIZE, feed_files
from generator.site.pages.view import SiteView

A = "{http://www.w3.org/2005/Atom}"
AS_OF = dt.date(2024, 12, 31)


def reg(reg_id: str, unit: str = "so-tai-chinh", **changes) -> dict:
    record = DIFFICULT | {"id": reg_id, "registrant": DIFFICULT["registrant"] | {"unit": unit}} | changes
    return {k: v for k, v in record.items() if v is not DROP}


@pytest.fixture
def repo(content, tmp_path):
    work = GitWork(tmp_path)
    content.registration(reg("2024-stc-01", status="registered"))
    content.registration(reg("2024-hbs-01", unit="huyen-uy-binh-son", title="Việc <khó> & mới", registered_on="2024-04-02"))
    work.commit("Danh mục", when="2024-03-20T09:00:00+07:00")
    obstacle = {"raised_on": dt.date(2024, 5, 10), "text": "Thiếu hồ sơ.", "resolved_on": dt.date(2024, 8, 1), "resolution": "Đã bổ sung."}
    content.registration(reg("2024-stc-01", status="in_progress", obstacles=[obstacle]))
    work.commit("Bắt đầu thực hiện", when="2024-06-01T10:15:00+07:00", author="Trần Văn Bình")
    return work


def feeds(content, as_of=AS_OF) -> dict[str, ET.Element]:
    return {f.path: ET.fromstring(f.content) for f in feed_files(SiteView(content.load(as_of)))}


def entries(feed: ET.Element) -> list[tuple[str, str, str, str]]:
    return [
        (e.findtext(f"{A}updated"), e.findtext(f"{A}title"), e.find(f"{A}link").get("href"), e.findtext(f"{A}author/{A}name"))
        for e in feed.findall(f"{A}entry")
    ]


def test_site_feed_lists_new_registrations_status_moves_and_resolved_obstacles(content, repo):
    site = feeds(content)["thay-doi.xml"]
    assert site.findtext(f"{A}title") == "Thay đổi: đăng ký việc khó, việc mới đột phá"
    assert site.findtext(f"{A}updated") == "2024-08-01T00:00:00+07:00"
    title = "Quyết toán dứt điểm các dự án tồn đọng"
    assert entries(site) == [
        ("2024-08-01T00:00:00+07:00", f"Tháo gỡ vướng mắc: {title}", "dang-ky/2024-stc-01/", "Ban Tổ chức Tỉnh ủy"),
        ("2024-06-01T10:15:00+07:00", f"Đang thực hiện: {title}", "dang-ky/2024-stc-01/", "Trần Văn Bình"),
        ("2024-04-02T00:00:00+07:00", "Đăng ký mới: Việc <khó> & mới", "dang-ky/2024-hbs-01/", "Nguyễn Văn An"),
        ("2024-03-15T00:00:00+07:00", f"Đăng ký mới: {title}", "dang-ky/2024-stc-01/", "Nguyễn Văn An"),
    ]
    move = site.findall(f"{A}entry")[1]
    assert move.findtext(f"{A}summary") == "Trạng thái chuyển từ Đã đăng ký sang Đang thực hiện."
    assert move.findtext(f"{A}id") == f"tag:dotpha,2024:2024-stc-01/trang-thai/{repo.git('rev-parse', 'HEAD').strip()}"


def test_each_unit_has_its_own_feed_linking_back_to_the_site(content, repo):
    found = feeds(content)
    assert sorted(found) == sorted(["thay-doi.xml"] + [f"don-vi/{u}/thay-doi.xml" for u in
                                   ("so-tai-chinh", "so-ke-hoach-dau-tu", "huyen-uy-binh-son", "dang-uy-xa-binh-son")])  # fmt: skip
    district = found["don-vi/huyen-uy-binh-son/thay-doi.xml"]
    assert district.findtext(f"{A}title") == "Thay đổi: Huyện ủy Bình Sơn"
    assert [e[1:3] for e in entries(district)] == [("Đăng ký mới: Việc <khó> & mới", "../../dang-ky/2024-hbs-01/")]
    empty = found["don-vi/so-ke-hoach-dau-tu/thay-doi.xml"]
    assert entries(empty) == [] and empty.findtext(f"{A}updated") == "2024-12-31T00:00:00+07:00"


def test_feeds_are_escaped_and_byte_identical_across_builds(content, repo):
    first = feed_files(SiteView(content.load(AS_OF)))
    again = feed_files(SiteView(content.load(AS_OF)))
    assert first == again
    site = first[0].content.decode()
    assert "<title>Đăng ký mới: Việc &lt;khó&gt; &amp; mới</title>" in site


def test_nothing_after_the_as_of_date(content, repo):
    site = feeds(content, dt.date(2024, 5, 1))["thay-doi.xml"]
    assert [e[0] for e in entries(site)] == ["2024-04-02T00:00:00+07:00", "2024-03-15T00:00:00+07:00"]


def test_without_git_the_feed_keeps_what_the_content_dates_say(content):
    content.registration(reg("2024-stc-01", registered_on=DROP))
    content.registration(reg("2024-stc-02", title="Có ngày đăng ký"))
    site = feeds(content)["thay-doi.xml"]
    assert [e[1] for e in entries(site)] == ["Đăng ký mới: Có ngày đăng ký"]


def test_feeds_keep_to_a_fixed_size(content):
    for n in range(FEED_SIZE + 5):
        content.registration(reg(f"2024-stc-{n:02d}", registered_on=dt.date(2024, 1, 1) + dt.timedelta(days=n)))
    site = feeds(content)["thay-doi.xml"]
    assert len(site.findall(f"{A}entry")) == FEED_SIZE
    assert entries(site)[0][0] == "2024-02-24T00:00:00+07:00"
