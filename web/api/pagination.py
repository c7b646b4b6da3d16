"""One way to page every list of the API: ``?page=&per_page=`` (at most :data:`MAX_PER_PAGE`),
the items as a JSON array, and the paging in the headers: ``X-Total-Count`` (how many in all)
and ``Link`` (``first``, ``prev``, ``next``, ``last``, RFC 8288). A page past the last is
empty (its ``Link`` still names the last)."""

from collections.abc import Sequence
from dataclasses import dataclass

from flask import request
from marshmallow import Schema, fields, validate

MAX_PER_PAGE = 100
MAX_PAGE = 10_000  # as far as the cases page goes (engine.queries.cases.MAX_PAGE)
HEADERS = {
    "X-Total-Count": {"description": "How many items the list has in all.",
                      "schema": {"type": "integer"}},
    "Link": {"description": "RFC 8288 links to the first, previous, next and last pages.",
             "schema": {"type": "string"}},
}


class PageArgs(Schema):
    """``page`` (from 1) and ``per_page`` (1 to 100, 25 unless given)."""

    page = fields.Integer(load_default=1, validate=validate.Range(min=1, max=MAX_PAGE))
    per_page = fields.Integer(load_default=25, validate=validate.Range(min=1, max=MAX_PER_PAGE))


@dataclass(frozen=True)
class Paged:
    """One page of a list: its ``items`` and how many the whole list has."""

    items: list
    total: int
    page: int
    per_page: int

    @property
    def pages(self) -> int:
        """How many pages the list has (at least one)."""
        return max(1, -(-self.total // self.per_page))

    def headers(self) -> dict[str, str]:
        """``X-Total-Count`` and ``Link`` for this page."""
        links = {"first": 1, "last": self.pages}
        if self.page > 1:
            links["prev"] = min(self.page - 1, self.pages)
        if self.page < self.pages:
            links["next"] = self.page + 1
        return {"X-Total-Count": str(self.total),
                "Link": ", ".join(f'<{_url(number, self.per_page)}>; rel="{rel}"'
                                  for rel, number in links.items())}


def _url(page: int, per_page: int) -> str:
    args = request.args.to_dict()
    args.update(page=str(page), per_page=str(per_page))
    query = "&".join(f"{_quoted(k)}={_quoted(v)}" for k, v in args.items())
    return f"{request.base_url}?{query}"


def _quoted(value: str) -> str:
    from urllib.parse import quote

    return quote(value, safe="")


def paginate(items: Sequence, page: int, per_page: int) -> Paged:
    """The page ``page`` of a list already in memory (short lists: territories, programmes,
    versions, a case's history)."""
    start = (page - 1) * per_page
    return Paged(list(items[start:start + per_page]), len(items), page, per_page)


def answer(paged: Paged):
    """A paged list view's return value: the items (dumped by the view's response schema)
    with the paging headers."""
    return paged.items, 200, paged.headers()
