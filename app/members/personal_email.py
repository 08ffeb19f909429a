"""Personal e-mail addresses: webmail and consumer mail services, not an employer's or a
university's. A sign-in with one is told to use a work account (docs/decisions.md, 29)."""

from __future__ import annotations

PERSONAL_EMAIL_DOMAINS = frozenset(
    {
        "aol.com",
        "btinternet.com",
        "gmail.com",
        "googlemail.com",
        "gmx.com",
        "gmx.co.uk",
        "hotmail.co.uk",
        "hotmail.com",
        "icloud.com",
        "live.co.uk",
        "live.com",
        "mac.com",
        "me.com",
        "msn.com",
        "outlook.com",
        "proton.me",
        "protonmail.com",
        "sky.com",
        "talktalk.net",
        "virginmedia.com",
        "yahoo.co.uk",
        "yahoo.com",
        "ymail.com",
    }
)


def is_personal_address(email: str) -> bool:
    return email.rsplit("@", 1)[-1].strip().lower() in PERSONAL_EMAIL_DOMAINS
