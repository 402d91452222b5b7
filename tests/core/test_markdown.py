"""Markdown as the product reads it (nsm.core.markdown): what a page shows, and what never comes out of it."""

import re

import pytest
from django.template import Context, Template
from hypothesis import given, settings
from hypothesis import strategies as st

from nsm.core.markdown import MARKDOWN_CHARS, Embed, Heading, Items, Para, Run, parse, to_html

HOSTILE = """Intro <script>alert('x')</script> end.

<iframe src="https://evil.example/"></iframe>

<img src=x onerror="alert(1)">

[click](javascript:alert(1)) [data](data:text/html;base64,PHNjcmlwdD4=) [vb](vbscript:msgbox)

<a href="javascript:alert(2)">raw link</a>

<style>body{display:none}</style>

[[context:MIG-01]]
"""


def test_emphasis_lists_headings_and_safe_links_come_out_as_html():
    html = to_html(
        "# Vision\n\nA **safe** and *orderly* [plan](https://example.org/a?b=1&c=2).\n\n- one\n  - two\n\n1. x"
    )
    assert '<h3 class="h4">Vision</h3>' in html
    assert "<strong>safe</strong>" in html and "<em>orderly</em>" in html
    assert '<a href="https://example.org/a?b=1&amp;c=2" rel="noopener noreferrer">plan</a>' in html
    assert "<ul><li>one<ul><li>two</li></ul></li></ul>" in html
    assert "<ol><li>x</li></ol>" in html


def test_no_script_iframe_style_image_or_javascript_link_reaches_the_html():
    html = to_html(HOSTILE).lower()
    for forbidden in (
        "<script",
        "<iframe",
        "<img",
        "<style",
        "onerror",
        'href="javascript',
        'href="data',
        "vbscript:m",
    ):
        assert forbidden not in html.replace("[vb](vbscript:msgbox)", "")
    assert "alert('x')" not in html  # the script's content goes with it
    assert "intro" in html and "end." in html  # the text around it stays
    assert "<a " not in html  # not one of those links is safe


def test_typed_angle_brackets_and_ampersands_are_escaped_text():
    html = to_html("Costs < 5 & > 2, `<b>bold</b>`")
    assert "&lt; 5 &amp; &gt; 2" in html
    assert "<code>&lt;b&gt;bold&lt;/b&gt;</code>" in html


def test_blocks_of_a_text():
    blocks = parse("## Risks\n\nPlain *it*\n\n- a\n- b\n\n[[context:MIG-01]]\n\ntext [[context:X]]")
    assert blocks[0] == Heading(2, (Run("Risks"),))
    assert blocks[1] == Para((Run("Plain "), Run("it", italic=True)))
    assert blocks[2] == Items(False, ((Run("a"),), (Run("b"),)), (0, 0))
    assert blocks[3] == Embed("context", "MIG-01")
    assert isinstance(blocks[4], Para)  # a reference inside a sentence is text


def test_a_reference_is_replaced_by_what_the_page_gives():
    html = to_html(
        "[[context:MIG-01]]\n\n[[context:NONE]]", embed=lambda e: "<figure>F</figure>" if e.key == "MIG-01" else None
    )
    assert "<figure>F</figure>" in html
    assert "[[context:NONE]]" in html  # unknown: printed as written


def test_only_the_first_markdown_chars_are_read():
    blocks = parse("a" * (MARKDOWN_CHARS + 500))
    assert len(blocks[0].text) == MARKDOWN_CHARS


def test_deep_nesting_is_bounded():
    parse(">" * 5000 + " x")
    parse("- " * 3000 + "x")
    parse("[" * 5000 + "x" + "]" * 5000)


def test_the_template_filter():
    html = Template("{% load plan %}{{ text|markdown }}").render(Context({"text": "**a** <script>b</script>"}))
    assert html == "<p><strong>a</strong> </p>"


KNOWN_TAGS = re.compile(
    r'</?(?:p|h[3-6]|ul|ol|li|strong|em|code|br)(?: class="[a-z0-9 -]+")?>'
    r'|<a href="(?:https?://|mailto:|/|#)[^"<>]*" rel="noopener noreferrer">|</a>'
)


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet=st.sampled_from(list("<>\"'&*_[]()#-:`\n ajsvcript=/")), max_size=200))
def test_any_text_gives_html_with_no_tag_but_ours(text):
    assert "<" not in KNOWN_TAGS.sub("", to_html(text))


@pytest.mark.parametrize("text", ["", "   ", "\n\n"])
def test_blank(text):
    assert parse(text) == ()
    assert to_html(text) == ""
