"""``inputs/distribution.yaml``: who gets which pack, and how mail leaves.

The file is strict (unknown keys are errors) because a misspelt key here
sends a board pack to the wrong people or to nobody. Credentials are never
read from it: it names environment variables, so the file can be committed
and reviewed. Cross-field rules (unknown groups, duplicate addresses, AUTH
over an unencrypted connection) are checked on the raw data so they are
reported together with pydantic's problems, each with its line.
"""

from __future__ import annotations

import ipaddress
import re
import unicodedata
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Annotated, Any, Literal

import jinja2
from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, ValidationError, create_model

from reportgen.errors import InputError, Problem
from reportgen.load.plan import Plan
from reportgen.load.yamlsource import Loc, Names, YamlSource, load_yaml, pydantic_problems
from reportgen.reference import hint
from reportgen.registry import BUILTIN_REGISTRY, PackKind, Registry, Selection

_EMAIL = re.compile(r"^[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]+@[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)+$")
_ENV = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")
_SLUG = r"^[a-z0-9]+(-[a-z0-9]+)*$"

DEFAULT_MAX_MESSAGE_BYTES = 10_000_000
DEFAULT_SUBJECT = "{{ programme }}: {{ period_label }} reports ({{ packs | length }} attached)"
DEFAULT_PORTS = {"starttls": 587, "tls": 465, "none": 25}


def _email(value: Any) -> Any:
    if isinstance(value, str):
        value = value.strip()
        if not _EMAIL.match(value):
            raise ValueError(f"not an email address: {value!r} (expected e.g. name@example.org)")
    return value


def _ref(value: Any) -> Any:
    # YAML reads ``[2, 5]`` as numbers; recommendation refs are text ("2").
    if isinstance(value, int) and not isinstance(value, bool):
        return str(value)
    return value


def _env_name(value: Any) -> Any:
    if isinstance(value, str) and not _ENV.match(value):
        raise ValueError(
            f"{value!r} is not an environment variable name; give the NAME of the "
            "variable that holds the credential (e.g. REPORTGEN_SMTP_PASSWORD), never the value"
        )
    return value


Email = Annotated[str, BeforeValidator(_email)]
RecRef = Annotated[str, BeforeValidator(_ref), Field(pattern=r"^\d+$")]
Slug = Annotated[str, Field(pattern=_SLUG)]
EnvName = Annotated[str, BeforeValidator(_env_name)]
Text = Annotated[str, Field(min_length=1)]
Security = Literal["starttls", "tls", "none"]


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, allow_inf_nan=False)


Wanted = bool | list[str] | Literal["all"]
"""What someone asks for of one kind: a whole-plan pack or not, or some refs or ``all``."""


class Packs(Strict):
    """Which packs someone receives. ``all`` means every one the build made.

    Its keys are the pack registry's (:mod:`reportgen.registry`), one per
    kind, so this class has none of its own: :func:`distribution_model`
    makes the model a registry accepts.
    """

    def wanted(self, kind: PackKind) -> Wanted:
        value: Wanted = getattr(self, kind.key, False)
        return value

    @property
    def empty(self) -> bool:
        return not any(getattr(self, name) for name in type(self).model_fields)


class Group(Strict):
    """A board or task-and-finish group; members receive its packs."""

    id: Slug
    name: Text
    packs: Packs = Field(default_factory=Packs)


class Recipient(Strict):
    name: Text
    email: Email
    role: str = ""
    groups: list[Slug] = Field(default_factory=list)
    packs: Packs = Field(default_factory=Packs)


class Lead(Strict):
    """Someone who reports on actions each month (``reportgen collect``)."""

    name: Text
    """Name as the workbook and reminders address them."""
    email: Email
    plan_names: list[Text] = Field(default_factory=list)
    """Other names the plan gives them in actions' leads (e.g. initials, a team)."""
    workstreams: list[Slug] = Field(default_factory=list)
    """Workstreams they lead: they report on its actions that name no lead."""
    recommendations: list[RecRef] = Field(default_factory=list)
    """Recommendations whose monthly commentary they write."""

    @property
    def names(self) -> tuple[str, ...]:
        return (self.name, *self.plan_names)


