"""One normal form per indicator, shared by every part that compares contacts: the matching
of reports with each other (bot.campaigns), the watchlist (bot.watchlist) and the report index.

urls: LinkedIn profiles and websites. names: people's names. organisations: firms.
contact: emails, domains (free-mail ones say nothing) and phones. thresholds: how alike
is alike enough, in one place. indicators: a contact's normal forms as the report index holds them.
"""

from bot.normalise.contact import (
    DEFAULT_PHONE_REGION,
    FREE_MAIL_DOMAINS,
    email_domain,
    is_email,
    is_free_mail,
    normalise_domain,
    normalise_email,
    phone_key,
)
from bot.normalise.indicators import (
    EXACT_KINDS,
    IndexKey,
    IndexKind,
    Normalised,
    company_hosts,
    contact_indicators,
    index_words,
    name_and_organisation_keys,
    plain_index_key,
)
from bot.normalise.names import fold, name_key, name_similarity, name_words
from bot.normalise.organisations import (
    MIN_ORGANISATION,
    organisation_key,
    organisation_similarity,
    organisation_words,
    organisations_match,
)
from bot.normalise.text import clean_text
from bot.normalise.urls import (
    is_linkedin_host,
    is_profile_like,
    normalise_profile_url,
    normalise_website,
    website_host,
)

__all__ = [
    "DEFAULT_PHONE_REGION",
    "EXACT_KINDS",
    "FREE_MAIL_DOMAINS",
    "MIN_ORGANISATION",
    "IndexKey",
    "IndexKind",
    "Normalised",
    "clean_text",
    "company_hosts",
    "contact_indicators",
    "email_domain",
    "fold",
    "index_words",
    "is_email",
    "is_free_mail",
    "is_linkedin_host",
    "is_profile_like",
    "name_and_organisation_keys",
    "name_key",
    "name_similarity",
    "name_words",
    "normalise_domain",
    "normalise_email",
    "normalise_profile_url",
    "normalise_website",
    "organisation_key",
    "organisation_similarity",
    "organisation_words",
    "organisations_match",
    "phone_key",
    "plain_index_key",
    "website_host",
]
