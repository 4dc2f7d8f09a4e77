from django.urls import path

from . import desk_views

app_name = "desk"

urlpatterns = [
    path("answers/", desk_views.published, name="published"),
    path("ask/", desk_views.ask, name="ask"),
    path("mine/", desk_views.mine, name="mine"),
    path("queue/", desk_views.queue, name="queue"),
    path("questions/<int:pk>/", desk_views.detail, name="detail"),
    path("questions/<int:pk>/answer/", desk_views.answer, name="answer"),
    path("questions/<int:pk>/close/", desk_views.close, name="close"),
]
