"""One page per registration, in the order of the official form; seen through
`#don` it is the printable form itself (header, addressee, signature)."""

from __future__ import annotations

from ...domain.schema import Kind, form_fields
from ...history.timeline import describe_for
from .reports import administrative_date
from .view import PageSpec, SiteView, registration_url

# The headings of Part I and II of the official form.
PART_TITLES = {
    Kind.difficult: "I. Đăng ký những việc khó, phức tạp, điểm nghẽn, nút thắt còn tồn đọng của ngành, địa phương mình cần tập trung tháo gỡ",
    Kind.breakthrough: "II. Đăng ký những việc làm mới có tính đột phá, sáng tạo mang lại giá trị, hiệu quả thiết thực vì lợi ích chung",
}


def registration_pages(view: SiteView) -> list[PageSpec]:
    return [
        PageSpec(
            url=registration_url(entry.id),
            title=entry.registration.title,
            template="registration.html",
            context={
                "entry": entry,
                "form_fields": form_fields(entry.registration.kind),
                "part_title": PART_TITLES[entry.registration.kind],
                "date_line": administrative_date(view.province, entry.registration.registered_on, entry.registration.year),
                "history": view.history.of(entry.id),
                "history_known": view.history.available,
                "history_withheld": view.history.withheld,
                "describe": describe_for(view),
            },
            searchable=True,
        )
        for entry in view.entries
    ]
