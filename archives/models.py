"""The 3本6盒1证 archive (SPEC §5).

- 三本: `Book` — the 党支部会议记录本 (per year), the 党小组会议记录本 (per group
  per year) and the 党员学习笔记本 (per member per year), registered per year.
- 六盒: `Catalogue` — one box of one branch for one period (a year, or a
  committee term for the 组织管理档案盒) with its catalogue (目录) of numbered
  `Document`s; a box too full for one physical box overflows into boxes
  numbered 1, 2, … (`Catalogue.capacity` documents each).
- `BoxType` and `DocumentKind` hold the rules as data (binding period, box
  capacity, binding deadline; the document kinds of each box and which of them
  a year needs); a data migration seeds the SPEC §5 defaults.
- 一证 (党费证) is the per-member view of the members app's dues ledger
  (`archives.selectors._dues_cards`).

Writes go through `archives.services` (uploads, binding, addenda, books) and
`archives.filing` (records of other apps filing themselves).
"""

from pathlib import PurePosixPath
from uuid import uuid4

from django.apps import apps
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from branches.models import CommitteeTerm, OrgUnit, PartyGroup, TimeStampedModel, acting_user
from config.concurrency import version_field


class BoxKind(models.TextChoices):
    """The six boxes (六盒)."""

    ORGANIZATION = "organization", _("组织管理档案盒")
    MEMBERS = "members", _("党员管理档案盒")
    LIFE = "life", _("组织生活档案盒")
    EDUCATION = "education", _("集中教育档案盒")
    EXCELLENCE = "excellence", _("创先争优档案盒")
    MASS_CULTURE = "mass_culture", _("群团文化档案盒")


# the 组织管理档案盒 is bound once per committee term (届); the others every year
TERM_BOXES = (BoxKind.ORGANIZATION,)


