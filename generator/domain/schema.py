"""The one declaration of the content format (CONTENT-SPEC, version 1).

Every key and every enumerated value carries its Vietnamese label here, and
every field its `FieldSpec`: its number in the official form, its column in
the downloads, the headers imports accept, whether a public build hides it,
rollover copies it and `dotpha new` asks for it.  The validator, the site, the
downloads, the imports, the JSON Schema and the tools all read them from these
models, so a field is added or removed in this file alone.  Cross-field and cross-file rules live in
`validate.py`; this module only knows the shape of one file.
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
import typing
from dataclasses import dataclass
from enum import Enum
from typing import Annotated, Any

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    StrictInt,
    StrictStr,
    WithJsonSchema,
)
from pydantic_core import PydanticCustomError

FORMAT_VERSION = 1
SLUG_PATTERN = r"^[a-z0-9]+(-[a-z0-9]+)*$"
_SLUG = re.compile(SLUG_PATTERN, re.ASCII)  # fullmatch: `$` alone lets a final newline through
_DAY = re.compile(r"\d{4}-\d{2}-\d{2}", re.ASCII)
_MONTH = re.compile(r"\d{4}-\d{2}", re.ASCII)


# ---------------------------------------------------------------- enumerations


class LabelledEnum(str, Enum):
    """A string enumeration whose members carry their Vietnamese label."""

    label: str

    def __new__(cls, value: str, label: str):
        member = str.__new__(cls, value)
        member._value_ = value
        member.label = label
        return member

    @classmethod
    def __get_pydantic_json_schema__(cls, core_schema, handler):
        schema = handler(core_schema)
        schema = handler.resolve_ref_schema(schema)
        schema["enumDescriptions"] = [m.label for m in cls]
        schema["markdownEnumDescriptions"] = [m.label for m in cls]
        return schema


class Kind(LabelledEnum):
    difficult = "difficult", "Việc khó, nút thắt (Phần I)"
    breakthrough = "breakthrough", "Việc mới, đột phá, sáng tạo (Phần II)"

    @property
    def part(self) -> str:
        return "I" if self is Kind.difficult else "II"

    @property
    def short_label(self) -> str:
        return "Việc khó" if self is Kind.difficult else "Việc mới, đột phá"


class Status(LabelledEnum):
    registered = "registered", "Đã đăng ký"
    in_progress = "in_progress", "Đang thực hiện"
    completed = "completed", "Hoàn thành"
    not_completed = "not_completed", "Không hoàn thành"
    paused = "paused", "Tạm dừng"
    withdrawn = "withdrawn", "Rút đăng ký"

    @property
    def is_closed(self) -> bool:
        """A closed registration can no longer be overdue."""
        return self in (Status.completed, Status.not_completed, Status.withdrawn)


class Outcome(LabelledEnum):
    completed = "completed", "Hoàn thành"
    partly_completed = "partly_completed", "Hoàn thành một phần"
    not_completed = "not_completed", "Không hoàn thành"


class Visibility(LabelledEnum):
    public = "public", "Công khai"
    internal = "internal", "Nội bộ"


# ---------------------------------------------------------------- scalar types


def is_slug(text: str) -> bool:
    return bool(_SLUG.fullmatch(text))


def _check_slug(value: str) -> str:
    if not is_slug(value):
        raise PydanticCustomError("slug", "not a slug: {value}", {"value": value})
    return value


def _check_text(value: str) -> str:
    if not value or value.isspace():  # what `not value.strip()` says, without copying the text
        raise PydanticCustomError("blank", "must not be blank", {})
    return value


def _parse_day(value: Any) -> dt.date:
    if isinstance(value, dt.date) and not isinstance(value, dt.datetime):
        return value
    if not isinstance(value, str) or not _DAY.fullmatch(value):
        raise PydanticCustomError("date_format", "not a date YYYY-MM-DD: {value}", {"value": value})
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise PydanticCustomError("date_invalid", "no such date: {value}", {"value": value}) from None


class PlannedDate(dt.date):
    """A planned date that may have been written as a whole month (`2024-04`)."""

    month_only: bool = False

    @classmethod
    def of(cls, day: dt.date, month_only: bool) -> "PlannedDate":
        planned = cls(day.year, day.month, day.day)
        planned.month_only = month_only
        return planned


def _planned(last_day: bool):
    def parse(value: Any) -> PlannedDate:
        if isinstance(value, str) and _MONTH.fullmatch(value):
            year, month = int(value[:4]), int(value[5:])
            if not 1 <= month <= 12:
                raise PydanticCustomError("date_invalid", "no such date: {value}", {"value": value})
            day = calendar.monthrange(year, month)[1] if last_day else 1
            return PlannedDate.of(dt.date(year, month, day), True)
        if not isinstance(value, dt.date) and not (isinstance(value, str) and _DAY.fullmatch(value)):
            raise PydanticCustomError(
                "month_format", "not a date YYYY-MM-DD or month YYYY-MM: {value}", {"value": value}
            )
        return PlannedDate.of(_parse_day(value), False)

    return parse


# JSON Schema patterns end in `$(?!\n)`: Python's `re.search` (the `jsonschema` library) lets `$` match before a
# final newline, ECMAScript's does not; the lookahead makes both refuse "giai-phong\n" as the validator does.
_DATE_SCHEMA = {"type": "string", "format": "date", "pattern": r"^\d{4}-\d{2}-\d{2}$(?!\n)"}
_MONTH_SCHEMA = {
    "type": "string",
    "anyOf": [_DATE_SCHEMA, {"pattern": r"^\d{4}-(0[1-9]|1[0-2])$(?!\n)"}],  # the date first: its error is the telling one
}
# What validate.check_links accepts: http(s), a host, brackets only around an IPv6 address (urlsplit refuses others).
URL_PATTERN = r"^[Hh][Tt][Tt][Pp][Ss]?://([^/?#\[\]]+|[^/?#\[\]]*\[[0-9A-Fa-f:.]+\][^/?#\[\]]*)([/?#]|$)"

Slug = Annotated[StrictStr, AfterValidator(_check_slug), WithJsonSchema({"type": "string", "pattern": SLUG_PATTERN + "(?!\\n)"})]
Text = Annotated[StrictStr, AfterValidator(_check_text), WithJsonSchema({"type": "string", "minLength": 1, "pattern": r"\S"})]
Url = Annotated[StrictStr, WithJsonSchema({"type": "string", "pattern": URL_PATTERN})]
Day = Annotated[dt.date, BeforeValidator(_parse_day), WithJsonSchema(_DATE_SCHEMA)]
StartDate = Annotated[PlannedDate, BeforeValidator(_planned(last_day=False)), WithJsonSchema(_MONTH_SCHEMA)]
DueDate = Annotated[PlannedDate, BeforeValidator(_planned(last_day=True)), WithJsonSchema(_MONTH_SCHEMA)]
Year = Annotated[StrictInt, Field(ge=2000, le=2100)]
Percent = Annotated[StrictInt, Field(ge=0, le=100)]


@dataclass(frozen=True)
class Column:
    """Where a field stands in the downloads (CSV, XLSX): its place among the columns, width, and header
    when it is not the field's label.  Columns that no field holds (computed ones) are in site/exports.py."""

    order: int
    width: int = 14
    header: str | None = None


