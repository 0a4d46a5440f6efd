from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ChatConfig(AppConfig):
    name = "chat"
    verbose_name = _("챗봇")
    default_auto_field = "django.db.models.BigAutoField"
