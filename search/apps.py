import logging

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

logger = logging.getLogger(__name__)


class SearchConfig(AppConfig):
    name = "search"
    verbose_name = _("검색")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from django.db.models.signals import post_delete, post_save

        from search import receivers
        from search.models import DrugSynonym, DrugSynonymGroup

        for model in (DrugSynonym, DrugSynonymGroup):
            post_save.connect(receivers.synonyms_changed, sender=model, dispatch_uid=f"search-synonyms-save-{model.__name__}")
            post_delete.connect(receivers.synonyms_changed, sender=model, dispatch_uid=f"search-synonyms-del-{model.__name__}")
        receivers.connect_document_signals()