class MailSettings(Strict):
    host: Text
    port: int | None = Field(default=None, ge=1, le=65535)
    security: Security = "starttls"
    allow_insecure_local_relay: bool = False
    ca_file: str | None = Field(
        default=None, description="PEM bundle to trust instead of the system store."
    )
    timeout_seconds: float = Field(default=30.0, gt=0)
    deadline_seconds: float = Field(
        default=300.0,
        gt=0,
        description="Longest one message's whole SMTP conversation may take, "
        "however slowly the server replies.",
    )
    sender: Email
    sender_name: str = ""
    reply_to: Email | None = None
    programme: str = "Improvement plan"
    subject: Text = DEFAULT_SUBJECT
    body_text: Text = "email/body.txt.j2"
    body_html: Text = "email/body.html.j2"
    max_message_bytes: int = Field(default=DEFAULT_MAX_MESSAGE_BYTES, gt=0)
    username_env: EnvName | None = None
    password_env: EnvName | None = None

    @property
    def effective_port(self) -> int:
        return self.port if self.port is not None else DEFAULT_PORTS[self.security]

    @property
    def uses_auth(self) -> bool:
        return self.username_env is not None


class Retry(Strict):
    """Backoff for transient failures (4xx, dropped or refused connections)."""

    attempts: int = Field(default=5, ge=1, le=20)
    base_delay_seconds: float = Field(default=2.0, ge=0)
    max_delay_seconds: float = Field(default=120.0, ge=0)

    def delay(self, attempt: int) -> float:
        """Seconds to wait after failed attempt number ``attempt`` (1-based)."""
        return float(min(self.max_delay_seconds, self.base_delay_seconds * 2 ** (attempt - 1)))


class Distribution(Strict):
    """The root of ``distribution.yaml``."""

    schema_version: Literal[1] = 1
    mail: MailSettings
    retry: Retry = Field(default_factory=Retry)
    groups: list[Group] = Field(default_factory=list)
    recipients: list[Recipient] = Field(min_length=1)
    leads: list[Lead] = Field(default_factory=list)
    """Who reports on which actions and recommendations, for ``reportgen collect``."""

    def group(self, group_id: str) -> Group:
        for g in self.groups:
            if g.id == group_id:
                return g
        raise KeyError(group_id)


def _wanted_field(kind: PackKind) -> Any:
    if kind.selects == "plan":
        return (bool, False)
    if kind.selects == "recommendation":
        return (list[RecRef] | Literal["all"], Field(default_factory=list))
    return (list[Slug] | Literal["all"], Field(default_factory=list))


@cache
def packs_model(registry: Registry = BUILTIN_REGISTRY) -> type[Packs]:
    """``packs:`` for the kinds ``registry`` declares: one key per kind.

    Each kind's ``distribution_key`` becomes a key (in the order its packs
    come in an email), so a project's own kind is asked for exactly like a
    built-in one and a misspelt key is still an error.
    """
    kinds = sorted(registry, key=lambda k: registry.mail_rank(k.name))
    return create_model("Packs", __base__=Packs, **{k.key: _wanted_field(k) for k in kinds})


@cache
def distribution_model(registry: Registry = BUILTIN_REGISTRY) -> type[Distribution]:
    """The schema of distribution.yaml for the kinds ``registry`` declares."""
    packs = packs_model(registry)
    default = Field(default_factory=packs)
    group = create_model("Group", __base__=Group, packs=(packs, default))
    recipient = create_model("Recipient", __base__=Recipient, packs=(packs, default))
    model: type[Distribution] = create_model(
        "Distribution",
        __base__=Distribution,
        groups=(list[group], Field(default_factory=list)),
        recipients=(list[recipient], Field(min_length=1)),
    )
    return model


@dataclass(frozen=True)
class DistributionFile:
    """A validated file plus where each value was written, for send-time problems."""

    config: Distribution
    source: YamlSource
    warnings: tuple[Problem, ...] = ()
    registry: Registry = BUILTIN_REGISTRY
    """The pack kinds the file was checked against."""

    def problem(self, loc: Loc, message: str) -> Problem:
        return self.source.problem(loc, message)


