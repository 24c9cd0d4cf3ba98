"""The HTML page: Block Kit laid out as Slack does, a section per person, nothing unescaped."""

from __future__ import annotations

from typing import Any

from bot.devtools.transcript import PersonTranscript, Seen, Transcript, render_html, render_text
from tests.transcript.support import (
    CHANNEL,
    USER_NAMES,
    Element,
    at,
    button,
    mrkdwn,
    parse_page,
    plain,
    sample_transcript,
)


def page_of(*seen: Seen, names: dict[str, str] | None = None) -> Element:
    person = PersonTranscript("U0SW", "Sam Patel", "Social worker", seen)
    transcript = Transcript("A run", (person,), USER_NAMES if names is None else names)
    return parse_page(render_html(transcript))


def message(*blocks: dict[str, Any], text: str = "Case OAK-1234: news", **extra: Any) -> Seen:
    return Seen(at("2026-12-07 09:30"), CHANNEL, "message", "Core Group", text, blocks, **extra)


def test_the_page_is_one_self_contained_document_with_an_index_and_a_section_per_person() -> None:
    html = render_html(sample_transcript())
    root = parse_page(html)
    assert html.startswith("<!DOCTYPE html>")
    # One inline script (the person filter) and nothing fetched: no script file, no stylesheet.
    scripts = root.find_all("script")
    assert len(scripts) == 1 and "src" not in scripts[0].attrs and root.find_all("link") == []
    assert root.find_all("img") == []  # images are drawn as frames: nothing is fetched
    assert root.find("title").text == "Demo case oak-family: ICPC to first review"
    index_links = root.find("nav", "index").find_all("a")
    sections = root.find_all("section", "person")
    assert [a.text for a in index_links] == ["Sam Patel", "Jo Oak", "Ms Green"]
    assert [a.attrs["href"] for a in index_links] == [f"#{s.attrs['id']}" for s in sections]
    assert [s.find("h2").text for s in sections] == ["Sam Patel", "Jo Oak", "Ms Green"]
    assert sections[2].find("p", "nothing").text == "Nothing seen."


def test_consecutive_items_in_one_place_share_one_heading() -> None:
    sam = parse_page(render_html(sample_transcript())).find("section", "person")
    places = [e.text for e in sam.find_all("div", "where")]
    assert places == [
        "Direct message with Core Group",
        "#oak-family (private channel)",
        "Modal",
        "#oak-family (private channel)",
        "Phone",
        "Home tab",
        "#oak-family (private channel)",
    ]


def test_a_message_shows_author_local_time_notification_text_and_edited() -> None:
    root = page_of(
        Seen(at("2026-12-07 09:30"), CHANNEL, "message", "Core Group", "Case OAK-1", edited=True),
        message({"type": "divider"}, text="Case <@U0FAM>: *reply*"),
    )
    first, second = root.find_all("article", "msg")
    assert first.find("span", "author").text == "Core Group"
    assert first.find("time").text == "Mon 7 Dec 2026, 09:30"
    assert first.find("time").attrs["datetime"] == "2026-12-07T09:30:00+00:00"
    assert first.find("div", "sk-text").text == "Case OAK-1 (edited)"
    assert first.find("span", "edited").text == "(edited)"
    assert second.find_all("span", "edited") == []
    assert second.find("span", "notif-text").text == "Case @Jo Oak: reply"


def test_times_show_in_london_time_in_summer_and_winter() -> None:
    root = page_of(
        Seen(at("2026-06-08 08:30"), CHANNEL, "message", "Core Group", "BST"),
        Seen(at("2026-12-07 09:30"), CHANNEL, "message", "Core Group", "GMT"),
    )
    assert [t.text for t in root.find_all("time")] == [
        "Mon 8 Jun 2026, 09:30",
        "Mon 7 Dec 2026, 09:30",
    ]


def test_header_section_divider_and_context_are_the_right_elements() -> None:
    root = page_of(
        message(
            {"type": "header", "text": plain("Core group meeting")},
            {"type": "section", "text": mrkdwn("Hello *there*")},
            {"type": "divider"},
            {
                "type": "context",
                "elements": [
                    {"type": "image", "image_url": "https://x.org/i.png", "alt_text": "logo"},
                    mrkdwn("Case OAK-1234"),
                    plain("set up today"),
                ],
            },
        )
    )
    blocks = root.find("div", "blocks")
    assert blocks.find("h4", "sk-header").text == "Core group meeting"
    assert blocks.find("div", "sk-section").find("b").text == "there"
    assert blocks.find_all("hr", "sk-divider")
    context = blocks.find("div", "sk-context")
    assert [s.text for s in context.find_all("span", "sk-context-text")] == [
        "Case OAK-1234",
        "set up today",
    ]
    assert context.find("span", "sk-thumb--context").attrs["aria-label"] == "logo"


