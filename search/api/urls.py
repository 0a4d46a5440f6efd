from rest_framework.routers import DefaultRouter

app_name = "search"

router = DefaultRouter()

urlpatterns = router.urls
