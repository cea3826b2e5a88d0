"""Spreadsheets of registrations and contributions: Unicode kept, formulas neutralised."""

import csv
import io

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from openpyxl import load_workbook

from consultations.exports import neutralise
from consultations.models import Contribution
from consultations.tests.factories import ContributionFactory, RegistrationFactory

pytestmark = pytest.mark.django_db

REGISTRATIONS = "/admin/consultations/registration/"
CONTRIBUTIONS = "/admin/consultations/contribution/"


@pytest.mark.parametrize(
    ("value", "cell"),
    [
        ('=HYPERLINK("http://x")', '\'=HYPERLINK("http://x")'),
        ("+1+1", "'+1+1"),
        ("-2+3", "'-2+3"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\tTab", "'\tTab"),
        ("\rReturn", "'\rReturn"),
        ("Ciudad de México", "Ciudad de México"),
        ("a=b", "a=b"),
        (None, ""),
        (42, 42),
        (-3, -3),
    ],
)
def test_cells_that_could_be_formulas_are_neutralised(value, cell):
    assert neutralise(value) == cell


def export(client, url, action, records, **filters):
    query = "?" + "&".join(f"{k}={v}" for k, v in filters.items()) if filters else ""
    return client.post(
        url + query,
        {"action": action, "_selected_action": [r.pk for r in records], "index": "0"},
    )


def test_registrations_as_csv_keep_unicode_with_a_bom_and_neutralise_formulas(client, viewer):
    chosen = RegistrationFactory(name="=cmd|' /C calc'!A0", organization__name="Société Générale")
    RegistrationFactory(name="Not selected")
    client.force_login(viewer)
    response = export(client, REGISTRATIONS, "export_csv", [chosen])
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"].startswith('attachment; filename="registrations-')
    content = response.content.decode("utf-8")
    assert content.startswith("\ufeffreference,hearing,status,")
    rows = list(csv.reader(io.StringIO(content.removeprefix("\ufeff"))))
    assert len(rows) == 2
    row = dict(zip(rows[0], rows[1], strict=True))
    assert row["name"] == "'=cmd|' /C calc'!A0"
    assert row["organization"] == "Société Générale"
    assert row["reference"] == chosen.reference
    assert row["status"] == "Pending"


def test_contributions_as_xlsx_of_the_current_filter(client, editor):
    hearing_contribution = ContributionFactory(title="@SUM(1+1)*cmd", body="-Déclaration")
    ContributionFactory(hearing=hearing_contribution.hearing, title="Second 第二")
    elsewhere = ContributionFactory(title="Another hearing")
    Contribution.objects.filter(pk=elsewhere.pk).update(status="rejected", public=False)
    client.force_login(editor)
    # "Select all" across pages: every contribution of the current filter (the queue).
    response = client.post(
        CONTRIBUTIONS + f"?hearing__id__exact={hearing_contribution.hearing.pk}",
        {
            "action": "export_xlsx",
            "_selected_action": [hearing_contribution.pk],
            "select_across": "1",
            "index": "0",
        },
    )
    assert response.status_code == 200
    assert response["Content-Type"] == (
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = [[cell.value for cell in row] for row in sheet.iter_rows()]
    header = rows[0]
    titles = [row[header.index("title")] for row in rows[1:]]
    assert titles == ["'@SUM(1+1)*cmd", "Second 第二"]
    assert rows[1][header.index("text")] == "'-Déclaration"
    assert all(cell.data_type != "f" for row in sheet.iter_rows() for cell in row)


def test_exports_cost_the_same_whatever_their_size(client, editor, django_assert_num_queries):
    client.force_login(editor)
    few = [ContributionFactory() for _ in range(2)]
    with CaptureQueriesContext(connection) as captured:
        export(client, CONTRIBUTIONS, "export_csv", few)
    expected = len(captured)
    many = few + [ContributionFactory() for _ in range(20)]
    with django_assert_num_queries(expected):
        response = export(client, CONTRIBUTIONS, "export_csv", many)
    assert response.content.decode().count("\r\n") == 23


def test_xlsx_keeps_its_header_row_in_view_with_filters(client, viewer):
    chosen = [RegistrationFactory(), RegistrationFactory()]
    client.force_login(viewer)
    response = export(client, REGISTRATIONS, "export_xlsx", chosen)
    sheet = load_workbook(io.BytesIO(response.content)).active
    assert sheet.freeze_panes == "A2"
    assert sheet.auto_filter.ref == "A1:S3"
    assert sheet["P1"].value == "decided"
    assert sheet["S1"].value == "checked in by"


@pytest.mark.parametrize("persona", ["editor", "viewer"])
def test_the_export_button_exports_the_list_as_filtered(client, persona, request):
    client.force_login(request.getfixturevalue(persona))
    shown = ContributionFactory(title="In this hearing")
    ContributionFactory(hearing=shown.hearing, title="Also in it")
    ContributionFactory(title="Elsewhere")
    page = client.get(CONTRIBUTIONS, {"hearing__id__exact": shown.hearing.pk})
    button = f'href="{CONTRIBUTIONS}export.xlsx?hearing__id__exact={shown.hearing.pk}"'
    assert button in page.content.decode()
    response = client.get(f"{CONTRIBUTIONS}export.xlsx", {"hearing__id__exact": shown.hearing.pk})
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = [[cell.value for cell in row] for row in sheet.iter_rows()]
    titles = [row[rows[0].index("title")] for row in rows[1:]]
    assert titles == ["In this hearing", "Also in it"]


def test_the_export_button_follows_the_search_and_refuses_unknown_filters(client, viewer):
    client.force_login(viewer)
    RegistrationFactory(name="Amina Wanted")
    RegistrationFactory(name="Somebody Else")
    response = client.get(f"{REGISTRATIONS}export.xlsx", {"q": "Amina"})
    sheet = load_workbook(io.BytesIO(response.content)).active
    assert [row[4].value for row in sheet.iter_rows(min_row=2)] == ["Amina Wanted"]
    refused = client.get(f"{REGISTRATIONS}export.xlsx", {"no_such_field": "1"})
    assert refused.status_code == 302
    assert refused["Location"] == f"{REGISTRATIONS}?e=1"


def test_the_export_button_is_for_staff_only(client, stakeholder):
    client.force_login(stakeholder)
    response = client.get(f"{CONTRIBUTIONS}export.xlsx")
    assert response.status_code == 302
    assert response["Location"].startswith("/admin/login/")


def test_the_export_button_costs_the_same_whatever_the_size(
    client, viewer, django_assert_num_queries
):
    client.force_login(viewer)
    ContributionFactory()
    with CaptureQueriesContext(connection) as captured:
        client.get(f"{CONTRIBUTIONS}export.xlsx", {"moderation": "all"})
    # session, user, the list's count and page (with its campaign sizes), the export's rows
    for _ in range(15):
        ContributionFactory()
    with django_assert_num_queries(len(captured)):
        response = client.get(f"{CONTRIBUTIONS}export.xlsx", {"moderation": "all"})
    sheet = load_workbook(io.BytesIO(response.content)).active
    assert sheet.max_row == 17
