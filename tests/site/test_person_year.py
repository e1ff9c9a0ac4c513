"""Each official's year for the self-review: `can-bo/<person>/<year>/` (pages/persons.py)."""

from __future__ import annotations

import datetime as dt

from conftest import DIFFICULT

from generator.domain.profile import public_content
from generator.site.pages import PageRenderer

PERSON = {**DIFFICULT["registrant"], "person": "nguyen-van-an"}
OBSTACLE = {"raised_on": dt.date(2024, 5, 10), "text": "Thiếu hồ sơ gốc.", "support_from": "UBND tỉnh",
            "resolved_on": dt.date(2024, 6, 1), "resolution": "Sở Xây dựng cấp bản sao."}  # fmt: skip


def page(content, url: str, as_of=dt.date(2024, 12, 31), public: bool = False) -> str:
    loaded = content.load(as_of)
    renderer = PageRenderer(public_content(loaded) if public else loaded, "Sơn Hà")
    spec = next(p for p in renderer.pages() if p.url == url)
    return renderer.render(spec)


def two_years(content) -> None:
    content.registration(registrant=PERSON, status="completed", obstacles=[OBSTACLE],
                         schedule={"due": dt.date(2024, 9, 30), "completed_on": dt.date(2024, 9, 20)},
                         review_plan="Khắc phục hạn chế «chậm giải quyết hồ sơ» nêu tại kiểm điểm năm 2023.",
                         result={"assessed_on": dt.date(2024, 12, 20), "outcome": "completed", "comment": "Làm tốt, đúng hạn."})  # fmt: skip
    content.registration(id="2024-stc-02", title="Số hóa hồ sơ", registrant=PERSON, schedule={"due": dt.date(2024, 10, 31)})
    content.registration(id="2025-stc-01", year=2025, registrant=PERSON, registered_on=dt.date(2025, 2, 1),
                         schedule={"due": dt.date(2025, 12, 31)})  # fmt: skip


def test_the_page_tells_the_officials_year(content):
    two_years(content)
    html = page(content, "can-bo/nguyen-van-an/2024/")
    assert "KẾT QUẢ THỰC HIỆN ĐĂNG KÝ GIẢI QUYẾT VIỆC KHÓ, VIỆC MỚI CÓ TÍNH ĐỘT PHÁ, SÁNG TẠO NĂM 2024" in html
    assert "TỈNH ỦY SƠN HÀ" in html and "Sơn Hà, ngày 31 tháng 12 năm 2024" in html
    assert "<dd>Nguyễn Văn An</dd>" in html and "<dd>Giám đốc Sở</dd>" in html and "Sở Tài chính</a>" in html
    assert "Đăng ký 2 việc: 1 hoàn thành đúng hạn, 1 quá hạn chưa hoàn thành." in html
    assert "Số hóa hồ sơ" in html and "2025-stc-01" not in html  # only that year
    assert "10/05/2024: Thiếu hồ sơ gốc. (đề nghị hỗ trợ: UBND tỉnh) <em>Đã tháo gỡ 01/06/2024: Sở Xây dựng cấp bản sao.</em>" in html
    assert "Hoàn thành (20/12/2024)<p>Làm tốt, đúng hạn.</p>" in html and "Chưa đánh giá" in html
    assert "Ban Thường vụ Tỉnh ủy" in html
    assert "Khắc phục hạn chế «chậm giải quyết hồ sơ» nêu tại kiểm điểm năm 2023." in html
    assert "Số liệu tính đến ngày 31/12/2024." in html  # outside git: no version to name


def test_the_person_page_links_each_year(content):
    two_years(content)
    html = page(content, "can-bo/nguyen-van-an/", as_of=dt.date(2025, 3, 1))
    assert '<a href="2024/">Năm 2024</a> · <a href="2025/">Năm 2025</a>' in html


def test_user_text_is_escaped(content):
    content.registration(registrant=PERSON, title="<script>alert(1)</script>", review_plan="<img src=x onerror=alert(1)>")
    html = page(content, "can-bo/nguyen-van-an/2024/")
    assert "<script>alert" not in html and "<img src=x" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html


def test_a_public_build_leaves_out_what_it_hides(content):
    two_years(content)
    html = page(content, "can-bo/nguyen-van-an/2024/", public=True)
    assert "Khắc phục hạn chế" not in html and "Làm tốt, đúng hạn." not in html and "Thiếu hồ sơ gốc" not in html
    assert "Đăng ký 2 việc" in html
