"""Build profiles: a public build carries no trace of what it leaves out.

The sentinel tests plant a unique word (`zq...`) in every field of internal
registrations and in every field a public build hides, build the site with
each profile, and read every byte of every file (gzip files decompressed:
the sitemap and the pieces of Pagefind's search index; file paths included):
the internal build must show every word, the public build none. The search
index alone is checked the same way, so that a word left in it would be seen.
"""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pytest
from conftest import AS_OF, DIFFICULT, dump, search_pages, unpacked
from gitwork import GitWork

from generator.cli import main
from generator.domain.profile import (
    DEFAULT_PUBLIC_HIDDEN_FIELDS,
    PLACEHOLDER,
    Profile,
    ProfileError,
    check_hidden_fields,
    public_content,
    resolve_profile,
)

ROOT = Path(__file__).resolve().parents[2]
SENTINEL = re.compile(r"zq[a-z]+")
D = dt.date

INTERNAL_PART_I = {
    "id": "2023-zqintid-01",
    "year": 2023,
    "kind": "difficult",
    "title": "Tiêu đề zqinttitle",
    "registrant": {"name": "Người zqintname", "position": "Chức vụ zqintposition", "unit": "huyen-uy-binh-son", "person": "zqintperson"},
    "evaluator": "btv-tinh-uy",
    "registered_on": D(2023, 3, 1),
    "content": "Nội dung **zqintcontent**",
    "impact": "Tác động zqintimpact",
    "support_requested": "Hỗ trợ zqintsupport",
    "schedule": {"start": D(2023, 4, 1), "due": D(2023, 12, 31)},
    "status": "not_completed",
    "updates": [{"date": D(2023, 6, 30), "progress": 40, "text": "Tiến độ zqintupdate"}],
    "obstacles": [{"raised_on": D(2023, 5, 1), "text": "Vướng zqintobstacle", "support_from": "Từ zqintsupportfrom"}],
    "result": {"assessed_on": D(2023, 12, 20), "outcome": "not_completed", "comment": "Nhận xét zqintcomment"},
    "links": [{"title": "Văn bản zqintlinktitle", "url": "https://example.org/zqintlinkurl.pdf"}],
    "tags": ["zqinttag"],
    "visibility": "internal",
}
INTERNAL_PART_II = {
    "id": "2024-zqintbid-01",
    "year": 2024,
    "kind": "breakthrough",
    "title": "Sáng kiến zqintbtitle",
    "registrant": {"name": "Cán bộ zqintbname", "position": "Phó zqintbposition", "unit": "so-tai-chinh"},
    "evaluator": "bcs-ubnd-tinh",
    "content": "zqintbcontent",
    "impact": "zqintbimpact",
    "difficulties": "Khó khăn zqintbdifficulties",
    "schedule": {"due": "2024-11"},
    "status": "registered",
    "visibility": "internal",
}
# A public registration with a word in every field the default public profile hides.
PUBLIC_WITH_HIDDEN = DIFFICULT | {
    "id": "2024-stc-02",
    "support_requested": "Đề xuất zqpubsupport",
    "obstacles": [
        {"raised_on": D(2024, 5, 1), "text": "Vướng zqpubobstacle", "support_from": "UBND zqpubsupportfrom"},
        {"raised_on": D(2024, 6, 1), "text": "Đã gỡ zqpubobstacleb", "resolved_on": D(2024, 7, 1), "resolution": "Gỡ zqpubresolution"},
    ],
    "result": {"assessed_on": D(2024, 12, 20), "outcome": "partly_completed", "comment": "Nhận xét zqpubcomment"},
    "links": [{"title": "Kế hoạch zqpublinktitle", "url": "https://intranet.example/zqpublinkurl.pdf"}],
    "review_plan": "Khắc phục hạn chế zqpubreviewplan nêu tại kiểm điểm năm trước.",
}


