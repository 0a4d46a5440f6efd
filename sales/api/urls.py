from rest_framework.routers import DefaultRouter

app_name = "sales"

router = DefaultRouter()

urlpatterns = router.urls
