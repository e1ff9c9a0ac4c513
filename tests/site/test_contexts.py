"""The template contract (generator/site/pages/contexts.py): each page kind's template
receives one dataclass, and uses exactly its fields, under StrictUndefined."""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
from pathlib import Path

import jinja2
import jinja2.meta
import pytest

from generator.domain.content import load_content
from generator.site.pages import TEMPLATES, PageRenderer
from generator.site.pages.contexts import PAGE_CONTEXTS, PageContext

DEMO = Path(__file__).resolve().parents[2] / "content"
AS_OF = dt.date(2025, 11, 1)


@pytest.fixture(scope="module")
def renderer() -> PageRenderer:
    return PageRenderer(load_content(DEMO, AS_OF))


def names_used(env: jinja2.Environment, template: str, source=None) -> set[str]:
    """The names a template takes from its context, with those of the macros it imports `with context`."""
    text = source(template) if source else (TEMPLATES / template).read_text(encoding="utf-8")
    names = set(jinja2.meta.find_undeclared_variables(env.parse(text)))
    for imported in re.findall(r'{%\s*from\s+"([^"]+)"\s+import[^%]*with context', text):
        names |= names_used(env, imported, source)
    return names


def given(env: jinja2.Environment) -> set[str]:
    """What every template sees besides its context's fields."""
    return set(env.globals) | {"page", "href"}


@pytest.mark.parametrize("kind", PAGE_CONTEXTS, ids=lambda kind: kind.__name__)
def test_each_template_uses_exactly_its_contexts_fields(renderer, kind):
    fields = {f.name for f in dataclasses.fields(kind)}
    used = names_used(renderer.env, kind.TEMPLATE) - given(renderer.env)
    assert used - fields == set(), f"{kind.TEMPLATE} uses names its context does not have"
    assert fields - used == set(), f"{kind.__name__} has fields its template never uses"


def test_every_page_has_a_context_of_the_contract_and_every_kind_renders(renderer):
    pages = renderer.pages()
    assert all(isinstance(page.context, PAGE_CONTEXTS) for page in pages)
    assert {type(page.context) for page in pages} == set(PAGE_CONTEXTS)  # the demo shows every kind
    assert {kind.TEMPLATE for kind in PAGE_CONTEXTS} == {p.name for p in TEMPLATES.glob("[!_]*.html")}
    first_of_each = {type(page.context): page for page in reversed(pages)}
    for page in first_of_each.values():
        assert renderer.render(page).lstrip().startswith("<"), page.url


def test_contexts_are_frozen(renderer):
    page = next(p for p in renderer.pages() if p.template == "registration.html")
    with pytest.raises(dataclasses.FrozenInstanceError):
        page.context.entry = None


def test_a_misspelt_name_fails_the_render_and_the_check(renderer):
    page = next(p for p in renderer.pages() if p.template == "registration.html")
    source = (TEMPLATES / "registration.html").read_text(encoding="utf-8")
    assert "entry.registration" in source
    misspelt = source.replace("entry.registration", "entyr.registration", 1)
    env = renderer.env.overlay(loader=jinja2.ChoiceLoader([jinja2.DictLoader({"registration.html": misspelt}), renderer.env.loader]))
    with pytest.raises(jinja2.UndefinedError, match="entyr"):
        env.get_template("registration.html").render(page=page, href=lambda url: url, **page.context.fields())
    read = lambda name: misspelt if name == "registration.html" else (TEMPLATES / name).read_text(encoding="utf-8")  # noqa: E731
    assert "entyr" in names_used(env, "registration.html", read) - given(env)


def test_a_context_hands_its_fields_over_without_copying(renderer):
    page = next(p for p in renderer.pages() if p.template == "registration.html")
    assert isinstance(page.context, PageContext)
    assert page.context.fields()["entry"] is page.context.entry
