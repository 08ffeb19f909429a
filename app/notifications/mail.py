"""E-mail: building messages (plain text and HTML), unsubscribe links, and SMTP.

Every message carries a one-click unsubscribe link for its own member and kind, as a link
in the footer and as List-Unsubscribe / List-Unsubscribe-Post headers (RFC 8058). The
link is signed with the portal's secret; it needs no sign-in and changes nothing else.
"""

from __future__ import annotations

import os
import smtplib
import ssl
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from email.message import EmailMessage
from email.policy import SMTP
from email.utils import formatdate
from pathlib import Path
from typing import Any

from itsdangerous import BadSignature, URLSafeSerializer
from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape

from app.config import PROJECT_ROOT, Settings
from app.notifications.kinds import DIGEST_UNSUBSCRIBE_KIND, NotificationKind

_UNSUBSCRIBE_SALT = "notifications.unsubscribe"
_MAIL_POLICY = SMTP.clone(max_line_length=998)
"""RFC 5322's hard line limit: a long List-Unsubscribe URL stays one plain token instead
of being folded into encoded words that mail clients would not read as a URL."""


class MailServerUnavailable(Exception):
    """The SMTP server could not take the message now; it will be tried again later."""


class MailRejected(Exception):
    """The SMTP server refused this message for good (e.g. an unknown recipient)."""


# --- unsubscribe links --------------------------------------------------------------------


def _unsubscribe_signer(settings: Settings) -> URLSafeSerializer:
    return URLSafeSerializer(settings.secret_key.get_secret_value(), salt=_UNSUBSCRIBE_SALT)


def unsubscribe_token(settings: Settings, *, member_id: str, kind: str) -> str:
    return str(_unsubscribe_signer(settings).dumps({"m": member_id, "k": kind}))


def read_unsubscribe_token(settings: Settings, token: str) -> tuple[str, str] | None:
    """(member id, kind), or None if the token was not made by this portal."""
    try:
        data = _unsubscribe_signer(settings).loads(token)
    except BadSignature:
        return None
    if not isinstance(data, dict):
        return None
    member_id, kind = data.get("m"), data.get("k")
    valid_kinds = {k.value for k in NotificationKind} | {DIGEST_UNSUBSCRIBE_KIND}
    if not isinstance(member_id, str) or kind not in valid_kinds:
        return None
    return member_id, str(kind)


def unsubscribe_url(settings: Settings, *, member_id: str, kind: str) -> str:
    token = unsubscribe_token(settings, member_id=member_id, kind=kind)
    return f"{settings.base_url}/unsubscribe/{token}"


# --- building -----------------------------------------------------------------------------

_templates = Environment(
    loader=FileSystemLoader(PROJECT_ROOT / "templates" / "email"),
    autoescape=select_autoescape(enabled_extensions=("html",), default_for_string=False),
    undefined=StrictUndefined,
    trim_blocks=True,
    lstrip_blocks=True,
)


def _as_sentence(text: str) -> str:
    """A line ends with one full stop, never two (a reason may bring its own)."""
    return text if text.rstrip().endswith((".", "!", "?", "…")) else f"{text}."


_templates.filters["sentence"] = _as_sentence


