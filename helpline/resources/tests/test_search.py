import datetime
import math

import pytest
from django.utils import timezone

from helpline.common.exceptions import ApplicationError
from helpline.resources.geo import haversine_miles, normalize_zip, zip_centroid, zip_info
from helpline.resources.models import Resource
from helpline.resources.selectors import UnknownZipCode, search_resources


def make(name, need="lodging", area="national", **extra):
    defaults = dict(provider="Provider", description_en=f"{name} in English",
                    description_es=f"{name} en español", languages="en,es",
                    last_verified=timezone.localdate())
    defaults.update(extra)
    return Resource.objects.create(name=name, need=need, area=area, **defaults)


def law_of_cosines_miles(a, b):
    lat1, lon1, lat2, lon2 = map(math.radians, (*a, *b))
    c = (math.sin(lat1) * math.sin(lat2)
         + math.cos(lat1) * math.cos(lat2) * math.cos(lon2 - lon1))
    return 3958.7613 * math.acos(min(1.0, c))


def test_one_degree_of_latitude_is_about_69_miles():
    assert haversine_miles(40.0, -75.0, 41.0, -75.0) == pytest.approx(69.09, abs=0.01)
    assert haversine_miles(0.0, 0.0, 0.0, 0.0) == 0.0


@pytest.mark.parametrize("origin, dest, miles", [
    ("10001", "19104", 83.7),     # Manhattan (Midtown) to Philadelphia (University City)
    ("19104", "02115", 269.8),    # Philadelphia to Boston (Fenway)
    ("90033", "19104", 2384.4),   # Los Angeles (Boyle Heights) to Philadelphia
])
def test_known_distances_between_zip_centroids(origin, dest, miles):
    a, b = zip_centroid(origin), zip_centroid(dest)
    assert haversine_miles(*a, *b) == pytest.approx(miles, abs=0.1)
    # An independent formula agrees.
    assert haversine_miles(*a, *b) == pytest.approx(law_of_cosines_miles(a, b), rel=1e-6)


def test_zip_lookup_is_offline_and_rejects_unknown_codes():
    assert zip_info("19104")[2] == "PA"
    assert normalize_zip(" 19104-1234 ") == "19104"
    assert zip_info("19104-1234")[2] == "PA"
    for bad in ("00000", "99999", "abcde", "1234", "", "19104; DROP"):
        assert zip_info(bad) is None


@pytest.mark.django_db
def test_zip_radius_search_sorts_by_distance_then_name_and_always_lists_national():
    here = make("Here lodging", area="radius", zip_code="19104", radius_miles=10)
    nyc_wide = make("NYC wide lodging", area="radius", zip_code="10001", radius_miles=100)
    nyc_wide_b = make("Another NYC lodging", area="radius", zip_code="10001", radius_miles=90)
    make("NYC near lodging", area="radius", zip_code="10001", radius_miles=50)  # 83.7 mi: out
    boston = make("Boston lodging", area="radius", zip_code="02115", radius_miles=300)
    pa = make("Pennsylvania lodging", area="states", states="PA, NJ")
    make("Texas lodging", area="states", states="TX")
    national_b = make("B national lodging")
    national_a = make("A national lodging")
    make("National rides", need="transportation")

    results = search_resources(need="lodging", zip_code="19104")
    assert [m.resource for m in results] == [
        here, nyc_wide_b, nyc_wide, boston, pa, national_a, national_b,
    ]
    distances = {m.resource.name: m.distance_miles for m in results}
    assert distances["Here lodging"] == pytest.approx(0.0, abs=0.01)
    assert distances["NYC wide lodging"] == pytest.approx(83.7, abs=0.1)
    assert distances["Boston lodging"] == pytest.approx(269.8, abs=0.1)
    assert distances["A national lodging"] is None

    # From Texas only the national services (and the Texas one) remain.
    names = [m.resource.name for m in search_resources(need="lodging", zip_code="77030")]
    assert names == ["Texas lodging", "A national lodging", "B national lodging"]


@pytest.mark.django_db
def test_language_filter_and_inactive_entries():
    make("Both languages")
    make("English only", languages="en")
    make("Retired", active=False)
    assert [m.resource.name for m in search_resources(language="es")] == ["Both languages"]
    assert [m.resource.name for m in search_resources()] == ["Both languages", "English only"]


@pytest.mark.django_db
def test_unknown_zip_and_need_raise_clear_errors():
    make("National")
    with pytest.raises(UnknownZipCode) as info:
        search_resources(zip_code="99999")
    assert "99999" in info.value.message
    with pytest.raises(ApplicationError):
        search_resources(need="spaceships")


@pytest.mark.django_db
def test_location_is_computed_from_the_zip_code():
    r = make("Local", area="radius", zip_code="02115", radius_miles=5)
    assert (r.latitude, r.longitude) == pytest.approx(zip_centroid("02115"))
    r.zip_code = ""
    r.area = "national"
    r.save()
    assert r.latitude is None


@pytest.mark.django_db
def test_staleness_flag_after_twelve_months():
    today = timezone.localdate()
    fresh = make("Fresh", last_verified=today - datetime.timedelta(days=364))
    old = make("Old", last_verified=today - datetime.timedelta(days=366))
    assert not fresh.is_stale()
    assert old.is_stale()


@pytest.mark.parametrize("lat, lon, miles", [(39.96, -75.20, 60), (61.2, -149.9, 300),
                                             (21.3, -157.8, 50), (51.8, -176.6, 400),
                                             (64.8, -147.7, 3000)])
def test_bounding_box_contains_every_point_of_the_circle(lat, lon, miles):
    from helpline.resources.geo import bounding_box

    south, north, west, east = bounding_box(lat, lon, miles)
    for bearing in range(0, 360, 5):
        # The point ``miles`` away on this bearing (spherical destination formula).
        d = miles / 3958.7613
        b = math.radians(bearing)
        p1, l1 = math.radians(lat), math.radians(lon)
        p2 = math.asin(math.sin(p1) * math.cos(d) + math.cos(p1) * math.sin(d) * math.cos(b))
        l2 = l1 + math.atan2(math.sin(b) * math.sin(d) * math.cos(p1),
                             math.cos(d) - math.sin(p1) * math.sin(p2))
        plat, plon = math.degrees(p2), (math.degrees(l2) + 540) % 360 - 180
        assert south <= plat <= north
        assert west <= plon <= east


@pytest.mark.django_db
def test_sql_prefilter_agrees_with_the_exact_rule():
    import random

    from helpline.resources import geo

    rng = random.Random(1)
    zips = [z for z in list(geo._index())[::97]][:120]
    for i, z in enumerate(zips):
        make(f"R{i:03d}", area="radius", zip_code=z, radius_miles=rng.choice([5, 50, 300, 1500]))
    for origin in zips[::7]:
        o = zip_info(origin)
        expected = sorted(
            r.name for r in Resource.objects.all()
            if haversine_miles(o[0], o[1], r.latitude, r.longitude) <= r.radius_miles)
        got = sorted(m.resource.name for m in search_resources(zip_code=origin))
        assert got == expected
