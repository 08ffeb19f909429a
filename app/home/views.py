from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

from app.home.service import home_summary
from app.web.deps import CurrentMember, DbSession
from app.web.templating import render

router = APIRouter(tags=["home"])


@router.get("/", response_class=HTMLResponse, summary="Home page")
def home(request: Request, db: DbSession, member: CurrentMember) -> HTMLResponse:
    return render(request, "home/home.html", {"summary": home_summary(db, member=member)})
