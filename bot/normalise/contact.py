"""Email addresses, their domains, and phone numbers in one form each.

Free-mail domains are listed here because they decide what an address says: anyone can
open jane@gmail.com in a minute, so sharing that domain says nothing about who is behind it,
while a company's own domain does.
"""

from __future__ import annotations

import re

import phonenumbers

DEFAULT_PHONE_REGION = "GB"

FREE_MAIL_DOMAINS = frozenset(
    {
        "gmail.com", "googlemail.com", "outlook.com", "hotmail.com", "live.com", "msn.com",
        "yahoo.com", "ymail.com", "icloud.com", "me.com", "mac.com", "aol.com", "mail.com",
        "proton.me", "protonmail.com", "protonmail.ch", "pm.me", "tutanota.com", "tuta.io",
        "zoho.com", "gmx.com", "web.de", "t-online.de", "mail.ru", "bk.ru", "inbox.ru", "list.ru",
        "rambler.ru", "yandex.ru", "yandex.com", "ya.ru", "qq.com", "foxmail.com", "163.com",
        "126.com", "sina.com", "sohu.com", "naver.com", "yeah.net", "aliyun.com", "139.com",
    }
)  # fmt: skip
# Providers with a domain per country (gmx.de, yahoo.co.uk, hotmail.fr...).
_FREE_MAIL_BRANDS = frozenset({"gmail", "gmx", "yahoo", "hotmail", "outlook", "live", "yandex", "aol"})
_COUNTRY_SUFFIX = re.compile(r"^[a-z]{2,3}(?:\.[a-z]{2})?$")
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


def normalise_email(email: str) -> str:
    """Lower case, without a mailto: or the brackets of "Name <address>"."""
    text = email.strip().strip("<>").strip()
    if text.lower().startswith("mailto:"):
        text = text[len("mailto:") :]
    return text.split("?", 1)[0].strip().lower()


def is_email(text: str) -> bool:
    return bool(_EMAIL.match(normalise_email(text)))


def email_domain(email: str) -> str:
    return normalise_email(email).rpartition("@")[2].strip(".")


def normalise_domain(domain: str) -> str:
    """A domain as typed ("@Acme.example", "www.acme.example") in the form an address has."""
    return domain.strip().lstrip("@").lower().strip(".").removeprefix("www.")


def is_free_mail(domain: str) -> bool:
    domain = normalise_domain(domain)
    if domain in FREE_MAIL_DOMAINS:
        return True
    brand, _, suffix = domain.partition(".")
    return brand in _FREE_MAIL_BRANDS and bool(_COUNTRY_SUFFIX.match(suffix))


def phone_key(phone: str, region: str = DEFAULT_PHONE_REGION) -> str:
    """E.164 when the number can be read, else its digits (with any leading +)."""
    try:
        number = phonenumbers.parse(phone, region)
    except phonenumbers.NumberParseException:
        number = None
    if number is not None and phonenumbers.is_possible_number(number):
        return str(phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164))
    digits = "".join(ch for ch in phone if ch.isdigit())
    return ("+" if phone.strip().startswith("+") else "") + digits