@dataclass(frozen=True)
class FieldSpec:
    """What dotpha says of a field besides its type, label and help: the one list every field list reads.

    - `form`: its number in the official form, per part (`{"I": "2", "II": "3"}`);
    - `column`: its column in the downloads, which `dotpha import` also reads back;
    - `aliases`: the header spellings, folded (no diacritics, lower case), that imports accept besides the column's;
    - `public_hidden`: the public profile hides it unless site_config.yml says otherwise;
    - `rollover`: `dotpha rollover` copies it into next year's proposal;
    - `ask`: `dotpha new` asks for it, in this order, under the flag `--<name>`;
    - `facet`: the heading of its filter on the registry page, when it has one (site/registry.py).
    """

    form: dict[str, str] | None = None
    column: Column | None = None
    aliases: tuple[str, ...] = ()
    public_hidden: bool = False
    rollover: bool = False
    ask: int | None = None
    facet: str | None = None

    def __call__(self, schema: dict[str, Any]) -> None:
        """pydantic's `json_schema_extra` hook: the JSON Schema carries the form's numbers, nothing else."""
        if self.form:
            schema["form"] = dict(self.form)


def label(title: str, description: str | None = None, **spec: Any) -> Any:
    """A field's Vietnamese label (title), help text (description) and `FieldSpec`."""
    return {"title": title, "description": description, "json_schema_extra": FieldSpec(**spec)}


