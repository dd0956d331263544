"""What the loaders say about a file, as codes and parameters; the words are in ``core.text``.

Every problem a loader finds (an :class:`~loaders.errors.Issue`), every
refused file (:class:`~loaders.safety.FileRefused`) and every note of a
match (:class:`~loaders.names.Match`) is a *message*: a pair ``(code,
params)``, where ``code`` is a key of :data:`MESSAGES` and ``params`` a dict
of the parameters listed there. ``core.text.issue_text(message, lang)`` says
it in the user's language (the catalogue's ``msg_<code>`` texts, Ukrainian
first, English second): numbers in the language's format, fields by their
label, levels and kinds in words. A parameter may itself be a message (or a
list of them): "code X matches no unit; matched by name Y instead" is the
message ``by_name_instead`` holding the message ``code_not_found``.

Messages are plain data (tuples, dicts, strings and numbers), so that a
report survives JSON (the upload sandbox, the store) as it was.
"""

from __future__ import annotations

import json
from typing import Any

from core.text import issue_text, source_message

__all__ = ["MESSAGES", "Message", "MessageError", "msg", "message_of", "is_message", "source_value", "source_message"]

#: A message: ``(code, params)``.
Message = tuple[str, dict[str, Any]]

#: Every code and its parameters. Parameters named ``field``/``fields`` are fields (said by their label),
#: ``level``/``levels``/``unit_level`` levels, ``kind`` a kind of file, ``share`` a share (said as %),
#: ``unit``/``units``/``suggestions`` units (messages ``unit``); messages inside messages are said in turn.
MESSAGES: dict[str, tuple[str, ...]] = {
    # -- a unit, as messages and suggestions name it
    "unit": ("name_uk", "name_en", "level", "code"),
    "unit_in": ("name_uk", "name_en", "level", "oblast", "code"),
    "stored_text": ("text",),
    "and_more": ("count",),  # a report stored before messages had codes: its (English) words
    # -- where a table came from (a dataset's sources; see source_value)
    "source_uploaded": ("name",),
    "source_updated": ("previous", "name"),
    # -- files refused before they are read (loaders.safety, loaders.sandbox)
    "refused_sheets_over": ("name", "limit"),
    "refused_sheets": ("name", "count", "limit"),
    "refused_zip_damaged": ("name", "reason"),
    "refused_zip_entries": ("name", "count", "limit"),
    "refused_unpacked": ("name", "size_mb", "limit_mb"),
    "refused_zip_bomb": ("name", "entry"),
    "refused_shared_text": ("name", "size_mb", "limit_mb"),
    "refused_xlsx_part": ("name", "entry", "size_mb", "limit_mb"),
    "refused_gpkg_unreadable": ("name", "reason"),
    "refused_gpkg_schema": ("name", "limit"),
    "refused_gpkg_view": ("name", "entry"),
    "refused_gpkg_trigger": ("name", "entry"),
    "refused_gpkg_virtual": ("name", "entry"),
    "refused_gpkg_generated": ("name", "entry"),
    "refused_gpkg_layer_table": ("name", "entry"),
    "refused_gpkg_layer_type": ("name", "entry", "data_type"),
    "refused_empty": ("name",),
    "refused_type": ("name", "what"),
    "what_windows_program": (),
    "what_linux_program": (),
    "what_pdf": (),
    "what_png": (),
    "what_jpeg": (),
    "what_gif": (),
    "what_rar": (),
    "what_7zip": (),
    "what_gzip": (),
    "refused_macro": ("name",),
    "refused_zip_nothing": ("name",),
    "refused_binary": ("name",),
    "refused_sheet_count": ("name", "count", "limit"),
    "refused_rows": ("name", "limit"),
    "refused_columns": ("name", "row", "count", "limit"),
    "refused_slow": ("name", "seconds"),
    "refused_texts": ("name", "limit"),
    "refused_not_a_table": ("name", "type"),
    "stopped_slow": ("seconds",),
    "stopped_memory": ("limit_mb",),
    "stopped_exit": ("exitcode",),
    "reader_failed": ("reason",),
    # -- the upload page's own checks (layouts/pages/data.py)
    "upload_kind_unknown": ("kinds",),
    "upload_not_base64": (),
    "upload_too_big": ("limit_mb",),
    "upload_not_kept": ("reason",),
    # -- the store (store.store: publish, retract)
    "publish_conflict": ("kind", "period", "by", "at", "version"),
    "publish_clash": (),
    "no_publication": ("id",),
    "already_retracted": ("id", "kind", "period", "version", "by", "at"),
    "period_invalid": ("value",),
    # -- manifests and other TOML files (loaders.dataset, loaders.errors)
    "not_toml": ("where", "reason"),
    "manifest_entry": ("where", "name", "value"),
    "manifest_options": ("where", "unknown", "name", "known"),
    "manifest_path": ("where", "name", "value"),
    "manifest_keys": ("where", "unknown", "known"),
    "manifest_boundary_level": ("where", "key", "known"),
    "manifest_simplify": ("where", "key", "value"),
    "manifest_kind": ("where", "value", "known"),
    "manifest_rule": ("where", "key", "known", "value"),
    "manifest_table": ("where", "key", "value"),
    "manifest_header_row": ("where", "key", "value"),
    "manifest_source": ("where", "key", "value"),
    # -- files and tables (loaders.tables, loaders.validate, loaders.boundaries)
    "file_not_found": ("path",),
    "cannot_read": ("reason",),
    "unreadable": ("name", "type", "reason"),
    "needs_package": ("name", "suffix", "package"),
    "no_sheet": ("name", "sheet", "sheets"),
    "cell_convention": ("sign", "meaning", "known"),
    "not_a_number": ("value",),
    "not_finite": ("value",),
    "override_unknown_field": ("name", "known"),
    "override_no_header": ("name", "target", "rows"),
    "no_header": ("rows", "expected"),
    "no_header_sheets": ("rows", "sheets", "expected"),
    "expected_fields": ("fields",),
    "field_example": ("field", "example"),
    "expected_values": ("alternatives",),
    "expected_staffing": (),
    "numbering_row": (),
    "totals_row": (),
    "no_data_rows": (),
    "no_status_rows": (),
    "none_matched": (),
    "suggestions_capped": ("limit", "count"),
    "no_polygon": ("code",),
    "no_polygon_more": ("count",),
    # -- cells (loaders.inputs)
    "share_out_of_range": ("value",),
    "percentage_for_count": ("value",),
    "negative": ("value",),
    "text_numbers": ("count", "rows"),
    "not_available": ("field", "signs", "count", "units", "more"),
    "unit_row": ("name", "code", "row"),
    "more_filled": (),
    "totals_differ": ("field", "value", "total"),
    "subtotal_differs": ("row_level", "name", "field", "value", "count", "unit_level", "total"),
    "several_levels": ("parts",),
    "level_rows": ("count", "level"),
    "unknown_role": ("value", "known"),
    "appears_again": ("what", "first"),
    "unit_again": ("level", "code"),
    "unit_role_again": ("level", "code", "role"),
    "idp_over_population": ("idp", "population", "code"),
    # -- figures above hromada level (loaders.levels)
    "not_split_none": ("count",),
    "not_split_no_population": ("count",),
    "split": ("count", "levels", "hromadas"),
    "not_split_no_weight": ("count", "codes"),
    # -- rows and their units (loaders.inputs, loaders.names, loaders.status, loaders.boundaries)
    "unlocated": ("text",),
    "unlocated_figures": ("text", "figures"),
    "figure": ("field", "value"),
    "special_not_assigned": ("problem",),
    "no_unit_found": (),
    "former_names": ("count", "rows", "more"),
    "former_name_row": ("row", "note"),
    "other_names": ("count", "rows", "more"),
    "other_name_row": ("row", "name", "official", "code"),
    "empty_code": (),
    "empty_name": (),
    "no_code_or_name": (),
    "no_key": (),
    "known_code": ("raw", "who", "target"),
    "who_iom_kyiv": (),
    "quirk_code": ("raw", "target", "why"),
    "why_kse_kyiv": (),
    "code_override": ("raw", "target", "problem"),
    "code_not_found": ("code",),
    "special_area": ("code", "area"),
    "koatuu_code": ("raw",),
    "not_a_code": ("raw",),
    "former_name": ("old", "level", "name", "code"),
    "near_spelling": ("given", "name", "share"),
    "no_such_name": ("name", "levels"),
    "no_such_name_in_scope": ("name", "levels"),
    "exists_elsewhere": ("units", "more"),
    "with_elsewhere": ("problem", "elsewhere"),
    "notes": ("notes",),
    "several_units": ("name", "count"),
    "several_units_in_scope": ("name", "count"),
    "type_close": ("name", "given_type", "official", "official_type"),
    "type_mismatch": ("name", "given_type", "found"),
    "type_mismatch_in_scope": ("name", "given_type", "found"),
    "unit_type": ("unit", "hromada_type"),
    "no_such_generic": ("name",),
    "no_such_generic_near": ("name",),
    "code_name_conflict": ("code", "unit", "name", "other"),
    "parent_failed": ("level", "given", "problem"),
    "scope_is_law": ("problem", "level"),
    "by_name_instead": ("problem", "name"),
    "with_note": ("note", "more"),
    "settlement_code": ("code", "hromada"),
    "status_no_unit": (),
    "status_unknown": ("value", "known"),
    "status_missing": ("known",),
    "status_again": ("unit", "first"),
    "no_reference_date": ("count",),
    # -- boundary files (loaders.boundaries)
    "unsupported_type": ("suffix", "expected"),
    "no_features": (),
    "too_many_vertices": ("count", "limit"),
    "empty_geometry": ("name",),
    "feature_no_key": (),
    "kept_for_display": ("problem",),
    "crimea_pre_reform": ("code", "name"),
    "crimea_no_name": ("code",),
    "feature_left_out": ("name", "problem"),
    "feature_no_unit": ("name",),
    "features_count": ("rows", "matched", "kept", "dropped", "unmatched"),
    "no_feature_matched": (),
    "repair_too_big": ("count", "limit"),
    "repaired": ("count", "rows"),
    "repaired_one": ("rows",),
    "empty_after_repair": (),
    "no_crs_degrees": (),
    "no_crs": (),
    "features_merged": ("count", "code", "rows"),
    "not_a_coverage": (),
    "no_fields": ("columns",),
    "no_fields_for_level": ("level", "columns"),
    "no_layer": ("name", "layer", "layers"),
    "several_layers": ("name", "count", "layers"),
    "zip_no_layer": ("name",),
    "empty_geometry_unnamed": (),
}