@dataclass(frozen=True)
class OutgoingEmail:
    to: str
    subject: str
    text: str
    html: str
    message_id: str
    unsubscribe_url: str
    member_id: str
    kind: str
    notification_ids: list[int] = field(default_factory=list)
    resumed: bool = False
    """A retry of a message that was being sent when a worker stopped: the sent logs are
    read before it is sent again."""
    stable_id: bool = False
    """The Message-ID names the content (a digest up to a given notification), so the sent
    logs tell whether it went; its notifications are not marked SENDING."""
    calendar_file: tuple[str, bytes] | None = None
    """(file name, iCalendar bytes) attached for the member's calendar (a booking)."""

    def to_message(self, settings: Settings) -> EmailMessage:
        message = EmailMessage(policy=_MAIL_POLICY)
        message["From"] = settings.mail_from
        message["To"] = self.to
        message["Subject"] = self.subject
        message["Date"] = formatdate(localtime=False, usegmt=True)
        message["Message-ID"] = self.message_id
        message["List-Unsubscribe"] = f"<{self.unsubscribe_url}>"
        message["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click"
        message["Auto-Submitted"] = "auto-generated"
        message["X-Auto-Response-Suppress"] = "All"
        message.set_content(self.text)
        message.add_alternative(self.html, subtype="html")
        if self.calendar_file is not None:
            filename, content = self.calendar_file
            message.add_attachment(content, maintype="text", subtype="calendar", filename=filename)
        return message


def message_id(settings: Settings, local_part: str) -> str:
    host = settings.base_url.split("://", 1)[1].split("/", 1)[0].split(":", 1)[0]
    return f"<{local_part}@{host}>"


def render_email(template: str, context: dict[str, Any]) -> tuple[str, str]:
    """(plain text, HTML) from ``templates/email/<template>.txt`` and ``.html``."""
    text = _templates.get_template(f"{template}.txt").render(context)
    html = _templates.get_template(f"{template}.html").render(context)
    return text, html


# --- sending ------------------------------------------------------------------------------


class SmtpMailer:
    """One SMTP connection per batch, opened on the first message."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self._connection: smtplib.SMTP | None = None

    def _connect(self) -> smtplib.SMTP:
        settings = self.settings
        try:
            connection: smtplib.SMTP
            if settings.smtp_security == "tls":
                connection = smtplib.SMTP_SSL(
                    settings.smtp_host,
                    settings.smtp_port,
                    timeout=settings.smtp_timeout_seconds,
                    context=ssl.create_default_context(),
                )
            else:
                connection = smtplib.SMTP(
                    settings.smtp_host, settings.smtp_port, timeout=settings.smtp_timeout_seconds
                )
                if settings.smtp_security == "starttls":
                    connection.starttls(context=ssl.create_default_context())
            if settings.smtp_username and settings.smtp_password is not None:
                connection.login(settings.smtp_username, settings.smtp_password.get_secret_value())
        except (OSError, smtplib.SMTPException) as failure:
            raise MailServerUnavailable(
                f"SMTP server {settings.smtp_host}:{settings.smtp_port}: {failure}"
            ) from failure
        return connection

    def connect(self) -> None:
        """Open the connection now (MailServerUnavailable if the server is down), so that a
        message is marked as being sent only once a live server is there to take it."""
        if self._connection is None:
            self._connection = self._connect()

    def send(self, email: OutgoingEmail) -> None:
        """Hand one message to the server. MailRejected: this message can never go (its
        address or content is refused, or it cannot be written); MailServerUnavailable:
        nothing can go now (down, busy, or refusing our sender or credentials, which an
        admin must fix), so it waits."""
        try:
            message = email.to_message(self.settings)
        except (ValueError, TypeError) as fault:
            raise MailRejected(f"the message cannot be written: {fault}") from fault
        if self._connection is None:
            self._connection = self._connect()
        try:
            self._connection.send_message(message)
        except smtplib.SMTPRecipientsRefused as refusal:
            codes = [code for code, _text in refusal.recipients.values()]
            if all(500 <= code < 600 for code in codes):
                raise MailRejected(f"{email.to}: {refusal.recipients}") from refusal
            raise MailServerUnavailable(str(refusal)) from refusal
        except smtplib.SMTPDataError as refusal:
            if 500 <= refusal.smtp_code < 600:
                raise MailRejected(f"{refusal.smtp_code} {refusal.smtp_error!r}") from refusal
            self.close()
            raise MailServerUnavailable(f"{refusal.smtp_code} {refusal.smtp_error!r}") from refusal
        except smtplib.SMTPNotSupportedError as refusal:
            raise MailRejected(f"{email.to}: {refusal}") from refusal
        except (OSError, smtplib.SMTPException) as failure:
            self.close()
            raise MailServerUnavailable(str(failure)) from failure

    def close(self) -> None:
        if self._connection is not None:
            try:
                self._connection.quit()
            except (OSError, smtplib.SMTPException):
                self._connection.close()
            self._connection = None


class SentJournal:
    """The worker's own log of the messages the SMTP server accepted, appended and flushed
    to disk the moment the server says 250, before the database is told. After a crash or
    a database outage between the two, a retry finds the Message-ID here and records the
    message as sent instead of sending it again. One line per message:
    ``<ISO time> <Message-ID>``; lines older than KEEP are dropped once the file is large."""

    KEEP = timedelta(days=14)
    COMPACT_ABOVE_BYTES = 1024 * 1024

    def __init__(self, path: Path) -> None:
        self.path = path
        self._seen: set[str] | None = None

    def _load(self) -> set[str]:
        if self._seen is None:
            lines = self.path.read_text().splitlines() if self.path.exists() else []
            if self.path.exists() and self.path.stat().st_size > self.COMPACT_ABOVE_BYTES:
                cutoff = (datetime.now(UTC) - self.KEEP).isoformat(timespec="microseconds")
                lines = [line for line in lines if line[:32] >= cutoff]
                self.path.write_text("".join(f"{line}\n" for line in lines))
            self._seen = {line.split(" ", 1)[1] for line in lines if " " in line}
        return self._seen

    def __contains__(self, message_id: object) -> bool:
        return message_id in self._load()

    def add(self, message_id: str) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        with self.path.open("a") as journal:
            journal.write(f"{datetime.now(UTC).isoformat(timespec='microseconds')} {message_id}\n")
            journal.flush()
            os.fsync(journal.fileno())
        self._load().add(message_id)


def sent_journal(settings: Settings) -> SentJournal:
    return SentJournal(settings.data_dir / "mail" / "sent.journal")


@contextmanager
def smtp_mailer(settings: Settings) -> Iterator[SmtpMailer]:
    mailer = SmtpMailer(settings)
    try:
        yield mailer
    finally:
        mailer.close()
