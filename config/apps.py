from django.contrib.admin.apps import AdminConfig
from django.utils.translation import gettext_lazy as _
from django_tasks_db.apps import TasksAppConfig


class PharmaAdminConfig(AdminConfig):
    default_site = "config.admin.PharmaAdminSite"


class TaskQueueConfig(TasksAppConfig):
    """django-tasks-db under a Korean name in the admin (the package's name is English and not translatable)."""

    verbose_name = _("작업 대기열")