def test_section_fields_make_a_two_column_grid_beside_the_text() -> None:
    fields = [mrkdwn("*Date*\nMon 14 Dec"), mrkdwn("*Time*\n09:30"), plain("*Where*")]
    root = page_of(message({"type": "section", "text": mrkdwn("When"), "fields": fields}))
    section = root.find("div", "sk-section")
    grid = section.find("div", "sk-fields")
    assert [f.text for f in grid.find_all("div", "sk-field")] == [
        "Date Mon 14 Dec",
        "Time 09:30",
        "*Where*",
    ]
    assert grid.find("b").text == "Date"
    assert "grid-template-columns: 1fr 1fr" in root.find("style").text


def test_section_accessories_sit_beside_the_text() -> None:
    root = page_of(
        message(
            {"type": "section", "text": plain("a"), "accessory": button("Open", "primary")},
            {
                "type": "section",
                "text": plain("b"),
                "accessory": {"type": "image", "image_url": "https://x.org/a.png", "alt_text": "A"},
            },
            {
                "type": "section",
                "text": plain("c"),
                "accessory": {"type": "overflow", "options": [], "action_id": "o"},
            },
            {
                "type": "section",
                "text": plain("d"),
                "accessory": {
                    "type": "static_select",
                    "action_id": "s",
                    "options": [],
                    "initial_option": {"text": plain("Amber"), "value": "amber"},
                },
            },
        )
    )
    accessories = root.find_all("div", "sk-accessory")
    assert accessories[0].find("button", "sk-btn--primary").text == "Open"
    assert accessories[1].find("span", "sk-thumb--accessory").attrs["aria-label"] == "A"
    assert accessories[2].find("button", "sk-overflow").text == "⋯"
    assert accessories[3].find("span", "sk-select").find("span", "sk-value").text == "Amber"


def test_actions_buttons_carry_slacks_primary_and_danger_styles_and_pickers_are_inert() -> None:
    root = page_of(
        message(
            {
                "type": "actions",
                "elements": [
                    button("Give your update", "primary"),
                    button("Not now"),
                    button("Cancel meeting", "danger"),
                    {"type": "static_select", "placeholder": plain("Choose"), "options": []},
                    {"type": "datepicker", "initial_date": "2026-06-08"},
                    {"type": "users_select", "initial_user": "U0FAM"},
                    {"type": "multi_users_select", "initial_users": ["U0FAM", "U9"]},
                ],
            }
        )
    )
    actions = root.find("div", "sk-actions")
    buttons = actions.find_all("button")
    assert [(b.text, b.classes - {"sk-btn"}) for b in buttons] == [
        ("Give your update", {"sk-btn--primary"}),
        ("Not now", {"sk-btn--default"}),
        ("Cancel meeting", {"sk-btn--danger"}),
    ]
    assert all(b.attrs["type"] == "button" and "disabled" in b.attrs for b in buttons)
    selects = actions.find_all("span", "sk-select")
    assert selects[0].find("span", "sk-placeholder").text == "Choose"
    assert "sk-select--date" in selects[1].classes
    assert selects[1].find("span", "sk-value").text == "Mon 8 Jun 2026"
    assert selects[2].find("span", "sk-value").text == "@Jo Oak"
    assert [v.text for v in selects[3].find_all("span", "sk-value--chip")] == ["@Jo Oak", "@U9"]
    css = root.find("style").text
    assert ".sk-btn--primary { background: var(--green)" in css
    assert ".sk-btn--danger { background: var(--red)" in css


