"""Planning assumptions: staffing norms, WISN parameters, position costs, priority weights.

Every number here is a planning assumption, not a legal standard (no legal
per-capita norm for hromada social workers exists). The documented defaults
live in ``data/assumptions.toml``; the dataclass defaults below are the same
values (a test pins them equal), so that metrics work without reading a file.

An :class:`Assumptions` object is frozen: the app edits it per session by
making a modified copy with :meth:`Assumptions.updated` (dotted keys as in the
TOML file) or :func:`dataclasses.replace`. Every copy is validated again, and
an invalid value fails with a ``ValueError`` that names its key, e.g.
``wisn.support_share must be a number >= 0 and < 1 ..., got 1.0``.

Pure: no file I/O. ``loaders.read_assumptions`` reads the TOML file and calls
:func:`assumptions_from_dict`.
"""

from __future__ import annotations

import copy
import math
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from core.schema import COMMUNITY_ROLES, ROLES

__all__ = [
    "EQUITY_MEASURES",
    "OBJECTIVES",
    "ROLES",
    "PRIORITY_COMPONENTS",
    "RoleNorm",
    "CaseType",
    "IndividualAllowance",
    "SupportActivity",
    "WisnCategory",
    "WisnParameters",
    "PositionCost",
    "FundingParameters",
    "Assumptions",
    "assumptions_from_dict",
]

#: Components of the donor priority index (see :mod:`metrics.priority`).
#: Objectives and equity measures of the funding allocator (:mod:`metrics.allocator`), here so that the
#: command line can offer them without importing the solver (``scipy.optimize``).
OBJECTIVES = ("coverage", "equity", "lifted")
EQUITY_MEASURES = ("norm", "wisn")

PRIORITY_COMPONENTS = ("gap_per_10k", "idp_share", "no_psychologist", "caseload_per_worker")

_OBLAST_CODE = re.compile(r"^UA\d{17}$")


def _is_number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value)


#: No planning assumption is larger (hours, UAH a year, positions per 10,000 people, weights).
MAXIMUM_VALUE = 1e9
#: An IDP counts as at most this many residents in the staffing need.
MAXIMUM_IDP_WEIGHT = 10.0


def _check(
    problems: list[str],
    key: str,
    value: Any,
    minimum: float = 0.0,
    positive: bool = False,
    maximum: float = MAXIMUM_VALUE,
) -> None:
    """Add a problem naming ``key`` unless ``value`` is a finite number >= minimum (> if positive) and <= maximum."""
    if not _is_number(value) or value < minimum or (positive and value <= minimum):
        relation = ">" if positive else ">="
        problems.append(f"{key} must be a number {relation} {minimum:g}, got {value!r}")
    elif value > maximum:
        problems.append(f"{key} must be at most {maximum:g}, got {value!r}")


def _raise(problems: list[str]) -> None:
    if problems:
        raise ValueError("; ".join(problems))


@dataclass(frozen=True)
class RoleNorm:
    """The staffing norm of one role.

    Attributes
    ----------
    role
        One of :data:`ROLES`.
    workers_per_10k
        Full-time positions needed per 10,000 people (residents + IDP weight x IDPs).
    workers_per_10k_children
        Positions needed per 10,000 children, used where the number of
        children is known; 0 switches it off. The need of the role is the
        larger of the two.
    """

    role: str
    workers_per_10k: float
    workers_per_10k_children: float = 0.0

    def __post_init__(self) -> None:
        problems: list[str] = []
        if self.role not in ROLES:
            problems.append(f"norm.{self.role}: unknown role (expected one of {', '.join(ROLES)})")
        _check(problems, f"norm.{self.role}.workers_per_10k", self.workers_per_10k)
        _check(problems, f"norm.{self.role}.workers_per_10k_children", self.workers_per_10k_children)
        _raise(problems)


#: How a case type's count is given: cases a year (a flow) or cases open at a date (a stock).
COUNT_KINDS = ("flow", "stock")


@dataclass(frozen=True)
class CaseType:
    """A case type of the WISN workload: a count column of the hromadas table.

    Attributes
    ----------
    column
        Column of the hromadas table with the count of cases
        (``families_sjo``: families in difficult life circumstances, СЖО;
        ``low_income_families``: low-income families with children;
        ``home_care_recipients``: people receiving home care).
    hours_per_case
        The WISN activity standard: hours of work per case (per case a year for a flow).
    count
        ``"flow"``: the column counts cases a year; ``"stock"``: cases open
        at a date, each lasting ``duration_months`` on average, so that
        cases a year = stock x 12 / duration_months (Little's law).
    duration_months
        Average duration of a case in months (a stock only), > 0.
    where
        The key named in error messages.
    """

    column: str
    hours_per_case: float
    count: str = "flow"
    duration_months: float = 12.0
    where: str = field(default="", compare=False)

    def __post_init__(self) -> None:
        problems: list[str] = []
        key = self.where or f"wisn.hours_per_case.{self.column}"
        _check(problems, key if not self.where else f"{key}.hours_per_case", self.hours_per_case, positive=True)
        if self.count not in COUNT_KINDS:
            problems.append(f"{key}.count must be 'flow' (cases a year) or 'stock' (cases open), got {self.count!r}")
        _check(problems, f"{key}.duration_months", self.duration_months, positive=True, maximum=120)
        _raise(problems)

    @property
    def cases_a_year_per_count(self) -> float:
        """Cases a year per unit of the count: 1 for a flow, 12 / duration_months for a stock."""
        return 1.0 if self.count == "flow" else 12.0 / self.duration_months


