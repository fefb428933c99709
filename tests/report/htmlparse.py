"""Reading a rendered report back: every printed figure with its data-* key and text, section ids,
embedded images. Standard library only (html.parser)."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from decimal import Decimal
from html.parser import HTMLParser


@dataclass
class Printed:
    attrs: dict
    text: str = ""

    @property
    def key(self) -> tuple:
        a = self.attrs
        return (
            a["data-kpi-code"],
            a["data-period-type"],
            a["data-period-start"],
            a["data-period-end"],
            a["data-breakdown"],
            a["data-breakdown-value"],
        )

    def number(self) -> Decimal | None:
        """The printed text as a number ('1,234' -> 1234, '96.8%' -> 96.8, '12.5 days' -> 12.5)."""
        m = re.fullmatch(r"(-?[\d,]+(?:\.\d+)?)(%| days)?", self.text.strip())
        return Decimal(m.group(1).replace(",", "")) if m else None


@dataclass
class ParsedReport:
    figures: list[Printed] = field(default_factory=list)
    ids: set[str] = field(default_factory=set)
    images: list[str] = field(default_factory=list)
    external_refs: list[str] = field(default_factory=list)
    attrs_by_id: dict[str, dict] = field(default_factory=dict)
    text: list[str] = field(default_factory=list)


class _Parser(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.out = ParsedReport()
        self.stack: list[Printed | None] = []

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if "id" in a:
            self.out.ids.add(a["id"])
            self.out.attrs_by_id[a["id"]] = a
        if tag == "img":
            self.out.images.append(a.get("src", ""))
        for ref in (a.get("src"), a.get("href") if tag == "link" else None):
            if ref and re.match(r"(https?:)?//", ref):
                self.out.external_refs.append(ref)
        if tag == "img" or tag in ("br", "meta", "link"):
            return
        if "data-kpi-code" in a:
            p = Printed(a)
            self.out.figures.append(p)
            self.stack.append(p)
        else:
            self.stack.append(None)

    def handle_endtag(self, tag):
        if tag in ("img", "br", "meta", "link"):
            return
        if self.stack:
            self.stack.pop()

    def handle_data(self, data):
        self.out.text.append(data)
        for p in self.stack:
            if p is not None:
                p.text += data


def parse_report(html: str) -> ParsedReport:
    parser = _Parser()
    parser.feed(html)
    return parser.out
