"""Every way people really paste a LinkedIn profile is the same profile; different ones stay apart."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from bot.normalise import normalise_profile_url

SLUGS = st.from_regex(r"[a-z][a-z0-9]{1,12}(-[a-z0-9]{1,8}){0,3}", fullmatch=True)
HOSTS = st.sampled_from(
    ["www.linkedin.com", "linkedin.com", "uk.linkedin.com", "cn.linkedin.com", "m.linkedin.com",
     "de.linkedin.com", "en-gb.linkedin.com", "touch.www.linkedin.com", "www.linkedin.cn"]
)  # fmt: skip
SCHEMES = st.sampled_from(["https://", "http://", "", "//"])
TAILS = st.sampled_from(
    ["", "/", "/details/experience/", "/recent-activity/all/", "/overlay/contact-info/", "/?"]
)
QUERIES = st.sampled_from(
    ["", "?trk=public_profile", "?originalSubdomain=uk", "?utm_source=share&utm_medium=member_ios", "#top"]
)
WRAPPING = st.sampled_from([("", ""), ("<", ">"), ("(", ")."), ('"', '"'), (" ", "\n")])


@given(SLUGS, HOSTS, SCHEMES, TAILS, QUERIES, WRAPPING, st.booleans())
def test_any_spelling_of_a_profile_collapses_to_one(slug, host, scheme, tail, query, wrap, shout):
    typed = f"{scheme}{host}/in/{slug}{tail}{query}"
    typed = typed.upper() if shout else typed
    assert normalise_profile_url(f"{wrap[0]}{typed}{wrap[1]}") == f"https://www.linkedin.com/in/{slug}"


@given(SLUGS, SLUGS)
def test_two_different_profiles_never_collapse(one, other):
    if one != other:
        assert normalise_profile_url(f"linkedin.com/in/{one}") != normalise_profile_url(
            f"linkedin.com/in/{other}"
        )


def test_a_percent_encoded_name_meets_the_same_name_typed():
    assert normalise_profile_url("https://cn.linkedin.com/in/%E9%82%B1%E6%9B%BC%E8%BE%BE-1a2b/") == (
        normalise_profile_url("linkedin.com/in/邱曼达-1a2b")
    )


def test_a_company_page_is_not_a_person_of_the_same_slug():
    assert normalise_profile_url("linkedin.com/company/br-yr") != normalise_profile_url(
        "linkedin.com/in/br-yr"
    )


def test_look_alike_hosts_are_not_linkedin():
    assert normalise_profile_url("https://linkedin.com.evil.example/in/amanda") == (
        "https://linkedin.com.evil.example/in/amanda"
    )
