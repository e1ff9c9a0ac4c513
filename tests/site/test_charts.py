"""SVG charts drawn at build time: well-formed, deterministic, escaped, to scale."""

from __future__ import annotations

import xml.etree.ElementTree as ET

import pytest

from generator.site.charts import bar_chart, column_chart
from generator.domain.text import vn_percent

SVG = "{http://www.w3.org/2000/svg}"
ROWS = [("Đang thực hiện", [5, 5]), ("Hoàn thành", [5, 2]), ("Rút đăng ký", [0, 1])]


def parse(svg: str) -> ET.Element:
    return ET.fromstring(svg)


def texts(root: ET.Element) -> list[str]:
    return [t.text for t in root.iter(SVG + "text")]


def bar_widths(root: ET.Element, fill: str | None = None) -> list[float]:
    return [float(r.get("width")) for r in root.iter(SVG + "rect") if fill is None or r.get("fill") == fill]


def test_bar_chart_is_well_formed_svg_with_a_name():
    root = parse(bar_chart("Theo trạng thái", ROWS, ["Phần I", "Phần II"]))
    assert root.tag == SVG + "svg"
    assert root.get("role") == "img" and root.get("aria-label") == "Theo trạng thái"
    assert root.get("viewBox").startswith("0 0 640 ")


def test_bar_chart_shows_every_label_value_and_legend():
    shown = texts(parse(bar_chart("x", ROWS, ["Phần I", "Phần II"])))
    assert shown[:2] == ["Phần I", "Phần II"]
    assert ["Đang thực hiện", "Hoàn thành", "Rút đăng ký"] == [t for t in shown if t in dict(ROWS)]
    assert shown.count("5") == 3 and "0" in shown and "2" in shown


def test_grouped_bars_are_to_scale_and_zero_draws_nothing():
    root = parse(bar_chart("x", ROWS, ["Phần I", "Phần II"]))
    widths = bar_widths(root, "#0b4f8a")[1:]  # the first dark square is the legend's
    assert widths == [570.0, 570.0]  # the two fives, the largest value, fill the width
    light = bar_widths(root, "#a9cbec")[1:]
    assert light == [570.0, 228.0, 114.0]


def test_stacked_bars_add_up_and_show_the_total():
    root = parse(bar_chart("x", ROWS, ["Phần I", "Phần II"], stacked=True))
    dark, light = bar_widths(root, "#0b4f8a")[1:], bar_widths(root, "#a9cbec")[1:]
    assert dark[0] + light[0] == pytest.approx(570.0)  # 10 is the largest total
    assert texts(root).count("10") == 1 and "7" in texts(root)


def test_rates_with_a_maximum_and_missing_values():
    root = parse(bar_chart("x", [("Nhóm A", [0.25, None])], ["a", "b"], maximum=1.0, value_text=vn_percent))
    assert "25%" in texts(root) and "–" in texts(root)
    assert bar_widths(root)[2:] == [142.5]  # two legend squares, then one bar; None draws none


def test_labels_are_escaped_and_long_ones_cut():
    hostile = '</text><script>alert(1)</script> & "quoted" <b>'
    svg = bar_chart(hostile, [(hostile, [1]), ("x" * 200, [2])], ["<s>"])
    assert "<script" not in svg and "<b>" not in svg and "<s>" not in svg
    root = parse(svg)
    assert root.get("aria-label") == hostile
    assert hostile in texts(root)
    assert not root.findall(f".//{SVG}script")
    assert any(t.endswith("…") and len(t) <= 90 for t in texts(root))


def test_charts_are_deterministic():
    assert bar_chart("x", ROWS, ["a", "b"]) == bar_chart("x", list(ROWS), ["a", "b"])
    columns = [("T1", "2025", 3), ("T2", "", 0), ("T3", "", 11)]
    assert column_chart("y", columns) == column_chart("y", list(columns))


def test_column_chart_heights_ticks_and_groups():
    root = parse(column_chart("Theo tháng", [("T12", "2024", 2), ("T1", "2025", 4), ("T2", "", 0)]))
    heights = [float(r.get("height")) for r in root.iter(SVG + "rect")]
    assert heights == [60.0, 120.0, 0.0]
    shown = texts(root)
    assert ["T12", "T1", "T2"] == [t for t in shown if t.startswith("T")]
    assert "2024" in shown and "2025" in shown


def test_empty_charts_are_still_valid():
    assert parse(bar_chart("x", [], ["a"])).tag == SVG + "svg"
    assert parse(column_chart("x", [])).tag == SVG + "svg"


def test_wide_time_series_widen_the_chart():
    root = parse(column_chart("x", [(f"T{i % 12 + 1}", "", i) for i in range(30)]))
    assert float(root.get("width")) == 30 * 40 + 10
