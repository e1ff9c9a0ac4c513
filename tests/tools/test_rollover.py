"""`dotpha rollover FROM TO` and the `continues` field it writes.

Runs in the `content` fixture's folder (conftest.py): units so-tai-chinh (STC),
so-ke-hoach-dau-tu (until 2023, replaced by so-tai-chinh), huyen-uy-binh-son
(until 30/6/2025, no successor); evaluators btv-tinh-uy, bcs-ubnd-tinh,
dd-hdnd-tinh (until 2023).
"""

from __future__ import annotations

import datetime as dt

import yaml
from conftest import DIFFICULT

from generator.cli import main
from generator.site.pages import PageRenderer

AS_OF = "2025-01-15"
PROPOSED = "content/registrations/2025/so-tai-chinh/2025-stc-01.yml"
OPEN_OBSTACLE = {"raised_on": dt.date(2024, 5, 10), "text": "Chưa có giá đất cụ thể.", "support_from": "UBND tỉnh"}
CLOSED_OBSTACLE = {"raised_on": dt.date(2024, 4, 2), "text": "Thiếu hồ sơ gốc.", "resolved_on": dt.date(2024, 6, 1)}
UPDATE = [{"date": dt.date(2024, 9, 30), "progress": 60, "text": "Đã quyết toán 20/46 dự án."}]


def rollover(*args: str) -> int:
    return main(["rollover", "--content", "content", "--as-of", AS_OF, *args])


def registration_of(reg_id: str, year: int, unit: str, **changes) -> dict:
    return DIFFICULT | {"id": reg_id, "year": year, "registrant": DIFFICULT["registrant"] | {"unit": unit}} | changes


def test_an_open_registration_gets_a_reviewed_proposal_for_next_year(content, capsys):
    content.registration(updates=UPDATE, obstacles=[CLOSED_OBSTACLE, OPEN_OBSTACLE], links=[{"title": "Kế hoạch 12", "url": "https://vb.example/12"}])
    assert rollover("2024", "2025") == 0
    out = capsys.readouterr().out
    assert f"Đề xuất {PROPOSED} ← 2024-stc-01 «Quyết toán dứt điểm các dự án tồn đọng» (Đang thực hiện)." in out
    assert "1 vướng mắc chưa tháo gỡ được liệt kê trong chú thích đầu tệp." in out
    assert "Đã đề xuất 1 tệp cho năm 2025." in out
    text = (content.root.parent / PROPOSED).read_text(encoding="utf-8")
    data = yaml.safe_load(text)
    assert data["id"] == "2025-stc-01" and data["year"] == 2025 and data["continues"] == "2024-stc-01"
    assert data["status"] == "registered"
    assert data["schedule"] == {"start": "2025-01", "due": "2025-12"}
    assert data["title"] == DIFFICULT["title"] and data["content"] == DIFFICULT["content"]
    assert data["links"] == [{"title": "Kế hoạch 12", "url": "https://vb.example/12"}]
    assert not {"updates", "obstacles", "result", "registered_on"} & set(data)
    assert "# Đề xuất tiếp nối đăng ký 2024-stc-01 (năm 2024; trạng thái: Đang thực hiện, tiến độ 60%)." in text
    assert "#   - 10/05/2024: Chưa có giá đất cụ thể. (đề nghị hỗ trợ từ: UBND tỉnh)" in text
    assert "Thiếu hồ sơ gốc" not in text  # resolved obstacles stay with the original
    not_copied = next(line for line in text.splitlines() if line.startswith("# Không chép: "))
    for name in ("registered_on", "schedule", "updates", "obstacles", "review_plan", "result"):  # every field rollover leaves
        assert f"({name})" in not_copied
    assert content.errors(as_of=dt.date(2025, 1, 15)) == []


def test_closed_registrations_are_not_carried_over(content, capsys):
    for number, status in enumerate(("completed", "not_completed", "withdrawn"), 1):
        extra = {"schedule": DIFFICULT["schedule"] | {"completed_on": dt.date(2024, 12, 1)}, "updates": UPDATE} if status == "completed" else {}
        content.registration(registration_of(f"2024-stc-0{number}", 2024, "so-tai-chinh", status=status, **extra))
    assert rollover("2024", "2025") == 0
    assert capsys.readouterr().out == "Không có đăng ký nào của năm 2024 còn dở dang (Đã đăng ký, Đang thực hiện, Tạm dừng).\n"
    assert not (content.root / "registrations" / "2025").exists()


def test_paused_and_registered_are_carried_over_with_the_next_free_ids(content, capsys):
    content.registration(registration_of("2024-stc-01", 2024, "so-tai-chinh", status="paused"))
    content.registration(registration_of("2024-stc-02", 2024, "so-tai-chinh", status="registered"))
    content.registration(registration_of("2025-stc-01", 2025, "so-tai-chinh", title="Việc mới năm 2025", schedule={"due": dt.date(2025, 12, 31)}))
    existing = (content.root / "registrations/2025/so-tai-chinh/2025-stc-01.yml").read_bytes()
    assert rollover("2024", "2025") == 0
    made = sorted(p.name for p in (content.root / "registrations/2025/so-tai-chinh").iterdir())
    assert made == ["2025-stc-01.yml", "2025-stc-02.yml", "2025-stc-03.yml"]
    assert (content.root / "registrations/2025/so-tai-chinh/2025-stc-01.yml").read_bytes() == existing  # never overwritten
    out = capsys.readouterr().out
    assert "2025-stc-02.yml ← 2024-stc-01" in out and "2025-stc-03.yml ← 2024-stc-02" in out


