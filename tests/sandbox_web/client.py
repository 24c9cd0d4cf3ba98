"""A client for the sandbox page's JSON endpoints that acts as the page's script does: it reads
the HTML parts the server sends and clicks the controls it finds there."""

from __future__ import annotations

import json
import time
import urllib.request
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlencode

from tests.html_dom import Element, parse_page


@dataclass
class PageClient:
    """One browser tab, acting as one person at a time."""

    base: str
    person: str
    where: str = ""
    parts: dict[str, Any] = field(default_factory=dict)
    timings: list[float] = field(default_factory=list)

    def load(self, person: str | None = None, where: str = "") -> dict[str, Any]:
        """What the page shows (the person's default place when `where` is empty)."""
        self.person = person or self.person
        self.where = where
        query = urlencode({"as": self.person, "where": where})
        with urllib.request.urlopen(f"{self.base}api/state?{query}", timeout=60) as answer:
            self.parts = json.loads(answer.read())["parts"]
        if not where:
            self.where = str(self.dom("sidebar").find_all("a")[0].attrs["data-where"])
            self.where = self._current() or self.where
        return self.parts

    def _current(self) -> str:
        for link in self.dom("sidebar").find_all("a"):
            if link.attrs.get("aria-current") == "page":
                return link.attrs["data-where"]
        return ""

    def post(self, path: str, **body: Any) -> dict[str, Any]:
        """POST JSON as the page does; the answer carries the page's fresh parts."""
        data = json.dumps({"as": self.person, "where": self.where, **body}).encode()
        request = urllib.request.Request(
            self.base + path.lstrip("/"), data=data, headers={"Content-Type": "application/json"}
        )
        started = time.perf_counter()
        with urllib.request.urlopen(request, timeout=120) as answer:
            result: dict[str, Any] = json.loads(answer.read())
        self.timings.append(time.perf_counter() - started)
        self.parts = result["parts"]
        return result

    def dom(self, part: str) -> Element:
        """One part of the page, parsed."""
        return parse_page(str(self.parts[part]))

    def text(self, part: str = "main") -> str:
        """What a part of the page says."""
        return self.dom(part).text

    def go(self, where: str) -> None:
        """Open a place from the sidebar: a channel, the bot's messages, or Home."""
        if where == "home":
            self.where = "home"
            self.post("/api/home")
            return
        self.load(where=where)

    def place(self, label: str) -> str:
        """The id of the sidebar link whose text contains `label`."""
        for link in self.dom("sidebar").find_all("a"):
            if label in link.text and "data-where" in link.attrs:
                return link.attrs["data-where"]
        raise LookupError(f"no {label!r} in the sidebar: {self.text('sidebar')}")

    def command(self, text: str) -> dict[str, Any]:
        """Type in the command box."""
        return self.post("/api/command", channel=self.where, text=text)

    def messages_with(self, words: str) -> list[Element]:
        """Messages in the open place whose text contains `words`."""
        return [m for m in self.dom("main").find_all("article") if words in m.text]

    def click(self, message: Element, label: str) -> dict[str, Any]:
        """Click the button labelled `label` in a message."""
        button = next(b for b in message.find_all("button") if b.text == label)
        return self.post(
            "/api/click",
            channel=message.attrs["data-channel"],
            ts=message.attrs["data-ts"],
            action_id=button.attrs["data-action"],
            block_id=button.attrs["data-block"],
            value=button.attrs.get("data-value") or None,
        )

    def click_in_view(self, part: str, label: str) -> dict[str, Any]:
        """Click the button labelled `label` in the Home tab (`main`) or the modal."""
        view = next(e for e in self.dom(part).iter() if "data-view" in e.attrs)
        button = next(b for b in view.find_all("button") if b.text == label)
        return self.post(
            "/api/view-action",
            view_id=view.attrs["data-view"],
            action_id=button.attrs["data-action"],
            block_id=button.attrs["data-block"],
            value=button.attrs.get("data-value") or None,
        )

    def modal(self) -> Element:
        """The open modal's form."""
        return self.dom("modal").find("form", "live-modal")

    def fields(self) -> dict[str, Element]:
        """The open modal's inputs by their label."""
        found = {}
        for box in self.dom("modal").find_all("div", "sk-input"):
            label = box.find("label").text.removesuffix(" (optional)")
            control = next(e for e in box.iter() if e.attrs.get("data-act") == "field")
            found[label] = control
        return found

    def option(self, label: str, starts: str) -> str:
        """The value of the option starting `starts` in the modal's field labelled `label`."""
        for option in self.fields()[label].find_all("option"):
            if option.text.startswith(starts):
                return option.attrs["value"]
        raise LookupError(f"no option {starts!r} in {label!r}")

    def submit(self, values: dict[str, Any]) -> dict[str, Any]:
        """Submit the modal with values by label (the page sends them by block id)."""
        fields = self.fields()
        # What the page would send untouched: the chosen options and the typed-in values.
        by_block: dict[str, Any] = {str(c.attrs["data-block"]): None for c in fields.values()}
        for control in fields.values():
            selected = [
                o.attrs["value"] for o in control.find_all("option") if "selected" in o.attrs
            ]
            if control.tag == "select" and selected:
                by_block[control.attrs["data-block"]] = (
                    selected if "multiple" in control.attrs else selected[0]
                )
            elif control.attrs.get("value"):
                by_block[control.attrs["data-block"]] = control.attrs["value"]
        for label, value in values.items():
            by_block[fields[label].attrs["data-block"]] = value
        return self.post("/api/submit", view_id=self.modal().attrs["data-view"], values=by_block)

    def time(self, to: str) -> dict[str, Any]:
        """Move the clock: "next", "day" or a date."""
        return self.post("/api/time", to=to)
