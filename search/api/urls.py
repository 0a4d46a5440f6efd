from django.urls import path
from rest_framework.routers import DefaultRouter

from search.api import views

app_name = "search"

router = DefaultRouter()

urlpatterns = [
    path("", views.SearchView.as_view(), name="search"),
    path("history/", views.HistoryView.as_view(), name="history"),
    path("queries/<uuid:pk>/feedback/", views.FeedbackView.as_view(), name="feedback"),
    *router.urls,
]
