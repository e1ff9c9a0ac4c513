/* dotpha: the registration form page (dang-ky-moi/).
 *
 * What is typed becomes a registration object, which is checked against the
 * registration JSON Schema shipped in the page (a small validator below covers
 * exactly the keywords `dotpha schema` emits), then written as YAML in the
 * field order of the official form.  Nothing leaves the browser, except when
 * the reader follows the link to the forge's editor, which carries the file.
 */
(function () {
  "use strict";

  var form = document.getElementById("dp-form");
  if (!form) return;
  var data = JSON.parse(document.getElementById("dp-form-data").textContent);
  var forgeNode = document.getElementById("dp-forge");
  var forge = forgeNode ? JSON.parse(forgeNode.textContent) || {} : {};
  var usedIds = [];
  var MAX_URL = 8000; // longer links are cut by many web servers: the page then says to paste instead

  // ------------------------------------------------------------ the form

  function $(id) { return document.getElementById(id); }

  function value(id) {
    // NFC, no control characters (the loader refuses them), no blank edges
    var text = ($(id).value || "").normalize("NFC").replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f\u2028\u2029]/g, "");
    return text.replace(/\r\n?/g, "\n").trim();
  }

  function kind() { return form.querySelector("input[name=kind]:checked").value; }
  function part() { return kind() === "difficult" ? "I" : "II"; }

  function aliveIn(item, year) {
    return (!item.since || item.since <= year + "-12-31") && (!item.until || item.until >= year + "-01-01");
  }

  function fillSelect(select, items, year) {
    var chosen = select.value;
    select.textContent = "";
    select.appendChild(new Option("— Chọn —", ""));
    items.filter(function (item) { return aliveIn(item, year); }).forEach(function (item) {
      select.appendChild(new Option(item.name, item.id));
    });
    select.value = chosen;
  }

  function showPart() {
    var p = part();
    $("dp-part").textContent = $("dp-part").getAttribute(p === "I" ? "data-part-i" : "data-part-ii");
    form.querySelectorAll(".dp-item").forEach(function (item) {
      var numbers = JSON.parse(item.getAttribute("data-numbers"));
      item.hidden = !(p in numbers);
      item.style.order = numbers[p] || 99;
      item.querySelector(".dp-n").textContent = numbers[p] || "";
    });
  }

  function slug(text) {
    return window.dotpha.fold(text).replace(/[^a-z0-9]+/g, "-").replace(/^-+|-+$/g, ""); // fold.js
  }

  function suggestId() {
    var input = $("dp-id");
    if (input.dataset.edited) return;
    var unit = data.units.filter(function (u) { return u.id === $("dp-unit").value; })[0];
    if (!unit) { input.value = ""; return; }
    var stem = value("dp-year") + "-" + slug(unit.short || unit.id);
    for (var n = 1; n < 100; n++) {
      var candidate = stem + "-" + (n < 10 ? "0" : "") + n;
      if (usedIds.indexOf(candidate) < 0) { input.value = candidate; return; }
    }
  }

  function refresh() {
    var year = value("dp-year");
    fillSelect($("dp-unit"), data.units, year);
    fillSelect($("dp-evaluator"), data.evaluators, year);
    showPart();
    suggestId();
  }

  function collect() {
    var text = function (name) { return $("dp-" + name) ? value("dp-" + name) : ""; };
    var year = /^\d+$/.test(value("dp-year")) ? Number(value("dp-year")) : value("dp-year");
    var registrant = { name: text("name"), position: text("position"), unit: text("unit") };
    if (text("person")) registrant.person = text("person");
    var reg = { id: text("id"), year: year, kind: kind(), title: text("title"), registrant: registrant, evaluator: text("evaluator") };
    if (text("registered-on")) reg.registered_on = text("registered-on");
    reg.content = text("content");
    reg.impact = text("impact");
    if (kind() === "difficult") reg.support_requested = text("support_requested");
    else reg.difficulties = text("difficulties");
    reg.schedule = text("start") ? { start: text("start"), due: text("due") } : { due: text("due") };
    reg.status = "registered";
    return reg;
  }

  // ------------------------------------------------------------ JSON Schema (the keywords dotpha emits)

  function resolve(schema) {
    while (schema && schema.$ref) {
      var found = data.schema;
      schema.$ref.replace(/^#\//, "").split("/").forEach(function (key) { found = found[key]; });
      schema = Object.assign({}, found, schema, { $ref: undefined });
    }
    return schema;
  }

  function typeOf(v) {
    if (v === null) return "null";
    if (Array.isArray(v)) return "array";
    if (typeof v === "number") return Number.isInteger(v) ? "integer" : "number";
    return typeof v;
  }

  function realDate(text) {
    var d = new Date(text + "T00:00:00Z");
    return !isNaN(d) && d.toISOString().slice(0, 10) === text;
  }

  function check(schema, v, label, errors) {
    if (schema === true || schema === undefined) return;
    if (schema === false) { errors.push("«" + label + "» không dùng cho phần này của mẫu đơn"); return; }
    schema = resolve(schema);
    label = schema.title || label;
    var before = errors.length;
    if (schema.anyOf) {
      var ok = schema.anyOf.some(function (s) { var e = []; check(s, v, label, e); return !e.length; });
      if (!ok) { var first = []; check(schema.anyOf[0], v, label, first); errors.push.apply(errors, first); }
    }
    (schema.allOf || []).forEach(function (s) { check(s, v, label, errors); });
    if (schema.if !== undefined) {
      var cond = []; check(schema.if, v, label, cond);
      if (!cond.length && schema.then !== undefined) check(schema.then, v, label, errors);
    }
    if (schema.type) {
      var t = typeOf(v);
      var types = [].concat(schema.type);
      if (!(types.indexOf(t) >= 0 || (t === "integer" && types.indexOf("number") >= 0))) {
        errors.push("«" + label + "» sai kiểu dữ liệu");
        return;
      }
    }
    if (schema.const !== undefined && v !== schema.const) errors.push("«" + label + "» phải là " + schema.const);
    if (schema.enum && schema.enum.indexOf(v) < 0) errors.push("«" + label + "» không hợp lệ: " + v);
    if (typeof v === "string") checkString(schema, v, label, errors);
    if (typeof v === "number") {
      if (schema.minimum !== undefined && v < schema.minimum) errors.push("«" + label + "» phải từ " + schema.minimum + " trở lên");
      if (schema.maximum !== undefined && v > schema.maximum) errors.push("«" + label + "» phải nhỏ hơn hoặc bằng " + schema.maximum);
    }
    if (Array.isArray(v) && schema.minItems && v.length < schema.minItems) errors.push("«" + label + "» cần ít nhất " + schema.minItems + " mục");
    if (Array.isArray(v) && schema.items) v.forEach(function (item) { check(schema.items, item, label, errors); });
    if (typeOf(v) === "object") checkObject(schema, v, errors);
    return errors.length === before;
  }

  function checkString(schema, v, label, errors) {
    if (schema.minLength && v.length < schema.minLength) { errors.push("«" + label + "» không được để trống"); return; }
    if (schema.pattern && !new RegExp(schema.pattern).test(v)) {
      errors.push(patternMessage(schema.pattern, label, v));
      return;
    }
    if (schema.format === "date" && !realDate(v)) errors.push("«" + label + "»: ngày không tồn tại: " + v);
  }

  function patternMessage(pattern, label, v) {
    // the patterns dotpha emits: not blank, a slug, an http(s) link, a date or month
    if (pattern === "\\S") return "«" + label + "» không được để trống";
    if (pattern.indexOf("a-z0-9") >= 0) return "«" + label + "» chỉ gồm chữ thường không dấu a-z, số 0-9 và dấu '-' (đang là «" + v + "»)";
    if (pattern.indexOf("://") >= 0) return "«" + label + "» phải là đường dẫn bắt đầu bằng http:// hoặc https:// (đang là «" + v + "»)";
    return "«" + label + "» phải là ngày dạng năm-tháng-ngày (đang là «" + v + "»)";
  }

  function checkObject(schema, v, errors) {
    var props = schema.properties || {};
    (schema.required || []).forEach(function (key) {
      // `then` branches name a field without its title: take it from the top of the schema
      var title = resolve(props[key] || {}).title || resolve(data.schema.properties[key] || {}).title;
      if (!(key in v)) errors.push("thiếu «" + (title || key) + "»");
    });
    Object.keys(v).forEach(function (key) {
      if (key in props) check(props[key], v[key], key, errors);
      else if (schema.additionalProperties === false) errors.push("khóa không hợp lệ «" + key + "»");
    });
  }

  function problems(reg) {
    var errors = [];
    // the form always fills every key; an empty one is a missing answer, as the validator says
    var pruned = JSON.parse(JSON.stringify(reg, function (k, v) { return v === "" ? undefined : v; }));
    check(data.schema, pruned, "", errors);
    var start = reg.schedule.start, due = reg.schedule.due;
    if (start && due && due < start) errors.push("thời gian hoàn thành " + due + " trước thời gian bắt đầu " + start);
    return errors.filter(function (e, i) { return errors.indexOf(e) === i; });
  }

  // ------------------------------------------------------------ YAML, in the form's order

  var PLAIN = /^(?:[a-z0-9]+(?:-[a-z0-9]+)*|\d{4}-\d{2}-\d{2})$/;

  function scalar(v, indent) {
    if (typeof v === "number") return String(v);
    if (v.indexOf("\n") >= 0 && !/^\s/.test(v) && v.indexOf("\t") < 0) {
      return "|-\n" + v.split("\n").map(function (line) { return line ? indent + line : ""; }).join("\n");
    }
    return PLAIN.test(v) && !/^\d+$/.test(v) ? v : JSON.stringify(v);
  }

  function toYaml(obj, indent) {
    indent = indent || "";
    return Object.keys(obj).map(function (key) {
      var v = obj[key];
      if (typeOf(v) === "object") return indent + key + ":\n" + toYaml(v, indent + "  ");
      return indent + key + ": " + scalar(v, indent + "  ") + "\n";
    }).join("");
  }

  function header(reg) {
    var schemaRef = "# yaml-language-server: $schema=../../../registration.schema.json\n";
    return schemaRef + "# Đơn đăng ký tạo từ trang Đăng ký mới; kiểm tra lại bằng `dotpha validate`.\n";
  }

  // ------------------------------------------------------------ the result

  function contentDir() { return (forge.content_dir || "content").replace(/^\/+|\/+$/g, ""); }

  function editorLink(folder, name, text) {
    var base = String(forge.url || "").replace(/\/+$/, "");
    if (!/^https?:\/\//.test(base)) return "";
    var branch = encodeURIComponent(forge.branch || "main");
    var path = folder.split("/").map(encodeURIComponent).join("/");
    var q = function (k, v) { return k + "=" + encodeURIComponent(v); };
    if (forge.type === "gitlab") return base + "/-/new/" + branch + "/" + path + "?" + q("file_name", name) + "&" + q("content", text);
    if (forge.type === "gitea") return base + "/_new/" + branch + "/" + path + "/?" + q("filename", name) + "&" + q("value", text);
    if (forge.type === "github") return base + "/new/" + branch + "/" + path + "?" + q("filename", name) + "&" + q("value", text);
    return "";
  }

  function showErrors(errors) {
    var box = $("dp-errors");
    box.textContent = "";
    box.hidden = !errors.length;
    if (!errors.length) return;
    var title = document.createElement("p");
    title.textContent = "Đơn chưa hợp lệ (" + errors.length + " lỗi):";
    var list = document.createElement("ul");
    errors.forEach(function (e) { var li = document.createElement("li"); li.textContent = e; list.appendChild(li); });
    box.appendChild(title);
    box.appendChild(list);
  }

  function produce(event) {
    event.preventDefault();
    var reg = collect();
    var errors = problems(reg);
    showErrors(errors);
    $("dp-output").hidden = !!errors.length;
    if (errors.length) { $("dp-errors").scrollIntoView({ block: "nearest" }); return; }
    var text = header(reg) + toYaml(reg);
    var folder = contentDir() + "/registrations/" + reg.year + "/" + reg.registrant.unit;
    var name = reg.id + ".yml";
    $("dp-path").textContent = folder + "/" + name;
    $("dp-yaml").value = text;
    var download = $("dp-download");
    if (download.href.indexOf("blob:") === 0) URL.revokeObjectURL(download.href);
    download.href = URL.createObjectURL(new Blob([text], { type: "text/yaml;charset=utf-8" }));
    download.setAttribute("download", name);
    var link = editorLink(folder, name, text);
    $("dp-editor").hidden = !link;
    $("dp-editor").href = link || "#";
    $("dp-note").textContent = !link
      ? "Chưa cấu hình kho git (extra.dotpha_forge trong site_config.yml): hãy sao chép hoặc tải tệp về rồi gửi cho Ban Tổ chức."
      : link.length > MAX_URL
        ? "Tệp dài: nếu trình soạn thảo mở ra trống, hãy sao chép nội dung ở trên và dán vào."
        : "Trình soạn thảo mở ra với tên tệp và nội dung đã điền; ghi nội dung thay đổi rồi chọn tạo yêu cầu hợp nhất.";
    $("dp-output").scrollIntoView({ block: "nearest" });
  }

  function copy() {
    var area = $("dp-yaml");
    var done = function () { $("dp-copy").textContent = "Đã sao chép"; };
    if (navigator.clipboard && window.isSecureContext) navigator.clipboard.writeText(area.value).then(done);
    else { area.select(); document.execCommand("copy"); done(); }
  }

  form.addEventListener("change", function (event) {
    if (event.target.id === "dp-id") event.target.dataset.edited = "1";
    if (["dp-year", "dp-unit"].indexOf(event.target.id) >= 0 || event.target.name === "kind") refresh();
  });
  $("dp-year").addEventListener("input", refresh);
  form.addEventListener("submit", produce);
  $("dp-copy").addEventListener("click", copy);
  refresh();
  if (window.fetch && location.protocol !== "file:") {
    fetch(data.usedIds).then(function (r) { return r.ok ? r.json() : []; })
      .then(function (ids) { usedIds = ids; suggestId(); })
      .catch(function () { /* offline copy of the page: no list of taken ids, the check in CI still catches a clash */ });
  }
})();
