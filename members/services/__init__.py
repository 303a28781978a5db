"""Writes of the members app, one module per subject. Each record the archive
files into the 党员管理盒 is written by exactly one function here:
`dues_month_record`, `transfer_out_issue` / `transfer_in_register`,
`development_step_record`."""

from .development import development_step_record, development_step_update
from .dues import DuesRowIn, dues_month_record, dues_month_record_many, rate_rows
from .imports import members_import
from .inactivity import inactivity_handle, six_month_cases_record
from .roster import (
    MEMBER_FIELDS,
    id_number_reveals_record,
    member_change_status,
    member_create,
    member_reveal_id_number,
    member_update,
)
from .study import training_delete, training_record, training_update
from .transfers import transfer_cancel, transfer_in_register, transfer_out_issue, transfer_receive

__all__ = [
    "MEMBER_FIELDS",
    "DuesRowIn",
    "development_step_record",
    "id_number_reveals_record",
    "development_step_update",
    "dues_month_record",
    "dues_month_record_many",
    "inactivity_handle",
    "six_month_cases_record",
    "member_change_status",
    "members_import",
    "member_create",
    "member_reveal_id_number",
    "member_update",
    "rate_rows",
    "training_delete",
    "training_record",
    "training_update",
    "transfer_cancel",
    "transfer_in_register",
    "transfer_out_issue",
    "transfer_receive",
]