@dataclass(frozen=True)
class SupportActivity:
    """A WISN support activity of a staff category and its category allowance standard (CAS).

    ``share``: the share of every worker's time it takes (0 to < 1), e.g. 0.1 = 10 %.
    """

    activity: str
    share: float
    where: str = field(default="", compare=False)

    def __post_init__(self) -> None:
        problems: list[str] = []
        if not (_is_number(self.share) and 0 <= self.share < 1):
            problems.append(
                f"{self.where or 'wisn.support'} ({self.activity!r}).share must be a share >= 0 and < 1 of working "
                f"time (0.1 = 10 %), got {self.share!r}"
            )
        _raise(problems)


@dataclass(frozen=True)
class IndividualAllowance:
    """Work done by some (not all) staff of a hromada: the WISN individual allowance.

    Attributes
    ----------
    activity
        What the work is.
    staff
        Staff members per hromada who do it.
    hours_per_year
        Hours per year each of them spends on it.
    """

    activity: str
    staff: float
    hours_per_year: float
    where: str = field(default="", compare=False)

    def __post_init__(self) -> None:
        problems: list[str] = []
        key = f"{self.where or 'wisn.individual_allowances'} ({self.activity!r})"
        _check(problems, f"{key}.staff", self.staff)
        _check(problems, f"{key}.hours_per_year", self.hours_per_year)
        _raise(problems)


@dataclass(frozen=True)
class WisnCategory:
    """The WISN standards of one staff category (a role): its case types, support activities and additional ones.

    Attributes
    ----------
    role
        One of :data:`ROLES`.
    case_types
        The category's case types with its own activity standards (:class:`CaseType`).
    support
        Support activities done by every worker of the category, each with its
        share of working time (CAS); CAF = 1 / (1 - sum of the shares).
    additional
        Additional activities done by some workers only (IAS): staff per
        hromada x hours a year each; IAF = their sum / AWT.
    """

    role: str
    case_types: tuple[CaseType, ...]
    support: tuple[SupportActivity, ...] = ()
    additional: tuple[IndividualAllowance, ...] = ()

    def __post_init__(self) -> None:
        problems: list[str] = []
        if self.role not in ROLES:
            problems.append(f"wisn.{self.role}: unknown staff category (expected one of {', '.join(ROLES)})")
        if not self.case_types:
            problems.append(f"wisn.{self.role}.case_types: at least one case type is needed")
        columns = [c.column for c in self.case_types]
        duplicated = sorted({c for c in columns if columns.count(c) > 1})
        if duplicated:
            problems.append(f"wisn.{self.role}.case_types: given twice: {', '.join(duplicated)}")
        total = sum(a.share for a in self.support if _is_number(a.share))
        if total >= 1:
            problems.append(
                f"wisn.{self.role}.support: the shares add up to {total:g}; support activities must leave "
                "time for cases (sum < 1)"
            )
        _raise(problems)

    @property
    def support_share(self) -> float:
        """Share of working time on support activities (the sum of the CAS)."""
        return float(sum(a.share for a in self.support))


_DEFAULT_CASE_TYPES = (CaseType("families_sjo", 40.0), CaseType("low_income_families", 8.0))
_DEFAULT_ALLOWANCES = (
    IndividualAllowance("coordination with the children's service and interagency meetings", 1.0, 96.0),
)
#: The default WISN standards per staff category (data/assumptions.toml, [wisn.<role>]; sources there).
_DEFAULT_CATEGORIES = (
    WisnCategory(
        "social_work_specialist",
        (CaseType("families_sjo", 24.0, "stock", 6.0), CaseType("low_income_families", 8.0, "flow")),
        (
            SupportActivity("records and reporting", 0.10),
            SupportActivity("team meetings and supervision", 0.05),
            SupportActivity("travel between settlements", 0.05),
        ),
        (IndividualAllowance("coordination with the children's service and interagency meetings", 1.0, 96.0),),
    ),
    WisnCategory(
        "social_worker",
        (CaseType("home_care_recipients", 240.0, "stock", 12.0),),
        (SupportActivity("records and reporting", 0.05), SupportActivity("travel between settlements", 0.10)),
    ),
    WisnCategory(
        "psychologist",
        (CaseType("families_sjo", 6.0, "stock", 6.0),),
        (SupportActivity("records and reporting", 0.10), SupportActivity("supervision", 0.05)),
        (IndividualAllowance("group sessions in schools and community centres", 1.0, 96.0),),
    ),
)


