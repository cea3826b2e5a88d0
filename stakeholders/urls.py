from django.urls import path

from stakeholders import views

app_name = "stakeholders"
urlpatterns = [
    path("stakeholders/", views.organization_list, name="organizations"),
    path("stakeholders/<slug:slug>/", views.organization_detail, name="organization"),
    path("people/<slug:slug>/", views.person_detail, name="person"),
]
