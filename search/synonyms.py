"""Drug-name expansion from the admin-editable dictionary (DrugSynonymGroup / DrugSynonym)."""

from django.core.cache import cache

from search.models import DrugSynonym
from search.question import LATIN_NAME, dictionaries, fold, transliterated

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
    names = [term for key, group_id, term in rows if group_id in groups and key not in lowered]
    return names + titled_names(query) + spelled_names(query)


def titled_names(query: str) -> list[str]:
    """The full name of a product known from document titles when the query says it shorter ("제미글로" →
    "제미글로정"): Kiwi may split the short form differently from the indexed word ("제미글" + "로")."""
    folded = fold(query)
    products, _attributes = dictionaries()
    return [product.name for product in products if product.key.startswith("d:")
            and fold(product.name) not in folded and any(form in folded for form in product.forms)]


def spelled_names(query: str) -> list[str]:
    """The Korean name of a product the query writes in Latin letters ("Entresto" → "엔트레스토필름코팅정"): the
    documents print the Korean one."""
    products, _attributes = dictionaries()
    found = (transliterated(match.group(), products) for match in LATIN_NAME.finditer(query))
    return list(dict.fromkeys(product.name for product in found if product is not None))