@dataclass(frozen=True)
class WisnParameters:
    """Parameters of WHO WISN (Workload Indicators of Staffing Need).

    Days are working days per year (the available working time, common to
    every staff category). ``categories``: the standards of each staff
    category (:class:`WisnCategory`, the default: per role). Without
    categories the earlier single-cadre form applies: the community social
    workers together, with ``case_types`` (hours per case a year),
    ``support_share`` (0 to < 1) and ``individual_allowances``.
    """

    working_days: float = 260.0
    public_holidays: float = 0.0
    annual_leave_days: float = 17.0
    sick_days: float = 8.0
    training_days: float = 5.0
    hours_per_day: float = 8.0
    support_share: float = 0.2
    case_types: tuple[CaseType, ...] = _DEFAULT_CASE_TYPES
    individual_allowances: tuple[IndividualAllowance, ...] = _DEFAULT_ALLOWANCES
    categories: tuple[WisnCategory, ...] = _DEFAULT_CATEGORIES

    def __post_init__(self) -> None:
        problems: list[str] = []
        roles = [c.role for c in self.categories]
        duplicated_roles = sorted({r for r in roles if roles.count(r) > 1})
        if duplicated_roles:
            problems.append(f"wisn: staff categories given twice: {', '.join(duplicated_roles)}")
        for name in ("working_days", "public_holidays", "annual_leave_days", "sick_days", "training_days"):
            _check(problems, f"wisn.{name}", getattr(self, name))
        _check(problems, "wisn.hours_per_day", self.hours_per_day, positive=True)
        if not (_is_number(self.hours_per_day) and self.hours_per_day <= 24):
            problems.append(f"wisn.hours_per_day must be <= 24, got {self.hours_per_day!r}")
        if not (_is_number(self.support_share) and 0 <= self.support_share < 1):
            problems.append(
                "wisn.support_share must be a number >= 0 and < 1 (a share of working time, 0.2 = 20 %), "
                f"got {self.support_share!r}"
            )
        if not problems and self.available_days <= 0:
            problems.append(
                "wisn.working_days must exceed public_holidays + annual_leave_days + sick_days + training_days "
                f"(available working time must be > 0), got {self.working_days!r} days against "
                f"{self.working_days - self.available_days!r} days off"
            )
        columns = [c.column for c in self.case_types]
        if not columns:
            problems.append("wisn.hours_per_case: at least one case type is needed")
        duplicated = sorted({c for c in columns if columns.count(c) > 1})
        if duplicated:
            problems.append(f"wisn.hours_per_case: case type(s) given twice: {', '.join(duplicated)}")
        _raise(problems)

    def category(self, role: str) -> WisnCategory | None:
        """The standards of ``role`` (None: the role has no WISN category)."""
        for category in self.categories:
            if category.role == role:
                return category
        return None

    @property
    def available_days(self) -> float:
        """Working days minus holidays, leave, sick and training days."""
        return self.working_days - self.public_holidays - self.annual_leave_days - self.sick_days - self.training_days


@dataclass(frozen=True)
class PositionCost:
    """Annual cost of one full-time position (salary + employer's social contribution + work costs).

    ``oblast_code`` None is the national default; a KATOTTG oblast code
    overrides it for the hromadas of that oblast.
    """

    role: str
    annual_cost_uah: float
    oblast_code: str | None = None

    def __post_init__(self) -> None:
        problems: list[str] = []
        key = f"cost.{self.role}" if self.oblast_code is None else f"cost.oblast.{self.oblast_code}.{self.role}"
        if self.role not in ROLES:
            problems.append(f"{key}: unknown role (expected one of {', '.join(ROLES)})")
        if self.oblast_code is not None and not _OBLAST_CODE.match(str(self.oblast_code)):
            problems.append(
                f"cost.oblast.{self.oblast_code}: expected a KATOTTG oblast code such as UA05000000000010236"
            )
        _check(problems, key, self.annual_cost_uah)
        _raise(problems)


_DEFAULT_ONE_OFF = (("training", 15_000.0), ("equipment", 35_000.0), ("transport", 0.0))


@dataclass(frozen=True)
class FundingParameters:
    """How a donor programme pays for positions (the ``[funding]`` section).

    Attributes
    ----------
    years
        Length of the programme, 1 to 5 years; the budget is for all of it.
    handover_share
        Share of a new post's annual cost handed over to the hromada budget
        each year from the second: the donor pays max(0, 1 - handover_share
        x (year - 1)) of it in each year.
    recruitment_cost
        One-off cost of recruiting one person (advertising, selection), UAH;
        the only cost of filling a vacant approved post.
    one_off
        ``(item, UAH)`` one-off costs of each new post (training, equipment, transport).
    fill_vacancies
        Fill vacant approved posts (recruitment only) before creating new ones.
    max_hromada_share
        Most positions one hromada may get, as a share of all positions funded (0 < share <= 1).
    max_role_share
        ``(role, share)``: most positions of a role as a share of all funded.
    """

    years: int = 3
    handover_share: float = 0.33
    recruitment_cost: float = 10_000.0
    one_off: tuple[tuple[str, float], ...] = _DEFAULT_ONE_OFF
    fill_vacancies: bool = True
    max_hromada_share: float = 0.25
    max_role_share: tuple[tuple[str, float], ...] = (("psychologist", 0.3),)

    def __post_init__(self) -> None:
        problems: list[str] = []
        if isinstance(self.years, bool) or not isinstance(self.years, int) or not 1 <= self.years <= 5:
            problems.append(f"funding.years must be a whole number of years from 1 to 5, got {self.years!r}")
        if not (_is_number(self.handover_share) and 0 <= self.handover_share <= 1):
            problems.append(f"funding.handover_share must be a share from 0 to 1, got {self.handover_share!r}")
        _check(problems, "funding.recruitment_cost", self.recruitment_cost)
        for item, value in self.one_off:
            _check(problems, f"funding.one_off.{item}", value)
        if not isinstance(self.fill_vacancies, bool):
            problems.append(f"funding.fill_vacancies must be true or false, got {self.fill_vacancies!r}")
        if not (_is_number(self.max_hromada_share) and 0 < self.max_hromada_share <= 1):
            problems.append(f"funding.max_hromada_share must be a share > 0 and <= 1, got {self.max_hromada_share!r}")
        for role, share in self.max_role_share:
            if role not in ROLES:
                problems.append(f"funding.max_role_share.{role}: unknown role (expected one of {', '.join(ROLES)})")
            if not (_is_number(share) and 0 <= share <= 1):
                problems.append(f"funding.max_role_share.{role} must be a share from 0 to 1, got {share!r}")
        _raise(problems)

    def donor_shares(self) -> tuple[float, ...]:
        """The donor's share of a new post's annual cost in each year of the programme."""
        return tuple(max(0.0, 1.0 - self.handover_share * y) for y in range(self.years))

    @property
    def one_off_cost(self) -> float:
        """One-off cost of a new post: recruitment plus the one-off items, UAH."""
        return float(self.recruitment_cost + sum(v for _, v in self.one_off))

    def role_shares(self) -> dict[str, float]:
        return dict(self.max_role_share)


