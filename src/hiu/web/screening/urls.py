from django.urls import path

from hiu.web.screening import views

app_name = "screening"
urlpatterns = [
    path("screening/runs/<int:run_id>/", views.run, name="run"),
    path("screening/people/<int:person_id>/", views.person, name="person"),
    path(
        "screening/people/<int:person_id>/decision/entered-in-error/",
        views.decision_in_error,
        name="decision_in_error",
    ),
    path("screening/reasons/", views.reasons, name="reasons"),
    path("referrals/", views.referrals, name="referrals"),
    path("referrals/new/", views.new_referral, name="new_referral"),
    path("referrals/<int:referral_id>/", views.referral, name="referral"),
]
