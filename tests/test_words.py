"""The reader's vocabulary covers every coded value and rounds reconstructions to two significant figures."""

from nklabor import words


def test_every_coded_value_has_plain_words():
    assert words.check_covered() == []


def test_reconstructions_are_rounded_to_two_significant_figures():
    assert words.number(24495) == "24,000"
    assert words.number(3782) == "3,800"
    assert words.number(96) == "96"
    assert words.about(9123, 4100, 19876) == "about 9,100 (80% range 4,100\u201320,000)"


def test_countries_and_plurals_read_as_words():
    assert words.country("RUS") == "Russia"
    assert words.countries("CHN;RUS") == "China and Russia"
    assert words.plural("enforcement action", 1) == "1 enforcement action"
    assert words.plural("entity", 3) == "3 entities"
    assert words.label("action_type", "tip_rating") == "trafficking report rating"