def is_loopback(host: str) -> bool:
    """True for names that cannot leave this machine (no DNS lookup: names can lie)."""
    if host.lower() in {"localhost", "localhost.localdomain", "ip6-localhost"}:
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def check_distribution(
    source: YamlSource, plan: Plan | None = None, registry: Registry = BUILTIN_REGISTRY
) -> list[Problem]:
    """Rules that span fields, on the raw data (defensively typed)."""
    problems: list[Problem] = []
    pack_keys = {
        k.key: k.selects
        for k in sorted(registry, key=lambda k: registry.mail_rank(k.name))
        if k.selects != "plan"
    }
    data = source.data if isinstance(source.data, dict) else {}

    def add(loc: Loc, message: str, severity: str = "error") -> None:
        problems.append(source.problem(loc, message, severity))

    raw_mail = data.get("mail")
    mail: dict[str, Any] = raw_mail if isinstance(raw_mail, dict) else {}
    for key in ("password", "username", "user", "pass", "secret"):
        if key in mail:
            instead = "username_env" if key in ("username", "user") else "password_env"
            add(
                ("mail", key),
                "credentials are never read from files; put the name of the environment "
                f"variable that holds it in {instead}",
            )
    security = mail.get("security", "starttls")
    host = mail.get("host")
    if security == "none":
        if mail.get("allow_insecure_local_relay") is not True:
            add(
                ("mail", "security"),
                "'none' sends packs unencrypted; it is only allowed to a relay on this "
                "machine, with 'allow_insecure_local_relay: true' and a loopback host",
            )
        elif isinstance(host, str) and not is_loopback(host):
            add(
                ("mail", "host"),
                f"security 'none' is only allowed to a loopback host (localhost, 127.0.0.1, ::1),"
                f" not {host!r}; use starttls or tls",
            )
        if mail.get("username_env") or mail.get("password_env"):
            add(
                ("mail", "username_env" if mail.get("username_env") else "password_env"),
                "AUTH over an unencrypted connection is refused (the password would travel in "
                "clear); use security starttls or tls, or drop the credentials for a local relay",
            )
    elif mail.get("allow_insecure_local_relay") is True:
        add(
            ("mail", "allow_insecure_local_relay"),
            f"has no effect with security {security!r}; remove it",
            "warning",
        )
    if bool(mail.get("username_env")) != bool(mail.get("password_env")):
        missing = "password_env" if mail.get("username_env") else "username_env"
        add(("mail", missing), "give both username_env and password_env, or neither")
    _check_name(mail.get("sender_name"), ("mail", "sender_name"), add)
    subject = mail.get("subject")
    if isinstance(subject, str):
        try:
            jinja2.Environment().parse(subject)
        except jinja2.TemplateSyntaxError as exc:
            add(("mail", "subject"), f"template error: {exc.message}")

    groups = _items(data.get("groups"))
    group_ids: list[str] = []
    seen_groups: dict[str, int] = {}
    for gi, group in groups:
        gid = str(group.get("id"))
        group_ids.append(gid)
        if gid in seen_groups:
            add(("groups", gi, "id"), f"duplicate group id {gid!r}")
        seen_groups.setdefault(gid, gi)
        problems.extend(
            _check_refs(group.get("packs"), ("groups", gi, "packs"), source, plan, pack_keys)
        )

    members: set[str] = set()
    seen_emails: dict[str, int] = {}
    for ri, person in _items(data.get("recipients")):
        email = str(person.get("email", "")).strip().lower()
        if email in seen_emails:
            line, _ = source.where(("recipients", seen_emails[email]))
            add(
                ("recipients", ri, "email"),
                f"duplicate recipient {email!r} (first listed on line {line}); "
                "list each person once with all their groups",
            )
        seen_emails.setdefault(email, ri)
        _check_name(person.get("name"), ("recipients", ri, "name"), add)
        raw_groups = person.get("groups")
        person_groups: list[Any] = raw_groups if isinstance(raw_groups, list) else []
        for gi, gid in enumerate(person_groups):
            if str(gid) not in group_ids:
                known = ", ".join(group_ids) or "(no groups defined)"
                add(("recipients", ri, "groups", gi), f"unknown group {gid!r}; use one of: {known}")
            members.add(str(gid))
        problems.extend(
            _check_refs(person.get("packs"), ("recipients", ri, "packs"), source, plan, pack_keys)
        )
        if not person_groups and not _has_packs(person.get("packs")):
            add(
                ("recipients", ri),
                "receives nothing: give them groups or packs (or remove them)",
                "warning",
            )
    for gi, group in groups:
        if str(group.get("id")) not in members:
            add(("groups", gi, "id"), f"group {group.get('id')!r} has no members", "warning")
    problems.extend(_check_leads(data.get("leads"), source, plan))
    return problems


def _check_leads(raw: Any, source: YamlSource, plan: Plan | None) -> list[Problem]:
    """Each name (and plan name) once, and only the plan's workstreams and recommendations."""
    problems: list[Problem] = []
    named: dict[str, int] = {}
    for li, lead in _items(raw):
        names = [lead.get("name"), *(lead.get("plan_names") or [])]
        for ni, name in enumerate(names):
            key = " ".join(str(name).split()).casefold()
            if key in named and named[key] != li:
                loc: Loc = ("leads", li, "name") if ni == 0 else ("leads", li, "plan_names", ni - 1)
                line, _ = source.where(("leads", named[key]))
                problems.append(
                    source.problem(
                        loc,
                        f"{name!r} is already a lead on line {line}; a name can belong "
                        "to one lead only",
                    )
                )
            named.setdefault(key, li)
        problems.extend(_check_refs(lead, ("leads", li), source, plan, _LEAD_KEYS))
    return problems


