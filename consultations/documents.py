"""Documents made on the server: a Django template rendered to HTML, then laid out into PDF by
WeasyPrint. The outcome document, the list of participants and the badges all come through here.

Writing a document:
- a template extending nothing: a whole HTML page with `<html lang>`, a `<title>` (the PDF's title)
  and its stylesheets linked with `{% static %}`, which are the only files it may load;
- a running header and footer as elements with `position: running(name)` placed in `@page` margin
  boxes with `content: element(name)`; inside them, `<span class="page-number"></span>` and
  `<span class="page-count"></span>` show `counter(page)` and `counter(pages)`
  (static/css/document.css);
- the root font size written `calc(<size> * var(--document-scale, 1))` and every other length in
  `rem` or `em`, so that the layout may be tightened a little to spare a near-empty last page
  (`FIT_SCALES`).

Nothing remote is ever loaded: `StaticFilesOnly` answers the site's own static files from disk
and refuses every other address (another host, `file:`, `data:`, a path outside STATIC_URL), so
a template or an outcome text that names an outside address cannot make the server fetch it.
WeasyPrint needs Pango from the system (Debian: libpango-1.0-0, libpangoft2-1.0-0,
libharfbuzz-subset0, and fonts: fonts-liberation, fonts-dejavu-core); see the README."""

import mimetypes
from urllib.parse import unquote, urljoin, urlsplit

from django.conf import settings
from django.contrib.staticfiles import finders
from django.contrib.staticfiles.storage import staticfiles_storage
from django.core.exceptions import ImproperlyConfigured, SuspiciousFileOperation
from django.http import HttpResponse
from django.template.loader import render_to_string
from django.utils.http import content_disposition_header

try:
    from weasyprint import CSS, HTML
    from weasyprint.urls import URLFetcher, URLFetcherResponse
except OSError as missing:  # Pango is not installed: the site runs, its PDFs cannot be made.
    PANGO_MISSING = missing
    URLFetcher = object
else:
    PANGO_MISSING = None

PDF = "application/pdf"
END_ANCHOR = "document-end"
# A last page whose text ends in the top 30 % of its height holds a few lines only: the document
# is laid out again, a little tighter, at these scales of its root font size, until one leaves
# no such page.
NEARLY_EMPTY = 0.3
FIT_SCALES = (0.96, 0.92)


class RemoteResourceRefused(ValueError):
    """An address a document may not load."""


class StaticFilesOnly(URLFetcher):
    """WeasyPrint's fetcher for one document: the site's static files, read from disk, and
    nothing else. `refused` keeps the addresses it turned down, for the tests and the log."""

    def __init__(self, base_url):
        super().__init__(allowed_protocols=())
        self.static_prefix = urljoin(base_url, settings.STATIC_URL)
        self.refused = []

    def fetch(self, url, headers=None):
        try:
            name, content = self.static_file(url)
        except RemoteResourceRefused:
            self.refused.append(url)
            raise
        content_type = mimetypes.guess_type(name)[0] or "application/octet-stream"
        return URLFetcherResponse(url, content, {"Content-Type": content_type})

    def static_file(self, url):
        address = urlsplit(url)
        if address.query or address.fragment or not url.startswith(self.static_prefix):
            raise RemoteResourceRefused(f"Not one of the site's static files: {url}")
        name = unquote(address.path[len(urlsplit(self.static_prefix).path) :])
        # The finders know the files as written (debug, no collectstatic); the storage knows
        # the hashed names collectstatic gave them (production).
        try:
            found = finders.find(name)
            if found:
                with open(found, "rb") as file:
                    return name, file.read()
            if staticfiles_storage.exists(name):
                with staticfiles_storage.open(name) as file:
                    return name, file.read()
        except (SuspiciousFileOperation, ValueError, NotImplementedError, OSError):
            pass
        raise RemoteResourceRefused(f"No such static file: {url}")


def with_end_anchor(html):
    """The HTML with an empty marker as the last thing in its body, whose place on the last page
    tells how full that page is."""
    marker = f'<div id="{END_ANCHOR}"></div>'
    head, found, tail = html.rpartition("</body>")
    return f"{head}{marker}{found}{tail}" if found else html + marker


def nearly_empty_last_page(document):
    if len(document.pages) < 2:
        return False
    last = document.pages[-1]
    anchor = last.anchors.get(END_ANCHOR)
    return anchor is not None and anchor[1] < NEARLY_EMPTY * last.height


def layout(html, base_url=None, *, fit=True):
    """The laid-out document (WeasyPrint's `Document`) and the fetcher that served it, a little
    tighter when that spares a near-empty last page (unless `fit` is off: a sheet of badges
    whose last page holds one badge is as it should be)."""
    if PANGO_MISSING is not None:
        raise ImproperlyConfigured(
            "PDF documents need Pango: apt-get install libpango-1.0-0 libpangoft2-1.0-0 "
            f"libharfbuzz-subset0 fonts-liberation fonts-dejavu-core ({PANGO_MISSING})."
        )
    base_url = base_url or settings.SITE_URL
    fetcher = StaticFilesOnly(base_url)
    source = HTML(string=with_end_anchor(html), base_url=base_url, url_fetcher=fetcher)
    document = source.render()
    for scale in FIT_SCALES if fit else ():
        if not nearly_empty_last_page(document):
            break
        tighter = CSS(
            string=f":root {{ --document-scale: {scale} !important; }}", url_fetcher=fetcher
        )
        candidate = source.render(stylesheets=[tighter])
        if len(candidate.pages) < len(document.pages) or not nearly_empty_last_page(candidate):
            document = candidate
    return document, fetcher


def html_to_pdf(html, base_url=None, *, fit=True):
    """PDF bytes of an HTML document. Links and static files resolve against `base_url`, the
    site's public address (SITE_URL) unless told otherwise."""
    document, _fetcher = layout(html, base_url, fit=fit)
    return document.write_pdf(pdf_tags=True)


def render_pdf_bytes(request, template, context, *, fit=True):
    return html_to_pdf(render_to_string(template, context, request=request), fit=fit)


def render_pdf(request, template, context, filename, *, attachment=False, fit=True):
    """An HTTP response with the template as a PDF, shown in the browser (or downloaded, with
    `attachment`) under `filename`."""
    pdf = render_pdf_bytes(request, template, context, fit=fit)
    response = HttpResponse(pdf, content_type=PDF)
    response["Content-Disposition"] = content_disposition_header(attachment, filename)
    return response
