"""Drug-name expansion from the admin-editable dictionary (DrugSynonymGroup / DrugSynonym)."""

from django.core.cache import cache

from search.models import DrugSynonym

CACHE_KEY = "search:synonyms:v1"
CACHE_SECONDS = 300


def _dictionary() -> list[tuple[str, int, str]]:
    """(lower-cased term, group id, term) for every synonym, longest first."""
    rows = cache.get(CACHE_KEY)
    if rows is None:
        rows = sorted(((term.lower(), group_id, term) for term, group_id in
                       DrugSynonym.objects.values_list("term", "group_id")), key=lambda r: -len(r[0]))
        cache.set(CACHE_KEY, rows, CACHE_SECONDS)
    return rows


def invalidate() -> None:
    cache.delete(CACHE_KEY)


def expansions(query: str) -> list[str]:
    """Every other name of each drug mentioned in `query` (substring match, case-insensitive)."""
    lowered = query.lower()
    rows = _dictionary()
    groups = {group_id for key, group_id, _term in rows if len(key) >= 2 and key in lowered}
    return [term for key, group_id, term in rows if group_id in groups and key not in lowered]
