"""Read-only figures for the admin dashboard (one SQL statement each)."""

from dataclasses import dataclass
from datetime import date, timedelta

from django.db import connection
from django.db.models import Avg, Count
from django.db.models.functions import Lower
from django.utils import timezone

from search.models import SearchQuery, UserFeedback


@dataclass(frozen=True)
class Day:
    day: date
    queries: int
    zero_results: int
    p50_ms: float | None
    p95_ms: float | None

    @property
    def zero_rate(self) -> float:
        return self.zero_results / self.queries if self.queries else 0.0


def _users_clause(users) -> tuple[str, list]:
    """`AND q.user_id IN (...)` for a queryset of users (None: everyone)."""
    if users is None:
        return "", []
    sql, params = users.values("pk").query.sql_with_params()
    return f" AND q.user_id IN ({sql})", list(params)


def _by_users(queryset, users, path="user"):
    return queryset if users is None else queryset.filter(**{f"{path}__in": users})


def daily(days: int = 30, *, users=None) -> list[Day]:
    """Figures per day over the searches of `users` (a user queryset; None: everyone)."""
    since = timezone.now() - timedelta(days=days)
    users_sql, users_params = _users_clause(users)
    with connection.cursor() as cursor:
        cursor.execute(
            f"""
            SELECT (q.created_at AT TIME ZONE %s)::date AS day, count(*),
                   count(*) FILTER (WHERE r.result_count = 0),
                   percentile_cont(0.5) WITHIN GROUP (ORDER BY r.response_time_ms),
                   percentile_cont(0.95) WITHIN GROUP (ORDER BY r.response_time_ms)
            FROM search_searchquery q LEFT JOIN search_searchresponse r ON r.query_id = q.id
            WHERE q.created_at >= %s{users_sql} GROUP BY 1 ORDER BY 1
            """,
            [timezone.get_current_timezone_name(), since, *users_params],
        )
        rows = {row[0]: Day(*row) for row in cursor.fetchall()}
    today = timezone.localdate()
    return [rows.get(d, Day(d, 0, 0, None, None)) for d in (today - timedelta(days=i) for i in range(days - 1, -1, -1))]


def totals(days: int = 30, *, users=None) -> dict:
    since = timezone.now() - timedelta(days=days)
    users_sql, users_params = _users_clause(users)
    with connection.cursor() as cursor:
        cursor.execute(
            f"""
            SELECT count(*), count(*) FILTER (WHERE r.result_count = 0),
                   percentile_cont(0.5) WITHIN GROUP (ORDER BY r.response_time_ms),
                   percentile_cont(0.95) WITHIN GROUP (ORDER BY r.response_time_ms)
            FROM search_searchquery q LEFT JOIN search_searchresponse r ON r.query_id = q.id
            WHERE q.created_at >= %s{users_sql}
            """,
            [since, *users_params],
        )
        queries, zero, p50, p95 = cursor.fetchone()
    rating = _by_users(UserFeedback.objects.filter(created_at__gte=since), users, "query__user").aggregate(avg=Avg("rating"), n=Count("id"))
    return {"queries": queries, "zero_results": zero, "zero_rate": (zero / queries) if queries else 0.0,
            "p50_ms": p50, "p95_ms": p95, "avg_rating": rating["avg"], "ratings": rating["n"]}


def top_queries(days: int = 30, limit: int = 10, *, users=None) -> list[dict]:
    since = timezone.now() - timedelta(days=days)
    return list(_by_users(SearchQuery.objects.filter(created_at__gte=since), users).annotate(q=Lower("text")).values("q")
                .annotate(n=Count("id")).order_by("-n", "q")[:limit])


WORST_RATING = 2  # "worst rated" = an average rating of 2 or less out of 5


def worst_rated(days: int = 30, limit: int = 10, *, users=None) -> list[dict]:
    since = timezone.now() - timedelta(days=days)
    feedback = _by_users(UserFeedback.objects.filter(created_at__gte=since), users, "query__user")
    return list(feedback.annotate(q=Lower("query__text")).values("q")
                .annotate(avg=Avg("rating"), n=Count("id")).filter(avg__lte=WORST_RATING)
                .order_by("avg", "-n", "q")[:limit])
