"""Read the HTML forms of a page the way a browser would submit them (no JavaScript involved)."""

from __future__ import annotations

from html.parser import HTMLParser


class Form:
    """One <form>: its action, method and the values it would submit, in order."""

    def __init__(self, action: str, method: str) -> None:
        self.action = action
        self.method = method.lower()
        self.fields: list[tuple[str, str]] = []

    def names(self) -> set[str]:
        """The names of its fields."""
        return {name for name, _ in self.fields}

    def get(self, name: str) -> str | None:
        """The first value of a field."""
        return next((value for key, value in self.fields if key == name), None)

    def set(self, name: str, value: str) -> None:
        """Replace every value of a field with one value (added when absent)."""
        self.fields = [(k, v) for k, v in self.fields if k != name] + [(name, value)]


class _Parser(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.forms: list[Form] = []
        self._form: Form | None = None
        self._select: tuple[str, list[str], str | None] | None = None  # name, chosen, first
        self._textarea: tuple[str, list[str]] | None = None
        self._option: tuple[str, bool] | None = None  # value, selected

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if tag == "form":
            self._form = Form(a.get("action", ""), a.get("method", "get"))
            self.forms.append(self._form)
        elif self._form is None or "disabled" in a:
            return
        elif tag == "input":
            self._input(a)
        elif tag == "select" and a.get("name"):
            self._select = (a["name"], [], None)
        elif tag == "option" and self._select is not None:
            self._option = (a.get("value", ""), "selected" in a)
            self._option_value(self._option)
        elif tag == "textarea" and a.get("name"):
            self._textarea = (a["name"], [])

    def _input(self, a: dict[str, str]) -> None:
        name, kind = a.get("name"), a.get("type", "text").lower()
        if not name or kind in ("submit", "button", "image", "reset", "file"):
            return
        if kind in ("checkbox", "radio") and "checked" not in a:
            return
        default = "on" if kind in ("checkbox", "radio") else ""
        assert self._form is not None  # noqa: S101 — only called inside a form
        self._form.fields.append((name, a.get("value", default)))

    def _option_value(self, option: tuple[str, bool]) -> None:
        assert self._select is not None  # noqa: S101 — only called inside a select
        name, chosen, first = self._select
        value, selected = option
        if selected:
            chosen.append(value)
        self._select = (name, chosen, value if first is None else first)

    def handle_data(self, data: str) -> None:
        if self._textarea is not None:
            self._textarea[1].append(data)

    def handle_endtag(self, tag: str) -> None:
        if tag == "form":
            self._form = None
        elif tag == "select" and self._select is not None and self._form is not None:
            name, chosen, first = self._select
            for value in chosen or ([first] if first is not None else []):
                self._form.fields.append((name, value))
            self._select = None
        elif tag == "textarea" and self._textarea is not None and self._form is not None:
            name, parts = self._textarea
            text = "".join(parts)
            self._form.fields.append((name, text[1:] if text.startswith("\n") else text))
            self._textarea = None


def parse_forms(html: str) -> list[Form]:
    """Every form of the page, with the values it would submit as it stands."""
    parser = _Parser()
    parser.feed(html)
    parser.close()
    return parser.forms


def form_with(html: str, field: str) -> Form:
    """The first form of the page that has a field of this name."""
    for form in parse_forms(html):
        if field in form.names():
            return form
    raise LookupError(f"no form with a field {field!r} in the page")
