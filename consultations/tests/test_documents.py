"""The PDF maker (consultations/documents.py): it loads nothing but the site's own static files,
whatever a template names, and spares a document a near-empty last page."""

import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from django.test import RequestFactory
from weasyprint import HTML

from consultations.documents import (
    StaticFilesOnly,
    html_to_pdf,
    layout,
    nearly_empty_last_page,
    render_pdf_bytes,
    with_end_anchor,
)


class Recorder(BaseHTTPRequestHandler):
    requests = []

    def do_GET(self):
        Recorder.requests.append(self.path)
        self.send_response(200)
        self.send_header("Content-Type", "text/css")
        self.end_headers()
        self.wfile.write(b"body { color: red; }")

    def log_message(self, *args):
        pass


@pytest.fixture
def outside_server():
    """A web server on the loopback that records every request it receives."""
    Recorder.requests = []
    server = ThreadingHTTPServer(("127.0.0.1", 0), Recorder)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


def test_a_template_naming_outside_addresses_makes_the_server_fetch_nothing(
    settings, tmp_path, outside_server
):
    outside = [
        f"{outside_server}/remote.css",
        f"{outside_server}/imported.css",
        f"{outside_server}/logo.png",
        f"{outside_server}/font.woff2",
        f"{outside_server}/background.png",
        f"{outside_server}/static/css/document.css",
    ]
    (tmp_path / "outside.html").write_text(
        "{% load static %}<!doctype html><html lang='en'><head><title>T</title>"
        f"<link rel='stylesheet' href='{outside[0]}'>"
        f"<style>@import url('{outside[1]}');"
        f"@font-face {{ font-family: X; src: url('{outside[3]}'); }}"
        f"body {{ background: url('{outside[4]}'); font-family: X; }}</style>"
        f"<link rel='stylesheet' href='{outside[5]}'>"
        "<link rel='stylesheet' href='{% static \"css/document.css\" %}'></head>"
        f"<body><p>Hello</p><img src='{outside[2]}' alt=''>"
        "<img src='file:///etc/passwd' alt=''><img src='/admin/' alt=''></body></html>",
        encoding="utf-8",
    )
    settings.TEMPLATES = [
        {**settings.TEMPLATES[0], "DIRS": [tmp_path, *settings.TEMPLATES[0]["DIRS"]]}
    ]
    request = RequestFactory().get("/")
    pdf = render_pdf_bytes(request, "outside.html", {})
    assert pdf.startswith(b"%PDF")
    assert Recorder.requests == []


def test_the_fetcher_serves_the_sites_static_files_and_refuses_the_rest(settings, outside_server):
    settings.SITE_URL = "https://hearings.example.org"
    fetcher = StaticFilesOnly("https://hearings.example.org/")
    css = fetcher.fetch("https://hearings.example.org/static/css/document.css")
    assert css.content_type == "text/css"
    assert b"@page" in css.read()
    refused = [
        f"{outside_server}/static/css/document.css",
        "http://hearings.example.org.evil.test/static/css/document.css",
        "https://hearings.example.org/static/../config/settings.py",
        "https://hearings.example.org/static/css/../../manage.py",
        "https://hearings.example.org/static/css/document.css?v=1",
        "https://hearings.example.org/admin/",
        "file:///etc/passwd",
        "data:text/css,body{}",
    ]
    for url in refused:
        with pytest.raises(ValueError):
            fetcher.fetch(url)
    assert fetcher.refused == refused
    assert Recorder.requests == []


def test_layout_reports_what_it_refused(outside_server):
    html = (
        "<!doctype html><html><head><link rel=stylesheet href='/static/css/document.css'>"
        f"<link rel=stylesheet href='{outside_server}/x.css'></head><body><p>x</p></body></html>"
    )
    _document, fetcher = layout(html, "http://127.0.0.1:8000/")
    assert fetcher.refused == [f"{outside_server}/x.css"]
    assert Recorder.requests == []


def test_a_document_is_tightened_rather_than_end_on_a_near_empty_page():
    """The body is 64.7rem high at the document's 11 pt: 63rem of block and three lines spill
    onto a second page; at 96 % the same fits on one."""
    html = (
        "<!doctype html><html lang='en'><head>"
        "<link rel='stylesheet' href='/static/css/document.css'></head><body class='document'>"
        "<div style='height: 63rem'></div><p>One line.<br>Two lines.<br>Three lines.</p>"
        "</body></html>"
    )
    loose = HTML(
        string=with_end_anchor(html),
        base_url="http://127.0.0.1:8000/",
        url_fetcher=StaticFilesOnly("http://127.0.0.1:8000/"),
    ).render()
    assert len(loose.pages) == 2
    assert nearly_empty_last_page(loose)
    document, _fetcher = layout(html, "http://127.0.0.1:8000/")
    assert len(document.pages) == 1
    as_written, _fetcher = layout(html, "http://127.0.0.1:8000/", fit=False)
    assert len(as_written.pages) == 2
    assert html_to_pdf(html, "http://127.0.0.1:8000/").startswith(b"%PDF")


def test_a_long_document_keeps_its_size_when_its_last_page_is_full_enough():
    html = (
        "<!doctype html><html lang='en'><head>"
        "<link rel='stylesheet' href='/static/css/document.css'></head><body class='document'>"
        "<div style='height: 63rem'></div><div style='height: 30rem'></div></body></html>"
    )
    document, _fetcher = layout(html, "http://127.0.0.1:8000/")
    assert len(document.pages) == 2
    assert not nearly_empty_last_page(document)
