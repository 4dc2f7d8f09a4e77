from django.contrib.auth.decorators import login_required
from django.shortcuts import render

from innovations import dashboard as innovations_dashboard
from municipalities import dashboard as municipalities_dashboard
from ranking import dashboard as ranking_dashboard

DASHBOARD_APPS = [innovations_dashboard, municipalities_dashboard, ranking_dashboard]


def home(request):
    """What Koploper is, with an entry point for each kind of visitor."""
    return render(request, "portal/home.html", {"highlights": ranking_dashboard.home_highlights()})


@login_required
def dashboard(request):
    """The signed-in user's start page, assembled from the sections each app offers."""
    sections = [section for app in DASHBOARD_APPS for section in app.sections(request)]
    return render(request, "portal/dashboard.html", {"sections": sections})
