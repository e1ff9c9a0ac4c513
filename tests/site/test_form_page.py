"""The registration form page in Chromium: filled in, it gives a file `load_content` accepts.

A small site is built once from an inline content folder (one registration,
2024-stc-01, so the form must suggest 2024-stc-02) and the repository's
site_config.yml, whose `extra.dotpha_forge` names a GitLab repository.
"""

from __future__ import annotations

import datetime as dt
import functools
import os
import shutil
import subprocess
import sys
import threading
from collections.abc import Iterator
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest
from conftest import DIFFICULT, UNITS_YML, dump, shared_chromium

from generator.domain.content import load_content

REPO = Path(__file__).resolve().parents[2]
CHROMIUM = os.environ.get("DOTPHA_CHROMIUM", "/usr/bin/chromium")
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run"]
AS_OF = dt.date(2024, 12, 31)
EDITOR = "https://git.tinhuy.example/ban-to-chuc/dang-ky/-/new/main/content/registrations/2024/so-tai-chinh?"


class _Quiet(SimpleHTTPRequestHandler):
    extensions_map = {**SimpleHTTPRequestHandler.extensions_map, ".js": "text/javascript", ".json": "application/json"}

    def log_message(self, format, *args):
        """No line per request in the test output."""


@pytest.fixture(scope="module")
def content_dir(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("form") / "content"
    (root / "registrations/2024/so-tai-chinh").mkdir(parents=True)
    (root / "units.yml").write_text(UNITS_YML, encoding="utf-8")
    (root / "registrations/2024/so-tai-chinh/2024-stc-01.yml").write_text(dump(DIFFICULT), encoding="utf-8")
    return root


@pytest.fixture(scope="module")
def site(content_dir: Path) -> Iterator[str]:
    site_dir = content_dir.parent / "site"
    command = [sys.executable, "-m", "generator.cli", "build", "--content", str(content_dir), "--as-of", AS_OF.isoformat(), "--site-dir", str(site_dir)]
    done = subprocess.run(command, cwd=REPO, capture_output=True, text=True, timeout=300, check=False)
    assert done.returncode == 0, done.stdout + done.stderr
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(_Quiet, directory=str(site_dir)))
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{httpd.server_port}"
    httpd.shutdown()
    httpd.server_close()


@pytest.fixture(scope="module")
def browser():
    return shared_chromium(CHROMIUM, ARGS)  # one Playwright per session: its sync API cannot run twice at once


@pytest.fixture
def form(browser, site):
    context = browser.new_context(locale="vi-VN")
    page = context.new_page()
    page.set_default_timeout(15_000)
    page.requests, page.problems = [], []
    context.on("request", lambda request: page.requests.append(request.url))
    page.on("console", lambda message: message.type == "error" and page.problems.append(message.text))
    page.on("pageerror", lambda error: page.problems.append(str(error)))
    page.goto(site + "/dang-ky-moi/")
    page.wait_for_load_state("networkidle")
    yield page
    context.close()


def fill_part_one(page, **overrides) -> None:
    values = {
        "#dp-name": "Trần Thị Bình",
        "#dp-position": "Phó Giám đốc Sở",
        "#dp-title": "Số hóa hồ sơ quyết toán dự án hoàn thành",
        "#dp-content": "Mục tiêu:\n- Số hóa 100% hồ sơ.\n\n  Giải pháp: phần mềm dùng chung.",
        "#dp-impact": "Rút ngắn thời gian thẩm tra quyết toán.",
        "#dp-support_requested": "Không",
        "#dp-start": "2024-04-01",
        "#dp-due": "2024-11-30",
    } | overrides
    page.select_option("#dp-unit", "so-tai-chinh")
    page.select_option("#dp-evaluator", "btv-tinh-uy")
    for selector, value in values.items():
        if value is not None:
            page.fill(selector, value)


def produce(page) -> tuple[str, str]:
    page.click("button[type=submit]")
    page.wait_for_selector("#dp-output:not([hidden])")
    return page.text_content("#dp-path"), page.input_value("#dp-yaml")


def accepted(content_dir: Path, tmp_path: Path, path: str, text: str):
    """Copy the content folder, add the produced file at its path, load everything."""
    copy = tmp_path / "content"
    shutil.copytree(content_dir, copy)
    target = copy / path.removeprefix("content/")
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(text, encoding="utf-8")
    return {e.id: e.registration for e in load_content(copy, AS_OF).entries}


