"""Controlled vocabularies of the case record: stored values (stable identifiers) and labels.

The stored value is a contract (CSV import/export, procedures, letters rely on it); the label is
what a user reads and goes through gettext.
"""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from advocate.labels import Labelled, register


class Sex(Labelled):
    MALE = "male"
    FEMALE = "female"
    UNKNOWN = "unknown"


class Citizenship(Labelled):
    UZ_ONLY = "uz_only"
    UZ_AND_RU = "uz_and_ru"
    RU_AFTER_RENOUNCING = "ru_after_renouncing"
    STATELESS = "stateless"
    UNKNOWN = "unknown"


class CustodyType(Labelled):
    SIZO = "sizo"
    COLONY = "colony"
    PRISON = "prison"
    IMMIGRATION = "immigration"
    RELEASED = "released"
    DECEASED = "deceased"
    UNKNOWN = "unknown"


class Regime(Labelled):
    GENERAL = "general"
    STRICT = "strict"
    SPECIAL = "special"
    SETTLEMENT = "settlement"
    EDUCATIONAL = "educational"
    PRISON = "prison"


class AppealStatus(Labelled):
    NONE = "none"
    PENDING = "pending"
    DECIDED = "decided"
    CASSATION = "cassation"
    UNKNOWN = "unknown"


class MilitaryStatus(Labelled):
    NONE = "none"
    PRESSURED = "pressured"
    CONTRACT_OFFERED = "contract_offered"
    CONTRACT_SIGNED = "contract_signed"
    DEPLOYED = "deployed"
    WOUNDED = "wounded"
    KILLED = "killed"
    MISSING = "missing"
    RETURNED = "returned"


#: Military statuses that make the return-risk explanation (Uzbek CC arts. 154, 154-1) mandatory.
MILITARY_INVOLVEMENT = frozenset(
    {
        MilitaryStatus.CONTRACT_SIGNED,
        MilitaryStatus.DEPLOYED,
        MilitaryStatus.WOUNDED,
        MilitaryStatus.MISSING,
        MilitaryStatus.RETURNED,
    }
)


class CoercionType(Labelled):
    BEATING = "beating"
    PSYCHOLOGICAL = "psychological"
    ISOLATION = "isolation"
    DEPRIVATION = "deprivation"
    FORCED_CONTRACT = "forced_contract"
    THREATS_TO_FAMILY = "threats_to_family"
    FABRICATED_CHARGES = "fabricated_charges"
    NO_CONSULAR_ACCESS = "no_consular_access"
    NO_LAWYER = "no_lawyer"
    OTHER = "other"


class ClaimSource(Labelled):
    PERSON = "person"
    RELATIVE = "relative"
    LAWYER = "lawyer"
    MEDIA = "media"
    OTHER = "other"


class Evidence(Labelled):
    NONE = "none"
    STATEMENT = "statement"
    DOCUMENT = "document"
    MEDICAL = "medical"
    PHOTO = "photo"


class ClosingReason(Labelled):
    TRANSFERRED = "transferred"
    RELEASED = "released"
    DEPORTED = "deported"
    WITHDREW = "withdrew"
    DECEASED = "deceased"
    LOST_CONTACT = "lost_contact"
    OTHER = "other"


class RegionUz(Labelled):
    KARAKALPAKSTAN = "karakalpakstan"
    ANDIJAN = "andijan"
    BUKHARA = "bukhara"
    FERGANA = "fergana"
    JIZZAKH = "jizzakh"
    KHOREZM = "khorezm"
    NAMANGAN = "namangan"
    NAVOI = "navoi"
    KASHKADARYA = "kashkadarya"
    SAMARKAND = "samarkand"
    SYRDARYA = "syrdarya"
    SURKHANDARYA = "surkhandarya"
    TASHKENT_REGION = "tashkent_region"
    TASHKENT_CITY = "tashkent_city"
    UNKNOWN = "unknown"


