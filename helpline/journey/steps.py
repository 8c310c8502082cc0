"""The CAR T journey as data: each step, its typical timing, and where it is explained.

Every duration here is *typical*, taken from the knowledge base fact sheet
(``car-t-facts.md`` section 2 and the 2025 FDA labeling change), and is always
overridden by the person's care team. Offsets are in days relative to one of
two reference dates the person may know:

* ``L`` - the leukapheresis (T-cell collection) day,
* ``I`` - the (first) infusion day.

``Offset(ref, lo, hi)`` means "between ``lo`` and ``hi`` days after the
reference date" (negative = before). When ``lo == hi`` and the reference date is
known, the step has one date; otherwise the person sees a range.

Nothing in this module is product labeling text; product notes appear only where
the fact sheet supports them.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.utils.translation import gettext_lazy as _

TREATMENT_STEPS = "car-t-treatment-steps"
AT_HOME = "car-t-at-home-after-treatment"

# When the infusion date is unknown, it is typically this many days after
# collection (and vice versa). Manufacturing takes "10 days to several weeks"
# [R10]; median vein-to-vein times in one analysis were 30.4-48.4 days
# depending on the product [R17]. Waits can be longer: this is a range, not a date.
VEIN_TO_VEIN_TYPICAL_DAYS = (21, 56)
# Making the cells takes at least about 10 days [R10]: an infusion sooner than
# this after collection means the dates are probably mistyped.
MIN_COLLECTION_TO_INFUSION_DAYS = 10
# Current (2025) labeling: monitoring >= 2 weeks including daily monitoring
# for >= 1 week; stay near the center 2 weeks (was 4); no driving or hazardous
# activities 2 weeks (was 8) [R22][R23][R24][R11][R27a].
MONITORING_DAYS = 14
DAILY_MONITORING_DAYS = 7
STAY_NEAR_CENTER_DAYS = 14
NO_DRIVING_DAYS = 14
OLD_STAY_NEAR_CENTER_WEEKS = 4
OLD_NO_DRIVING_WEEKS = 8
# Acute phase ~30 days [R27a][R12]; manufacturers' safety follow-up 15 years [R26].
ACUTE_PHASE_DAYS = 30
SAFETY_FOLLOW_UP_YEARS = 15


@dataclass(frozen=True)
class Offset:
    ref: str  # "L" or "I"
    lo: int
    hi: int
    years: int = 0  # whole years added after the day offset (15-year follow-up)


@dataclass(frozen=True)
class Product:
    key: str
    brand: str
    generic: str
    # Lymphodepleting chemotherapy: first day relative to infusion, and number of days.
    ld_start: tuple[int, int] = (-9, -4)
    ld_days: int = 3
    split_dose: bool = False
    # True when the 2025 labeling change (2-week stay near the center and no
    # driving) applies; Aucatzyl was approved without a REMS and its own label
    # must be checked [R39b].
    current_labeling_2025: bool = True
    vein_to_vein_median_days: float | None = None
    note: str = ""


PRODUCTS: dict[str, Product] = {
    product.key: product
    for product in [
        Product(
            "kymriah", "Kymriah", "tisagenlecleucel",
            # 4-day course [R3]; chemotherapy ends 2-7 days before infusion [R28b].
            ld_start=(-10, -5), ld_days=4, vein_to_vein_median_days=48.4,
        ),
        Product(
            "yescarta", "Yescarta", "axicabtagene ciloleucel",
            # Days -5, -4 and -3 [R19].
            ld_start=(-5, -5), ld_days=3, vein_to_vein_median_days=30.4,
        ),
        Product(
            "tecartus", "Tecartus", "brexucabtagene autoleucel",
            # Starts 5 days before infusion [R18b].
            ld_start=(-5, -5), ld_days=3,
        ),
        Product("breyanzi", "Breyanzi", "lisocabtagene maraleucel", vein_to_vein_median_days=35.9),
        Product(
            "abecma", "Abecma", "idecabtagene vicleucel",
            note=_("Making Abecma cells takes about 4 weeks."),  # [R18a]
        ),
        Product("carvykti", "Carvykti", "ciltacabtagene autoleucel"),
        Product(
            "aucatzyl", "Aucatzyl", "obecabtagene autoleucel",
            split_dose=True, current_labeling_2025=False,
            note=_(
                "Aucatzyl is given as a split dose: on day 1 and around day 10 "
                "(give or take 2 days)."
            ),  # [R21]
        ),
    ]
}
GENERIC_PRODUCT = Product("", "", "")


@dataclass(frozen=True)
class Step:
    key: str
    title: str
    what: str
    typical: str
    arrange: tuple[str, ...]
    start: Offset | None
    end: Offset | None
    article: str
    anchor: str
    refs: tuple[str, ...]
    # "before": happens before ``end``; "point": one day; "period": start..end;
    # "milestone": a date to remember.
    kind: str = "period"
    products: tuple[str, ...] = field(default=())  # only for these products (empty = all)
    needs_current_labeling: bool = False


STEPS: tuple[Step, ...] = (
    Step(
        key="evaluation",
        title=_("Referral and evaluation"),
        what=_(
            "Tests to check that CAR T-cell therapy is right for you: blood and urine tests, "
            "a chest X-ray, heart and lung checks, scans and sometimes a bone marrow biopsy."
        ),
        typical=_("How long this takes varies. Waiting for a treatment slot can take a while."),
        arrange=(
            _("Ask who will be your caregiver during the first weeks after the infusion."),
            _("Ask your insurance about coverage, and about help with travel and lodging."),
        ),
        start=None,
        end=Offset("L", 0, 0),
        article=TREATMENT_STEPS,
        anchor="evaluation",
        refs=("§2 [R16][R17b]",),
        kind="before",
    ),
    Step(
        key="leukapheresis",
        title=_("Leukapheresis (collecting your T cells)"),
        what=_(
            "Your blood goes through a machine that keeps the white blood cells and returns the "
            "rest. Tingling around the lips or fingers can happen; tell the nurse, it can be "
            "treated with calcium."
        ),
        typical=_("Usually one day, lasting a few hours (about 2 to 6); sometimes repeated."),
        arrange=(
            _("A ride home, and something to do while you sit for several hours."),
            _("Eat before you come unless your team says otherwise."),
        ),
        start=Offset("L", 0, 0),
        end=Offset("L", 0, 0),
        article=TREATMENT_STEPS,
        anchor="leukapheresis",
        refs=("§2 [R10]-[R15]",),
        kind="point",
    ),
    Step(
        key="manufacturing",
        title=_("Making your CAR T cells"),
        what=_(
            "Your cells are sent to a laboratory, changed so they can find the cancer, grown to "
            "large numbers, frozen and sent back to your treatment center."
        ),
        typical=_("About 10 days to several weeks."),
        arrange=(
            _("Plan lodging near the treatment center for the weeks after the infusion."),
            _("Line up rides: you will not be able to drive for a while after the infusion."),
        ),
        start=Offset("L", 1, 1),
        end=Offset("I", -1, -1),
        article=TREATMENT_STEPS,
        anchor="manufacturing",
        refs=("§2 [R10][R17][R18a]",),
    ),
    Step(
        key="bridging",
        title=_("Bridging therapy (if your team uses it)"),
        what=_(
            "Some people get treatment, such as chemotherapy or radiation, to keep the cancer "
            "under control while the cells are being made."
        ),
        typical=_("Weeks, while your cells are being made."),
        arrange=(),
        start=Offset("L", 1, 1),
        end=Offset("I", -10, -5),  # replaced by the day before chemotherapy starts
        article=TREATMENT_STEPS,
        anchor="bridging-therapy",
        refs=("§2 [R11][R8]",),
    ),
    Step(
        key="lymphodepletion",
        title=_("Lymphodepleting chemotherapy"),
        what=_(
            "A short course of chemotherapy, usually fludarabine and cyclophosphamide, that makes "
            "room in your body for the CAR T cells."
        ),
        typical=_("About 3 days, ending 2 to 7 days before the infusion."),
        arrange=(
            _("Your caregiver should be ready from now on."),
        ),
        start=Offset("I", -9, -4),  # replaced per product
        end=Offset("I", -7, -2),
        article=TREATMENT_STEPS,
        anchor="lymphodepleting-chemotherapy",
        refs=("§2 [R19][R8][R18b][R3][R28b]",),
    ),
    Step(
        key="infusion",
        title=_("CAR T-cell infusion"),
        what=_(
            "Your CAR T cells are given back through a vein (IV), after medicines to prevent a "
            "reaction."
        ),
        typical=_("Less than 30 minutes to about an hour."),
        arrange=(
            _("Your caregiver with you, and the treatment center's 24-hour phone number."),
        ),
        start=Offset("I", 0, 0),
        end=Offset("I", 0, 0),
        article=TREATMENT_STEPS,
        anchor="infusion",
        refs=("§2 [R10][R16][R21]",),
        kind="point",
    ),
    Step(
        key="second_dose",
        title=_("Second part of the split dose"),
        what=_("The second infusion of a split dose."),
        typical=_("Around day 10, give or take 2 days (day 1 is the first infusion)."),
        arrange=(),
        start=Offset("I", 7, 11),
        end=Offset("I", 7, 11),
        article=TREATMENT_STEPS,
        anchor="infusion",
        refs=("§2 [R21]",),
        kind="point",
        products=("aucatzyl",),
    ),
    Step(
        key="monitoring",
        title=_("Close monitoring"),
        what=_(
            "Your team checks you for side effects such as fever, confusion or low blood "
            "pressure, in the hospital or as an outpatient. Checks are daily for at least the "
            "first week."
        ),
        typical=_(
            "At least 2 weeks under current labeling, including daily checks for at least 1 week."
        ),
        arrange=(
            _("A caregiver with you around the clock."),
            _("A thermometer, and your team's 24-hour number saved in your phone."),
        ),
        start=Offset("I", 0, 0),
        end=Offset("I", MONITORING_DAYS, MONITORING_DAYS),
        article=TREATMENT_STEPS,
        anchor="monitoring",
        refs=("§2, 2025 FDA change [R22][R23]",),
        needs_current_labeling=True,
    ),
    Step(
        key="stay_near",
        title=_("Staying near the treatment center"),
        what=_(
            "Stay close to your treatment center so you can get there quickly if you have side "
            "effects. Older labels said 4 weeks, and some centers still ask for longer: follow "
            "your team."
        ),
        typical=_("At least 2 weeks after the infusion under current labeling."),
        arrange=(
            _("Lodging near the center for you and your caregiver."),
        ),
        start=Offset("I", 0, 0),
        end=Offset("I", STAY_NEAR_CENTER_DAYS, STAY_NEAR_CENTER_DAYS),
        article=TREATMENT_STEPS,
        anchor="staying-near-the-center",
        refs=("2025 FDA change [R23][R24]",),
        needs_current_labeling=True,
    ),
    Step(
        key="no_driving",
        title=_("No driving or hazardous activities"),
        what=_(
            "Do not drive or operate heavy machinery: side effects can affect your thinking and "
            "alertness. Older labels said 8 weeks, and some centers still ask for longer: follow "
            "your team."
        ),
        typical=_("At least 2 weeks after the infusion under current labeling."),
        arrange=(
            _("Rides to and from every appointment."),
        ),
        start=Offset("I", 0, 0),
        end=Offset("I", NO_DRIVING_DAYS, NO_DRIVING_DAYS),
        article=AT_HOME,
        anchor="driving-and-distance",
        refs=("2025 FDA change [R23][R24][R11][R27a]",),
        needs_current_labeling=True,
    ),
    Step(
        key="recovery",
        title=_("Early recovery"),
        what=_(
            "Tiredness, poor appetite and trouble concentrating are common and usually get "
            "better. Blood counts can stay low for months, so you may take medicines against "
            "infection."
        ),
        typical=_("The first phase lasts about 30 days; recovery takes weeks to months."),
        arrange=(
            _("Keep your CAR T wallet card with you and show it at any emergency visit."),
        ),
        start=Offset("I", 0, 0),
        end=Offset("I", ACUTE_PHASE_DAYS, ACUTE_PHASE_DAYS),
        article=AT_HOME,
        anchor="recovery",
        refs=("§2 [R27a][R12]",),
    ),
    Step(
        key="follow_up",
        title=_("Long-term follow-up"),
        what=_(
            "Your care is shared with your local oncologist. Scans or marrow tests check the "
            "response in the first months, and you are watched for new cancers for life."
        ),
        typical=_("From the first months, for life."),
        arrange=(
            _("Tell every doctor you see that you had CAR T-cell therapy."),
        ),
        start=Offset("I", ACUTE_PHASE_DAYS, ACUTE_PHASE_DAYS),
        end=None,
        article=TREATMENT_STEPS,
        anchor="long-term-follow-up",
        refs=("§2 [R27a][R12][R49]",),
        kind="milestone",
    ),
    Step(
        key="safety_follow_up",
        title=_("15 years after the infusion"),
        what=_("The manufacturers' long-term safety studies follow people for 15 years."),
        typical=_("15 years after the infusion."),
        arrange=(),
        start=Offset("I", 0, 0, years=SAFETY_FOLLOW_UP_YEARS),
        end=None,
        article=TREATMENT_STEPS,
        anchor="long-term-follow-up",
        refs=("§2, 2025 FDA change [R26]",),
        kind="milestone",
    ),
)

STEP_BY_KEY = {step.key: step for step in STEPS}

CAREGIVER_CHECKLIST: tuple[str, ...] = (
    _("A caregiver (care partner) who can be with you around the clock during the first weeks."),
    _("A back-up caregiver in case the main one gets sick or needs rest."),
    _("Lodging near the treatment center for at least the first 2 weeks after the infusion."),
    _("Rides to every appointment: you cannot drive for at least 2 weeks after the infusion."),
    _("The treatment center's 24-hour phone number, saved in both your phones."),
    _("A thermometer, and a notebook to write down temperatures, medicines and questions."),
    _("Your CAR T wallet card, to show at any emergency room or doctor visit."),
    _("A list of your medicines, including those to prevent infection."),
    _("A plan for meals, pets, children and bills while you are away from home."),
)
