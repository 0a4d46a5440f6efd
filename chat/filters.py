import django_filters

from chat.models import ChatSession


class ChatSessionFilter(django_filters.FilterSet):
    archived = django_filters.BooleanFilter(field_name="is_archived")
    q = django_filters.CharFilter(field_name="title", lookup_expr="icontains")

    class Meta:
        model = ChatSession
        fields = ["archived", "q"]
