"""Each registration's history, read from git in one pass, and shown on its page."""

from __future__ import annotations

import datetime as dt
import subprocess

import pytest
from conftest import DIFFICULT
from gitwork import GitWork, git_environment

from generator.history.changes import describe
from generator.history.git import Repository
from generator.history.timeline import KeptHistory, load_history
from generator.site.pages import PageRenderer

STC = "registrations/2024/so-tai-chinh"
UPDATE = {"date": dt.date(2024, 6, 30), "progress": 40, "text": "Đã rà soát 12/30 dự án."}


def reg(reg_id: str, unit: str = "so-tai-chinh", **changes) -> dict:
    return DIFFICULT | {"id": reg_id, "registrant": DIFFICULT["registrant"] | {"unit": unit}} | changes


@pytest.fixture
def repo(content, tmp_path):
    """Four commits: two registrations come in, one moves on, one changes unit, one gets a late update."""
    work = GitWork(tmp_path)
    content.registration(reg("2024-stc-01", status="registered"))
    work.commit("Thêm đăng ký của Sở Tài chính", when="2024-03-15T16:00:00+07:00", author="Lê Thị Hoa")
    content.registration(reg("2024-stc-01", updates=[UPDATE]))
    content.registration(reg("2024-stc-02", title="Chuyển đổi số"))
    work.commit("Báo cáo tiến độ quý II", when="2024-07-01T08:30:00+07:00", author="Trần Văn Bình")
    (content.root / STC / "2024-stc-02.yml").unlink()
    content.registration(reg("2024-stc-02", unit="huyen-uy-binh-son", title="Chuyển đổi số"))
    work.commit("Chuyển đơn vị", when="2024-08-01T10:00:00+07:00")
    late = {"date": dt.date(2025, 1, 5), "progress": 60, "text": "Sau ngày tính số liệu."}
    content.registration(reg("2024-stc-01", updates=[UPDATE, late]))
    work.commit("Cập nhật năm sau", when="2025-01-05T10:00:00+07:00")
    return work


def test_one_pass_gives_each_registration_its_changes(content, repo):
    history = load_history(content.root, dt.date(2024, 12, 31))
    assert history.available and not history.shallow
    first = history.of("2024-stc-01")
    assert [(e.commit.day, e.commit.author, e.commit.subject, describe(e.change)) for e in first.events] == [
        (dt.date(2024, 3, 15), "Lê Thị Hoa", "Thêm đăng ký của Sở Tài chính", ["Đăng ký mới (Đã đăng ký)"]),
        (dt.date(2024, 7, 1), "Trần Văn Bình", "Báo cáo tiến độ quý II",
         ["Trạng thái: Đã đăng ký → Đang thực hiện", "Thêm 1 báo cáo tiến độ, tiến độ 40%"]),
    ]  # fmt: skip
    assert first.first.commit.day == dt.date(2024, 3, 15)
    assert first.last_updated.day == dt.date(2024, 7, 1)


def test_a_file_moved_to_another_unit_folder_is_one_move(content, repo):
    moved = load_history(content.root, dt.date(2024, 12, 31)).of("2024-stc-02")
    assert [describe(e.change) for e in moved.events] == [
        ["Đăng ký mới (Đang thực hiện)"],
        ["Chuyển đơn vị: so-tai-chinh → huyen-uy-binh-son"],
    ]


def test_commits_after_the_as_of_date_are_left_out(content, repo):
    assert len(load_history(content.root, dt.date(2024, 12, 31)).of("2024-stc-01").events) == 2
    assert len(load_history(content.root, dt.date(2025, 1, 5)).of("2024-stc-01").events) == 3
    assert load_history(content.root, dt.date(2024, 1, 1)).by_id == {}


def test_history_depends_only_on_the_commits(content, repo, tmp_path):
    clone = tmp_path.parent / (tmp_path.name + "-clone")
    subprocess.run(["git", "clone", "-q", str(tmp_path), str(clone)], check=True, env=git_environment())
    here = load_history(content.root, dt.date(2025, 6, 1))
    there = load_history(clone / "content", dt.date(2025, 6, 1))
    assert [(e.commit, describe(e.change)) for _, e in here.events()] == [(e.commit, describe(e.change)) for _, e in there.events()]


def test_the_log_is_read_again_only_after_a_commit(content, repo, monkeypatch):
    """`dotpha serve` rebuilds after every save: the history of the same commit is not read twice."""
    as_of = dt.date(2025, 6, 1)
    kept = KeptHistory()  # the serve session's
    first = load_history(content.root, as_of, kept)
    asked = []
    git = Repository.git
    monkeypatch.setattr(Repository, "git", lambda self, *args, **kw: asked.append(args[0]) or git(self, *args, **kw))
    assert load_history(content.root, as_of, kept) is first
    content.registration(reg("2024-stc-03", title="Việc chưa commit"))
    assert load_history(content.root, as_of, kept) is first  # history is what was committed
    assert "log" not in asked
    repo.commit("Thêm việc", when="2025-02-01T10:00:00+07:00")
    again = load_history(content.root, as_of, kept)
    assert "2024-stc-03" in again.by_id and "2024-stc-03" not in first.by_id
    assert asked.count("log") == 1
    assert load_history(content.root, dt.date(2024, 12, 31), kept) is not again  # another date, another history


