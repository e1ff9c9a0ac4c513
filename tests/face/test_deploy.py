"""deploy/post-receive on a real bare repository: a good push is served, a bad one is not."""

from __future__ import annotations

import functools
import shutil
import subprocess
import sys
import threading
import urllib.request
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from conftest import DIFFICULT, UNITS_YML, dump
from gitwork import GitWork, git_environment

REPO = Path(__file__).resolve().parents[2]
HOOK = REPO / "deploy" / "post-receive"
REG = "content/registrations/2024/so-tai-chinh/2024-stc-01.yml"


class _Quiet(SimpleHTTPRequestHandler):
    def log_message(self, format, *args):
        """No line per request in the test output."""


@pytest.fixture
def server(tmp_path):
    """A bare repository with the hook installed, a web root, and a work tree to push from."""
    bare = tmp_path / "dangky.git"
    subprocess.run(["git", "init", "-q", "--bare", "-b", "main", str(bare)], check=True, env=git_environment())
    shutil.copy(HOOK, bare / "hooks" / "post-receive")
    www = tmp_path / "www"
    for key, value in {"webroot": str(www), "command": f"{sys.executable} -m generator.cli"}.items():
        subprocess.run(["git", "config", f"dotpha.{key}", value], cwd=bare, check=True, env=git_environment())
    work = GitWork(tmp_path / "work")
    shutil.copy(REPO / "site_config.yml", work.root / "site_config.yml")
    shutil.copytree(REPO / "theme", work.root / "theme")
    shutil.copytree(REPO / "content" / "pages", work.root / "content" / "pages")
    (work.root / "content" / "units.yml").write_text(UNITS_YML, encoding="utf-8")
    work.git("remote", "add", "origin", str(bare))
    return bare, www, work


def push(work: GitWork, branch: str = "main") -> subprocess.CompletedProcess:
    return subprocess.run(["git", "push", "-q", "origin", f"HEAD:{branch}"], cwd=work.root, capture_output=True, text=True,
                          env=git_environment(), timeout=300, check=False)  # fmt: skip


def write_registration(work: GitWork, **changes) -> None:
    path = work.root / REG
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(dump(DIFFICULT | changes), encoding="utf-8")


def served_page(www: Path, path: str) -> str:
    """Fetch a page over HTTP from the served folder (the `current` link), as nginx would."""
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(_Quiet, directory=str(www / "current")))
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{httpd.server_port}/{path}", timeout=10) as response:
            return response.read().decode("utf-8")
    finally:
        httpd.shutdown()
        httpd.server_close()


def test_good_push_is_served_and_bad_push_keeps_the_previous_site(server):
    bare, www, work = server
    write_registration(work, title="Bản đầu tiên")
    work.commit("Đăng ký 2024")
    done = push(work)
    assert done.returncode == 0, done.stderr
    current = (www / "current").readlink()
    assert current.parts[0] == "releases" and current.name.endswith(work.git("rev-parse", "--short=12", "HEAD").strip())
    assert "Bản đầu tiên" in served_page(www, "dang-ky/2024-stc-01/")

    write_registration(work, title="Bản lỗi", status="finished")
    work.commit("Sai trạng thái")
    done = push(work)
    assert done.returncode == 0  # a post-receive hook cannot refuse a push; it says so instead
    assert "trang web KHÔNG được cập nhật" in done.stderr
    assert (www / "current").readlink() == current
    assert [p.name for p in (www / "releases").iterdir()] == [current.name]
    assert "Bản đầu tiên" in served_page(www, "dang-ky/2024-stc-01/")
    log = (www / "deploy.log").read_text(encoding="utf-8")
    assert "đã phục vụ " + str(current) in log
    assert "LỖI: dựng trang thất bại (mã 1); trang cũ giữ nguyên" in log
    assert "status: giá trị «finished» không hợp lệ" in log


def test_other_branches_are_not_published(server):
    bare, www, work = server
    write_registration(work)
    work.commit("Nhánh thử")
    assert push(work, "thu-nghiem").returncode == 0
    assert not (www / "current").exists()
    assert not (www / "deploy.log").exists()