_BASES = ("pre_war", "residents_plus_idp", "present")
#: IOM DTM General Population Survey round 20 (Apr 2025), "Top 5 Oblasts of origin of IDPs".
_DEFAULT_ORIGIN = (("UA14", 0.29), ("UA63", 0.19), ("UA65", 0.11), ("UA23", 0.10), ("UA44", 0.08))
#: State Statistics Service, resident population by age on 1 Jan 2022 (table 3): residents 0-17 / all residents
#: per oblast, rounded to 4 decimals (``data/children_2022.csv``; Crimea and Sevastopol: not published).
_DEFAULT_CHILDREN = (
    ("UA05", 0.1824), ("UA07", 0.2301), ("UA12", 0.1810), ("UA14", 0.1308), ("UA18", 0.1937),
    ("UA21", 0.2324), ("UA23", 0.1712), ("UA26", 0.1999), ("UA32", 0.2070), ("UA35", 0.1760),
    ("UA44", 0.1153), ("UA46", 0.1933), ("UA48", 0.1808), ("UA51", 0.1992), ("UA53", 0.1678),
    ("UA56", 0.2389), ("UA59", 0.1544), ("UA61", 0.1860), ("UA63", 0.1630), ("UA65", 0.1890),
    ("UA68", 0.1857), ("UA71", 0.1629), ("UA73", 0.2044), ("UA74", 0.1590), ("UA80", 0.1953),
)  # fmt: skip

_DEFAULT_NORMS = (
    RoleNorm("social_work_specialist", 1.0, 6.0),
    RoleNorm("social_worker", 1.0, 6.0),
    RoleNorm("psychologist", 0.5, 3.0),
)
_DEFAULT_COSTS = (
    PositionCost("social_work_specialist", 200_000.0),
    PositionCost("social_worker", 160_000.0),
    PositionCost("psychologist", 200_000.0),
)
_DEFAULT_WEIGHTS = (("gap_per_10k", 0.4), ("idp_share", 0.2), ("no_psychologist", 0.15), ("caseload_per_worker", 0.25))


