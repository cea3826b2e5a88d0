"""The sitemap as a search engine reads it: the index, then every section it names."""

import re
from urllib.parse import urlsplit

LOC = re.compile(r"<loc>([^<]+)</loc>")


def sitemap_text(client):
    """Every section of the sitemap, concatenated."""
    index = client.get("/sitemap.xml")
    assert index.status_code == 200
    sections = []
    for address in LOC.findall(index.content.decode()):
        url = urlsplit(address.replace("&amp;", "&"))
        section = client.get(url.path + (f"?{url.query}" if url.query else ""))
        assert section.status_code == 200
        sections.append(section.content.decode())
    return "\n".join(sections)
