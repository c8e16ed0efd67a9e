from django.contrib import admin
from django.contrib.admin.forms import AdminAuthenticationForm
from django_otp import devices_for_user, user_has_device
from django_otp.admin import OTPAdminAuthenticationForm

from optout import clock
from optout.feedback.queue import attention
from optout.guides.models import Guide, GuideVersion


class OptionalOTPAuthenticationForm(OTPAdminAuthenticationForm):
    """Password, plus a TOTP code for staff who have set up a device (Admin > TOTP devices).
    Staff without a device log in with their password alone."""

    def _chosen_device(self, user):
        # One code box, no device menu: use the device the code is for, or the first one.
        return super()._chosen_device(user) or next(devices_for_user(user), None)

    def clean(self):
        self.cleaned_data = AdminAuthenticationForm.clean(self)
        user = self.get_user()
        if user is not None and user_has_device(user):
            self.clean_otp(user)
        return self.cleaned_data


class OptoutAdminSite(admin.AdminSite):
    site_header = "optout editors"
    site_title = "optout editors"
    index_title = "What needs attention"
    login_form = OptionalOTPAuthenticationForm
    login_template = "admin/optout_login.html"

    def has_permission(self, request) -> bool:
        user = request.user
        if not (user.is_active and user.is_staff):
            return False
        # Someone with a TOTP device must have used it in this session.
        return user.is_verified() or not user_has_device(user)

    def index(self, request, extra_context=None):
        today = clock.today()
        guides = Guide.objects.select_related("platform")
        context = {
            "attention": attention(today),
            "stale_guides": [guide for guide in guides if guide.is_stale(today)],
            "open_drafts": GuideVersion.objects.drafts().select_related("guide", "created_by"),
            **(extra_context or {}),
        }
        return super().index(request, context)
