"""The browsable API without forms that list every related row.

DRF's HTML form renders each related field as a <select> with one <option> per row, and django-filter's
filter form does the same for every relation filter: with a million sales records a page is megabytes and
takes tens of seconds. The raw-data (JSON) form stays; the filters are described at /api/docs/.
"""

from rest_framework.renderers import BrowsableAPIRenderer


class RawDataBrowsableAPIRenderer(BrowsableAPIRenderer):
    def get_rendered_html_form(self, data, view, method, request):
        return None

    def get_filter_form(self, data, view, request):
        return None
