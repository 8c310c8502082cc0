from django.http import HttpRequest, HttpResponse
from django.shortcuts import render


def ask(request: HttpRequest) -> HttpResponse:
    return render(request, "answers/ask.html")