def spec_of(info: Any) -> FieldSpec:
    return info.json_schema_extra if isinstance(info.json_schema_extra, FieldSpec) else FieldSpec()


def registration_fields() -> list[tuple[str, Any]]:
    """Every field of a registration, dotted (`schedule.due`), with its FieldInfo, in the schema's order;
    a nested model's fields follow their parent."""
    found: list[tuple[str, Any]] = []

    def walk(model: type[BaseModel], prefix: str) -> None:
        for name, info in model.model_fields.items():
            found.append((prefix + name, info))
            inner = _inner_model(info.annotation)
            if inner is not None:
                walk(inner, f"{prefix}{name}.")

    walk(Registration, "")
    return found


def is_free_text(info: Any) -> bool:
    """Whether a field holds free text (`Text`, required or not), unlike ids, addresses and dates."""
    candidates = (info, *(a for a in typing.get_args(info.annotation) if typing.get_origin(a) is Annotated))
    return any(getattr(m, "func", None) is _check_text for c in candidates for m in getattr(c, "metadata", getattr(c, "__metadata__", ())))


def scalar_type(info: Any) -> type | None:
    """What one value of a field is: str, dt.date, int, a LabelledEnum, or None for a model or a list."""
    annotation = info.annotation
    if typing.get_origin(annotation) is list or _inner_model(annotation) is not None:
        return None
    for candidate in (annotation, *typing.get_args(annotation)):
        base = typing.get_origin(candidate) is Annotated and typing.get_args(candidate)[0] or candidate
        if isinstance(base, type) and issubclass(base, LabelledEnum):
            return base
        for kind in (dt.date, int, str):
            if isinstance(base, type) and issubclass(base, kind):
                return kind
    return None


class Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, arbitrary_types_allowed=True)


# ---------------------------------------------------------------- units.yml


class Group(Model):
    id: Slug = Field(**label("Mã nhóm"))
    name: Text = Field(**label("Tên nhóm đơn vị"))


class Unit(Model):
    id: Slug = Field(**label("Mã đơn vị", "Chữ thường không dấu, số và dấu gạch ngang, ví dụ so-tai-chinh."))
    name: Text = Field(**label("Tên đơn vị"))
    group: Slug = Field(**label("Nhóm đơn vị", "Mã một nhóm trong `groups`."))
    short: Text | None = Field(None, **label("Tên viết tắt"))
    since: Day | None = Field(None, **label("Thành lập từ ngày"))
    until: Day | None = Field(None, **label("Hoạt động đến ngày", "Ngày cuối cùng đơn vị còn hoạt động (sáp nhập, giải thể)."))
    replaced_by: Slug | None = Field(None, **label("Đơn vị kế thừa", "Mã đơn vị tiếp nhận chức năng, nhiệm vụ."))
    maintainers: list[Text] = Field(
        default_factory=list,
        **label(
            "Người duyệt thay đổi",
            "Tài khoản hoặc nhóm duyệt các thay đổi của đơn vị (dotpha codeowners), ghi như trong CODEOWNERS: "
            "@ten-dang-nhap, @to-chuc/nhom hoặc địa chỉ thư.",
        ),
    )


class Evaluator(Model):
    id: Slug = Field(**label("Mã cấp đánh giá"))
    name: Text = Field(**label("Tên cấp đánh giá"))
    since: Day | None = Field(None, **label("Áp dụng từ ngày"))
    until: Day | None = Field(None, **label("Áp dụng đến ngày"))


class UnitsFile(Model):
    """content/units.yml: unit groups, units and evaluating bodies."""

    model_config = ConfigDict(title="Danh mục đơn vị (units.yml)")
    groups: list[Group] = Field(**label("Nhóm đơn vị", "Thứ tự nhóm trên trang."))
    units: list[Unit] = Field(**label("Đơn vị"))
    evaluators: list[Evaluator] = Field(**label("Cấp đánh giá", "Ban Thường vụ Tỉnh ủy hoặc tập thể lãnh đạo được ủy quyền."))


