from rest_framework.routers import DefaultRouter

from sales.api import views

app_name = "sales"

router = DefaultRouter()
router.register("employees", views.EmployeeViewSet, basename="employee")
router.register("customers", views.CustomerViewSet, basename="customer")
router.register("contacts", views.ContactViewSet, basename="contact")
router.register("products", views.ProductViewSet, basename="product")
router.register("assignments", views.AssignmentViewSet, basename="assignment")
router.register("interactions", views.InteractionViewSet, basename="interaction")
router.register("sales-records", views.SalesRecordViewSet, basename="sales-record")
router.register("performance", views.PerformanceViewSet, basename="performance")

urlpatterns = router.urls
