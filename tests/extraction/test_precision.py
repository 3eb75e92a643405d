"""What must never be noted as the contact's: the reporter's own details, places and titles,
well-known sites, numbers that are no phone, and offers nobody made to the reporter."""

from __future__ import annotations

from bench.extraction import guidance_ids
from bot.flow_files import load_flow
from flows.extraction import extract, noted_answers

FLOW = load_flow()
LEXICON = FLOW.lexicon
assert LEXICON is not None


def _guidance(text: str) -> set[str]:
    return guidance_ids(FLOW, noted_answers(extract(text, LEXICON), LEXICON, FLOW.steps))


def test_the_reporter_introducing_themselves_is_not_the_contact():
    found = extract(
        "Hi, I'm Tom Ellis from the Cabinet Office. A woman called Irina Sokol messaged me on WhatsApp. "
        "My name is Priya Shah and I work at the Department for Transport.",
        LEXICON,
    )
    assert found.names == ["Irina Sokol"] and found.organisations == []


def test_the_same_introduction_in_the_contact_s_pasted_message_is_theirs():
    pasted = extract(
        "Hi, I'm Karen Liu, a talent partner at Apex Talent Partners. Can we continue on WhatsApp?", LEXICON
    )
    assert pasted.names == ["Karen Liu"] and pasted.organisations == ["Apex Talent Partners"]
    quoted = extract(
        'He wrote: "I\'m Yuri Antonov from Orion Bridge Consulting" and asked about my team', LEXICON
    )
    assert quoted.names == ["Yuri Antonov"] and quoted.organisations == ["Orion Bridge Consulting"]


def test_the_reporter_s_sign_off_at_the_end_is_theirs_even_without_a_work_address():
    found = extract(
        "Hi security team,\nI was contacted on LinkedIn by Daniel Frost from Meridian Talent Partners.\n\n"
        "Thanks,\nRachel Moore\nPolicy Adviser, Trade Policy Directorate\n07700 900812",
        LEXICON,
    )
    assert "Rachel Moore" not in found.names and found.organisations == ["Meridian Talent Partners"]
    assert found.phones == []


def test_a_pasted_message_s_signature_stops_at_its_block_and_the_reporter_s_own_is_left_out():
    found = extract(
        'Reporting this as asked. Message below:\n\n"Dear Mr Patel, I represent Orion Bridge Consulting. '
        'We can offer a generous fee.\nKind regards,\nYuri Antonov"\n\n'
        "Regards,\nSanjay Patel\nDigital Trade Unit",
        LEXICON,
    )
    assert found.names == ["Yuri Antonov"] and found.organisations == ["Orion Bridge Consulting"]


def test_venues_occasions_and_job_titles_are_not_organisations():
    found = extract(
        "I was approached at the Global Maritime Security Forum in Singapore by a man who said he worked "
        "for Pacific Harbour Consulting. The advert was for a Geopolitical Research Associate at "
        "Harrowgate Strategic Intelligence Ltd, fully remote.",
        LEXICON,
    )
    assert found.organisations == ["Pacific Harbour Consulting", "Harrowgate Strategic Intelligence Ltd"]
    think_tank = extract("A man said he was from a think tank called Atlas Meridian", LEXICON)
    assert think_tank.names == [] and think_tank.organisations == ["Atlas Meridian"]


def test_an_organisation_ends_with_its_sentence():
    found = extract("He says he's with Horizon Strategic Consulting. Wants an org chart.", LEXICON)
    assert found.organisations == ["Horizon Strategic Consulting"]


def test_well_known_sites_and_a_platform_s_own_pages_are_nobody_s():
    found = extract(
        "He linked their site harcourtstrategy.com, a BBC article https://www.bbc.co.uk/news/uk-12345678, "
        "www.gov.uk/government/publications, the job at https://www.linkedin.com/jobs/ and reuters.com",
        LEXICON,
    )
    assert found.websites == ["https://harcourtstrategy.com"] and found.profile_urls == []


