from rest_framework.routers import DefaultRouter

from documents.api.views import DocumentViewSet

app_name = "documents"

router = DefaultRouter()
router.register("", DocumentViewSet, basename="document")

urlpatterns = router.urls