def test_a_modal_is_a_dialog_card_with_title_inputs_and_its_buttons() -> None:
    inputs = (
        {
            "type": "input",
            "label": plain("What has gone well"),
            "hint": plain("The family reads this."),
            "element": {"type": "plain_text_input", "multiline": True},
        },
        {
            "type": "input",
            "optional": True,
            "label": plain("Next visit"),
            "element": {"type": "datepicker", "placeholder": plain("Pick a day")},
        },
        {
            "type": "input",
            "label": plain("Worries"),
            "element": {
                "type": "checkboxes",
                "options": [
                    {"text": plain("School"), "value": "s"},
                    {"text": plain("Home"), "value": "h"},
                ],
                "initial_options": [{"text": plain("Home"), "value": "h"}],
            },
        },
    )
    modal = Seen(
        at("2026-12-07 09:30"),
        "Modal",
        "modal",
        "Core Group",
        "",
        inputs,
        title="Give your update",
        submit="Send",
    )
    root = page_of(modal)
    dialog = root.find("div", "modal")
    assert dialog.attrs["role"] == "dialog"
    assert dialog.find("h4", "modal-title").text == "Give your update"
    blocks = dialog.find_all("div", "sk-input")
    assert [b.find("div", "sk-label").text for b in blocks] == [
        "What has gone well",
        "Next visit (optional)",
        "Worries",
    ]
    assert blocks[0].find("div", "sk-hint").text == "The family reads this."
    assert "sk-field-input--multiline" in blocks[0].find("span", "sk-field-input").classes
    assert blocks[1].find("span", "sk-placeholder").text == "Pick a day"
    ticks = blocks[2].find_all("span", "sk-check")
    assert [("is-on" in t.classes) for t in ticks] == [False, True]
    foot = dialog.find("div", "modal-foot").find_all("button")
    assert [(b.text, "sk-btn--primary" in b.classes) for b in foot] == [
        ("Cancel", False),
        ("Send", True),
    ]


def test_a_modal_without_inputs_has_only_a_close_button() -> None:
    shown = Seen(at("2026-12-07 09:30"), "Modal", "modal", "Core Group", "", title="Status")
    foot = page_of(shown).find("div", "modal-foot")
    assert [b.text for b in foot.find_all("button")] == ["Close"]


def test_ephemeral_home_file_and_phone_notification_each_look_like_themselves() -> None:
    root = page_of(
        Seen(at("2026-12-07 09:30"), CHANNEL, "ephemeral", "Core Group", "Saved"),
        Seen(
            at("2026-12-07 09:31"),
            "Home tab",
            "home",
            "Core Group",
            "",
            ({"type": "header", "text": plain("Your cases")},),
        ),
        Seen(
            at("2026-12-07 09:32"),
            CHANNEL,
            "file",
            "Core Group",
            "Case OAK-1",
            file_name="summary.pdf",
        ),
        Seen(at("2026-12-07 09:33"), "Phone", "notification", "Core Group", "Case OAK-1"),
    )
    ephemeral = root.find("article", "msg--ephemeral")
    assert ephemeral.find("div", "only-you").text == "👁 Only visible to you"
    home = root.find("div", "home")
    assert home.find("span", "tab--on").text == "Home"
    assert home.find("h4", "sk-header").text == "Your cases"
    assert root.find("article", "msg--file").find("span", "file-name").text == "summary.pdf"
    phone = root.find("div", "phone")
    assert phone.find("div", "phone-text").text == "Case OAK-1"
    assert len(root.find_all("div", "notif")) == 2  # the ephemeral and the file


def test_images_blocks_rich_text_and_unknown_blocks_are_drawn() -> None:
    root = page_of(
        message(
            {
                "type": "image",
                "image_url": "https://x.org/plan.png",
                "alt_text": "the plan",
                "title": plain("Plan"),
            },
            {
                "type": "rich_text",
                "elements": [
                    {"type": "rich_text_section", "elements": [{"type": "text", "text": "hi"}]}
                ],
            },
            {"type": "video", "title": plain("v")},
        )
    )
    figure = root.find("figure", "sk-image")
    assert figure.find("figcaption").text == "Plan"
    assert figure.find("span", "sk-url").text == "https://x.org/plan.png"
    assert root.find("div", "sk-rich-text").text == "hi"
    assert root.find("div", "sk-unsupported").text == "[video block]"