@pytest.fixture(autouse=True)
def _no_plugin_environment(monkeypatch):
    for name in ("SOURCE_DATE_EPOCH",):
        monkeypatch.delenv(name, raising=False)


def sentinels_of(value) -> set[str]:
    if isinstance(value, dict):
        return set().union(*(sentinels_of(v) for v in value.values()))
    if isinstance(value, list):
        return set().union(set(), *(sentinels_of(v) for v in value))
    return set(SENTINEL.findall(value)) if isinstance(value, str) else set()


def site_haystack(site: Path, under: str = "") -> bytes:
    """Every path and every byte of a built site (or of one folder of it), gzip
    files decompressed (the sitemap, every piece of the search index), in lower case."""
    parts = []
    for path in sorted((site / under).rglob("*")):
        parts.append(path.relative_to(site).as_posix().encode())
        if path.is_file():
            parts.append(unpacked(path))
    return b"\n".join(parts).lower()


def build(project: Path, site: Path, *extra: str) -> None:
    code = main(["build", "--config", str(project / "site_config.yml"), "--content", str(project / "content"),
                 "--as-of", AS_OF.isoformat(), "--site-dir", str(site), *extra])  # fmt: skip
    assert code == 0


@pytest.fixture
def project(site_content):
    content = site_content
    content.registration()
    content.registration(PUBLIC_WITH_HIDDEN)
    content.registration(INTERNAL_PART_I)
    content.registration(INTERNAL_PART_II)
    return content.root.parent


def set_hidden_fields(project: Path, fields: list[str]) -> None:
    config = project / "site_config.yml"
    text = config.read_text(encoding="utf-8")
    text, count = re.subn(r"public_hidden_fields:.*\n(?: {8}- .*\n)+", f"public_hidden_fields: {fields}\n", text)
    assert count == 1
    config.write_text(text, encoding="utf-8")


# ---------------------------------------------------------------- the whole site


def test_public_build_carries_no_trace_of_what_it_leaves_out(project, tmp_path):
    planted = sentinels_of(INTERNAL_PART_I) | sentinels_of(INTERNAL_PART_II) | sentinels_of(PUBLIC_WITH_HIDDEN)
    assert len(planted) == 31
    build(project, tmp_path / "internal", "--profile", "internal")
    build(project, tmp_path / "public", "--profile", "public")
    internal, public = site_haystack(tmp_path / "internal"), site_haystack(tmp_path / "public")
    assert sorted(word for word in planted if word.encode() not in internal) == []  # the test can fail
    assert sorted(word for word in planted if word.encode() in public) == []


def test_public_search_index_holds_no_hidden_field(project, tmp_path):
    """The index is made from the pages of each build: the internal one finds
    every hidden text and internal registration, the public one none of them."""
    build(project, tmp_path / "internal", "--profile", "internal")
    build(project, tmp_path / "public", "--profile", "public")
    shown_as_text = {word for word in sentinels_of(INTERNAL_PART_I) | sentinels_of(INTERNAL_PART_II) | sentinels_of(PUBLIC_WITH_HIDDEN)
                     if "url" not in word and "person" not in word}  # fmt: skip  (addresses, not text)
    assert {"zqpubsupport", "zqpubobstacle", "zqpubcomment", "zqintcontent", "zqinttitle"} <= shown_as_text
    internal, public = site_haystack(tmp_path / "internal", "pagefind"), site_haystack(tmp_path / "public", "pagefind")
    assert sorted(word for word in shown_as_text if word.encode() not in internal) == []  # the scan can fail
    assert sorted(word for word in sentinels_of(PUBLIC_WITH_HIDDEN) | shown_as_text if word.encode() in public) == []
    internal_pages, public_pages = search_pages(tmp_path / "internal"), search_pages(tmp_path / "public")
    assert "/dang-ky/2023-zqintid-01/" in internal_pages and "/dang-ky/2023-zqintid-01/" not in public_pages
    assert "/dang-ky/2024-stc-02/" in public_pages and PLACEHOLDER in public_pages["/dang-ky/2024-stc-02/"]["content"]


