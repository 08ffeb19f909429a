"""What the discussion pages share: form and paging parameters, links to a thread or a post."""

from __future__ import annotations

import math
from typing import Annotated

from fastapi import Depends, Form

from app.discussions.models import Post
from app.discussions.service import POSTS_PER_PAGE
from app.web.pagination import PageRequest, page_request

Page = Annotated[PageRequest, Depends(page_request)]


Reason = Annotated[str | None, Form(max_length=2000)]


def post_href(post: Post) -> str:
    page = math.ceil(post.number / POSTS_PER_PAGE)
    return f"/discussions/t/{post.thread_id}?page={page}#post-{post.number}"


def _thread_href(thread_id: str, page: int = 1) -> str:
    return f"/discussions/t/{thread_id}" + (f"?page={page}" if page > 1 else "")