def test_a_registration_already_continued_is_not_proposed_twice(content, capsys):
    content.registration()
    content.registration(registration_of("2025-stc-01", 2025, "so-tai-chinh", continues="2024-stc-01", schedule={"due": dt.date(2025, 12, 31)}))
    assert rollover("2024", "2025") == 0
    assert "Bỏ qua 2024-stc-01: đã có đăng ký tiếp nối 2025-stc-01." in capsys.readouterr().out
    assert len(list((content.root / "registrations/2025").rglob("*.yml"))) == 1


def test_a_ceased_unit_hands_over_to_its_successor(content, capsys):
    content.registration(registration_of("2023-skhdt-01", 2023, "so-ke-hoach-dau-tu", schedule={"due": dt.date(2023, 12, 31)}))
    assert rollover("2023", "2024") == 0
    out = capsys.readouterr().out
    note = (
        "Đơn vị «so-ke-hoach-dau-tu» (Sở Kế hoạch và Đầu tư) không còn hoạt động từ sau ngày 31/12/2023; "
        "năm 2024 chuyển sang đơn vị kế thừa «so-tai-chinh» (Sở Tài chính)."
    )
    assert f"  {note}" in out
    text = (content.root / "registrations/2024/so-tai-chinh/2024-stc-01.yml").read_text(encoding="utf-8")
    assert f"# {note}" in text and "  unit: so-tai-chinh\n" in text


def test_a_unit_without_successor_or_a_gone_evaluator_is_left_to_a_clerk(content, capsys):
    content.registration(registration_of("2025-husbs-01", 2025, "huyen-uy-binh-son", schedule={"due": dt.date(2025, 6, 30)}))
    assert main(["rollover", "--content", "content", "--as-of", "2026-01-10", "2025", "2026"]) == 1
    assert (
        "Bỏ qua 2025-husbs-01: đơn vị «huyen-uy-binh-son» không hoạt động năm 2026 và không có đơn vị kế thừa còn hoạt động; "
        "tạo thủ công bằng dotpha new." in capsys.readouterr().out
    )
    content.registration(registration_of("2023-stc-01", 2023, "so-tai-chinh", evaluator="dd-hdnd-tinh", schedule={"due": dt.date(2023, 12, 31)}))
    assert rollover("2023", "2024") == 1
    assert "Bỏ qua 2023-stc-01: cấp đánh giá «dd-hdnd-tinh» không hoạt động năm 2024; tạo thủ công bằng dotpha new." in capsys.readouterr().out
    assert not (content.root / "registrations/2026").exists() and not (content.root / "registrations/2024").exists()


def test_dry_run_writes_nothing(content, capsys):
    content.registration()
    assert rollover("2024", "2025", "--dry-run") == 0
    out = capsys.readouterr().out
    assert f"Sẽ đề xuất {PROPOSED} ← 2024-stc-01" in out and "1 đề xuất; chưa ghi tệp nào (--dry-run)." in out
    assert not (content.root / "registrations/2025").exists()


def test_refusals(content, capsys):
    content.registration()
    assert rollover("2025", "2024") == 2
    assert capsys.readouterr().err == "dotpha: năm đề xuất 2024 phải sau năm 2025\n"
    content.registration(registration_of("2024-stc-02", 2024, "so-tai-chinh", status="finished"))
    assert rollover("2024", "2025") == 1
    out = capsys.readouterr().out
    assert "status: giá trị «finished» không hợp lệ" in out and out.endswith("Nội dung có lỗi: sửa trước khi đề xuất tiếp nối.\n")
    assert not (content.root / "registrations/2025").exists()


# ---------------------------------------------------------------- the `continues` field


def test_continues_must_name_a_registration_of_an_earlier_year(content):
    content.registration()
    path = content.registration(registration_of("2025-stc-01", 2025, "so-tai-chinh", continues="2024-stc-10", schedule={"due": dt.date(2025, 12, 31)}))
    assert content.errors(as_of=dt.date(2025, 1, 15)) == [
        f"{path}:17:12: continues: không có đăng ký «2024-stc-10» để tiếp nối; có phải ý bạn là «2024-stc-01»?"
    ]
    content.registration(registration_of("2024-stc-02", 2024, "so-tai-chinh", continues="2024-stc-01"))
    assert content.errors(as_of=dt.date(2025, 1, 15))[0] == (
        "content/registrations/2024/so-tai-chinh/2024-stc-02.yml:18:12: continues: "
        "đăng ký «2024-stc-01» thuộc năm 2024; chỉ tiếp nối được đăng ký của năm trước năm 2024"
    )


def test_both_registration_pages_link_the_continuation(content):
    content.registration()
    content.registration(registration_of("2025-stc-01", 2025, "so-tai-chinh", continues="2024-stc-01", title="Tiếp tục quyết toán", schedule={"due": dt.date(2025, 12, 31)}))
    renderer = PageRenderer(content.load(as_of=dt.date(2025, 1, 15)))
    pages = {spec.url: spec for spec in renderer.pages()}
    new_page = renderer.render(pages["dang-ky/2025-stc-01/"])
    old_page = renderer.render(pages["dang-ky/2024-stc-01/"])
    assert '<dt>Tiếp nối đăng ký</dt>\n<dd><a href="../2024-stc-01/">2024-stc-01: Quyết toán dứt điểm các dự án tồn đọng</a></dd>' in new_page
    assert '<dt>Được tiếp nối bởi</dt>\n<dd><a href="../2025-stc-01/">2025-stc-01: Tiếp tục quyết toán</a></dd>' in old_page