class BoxType(models.Model):
    """How one of the six boxes is kept: how many documents a physical box
    holds, and how soon after its period (the year, or the committee term for
    the 组织管理档案盒) a catalogue must be bound (按期合订, scorecard item F2)."""

    box_kind = models.CharField(_("档案盒"), max_length=20, choices=BoxKind.choices, unique=True)
    capacity = models.PositiveSmallIntegerField(
        _("每盒容量（件）"), default=60, help_text=_("超出后顺延到第2盒、第3盒……")
    )
    bind_within_days = models.PositiveSmallIntegerField(
        _("合订期限（天）"), default=90, help_text=_("年度或任期结束后多少天内应完成合订")
    )
    order = models.PositiveSmallIntegerField(_("排序"), default=0)
    description = models.CharField(_("收存范围"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("档案盒设置")
        verbose_name_plural = _("档案盒设置")
        ordering = ["order", "box_kind"]
        constraints = [models.CheckConstraint(condition=Q(capacity__gte=1), name="boxtype_capacity_positive")]

    def __str__(self):
        return str(self.get_box_kind_display())

    @property
    def per_term(self) -> bool:
        return self.box_kind in TERM_BOXES


class DocumentKind(models.Model):
    """A kind of document a box holds (e.g. 支委会记录 in the 组织生活档案盒).
    `required` kinds make up the box's yearly completeness checklist."""

    class RequiredFor(models.TextChoices):
        ALL = "all", _("所有党支部")
        WITH_COMMITTEE = "with_committee", _("设支部委员会的党支部")
        WITH_GROUPS = "with_groups", _("设党小组的党支部")

    code = models.SlugField(_("代码"), max_length=40, unique=True)
    box_kind = models.CharField(_("档案盒"), max_length=20, choices=BoxKind.choices)
    name = models.CharField(_("名称"), max_length=60)
    required = models.BooleanField(_("必备"), default=False, help_text=_("每个合订周期（年度或任期）必须具备"))
    required_for = models.CharField(_("必备范围"), max_length=20, choices=RequiredFor.choices, default=RequiredFor.ALL)
    min_count = models.PositiveSmallIntegerField(_("至少件数"), default=1)
    auto = models.BooleanField(_("系统自动归档"), default=False, help_text=_("由系统中的记录自动归入"))
    is_active = models.BooleanField(_("启用"), default=True)
    order = models.PositiveSmallIntegerField(_("排序"), default=0)
    hint = models.CharField(_("说明"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("档案文件类别")
        verbose_name_plural = _("档案文件类别")
        ordering = ["box_kind", "order", "code"]
        constraints = [models.CheckConstraint(condition=Q(min_count__gte=1), name="documentkind_min_count_positive")]

    def __str__(self):
        return f"{self.get_box_kind_display()} · {self.name}"


class Catalogue(TimeStampedModel):
    """One box of a branch for one period — a year, or a committee term (届)
    for the 组织管理档案盒 — and its catalogue (目录) of numbered documents.
    Binding (合订) freezes it: its documents can then only be amended by a
    new, dated addendum (补充件)."""

    branch = models.ForeignKey(
        OrgUnit, verbose_name=_("党支部"), on_delete=models.PROTECT, related_name="archive_catalogues"
    )
    box_kind = models.CharField(_("档案盒"), max_length=20, choices=BoxKind.choices)
    year = models.PositiveSmallIntegerField(_("年度"), null=True, blank=True)
    term = models.ForeignKey(
        CommitteeTerm,
        verbose_name=_("委员会任期"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="archive_catalogues",
    )
    # copied from BoxType when the catalogue is opened, so that a bound
    # catalogue's box numbers never change when the setting does
    capacity = models.PositiveSmallIntegerField(_("每盒容量（件）"), default=60)
    # the highest number given so far (= the number of entries: numbering is gap-free);
    # filing reserves numbers by incrementing it in the row it locks
    last_number = models.PositiveIntegerField(_("已编号件数"), default=0, editable=False)
    bound_at = models.DateTimeField(_("合订时间"), null=True, blank=True)
    bound_by = acting_user(_("合订人"))
    bind_note = models.CharField(_("合订说明"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("档案盒目录")
        verbose_name_plural = _("档案盒目录")
        ordering = ["branch_id", "box_kind", "year", "term_id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(year__isnull=False, term__isnull=True) | Q(year__isnull=True, term__isnull=False),
                name="catalogue_year_or_term",
            ),
            models.UniqueConstraint(
                fields=["branch", "box_kind", "year"],
                condition=Q(term__isnull=True),
                name="catalogue_unique_per_year",
            ),
            models.UniqueConstraint(
                fields=["term", "box_kind"], condition=Q(term__isnull=False), name="catalogue_unique_per_term"
            ),
            models.CheckConstraint(condition=Q(capacity__gte=1), name="catalogue_capacity_positive"),
        ]
        indexes = [
            # the completeness selector and the shelf: a branch's catalogues of a year
            models.Index(fields=["branch", "year"], name="catalogue_branch_year_idx"),
        ]

    def __str__(self):
        return f"{self.branch.name} {self.get_box_kind_display()}（{self.period_label}）"

    @property
    def is_bound(self) -> bool:
        return self.bound_at is not None

    @property
    def period_label(self) -> str:
        if self.term_id:
            term = self.term
            end = term.actual_end_date or term.due_end_date
            return _("第%(n)s届 %(start)s—%(end)s") % {
                "n": term.number,
                "start": term.start_date.strftime("%Y.%m"),
                "end": end.strftime("%Y.%m"),
            }
        return _("%(year)s年度") % {"year": self.year}

    def volume_of(self, number: int) -> int:
        """The physical box (1, 2, …) that holds the document numbered `number`."""
        return (number - 1) // self.capacity + 1


def document_path(instance: "Document", filename: str) -> str:
    """Stored under MEDIA_ROOT with a random name; served only through the scoped views."""
    ext = PurePosixPath(filename).suffix.lower()
    return f"archives/{instance.branch_id}/{timezone.localdate():%Y}/{uuid4().hex}{ext}"


class Document(TimeStampedModel):
    """An entry of a catalogue: a record of the system filed automatically
    (`source`), or a document uploaded (or registered on paper) by hand."""

    catalogue = models.ForeignKey(Catalogue, verbose_name=_("目录"), on_delete=models.PROTECT, related_name="documents")
    # the catalogue's branch, kept here so that scoping a document is one join-free filter
    branch = models.ForeignKey(
        OrgUnit, verbose_name=_("党支部"), on_delete=models.PROTECT, related_name="archive_documents"
    )
    number = models.PositiveIntegerField(_("序号"))
    doc_kind = models.ForeignKey(
        DocumentKind, verbose_name=_("文件类别"), on_delete=models.PROTECT, related_name="documents"
    )
    title = models.CharField(_("文件名称"), max_length=200)
    date = models.DateField(_("文件日期"))
    pages = models.PositiveSmallIntegerField(_("页数"), null=True, blank=True)
    note = models.CharField(_("备注"), max_length=200, blank=True)

    # the record filed here: its model ("meetings.meeting") and id; a plain label rather
    # than a content type, so that filing costs no lookup query
    source_model = models.CharField(_("来源记录类型"), max_length=60, blank=True)
    source_id = models.PositiveBigIntegerField(_("来源记录ID"), null=True, blank=True)
    # one record may file several documents (a tenure's start and end; each kind a meeting counts for)
    source_event = models.CharField(_("来源事项"), max_length=30, blank=True)

    file = models.FileField(_("文件"), upload_to=document_path, max_length=200, blank=True)
    original_name = models.CharField(_("原文件名"), max_length=200, blank=True)
    mime_type = models.CharField(_("文件格式"), max_length=100, blank=True)
    size = models.PositiveIntegerField(_("大小（字节）"), default=0)

    is_addendum = models.BooleanField(_("补充件"), default=False)
    addendum_reason = models.CharField(_("补充说明"), max_length=300, blank=True)
    corrects = models.ForeignKey(
        "self",
        verbose_name=_("更正的文件"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="addenda",
    )
    created_by = acting_user(_("登记人"))

    version = version_field()  # optimistic concurrency: config.concurrency
    class Meta:
        verbose_name = _("档案文件")
        verbose_name_plural = _("档案文件")
        ordering = ["catalogue_id", "number"]
        constraints = [
            models.UniqueConstraint(fields=["catalogue", "number"], name="document_unique_number"),
            models.CheckConstraint(condition=Q(number__gte=1), name="document_number_positive"),
            # filing is idempotent: one document per record and event
            models.UniqueConstraint(
                fields=["source_model", "source_id", "source_event"],
                condition=Q(source_id__isnull=False),
                name="document_one_per_source_event",
            ),
            models.CheckConstraint(
                condition=Q(source_model="", source_id__isnull=True)
                | (~Q(source_model="") & Q(source_id__isnull=False)),
                name="document_source_complete",
            ),
            models.CheckConstraint(
                condition=Q(is_addendum=False) | ~Q(addendum_reason=""), name="document_addendum_has_reason"
            ),
        ]
        indexes = [
            # the completeness selector: documents per catalogue and kind
            models.Index(fields=["catalogue", "doc_kind"], name="document_catalogue_kind_idx"),
            # scoped lists of a branch's documents by date
            models.Index(fields=["branch", "date"], name="document_branch_date_idx"),
        ]

    def __str__(self):
        return f"{self.number}. {self.title}"

    @property
    def volume(self) -> int:
        return self.catalogue.volume_of(self.number)

    @property
    def is_filed_record(self) -> bool:
        return self.source_id is not None

    @property
    def source(self):
        """The record filed here (None for uploads, or if it no longer exists)."""
        if self.source_id is None:
            return None
        try:
            model = apps.get_model(self.source_model)
        except LookupError:
            return None
        return model._default_manager.filter(pk=self.source_id).first()

    @property
    def has_file(self) -> bool:
        return bool(self.file)


class Book(TimeStampedModel):
    """One of the 三本 for one year: the branch's 会议记录本, a 党小组's
    会议记录本, or a member's 学习笔记本."""

    class BookKind(models.TextChoices):
        MINUTES = "minutes", _("党支部会议记录本")
        GROUP_MINUTES = "group_minutes", _("党小组会议记录本")
        STUDY_NOTES = "study_notes", _("党员学习笔记本")

    branch = models.ForeignKey(
        OrgUnit, verbose_name=_("党支部"), on_delete=models.PROTECT, related_name="archive_books"
    )
    book_kind = models.CharField(_("记录本"), max_length=20, choices=BookKind.choices)
    year = models.PositiveSmallIntegerField(_("年度"))
    party_group = models.ForeignKey(
        PartyGroup, verbose_name=_("党小组"), null=True, blank=True, on_delete=models.PROTECT, related_name="books"
    )
    member = models.ForeignKey(
        "members.Member", verbose_name=_("党员"), null=True, blank=True, on_delete=models.PROTECT, related_name="books"
    )
    registered_on = models.DateField(_("建本日期"), default=timezone.localdate)
    note = models.CharField(_("备注"), max_length=200, blank=True)
    created_by = acting_user(_("登记人"))

    class Meta:
        verbose_name = _("记录本")
        verbose_name_plural = _("记录本")
        ordering = ["branch_id", "year", "book_kind", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(book_kind="minutes", party_group__isnull=True, member__isnull=True)
                | Q(book_kind="group_minutes", party_group__isnull=False, member__isnull=True)
                | Q(book_kind="study_notes", party_group__isnull=True, member__isnull=False),
                name="book_owner_matches_kind",
            ),
            models.UniqueConstraint(
                fields=["branch", "year"], condition=Q(book_kind="minutes"), name="book_one_minutes_per_year"
            ),
            models.UniqueConstraint(
                fields=["party_group", "year"],
                condition=Q(book_kind="group_minutes"),
                name="book_one_group_minutes_per_year",
            ),
            models.UniqueConstraint(
                fields=["member", "year"], condition=Q(book_kind="study_notes"), name="book_one_notebook_per_year"
            ),
        ]
        indexes = [
            # the completeness selector and the shelf: a branch's books of a year
            models.Index(fields=["branch", "year"], name="book_branch_year_idx"),
        ]

    def __str__(self):
        owner = self.party_group.name if self.party_group_id else self.member.name if self.member_id else ""
        return f"{self.year} {self.get_book_kind_display()} {owner}".strip()
