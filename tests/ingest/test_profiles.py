"""Mapping profiles load only when every key makes sense, and translate values exactly."""

from __future__ import annotations

from pathlib import Path

import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from hiu.ingest.errors import ProfileError
from hiu.ingest.profiles import SHIPPED_DIR, Profile, load_profile, shipped_profiles
from hiu.schemas import EXTRACTS
from hiu.synth import codes


def write(folder: Path, text: str, name: str = "trust") -> Path:
    path = folder / f"{name}.toml"
    path.write_text(text, encoding="utf-8")
    return path


def refusal(folder: Path, text: str) -> str:
    path = write(folder, text)
    with pytest.raises(ProfileError) as caught:
        load_profile(str(path))
    message = str(caught.value)
    assert str(path) in message  # every message names the file
    return message


# ---------------------------------------------------------------------- shipped


def test_it_ships_two_example_profiles_that_load() -> None:
    profiles = {profile.name: profile for profile in shipped_profiles()}
    assert set(profiles) == {"northgate-ecds", "eastbridge-ambulance"}
    for profile in profiles.values():
        assert profile.source is not None
        assert profile.source.parent == SHIPPED_DIR
        assert profile.description
        assert profile.kind in EXTRACTS
        extract = EXTRACTS[profile.kind]
        assert set(profile.columns.values()) <= set(extract.names)
        assert set(profile.values) <= set(extract.names)


def test_it_ships_a_northgate_profile_for_ecds_codes() -> None:
    profile = load_profile("northgate-ecds")
    assert profile.kind == "ed_attendances"
    assert profile.columns["NHS No"] == "nhs_number"
    assert profile.columns["Arrival Date"] == "arrival_datetime"
    assert profile.delimiter == ","
    assert profile.encoding is None
    assert "%d/%m/%Y %H:%M" in profile.date_formats
    modes = profile.values["arrival_mode"]
    assert modes["Own transport"] == codes.ARRIVAL_OWN_TRANSPORT
    assert modes["Ambulance"] == codes.ARRIVAL_EMERGENCY_AMBULANCE
    assert modes["Police"] == codes.ARRIVAL_POLICE
    assert dict(profile.values["department_type"]) == {str(n): f"0{n}" for n in range(1, 6)}
    assert list(profile.values["acuity"].values()) == list(codes.ACUITY_CODES)


def test_it_ships_an_eastbridge_profile_for_a_tab_delimited_windows_file() -> None:
    profile = load_profile("eastbridge-ambulance")
    assert (profile.kind, profile.encoding, profile.delimiter) == (
        "ambulance_incidents",
        "cp1252",
        "\t",
    )
    assert profile.values["outcome"]["Hear & Treat"] == "hear_and_treat"
    assert profile.canonical_for("  incident no ") == "incident_id"
    assert profile.canonical_for("Incident") is None


# ---------------------------------------------------------------------- lookup


def test_it_finds_a_profile_by_name_in_the_search_folders_first(tmp_path: Path) -> None:
    write(tmp_path, 'description = "our own copy"\n', name="northgate-ecds")
    assert load_profile("northgate-ecds", search=[tmp_path]).description == "our own copy"
    assert load_profile("northgate-ecds").source == SHIPPED_DIR / "northgate-ecds.toml"
    path = write(tmp_path, 'kind = "people"\n', name="demographics")
    by_path = load_profile(str(path))
    assert (by_path.name, by_path.kind, by_path.source) == ("demographics", "people", path)


def test_it_lists_the_profiles_there_are_when_a_name_is_unknown(tmp_path: Path) -> None:
    write(tmp_path, "", name="local")
    with pytest.raises(ProfileError) as caught:
        load_profile("northgate", search=[tmp_path])
    assert "no profile named 'northgate'" in str(caught.value)
    assert "eastbridge-ambulance, local, northgate-ecds" in str(caught.value)
    with pytest.raises(ProfileError, match="does not exist"):
        load_profile(str(tmp_path / "missing.toml"))
    with pytest.raises(ProfileError, match="not a profile name"):
        load_profile("north gate?")


# ---------------------------------------------------------------------- refusals


