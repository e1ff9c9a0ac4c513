"""The benchmark's synthetic content (bench/synth.py) is content a province could have:
valid, and without warnings, so that the figures in the README measure a normal build."""

import subprocess
import sys
from pathlib import Path

from generator.cli import main

ROOT = Path(__file__).resolve().parents[2]


def test_synthetic_content_validates_without_warnings(tmp_path, capsys):
    subprocess.run([sys.executable, str(ROOT / "bench" / "synth.py"), str(tmp_path / "c"), "--n", "400"], check=True, capture_output=True)
    assert main(["validate", "--content", str(tmp_path / "c"), "--as-of", "2025-11-01"]) == 0
    captured = capsys.readouterr()
    assert "cảnh báo" not in captured.out + captured.err
    assert "Không có lỗi: 400 đăng ký" in captured.out
