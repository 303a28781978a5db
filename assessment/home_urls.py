"""Each role's home page and the 党员's own page. They live in the top layer
because a home gathers what every app below offers (and the live score)."""

from django.urls import path

from .home import home, my_org_life

urlpatterns = [
    path("me/", my_org_life, name="my_org_life"),
    path("", home, name="home"),  # dispatches by the user's primary role
]
