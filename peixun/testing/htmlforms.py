"""What a browser would send for a form of a rendered page, for client tests that submit a form as
it was filled in by the server (a field the page forgets to render is then missing, as it would be
for a person): `form_data(html, form_id)` → {name: value or [values]}."""

from html.parser import HTMLParser

SKIPPED_TYPES = frozenset({"submit", "button", "reset", "file", "image"})


class _FormParser(HTMLParser):
    def __init__(self, form_id: str) -> None:
        super().__init__(convert_charrefs=True)
        self.form_id = form_id
        self.inside = False
        self.found = False
        self.data: dict[str, list[str]] = {}
        self._select: tuple[str, bool] | None = None
        self._options: list[tuple[str, bool]] = []
        self._textarea: str | None = None
        self._text: list[str] = []
        self._option_text: list[str] | None = None
        self._option_value: str | None = None
        self._option_selected = False
        self._template_depth = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {key: value or "" for key, value in attrs}
        if tag == "form" and a.get("id") == self.form_id:
            self.inside = self.found = True
            return
        if not self.inside:
            return
        if tag == "template":  # rows a script adds are not sent
            self._template_depth += 1
        if self._template_depth:
            return
        name = a.get("name")
        if tag == "input" and name and "disabled" not in a:
            kind = a.get("type", "text").lower()
            if kind in SKIPPED_TYPES:
                return
            if kind in ("checkbox", "radio"):
                if "checked" in a:
                    self.data.setdefault(name, []).append(a.get("value", "on"))
                return
            self.data.setdefault(name, []).append(a.get("value", ""))
        elif tag == "select" and name and "disabled" not in a:
            self._select = (name, "multiple" in a)
            self._options = []
        elif tag == "option" and self._select is not None:
            self._option_value = a.get("value")
            self._option_selected = "selected" in a
            self._option_text = []
        elif tag == "textarea" and name and "disabled" not in a:
            self._textarea = name
            self._text = []

    def handle_data(self, data: str) -> None:
        if self._textarea is not None:
            self._text.append(data)
        if self._option_text is not None:
            self._option_text.append(data)

    def _end_option(self) -> None:
        if self._option_text is not None:
            value = (
                self._option_value if self._option_value is not None else "".join(self._option_text).strip()
            )
            self._options.append((value, self._option_selected))
            self._option_text = None

    def handle_endtag(self, tag: str) -> None:
        if not self.inside:
            return
        if tag == "template":
            self._template_depth -= 1
            return
        if self._template_depth:
            return
        if tag == "form":
            self.inside = False
        elif tag == "option":
            self._end_option()
        elif tag == "select" and self._select is not None:
            self._end_option()
            name, multiple = self._select
            chosen = [value for value, selected in self._options if selected]
            if not multiple and not chosen and self._options:
                chosen = [self._options[0][0]]
            self.data.setdefault(name, []).extend(chosen)
            self._select = None
        elif tag == "textarea" and self._textarea is not None:
            text = "".join(self._text)
            self.data.setdefault(self._textarea, []).append(text[1:] if text.startswith("\n") else text)
            self._textarea = None


def form_data(html: str, form_id: str) -> dict[str, str | list[str]]:
    """The values the form `form_id` of `html` would submit as it stands (single values as strings,
    several as lists); AssertionError when the page has no such form."""
    parser = _FormParser(form_id)
    parser.feed(html)
    if not parser.found:
        raise AssertionError(f"no form with id {form_id!r}")
    return {name: values[0] if len(values) == 1 else values for name, values in parser.data.items()}
