"""`{{ some_user|person }}`: who did something, as a person's name (members.people)."""

from django import template

from members.people import person_name

register = template.Library()


@register.filter
def person(user) -> str:
    return person_name(user)
