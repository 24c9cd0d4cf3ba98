"""Slack mrkdwn, plain_text and rich_text shown as HTML and text: formatting, mentions, escaping."""

from __future__ import annotations

import pytest

from bot.devtools.transcript.markup import parse_mrkdwn, parse_plain, parse_rich_text
from tests.transcript.support import parse_page

NAMES = {"U1": "Sam Patel", "U2": "Jo Oak"}


def html_of(text: str) -> str:
    return str(parse_mrkdwn(text, NAMES).html())


def text_of(text: str) -> str:
    return parse_mrkdwn(text, NAMES).text()


@pytest.mark.parametrize(
    ("mrkdwn", "tag", "inner"),
    [
        ("a *bold* word", "b", "bold"),
        ("an _italic_ word", "i", "italic"),
        ("a ~struck~ word", "s", "struck"),
        ("some `code` here", "code", "code"),
        ("```line one\nline two```", "pre", "line one\nline two"),
        ("&gt; a quote", "blockquote", "a quote"),
    ],
)
def test_mrkdwn_formatting_becomes_the_matching_element(mrkdwn: str, tag: str, inner: str) -> None:
    element = parse_page(html_of(mrkdwn)).find(tag)
    assert "".join(c for c in element.children if isinstance(c, str)) == inner


def test_emphasis_nests_and_wraps_mentions() -> None:
    root = parse_page(html_of("*Hi <@U1>, _see this_*"))
    bold = root.find("b")
    assert bold.text == "Hi @Sam Patel, see this"
    assert bold.find("i").text == "see this"
    assert bold.find("span", "sk-mention").text == "@Sam Patel"


def test_markers_inside_words_and_code_stay_literal() -> None:
    assert text_of("snake_case_name and 2*3*4") == "snake_case_name and 2*3*4"
    assert html_of("`*not bold*`") == '<code class="sk-code">*not bold*</code>'
    assert "<b>" not in html_of("* not bold *")


def test_line_breaks_become_br_and_lines_in_text() -> None:
    assert len(parse_page(html_of("one\ntwo\n\nthree")).find_all("br")) == 3
    assert text_of("one\ntwo") == "one\ntwo"


def test_consecutive_quote_lines_make_one_quote_and_triple_quotes_the_rest() -> None:
    root = parse_page(html_of("&gt; one\n&gt; two\nafter"))
    assert [q.text for q in root.find_all("blockquote")] == ["one two"]
    assert root.text.endswith("after")
    assert parse_page(html_of("before\n&gt;&gt;&gt; all\nof this")).find("blockquote").text == (
        "all of this"
    )
    assert text_of("&gt; one\n&gt; two") == "> one\n> two"


def test_user_mentions_show_names_and_unknown_ids_show_the_id() -> None:
    assert text_of("<@U1> and <@U2|old name> and <@U9>") == "@Sam Patel and @Jo Oak and @U9"


def test_channel_and_broadcast_mentions_read_as_slack_shows_them() -> None:
    root = parse_page(html_of("<#C1|oak-family> <#C2> <!here> <!channel> <!everyone>"))
    mentions = root.find_all("span", "sk-mention")
    assert [m.text for m in mentions] == ["#oak-family", "#C2", "@here", "@channel", "@everyone"]
    assert {"sk-mention--broadcast"} <= mentions[2].classes


def test_links_show_their_label_and_where_they_go() -> None:
    root = parse_page(html_of("<https://example.org/a?b=1&amp;c=2|the form> and <https://x.org>"))
    first, second = root.find_all("a")
    assert first.attrs["href"] == "https://example.org/a?b=1&c=2"
    assert first.text == "the form"
    assert root.find("span", "sk-url").text == "(https://example.org/a?b=1&c=2)"
    assert second.text == second.attrs["href"] == "https://x.org"
    assert text_of("<https://x.org/f|the form>") == "the form (https://x.org/f)"


