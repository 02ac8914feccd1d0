"""Form bodies: FastAPI's form half of `request_body_to_args` (internal).

The server parses urlencoded and multipart bodies in Rust and hands over a
`FormData` of text fields and `UploadFile`s; these functions pick each form
parameter's value out of it exactly as FastAPI 0.165's
`fastapi/dependencies/utils.py` does (function names kept), so defaults,
empty inputs, file-to-bytes conversion and error locations match.
"""

import inspect
import types
import typing
from typing import Any, Dict, Iterator, List, Optional, Tuple

from ._body import MISSING
from .datastructures import FormData, UploadFile
from .params import FileParam, FormParam, Param

#: `Union[X, Y]` and `X | Y` (the latter's origin is `types.UnionType`).
UNION_TYPES = (typing.Union, types.UnionType)


def _is_subclass(annotation: Any, cls: type) -> bool:
    return inspect.isclass(annotation) and issubclass(annotation, cls)


def is_sequence(annotation: Any) -> bool:
    """FastAPI's `field_annotation_is_sequence`."""
    import collections.abc

    origin = typing.get_origin(annotation)
    if origin in UNION_TYPES:
        return any(is_sequence(arg) for arg in typing.get_args(annotation))
    target = origin or annotation
    return (
        inspect.isclass(target)
        and issubclass(target, (list, set, tuple, frozenset, collections.abc.Sequence))
        and not issubclass(target, (str, bytes))
    )


def _is_or_nonable(annotation: Any, cls: type) -> bool:
    """`is_bytes_or_nonable_bytes_annotation` / `..._uploadfile_...`."""
    if _is_subclass(annotation, cls):
        return True
    if typing.get_origin(annotation) in UNION_TYPES:
        return any(_is_subclass(arg, cls) for arg in typing.get_args(annotation))
    return False


def _is_sequence_of(annotation: Any, cls: type) -> bool:
    """`is_bytes_sequence_annotation` / `is_uploadfile_sequence_annotation`."""
    if typing.get_origin(annotation) in UNION_TYPES:
        return any(_is_sequence_of(arg, cls) for arg in typing.get_args(annotation))
    return is_sequence(annotation) and all(_is_or_nonable(arg, cls) for arg in typing.get_args(annotation))


def implied_marker(annotation: Any, default: Any) -> Optional[Param]:
    """`analyze_param`: an `UploadFile` (or list of them) without a marker is a `File()`."""
    if _is_or_nonable(annotation, UploadFile) or _is_sequence_of(annotation, UploadFile):
        return FileParam(default)
    return None


def optional_inner(annotation: Any) -> Any:
    """`X` of `X | None` (FastAPI's `_get_model_type` unwrapping); anything else as is."""
    if typing.get_origin(annotation) in UNION_TYPES:
        others = [arg for arg in typing.get_args(annotation) if arg is not type(None)]
        if len(others) == 1:
            return others[0]
    return annotation


def form_model(annotation: Any, marker: Any) -> Optional["FormModel"]:
    """`_get_form_models`: the model a `Form()` parameter is read into whole
    (`Model` or `Model | None`; turbo refuses unions of models)."""
    from pydantic import BaseModel

    if not isinstance(marker, FormParam) or marker.options.get("embed"):
        return None
    model = optional_inner(annotation)
    return FormModel(model, optional=model is not annotation) if _is_subclass(model, BaseModel) else None


def _is_empty_file_input(value: Any) -> bool:
    # Browsers send an empty filename and content when no file is selected.
    return isinstance(value, UploadFile) and value.filename == "" and value.size == 0


def _get_multidict_value(sequence: bool, values: FormData, alias: str) -> Any:
    if sequence:
        value: Any = [item for item in values.getlist(alias) if not _is_empty_file_input(item)]
    else:
        value = values.get(alias, None)
    if (
        value is None
        or (isinstance(value, str) and value == "")
        or _is_empty_file_input(value)
        or (sequence and len(value) == 0)
    ):
        return MISSING
    return value


def _get_multidict_extras(received: FormData, processed: set) -> Iterator[Tuple[str, Any]]:
    grouped: Dict[str, List[Any]] = {}
    for key, value in received.multi_items():
        if key not in processed:
            grouped.setdefault(key, []).append(value)
    for key, values in grouped.items():
        yield key, values[0] if len(values) == 1 else values


def param_aliases(name: str, info: Any, config: Any, convert_underscores: bool = False) -> List[Tuple[str, str]]:
    """`_get_param_aliases` for a model field: (validation alias, request key)
    pairs in preference order; header models turn `_` into `-` in keys."""
    validation_alias = info.validation_alias if isinstance(info.validation_alias, str) else None
    alias = validation_alias or info.alias or name
    request_alias = alias.replace("_", "-") if convert_underscores and alias == name else alias
    aliases = [(alias, request_alias)]
    if config.get("validate_by_alias") is False or config.get(
        "validate_by_name", config.get("populate_by_name", False)
    ):
        request_name = name.replace("_", "-") if convert_underscores else name
        if config.get("validate_by_alias") is False:
            return [(name, request_name)]
        if name not in [validation for validation, _ in aliases]:
            aliases.append((name, request_name))
    return aliases