def test_without_a_web_root_the_hook_says_so_and_does_nothing(server):
    bare, www, work = server
    subprocess.run(["git", "config", "--unset", "dotpha.webroot"], cwd=bare, check=True, env=git_environment())
    write_registration(work)
    work.commit("Đăng ký")
    done = push(work)
    assert done.returncode == 0
    assert "chưa cấu hình thư mục web (git config dotpha.webroot" in done.stderr
    assert not www.exists()


# ---------------------------------------------------------------- CI templates shipped in the repository

WORKFLOWS = sorted([*REPO.glob(".github/workflows/*.yml"), *REPO.glob(".gitea/workflows/*.yml")])


def dotpha_commands(script: str) -> list[list[str]]:
    """Every `dotpha ...` command line of a shell script, its variables replaced by a word."""
    import re
    import shlex

    found = []
    for line in script.splitlines():
        at = line.find("dotpha ")
        if at < 0 or line.lstrip().startswith("#") or "pip install" in line:
            continue
        command = re.split(r"\s(?:>|2>|\|\||&&)\s", line[at:])[0]
        command = re.sub(r'"\$\([^)]*\)"', "2025-01-01", command)
        found.append(shlex.split(re.sub(r"\$\{?\w+\}?", "x", command))[1:])
    return found


def check_dotpha_commands(script: str) -> int:
    from generator.cli import build_parser

    commands = dotpha_commands(script)
    for args in commands:
        build_parser().parse_args(args)  # SystemExit on an option dotpha does not have
    return len(commands)


@pytest.mark.parametrize("path", WORKFLOWS, ids=lambda p: str(p.relative_to(REPO)))
def test_workflows_are_valid_yaml_calling_real_dotpha_commands(path):
    import yaml

    workflow = yaml.safe_load(path.read_text(encoding="utf-8"))
    triggers = workflow[True]  # YAML 1.1 reads the key `on` as true, as GitHub's own parser does not
    assert set(triggers) <= {"pull_request", "push", "schedule", "workflow_dispatch"}
    assert workflow["jobs"]
    runs = 0
    for job in workflow["jobs"].values():
        assert job["runs-on"]
        for step in job.get("steps", []):
            assert ("run" in step) != ("uses" in step), step
            runs += check_dotpha_commands(step.get("run", ""))
    assert runs >= 1
    if "schedule" in triggers:
        assert triggers["schedule"][0]["cron"].count(" ") == 4


def test_gitlab_ci_is_valid_yaml_calling_real_dotpha_commands():
    import yaml

    ci = yaml.safe_load((REPO / ".gitlab-ci.yml").read_text(encoding="utf-8"))
    jobs = {name: job for name, job in ci.items() if isinstance(job, dict) and "script" in job}
    assert sorted(jobs) == ["check", "pages"]
    assert all(job["stage"] in ci["stages"] for job in jobs.values())
    assert ci["variables"]["GIT_DEPTH"] == 0
    assert sum(check_dotpha_commands("\n".join(job["script"])) for job in jobs.values()) == 2
    assert jobs["pages"]["artifacts"]["paths"] == ["public"]


def test_pre_commit_hook_runs_dotpha_validate():
    import yaml

    hook, _ = yaml.safe_load((REPO / ".pre-commit-hooks.yaml").read_text(encoding="utf-8"))
    assert (hook["id"], hook["entry"], hook["language"], hook["pass_filenames"]) == ("dotpha-validate", "dotpha validate", "python", False)
    assert check_dotpha_commands(hook["entry"]) == 1


def test_pre_commit_offers_check_jsonschema_on_registration_files():
    import re

    import yaml

    _, hook = yaml.safe_load((REPO / ".pre-commit-hooks.yaml").read_text(encoding="utf-8"))
    schema = hook["entry"].split("--schemafile ", 1)[1]
    assert hook["entry"].startswith("check-jsonschema ") and (REPO / schema).is_file()
    assert any(dep.startswith("check-jsonschema") for dep in hook["additional_dependencies"])
    assert re.search(hook["files"], "content/registrations/2024/so-tai-chinh/2024-stc-01.yml")
    assert not re.search(hook["files"], "content/units.yml")


def test_pull_request_templates_agree():
    templates = [REPO / ".github/pull_request_template.md", REPO / ".gitea/pull_request_template.md",
                 REPO / ".gitlab/merge_request_templates/Default.md"]  # fmt: skip
    texts = {p.read_text(encoding="utf-8") for p in templates}
    assert len(texts) == 1
    assert "schedule.completed_on" in texts.pop()