# Characters that end or split a name in a From/To header unless it is quoted.
_SPECIALS = '()<>[]:;@\\,"'


def _check_name(name: Any, loc: Loc, add: Callable[..., None]) -> None:
    """A name goes into a mail header: one line, and quoted if it holds specials."""
    if not isinstance(name, str):
        return
    if any(unicodedata.category(c) == "Cc" for c in name):
        add(loc, "a name must be one line: it contains a line break or control character")
        return
    found = list(dict.fromkeys(c for c in name if c in _SPECIALS))
    if found:
        listed = ", ".join(repr(c) for c in found)
        add(
            loc,
            f"contains {listed} so it is sent in quotes, which keeps it one name",
            "warning",
        )


_LEAD_KEYS: dict[str, Selection] = {
    "recommendations": "recommendation",
    "workstreams": "workstream",
}


def _check_refs(
    raw: Any, loc: Loc, source: YamlSource, plan: Plan | None, keys: Mapping[str, Selection]
) -> list[Problem]:
    """Refs under ``keys`` (key -> what its values name) must be the plan's own."""
    if plan is None or not isinstance(raw, dict):
        return []
    problems: list[Problem] = []
    known = {
        "recommendation": [r.ref for r in plan.recommendations],
        "workstream": [w.id for w in plan.workstreams],
    }
    for key, noun in keys.items():
        valid = known[noun]
        values = raw.get(key)
        if not isinstance(values, list):
            continue
        for i, value in enumerate(values):
            if str(value) not in valid:
                problems.append(
                    source.problem(
                        (*loc, key, i),
                        f"the plan has no {noun} {value!r}; use one of: {', '.join(valid)}",
                    )
                )
    return problems


def _has_packs(raw: Any) -> bool:
    if not isinstance(raw, dict):
        return False
    return any(bool(v) for v in raw.values())


def _items(value: Any) -> list[tuple[int, dict[str, Any]]]:
    if not isinstance(value, list):
        return []
    return [(i, v) for i, v in enumerate(value) if isinstance(v, dict)]


DISTRIBUTION_NAMES = Names(
    items={
        "groups": ("group", "id"),
        "recipients": ("recipient", "name"),
        "leads": ("lead", "name"),
    }
)
"""Locations as the file names them: "recipient Jo Bloggs", not ``recipients[1]``."""


def parse_distribution(
    source: YamlSource, plan: Plan | None = None, registry: Registry = BUILTIN_REGISTRY
) -> tuple[DistributionFile | None, list[Problem]]:
    """Validate parsed YAML; return the settings or every problem found."""
    source.names = DISTRIBUTION_NAMES
    if not isinstance(source.data, dict):
        return None, [source.problem((), "distribution.yaml must be a YAML mapping", field_name="")]
    problems = check_distribution(source, plan, registry)
    try:
        config = distribution_model(registry).model_validate(source.data)
    except ValidationError as exc:
        return None, pydantic_problems(exc, source, hint("distribution")) + problems
    if any(p.is_error for p in problems):
        return None, problems
    warnings = tuple(p for p in problems if not p.is_error)
    return DistributionFile(config, source, warnings, registry), problems


def load_distribution(
    path: Path,
    display: str | None = None,
    plan: Plan | None = None,
    registry: Registry = BUILTIN_REGISTRY,
) -> tuple[DistributionFile | None, list[Problem]]:
    """Read and validate ``distribution.yaml``; never raises for bad input.

    ``registry`` is the project's pack kinds (:func:`reportgen.registry.registry_for`):
    they decide which keys ``packs:`` accepts.
    """
    source, problems = load_yaml(path, display)
    if source is None:
        return None, problems
    return parse_distribution(source, plan, registry)


def read_distribution(
    path: Path,
    display: str | None = None,
    plan: Plan | None = None,
    registry: Registry = BUILTIN_REGISTRY,
) -> DistributionFile:
    """Like :func:`load_distribution` but raises :class:`InputError` on any error."""
    loaded, problems = load_distribution(path, display, plan, registry)
    if loaded is None:
        raise InputError(problems)
    return loaded