@dataclass(frozen=True)
class Assumptions:
    """All planning assumptions; the defaults are those of ``data/assumptions.toml``.

    Attributes
    ----------
    norms
        One :class:`RoleNorm` per role of :data:`ROLES`.
    idp_weight
        How much one IDP counts as a resident when need is computed.
    wisn
        WISN parameters for community social workers (:class:`WisnParameters`).
    costs
        Annual cost of a position per role (national), and optional per-oblast overrides.
    caseload_per_worker_max
        Cases (all case types) per community social worker above which a hromada is flagged.
    priority_weights
        ``(component, weight)`` for each of :data:`PRIORITY_COMPONENTS`.
    funding
        How a donor programme pays for positions (:class:`FundingParameters`).
    population_base
        Whom the need counts: ``"present"`` (default: each displaced person
        once, occupied territory out), ``"residents_plus_idp"`` (an upper
        bound) or ``"pre_war"`` (see :mod:`metrics.population`).
    origin_shares
        ``(oblast P-code, share)``: where IDPs come from (IOM), for the present base.
    children_shares
        ``(oblast P-code, share)``: residents aged 0-17 / all residents of the
        oblast (State Statistics, 1 Jan 2022); children of a hromada whose
        table gives none are estimated with it (:func:`metrics.population.children_estimate`).
        Empty: no estimate.
    """

    norms: tuple[RoleNorm, ...] = _DEFAULT_NORMS
    idp_weight: float = 1.0
    wisn: WisnParameters = field(default_factory=WisnParameters)
    costs: tuple[PositionCost, ...] = _DEFAULT_COSTS
    caseload_per_worker_max: float = 100.0
    priority_weights: tuple[tuple[str, float], ...] = _DEFAULT_WEIGHTS
    funding: FundingParameters = field(default_factory=FundingParameters)
    population_base: str = "present"
    priority_min_components: int = 3
    origin_shares: tuple[tuple[str, float], ...] = _DEFAULT_ORIGIN
    children_shares: tuple[tuple[str, float], ...] = _DEFAULT_CHILDREN

    def __post_init__(self) -> None:
        problems: list[str] = []
        for code, share in self.children_shares:
            if not re.fullmatch(r"UA\d{2}", str(code)):
                problems.append(f"population.children_share.{code}: expected an oblast P-code such as UA05")
            if not (_is_number(share) and 0 <= share <= 1):
                problems.append(f"population.children_share.{code} must be a share from 0 to 1, got {share!r}")
        if self.population_base not in _BASES:
            problems.append(f"population.base must be one of {', '.join(_BASES)}, got {self.population_base!r}")
        for code, share in self.origin_shares:
            if not re.fullmatch(r"UA\d{2}", str(code)):
                problems.append(f"population.origin_shares.{code}: expected an oblast P-code such as UA14")
            if not (_is_number(share) and 0 <= share <= 1):
                problems.append(f"population.origin_shares.{code} must be a share from 0 to 1, got {share!r}")
        if all(_is_number(s) for _, s in self.origin_shares) and sum(s for _, s in self.origin_shares) > 1 + 1e-9:
            problems.append("population.origin_shares: the shares add up to more than 1")
        _check(problems, "norm.idp_weight", self.idp_weight, maximum=MAXIMUM_IDP_WEIGHT)
        roles = [n.role for n in self.norms]
        for role in ROLES:
            if role not in roles:
                problems.append(f"norm.{role}: missing role (every role of {', '.join(ROLES)} needs a norm)")
            elif roles.count(role) > 1:
                problems.append(f"norm.{role}: given more than once")
        national = [c.role for c in self.costs if c.oblast_code is None]
        for role in ROLES:
            if role not in national:
                problems.append(f"cost.{role}: missing role (every role of {', '.join(ROLES)} needs a national cost)")
        pairs = [(c.oblast_code, c.role) for c in self.costs]
        duplicated = sorted({f"{o or 'national'}/{r}" for o, r in pairs if pairs.count((o, r)) > 1})
        if duplicated:
            problems.append(f"cost: given more than once: {', '.join(duplicated)}")
        _check(problems, "flags.caseload_per_worker_max", self.caseload_per_worker_max, positive=True)
        weights = dict(self.priority_weights)
        for name, weight in self.priority_weights:
            if name not in PRIORITY_COMPONENTS:
                problems.append(f"priority.{name}: unknown component (expected {', '.join(PRIORITY_COMPONENTS)})")
            _check(problems, f"priority.{name}", weight)
        missing = [c for c in PRIORITY_COMPONENTS if c not in weights]
        if missing:
            problems.append(f"priority: missing weight(s) {', '.join(missing)}")
        if not missing and all(_is_number(w) for w in weights.values()) and sum(weights.values()) <= 0:
            problems.append("priority: at least one weight must be > 0")
        _raise(problems)

    # -- lookups --------------------------------------------------------------
    def role_norm(self, role: str) -> RoleNorm:
        """The norm of ``role``."""
        for norm in self.norms:
            if norm.role == role:
                return norm
        raise ValueError(f"role must be one of {', '.join(ROLES)}, got {role!r}")

    def cost(self, role: str, oblast_code: str | None = None) -> float:
        """Annual cost (UAH) of one position of ``role`` in ``oblast_code`` (national default if none)."""
        national = None
        for item in self.costs:
            if item.role == role and item.oblast_code == oblast_code and oblast_code is not None:
                return item.annual_cost_uah
            if item.role == role and item.oblast_code is None:
                national = item.annual_cost_uah
        if national is None:
            raise ValueError(f"role must be one of {', '.join(ROLES)}, got {role!r}")
        return national

    @property
    def workers_per_10k(self) -> float:
        """Community social workers (specialists + social workers) needed per 10,000 people."""
        return float(sum(self.role_norm(r).workers_per_10k for r in COMMUNITY_ROLES))

    @property
    def weights(self) -> dict[str, float]:
        """Priority weights by component."""
        return dict(self.priority_weights)

    # -- copies ---------------------------------------------------------------
    def to_dict(self) -> dict[str, Any]:
        """The assumptions in the shape of the TOML file (``assumptions_from_dict`` reads it back)."""
        oblast: dict[str, dict[str, float]] = {}
        for c in self.costs:
            if c.oblast_code is not None:
                oblast.setdefault(c.oblast_code, {})[c.role] = c.annual_cost_uah
        cost: dict[str, Any] = {c.role: c.annual_cost_uah for c in self.costs if c.oblast_code is None}
        if oblast:
            cost["oblast"] = oblast
        w = self.wisn
        return {
            "norm": {
                "idp_weight": self.idp_weight,
                **{
                    n.role: {
                        "workers_per_10k": n.workers_per_10k,
                        "workers_per_10k_children": n.workers_per_10k_children,
                    }
                    for n in self.norms
                },
            },
            "wisn": _wisn_dict(w),
            "cost": cost,
            "flags": {"caseload_per_worker_max": self.caseload_per_worker_max},
            "priority": {**dict(self.priority_weights), "min_components": self.priority_min_components},
            "population": {
                "base": self.population_base,
                "origin_shares": dict(self.origin_shares),
                "children_share": dict(self.children_shares),
            },
            "funding": {
                "years": self.funding.years,
                "handover_share": self.funding.handover_share,
                "recruitment_cost": self.funding.recruitment_cost,
                "one_off": dict(self.funding.one_off),
                "fill_vacancies": self.funding.fill_vacancies,
                "max_hromada_share": self.funding.max_hromada_share,
                "max_role_share": dict(self.funding.max_role_share),
            },
        }

    def updated(self, changes: Mapping[str, Any]) -> Assumptions:
        """A validated copy with ``changes`` applied; keys are dotted paths of the TOML file.

        Examples: ``{"norm.idp_weight": 0.5}``, ``{"norm.psychologist.workers_per_10k": 1.0}``,
        ``{"wisn.hours_per_case.families_sjo": 30}``,
        ``{"cost.oblast.UA80000000000093317.social_worker": 190000}``. A value
        of None removes the key (an oblast cost override, for instance).
        Raises ``ValueError`` naming the key of any invalid value.
        """
        spec = copy.deepcopy(self.to_dict())
        for dotted, value in changes.items():
            parts = str(dotted).split(".")
            node = spec
            for part in parts[:-1]:
                child = node.get(part)
                if child is None:
                    child = node[part] = {}
                if not isinstance(child, dict):
                    raise ValueError(f"{dotted}: '{part}' is a value, not a table")
                node = child
            if value is None:
                node.pop(parts[-1], None)
            else:
                node[parts[-1]] = value
        return assumptions_from_dict(spec, where="assumption change")


