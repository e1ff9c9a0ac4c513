"""Located problems and their messages, in Vietnamese and English.

Every defect found in content becomes a `Problem`: a file, a line, a column,
a dotted field path and a message code.  The text is chosen only when the
problem is shown, so one run can print Vietnamese or English.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from .errors import DotphaError

MESSAGES: dict[str, tuple[str, str]] = {
    # loading
    "too_large": ("tệp lớn hơn {limit} byte ({size} byte)", "file is larger than {limit} bytes ({size} bytes)"),
    "not_utf8": ("tệp không phải UTF-8 hợp lệ (byte {position})", "file is not valid UTF-8 (byte {position})"),
    "binary": ("tệp chứa ký tự điều khiển không hợp lệ", "file holds invalid control characters"),
    "unreadable": ("không đọc được tệp ({detail})", "cannot read the file ({detail})"),
    "not_a_file": ("không phải tệp thông thường (ống, thiết bị, socket)", "not a regular file (a pipe, a device, a socket)"),
    "yaml_syntax": ("lỗi cú pháp YAML: {detail}", "YAML syntax error: {detail}"),
    "tab": (
        "không được thụt lề bằng ký tự tab, hãy dùng dấu cách",
        "tab characters cannot indent YAML; use spaces",
    ),
    "number_too_long": ("số quá dài ({digits} ký tự); hãy viết dưới dạng chuỗi trong ngoặc kép",
                        "the number is too long ({digits} characters); write it as a quoted string"),
    "yaml_tag": ("không được dùng thẻ kiểu YAML «{tag}»", "the YAML tag '{tag}' is not allowed"),
    "alias": ("không được dùng anchor/alias YAML (&, *)", "YAML anchors and aliases (&, *) are not allowed"),
    "merge_key": ("không được dùng khóa gộp YAML (<<)", "YAML merge keys (<<) are not allowed"),
    "too_deep": ("cấu trúc lồng quá sâu (hơn {limit} cấp)", "nesting is deeper than {limit} levels"),
    "duplicate_key": ("khóa bị lặp lại (đã có ở dòng {first_line})", "duplicate key (first at line {first_line})"),
    "not_mapping": ("nội dung tệp phải là một bảng khóa: giá trị", "the file must hold a mapping of keys to values"),
    "empty_file": ("tệp rỗng", "the file is empty"),
    "bad_key": ("khóa phải là chuỗi", "keys must be strings"),
    "multi_document": ("tệp chỉ được chứa một tài liệu YAML", "the file must hold a single YAML document"),
    "symlink_outside": ("liên kết tượng trưng trỏ ra ngoài thư mục nội dung", "symbolic link points outside the content folder"),
    "symlink_folder": (
        "liên kết tượng trưng tới thư mục không được hỗ trợ; hãy đặt tệp trực tiếp trong content/registrations",
        "symbolic links to folders are not followed; put the files in content/registrations itself",
    ),
    "bad_filename": ("tên tệp phải là mã hợp lệ (a-z, 0-9, '-') và đuôi .yml", "file name must be a slug (a-z, 0-9, '-') ending in .yml"),
    "misplaced_file": (
        "tệp đăng ký phải nằm ở registrations/<năm>/<mã-đơn-vị>/<mã>.yml",
        "registration files belong at registrations/<year>/<unit-id>/<id>.yml",
    ),
    "no_units_file": ("thiếu tệp units.yml", "units.yml is missing"),
    "unreadable_folder": ("không đọc được thư mục (quyền truy cập?); các tệp trong đó chưa được kiểm tra",
                          "the folder cannot be read (permissions?); the files in it were not checked"),
    "no_content_dir": ("không tìm thấy thư mục nội dung", "content folder not found"),
    "empty_content_dir": ("thư mục nội dung trống: cần units.yml và registrations/ (xem README, Định dạng nội dung)",
                          "the content folder is empty: it needs units.yml and registrations/ (see the README, content format)"),
    # shape (from the schema)
    "missing": ("thiếu trường bắt buộc «{label}»", "missing required field"),
    "unknown_key": ("khóa không hợp lệ «{key}»{hint}", "unknown key '{key}'{hint}"),
    "did_you_mean": ("; có phải ý bạn là «{suggestion}»?", "; did you mean '{suggestion}'?"),
    "type_text": ("phải là văn bản, không phải {got}", "must be text, not {got}"),
    "type_int": ("phải là số nguyên, không phải {got}", "must be a whole number, not {got}"),
    "type_list": ("phải là một danh sách (mỗi mục bắt đầu bằng '- ')", "must be a list (items start with '- ')"),
    "type_mapping": ("phải là một bảng khóa: giá trị", "must be a mapping of keys to values"),
    "blank": ("không được để trống", "must not be blank"),
    "slug": (
        "«{value}» không phải mã hợp lệ (chỉ chữ thường a-z, số 0-9 và dấu '-')",
        "'{value}' is not a slug (only a-z, 0-9 and '-')",
    ),
    "date_format": ("«{value}» không phải ngày dạng YYYY-MM-DD", "'{value}' is not a date YYYY-MM-DD"),
    "month_format": (
        "«{value}» không phải ngày YYYY-MM-DD hoặc tháng YYYY-MM",
        "'{value}' is not a date YYYY-MM-DD or a month YYYY-MM",
    ),
    "date_invalid": ("ngày không tồn tại: {value}", "no such date: {value}"),
    "enum": ("giá trị «{value}» không hợp lệ; chọn một trong: {choices}", "'{value}' is not allowed; choose one of: {choices}"),
    "too_small": ("phải lớn hơn hoặc bằng {limit} (đang là {value})", "must be at least {limit} (is {value})"),
    "too_big": ("phải nhỏ hơn hoặc bằng {limit} (đang là {value})", "must be at most {limit} (is {value})"),
    "invalid": ("giá trị không hợp lệ: {detail}", "invalid value: {detail}"),
    # rules (validate.py)
    "unknown_unit": ("không có đơn vị «{value}» trong units.yml{hint}", "no unit '{value}' in units.yml{hint}"),
    "unknown_evaluator": ("không có cấp đánh giá «{value}» trong units.yml{hint}", "no evaluator '{value}' in units.yml{hint}"),
    "unknown_group": ("không có nhóm «{value}» trong groups{hint}", "no group '{value}' in groups{hint}"),
    "unit_not_alive": (
        "đơn vị «{value}» không hoạt động trong năm {year} ({span})",
        "unit '{value}' did not exist during {year} ({span})",
    ),
    "evaluator_not_alive": (
        "cấp đánh giá «{value}» không hoạt động trong năm {year} ({span})",
        "evaluator '{value}' did not exist during {year} ({span})",
    ),
    "duplicate_id": ("mã «{value}» bị trùng với {other}", "id '{value}' is also used by {other}"),
    "id_path": ("mã «{value}» phải trùng tên tệp «{expected}»", "id '{value}' must equal the file name '{expected}'"),
    "year_path": ("năm {value} không khớp với thư mục năm «{expected}»", "year {value} disagrees with the year folder '{expected}'"),
    "unit_path": ("đơn vị «{value}» không khớp với thư mục đơn vị «{expected}»", "unit '{value}' disagrees with the unit folder '{expected}'"),
    "due_before_start": (
        "thời gian hoàn thành {due} trước thời gian bắt đầu {start}",
        "due date {due} is before the start {start}",
    ),
    "updates_order": (
        "báo cáo tiến độ ngày {value} đứng sau báo cáo ngày {previous}: sắp xếp cũ trước mới sau",
        "update of {value} comes after the update of {previous}: keep oldest first",
    ),
    "after_as_of": ("ngày {value} sau ngày tính số liệu {as_of}", "date {value} is after the as-of date {as_of}"),
    "completed_without_date": (
        "trạng thái Hoàn thành cần schedule.completed_on (ngày hoàn thành thực tế)",
        "status completed needs schedule.completed_on",
    ),
    "completed_without_evidence": (
        "trạng thái Hoàn thành cần ít nhất một báo cáo tiến độ (updates) hoặc kết quả đánh giá (result)",
        "status completed needs at least one update or a result",
    ),
    "result_on_registered": (
        "đăng ký ở trạng thái Đã đăng ký chưa thể có kết quả đánh giá",
        "a registration still registered cannot have a result",
    ),
    "part_only": (
        "trường «{label}» chỉ dùng cho Phần {part}, không dùng cho Phần {other}",
        "field '{key}' belongs to Part {part} only, not Part {other}",
    ),
    "part_required": ("Phần {part} bắt buộc có trường «{label}»", "Part {part} requires field '{key}'"),
    "support_required": (
        "Phần {part} bắt buộc có trường «{label}» (có thể ghi “Không”)",
        "Part {part} requires field '{key}' (it may say “Không”)",
    ),
    "link_invalid": ("đường dẫn không hợp lệ: «{value}»", "invalid URL: '{value}'"),
    "link_scheme": ("đường dẫn phải bắt đầu bằng http:// hoặc https://: «{value}»", "URL must start with http:// or https://: '{value}'"),
    "unit_span": ("ngày «until» {until} trước ngày «since» {since}", "'until' {until} is before 'since' {since}"),
    "replaced_by_self": ("đơn vị không thể tự kế thừa chính nó", "a unit cannot be replaced by itself"),
    "duplicate_slug": ("mã «{value}» đã dùng ở dòng {first_line}", "id '{value}' is already used at line {first_line}"),
    "unknown_continues": ("không có đăng ký «{value}» để tiếp nối{hint}", "no registration '{value}' to continue{hint}"),
    "continues_year": (
        "đăng ký «{value}» thuộc năm {year}; chỉ tiếp nối được đăng ký của năm trước năm {own}",
        "registration '{value}' is of {year}; only a registration of a year before {own} can be continued",
    ),
    "extensions_order": (
        "điều chỉnh thời hạn ngày {value} đứng sau điều chỉnh ngày {previous}: sắp xếp cũ trước mới sau",
        "extension of {value} comes after the extension of {previous}: keep oldest first",
    ),
    "extension_not_later": (
        "thời hạn mới {due} phải sau thời hạn trước đó {previous}",
        "the new deadline {due} must be later than the deadline before it, {previous}",
    ),
    "status_disagrees": (
        "trạng thái «{value}» khác trạng thái «{last}» của báo cáo tiến độ ngày {date} (dòng {line}), báo cáo cuối cùng có chuyển trạng thái",
        "status '{value}' disagrees with '{last}' of the update of {date} (line {line}), the last update that moves the status",
    ),
    # warnings: reported, the content stays valid (exit 0)
    "no_reason": (
        "cảnh báo: trạng thái {label} chưa ghi lý do; thêm một báo cáo tiến độ (updates) có «status: {value}», nội dung là lý do",
        "warning: status '{value}' has no recorded reason; add an update with 'status: {value}' whose text gives the reason",
    ),
    "person_two_names": (
        "cảnh báo: mã cán bộ «{person}» năm {year} mang hai tên: «{name}» và «{other_name}» ({other})",
        "warning: person id '{person}' has two names in {year}: '{name}' and '{other_name}' ({other})",
    ),
    "same_url": ("trang «{url}» được sinh từ hai nguồn: {other}", "two sources map to the page '{url}': {other}"),
}


# What a user wrote where another type was expected (the `got` of type_text, type_int).
KINDS: dict[str, tuple[str, str]] = {
    "bool": ("giá trị đúng/sai ({value})", "a true/false value ({value})"),
    "number": ("số {value}", "number {value}"),
    "text": ("văn bản «{value}»", "text '{value}'"),
    "list": ("danh sách", "a list"),
    "mapping": ("bảng khóa: giá trị", "a mapping"),
}


def _text(code: str, lang: str, table: dict[str, tuple[str, str]] = MESSAGES) -> str:
    vi, en = table[code]
    return en if lang == "en" else vi


@dataclass(frozen=True, order=True)
class Problem:
    """One defect, located in a file and a field."""

    path: str
    line: int
    column: int
    field: str
    code: str
    params: tuple[tuple[str, str], ...] = field(default=())

    @classmethod
    def at(cls, path: str, mark: tuple[int, int], field: str, code: str, **params) -> "Problem":
        return cls(path, mark[0], mark[1], field, code, tuple(sorted((k, str(v)) for k, v in params.items())))

    def message(self, lang: str = "vi") -> str:
        params = dict(self.params)
        if params.get("hint"):
            params["hint"] = _text("did_you_mean", lang).format(suggestion=params["hint"])
        if "got" in params:
            params["got"] = _text(params["got"], lang, KINDS).format(value=params.get("value", ""))
        return _text(self.code, lang).format(**params)

    def render(self, lang: str = "vi") -> str:
        field = f" {self.field}:" if self.field else ""
        return f"{self.path}:{self.line}:{self.column}:{field} {self.message(lang)}"

    def as_dict(self, lang: str = "vi") -> dict:
        return {
            "path": self.path,
            "line": self.line,
            "column": self.column,
            "field": self.field,
            "code": self.code,
            "message": self.message(lang),
        }


class ContentError(DotphaError):
    """Raised at the edge when content has problems; carries all of them, sorted."""

    def __init__(self, problems: list[Problem]):
        self.problems = sorted(set(problems))
        super().__init__(f"{len(self.problems)} problem(s) in content")

    def report(self, lang: str = "vi") -> str:
        lines = [p.render(lang) for p in self.problems]
        lines.append(summary(self.problems, lang))
        return "\n".join(lines)


def summary(problems: list[Problem], lang: str = "vi") -> str:
    files = len({p.path for p in problems})
    if lang == "en":
        return f"{len(problems)} error(s) in {files} file(s)." if problems else "No errors."
    return f"{len(problems)} lỗi trong {files} tệp." if problems else "Không có lỗi."