def test_a_javascript_link_is_shown_as_text_not_made_clickable() -> None:
    root = parse_page(html_of("<javascript:alert(1)|click me>"))
    assert root.find_all("a") == []
    assert root.text == "click me (javascript:alert(1))"


def test_escaped_text_comes_out_as_the_characters_a_person_typed() -> None:
    typed = "&lt;script&gt;alert(1)&lt;/script&gt; &lt;!channel&gt; &lt;@U1&gt; a &amp;amp; b"
    html = html_of(typed)
    root = parse_page(html)
    assert root.find_all("script") == [] and root.find_all("span") == []
    assert root.text == "<script>alert(1)</script> <!channel> <@U1> a &amp; b"
    assert "<script>" not in html
    assert text_of(typed) == "<script>alert(1)</script> <!channel> <@U1> a &amp; b"


def test_an_unescaped_angle_bracket_that_is_no_control_sequence_stays_literal() -> None:
    root = parse_page(html_of("<script>alert(1)</script>"))
    assert root.find_all("script") == []
    assert root.text == "<script>alert(1)</script>"


def test_known_emoji_shortcodes_become_emoji_and_others_stay() -> None:
    assert text_of(":white_check_mark: done :no_such_emoji:") == "✅ done :no_such_emoji:"


def test_plain_text_is_never_formatted() -> None:
    rich = parse_plain("*not bold* <@U1> &lt;b&gt; :wave:", emoji=False)
    assert rich.text() == "*not bold* <@U1> <b> :wave:"
    assert parse_page(str(rich.html())).find_all() == []
    assert parse_plain(":wave:").text() == "👋"


def test_rich_text_sections_lists_quotes_and_styles() -> None:
    block = {
        "type": "rich_text",
        "elements": [
            {
                "type": "rich_text_section",
                "elements": [
                    {"type": "text", "text": "Due ", "style": {"bold": True}},
                    {"type": "text", "text": "<now>", "style": {"code": True}},
                    {"type": "link", "url": "https://x.org", "text": "form"},
                    {"type": "emoji", "name": "tada", "unicode": "1f389"},
                ],
            },
            {
                "type": "rich_text_list",
                "style": "ordered",
                "indent": 1,
                "elements": [
                    {"type": "rich_text_section", "elements": [{"type": "user", "user_id": "U2"}]},
                    {"type": "rich_text_section", "elements": [{"type": "text", "text": "two"}]},
                ],
            },
            {"type": "rich_text_quote", "elements": [{"type": "text", "text": "quoted"}]},
            {"type": "rich_text_preformatted", "elements": [{"type": "text", "text": "a\nb"}]},
        ],
    }
    rich = parse_rich_text(block, NAMES)
    root = parse_page(str(rich.html()))
    assert root.find("b").text == "Due"
    assert root.find("code").text == "<now>"
    assert root.find("a").attrs["href"] == "https://x.org"
    assert [li.text for li in root.find("ol", "sk-list--indent-1").find_all("li")] == [
        "@Jo Oak",
        "two",
    ]
    assert root.find("blockquote").text == "quoted"
    assert root.find("pre").text == "a b"
    assert (
        rich.text()
        == "Due `<now>`form (https://x.org)🎉\n  1. @Jo Oak\n  2. two\n\n> quoted\n\n    a\n    b"
    )


def test_channel_ids_read_as_the_channels_name_when_it_is_known() -> None:
    names = {**NAMES, "C000000002": "oak-family"}
    text = "Open in <#C000000002> (<#C000000002|old-name>), not <#C9>."
    assert parse_mrkdwn(text, names).text() == "Open in #oak-family (#oak-family), not #C9."
    block = {
        "type": "rich_text",
        "elements": [
            {
                "type": "rich_text_section",
                "elements": [{"type": "channel", "channel_id": "C000000002"}],
            }
        ],
    }
    assert parse_rich_text(block, names).text() == "#oak-family"