def _wisn_dict(w: WisnParameters) -> dict[str, Any]:
    """``[wisn]`` in the shape of the TOML file: per staff category, or the single-cadre form without categories."""
    out: dict[str, Any] = {k: getattr(w, k) for k in _WISN_NUMBERS if k != "support_share"}
    if not w.categories:
        out["support_share"] = w.support_share
        out["hours_per_case"] = {c.column: c.hours_per_case for c in w.case_types}
        out["individual_allowances"] = [
            {"activity": a.activity, "staff": a.staff, "hours_per_year": a.hours_per_year}
            for a in w.individual_allowances
        ]
        return out
    for c in w.categories:
        category: dict[str, Any] = {
            "case_types": {
                k.column: {"hours_per_case": k.hours_per_case, "count": k.count}
                | ({"duration_months": k.duration_months} if k.count == "stock" else {})
                for k in c.case_types
            }
        }
        if c.support:
            category["support"] = [{"activity": a.activity, "share": a.share} for a in c.support]
        if c.additional:
            category["additional"] = [
                {"activity": a.activity, "staff": a.staff, "hours_per_year": a.hours_per_year} for a in c.additional
            ]
        out[c.role] = category
    return out


_FUNDING_KEYS = (
    "years",
    "handover_share",
    "recruitment_cost",
    "one_off",
    "fill_vacancies",
    "max_hromada_share",
    "max_role_share",
)

_WISN_NUMBERS = (
    "working_days",
    "public_holidays",
    "annual_leave_days",
    "sick_days",
    "training_days",
    "hours_per_day",
    "support_share",
)


def _table(spec: Mapping[str, Any], key: str, path: str, problems: list[str]) -> dict[str, Any]:
    value = spec.get(key, {})
    if not isinstance(value, Mapping):
        problems.append(f"{path} must be a table, got {value!r}")
        return {}
    return dict(value)


def _unknown(table: Mapping[str, Any], allowed: set[str] | tuple[str, ...], path: str, problems: list[str]) -> None:
    unknown = sorted(set(table) - set(allowed))
    if unknown:
        names = ", ".join(f"{path}{k}" for k in unknown)
        problems.append(f"unknown key(s) {names} (expected {', '.join(f'{path}{a}' for a in allowed)})")


def _number(table: Mapping[str, Any], key: str, path: str, default: float, problems: list[str]) -> float:
    value = table.get(key, default)
    if not _is_number(value):
        problems.append(f"{path} must be a number, got {value!r}")
        return default
    return float(value)


def _build(problems: list[str], make, *args):
    try:
        return make(*args)
    except ValueError as exc:
        problems.append(str(exc))
        return None


def _allowances(items: Any, path: str, problems: list[str]) -> tuple[IndividualAllowance | None, ...]:
    """An array of tables ``activity``, ``staff``, ``hours_per_year`` (WISN individual allowances, IAS)."""
    if not isinstance(items, list):
        problems.append(f"{path} must be an array of tables, got {items!r}")
        return ()
    built = []
    for i, item in enumerate(items, start=1):
        where = f"{path}[{i}]"
        if not isinstance(item, Mapping):
            problems.append(f"{where} must be a table, got {item!r}")
            continue
        _unknown(item, ("activity", "staff", "hours_per_year"), f"{where}.", problems)
        for key in ("activity", "staff", "hours_per_year"):
            if key not in item:
                problems.append(f"{where}.{key}: missing")
        if all(k in item for k in ("activity", "staff", "hours_per_year")):
            built.append(
                _build(
                    problems,
                    IndividualAllowance,
                    str(item["activity"]),
                    item["staff"],
                    item["hours_per_year"],
                    path if path != "wisn.individual_allowances" else "",
                )
            )
    return tuple(built)