def test_public_build_drops_pages_that_only_internal_registrations_made(project, tmp_path):
    build(project, tmp_path / "internal", "--profile", "internal")
    build(project, tmp_path / "public", "--profile", "public")
    for gone in ("nam/2023", "can-bo/zqintperson", "dang-ky/2023-zqintid-01", "dang-ky/2024-zqintbid-01"):
        assert (tmp_path / "internal" / gone / "index.html").is_file(), gone
        assert not (tmp_path / "public" / gone).exists(), gone
    home = (tmp_path / "public" / "index.html").read_text(encoding="utf-8")
    assert re.search(r'<span class="dp-figure-n">2</span> đăng ký', home)  # counts: two public of four
    assert "Bản công khai" in home
    assert "Bản công khai" not in (tmp_path / "internal" / "index.html").read_text(encoding="utf-8")
    page = (tmp_path / "public" / "dang-ky" / "2024-stc-02" / "index.html").read_text(encoding="utf-8")
    assert page.count(PLACEHOLDER) == 3  # support requested and both obstacles' text keep their place


def test_every_hideable_text_can_be_hidden_without_a_trace(project, tmp_path):
    fields = ["title", "registrant.position", "registrant.person", "content", "impact", "support_requested",
              "difficulties", "updates", "obstacles", "result", "links", "tags", "review_plan"]  # fmt: skip
    assert check_hidden_fields(fields) == []
    set_hidden_fields(project, fields)
    content = project / "content"
    everything = DIFFICULT | {
        "id": "2024-stc-03",
        "title": "zqalltitle", "content": "zqallcontent", "impact": "zqallimpact", "support_requested": "zqallsupport",
        "registrant": DIFFICULT["registrant"] | {"position": "zqallposition", "person": "zqallperson"},
        "updates": [{"date": D(2024, 6, 1), "progress": 10, "text": "zqallupdate"}],
        "tags": ["zqalltag"],
    }  # fmt: skip
    (content / "registrations/2024/so-tai-chinh/2024-stc-03.yml").write_text(dump(everything), encoding="utf-8")
    build(project, tmp_path / "internal", "--profile", "internal")
    build(project, tmp_path / "public", "--profile", "public")
    planted = sentinels_of(everything) | sentinels_of(PUBLIC_WITH_HIDDEN)
    internal, public = site_haystack(tmp_path / "internal"), site_haystack(tmp_path / "public")
    assert sorted(word for word in planted if word.encode() not in internal) == []
    assert sorted(word for word in planted if word.encode() in public) == []


def test_public_build_shows_no_git_history(project, tmp_path):
    # Commit messages are free text and old versions hold what is hidden now.
    work = GitWork(project)
    work.commit("Thêm đăng ký zqcommitsubject", author="Cán bộ zqcommitauthor")
    path = project / "content" / "registrations/2024/so-tai-chinh/2024-stc-02.yml"
    path.write_text(dump(PUBLIC_WITH_HIDDEN | {"support_requested": "Đề xuất mới"}), encoding="utf-8")
    work.commit("Bỏ đề xuất cũ zqcommitsubjectb", when="2024-06-01T09:00:00+07:00")
    build(project, tmp_path / "internal", "--profile", "internal")
    build(project, tmp_path / "public", "--profile", "public")
    planted = {"zqcommitsubject", "zqcommitauthor", "zqcommitsubjectb"}
    internal, public = site_haystack(tmp_path / "internal"), site_haystack(tmp_path / "public")
    assert sorted(word for word in planted if word.encode() not in internal) == []
    assert sorted(word for word in planted if word.encode() in public) == []


def test_profile_comes_from_the_config_and_the_option_wins(project, tmp_path):
    config = project / "site_config.yml"
    config.write_text(config.read_text(encoding="utf-8").replace("profile: internal", "profile: public"), encoding="utf-8")
    build(project, tmp_path / "from-config")
    assert not (tmp_path / "from-config" / "dang-ky" / "2023-zqintid-01").exists()
    build(project, tmp_path / "option", "--profile", "internal")
    assert (tmp_path / "option" / "dang-ky" / "2023-zqintid-01").is_dir()


