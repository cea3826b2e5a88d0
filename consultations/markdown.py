"""The one way a contribution's Markdown becomes HTML, for the back office's preview, the public
pages and the API alike: Markdown first, then nh3 keeps only harmless tags and attributes, so no
script, event handler, style or `javascript:` link survives, whatever the author typed.

No word the author typed is lost on the way:
- an image becomes a link to it named by its alt text (no page loads a picture from elsewhere, which
  would tell a third party who reads the contribution); with no safe address, the alt text alone;
- a link whose address holds a space or a double quote (a title whose closing quote went missing,
  `[x](https://example.org "title)`) is no link: Python-Markdown would have folded the words after
  the quote into the address, where nobody sees them, so the text stays as it was typed."""

import re
from urllib.parse import urlsplit

import markdown as markdown_lib
import nh3
from django.utils.safestring import mark_safe
from markdown.inlinepatterns import (
    IMAGE_LINK_RE,
    LINK_RE,
    ImageInlineProcessor,
    LinkInlineProcessor,
)
from markdown.treeprocessors import Treeprocessor

ALLOWED_TAGS = {
    "p", "br", "hr", "strong", "em", "b", "i", "code", "pre", "blockquote",
    "ul", "ol", "li", "h2", "h3", "h4", "h5", "h6", "a", "table", "thead", "tbody",
    "tr", "th", "td",
}  # fmt: skip
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}, "th": {"align"}, "td": {"align"}}
URL_SCHEMES = {"http", "https", "mailto"}
MARKDOWN_EXTENSIONS = ["tables", "sane_lists"]
BROKEN_ADDRESS = re.compile(r'[\s"]')
ESCAPED_QUOTE = re.compile(r"""\\(["'])""")


class TypedAddressMixin:
    """Links and images whose address would swallow text are left as typed; a quote escaped in a
    title (`"a \\" b"`) is the quote itself."""

    def getLink(self, data, index):
        href, title, end, handled = super().getLink(data, index)
        if handled and BROKEN_ADDRESS.search(href):
            return "", None, index, False
        if title is not None:
            title = ESCAPED_QUOTE.sub(r"\1", title)
        return href, title, end, handled


class TypedLinkProcessor(TypedAddressMixin, LinkInlineProcessor):
    pass


class TypedImageProcessor(TypedAddressMixin, ImageInlineProcessor):
    pass


def safe_address(url):
    """Whether nh3 would keep `url` in a link: one of URL_SCHEMES, or relative."""
    try:
        scheme = urlsplit(url).scheme
    except ValueError:
        return False
    return scheme in URL_SCHEMES or (scheme == "" and ":" not in url.split("/", 1)[0])


class ImagesAsLinks(Treeprocessor):
    """Each `img` becomes an `a` to its address, named by its alt text (or its title, or the
    address itself); an image without a safe address, or inside a link already, becomes its text
    (a `span`, which nh3 unwraps). Walked without recursion."""

    def run(self, root):
        stack = [(root, False)]
        while stack:
            element, in_link = stack.pop()
            if element.tag == "img":
                self.replace(element, in_link)
            in_link = in_link or element.tag == "a"
            stack.extend((child, in_link) for child in element)

    @staticmethod
    def replace(image, in_link):
        address = image.get("src", "").strip()
        title = image.get("title")
        name = image.get("alt") or title or address
        image.attrib.clear()
        image.text = name
        if in_link or not safe_address(address):
            image.tag = "span"
            return
        image.tag = "a"
        image.set("href", address)
        if title:
            image.set("title", title)


def markdown_without_raw_html():
    """Python-Markdown with its raw-HTML rules taken out: HTML typed into a contribution is shown
    as the text the author typed rather than passed through (and then dropped by nh3)."""
    converter = markdown_lib.Markdown(extensions=MARKDOWN_EXTENSIONS, output_format="html")
    converter.preprocessors.deregister("html_block")
    converter.inlinePatterns.deregister("html")
    # The same names and priorities: these replace Python-Markdown's own.
    converter.inlinePatterns.register(TypedLinkProcessor(LINK_RE, converter), "link", 160)
    converter.inlinePatterns.register(
        TypedImageProcessor(IMAGE_LINK_RE, converter), "image_link", 150
    )
    # After the inline patterns (20), before the unescaping of the text (0).
    converter.treeprocessors.register(ImagesAsLinks(converter), "images_as_links", 15)
    return converter


def render_markdown(text):
    """Safe HTML for `text`; links get rel="nofollow noopener noreferrer"."""
    html = markdown_without_raw_html().convert(text)
    # The page's own title is its only h1: the author's highest heading becomes an h2 and the
    # others keep their distance from it, so "## Recommendations" alone is not an h3 under the h1.
    levels = [int(level) for level in re.findall(r"<h([1-6])>", html)]
    if levels:
        shift = 2 - min(levels)
        html = re.sub(r"<(/?)h([1-6])>", lambda m: f"<{m[1]}h{min(int(m[2]) + shift, 6)}>", html)
    cleaned = nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=URL_SCHEMES,
        link_rel="nofollow noopener noreferrer",
    )
    # Sanitised by nh3 just above: ruff's S308 and bandit's B308/B703 are answered.
    return mark_safe(cleaned)  # noqa: S308  # nosec B308 B703