def _category(role: str, spec: Any, problems: list[str]) -> WisnCategory | None:
    """``[wisn.<role>]``: ``case_types.<column>`` tables, ``support`` and ``additional`` arrays of tables."""
    path = f"wisn.{role}"
    if not isinstance(spec, Mapping):
        problems.append(f"{path} must be a table, got {spec!r}")
        return None
    _unknown(spec, ("case_types", "support", "additional"), f"{path}.", problems)
    cases = _table(spec, "case_types", f"{path}.case_types", problems)
    case_types = []
    for column, table in cases.items():
        where = f"{path}.case_types.{column}"
        if not isinstance(table, Mapping):
            problems.append(f"{where} must be a table (hours_per_case, count, duration_months), got {table!r}")
            continue
        _unknown(table, ("hours_per_case", "count", "duration_months"), f"{where}.", problems)
        if "hours_per_case" not in table:
            problems.append(f"{where}.hours_per_case: missing")
            continue
        case_types.append(
            _build(
                problems,
                CaseType,
                str(column),
                table["hours_per_case"],
                table.get("count", "flow"),
                table.get("duration_months", 12.0),
                where,
            )
        )
    support = []
    items = spec.get("support", [])
    if not isinstance(items, list):
        problems.append(f"{path}.support must be an array of tables (activity, share), got {items!r}")
        items = []
    for i, item in enumerate(items, start=1):
        where = f"{path}.support[{i}]"
        if not isinstance(item, Mapping) or "activity" not in item or "share" not in item:
            problems.append(f"{where} must be a table with activity and share, got {item!r}")
            continue
        _unknown(item, ("activity", "share"), f"{where}.", problems)
        support.append(_build(problems, SupportActivity, str(item["activity"]), item["share"], where))
    additional = _allowances(spec.get("additional", []), f"{path}.additional", problems)
    if None in case_types or None in support or None in additional:
        return None
    return _build(problems, WisnCategory, role, tuple(case_types), tuple(support), tuple(additional))


