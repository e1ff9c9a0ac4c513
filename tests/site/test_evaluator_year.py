"""Each evaluating body's view of a year: `danh-gia/<evaluator>/<year>/` (pages/evaluators.py)."""

from __future__ import annotations

import datetime as dt
import re

from conftest import DIFFICULT
from test_person_year import PERSON

from generator.domain.profile import public_content
from generator.site.pages import PageRenderer

OTHER = {"name": "Trần Thị Bình", "position": "Phó Giám đốc Sở", "unit": "so-tai-chinh", "person": "tran-thi-binh"}
RESULT = {"assessed_on": dt.date(2024, 12, 20), "outcome": "completed", "comment": "Tốt."}


def rated(content) -> None:
    done = {"due": dt.date(2024, 9, 30), "completed_on": dt.date(2024, 9, 20)}
    content.registration(registrant=PERSON, status="completed", schedule=done, result=RESULT)
    content.registration(id="2024-stc-02", title="Số hóa hồ sơ", registrant=PERSON, schedule={"due": dt.date(2024, 10, 31)})
    content.registration(id="2024-stc-03", title="Chợ đầu mối", registrant=OTHER, status="paused", schedule={"due": dt.date(2025, 3, 31)})
    content.registration(id="2024-stc-04", title="Việc của cấp khác", registrant=OTHER, evaluator="bcs-ubnd-tinh")


def pages(content, as_of: dt.date, public: bool = False) -> dict[str, str]:
    loaded = content.load(as_of)
    renderer = PageRenderer(public_content(loaded) if public else loaded, "Sơn Hà")
    return {spec.url: spec for spec in renderer.pages()}, renderer


def render(content, url: str, as_of=dt.date(2024, 12, 31), public: bool = False) -> str:
    specs, renderer = pages(content, as_of, public)
    return renderer.render(specs[url])


def summary_rows(html: str) -> dict[str, list[str]]:
    """Each official's row of the summary table: the cells after the name, tags removed."""
    start = html.index('class="dp-doc-table dp-tally"')
    table = html[start:html.index("</table>", start)]
    rows = {}
    for row in re.findall(r"<tr><td class=\"dp-n\">\d+</td><td><a[^>]*>([^<]+)</a>.*?</td>(.*?)</tr>", table):
        rows[row[0]] = re.findall(r'<td class="dp-n">([^<]*)</td>', row[1])
    return rows


def test_the_page_counts_each_officials_rows_of_the_tally(content):
    rated(content)
    html = render(content, "danh-gia/btv-tinh-uy/2024/")
    assert "của cán bộ do Ban Thường vụ Tỉnh ủy đánh giá" in html
    assert "3 đăng ký, 1 đã đánh giá, 2 chưa đánh giá" in html
    rows = summary_rows(html)
    #                      on time, late, within, overdue, not completed, paused, withdrawn, assessed, unassessed
    assert rows == {"Nguyễn Văn An": ["1", "", "", "1", "", "", "", "1", "1"],
                    "Trần Thị Bình": ["", "", "", "", "", "1", "", "0", "1"]}  # fmt: skip
    assert "Việc của cấp khác" not in html  # another body rates it
    assert '<section class="dp-official" id="can-bo-nguyen-van-an-2024">' in html
    assert "<h2>Chưa đánh giá</h2>" not in html  # the year is not over


def test_after_the_year_the_unassessed_are_listed(content):
    rated(content)
    html = render(content, "danh-gia/btv-tinh-uy/2024/", as_of=dt.date(2025, 1, 15))
    listed = html[html.index("<h2>Chưa đánh giá</h2>"):html.index('<section class="dp-official"')]
    assert "Số hóa hồ sơ" in listed and "Chợ đầu mối" in listed and "Quyết toán dứt điểm" not in listed


def test_the_board_index_links_each_body_and_year(content):
    rated(content)
    html = render(content, "danh-muc/")
    assert '<a href="../danh-gia/btv-tinh-uy/2024/">Ban Thường vụ Tỉnh ủy, năm 2024</a> (3 đăng ký)' in html
    assert '<a href="../danh-gia/bcs-ubnd-tinh/2024/">Ban cán sự đảng UBND tỉnh, năm 2024</a> (1 đăng ký)' in html


def test_a_public_build_has_no_evaluator_pages(content):
    rated(content)
    specs, renderer = pages(content, dt.date(2024, 12, 31), public=True)
    assert not [url for url in specs if url.startswith("danh-gia/")]
    assert "danh-gia/" not in renderer.render(specs["danh-muc/"])
    assert DIFFICULT["title"] in renderer.render(specs["can-bo/nguyen-van-an/2024/"])  # the official's own year stays