def msg(code: str, /, **params: Any) -> Message:
    """The message ``code`` with ``params`` (a code of :data:`MESSAGES`)."""
    return code, params


def is_message(value: Any) -> bool:
    """Whether ``value`` is a message: a pair of a code and a dict (a tuple, or a list once read from JSON)."""
    return (
        isinstance(value, (tuple, list))
        and len(value) == 2
        and isinstance(value[0], str)
        and isinstance(value[1], dict)
    )


def source_value(message: Message) -> str:
    """A dataset's source (``Dataset.sources``, the store's ``source`` column) that says ``message``.

    Sources are text wherever they are kept; one the software words itself
    (an uploaded file, a table a manifest names in both languages) is the
    message as JSON, so that each reader says it in its language
    (``core.text.source_text``).
    """
    return json.dumps(list(message), ensure_ascii=False)


class MessageError(ValueError):
    """An error that says a message: ``message`` holds ``(code, params)``; ``str()`` says it in English."""

    def __init__(self, message: Message):
        self.message = message
        super().__init__(issue_text(message, "en"))

    def __reduce__(self):  # pickled (a process pool): rebuilt from its message, whatever its own signature
        return _rebuild, (type(self), self.message)


def _rebuild(cls: type, message: Message) -> MessageError:
    error = cls.__new__(cls)
    MessageError.__init__(error, message)
    return error


def message_of(exc: BaseException) -> Message:
    """What ``exc`` says as a message: its own when it is a :class:`MessageError`, else its text as a reason."""
    if isinstance(exc, MessageError):
        return exc.message
    return msg("cannot_read", reason=f"{type(exc).__name__}: {exc}")
