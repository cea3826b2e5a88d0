from django.urls import path

from consultations import views

app_name = "consultations"
urlpatterns = [
    path("", views.home, name="home"),
    path("hearings/<slug:slug>/", views.hearing_detail, name="hearing"),
    path("contributions/<str:reference>/", views.contribution_detail, name="contribution"),
]
