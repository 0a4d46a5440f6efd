"""customer_monthly_performance_mv (seed 003): per customer and month, sales totals and interaction counts.

Months are calendar months in Asia/Seoul (the project's TIME_ZONE). The unique index on
(customer_id, month) lets `REFRESH MATERIALIZED VIEW CONCURRENTLY` run without blocking readers.
"""

from django.db import migrations

CREATE_SQL = """
CREATE MATERIALIZED VIEW customer_monthly_performance_mv AS
WITH sales AS (
    SELECT customer_id,
           date_trunc('month', sale_date::timestamp)::date AS month,
           sum(amount) AS total_amount,
           sum(quantity) AS total_quantity,
           count(*) AS sales_count
    FROM sales_salesrecord
    GROUP BY 1, 2
), activity AS (
    SELECT customer_id,
           date_trunc('month', occurred_at AT TIME ZONE 'Asia/Seoul')::date AS month,
           count(*) AS interaction_count
    FROM sales_interaction
    GROUP BY 1, 2
)
SELECT coalesce(s.customer_id, a.customer_id)::text || ':' || to_char(coalesce(s.month, a.month), 'YYYY-MM') AS id,
       coalesce(s.customer_id, a.customer_id) AS customer_id,
       coalesce(s.month, a.month) AS month,
       coalesce(s.total_amount, 0)::numeric(18, 2) AS total_amount,
       coalesce(s.total_quantity, 0)::bigint AS total_quantity,
       coalesce(s.sales_count, 0)::integer AS sales_count,
       coalesce(a.interaction_count, 0)::integer AS interaction_count
FROM sales s
FULL OUTER JOIN activity a ON a.customer_id = s.customer_id AND a.month = s.month
WITH DATA;
CREATE UNIQUE INDEX customer_monthly_performance_mv_customer_month
    ON customer_monthly_performance_mv (customer_id, month);
CREATE INDEX customer_monthly_performance_mv_month ON customer_monthly_performance_mv (month);
"""

DROP_SQL = "DROP MATERIALIZED VIEW IF EXISTS customer_monthly_performance_mv;"


class Migration(migrations.Migration):
    dependencies = [("sales", "0001_initial")]

    operations = [migrations.RunSQL(CREATE_SQL, DROP_SQL)]
