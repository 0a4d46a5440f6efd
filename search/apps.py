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
        from search.models import AnswerAttribute, DrugSynonym, DrugSynonymGroup

        for model in (DrugSynonym, DrugSynonymGroup, AnswerAttribute):
            post_save.connect(receivers.synonyms_changed, sender=model, dispatch_uid=f"search-synonyms-save-{model.__name__}")
            post_delete.connect(receivers.synonyms_changed, sender=model, dispatch_uid=f"search-synonyms-del-{model.__name__}")
        from sales.models import Product

        # The answer composer's product names.
        post_save.connect(receivers.products_changed, sender=Product, dispatch_uid="search-products-save")
        post_delete.connect(receivers.products_changed, sender=Product, dispatch_uid="search-products-del")
        receivers.connect_document_signals()
