"""The discussions part of the JSON API: categories, threads, posts, reactions, answers,
following, moderation, preview and quoting. Errors come out as problem JSON; a save the
anonymisation guard stopped is a 409 problem listing the findings, unless the body says
``"post_anyway": true``.

One module per resource; ``router`` gathers their routes in the order they always had."""

from __future__ import annotations

from fastapi import APIRouter

from app.discussions.api import categories, posts, threads

router = APIRouter()
for _part in (categories, threads, posts):
    router.include_router(_part.router)
