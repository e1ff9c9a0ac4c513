"""Dashboard figures (derive.py) and the pages that show them: home, year, unit, person."""

from __future__ import annotations

import datetime as dt
import re

from generator.domain.derive import (
    STALE_DAYS,
    days_without_update,
    figures_by,
    figures_of,
    is_stale,
    last_activity_on,
    months_between,
    status_kind_counts,
    updates_by_month,
)
from generator.site.pages import PageRenderer
from generator.site.pages.dashboard import LIST_LIMIT, dashboard_of
from generator.domain.schema import Status

AS_OF = dt.date(2024, 12, 31)
D = dt.date


def update(day: dt.date, progress: int | None = None) -> dict:
    return {"date": day, "progress": progress, "text": "Báo cáo."} if progress is not None else {"date": day, "text": "Báo cáo."}


def write_sample(content) -> None:
    content.registration(updates=[update(D(2024, 5, 2), 20), update(D(2024, 9, 1), 50)])  # in progress, last report 01/09
    content.registration(id="2024-stc-02", status="registered", registered_on=D(2024, 3, 15))  # nothing reported
    content.registration(
        id="2024-stc-03", kind="breakthrough", status="completed",
        schedule={"start": D(2024, 4, 1), "due": D(2024, 6, 30), "completed_on": D(2024, 6, 20)},
        updates=[update(D(2024, 6, 20), 100)],
    )
    content.registration(
        id="2024-stc-04", status="completed",
        schedule={"start": D(2024, 4, 1), "due": D(2024, 6, 30), "completed_on": D(2024, 8, 1)},
        updates=[update(D(2024, 8, 1), 100)],
    )
    content.registration(
        id="2024-hubs-01", registrant={"name": "Trần Văn Bình", "position": "Bí thư", "unit": "huyen-uy-binh-son"},
        schedule={"start": D(2024, 4, 1), "due": D(2024, 10, 31)}, updates=[update(D(2024, 12, 20), 70)],
        obstacles=[{"raised_on": D(2024, 7, 1), "text": "Thiếu <vốn>."}, {"raised_on": D(2024, 11, 1), "text": "Chậm giá đất."}],
    )


def registrations(content):
    loaded = content.load(AS_OF)
    return loaded, {e.id: e.registration for e in loaded.entries}


# ---------------------------------------------------------------- derive


def test_last_activity_and_days_without_update(content):
    write_sample(content)
    _, regs = registrations(content)
    assert last_activity_on(regs["2024-stc-01"]) == D(2024, 9, 1)
    assert last_activity_on(regs["2024-stc-02"]) == D(2024, 3, 15)  # registered, never reported
    assert days_without_update(regs["2024-stc-01"], AS_OF) == 121
    assert days_without_update(regs["2024-stc-01"], D(2024, 1, 1)) == 0  # never negative


def test_stale_means_open_and_silent_for_90_days(content):
    write_sample(content)
    _, regs = registrations(content)
    assert STALE_DAYS == 90
    assert is_stale(regs["2024-stc-01"], AS_OF) and is_stale(regs["2024-stc-02"], AS_OF)
    assert not is_stale(regs["2024-hubs-01"], AS_OF)  # reported on 20/12
    assert not is_stale(regs["2024-stc-04"], AS_OF)  # closed
    assert not is_stale(regs["2024-stc-01"], D(2024, 11, 29)) and is_stale(regs["2024-stc-01"], D(2024, 11, 30))


def test_rates_completion_and_on_time(content):
    write_sample(content)
    _, regs = registrations(content)
    figures = figures_of(list(regs.values()), AS_OF)
    assert figures.completion_rate == 2 / 5
    assert figures.on_time_rate == 1 / 2
    assert figures_of([], AS_OF).on_time_rate is None and figures_of([], AS_OF).completion_rate is None
    by_unit = figures_by(list(regs.values()), lambda r: r.registrant.unit, AS_OF)
    assert list(by_unit) == ["huyen-uy-binh-son", "so-tai-chinh"]  # order of first appearance (entries sort by id)
    assert by_unit["so-tai-chinh"].total == 4 and by_unit["huyen-uy-binh-son"].overdue == 1


def test_status_kind_counts_cover_every_status_and_kind(content):
    write_sample(content)
    _, regs = registrations(content)
    counts = status_kind_counts(list(regs.values()))
    assert list(counts) == list(Status)
    assert counts[Status.completed] == {"difficult": 1, "breakthrough": 1}
    assert counts[Status.paused] == {"difficult": 0, "breakthrough": 0}
    assert status_kind_counts([])[Status.registered] == {"difficult": 0, "breakthrough": 0}


def test_months_between_crosses_years():
    assert months_between(D(2024, 11, 5), D(2025, 2, 1)) == ["2024-11", "2024-12", "2025-01", "2025-02"]
    assert months_between(D(2025, 3, 1), D(2025, 2, 1)) == []