def test_unknown_hidden_field_stops_the_build_with_a_message(project, tmp_path, capsys):
    set_hidden_fields(project, ["result.coment", "status"])
    assert main(["build", "--config", str(project / "site_config.yml"), "--as-of", "2024-12-31",
                 "--site-dir", str(tmp_path / "site")]) == 1  # fmt: skip
    err = capsys.readouterr().err
    assert "không có trường «result.coment» trong bản đăng ký" in err
    assert "không thể ẩn trường «status»" in err
    assert not (tmp_path / "site").exists()


def test_profile_option_is_checked_by_the_command_line(capsys):
    with pytest.raises(SystemExit) as exit_:
        main(["build", "--profile", "secret"])
    assert exit_.value.code == 2
    assert "invalid choice: 'secret'" in capsys.readouterr().err


# ---------------------------------------------------------------- the pure function


def test_public_content_leaves_out_internal_registrations_and_blanks_fields(content):
    content.registration(PUBLIC_WITH_HIDDEN)
    content.registration(INTERNAL_PART_II)
    full = content.load()
    public = public_content(full)
    assert [e.id for e in full.entries] == ["2024-stc-02", "2024-zqintbid-01"]
    assert [e.id for e in public.entries] == ["2024-stc-02"]
    registration = public.entries[0].registration
    assert registration.support_requested == PLACEHOLDER  # the form's item I.5 keeps its place
    assert [o.text for o in registration.obstacles] == [PLACEHOLDER, PLACEHOLDER]
    assert [(o.support_from, o.resolution) for o in registration.obstacles] == [(None, None), (None, None)]
    assert [o.resolved_on for o in registration.obstacles] == [None, D(2024, 7, 1)]
    assert registration.result.comment is None and registration.result.outcome.value == "partly_completed"
    assert registration.links == []
    assert full.entries[0].registration.links != []  # the input is left alone
    assert public.units is full.units and public.as_of == full.as_of


def test_public_content_with_no_hidden_fields_only_drops_internal_registrations(content):
    content.registration(PUBLIC_WITH_HIDDEN)
    full = content.load()
    assert public_content(full, []).entries[0].registration == full.entries[0].registration


def test_default_hidden_fields_are_all_hideable():
    assert check_hidden_fields(DEFAULT_PUBLIC_HIDDEN_FIELDS) == []


@pytest.mark.parametrize(
    ("field", "message"),
    [
        ("comment", "không có trường «comment» trong bản đăng ký"),
        ("result.coment", "không có trường «result.coment» trong bản đăng ký"),
        ("title.text", "trường «title» không có trường con"),
        ("status", "không thể ẩn trường «status»"),
        ("id", "không thể ẩn trường «id»"),
        ("registrant.unit", "không thể ẩn trường «registrant.unit»"),
        ("registrant.name", "không thể ẩn trường «registrant.name»"),
        ("links.url", "không thể ẩn trường «links.url»"),
        ("obstacles.raised_on", "không thể ẩn trường «obstacles.raised_on»"),
        ("schedule.due", "không thể ẩn trường «schedule.due»"),
        ("visibility", "không thể ẩn trường «visibility»"),
    ],
)
def test_fields_that_cannot_be_hidden_are_named(field, message):
    (problem,) = check_hidden_fields([field])
    assert problem.startswith("public_hidden_fields: ") and message in problem
    with pytest.raises(ProfileError):
        public_content(None, [field])


def test_profile_names():
    assert resolve_profile(None) is Profile.internal
    assert resolve_profile("public") is Profile.public
    with pytest.raises(ProfileError, match="hồ sơ dựng trang «secret» không hợp lệ; chọn một trong: internal, public"):
        resolve_profile("secret")
