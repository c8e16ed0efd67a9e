"""Signals other apps listen to, so that the guides app needs to know nothing of them."""

from django.dispatch import Signal

# Sent inside the publishing transaction, once a draft has become the published version:
# `version` is the newly published GuideVersion. A receiver that fails undoes the publish.
version_published = Signal()
