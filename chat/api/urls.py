from rest_framework.routers import DefaultRouter

app_name = "chat"

router = DefaultRouter()

urlpatterns = router.urls
