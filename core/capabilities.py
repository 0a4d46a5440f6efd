"""Who may do what, asked in one place.

Views, services, the admin and search criteria all call these predicates, so a rule changes here once.
They take the user (or None) and never query more than Django's cached permission lookup.
"""

MANAGE_DOCUMENTS = "documents.manage_documents"


def _active(user) -> bool:
    return bool(user is not None and user.is_authenticated and user.is_active)


def is_document_manager(user) -> bool:
    """Superusers and holders of `documents.manage_documents` (the 문서 관리자 group): every level and
    department, every approval state."""
    return _active(user) and (user.is_superuser or user.has_perm(MANAGE_DOCUMENTS))


def can_approve_documents(user) -> bool:
    """Approve, return with a comment, retire: the document managers."""
    return is_document_manager(user)


def can_search_drafts(user) -> bool:
    """Search's `include_drafts`: those who review drafts also search them."""
    return is_document_manager(user)


def can_manage_document(user, document) -> bool:
    """Change, delete and reprocess one document: its uploader and the document managers."""
    if not _active(user):
        return False
    return is_document_manager(user) or bool(document.uploaded_by_id and document.uploaded_by_id == user.pk)


def can_set_any_access_level(user) -> bool:
    """Give a document a level above one's own: the document managers (others stay at or below theirs)."""
    return is_document_manager(user)


def sees_all_sales(user) -> bool:
    """Every employee, customer and record in the CRM, in the API and the admin: superusers (everyone else
    sees their own and, for managers, their department's; sales.querysets)."""
    return _active(user) and user.is_superuser


def can_import_sales(user, *, can_add: bool) -> bool:
    """Import CRM files in the admin: superusers, and staff allowed to add the model (sales operations)."""
    return sees_all_sales(user) or can_add


def can_refresh_sales_summaries(user) -> bool:
    """Rebuild the monthly sales summaries of the whole company: superusers."""
    return sees_all_sales(user)


def audits_everyone(user) -> bool:
    """Read every user's search and chat logs and every trace unredacted: superusers (others audit themselves
    and lower-or-equal peers of their department; search.audit)."""
    return _active(user) and user.is_superuser
