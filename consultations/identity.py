"""The site's one name, the same in the page header and title, the back office, emails,
calendar feeds and printed documents."""

from django.utils.translation import gettext_lazy as _

SITE_NAME = _("UN multi-stakeholder hearings")
