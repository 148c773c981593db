"""The canonical fields a source spec can fill, and the code lists of controlled values.

Values are English slugs (stable identifiers); labels for people live in ``ciudadana.i18n``.
"""

from __future__ import annotations

UNKNOWN = "unknown"

COUNTING_UNITS = ("victim", "event", "complaint", "case", "order", "aggregate", "population")
DATE_SEMANTICS = ("occurrence", "registration")

# Fields of the record itself (an incident, complaint, case, or an aggregate cell).
EVENT_FIELDS = {
    "record_id": "text",
    "incident_id": "text",
    "related_record_id": "text",
    "date_occurrence": "date",
    "date_registration": "date",
    "territory": "territory",
    "department": "territory",
    "area": "category",
    "weapon": "category",
    "offence": "offence",
    "outcome": "category",
    "date_outcome": "date",
    "date_end": "date",
    "address": "text",
    "lat": "number",
    "lon": "number",
    # aggregates and population tables
    "year": "integer",
    "month": "integer",
    "sex": "category",
    "age_group": "text",
    "age_min": "integer",
    "age_max": "integer",
    "value": "number",
}

# Fields of a person involved (victim, aggressor).
PERSON_FIELDS = {
    "sex": "category",
    "gender_identity": "category",
    "sexual_orientation": "category",
    "age": "integer",
    "pueblo": "category",
    "disability": "category",
    "nationality": "text",
    "migration_status": "category",
    "marital_status": "category",
    "relationship": "category",
    "full_name": "text",
    "given_names": "text",
    "surnames": "text",
    "first_surname": "text",
    "second_surname": "text",
    "id_number": "cui",
    "birth_date": "date",
    "address": "text",
}

ROLES = ("victim", "aggressor")

# Personal data: these go to the restricted schema only.
RESTRICTED_PERSON_FIELDS = (
    "full_name",
    "given_names",
    "surnames",
    "first_surname",
    "second_surname",
    "id_number",
    "birth_date",
    "address",
)
RESTRICTED_EVENT_FIELDS = ("address", "lat", "lon")

CODE_LISTS: dict[str, tuple[str, ...]] = {
    "sex": ("female", "male", "intersex", UNKNOWN),
    "gender_identity": ("woman", "man", "trans_woman", "trans_man", "non_binary", "other", UNKNOWN),
    "sexual_orientation": ("heterosexual", "lesbian", "gay", "bisexual", "other", UNKNOWN),
    "pueblo": (
        "maya",
        "garifuna",
        "xinka",
        "afrodescendiente",
        "ladino",
        "extranjero",
        "otro",
        UNKNOWN,
    ),
    "disability": ("yes", "no", UNKNOWN),
    "migration_status": (
        "national",
        "regular_migrant",
        "irregular_migrant",
        "refugee",
        "returned",
        "other",
        UNKNOWN,
    ),
    "marital_status": (
        "single",
        "married",
        "cohabiting",
        "divorced",
        "separated",
        "widowed",
        "other",
        UNKNOWN,
    ),
    "relationship": (
        "spouse",
        "partner",
        "ex_partner",
        "boyfriend",
        "child",
        "stepchild",
        "parent",
        "grandchild",
        "grandparent",
        "in_law",
        "sibling",
        "other_relative",
        "acquaintance",
        "stranger",
        "other",
        UNKNOWN,
    ),
    "weapon": (
        "firearm",
        "knife",
        "blunt",
        "strangulation",
        "fire",
        "poison",
        "explosive",
        "bodily_force",
        "other",
        UNKNOWN,
    ),
    "area": ("urban", "rural", UNKNOWN),
    "outcome": (
        "conviction",
        "acquittal",
        "dismissal",
        "provisional_closure",
        "pending",
        "other",
        UNKNOWN,
    ),
}
