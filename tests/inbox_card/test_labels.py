"""Every value the security team reads has its own words, also where two enums share a value."""

from __future__ import annotations

from bot.inbox.labels import label
from bot.report import Channel, ContactMethod, Offered


def test_the_channel_and_the_way_back_to_the_reporter_read_differently() -> None:
    # Both are the string "email": the approach came by email; the reporter wants replies by email.
    assert label(Channel.EMAIL) == "Email"
    assert label(ContactMethod.EMAIL) == "By email"
    assert label(Channel.IN_PERSON) == "In person" == label(ContactMethod.IN_PERSON)


def test_every_channel_has_a_label_of_its_own() -> None:
    labels = [label(channel) for channel in Channel]
    assert len(set(labels)) == len(labels)
    assert label(Offered.OTHER) == "Other"