def test_a_build_on_its_own_keeps_no_history(content, repo):
    as_of = dt.date(2025, 6, 1)
    assert load_history(content.root, as_of) is not load_history(content.root, as_of)


def test_a_shallow_clone_says_what_it_does_not_know(content, repo, tmp_path):
    clone = tmp_path.parent / (tmp_path.name + "-shallow")
    subprocess.run(["git", "clone", "-q", "--depth", "2", f"file://{tmp_path}", str(clone)], check=True, env=git_environment())
    history = load_history(clone / "content", dt.date(2025, 6, 1))
    assert history.shallow
    entry = history.of("2024-stc-01")
    assert entry.truncated and entry.first is None
    assert [e.commit.subject for e in entry.events] == ["Cập nhật năm sau"]


def test_outside_git_there_is_no_history(content):
    history = load_history(content.root, dt.date(2024, 12, 31))
    assert not history.available and history.by_id == {}


def test_outside_git_nothing_is_said_but_a_missing_git_is(content, repo, monkeypatch):
    assert load_history(content.root, dt.date(2024, 12, 31)).unreadable == ""
    monkeypatch.setattr("generator.history.git.GIT", "/nonexistent/git")
    history = load_history(content.root, dt.date(2024, 12, 31))
    assert not history.available and history.unreadable == "không tìm thấy lệnh git"


def test_a_repository_without_a_commit_has_an_empty_history_and_no_complaint(content, tmp_path):
    GitWork(tmp_path)
    history = load_history(content.root, dt.date(2024, 12, 31))
    assert history.available and history.by_id == {} and history.unreadable == ""


def test_a_build_without_git_says_the_site_has_no_history(repo, site_content, tmp_path, capsys):
    from generator.cli import main

    config = site_content.root.parent / "site_config.yml"
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr("generator.history.git.GIT", "/nonexistent/git")
        code = main(["build", "--config", str(config), "--as-of", "2025-02-01", "--site-dir", str(tmp_path / "site")])
    assert code == 0
    assert "không đọc được lịch sử git, trang không có lịch sử thay đổi: không tìm thấy lệnh git" in capsys.readouterr().err


def render_registration(content, reg_id: str, as_of=dt.date(2024, 12, 31)) -> str:
    renderer = PageRenderer(content.load(as_of))
    spec = next(p for p in renderer.pages() if p.url == f"dang-ky/{reg_id}/")
    return renderer.render(spec)


def test_the_page_shows_the_history_newest_first(content, repo):
    page = render_registration(content, "2024-stc-01", as_of=dt.date(2025, 2, 1))
    section = page[page.index("<h2>Lịch sử thay đổi</h2>"):]
    assert "Đưa vào kho: 15/03/2024 (Lê Thị Hoa). Cập nhật lần cuối: 05/01/2025 (Người Thử).</p>" in section
    rows = section.split("<tr>")[2:]
    assert [row.split("</td>")[0] for row in rows] == ["<td>05/01/2025", "<td>01/07/2024", "<td>15/03/2024"]
    assert rows[1].startswith("<td>01/07/2024</td><td>Trần Văn Bình</td><td>Báo cáo tiến độ quý II</td>"
                              "<td>Trạng thái: Đã đăng ký → Đang thực hiện; Thêm 1 báo cáo tiến độ, tiến độ 40%</td>")  # fmt: skip
    moved = render_registration(content, "2024-stc-02", as_of=dt.date(2025, 2, 1))
    assert "<td>Chuyển đơn vị: Sở Tài chính → Huyện ủy Bình Sơn</td>" in moved


def test_commit_text_is_escaped_on_the_page(content, repo):
    content.registration(reg("2024-stc-02", unit="huyen-uy-binh-son", title="Tên mới"))
    repo.commit("<script>alert(1)</script>", when="2024-09-01T10:00:00+07:00", author="Lê & Trần")
    page = render_registration(content, "2024-stc-02", as_of=dt.date(2025, 2, 1))
    assert "<td>01/09/2024</td><td>Lê &amp; Trần</td><td>&lt;script&gt;alert(1)&lt;/script&gt;</td><td>Sửa: Tên công việc đăng ký</td>" in page
    assert "<script>" not in page


def test_pages_say_when_nothing_is_known(content):
    content.registration(reg("2024-stc-01"))
    page = render_registration(content, "2024-stc-01")
    assert "<p class=\"dp-empty\">Không có lịch sử thay đổi: thư mục nội dung không nằm trong một kho git.</p>" in page


def test_a_public_site_withholds_the_history(content, repo):
    from generator.domain.profile import Profile, content_for

    renderer = PageRenderer(content_for(Profile.public, content.load(dt.date(2025, 2, 1)), []))
    spec = next(p for p in renderer.pages() if p.url == "dang-ky/2024-stc-01/")
    page = renderer.render(spec)
    assert "<p class=\"dp-empty\">Bản công khai không hiển thị lịch sử thay đổi.</p>" in page
    assert "Lê Thị Hoa" not in page