def test_sentences_run_together_are_not_addresses():
    found = extract(
        "got a message on linkedin.It was from a recruiter.She wanted to know about my job.No", LEXICON
    )
    assert found.websites == []


def test_dates_references_and_bare_digits_are_not_phones():
    found = extract(
        "they emailed on 12.11.2026 and on 03/12/2026 with ref 2026-0455-1187. Invoice 44718823, "
        "booking reference 83736251, case ref 4471 8823 91. "
        "Call them on +44 20 7946 0999 or 0044 20 7946 0876.",
        LEXICON,
    )
    assert found.phones == ["+442079460999", "+442079460876"]


def test_a_negation_reaches_along_a_list():
    assert _guidance("They never mentioned money or travel, just asked about my unit.") == set()
    assert _guidance("no cash, flights or crypto, only questions") == set()


def test_a_hypothetical_or_someone_else_s_story_brings_no_guidance():
    assert (
        _guidance("What would happen if they offered me a trip? So far he only asked about my work.") == set()
    )
    assert _guidance("Last year a colleague of mine was offered cash and a paid trip to Shanghai.") == set()
    assert (
        _guidance("In the briefing we were told they might offer bitcoin or ask us to keep things secret.")
        == set()
    )
    assert _guidance("I read that firms like this pay in USDT. A recruiter emailed me about a role.") == set()
    assert _guidance("I have no idea how they got my personal number.") == set()


def test_the_reporter_s_own_offer_story_still_brings_guidance():
    assert _guidance("My colleague and I were both offered cash by the same man.") == {"payment"}
    assert _guidance("A recruiter asked if I'd like a paid trip to Beijing.") == {"travel"}
    assert _guidance("I told him about our project before I realised") == {"shared_something"}
    assert _guidance("I told her I would need to check with my manager") == set()


def test_initials_and_everyday_words_joined_by_a_full_stop_are_not_addresses():
    found = extract(
        "a U.K. based firm e.g. their CEO asked me.in the end I said no. See arbor-policy.org", LEXICON
    )
    assert found.websites == ["https://arbor-policy.org"]


def test_a_number_written_the_national_way_must_be_one_here_and_the_reporter_s_line_is_theirs():
    found = extract(
        "My direct line is 020 7946 0123. His number was 050 123 4567 (Dubai), or +971 50 123 4567.",
        LEXICON,
    )
    assert found.phones == ["+971501234567"]


def test_the_contact_s_own_reach_me_in_a_pasted_message_is_their_number():
    found = extract(
        "Forwarded message from a contact I don't know:\n\nHello, I'm Li Na from the Zhongguancun "
        "Innovation Exchange. You can reach me on +86 138 0013 8000.",
        LEXICON,
    )
    assert found.phones == ["+8613800138000"] and found.names == ["Li Na"]


def test_a_thing_called_so_and_a_nationality_are_nobody():
    found = extract("He's Chinese American and hosts a podcast called Policy Matters.", LEXICON)
    assert found.names == [] and found.organisations == []


def test_the_reporter_s_own_trip_role_and_telling_their_manager_bring_no_guidance():
    assert (
        _guidance("I was on a work trip to Geneva when a man on my flight asked about our tariffs.") == set()
    )
    assert _guidance("I travel to Brussels a lot and my hotel is booked by our team.") == set()
    assert _guidance("I've already told my line manager and shared the screenshots with IT.") == set()
    assert _guidance("We met on LinkedIn. He hasn't asked me to keep it quiet.") == set()
    assert _guidance("Years ago at my previous job I was offered a paid trip by a similar outfit.") == set()
    assert _guidance("My wife got a message from someone offering her crypto.") == set()
    assert _guidance("Is it normal for recruiters to offer cash?") == set()


