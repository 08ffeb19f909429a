"""Members' saved alerts, as pages and as JSON: save the list's current filter, see and
delete one's own. Included before the opportunity routes, whose ``/{opportunity_id}``
would otherwise take ``/alerts``."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import RedirectResponse, Response

from app.errors import InvalidInput
from app.opportunities import alerts
from app.opportunities.filters import OpportunityFilter
from app.opportunities.models import OpportunityAlert
from app.opportunities.schemas import AlertData, AlertOut
from app.opportunities.views import opportunity_filter_from
from app.web.deps import CurrentMember, DbSession
from app.web.flash import flash
from app.web.templating import render

router = APIRouter(tags=["opportunities"])
api_router = APIRouter(prefix="/api/v1/opportunities/alerts", tags=["opportunities"])


@router.get("/opportunities/alerts", summary="My opportunity alerts")
def alerts_page(request: Request, db: DbSession, member: CurrentMember) -> Response:
    saved = alerts.list_alerts(db, member=member)
    rows = [(alert, alerts.describe_alert(alert), alerts.list_url(alert)) for alert in saved]
    return render(request, "opportunities/alerts.html", {"rows": rows})


@router.post("/opportunities/alerts", summary="Save the list's filter as an alert")
def save_alert(
    request: Request,
    db: DbSession,
    member: CurrentMember,
    kind: Annotated[str | None, Form(max_length=40)] = None,
    organisation: Annotated[str | None, Form(max_length=36)] = None,
    practice_area: Annotated[str | None, Form(max_length=120)] = None,
    location: Annotated[str | None, Form(max_length=20)] = None,
    closing: Annotated[str | None, Form(max_length=10)] = None,
) -> Response:
    wanted = opportunity_filter_from(kind, organisation, practice_area, location, closing)
    response = RedirectResponse("/opportunities/alerts", status_code=303)
    try:
        alerts.create_alert(db, member=member, wanted=wanted)
    except InvalidInput as error:
        flash(request, response, next(iter(error.errors.values())), "error")
        return response
    flash(request, response, "Your alert is saved: we will tell you of new opportunities.")
    return response


@router.post("/opportunities/alerts/{alert_id}/delete", summary="Delete one of my alerts")
def delete_alert(request: Request, db: DbSession, member: CurrentMember, alert_id: str) -> Response:
    alerts.delete_alert(db, member=member, alert_id=alert_id)
    response = RedirectResponse("/opportunities/alerts", status_code=303)
    flash(request, response, "The alert is deleted.")
    return response


def alert_out(alert: OpportunityAlert) -> AlertOut:
    return AlertOut(
        id=alert.id,
        kind=alert.kind,
        organisation_id=alert.organisation_id,
        practice_area=alert.practice_area,
        location=alert.location,
        closing_within_week=alert.closing_within_week,
        description=alerts.describe_alert(alert),
        list_url=alerts.list_url(alert),
        created_at=alert.created_at,
    )


@api_router.get("", response_model=list[AlertOut], summary="My opportunity alerts")
def list_alerts(db: DbSession, member: CurrentMember) -> list[AlertOut]:
    return [alert_out(alert) for alert in alerts.list_alerts(db, member=member)]


@api_router.post("", response_model=AlertOut, status_code=201, summary="Save an alert")
def create_alert(db: DbSession, member: CurrentMember, body: AlertData) -> AlertOut:
    alert = alerts.create_alert(
        db,
        member=member,
        wanted=OpportunityFilter(
            kind=body.kind,
            organisation_id=body.organisation_id or None,
            practice_area=body.practice_area or None,
            location=body.location,
            closing_within_week=body.closing_within_week,
        ),
    )
    (saved,) = [row for row in alerts.list_alerts(db, member=member) if row.id == alert.id]
    return alert_out(saved)


@api_router.delete("/{alert_id}", status_code=204, summary="Delete one of my alerts")
def delete_alert_api(db: DbSession, member: CurrentMember, alert_id: str) -> Response:
    alerts.delete_alert(db, member=member, alert_id=alert_id)
    return Response(status_code=204)
