"""Fixtures for the chat core tests: staff members with roles and presence."""

from __future__ import annotations

import itertools

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.utils import timezone

_counter = itertools.count(1)


def make_staff(role: str = "specialist", *, languages=("en",), available: bool = True,
               max_concurrent: int = 3, online: bool = True, first_name: str = "Maria"):
    from helpline.chat.models import SpecialistStatus

    n = next(_counter)
    user = get_user_model().objects.create_user(
        username=f"{role}{n}", password="correct-horse-battery", first_name=first_name
    )
    group, _ = Group.objects.get_or_create(name=role)
    user.groups.add(group)
    SpecialistStatus.objects.create(
        user=user, available=available, languages=list(languages),
        max_concurrent=max_concurrent, last_seen=timezone.now() if online else None,
        display_name=first_name,
    )
    return user


@pytest.fixture
def staff_factory():
    return make_staff


async def count_queries(coroutine_fn) -> int:
    """SQL statements run, on any thread and any connection, while ``coroutine_fn`` runs.

    Counting on one connection object misses queries that the code under test runs on
    another thread's connection (``database_sync_to_async``), and the PostgreSQL pool
    hands out connections per thread, so every statement that reaches a cursor is
    counted here instead.
    """
    import threading
    from unittest import mock

    from django.db.backends import utils

    original = utils.CursorWrapper._execute_with_wrappers
    lock = threading.Lock()
    count = 0

    def counting(self, *args, **kwargs):
        nonlocal count
        with lock:
            count += 1
        return original(self, *args, **kwargs)

    with mock.patch.object(utils.CursorWrapper, "_execute_with_wrappers", counting):
        await coroutine_fn()
    return count