# ---------------------------------------------------------------- a registration


class Registrant(Model):
    name: Text = Field(
        **label(
            "Họ và tên",
            column=Column(50, 22),
            aliases=("ho va ten", "ho ten", "ho va ten nguoi dang ky", "nguoi dang ky", "ten can bo", "can bo"),
            ask=4,
        ),
    )
    position: Text = Field(**label("Chức vụ", column=Column(60, 22), aliases=("chuc vu", "chuc danh"), ask=5))
    unit: Slug = Field(
        **label(
            "Đơn vị công tác",
            "Mã đơn vị trong units.yml.",
            column=Column(80, 20, "Mã đơn vị"),
            aliases=("ma don vi",),
            ask=3,
            facet="Đơn vị",
        ),
    )
    person: Slug | None = Field(
        None,
        **label(
            "Mã cán bộ",
            "Mã cố định để nối các đăng ký của một người qua các năm.",
            column=Column(280, 18),
            aliases=("ma can bo",),
            ask=6,
        ),
    )


class Extension(Model):
    """One approved change of the deadline (điều chỉnh thời hạn)."""

    date: Day = Field(**label("Ngày phê duyệt điều chỉnh"))
    due: DueDate = Field(**label("Thời hạn mới", "Ngày YYYY-MM-DD hoặc tháng YYYY-MM (ngày cuối tháng); sau thời hạn trước đó."))
    approved_by: Slug = Field(**label("Cấp phê duyệt", "Mã một cấp đánh giá trong evaluators của units.yml."))
    decision: Text | None = Field(None, **label("Văn bản phê duyệt", "Ví dụ: Thông báo số 123-TB/TU."))
    reason: Text | None = Field(None, **label("Lý do điều chỉnh"))


class Schedule(Model):
    start: StartDate | None = Field(
        None,
        **label(
            "Thời gian bắt đầu",
            "Ngày YYYY-MM-DD hoặc tháng YYYY-MM (ngày đầu tháng).",
            column=Column(160, 12),
            aliases=("thoi gian bat dau", "bat dau", "ngay bat dau", "thoi gian trien khai"),
            ask=9,
        ),
    )
    due: DueDate = Field(
        **label(
            "Thời gian hoàn thành",
            "Ngày YYYY-MM-DD hoặc tháng YYYY-MM (ngày cuối tháng). Giữ như đã đăng ký; thời hạn mới ghi ở extensions.",
            column=Column(170, 12),
            aliases=("thoi gian hoan thanh", "han hoan thanh", "thoi han hoan thanh", "thoi han", "han", "du kien hoan thanh"),
            ask=10,
        ),
    )
    extensions: list[Extension] = Field(
        default_factory=list, **label("Điều chỉnh thời hạn", "Các lần được phê duyệt điều chỉnh thời hạn, cũ trước mới sau.")
    )
    completed_on: Day | None = Field(
        None,
        **label(
            "Ngày hoàn thành thực tế",
            "Bắt buộc khi trạng thái là Hoàn thành.",
            column=Column(200, 12),
            aliases=("ngay hoan thanh thuc te", "ngay hoan thanh", "hoan thanh thuc te"),
        ),
    )

    @property
    def effective_due(self) -> PlannedDate:
        """The deadline in force: the last approved extension's, else the registered one."""
        return self.extensions[-1].due if self.extensions else self.due


class Update(Model):
    date: Day = Field(**label("Ngày báo cáo"))
    progress: Percent | None = Field(None, **label("Tiến độ (%)", "Từ 0 đến 100."))
    text: Text = Field(**label("Nội dung tiến độ"))
    status: Status | None = Field(
        None, **label("Chuyển trạng thái", "Trạng thái mà báo cáo này chuyển sang; nội dung báo cáo là lý do.")
    )