def test_it_gives_the_line_of_a_toml_syntax_error(tmp_path: Path) -> None:
    message = refusal(tmp_path, 'kind = "people"\n[columns]\n"NHS No" = nhs_number\n')
    assert "not valid TOML" in message
    assert "line 3" in message


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ('name = "trust"\n', "unknown key 'name' (a profile's name is its file name)"),
        ("[file]\nsheets = 'x'\n", "[file] unknown key 'sheets'"),
        ("[dates]\nformat = ['%d']\n", "[dates] unknown key 'format'"),
        ('kind = "ae"\n', "kind 'ae' is not one of people, ed_attendances"),
        ("kind = 1\n", "'kind' must be text in quotes"),
        ('[file]\nencoding = "latin-1"\n', "[file] encoding 'latin-1' is not supported"),
        ('[file]\ndelimiter = ";"\n', "[file] delimiter ';' is not supported"),
        ("[columns]\nid = 7\n", "[columns] 'id' must map to text in quotes, not int"),
        (
            'kind = "ambulance_incidents"\n[columns]\n"Attendance" = "attendance_id"\n',
            "[columns] 'Attendance' maps to 'attendance_id', which is not a column of "
            "ambulance_incidents; the columns are incident_id, nhs_number",
        ),
        (
            '[columns]\n"Ref" = "reference"\n',
            "'Ref' maps to 'reference', which is not a column of any extract",
        ),
        (
            '[columns]\n"NHS No" = "nhs_number"\n"nhs no " = "nhs_number"\n',
            "[columns] 'NHS No' and 'nhs no ' are the same header",
        ),
        ('[values.ward]\n"A" = "a"\n', "[values.ward] is for 'ward', which is not a column"),
        ('[values.outcome]\n"H&T" = 1\n', "[values.outcome] 'H&T' must map to text in quotes"),
        (
            '[values.outcome]\n"Hear & Treat" = "hear_treat"\n',
            "[values.outcome] 'Hear & Treat' maps to 'hear_treat', which is not a code of "
            "outcome; the codes are hear_and_treat, see_and_convey, see_and_treat",
        ),
        (
            '[values.sex]\n"M" = "1"\n"m" = "1"\n',
            "[values.sex] 'M' and 'm' are the same value",
        ),
        ('[dates]\nformats = "%d/%m/%Y"\n', "[dates] formats must be a list"),
        ('[dates]\nformats = ["%d/%m/%Q"]\n', "format '%d/%m/%Q' is not a strptime format"),
        ('[dates]\nformats = ["dd/mm/yyyy"]\n', "format 'dd/mm/yyyy' has no % directive"),
        ('columns = "x"\n', "'columns' must be a table"),
    ],
)
def test_it_refuses_a_profile_naming_the_key_at_fault(
    tmp_path: Path, text: str, expected: str
) -> None:
    assert expected in refusal(tmp_path, text)


def test_it_names_the_line_of_the_key_at_fault(tmp_path: Path) -> None:
    text = '[columns]\n"NHS No" = "nhs_number"\n\n[file]\nencoding = "latin-1"\n'
    assert f"{tmp_path / 'trust.toml'}, line 5: [file] encoding" in refusal(tmp_path, text)


def test_it_accepts_the_names_people_use_for_encodings_and_delimiters(tmp_path: Path) -> None:
    for encoding, delimiter, want in [
        ("UTF8", "comma", ("utf-8", ",")),
        ("Windows-1252", "TAB", ("cp1252", "\t")),
        ("utf-8-sig", "\t", ("utf-8-sig", "\t")),
    ]:
        text = f'[file]\nencoding = "{encoding}"\ndelimiter = "{delimiter}"\n'
        profile = load_profile(str(write(tmp_path, text.replace("\t", "\\t"))))
        assert (profile.encoding, profile.delimiter) == want


# ---------------------------------------------------------------------- translate


def test_it_translates_values_in_any_case_and_leaves_the_rest_alone() -> None:
    profile = Profile(
        name="p",
        values={"outcome": {"Hear & Treat": "hear_and_treat", " See & Convey ": "see_and_convey"}},
    )
    frame = pl.DataFrame(
        {
            "outcome": ["hear & treat", "SEE & CONVEY", " Hear & Treat ", "Unknown", None],
            "call_origin": ["Hear & Treat"] * 5,
            "_row": [2, 3, 4, 5, 6],
        }
    )
    translated = profile.translate(frame)
    assert translated["outcome"].to_list() == [
        "hear_and_treat",
        "see_and_convey",
        "hear_and_treat",
        "Unknown",
        None,
    ]
    assert translated["call_origin"].equals(frame["call_origin"])
    assert translated["_row"].equals(frame["_row"])
    assert Profile(name="p", values={"absent": {"a": "b"}}).translate(frame).equals(frame)


WORDS = st.text(alphabet="abcXYZ &-é", min_size=1, max_size=6).filter(lambda w: w.strip())


@settings(max_examples=80, deadline=None)
@given(
    mapping=st.dictionaries(WORDS, st.text(alphabet="0123456789_", max_size=4), max_size=5),
    values=st.lists(st.one_of(st.none(), WORDS), max_size=20),
    data=st.data(),
)
def test_it_translates_exactly_as_a_lookup_would(
    mapping: dict[str, str], values: list[str | None], data: st.DataObject
) -> None:
    keys = {key.strip().lower(): key for key in mapping}
    unique = {original: mapping[original] for original in keys.values()}
    # Some values are file values from the mapping in another case, with spaces around.
    for index in range(len(values)):
        pick: bool = data.draw(st.booleans())
        if unique and pick:
            key = data.draw(st.sampled_from(sorted(unique)))
            shout: bool = data.draw(st.booleans())
            values[index] = f" {key.upper()} " if shout else key
    profile = Profile(name="p", values={"disposition": unique})
    got = profile.translate(
        pl.DataFrame({"disposition": values}, schema={"disposition": pl.String})
    )
    lookup = {key.strip().lower(): new for key, new in unique.items()}
    want = [None if value is None else lookup.get(value.strip().lower(), value) for value in values]
    assert got["disposition"].to_list() == want
