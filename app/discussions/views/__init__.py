"""Discussion pages: categories, lists of threads, a thread, writing (with preview and the
anonymisation guard), reactions, answers, following, moderation and managing categories.

One module per kind of page; ``router`` gathers their routes in the order they always had."""

from __future__ import annotations

from fastapi import APIRouter

from app.discussions.views import actions, attachments, categories, compose, lists, reading

router = APIRouter()
for _part in (lists, compose, reading, actions, categories, attachments):
    router.include_router(_part.router)
