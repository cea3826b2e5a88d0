"""A contribution's Markdown as HTML: no image is fetched from elsewhere, yet no word the author
wrote is lost (an image becomes a link named by its alt text, a link whose address is broken by a
stray quote stays the text that was typed), and nothing unsafe survives."""

import pytest

from consultations.markdown import render_markdown

REL = 'rel="nofollow noopener noreferrer"'


@pytest.mark.parametrize(
    ("text", "html"),
    [
        (
            "![chart](https://example.org/a.png)",
            f'<p><a href="https://example.org/a.png" {REL}>chart</a></p>',
        ),
        (
            'See ![the "big" chart](https://example.org/a.png "Figures for 2017") below.',
            f'<p>See <a href="https://example.org/a.png" title="Figures for 2017" {REL}>'
            'the "big" chart</a> below.</p>',
        ),
        (
            "![](https://example.org/a.png) tail",
            f'<p><a href="https://example.org/a.png" {REL}>https://example.org/a.png</a> tail</p>',
        ),
        (
            "![chart][figure]\n\n[figure]: https://example.org/c.png",
            f'<p><a href="https://example.org/c.png" {REL}>chart</a></p>',
        ),
        (
            "[![badge](https://example.org/b.png)](https://example.org/)",
            f'<p><a href="https://example.org/" {REL}>badge</a></p>',
        ),
    ],
    ids=["image", "image-with-title", "image-without-alt", "reference-image", "linked-image"],
)
def test_an_image_becomes_a_link_named_by_its_alt_text(text, html):
    assert render_markdown(text) == html


@pytest.mark.parametrize(
    ("text", "html"),
    [
        (
            '[a "quoted" link](https://example.org) and more text after it.',
            f'<p><a href="https://example.org" {REL}>a "quoted" link</a> and more text after '
            "it.</p>",
        ),
        (
            '[x](https://e.org "title with \\" quote") rest of the sentence.',
            f'<p><a href="https://e.org" title="title with &quot; quote" {REL}>x</a> rest of the '
            "sentence.</p>",
        ),
        (
            'Read [our paper](https://e.org/p "Our paper) because it explains the method.',
            '<p>Read [our paper](https://e.org/p "Our paper) because it explains the method.</p>',
        ),
        (
            '[x](https://e.org"stray) and [y](https://f.org) end',
            f'<p>[x](https://e.org"stray) and <a href="https://f.org" {REL}>y</a> end</p>',
        ),
        (
            "![chart](https://e.org/a.png 'unclosed) still here",
            "<p>![chart](https://e.org/a.png 'unclosed) still here</p>",
        ),
    ],
    ids=[
        "quotes-in-link-text",
        "escaped-quote-in-title",
        "unclosed-title",
        "quote-glued-to-address",
        "unclosed-image-title",
    ],
)
def test_a_stray_quote_never_swallows_text(text, html):
    assert render_markdown(text) == html


@pytest.mark.parametrize(
    ("text", "html"),
    [
        ("[x](javascript:alert(1)) after", f"<p><a {REL}>x</a> after</p>"),
        ("[x](JavaScript:alert(1)) after", f"<p><a {REL}>x</a> after</p>"),
        ("[x](data:text/html,<b>hi</b>) after", f"<p><a {REL}>x</a> after</p>"),
        ("![chart](javascript:alert(1)) after", "<p>chart after</p>"),
        ("![chart](JAVASCRIPT:alert(1)) after", "<p>chart after</p>"),
        ("![chart](data:image/svg+xml,<svg/onload=alert(1)>) after", "<p>chart after</p>"),
        (
            '![x" onerror="alert(1)](https://e.org/a.png)',
            f'<p><a href="https://e.org/a.png" {REL}>x" onerror="alert(1)</a></p>',
        ),
    ],
)
def test_unsafe_addresses_are_still_neutralised(text, html):
    rendered = render_markdown(text)
    assert rendered == html
    assert "javascript:" not in rendered.lower()
    assert "data:" not in rendered
    assert "<img" not in rendered


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("# Title\n\n## Part", "<h2>Title</h2>\n<h3>Part</h3>"),
        ("## Recommendations\n\n### One", "<h2>Recommendations</h2>\n<h3>One</h3>"),
        ("### Alone", "<h2>Alone</h2>"),
        ("#### Deep\n\n###### Deepest", "<h2>Deep</h2>\n<h4>Deepest</h4>"),
    ],
)
def test_the_authors_highest_heading_comes_right_under_the_pages_title(text, expected):
    assert str(render_markdown(text)) == expected