class Obstacle(Model):
    raised_on: Day = Field(**label("Ngày phát sinh"))
    text: Text = Field(**label("Nội dung vướng mắc", public_hidden=True))
    support_from: Text | None = Field(None, **label("Đề nghị hỗ trợ từ", public_hidden=True))
    resolved_on: Day | None = Field(None, **label("Ngày tháo gỡ", "Để trống khi vướng mắc còn tồn tại."))
    resolution: Text | None = Field(None, **label("Kết quả tháo gỡ", public_hidden=True))

    @property
    def is_open(self) -> bool:
        return self.resolved_on is None


class Result(Model):
    assessed_on: Day = Field(**label("Ngày đánh giá", column=Column(260, 12), aliases=("ngay danh gia",)))
    outcome: Outcome = Field(**label("Kết quả", column=Column(250, 18, "Kết quả đánh giá"), aliases=("ket qua", "ket qua danh gia")))
    comment: Text | None = Field(
        None,
        **label(
            "Nhận xét",
            column=Column(270, 30, "Nhận xét kết quả"),
            aliases=("nhan xet", "nhan xet ket qua", "nhan xet danh gia"),
            public_hidden=True,
        ),
    )


class Link(Model):
    title: Text = Field(**label("Tên văn bản"))
    url: Url = Field(**label("Đường dẫn", "Chỉ chấp nhận http hoặc https."))


class Registration(Model):
    """One registration (Đơn đăng ký), one file."""

    model_config = ConfigDict(title="Đơn đăng ký việc khó, việc mới có tính đột phá, sáng tạo")
    id: Slug | None = Field(
        None,
        **label(
            "Mã đăng ký",
            "Trùng tên tệp (không có .yml).",
            column=Column(20, 16),
            aliases=("ma", "ma dang ky", "ma so", "id"),
            ask=11,
        ),
    )
    year: Year = Field(**label("Năm đăng ký", column=Column(30, 8), aliases=("nam", "nam dang ky"), ask=1, facet="Năm"))
    kind: Kind = Field(
        **label(
            "Loại đăng ký",
            "difficult: Phần I; breakthrough: Phần II.",
            column=Column(40, 22, "Loại"),
            aliases=("loai", "loai dang ky", "loai viec", "phan", "kind"),
            ask=2,
            facet="Loại",
        ),
    )
    title: Text = Field(
        **label(
            "Tên công việc đăng ký",
            form={"I": "1", "II": "1"},
            column=Column(110, 40),
            aliases=("ten cong viec", "ten cong viec dang ky", "cong viec dang ky", "noi dung dang ky", "ten viec"),
            rollover=True,
            ask=8,
        ),
    )
    registrant: Registrant = Field(**label("Người đăng ký", rollover=True))
    evaluator: Slug = Field(
        **label(
            "Cấp đánh giá",
            "Mã trong evaluators của units.yml.",
            column=Column(90, 24),
            aliases=("cap danh gia", "ma cap danh gia", "co quan danh gia", "tap the danh gia"),
            rollover=True,
            ask=7,
            facet="Cấp đánh giá",
        ),
    )
    registered_on: Day | None = Field(None, **label("Ngày đăng ký", column=Column(100, 12), aliases=("ngay dang ky",)))
    continues: Slug | None = Field(
        None, **label("Tiếp nối đăng ký", "Mã đăng ký năm trước còn dở dang mà đăng ký này làm tiếp (dotpha rollover đề xuất).")
    )
    content: Text = Field(
        **label(
            "Nội dung, mục tiêu, nhiệm vụ, giải pháp thực hiện",
            form={"I": "2", "II": "3"},
            column=Column(120, 50),
            aliases=("noi dung", "noi dung muc tieu nhiem vu giai phap", "noi dung muc tieu nhiem vu giai phap thuc hien"),
            rollover=True,
        ),
    )
    impact: Text = Field(
        **label(
            "Nhận định tác động hiệu quả mang lại",
            form={"I": "3", "II": "4"},
            column=Column(130, 40),
            aliases=("nhan dinh tac dong hieu qua mang lai", "tac dong hieu qua", "hieu qua", "tac dong"),
            rollover=True,
        ),
    )
    support_requested: Text | None = Field(
        None,
        **label(
            "Đề xuất cấp trên chỉ đạo, hỗ trợ thực hiện",
            "Chỉ Phần I; bắt buộc (có thể ghi “Không”).",
            form={"I": "5"},
            column=Column(140, 30),
            aliases=("de xuat cap tren chi dao ho tro thuc hien", "de xuat ho tro", "de xuat kien nghi", "kien nghi de xuat", "de xuat"),
            public_hidden=True,
            rollover=True,
        ),
    )
    difficulties: Text | None = Field(
        None,
        **label(
            "Dự báo những khó khăn, vướng mắc khi triển khai thực hiện",
            "Chỉ Phần II; bắt buộc.",
            form={"II": "2"},
            column=Column(150, 30),
            aliases=("du bao nhung kho khan vuong mac khi trien khai thuc hien", "du bao kho khan vuong mac", "kho khan vuong mac", "du bao kho khan"),
            rollover=True,
        ),
    )
    schedule: Schedule = Field(
        **label("Dự kiến thời gian triển khai thực hiện và thời gian hoàn thành", form={"I": "4", "II": "5"})
    )
    status: Status = Field(**label("Trạng thái", column=Column(210, 16), aliases=("trang thai", "tinh trang"), facet="Trạng thái"))
    updates: list[Update] = Field(default_factory=list, **label("Tiến độ thực hiện", "Báo cáo tiến độ, cũ trước mới sau."))
    obstacles: list[Obstacle] = Field(default_factory=list, **label("Vướng mắc"))
    review_plan: Text | None = Field(
        None,
        **label(
            "Gắn với kế hoạch khắc phục sau kiểm điểm",
            "Hạn chế, khuyết điểm nêu tại kiểm điểm năm trước mà đăng ký này góp phần khắc phục.", public_hidden=True),
    )
    result: Result | None = Field(None, **label("Kết quả đánh giá cuối năm"))
    links: list[Link] = Field(default_factory=list, **label("Văn bản liên quan", public_hidden=True, rollover=True))
    tags: list[Slug] = Field(default_factory=list, **label("Từ khóa", rollover=True, facet="Từ khóa"))
    visibility: Visibility = Field(Visibility.public, **label("Phạm vi công khai", "internal: không đưa lên bản công khai."))

    @property
    def latest_progress(self) -> int | None:
        reported = [u.progress for u in self.updates if u.progress is not None]
        return reported[-1] if reported else None

    @property
    def open_obstacles(self) -> list[Obstacle]:
        return [o for o in self.obstacles if o.is_open]

    @property
    def status_moves(self) -> dict[int, Status]:
        """For each update (by index) that moves the status, the status it moves from.  Before
        the first move the work was Đang thực hiện if progress was reported, else Đã đăng ký."""
        moves, before = {}, Status.registered
        for index, update in enumerate(self.updates):
            if update.status is not None:
                moves[index] = before
                before = update.status
            elif before is Status.registered:
                before = Status.in_progress
        return moves