def test_updates_by_month_spans_the_year_up_to_as_of(content):
    write_sample(content)
    _, regs = registrations(content)
    months = dict(updates_by_month(list(regs.values()), 2024, AS_OF))
    assert next(iter(months)) == "2024-01" and list(months)[-1] == "2024-12"
    assert months["2024-05"] == 1 and months["2024-06"] == 1 and months["2024-12"] == 1 and months["2024-02"] == 0
    assert sum(months.values()) == 5
    early = updates_by_month([], 2024, D(2024, 3, 10))
    assert [m for m, _ in early] == ["2024-01", "2024-02", "2024-03"]  # not past the as-of month


def test_updates_after_the_year_extend_the_trend(content):
    content.registration(updates=[update(D(2024, 12, 1)), update(D(2025, 2, 3))])
    loaded = content.load(D(2025, 3, 1))
    months = updates_by_month([e.registration for e in loaded.entries], 2024, D(2025, 3, 1))
    assert months[-1] == ("2025-02", 1)


# ---------------------------------------------------------------- dashboard


def test_dashboard_lists_are_sorted_and_cut(content):
    write_sample(content)
    for n in range(5, 5 + LIST_LIMIT + 2):
        content.registration(id=f"2024-stc-{n:02d}", schedule={"start": D(2024, 4, 1), "due": D(2024, 7, n)})
    loaded = content.load(AS_OF)
    renderer = PageRenderer(loaded)
    d = dashboard_of(renderer.view, loaded.entries, 2024)
    assert d.overdue.total == LIST_LIMIT + 2 + 1 and len(d.overdue.rows) == LIST_LIMIT
    assert d.overdue.rows[0].id == "2024-stc-05"  # most days overdue first
    assert [row[0].text for row in d.obstacles.rows] == ["Thiếu <vốn>.", "Chậm giá đất."]  # oldest first
    assert d.obstacles.rows[0][2] == (AS_OF - D(2024, 7, 1)).days
    assert d.stale.rows[0][0].id == "2024-stc-02"  # longest without a report first
    assert [rate.name for rate in d.groups] == ["Các sở, ban, ngành cấp tỉnh", "Các huyện ủy, thị ủy, thành ủy, đảng ủy trực thuộc Tỉnh ủy"]


def render(content, page_url: str) -> str:
    renderer = PageRenderer(content.load(AS_OF))
    (page,) = [p for p in renderer.pages() if p.url == page_url]
    return renderer.render(page)


def test_home_page_shows_the_dashboard_with_charts_and_tables(content):
    write_sample(content)
    html = render(content, "")
    assert html.count('<svg xmlns="http://www.w3.org/2000/svg" class="dp-chart"') == 3
    assert html.count("<figure") == html.count("<figcaption>") == 3
    for heading in ["Theo trạng thái và loại", "Tỷ lệ hoàn thành, đúng hạn theo nhóm đơn vị", "Quá hạn", "Sắp đến hạn",
                    "Vướng mắc chưa tháo gỡ lâu nhất", "Chưa báo cáo tiến độ từ 90 ngày trở lên", "Báo cáo tiến độ theo tháng"]:
        assert f"<h3>{heading}" in html, heading
    assert "Thiếu &lt;vốn&gt;." in html and "<vốn>" not in html
    assert re.search(r'<a href="nam/2024/" aria-current="page">2024</a>', html)
    assert '<span class="dp-figure-n">40%</span> hoàn thành (2)' in html  # 2 of 5
    assert "<td>4</td><td>2</td><td>50%</td><td>1</td><td>50%</td><td>0</td>" in html  # the departments: 2 of 4, 1 of 2 on time


def test_year_page_has_the_dashboard_and_the_whole_list(content):
    write_sample(content)
    html = render(content, "nam/2024/")
    assert "<h2>Tổng quan năm 2024</h2>" in html and 'class="dp-chart"' in html
    assert html.count('<a href="../../dang-ky/2024-') >= 5
    assert 'href="../../dang-ky/?year=2024"' in html


def test_unit_and_person_pages_link_to_the_filtered_registry(content):
    write_sample(content)
    unit = render(content, "don-vi/so-tai-chinh/")
    assert 'href="../../dang-ky/?unit=so-tai-chinh"' in unit
    assert 'class="dp-chart"' in unit and "Số đăng ký theo trạng thái và loại" in unit
    assert unit.count('<a href="../../dang-ky/2024-stc-') == 4
    person = render(content, "can-bo/tran-van-binh-huyen-uy-binh-son/")
    assert 'href="../../dang-ky/?person=tran-van-binh-huyen-uy-binh-son"' in person
    assert "1</span> quá hạn" in person


def test_an_empty_site_still_renders_the_dashboard(content):
    html = render(content, "")
    assert "Không có đăng ký nào." in html and "Không có việc quá hạn." in html