def test_part_one_gives_a_valid_file_at_the_right_path(form, content_dir, tmp_path):
    fill_part_one(form)
    assert form.input_value("#dp-id") == "2024-stc-02"  # 2024-stc-01 is taken
    path, text = produce(form)
    assert path == "content/registrations/2024/so-tai-chinh/2024-stc-02.yml"
    registration = accepted(content_dir, tmp_path, path, text)["2024-stc-02"]
    assert registration.title == "Số hóa hồ sơ quyết toán dự án hoàn thành"
    assert registration.content == "Mục tiêu:\n- Số hóa 100% hồ sơ.\n\n  Giải pháp: phần mềm dùng chung."
    assert (registration.kind.value, registration.status.value, registration.support_requested) == ("difficult", "registered", "Không")
    assert registration.schedule.due == dt.date(2024, 11, 30)
    assert form.problems == [] and all(urlsplit(u).hostname == "127.0.0.1" for u in form.requests if not u.startswith(("blob:", "data:")))


def test_part_two_follows_the_form_order(form, content_dir, tmp_path):
    form.check("input[value=breakthrough]")
    assert form.text_content("#dp-part").startswith("II. Đăng ký những việc làm mới")
    numbers = form.eval_on_selector_all(".dp-item:not([hidden])", "items => items.map(i => [i.dataset.name, i.querySelector('.dp-n').textContent])")
    assert sorted(numbers, key=lambda n: int(n[1])) == [["title", "1"], ["difficulties", "2"], ["content", "3"], ["impact", "4"], ["schedule", "5"]]
    fill_part_one(form, **{"#dp-support_requested": None})
    form.fill("#dp-difficulties", "Cán bộ chưa quen quy trình số.")
    path, text = produce(form)
    registration = accepted(content_dir, tmp_path, path, text)["2024-stc-02"]
    assert (registration.kind.value, registration.difficulties, registration.support_requested) == ("breakthrough", "Cán bộ chưa quen quy trình số.", None)


def test_awkward_text_survives_the_round_trip(form, content_dir, tmp_path):
    title = 'Tiêu đề có "ngoặc kép", dấu: hai chấm # thăng \\ và <b>thẻ</b>'
    fill_part_one(form, **{"#dp-title": title, "#dp-content": "  bắt đầu bằng dấu cách\ndòng hai", "#dp-impact": "123"})
    path, text = produce(form)
    registration = accepted(content_dir, tmp_path, path, text)["2024-stc-02"]
    assert registration.title == title and registration.impact == "123"
    assert registration.content == "bắt đầu bằng dấu cách\ndòng hai"  # edges are trimmed, as a clerk expects


def test_missing_answers_are_listed_before_any_file(form):
    form.fill("#dp-year", "2024")
    form.click("button[type=submit]")
    errors = form.text_content("#dp-errors")
    assert "Đơn chưa hợp lệ" in errors
    for label in ("Tên công việc đăng ký", "Họ và tên", "Cấp đánh giá", "Đề xuất cấp trên chỉ đạo, hỗ trợ thực hiện"):
        assert f"thiếu «{label}»" in errors
    assert form.is_hidden("#dp-output")
    fill_part_one(form, **{"#dp-start": "2024-12-01", "#dp-due": "2024-11-30"})
    form.fill("#dp-id", "Mã Sai")
    form.click("button[type=submit]")
    errors = form.text_content("#dp-errors")
    assert "«Mã đăng ký» chỉ gồm chữ thường không dấu a-z, số 0-9 và dấu '-' (đang là «Mã Sai»)" in errors
    assert "thời gian hoàn thành 2024-11-30 trước thời gian bắt đầu 2024-12-01" in errors


def test_the_editor_link_opens_gitlab_with_the_file(form):
    fill_part_one(form)
    _, text = produce(form)
    link = form.get_attribute("#dp-editor", "href")
    assert link.startswith(EDITOR)
    query = parse_qs(urlsplit(link).query)
    assert query == {"file_name": ["2024-stc-02.yml"], "content": [text]}
    assert form.get_attribute("#dp-download", "download") == "2024-stc-02.yml"


def test_units_follow_the_year(form):
    units = lambda: form.eval_on_selector_all("#dp-unit option", "o => o.map(x => x.value).filter(Boolean)")  # noqa: E731
    assert units() == ["so-tai-chinh", "huyen-uy-binh-son"]
    form.fill("#dp-year", "2025")
    assert units() == ["so-tai-chinh", "huyen-uy-binh-son", "dang-uy-xa-binh-son"]