REASONED_STATUSES = (Status.paused, Status.withdrawn, Status.not_completed)


def lacks_reason(registration: Registration) -> bool:
    """A pause, withdrawal or failure that no update moving to it explains."""
    status = registration.status
    return status in REASONED_STATUSES and not any(u.status is status for u in registration.updates)


PART_ONLY_FIELDS = {"support_requested": Kind.difficult, "difficulties": Kind.breakthrough}


def form_fields(kind: Kind) -> list[str]:
    """Registration fields in the order of the official form for one part."""
    numbered = [
        (int(form[kind.part]), name)
        for name, info in Registration.model_fields.items()
        if (form := spec_of(info).form) and kind.part in form
    ]
    return [name for _, name in sorted(numbered)]


def field_title(model: type[BaseModel], dotted: str) -> str | None:
    """The Vietnamese label of a dotted field path such as `schedule.due` or `updates.0.text`."""
    current: Any = model
    title = None
    for part in dotted.split("."):
        if part.isdigit():
            continue
        info = getattr(current, "model_fields", {}).get(part)
        if info is None:
            return None
        title = info.title
        current = _inner_model(info.annotation)
    return title


def _inner_model(annotation: Any) -> Any:
    for candidate in (annotation, *getattr(annotation, "__args__", ())):
        if isinstance(candidate, type) and issubclass(candidate, BaseModel):
            return candidate
        for inner in getattr(candidate, "__args__", ()):
            if isinstance(inner, type) and issubclass(inner, BaseModel):
                return inner
    return None