# A list, not a dict literal: members of different enums with the same stored value
# ("none", "unknown", "other") are equal as strings and would collide as keys.
_LABEL_PAIRS: list[tuple[Labelled, object]] = [
    (Sex.MALE, _l("male")),
    (Sex.FEMALE, _l("female")),
    (Sex.UNKNOWN, _l("unknown")),
    (Citizenship.UZ_ONLY, _l("Uzbek only")),
    (Citizenship.UZ_AND_RU, _l("Uzbek and Russian")),
    (Citizenship.RU_AFTER_RENOUNCING, _l("Russian, after renouncing Uzbek")),
    (Citizenship.STATELESS, _l("stateless")),
    (Citizenship.UNKNOWN, _l("unknown")),
    (CustodyType.SIZO, _l("pretrial detention centre (SIZO)")),
    (CustodyType.COLONY, _l("penal colony (IK)")),
    (CustodyType.PRISON, _l("prison")),
    (CustodyType.IMMIGRATION, _l("immigration detention centre (TsVSIG)")),
    (CustodyType.RELEASED, _l("released")),
    (CustodyType.DECEASED, _l("deceased")),
    (CustodyType.UNKNOWN, _l("unknown")),
    (Regime.GENERAL, _l("general regime")),
    (Regime.STRICT, _l("strict regime")),
    (Regime.SPECIAL, _l("special regime")),
    (Regime.SETTLEMENT, _l("colony-settlement")),
    (Regime.EDUCATIONAL, _l("educational colony")),
    (Regime.PRISON, _l("prison")),
    (AppealStatus.NONE, _l("no appeal")),
    (AppealStatus.PENDING, _l("appeal pending")),
    (AppealStatus.DECIDED, _l("appeal decided")),
    (AppealStatus.CASSATION, _l("cassation pending")),
    (AppealStatus.UNKNOWN, _l("unknown")),
    (MilitaryStatus.NONE, _l("none known")),
    (MilitaryStatus.PRESSURED, _l("pressured to enlist")),
    (MilitaryStatus.CONTRACT_OFFERED, _l("contract offered")),
    (MilitaryStatus.CONTRACT_SIGNED, _l("contract signed")),
    (MilitaryStatus.DEPLOYED, _l("deployed")),
    (MilitaryStatus.WOUNDED, _l("wounded")),
    (MilitaryStatus.KILLED, _l("killed")),
    (MilitaryStatus.MISSING, _l("missing in action")),
    (MilitaryStatus.RETURNED, _l("returned")),
    (CoercionType.BEATING, _l("beating")),
    (CoercionType.PSYCHOLOGICAL, _l("psychological pressure")),
    (CoercionType.ISOLATION, _l("isolation")),
    (CoercionType.DEPRIVATION, _l("deprivation of food or water")),
    (CoercionType.FORCED_CONTRACT, _l("forced to sign a military contract")),
    (CoercionType.THREATS_TO_FAMILY, _l("threats to family")),
    (CoercionType.FABRICATED_CHARGES, _l("fabricated charges")),
    (CoercionType.NO_CONSULAR_ACCESS, _l("denied consular access")),
    (CoercionType.NO_LAWYER, _l("denied a lawyer")),
    (CoercionType.OTHER, _l("other")),
    (ClaimSource.PERSON, _l("the person")),
    (ClaimSource.RELATIVE, _l("a relative")),
    (ClaimSource.LAWYER, _l("a lawyer")),
    (ClaimSource.MEDIA, _l("media")),
    (ClaimSource.OTHER, _l("other")),
    (Evidence.NONE, _l("none")),
    (Evidence.STATEMENT, _l("statement")),
    (Evidence.DOCUMENT, _l("document")),
    (Evidence.MEDICAL, _l("medical record")),
    (Evidence.PHOTO, _l("photo")),
    (ClosingReason.TRANSFERRED, _l("transferred")),
    (ClosingReason.RELEASED, _l("released")),
    (ClosingReason.DEPORTED, _l("deported")),
    (ClosingReason.WITHDREW, _l("withdrew")),
    (ClosingReason.DECEASED, _l("deceased")),
    (ClosingReason.LOST_CONTACT, _l("lost contact")),
    (ClosingReason.OTHER, _l("other")),
    (RegionUz.KARAKALPAKSTAN, _l("Republic of Karakalpakstan")),
    (RegionUz.ANDIJAN, _l("Andijan Region")),
    (RegionUz.BUKHARA, _l("Bukhara Region")),
    (RegionUz.FERGANA, _l("Fergana Region")),
    (RegionUz.JIZZAKH, _l("Jizzakh Region")),
    (RegionUz.KHOREZM, _l("Khorezm Region")),
    (RegionUz.NAMANGAN, _l("Namangan Region")),
    (RegionUz.NAVOI, _l("Navoi Region")),
    (RegionUz.KASHKADARYA, _l("Kashkadarya Region")),
    (RegionUz.SAMARKAND, _l("Samarkand Region")),
    (RegionUz.SYRDARYA, _l("Syrdarya Region")),
    (RegionUz.SURKHANDARYA, _l("Surkhandarya Region")),
    (RegionUz.TASHKENT_REGION, _l("Tashkent Region")),
    (RegionUz.TASHKENT_CITY, _l("Tashkent City")),
    (RegionUz.UNKNOWN, _l("unknown")),
]
register(_LABEL_PAIRS)