def test_what_was_offered_or_shared_still_brings_guidance():
    assert _guidance("I already replied and sent my CV.") == {"shared_something"}
    assert _guidance("We met for coffee in Vienna and he offered a paid trip.") >= {"met_in_person", "travel"}
    assert _guidance("no cash, flights or crypto. A recruiter offered a fee though") == {"payment"}


def test_someone_named_to_impress_a_phone_call_and_a_title_are_not_the_contact():
    found = extract(
        "He said he was Rishi Sunak's former adviser. I then called Sarah Lee in our security team. "
        "He's Vice President of sales apparently.",
        LEXICON,
    )
    assert found.names == []


def test_one_site_written_twice_and_links_on_other_people_s_services():
    found = extract(
        "His site: <https://www.corvid-advisory.com|corvid-advisory.com>, his diary calendly.com/j-harper, "
        "the role on bit.ly/3xYzAbc. He works for “www.hallam-insight.co.uk”.",
        LEXICON,
    )
    assert found.websites == ["https://www.corvid-advisory.com", "https://www.hallam-insight.co.uk"]


def test_the_reporter_s_own_address_leaves_their_employer_s_site_out_and_theirs_is_mine():
    found = extract(
        "I can be reached on 07700 900441, or 07700 900442 (that's mine). My work email is "
        "r.ahmed@britishcouncil.org so please don't use britishcouncil.org. He wrote from j@quill-talent.com",
        LEXICON,
    )
    assert found.phones == [] and found.websites == [] and found.emails == ["j@quill-talent.com"]


def test_a_move_a_secret_or_a_sum_that_is_about_the_reporter_s_work_brings_no_guidance():
    assert _guidance("I moved to the trade team in March and switched to a new laptop.") == set()
    assert _guidance("He asked for confidential documents about the trade secrets case.") == set()
    assert _guidance("They offered a trip, not to mention our budget of £2m.") == {"travel"}
    assert _guidance("Please keep my report confidential, I did not tell my manager yet.") == set()
    assert _guidance("He wanted my views on the stablecoin regulation and our travel policy.") == set()
    assert _guidance("He wanted me to pay a registration fee. I sent him a message saying no.") == set()
    assert _guidance("I went to a conference in Warsaw where a man approached me.") == set()


def test_the_contact_s_asks_for_secrecy_and_a_move_still_count():
    assert _guidance("They were very insistent that I tell nobody.") == {"red_flags"}
    assert _guidance('"Please keep this between us," she wrote.') == {"red_flags"}
    assert _guidance("He wants to move this to WhatsApp.") == {"red_flags"}
    assert _guidance("They asked me not to mention the offer to anyone.") == {"red_flags"}


def test_the_reporter_s_note_above_a_forward_and_their_last_line_are_theirs():
    found = extract(
        "Please see below, I didn't reply.\nThanks,\nRachel\n07700 900671\n\n"
        "---------- Forwarded message ---------\nFrom: Kamal Aziz <kamal@meridian-gulf.ae>\n\n"
        "We would pay you 5,000 USD. The real company site is meridian-gulf.com. Call me on +971 4 123 4567.",
        LEXICON,
    )
    assert found.phones == ["+97141234567"] and found.websites == [] and "Rachel" not in found.names
    inline = extract(
        "I rang our IT service desk on 020 7946 0300 to check. "
        "The caller said he wanted to continue on Signal. Thanks, Priya (07700 900672)",
        LEXICON,
    )
    assert inline.phones == []


def test_what_the_contact_sent_the_channel_they_used_and_the_reporter_s_question_are_no_red_flag():
    assert _guidance("He's already sent me a draft contract and they already shared their brochure.") == set()
    assert (
        _guidance("The first email came to my personal email address. Should I delete the messages?") == set()
    )
    assert (
        _guidance("She asked me to make a donation to their cultural fund and texted my personal number.")
        == set()
    )
    assert _guidance("He asked for my personal email and told me to delete the messages.") == {"red_flags"}
