"""The PDF and Word makers, loaded on a worker's first document: WeasyPrint with Pango, and
python-docx with lxml, weigh tens of megabytes that a worker serving pages never needs
(README, "Benchmark")."""


def render_pdf(*args, **kwargs):
    from consultations.documents import render_pdf as render

    return render(*args, **kwargs)


def render_docx(*args, **kwargs):
    from consultations.word import render_docx as render

    return render(*args, **kwargs)
