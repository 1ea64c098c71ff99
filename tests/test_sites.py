"""Launch-site / landing-zone catalog: sources, ranges and published distances."""
import math

import numpy as np
import pytest
from pydantic import ValidationError

from rlvsim.earth.frames import geodetic_to_ecef, surface_distance_m
from rlvsim.earth.sites import Site, get_site, list_sites
from rlvsim.errors import UnknownNameError


def dist_km(a: str, b: str) -> float:
    sa, sb = get_site(a), get_site(b)
    return surface_distance_m(sa.lat_deg, sa.lon_deg, sb.lat_deg, sb.lon_deg) / 1000.0


def test_every_site_is_sourced_and_in_range():
    sites = list_sites()
    assert len(sites) >= 10
    assert len({s.name.lower() for s in sites}) == len(sites)
    for s in sites:
        assert len(s.source) > 20, s.name
        assert -90.0 <= s.lat_deg <= 90.0 and -180.0 <= s.lon_deg <= 180.0
        assert -500.0 <= s.alt_m <= 9000.0


def test_kinds_partition_and_required_sites():
    launch = {s.name for s in list_sites("launch")}
    landing = {s.name for s in list_sites("landing")}
    assert not launch & landing and launch | landing == {s.name for s in list_sites()}
    assert {"LC-96B", "SLC-40", "SLC-4E", "JSLC-LM12-pad"} <= launch
    assert {"LZ-1", "LZ-4", "Minqin-ZQ3", "OCISLY-CRS", "JRTI-iridium3"} <= landing


def test_landing_criteria_defaults():
    for s in list_sites("landing"):
        # DESIGN.md defaults: 2 m/s vertical, 1 m/s horizontal, 5 deg tilt.
        assert (s.max_vertical_speed_m_s, s.max_horizontal_speed_m_s, s.max_tilt_deg) == (2.0, 1.0, 5.0)
        assert s.zone_radius_m == (50.0 if s.landing_type == "pad" else 40.0)
    for s in list_sites("launch"):
        assert s.zone_radius_m is None and s.max_tilt_deg is None


def test_published_distances():
    # LZ-1 is on the Cape, a few km south of SLC-40 (brief: within ~10 km).
    assert dist_km("SLC-40", "LZ-1") < 10.0
    # LZ-4 is next to SLC-4E.
    assert dist_km("SLC-4E", "LZ-4") < 1.0
    # SpaceNews 2025-12-03: Zhuque-3 pad "around 390 kilometers downrange in Minqin county".
    assert 350.0 <= dist_km("LC-96B", "Minqin-ZQ3") <= 430.0
    # SpaceNews 2025-12-22: Long March 12A pad "around 250 kilometers downrange in Minqin county".
    assert 220.0 <= dist_km("JSLC-LM12-pad", "Minqin-LM12A") <= 280.0
    # Wikipedia "SpaceX CRS-8": OCISLY "300 km from the Florida coastline" (coast ~ at SLC-40).
    assert 280.0 <= dist_km("SLC-40", "OCISLY-CRS") <= 320.0
    # The two Jiuquan pads are both in the Dongfeng commercial test zone, a few km apart.
    assert dist_km("LC-96B", "JSLC-LM12-pad") < 10.0


def test_lookup_is_case_insensitive_with_aliases():
    assert get_site("slc-40").name == "SLC-40"
    assert get_site("  Landing Zone 1 ").name == "LZ-1"
    assert get_site("minqin").name == "Minqin-ZQ3"


def test_unknown_name_lists_close_names():
    with pytest.raises(UnknownNameError) as err:
        get_site("LZ-2")
    assert "LZ-1" in str(err.value) and "\n" not in str(err.value)
    with pytest.raises(UnknownNameError) as err:
        get_site("Baikonur 31")
    assert "SLC-40" in str(err.value)  # no close name: the message lists the catalog


def test_ecef_position():
    s = get_site("SLC-40")
    np.testing.assert_array_equal(
        s.ecef_m, geodetic_to_ecef(math.radians(s.lat_deg), math.radians(s.lon_deg), s.alt_m))
    # Distance from the Earth's centre at 28.6 deg latitude: between b and a of WGS-84.
    assert 6356752.0 < np.linalg.norm(s.ecef_m) < 6378138.0
    np.testing.assert_allclose(s.local_frame().to_enu(s.ecef_m), 0.0, atol=1e-6)


def test_site_validation():
    with pytest.raises(ValidationError):
        Site(name="x", kind="launch", lat_deg=95.0, lon_deg=0.0, alt_m=0.0, source="made up")
    with pytest.raises(ValidationError):
        Site(name="x", kind="launch", lat_deg=0.0, lon_deg=0.0, alt_m=0.0, source="s",
             zone_radius_m=50.0)
    ship = Site(name="x", kind="landing", landing_type="drone_ship", lat_deg=0.0, lon_deg=0.0,
                alt_m=0.0, source="s")
    assert ship.zone_radius_m == 40.0