def test_typed_markup_templates_and_mentions_come_out_as_literal_text() -> None:
    typed = (
        "&lt;script&gt;alert(1)&lt;/script&gt; &lt;!channel&gt; {{ 7*7 }} {% if 1 %}x{% endif %} "
        "<https://evil.example|click> <@U0FAM> &lt;img src=x onerror=alert(1)&gt;"
    )
    fields = [mrkdwn(typed), plain(typed)]
    seen = message(
        {"type": "section", "text": mrkdwn(typed), "fields": fields},
        {"type": "header", "text": plain("{{ 7*7 }} <b>")},
        {"type": "input", "label": plain("&lt;i&gt;"), "element": {"type": "plain_text_input"}},
        text=typed,
        title="{{ 7*7 }}",
        file_name="<script>.pdf",
    )
    evil_person = PersonTranscript("U<x>", "<script>alert(1)</script>", "{{ role }}", (seen,))
    html = render_html(Transcript("<b>{{ 7*7 }}</b>", (evil_person,), USER_NAMES))
    root = parse_page(html)
    # Only the page's own filter script: nothing typed became a script or an image.
    assert len(root.find_all("script")) == 1 and root.find_all("img") == []
    assert root.find_all("i") == []
    assert "49" not in html and html.count("<script>") == 1
    section_text = root.find("div", "sk-section").find("div", "sk-text")
    assert section_text.text == (
        "<script>alert(1)</script> <!channel> {{ 7*7 }} {% if 1 %}x{% endif %} "
        "click (https://evil.example) @Jo Oak <img src=x onerror=alert(1)>"
    )
    link = section_text.find("a")
    assert (link.text, link.attrs["href"]) == ("click", "https://evil.example")
    assert [m.text for m in section_text.find_all("span", "sk-mention")] == ["@Jo Oak"]
    assert root.find("h4", "sk-header").text == "{{ 7*7 }} <b>"
    assert root.find("div", "sk-label").text == "<i>"
    assert root.find("title").text == "<b>{{ 7*7 }}</b>"
    assert root.find("section", "person").find("h2").text == "<script>alert(1)</script>"
    assert root.find("span", "notif-text").text.startswith("<script>alert(1)</script> <!channel>")


EVERY_ELEMENT: tuple[dict[str, Any], ...] = (
    {"type": "external_select", "initial_option": {"text": plain("Amber"), "value": "a"}},
    {
        "type": "multi_static_select",
        "initial_options": [{"text": plain("A"), "value": "a"}, {"text": plain("B"), "value": "b"}],
    },
    {"type": "conversations_select", "initial_conversation": "C1"},
    {"type": "multi_channels_select", "initial_channels": ["C1", "C2"]},
    {"type": "timepicker", "initial_time": "09:30"},
    {"type": "datetimepicker", "initial_date_time": 1780907400},
    {"type": "datepicker", "initial_date": "not a date"},
    {"type": "radio_buttons", "options": [{"text": plain("Yes"), "value": "y"}]},
    {"type": "number_input", "is_decimal_allowed": False, "initial_value": "3"},
    {"type": "email_text_input", "placeholder": plain("you@example.org")},
    {"type": "rich_text_input", "action_id": "r"},
    {"type": "file_input"},
    {"type": "image", "image_url": "https://x.org/a.png", "alt_text": "a"},
    {"type": "workflow_button", "text": plain("Run"), "style": "primary"},
    {"type": "some_future_element"},
)


def test_every_element_kind_is_drawn_as_a_closed_control_in_html_and_text() -> None:
    seen = message({"type": "actions", "elements": list(EVERY_ELEMENT)})
    actions = page_of(seen).find("div", "sk-actions")
    controls = [c for c in actions.children if not isinstance(c, str)]
    assert [(c.tag, sorted(c.classes)[0], c.text) for c in controls] == [
        ("span", "sk-select", "Amber▾"),
        ("span", "sk-select", "AB▾"),
        ("span", "sk-select", "#C1▾"),
        ("span", "sk-select", "#C1#C2▾"),
        ("span", "sk-select", "🕘09:30▾"),
        ("span", "sk-select", "📅Mon 8 Jun 2026, 09:30▾"),
        ("span", "sk-select", "📅not a date▾"),
        ("span", "sk-options", "Yes"),
        ("span", "sk-field-input", "3"),
        ("span", "sk-field-input", "you@example.org"),
        ("span", "sk-field-input", ""),
        ("span", "sk-select", "Upload a file⇪"),
        ("span", "sk-thumb", "🖼"),
        ("button", "sk-btn", "Run"),
        ("span", "sk-unsupported", "[some_future_element]"),
    ]
    person = PersonTranscript("U0SW", "Sam Patel", "Social worker", (seen,))
    text = render_text(person, USER_NAMES)
    assert "[ Mon 8 Jun 2026, 09:30 ▾ ]" in text
    assert "(•) Yes" not in text and "( ) Yes" in text
    assert "[ Upload a file ]  [image: a]  [ Run ]  [some_future_element]" in text
