from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from .roles import ALL_ROLES, has_role


@login_required
def staff_home(request: HttpRequest) -> HttpResponse:
    roles = [role for role in ALL_ROLES if has_role(request.user, role)]
    return render(request, "accounts/staff_home.html", {"roles": roles})
