from django.urls import path

from consultations import (
    document_views,
    door_views,
    floor_views,
    people_views,
    process_views,
    submission_views,
    views,
)

app_name = "consultations"
urlpatterns = [
    path("", views.home, name="home"),
    path("hearings/", views.hearing_list, name="hearings"),
    path("hearings/<slug:slug>/", views.hearing_detail, name="hearing"),
    path("hearings/<slug:slug>/outcomes/", views.hearing_outcomes, name="outcomes"),
    path("hearings/<slug:slug>/outcomes.pdf", document_views.outcomes_pdf, name="outcomes_pdf"),
    path("hearings/<slug:slug>/outcomes.docx", document_views.outcomes_docx, name="outcomes_docx"),
    path("hearings/<slug:slug>/statistics/", views.hearing_statistics, name="statistics"),
    path("hearings/<slug:slug>/participants/", document_views.participants, name="participants"),
    path(
        "hearings/<slug:slug>/participants.pdf",
        document_views.participants_pdf,
        name="participants_pdf",
    ),
    path("processes/<str:code>/", process_views.process_detail, name="process"),
    path("hearings/<slug:slug>/live/", floor_views.live, name="live"),
    path("hearings/<slug:slug>/floor/", floor_views.floor_segments, name="floor_segments"),
    path(
        "hearings/<slug:slug>/floor/<int:order>/",
        floor_views.floor_console,
        name="floor_console",
    ),
    path("hearings/<slug:slug>/check-in/", door_views.check_in_page, name="check_in"),
    path("hearings/<slug:slug>/badges.pdf", door_views.badge_sheet, name="badge_sheet"),
    path("registrations/badge/<str:token>/", door_views.badge, name="badge"),
    path("contributions/", views.contribution_list, name="contributions"),
    path("contributions/<str:reference>/", views.contribution_detail, name="contribution"),
    path("language/<str:code>/", views.set_language, name="set_language"),
    path("stakeholders/", people_views.organization_list, name="organizations"),
    path("stakeholders/<slug:slug>/", people_views.organization_detail, name="organization"),
    path("people/<slug:slug>/", people_views.person_detail, name="person"),
    path("hearings/<slug:slug>/register/", submission_views.register, name="register"),
    path(
        "hearings/<slug:slug>/register/received/",
        submission_views.registration_received,
        name="registration_received",
    ),
    path("hearings/<slug:slug>/contribute/", submission_views.contribute, name="contribute"),
    path(
        "hearings/<slug:slug>/contribute/preview/",
        submission_views.markdown_preview,
        name="markdown_preview",
    ),
    path(
        "registrations/status/<str:token>/",
        submission_views.registration_status,
        name="registration_status",
    ),
    path(
        "contributions/status/<str:token>/",
        submission_views.contribution_status,
        name="contribution_status",
    ),
    path(
        "contributions/<str:reference>/attachment/",
        submission_views.attachment,
        name="attachment",
    ),
]
