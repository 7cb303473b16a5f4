"""Options a backend takes in its model string (`provider:name?key=value`), declared and checked."""

from __future__ import annotations

import difflib
from collections.abc import Mapping
from typing import Annotated, Any, Literal, get_args, get_origin
from urllib.parse import urlsplit

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, ValidationError
from pydantic.fields import FieldInfo

from distill.errors import LLMError


class Options(BaseModel):
    """The options every backend takes; a backend subclasses this to declare its own."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    ctx: int | None = Field(
        default=None,
        ge=512,
        le=10_000_000,
        description="the model's context window in tokens, when distill's guess is wrong",
        examples=[8192],
    )


def _http_url(value: str | None) -> str | None:
    if value is None:
        return None
    parts = urlsplit(value)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise ValueError("not an http(s) URL")
    return value


def _host(value: str | None) -> str | None:
    if value is None:
        return None
    parts = urlsplit(value if "://" in value else f"http://{value}")
    if parts.scheme not in ("http", "https") or not parts.hostname or " " in value:
        raise ValueError("not a host")
    return value


BaseURL = Annotated[
    str | None,
    AfterValidator(_http_url),
    Field(
        description="the server's API address, instead of the environment's",
        examples=["http://localhost:8080/v1"],
        json_schema_extra={"shape": "an http:// or https:// address"},
    ),
]

Host = Annotated[
    str | None,
    AfterValidator(_host),
    Field(
        description="the Ollama server, instead of OLLAMA_HOST",
        examples=["127.0.0.1:11434"],
        json_schema_extra={"shape": "a host[:port] or http:// address"},
    ),
]

Temperature = Annotated[
    float | None,
    Field(
        ge=0,
        le=2,
        description="sampling temperature of each call; retries after a bad reply may use more",
        examples=[0.2],
    ),
]

JSONMode = Annotated[
    Literal["json_schema", "json_object", "text"] | None,
    Field(
        alias="json",  # `json` itself would shadow BaseModel.json
        description="the structured-output mode, instead of the best one the server accepts",
        examples=["json_object"],
    ),
]


def shape(field: FieldInfo) -> str:
    """What values a field takes, in words: "a whole number from 512 to 10000000"."""
    extra = field.json_schema_extra
    if isinstance(extra, dict) and isinstance(extra.get("shape"), str):
        return str(extra["shape"])
    kinds = [a for a in get_args(field.annotation) if a is not type(None)] or [field.annotation]
    kind = kinds[0]
    if get_origin(kind) is Literal:
        return "one of " + ", ".join(str(v) for v in get_args(kind))
    words = {int: "a whole number", float: "a number", bool: "true or false"}.get(kind, "text")  # type: ignore[call-overload]
    low = high = None
    for m in field.metadata:  # annotated_types' Ge, Gt, Le, Lt
        low = next((getattr(m, a) for a in ("ge", "gt") if hasattr(m, a)), low)
        high = next((getattr(m, a) for a in ("le", "lt") if hasattr(m, a)), high)
    if low is not None and high is not None:
        return f"{words} from {low} to {high}"
    if low is not None:
        return f"{words} of at least {low}"
    if high is not None:
        return f"{words} of at most {high}"
    return words


def example(field: FieldInfo) -> str:
    """A value that fits the field, for error messages and the options table."""
    return str(field.examples[0]) if field.examples else "VALUE"


def _about(field: FieldInfo) -> str:
    return f" ({field.description})" if field.description else ""


def declared(options: type[Options]) -> dict[str, FieldInfo]:
    """The options by the name a model string uses for them."""
    return {field.alias or name: field for name, field in options.model_fields.items()}


def describe(options: type[Options]) -> list[dict[str, str]]:
    """One row per option: its name, the values it takes, a one-line help and an example."""
    return [
        {
            "option": name,
            "values": shape(field),
            "help": field.description or "",
            "example": example(field),
        }
        for name, field in declared(options).items()
    ]


def validate_options(
    options: type[Options], raw: Mapping[str, str], *, provider: str, name: str
) -> Options:
    """The options of a model string checked against a backend's declaration."""
    fields = declared(options)
    model = f"{provider}:{name}"
    given = model + ("?" + "&".join(f"{k}={v}" for k, v in raw.items()) if raw else "")
    allowed = ", ".join(fields)
    for key in raw:
        if key not in fields:
            close = difflib.get_close_matches(key, list(fields), n=1)
            hint = f" (did you mean {close[0]}?)" if close else ""
            suggest = close[0] if close else next(iter(fields))
            raise LLMError(
                f"Unknown option {key!r} in {given!r}{hint}: {provider} models take {allowed}, "
                f"e.g. {model}?{suggest}={example(fields[suggest])}."
            )
    try:
        return options.model_validate(dict(raw))
    except ValidationError as exc:
        first: Any = exc.errors()[0]
        loc = first.get("loc") or ("",)
        key = str(loc[0])
        field = fields.get(key)
        if field is None:  # a model-level check of a backend's own Options class
            raise LLMError(f"The options of {given!r} do not fit: {first.get('msg')}.") from exc
        if first.get("type") == "missing":
            raise LLMError(
                f"Model string {given!r} needs the option {key}{_about(field)}, "
                f"e.g. {model}?{key}={example(field)}."
            ) from exc
        raise LLMError(
            f"Option {key}={raw.get(key, '')!r} in {given!r} is not valid: {key} must be "
            f"{shape(field)}{_about(field)}, e.g. {model}?{key}={example(field)}."
        ) from exc
