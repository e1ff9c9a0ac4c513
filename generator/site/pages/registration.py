"""One page per registration, in the order of the official form; seen through
`#don` it is the printable form itself (header, addressee, signature)."""

from __future__ import annotations

import html

from ...domain.schema import Kind, Registration, form_fields, is_free_text, lacks_reason, spec_of
from ...history.timeline import describe_for
from ..output import SiteFile
from .contexts import RegistrationContext
from .documents import administrative_date
from .view import PageSpec, SiteView, registration_url

# The headings of Part I and II of the official form.
PART_TITLES = {
    Kind.difficult: "I. Đăng ký những việc khó, phức tạp, điểm nghẽn, nút thắt còn tồn đọng của ngành, địa phương mình cần tập trung tháo gỡ",
    Kind.breakthrough: "II. Đăng ký những việc làm mới có tính đột phá, sáng tạo mang lại giá trị, hiệu quả thiết thực vì lợi ích chung",
}

# Free texts outside the form's numbered items, each under its label after the obstacles (review_plan,
# and any such field schema.py gains: it shows here without a template line).
OTHER_TEXTS = [name for name, info in Registration.model_fields.items() if is_free_text(info) and not spec_of(info).form]


def registration_pages(view: SiteView) -> list[PageSpec]:
    return [
        PageSpec(
            url=registration_url(entry.id),
            title=entry.registration.title,
            context=RegistrationContext(
                entry=entry,
                form_fields=form_fields(entry.registration.kind),
                other_texts=OTHER_TEXTS,
                part_title=PART_TITLES[entry.registration.kind],
                date_line=administrative_date(view.province, entry.registration.registered_on, entry.registration.year),
                history=view.history.of(entry.id),
                history_known=view.history.available,
                history_withheld=view.history.withheld,
                describe=describe_for(view),
                moves=entry.registration.status_moves,
                lacks_reason=lacks_reason(entry.registration),
            ),
            searchable=True,
        )
        for entry in view.entries
    ]


FORM_REDIRECT = (
    '<!doctype html>\n<html lang="vi"><head><meta charset="utf-8"><title>Đơn đăng ký {id}</title>'
    '<meta name="robots" content="noindex"><meta http-equiv="refresh" content="0; url=../#don">'
    '<link rel="canonical" href="../#don"></head>\n<body><p><a href="../#don">Đơn đăng ký {id}</a></p></body></html>\n'
)


def form_redirect_files(view: SiteView) -> list[SiteFile]:
    """`dang-ky/<id>/don/`, where the printable form used to be its own page: a few bytes that
    send the browser to the registration page seen as the form (`#don`), without the theme."""
    return [
        SiteFile(f"{registration_url(entry.id)}don/index.html", FORM_REDIRECT.format(id=html.escape(entry.id)).encode("utf-8"))
        for entry in view.entries
    ]
