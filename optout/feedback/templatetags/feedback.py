"""{% step_signal version step as signal %}: a step's recorded checks and whether readers say it
has changed; {% report_surfaces as surfaces %}: where a reader uses the platform. For the guide
page, which shows them under each step."""

from django import template

from ..models import Surface, step_signals

register = template.Library()


@register.simple_tag(takes_context=True)
def step_signal(context, version, step) -> dict:
    """{"checks": {surface: check}, "reports": n, "hint": bool} for one step of `version`; the
    signals of every step are read once per rendering (two queries)."""
    memo = context.render_context.setdefault("step_signals", {})
    if version.pk not in memo:
        memo[version.pk] = step_signals(version)
    return memo[version.pk].get(step.order, {"checks": {}, "reports": 0, "hint": False})


@register.simple_tag
def report_surfaces() -> list[tuple[str, str]]:
    return Surface.choices