def assumptions_from_dict(spec: Mapping[str, Any], where: str = "assumptions") -> Assumptions:
    """Validate a TOML-shaped mapping and build :class:`Assumptions`; every problem is reported at once.

    A key left out takes its default (the value in ``data/assumptions.toml``),
    except that a table of roles must list every role: ``[norm.<role>]``
    (when any role table is given) and ``[cost]`` (when given). The legacy
    shorthand ``norm.workers_per_10k`` (community social workers per 10,000,
    split equally between social work specialists and social workers) is
    accepted when no ``[norm.<role>]`` table is given.

    Raises ``ValueError("<where>: <key> must be ..., got ...; ...")``.
    """
    problems: list[str] = []
    default = Assumptions()
    if not isinstance(spec, Mapping):
        raise ValueError(f"{where}: expected a table of sections, got {type(spec).__name__}")
    _unknown(spec, ("norm", "wisn", "cost", "flags", "priority", "funding", "population"), "", problems)

    # [norm]
    norm = _table(spec, "norm", "norm", problems)
    _unknown(norm, ("idp_weight", "workers_per_10k", *ROLES), "norm.", problems)
    idp_weight = norm.get("idp_weight", default.idp_weight)
    _check(problems, "norm.idp_weight", idp_weight)
    role_tables = [r for r in ROLES if r in norm]
    norms: list[RoleNorm | None] = []
    if role_tables:
        if "workers_per_10k" in norm:
            problems.append(
                "norm.workers_per_10k: give the norm either per role ([norm.social_work_specialist], "
                "[norm.social_worker]) or as one community total, not both"
            )
        for role in ROLES:
            if role not in norm:
                problems.append(f"norm.{role}: missing role (every role of {', '.join(ROLES)} needs a norm)")
                continue
            table = _table(norm, role, f"norm.{role}", problems)
            _unknown(table, ("workers_per_10k", "workers_per_10k_children"), f"norm.{role}.", problems)
            base = default.role_norm(role)
            norms.append(
                _build(
                    problems,
                    RoleNorm,
                    role,
                    table.get("workers_per_10k", base.workers_per_10k),
                    table.get("workers_per_10k_children", base.workers_per_10k_children),
                )
            )
    elif "workers_per_10k" in norm:
        total = norm["workers_per_10k"]
        _check(problems, "norm.workers_per_10k", total)
        if _is_number(total) and total >= 0:
            share = float(total) / len(COMMUNITY_ROLES)
            norms = [
                RoleNorm(n.role, share, n.workers_per_10k_children) if n.role in COMMUNITY_ROLES else n
                for n in default.norms
            ]
    else:
        norms = list(default.norms)

    # [wisn]
    wisn = _table(spec, "wisn", "wisn", problems)
    _unknown(wisn, (*_WISN_NUMBERS, "hours_per_case", "individual_allowances", *ROLES), "wisn.", problems)
    numbers = {k: wisn.get(k, getattr(default.wisn, k)) for k in _WISN_NUMBERS}
    cases = _table(wisn, "hours_per_case", "wisn.hours_per_case", problems)
    case_types = (
        tuple(_build(problems, CaseType, str(k), v) for k, v in cases.items())
        if "hours_per_case" in wisn
        else default.wisn.case_types
    )
    allowances = default.wisn.individual_allowances
    if "individual_allowances" in wisn:
        allowances = _allowances(wisn["individual_allowances"], "wisn.individual_allowances", problems)
    role_tables = [r for r in ROLES if r in wisn]
    if role_tables:
        categories = tuple(_category(role, wisn[role], problems) for role in role_tables)
    elif any(k in wisn for k in ("hours_per_case", "individual_allowances", "support_share")):
        categories = ()  # the earlier single-cadre form: the community social workers together
    else:
        categories = default.wisn.categories
    wisn_params = None
    if None not in case_types and None not in allowances and None not in categories:
        wisn_params = _build(
            problems,
            WisnParameters,
            *[float(v) if _is_number(v) else v for v in numbers.values()],
            case_types,
            allowances,
            categories,
        )

    # [cost]
    costs: list[PositionCost | None] = []
    if "cost" in spec:
        cost = _table(spec, "cost", "cost", problems)
        _unknown(cost, (*ROLES, "oblast"), "cost.", problems)
        for role in ROLES:
            if role not in cost:
                problems.append(f"cost.{role}: missing role (every role of {', '.join(ROLES)} needs a national cost)")
            else:
                costs.append(_build(problems, PositionCost, role, cost[role]))
        oblast = _table(cost, "oblast", "cost.oblast", problems)
        for code, table in oblast.items():
            table = _table(oblast, code, f"cost.oblast.{code}", problems)
            _unknown(table, ROLES, f"cost.oblast.{code}.", problems)
            costs.extend(_build(problems, PositionCost, r, v, code) for r, v in table.items() if r in ROLES)
    else:
        costs = list(default.costs)

    # [flags], [priority]
    flags = _table(spec, "flags", "flags", problems)
    _unknown(flags, ("caseload_per_worker_max",), "flags.", problems)
    threshold = flags.get("caseload_per_worker_max", default.caseload_per_worker_max)
    priority = _table(spec, "priority", "priority", problems)
    _unknown(priority, (*PRIORITY_COMPONENTS, "min_components"), "priority.", problems)
    min_components = priority.get("min_components", default.priority_min_components)
    if isinstance(min_components, float) and min_components.is_integer():
        min_components = int(min_components)
    if isinstance(min_components, bool) or not isinstance(min_components, int) or not 0 <= min_components <= 4:
        problems.append(f"priority.min_components must be a whole number from 0 to 4, got {min_components!r}")
    weights = {**default.weights, **{k: v for k, v in priority.items() if k in PRIORITY_COMPONENTS}}

    # [funding]
    funding_spec = _table(spec, "funding", "funding", problems)
    _unknown(funding_spec, _FUNDING_KEYS, "funding.", problems)
    d = default.funding
    one_off = _table(funding_spec, "one_off", "funding.one_off", problems) if "one_off" in funding_spec else None
    role_share = (
        _table(funding_spec, "max_role_share", "funding.max_role_share", problems)
        if "max_role_share" in funding_spec
        else None
    )
    years = funding_spec.get("years", d.years)
    if isinstance(years, float) and years.is_integer():
        years = int(years)
    funding = _build(
        problems,
        FundingParameters,
        years,
        funding_spec.get("handover_share", d.handover_share),
        funding_spec.get("recruitment_cost", d.recruitment_cost),
        d.one_off if one_off is None else tuple((str(k), v) for k, v in one_off.items()),
        funding_spec.get("fill_vacancies", d.fill_vacancies),
        funding_spec.get("max_hromada_share", d.max_hromada_share),
        d.max_role_share if role_share is None else tuple((str(k), v) for k, v in role_share.items()),
    )

    # [population]
    population = _table(spec, "population", "population", problems)
    _unknown(population, ("base", "origin_shares", "children_share"), "population.", problems)
    base_name = population.get("base", default.population_base)
    origin = (
        tuple((str(k), v) for k, v in _table(population, "origin_shares", "population.origin_shares", problems).items())
        if "origin_shares" in population
        else default.origin_shares
    )
    children = (
        tuple(
            (str(k), v) for k, v in _table(population, "children_share", "population.children_share", problems).items()
        )
        if "children_share" in population
        else default.children_shares
    )

    if problems or None in norms or None in costs or wisn_params is None or funding is None:
        raise ValueError(f"{where}: " + "; ".join(problems))
    try:
        return Assumptions(
            norms=tuple(norms),
            idp_weight=float(idp_weight),
            wisn=wisn_params,
            costs=tuple(costs),
            caseload_per_worker_max=float(threshold) if _is_number(threshold) else threshold,
            priority_weights=tuple((k, float(v) if _is_number(v) else v) for k, v in weights.items()),
            funding=funding,
            population_base=base_name,
            priority_min_components=min_components,
            origin_shares=origin,
            children_shares=children,
        )
    except ValueError as exc:
        raise ValueError(f"{where}: {exc}") from None
