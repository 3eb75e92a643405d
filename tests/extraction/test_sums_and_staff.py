"""A sum is an offer only when it is one, and what is about the reporter's own organisation is
never noted as the contact's: each rule as a reporter would meet it."""

from __future__ import annotations

from bot.flow_files import load_flow
from flows.extraction import extract

LEXICON = load_flow().lexicon
assert LEXICON is not None


def test_a_salary_is_a_job_offered_not_money_so_no_payment_guidance():
    found = extract("A Google recruiter reached out on LinkedIn about a policy role, base $240k.", LEXICON)
    assert found.options["offered"] == ["job"] and found.amounts == ["240000"]
    assert "payment_offer" not in found.options.get("approach_kinds", [])
    advert = extract("saw an ad on Reed for an analyst job at Harrow Ltd, £55k, fully remote", LEXICON)
    assert advert.options["offered"] == ["job"]


def test_what_the_reporter_earns_or_a_ticket_costs_is_no_offer():
    for text in (
        "at the interview he asked my current salary, I told him I earn £60k",
        "the conference costs $500 to attend and they don't pay travel",
    ):
        found = extract(text, LEXICON)
        assert found.amounts == [] and "money" not in found.options.get("offered", []), text


def test_a_sum_offered_is_still_money():
    found = extract("they offered me £2,000 for a short report on our policy", LEXICON)
    assert "money" in found.options["offered"] and found.amounts == ["2000"]
    assert "payment_offer" in found.options["approach_kinds"]


def test_paying_for_the_hotel_and_flights_is_travel_not_money():
    found = extract("someone offered to pay for my hotel and flights to a conference in Istanbul", LEXICON)
    assert found.options["offered"] == ["travel"]
    assert "payment_offer" not in found.options.get("approach_kinds", [])
    assert "travel" not in extract("a briefing on our direction of travel", LEXICON).options.get(
        "offered", []
    )


def test_a_hypothetical_offer_is_not_an_offer():
    found = extract(
        "If someone offered me money for my views would that be illegal? A recruiter keeps asking", LEXICON
    )
    assert "money" not in found.options.get("offered", [])


def test_the_reporter_s_own_signature_and_greeting_are_not_the_contact():
    text = (
        "Hello, a person named José María García emailed me from jm.garcia@iberia-consult.es asking "
        "for a paid report.\n\nThanks,\nHelen Marsh\nSenior Policy Officer\n"
        "helen.marsh@dept.gov.uk\n07700 900 111\n"
    )
    found = extract(text, LEXICON)
    assert found.names == ["José María García"]
    assert found.emails == ["jm.garcia@iberia-consult.es"] and found.phones == []
    forwarded = extract(
        "---------- Forwarded message ---------\nFrom: Amanda Qiu <amanda@br-yr.example>\n"
        "To: Priya Raman <priya.raman@dept.gov.uk>\n\nDear Ms Raman,\nWe pay well for insight.\n\n"
        "Best regards,\nAmanda Qiu\nBR-YR Executive Search\n+86 10 5555 0100\n",
        LEXICON,
    )
    assert "priya.raman@dept.gov.uk" not in forwarded.emails and "Raman" not in " ".join(forwarded.names)
    assert "Amanda Qiu" in forwarded.names and forwarded.phones == ["+861055550100"], (
        "the contact's own is kept"
    )


def test_names_in_many_spellings_and_a_platform_s_sender():
    assert extract("Name: Pieter van der Berg\nCompany: Van der Berg Talent BV", LEXICON).names == [
        "Pieter van der Berg"
    ]
    assert extract("a woman on X who calls herself Lena Marsh asked", LEXICON).names == ["Lena Marsh"]
    assert extract("a recruiter, Emre Yıldız from Bosphorus Talent, keeps asking", LEXICON).names == [
        "Emre Yıldız"
    ]
    digest = extract(
        "From: LinkedIn <messaging-digest-noreply@linkedin.com>\nZhang Wei sent you a message", LEXICON
    )
    assert digest.emails == []


def test_an_event_s_name_is_where_it_happened_not_the_contact_s_organisation():
    found = extract(
        "I met a man at the RUSI conference who said he was from Apex Global Insight Ltd.", LEXICON
    )
    assert found.organisations == ["Apex Global Insight Ltd."]
