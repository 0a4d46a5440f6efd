"""customer_monthly_performance_mv per customer, department and month.

A customer served by several departments has one row per department: a rep sees only their own department's
figures (sales.querysets). The department is that of the record's employee at refresh time. The unique index
on (customer_id, department_id, month) keeps `REFRESH MATERIALIZED VIEW CONCURRENTLY` possible.
"""

import django.db.models.deletion
from django.db import migrations, models

CREATE_SQL = """
DROP MATERIALIZED VIEW IF EXISTS customer_monthly_performance_mv;
CREATE MATERIALIZED VIEW customer_monthly_performance_mv AS
WITH sales AS (
    SELECT r.customer_id, e.department_id,
           date_trunc('month', r.sale_date::timestamp)::date AS month,
           sum(r.amount) AS total_amount,
           sum(r.quantity) AS total_quantity,
           count(*) AS sales_count
    FROM sales_salesrecord r JOIN sales_employee e ON e.id = r.employee_id
    GROUP BY 1, 2, 3
), activity AS (
    SELECT i.customer_id, e.department_id,
           date_trunc('month', i.occurred_at AT TIME ZONE 'Asia/Seoul')::date AS month,
           count(*) AS interaction_count
    FROM sales_interaction i JOIN sales_employee e ON e.id = i.employee_id
    GROUP BY 1, 2, 3
)
SELECT coalesce(s.customer_id, a.customer_id)::text || ':' || coalesce(s.department_id, a.department_id)::text
           || ':' || to_char(coalesce(s.month, a.month), 'YYYY-MM') AS id,
       coalesce(s.customer_id, a.customer_id) AS customer_id,
       coalesce(s.department_id, a.department_id) AS department_id,
       coalesce(s.month, a.month) AS month,
       coalesce(s.total_amount, 0)::numeric(18, 2) AS total_amount,
       coalesce(s.total_quantity, 0)::bigint AS total_quantity,
       coalesce(s.sales_count, 0)::integer AS sales_count,
       coalesce(a.interaction_count, 0)::integer AS interaction_count
FROM sales s
FULL OUTER JOIN activity a
    ON a.customer_id = s.customer_id AND a.department_id = s.department_id AND a.month = s.month
WITH DATA;
CREATE UNIQUE INDEX customer_monthly_performance_mv_customer_dept_month
    ON customer_monthly_performance_mv (customer_id, department_id, month);
CREATE INDEX customer_monthly_performance_mv_month ON customer_monthly_performance_mv (month);
CREATE INDEX customer_monthly_performance_mv_department ON customer_monthly_performance_mv (department_id, month);
"""

# The view of migration 0002 (one row per customer and month).
REVERSE_SQL = """
DROP MATERIALIZED VIEW IF EXISTS customer_monthly_performance_mv;
CREATE MATERIALIZED VIEW customer_monthly_performance_mv AS
WITH sales AS (
    SELECT customer_id, date_trunc('month', sale_date::timestamp)::date AS month,
           sum(amount) AS total_amount, sum(quantity) AS total_quantity, count(*) AS sales_count
    FROM sales_salesrecord GROUP BY 1, 2
), activity AS (
    SELECT customer_id, date_trunc('month', occurred_at AT TIME ZONE 'Asia/Seoul')::date AS month,
           count(*) AS interaction_count
    FROM sales_interaction GROUP BY 1, 2
)
SELECT coalesce(s.customer_id, a.customer_id)::text || ':' || to_char(coalesce(s.month, a.month), 'YYYY-MM') AS id,
       coalesce(s.customer_id, a.customer_id) AS customer_id,
       coalesce(s.month, a.month) AS month,
       coalesce(s.total_amount, 0)::numeric(18, 2) AS total_amount,
       coalesce(s.total_quantity, 0)::bigint AS total_quantity,
       coalesce(s.sales_count, 0)::integer AS sales_count,
       coalesce(a.interaction_count, 0)::integer AS interaction_count
FROM sales s FULL OUTER JOIN activity a ON a.customer_id = s.customer_id AND a.month = s.month
WITH DATA;
CREATE UNIQUE INDEX customer_monthly_performance_mv_customer_month
    ON customer_monthly_performance_mv (customer_id, month);
CREATE INDEX customer_monthly_performance_mv_month ON customer_monthly_performance_mv (month);
"""


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0001_initial"),
        ("sales", "0002_customer_monthly_performance_mv"),
    ]

    operations = [
        migrations.RunSQL(CREATE_SQL, REVERSE_SQL),
        migrations.AddField(
            model_name="customermonthlyperformance",
            name="department",
            field=models.ForeignKey(
                db_constraint=False, on_delete=django.db.models.deletion.DO_NOTHING, related_name="+",
                to="accounts.department", verbose_name="부서",
            ),
            preserve_default=False,
        ),
        migrations.AlterModelOptions(
            name="customermonthlyperformance",
            options={"managed": False, "ordering": ["-month", "customer", "department"],
                     "verbose_name": "거래처 월별 실적", "verbose_name_plural": "거래처 월별 실적"},
        ),
    ]
