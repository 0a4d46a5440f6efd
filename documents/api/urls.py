from rest_framework.routers import DefaultRouter

app_name = "documents"

router = DefaultRouter()

urlpatterns = router.urls
