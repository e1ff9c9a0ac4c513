"""`dotpha codeowners`: each unit's folders are reviewed by the unit's maintainers."""

from __future__ import annotations

from conftest import UNITS_YML

from generator.cli import main

WITH_MAINTAINERS = UNITS_YML.replace(
    "    short: STC\n", "    short: STC\n    maintainers: ['@stc-van-thu', '@so-tai-chinh/lanh-dao']\n"
).replace("    until: 2025-06-30\n", "    until: 2025-06-30\n    maintainers: [vanthu@binhson.example]\n")


def test_github_and_gitlab_patterns(content, capsys):
    content.units(WITH_MAINTAINERS)
    assert main(["codeowners", "--content", "content", "--default", "@ban-to-chuc"]) == 0
    assert capsys.readouterr().out == (
        "# Tệp do `dotpha codeowners` sinh ra từ content/units.yml; sửa maintainers trong units.yml rồi chạy lại lệnh.\n"
        "* @ban-to-chuc\n"
        "/content/registrations/*/so-tai-chinh/ @stc-van-thu @so-tai-chinh/lanh-dao\n"
        "/content/registrations/*/huyen-uy-binh-son/ vanthu@binhson.example\n"
    )


def test_gitea_patterns_are_regular_expressions_written_to_a_file(content, capsys, tmp_path):
    content.units(WITH_MAINTAINERS)
    assert main(["codeowners", "--content", "content", "--forge", "gitea", "-o", "CODEOWNERS"]) == 0
    assert capsys.readouterr().out == "Đã ghi CODEOWNERS: 2 đơn vị có người duyệt.\n"
    lines = (tmp_path / "CODEOWNERS").read_text(encoding="utf-8").splitlines()[1:]
    assert lines == [
        "content/registrations/[^/]+/so\\-tai\\-chinh/.* @stc-van-thu @so-tai-chinh/lanh-dao",
        "content/registrations/[^/]+/huyen\\-uy\\-binh\\-son/.* vanthu@binhson.example",
    ]


def test_bad_maintainers_are_refused_with_their_place(content, capsys):
    content.units(WITH_MAINTAINERS.replace("vanthu@binhson.example", "'văn thư'"))
    assert main(["codeowners", "--content", "content"]) == 2
    assert capsys.readouterr().err == "dotpha: content/units.yml: đơn vị huyen-uy-binh-son: maintainers «văn thư» không được chứa dấu cách\n"
    content.units(WITH_MAINTAINERS.replace("[vanthu@binhson.example]", "vanthu@binhson.example"))
    assert main(["codeowners", "--content", "content"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("dotpha: units.yml có lỗi:\ncontent/units.yml:") and "units.2.maintainers: phải là một danh sách" in err