class FormField:
    """What form extraction needs of one field: a handler parameter or a
    form model's field (`aliases` as `_get_param_aliases` gives them)."""

    def __init__(self, name: str, aliases: List[str], annotation: Any, is_file: bool) -> None:
        self.name = name
        self.aliases = aliases
        self.sequence = is_sequence(annotation)
        self.reads_bytes = is_file and _is_or_nonable(annotation, bytes)
        self.reads_bytes_list = is_file and _is_sequence_of(annotation, bytes)
        origin = typing.get_origin(annotation)
        if origin in UNION_TYPES:
            origin = next(
                (typing.get_origin(arg) or arg for arg in typing.get_args(annotation) if arg is not type(None)),
                list,
            )
        self.sequence_type = origin if origin in (list, set, tuple, frozenset) else list

    @classmethod
    def of_model(cls, model: type) -> List["FormField"]:
        config = model.model_config
        fields = []
        for name, info in model.model_fields.items():
            aliases = [alias for alias, _ in param_aliases(name, info, config)]
            fields.append(cls(name, aliases, info.annotation, is_file=False))
        return fields


def _read_file_bytes(file: UploadFile) -> bytes:
    # Automatic conversion must not consume a file shared with other parameters.
    position = file.file.tell()
    try:
        return file.file.read()
    finally:
        file.file.seek(position)


def extract_form_body(fields: List[FormField], received: FormData) -> Iterator[Tuple[str, Any, Optional[FormField]]]:
    """`_extract_form_items` and `_extract_form_body`."""
    aliases = set()
    for field in fields:
        for alias in field.aliases:
            aliases.add(alias)
            value = _get_multidict_value(field.sequence, received, alias)
            if value is MISSING:
                continue
            if field.reads_bytes and isinstance(value, UploadFile):
                value = _read_file_bytes(value)
            elif field.reads_bytes_list and isinstance(value, list):
                value = field.sequence_type(
                    _read_file_bytes(item) if isinstance(item, UploadFile) else item for item in value
                )
            yield alias, value, field
            break
    for key, value in _get_multidict_extras(received, aliases):
        yield key, value, None


def _is_form_model_supplied(model: type, fields: List[FormField], received: FormData) -> bool:
    own_names = {alias for field in fields for alias in field.aliases}
    return bool(
        own_names.intersection(received) or (model.model_config.get("extra") in ("allow", "forbid") and received)
    )


class FormModel:
    """A form model parameter, its fields read once at start-up."""

    def __init__(self, model: type, optional: bool) -> None:
        self.model = model
        self.optional = optional
        self.fields = FormField.of_model(model)

    def extract(self, received: FormData) -> Any:
        """`_extract_form_model` for one model (or `Model | None`)."""
        if self.optional and not _is_form_model_supplied(self.model, self.fields, received):
            return MISSING
        return {alias: item for alias, item, _ in extract_form_body(self.fields, received)}


#: Starlette's `MultiPartParser.spool_max_size` (the server spools files to disk past it too).
SPOOL_MAX_SIZE = 1024 * 1024


def _user_safe_decode(src: bytes, codec: str) -> str:
    try:
        return src.decode(codec)
    except (UnicodeDecodeError, LookupError):
        return src.decode("latin-1")


def build_form(charset: Optional[str], items: List[Tuple[bytes, Any]]) -> FormData:
    """The `FormData` Starlette's parsers build, from the server's parse:
    each item is (name, text) or (name, (filename, headers, size, content)),
    names and text as bytes, file content as bytes or an open descriptor."""
    import codecs
    import os
    from tempfile import SpooledTemporaryFile

    from .datastructures import Headers

    try:
        charset = codecs.lookup(charset or "utf-8").name
    except LookupError:
        charset = "latin-1"
    form: List[Tuple[str, Any]] = []
    for raw_name, value in items:
        name = _user_safe_decode(raw_name, charset)
        if isinstance(value, bytes):
            form.append((name, _user_safe_decode(value, charset)))
            continue
        filename, headers, size, content = value
        if isinstance(content, bytes):
            file: Any = SpooledTemporaryFile(max_size=SPOOL_MAX_SIZE)
            file.write(content)
            file.seek(0)
        else:
            file = os.fdopen(content, "w+b")
        upload = UploadFile(file, size=size, filename=_user_safe_decode(filename, charset), headers=Headers(raw=headers))
        form.append((name, upload))
    return FormData(form)
