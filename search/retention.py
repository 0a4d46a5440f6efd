"""Retention of the search log: delete what is older than a cutoff in batches, and record an audit entry."""

from django.db import transaction
from django.db.models import Max, Min

from core.models import RetentionAudit
from core.retention import record_retention_audit
from search.models import SearchQuery, SearchResponse, UserFeedback

KIND = "search_history"


def purge_search_history(*, cutoff, retention_days: int, dry_run: bool = False, batch_size: int = 1000) -> RetentionAudit:
    """Queries older than `cutoff` go, and their response and feedback with them (cascade)."""
    old = SearchQuery.objects.filter(created_at__lt=cutoff)
    span = old.aggregate(oldest=Min("created_at"), newest=Max("created_at"))
    counts = {"search.SearchQuery": 0, "search.SearchResponse": 0, "search.UserFeedback": 0}
    if dry_run:
        counts["search.SearchQuery"] = old.count()
        counts["search.SearchResponse"] = SearchResponse.objects.filter(query__created_at__lt=cutoff).count()
        counts["search.UserFeedback"] = UserFeedback.objects.filter(query__created_at__lt=cutoff).count()
    else:
        while True:
            with transaction.atomic():
                ids = list(old.order_by("created_at").values_list("id", flat=True)[:batch_size])
                if not ids:
                    break
                _total, per_model = SearchQuery.objects.filter(id__in=ids).delete()
            for label, n in per_model.items():
                counts[label] = counts.get(label, 0) + n
    return record_retention_audit(kind=KIND, cutoff=cutoff, retention_days=retention_days, deleted_counts=counts,
                                  oldest=span["oldest"], newest=span["newest"], dry_run=dry_run)
