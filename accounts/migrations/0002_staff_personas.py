"""The staff personas as groups with their permissions (README: 직원 역할).

Permissions are normally created after all migrations (post_migrate); they are created here first so
that a fresh database gets complete groups in one `migrate`.
"""

from django.contrib.auth.management import create_permissions
from django.db import migrations

VIEW_SALES = [("sales", f"view_{model}") for model in (
    "employee", "customer", "contact", "product", "assignment", "interaction", "salesrecord",
    "customermonthlyperformance")]

PERSONAS = {
    # librarian: every document, every level; approves and retires (documents.manage_documents)
    "문서 관리자": [
        ("documents", "manage_documents"),
        ("documents", "add_document"), ("documents", "change_document"), ("documents", "delete_document"),
        ("documents", "view_document"), ("documents", "view_documentchunk"),
        ("sales", "view_product"), ("django_tasks_database", "view_dbtaskresult"),
    ],
    # sales manager (L3): their department's sales data through visible_to; imports own the master data
    "영업 관리자": [
        *VIEW_SALES,
        ("sales", "add_assignment"), ("sales", "change_assignment"), ("sales", "delete_assignment"),
        ("search", "view_searchquery"), ("search", "view_userfeedback"),
        ("chat", "view_chatsession"), ("chat", "view_answerfeedback"),
    ],
    # product manager: products, the drug synonym dictionary and product documents
    "제품 담당": [
        ("sales", "view_product"), ("sales", "add_product"), ("sales", "change_product"),
        ("search", "view_drugsynonymgroup"), ("search", "add_drugsynonymgroup"),
        ("search", "change_drugsynonymgroup"), ("search", "delete_drugsynonymgroup"),
        ("search", "view_drugsynonym"), ("search", "add_drugsynonym"), ("search", "change_drugsynonym"),
        ("search", "delete_drugsynonym"),
        ("documents", "add_document"), ("documents", "change_document"), ("documents", "view_document"),
    ],
}


def create_groups(apps, schema_editor):
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for name, wanted in PERSONAS.items():
        group, _ = Group.objects.get_or_create(name=name)
        permissions = [Permission.objects.get(content_type__app_label=app, codename=codename)
                       for app, codename in wanted]
        group.permissions.add(*permissions)


def delete_groups(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name__in=PERSONAS).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0001_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("sales", "0002_customer_monthly_performance_mv"),
        ("documents", "0004_review_workflow"),
        ("search", "0002_lexicon_statistics"),
        ("chat", "0001_initial"),
        ("django_tasks_database", "0021_conditional_partial_index_ordering"),
    ]

    operations = [migrations.RunPython(create_groups, delete_groups)]
