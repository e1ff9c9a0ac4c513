"""dang-ky/registry.json: the compact data behind the filterable registry page."""

from __future__ import annotations

import datetime as dt
import json

from generator.site.files import site_files
from generator.site.pages import PageRenderer
from generator.site.pages.listings import all_pages
from generator.site.pages.view import SiteView
from generator.domain.schema import Registration, spec_of
from generator.site.registry import COLUMNS, REGISTRY_PATH, registry_data, registry_json

AS_OF = dt.date(2024, 12, 31)


def make_view(content) -> SiteView:
    content.registration()  # 2024-stc-01: difficult, in progress, due 31/12/2024
    content.registration(
        id="2024-stc-02", kind="breakthrough", status="completed", tags=["so-hoa", "quyet-toan"],
        schedule={"start": "2024-04", "due": "2024-09", "completed_on": dt.date(2024, 10, 5)},
        updates=[{"date": dt.date(2024, 10, 5), "progress": 100, "text": "Xong."}],
        registrant={"name": "Lê Thị Hoa", "position": "Phó Giám đốc", "unit": "so-tai-chinh", "person": "le-thi-hoa"},
    )
    content.registration(
        id="2024-hubs-01", title="Đường <b>ven biển</b> & \"cầu\"", evaluator="bcs-ubnd-tinh", tags=["quyet-toan"],
        registrant={"name": "Trần Văn Bình", "position": "Bí thư", "unit": "huyen-uy-binh-son"},
        schedule={"start": dt.date(2024, 4, 1), "due": dt.date(2024, 11, 30)},
    )
    return SiteView(content.load(AS_OF))


def rows_by_id(data: dict) -> dict[str, dict]:
    return {row[0]: dict(zip(data["columns"], row)) for row in data["rows"]}


def test_the_file_is_a_site_file_next_to_the_registry_page(content):
    view = make_view(content)
    files = {f.path: f.content for f in site_files(view)}
    assert files[REGISTRY_PATH] == registry_json(view)
    assert REGISTRY_PATH == "dang-ky/registry.json"
    body = PageRenderer(view.content).render(all_pages(view)[0])
    assert 'data-registry="registry.json"' in body  # relative to dang-ky/
    assert 'class="dp-registry-static"' in body and "2024-hubs-01" in body  # the plain table stays


def test_every_facet_has_its_heading_from_the_schema(content):
    data = registry_data(make_view(content))
    assert set(data["labels"]) == set(data["facets"])  # registry.js takes each filter's heading from here
    assert (data["labels"]["unit"], data["labels"]["year"], data["labels"]["flag"]) == ("Đơn vị", "Năm", "Hạn hoàn thành")
    assert data["labels"]["tag"] == spec_of(Registration.model_fields["tags"]).facet


def test_rows_hold_indices_into_the_facets(content):
    data = registry_data(make_view(content))
    assert data["version"] == 1 and data["as_of"] == "2024-12-31" and data["columns"] == COLUMNS
    facets = data["facets"]
    row = rows_by_id(data)["2024-stc-02"]
    assert facets["year"][row["year"]] == [2024, "2024"]
    assert facets["kind"][row["kind"]] == ["breakthrough", "Việc mới, đột phá", "II"]
    assert facets["status"][row["status"]] == ["completed", "Hoàn thành"]
    assert facets["unit"][row["unit"]][:2] == ["so-tai-chinh", "Sở Tài chính"]
    assert facets["group"][facets["unit"][row["unit"]][2]][0] == "so-ban-nganh"
    assert [facets["flag"][i][0] for i in row["flags"]] == ["late"]
    assert sorted(facets["tag"][i][0] for i in row["tags"]) == ["quyet-toan", "so-hoa"]
    assert (row["due"], row["due_text"]) == ("2024-09-30", "09/2024")  # a month: its last day, shown as the month
    assert (row["name"], row["person"], row["days_overdue"]) == ("Lê Thị Hoa", "le-thi-hoa", 0)


def test_derived_flags_and_days_overdue(content):
    rows = rows_by_id(registry_data(make_view(content)))
    facets = registry_data(make_view(content))["facets"]
    overdue = rows["2024-hubs-01"]
    assert [facets["flag"][i][0] for i in overdue["flags"]] == ["overdue"]
    assert overdue["days_overdue"] == 31
    assert [facets["flag"][i][0] for i in rows["2024-stc-01"]["flags"]] == ["due_soon"]
    assert overdue["person"] == "tran-van-binh-huyen-uy-binh-son"  # no stable id: made from name and unit


def test_facets_list_only_values_in_use_in_a_stable_order(content):
    facets = registry_data(make_view(content))["facets"]
    assert [u[0] for u in facets["unit"]] == ["so-tai-chinh", "huyen-uy-binh-son"]  # units.yml order, used only
    assert [g[0] for g in facets["group"]] == ["so-ban-nganh", "cap-huyen"]
    assert [e[0] for e in facets["evaluator"]] == ["btv-tinh-uy", "bcs-ubnd-tinh"]
    assert [t[0] for t in facets["tag"]] == ["quyet-toan", "so-hoa"]
    assert [s[0] for s in facets["status"]] == ["registered", "in_progress", "completed", "not_completed", "paused", "withdrawn"]
    assert [f[0] for f in facets["flag"]] == ["overdue", "due_soon", "on_time", "late"]


def test_text_stays_text_and_the_bytes_are_deterministic(content):
    view = make_view(content)
    raw = registry_json(view)
    assert raw == registry_json(view)
    assert raw.decode("utf-8") == json.dumps(json.loads(raw), ensure_ascii=False, separators=(",", ":"))
    assert rows_by_id(json.loads(raw))["2024-hubs-01"]["title"] == 'Đường <b>ven biển</b> & "cầu"'
    assert "Đường".encode() in raw  # UTF-8, not \\u escapes: a third smaller for Vietnamese


def test_rows_follow_the_site_order(content):
    view = make_view(content)
    assert [row[0] for row in registry_data(view)["rows"]] == [e.id for e in view.entries]


def test_no_registrations_gives_empty_rows(content):
    data = registry_data(SiteView(content.load(AS_OF)))
    assert data["rows"] == [] and data["facets"]["year"] == [] and data["facets"]["unit"] == []


def test_an_extended_deadline_is_the_due_date_and_a_facet(content):
    make_view(content)
    extension = {"date": dt.date(2024, 11, 15), "due": dt.date(2025, 3, 31), "approved_by": "btv-tinh-uy", "decision": "Thông báo số 123-TB/TU"}
    content.registration(
        id="2024-hubs-01", evaluator="bcs-ubnd-tinh",
        registrant={"name": "Trần Văn Bình", "position": "Bí thư", "unit": "huyen-uy-binh-son"},
        schedule={"start": dt.date(2024, 4, 1), "due": dt.date(2024, 11, 30), "extensions": [extension]},
    )  # fmt: skip
    data = registry_data(SiteView(content.load(AS_OF)))
    rows, facets = rows_by_id(data), data["facets"]
    extended = rows["2024-hubs-01"]
    assert (extended["due"], extended["due_text"]) == ("2025-03-31", "31/03/2025 (điều chỉnh từ 30/11/2024, Thông báo số 123-TB/TU)")
    assert [facets["deadline"][i] for i in extended["deadline"]] == [["extended", "Có điều chỉnh thời hạn"]]
    assert (extended["flags"], extended["days_overdue"]) == ([], 0)  # overdue by the registered deadline, not by the one in force
    assert rows["2024-stc-01"]["deadline"] == []
