"""A daemon's settings, declared once, read from flags, one environment variable and a TOML file.

Each daemon declares every setting in one table (``coordinator/options.py``,
``node_daemon/options.py``), the way ovirt-imageio's ``config.py`` does: key, type, default and
why that default, once. The argparse parser, the file's loader, ``docs/configuration.md`` and
the example files in ``packaging/config/`` (``serving/config_docs.py``) are all built from that
table, so no second list can fall behind it.

The file is a flat TOML table whose keys are the long flag names without ``--`` and with ``-``
replaced by ``_`` (``--heartbeat-interval`` is ``heartbeat_interval``). Where two sources set
one key, the first of these wins: a flag, the setting's environment variable (only the node's
``join`` has one), the file, the declared default. A file value passes the same domain rule as
the flag; an unknown key, a wrong type or a broken rule stops the daemon before it starts
anything, naming the file and the key.
"""

from __future__ import annotations

import argparse
import difflib
import logging
import math
import os
import re
import stat
import tomllib
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time
from enum import Enum
from pathlib import Path
from typing import Any, NoReturn

from domain.errors import ValidationError
from domain.limits import PATH_MAX, has_control_characters, quoted, too_long
from domain.version import version_line

log = logging.getLogger("config")

# A configuration file is a dozen short lines; 64 KiB holds every key at its longest (a path is
# at most PATH_MAX = 4 KiB) many times over, and refuses a wrong --config (a disk image, a log)
# before it is read whole into memory.
CONFIG_FILE_MAX_BYTES = 64 * 1024
# The longest text a setting takes: every text value here is a path, a URI or an address, and
# a path is the longest of these (Linux's PATH_MAX).
TEXT_MAX = PATH_MAX
# A number as a flag's text: "0.000001" or "1e3" fit many times over; bounded before float().
NUMBER_TEXT_MAX = 64
# Exit status of a refused configuration: argparse's own for a bad command line, which is what
# a bad file is to the daemon (systemd and tests see a failed start either way).
EXIT_BAD_CONFIG = 2


class Kind(Enum):
    """A setting's type: what a flag's text becomes and which TOML types the file may use."""

    TEXT = "string"
    PATH = "string (a path)"
    NUMBER = "number"
    SWITCH = "boolean"


@dataclass(frozen=True)
class Setting:
    """One key of a daemon's configuration file and its flag ``--key-with-dashes``."""

    key: str
    kind: Kind
    default: Any  # None: not set (``why`` says what happens then)
    help: str  # what the setting does (the flag's --help)
    # Why that default (for a key with none, what happens when it is not set):
    # docs/configuration.md and the example files quote it.
    why: str
    # The domain rule a value must pass, from the flag and the file alike:
    # ``check(value, field)`` returns the value the daemon uses or raises ValidationError.
    check: Callable[[Any, str], Any] | None = None
    required: bool = False  # from the command line or the file: no default exists
    choices: tuple[str, ...] = ()
    # A secret (a join string): never quoted in an error, never logged, and a file holding it
    # that every user can read is warned about.
    secret: bool = False
    # Comma- or blank-separated parts of a secret's text that are no secret (a fixed prefix):
    # its errors may name them, every other part is cut out (``redacted``).
    public_parts: tuple[str, ...] = ()
    env: str = ""  # an environment variable read when the flag is absent (before the file)
    metavar: str | None = None

    @property
    def flag(self) -> str:
        return "--" + self.key.replace("_", "-")

    def accept(self, value: Any, field: str) -> Any:
        """``value`` (already of this kind) through the choices and the domain rule."""
        if self.choices and value not in self.choices:
            raise ValidationError(
                field, f"must be one of {', '.join(self.choices)} (got {quoted(str(value))})"
            )
        return self.check(value, field) if self.check else value


@dataclass(frozen=True)
class Packaged:
    """A value the example file sets live: what a packaged (Debian) install runs with."""

    key: str
    value: Any
    why: str


@dataclass(frozen=True)
class ConfigSource:
    """Which file was read, and what to warn about once logging is set up."""

    path: Path
    found: bool
    warnings: tuple[str, ...] = ()


class ConfigError(Exception):
    """A configuration the daemon refuses; the message names the file and the key."""


def greater_than_zero(value: float, field: str) -> float:
    """Seconds that must pass before something happens: zero or less would spin."""
    if value <= 0:
        raise ValidationError(field, f"must be greater than 0 (got {value:g})")
    return value


# --- settings both daemons have --------------------------------------------------------------

LOG_LEVELS = ("debug", "info", "warning", "error")

LOG_LEVEL = Setting(
    "log_level",
    Kind.TEXT,
    "info",
    help="how much the daemon logs, as JSON lines on stderr",
    why="info logs each start, stop, registration and failure, which is what an admin reads "
    "in the journal; debug adds a line per operation step, for chasing one problem",
    choices=LOG_LEVELS,
)
PORT_FILE = Setting(
    "port_file",
    Kind.PATH,
    None,
    help="once serving, write the bound HOST:PORT to this file (atomically)",
    why="a packaged daemon listens on a fixed port; tests and the demo listen on port "
    "0 and read the port chosen from this file",
    metavar="PATH",
)


# --- values of each kind ----------------------------------------------------------------------

_TOML_TYPE_NAMES: tuple[tuple[type, str], ...] = (
    (bool, "boolean"),  # before int: bool is an int in Python
    (int, "integer"),
    (float, "float"),
    (str, "string"),
    (dict, "table"),
    (list, "array"),
    (datetime, "date-time"),
    (date, "date"),
    (time, "time"),
)


def _toml_type_name(value: Any) -> str:
    return next((name for kind, name in _TOML_TYPE_NAMES if isinstance(value, kind)), "value")


def _text(value: str, field: str) -> str:
    if len(value) > TEXT_MAX:
        raise too_long(field, TEXT_MAX, value)
    if has_control_characters(value):
        raise ValidationError(field, "must not contain control characters")
    return value


def _finite(value: float, field: str) -> float:
    if not math.isfinite(value):
        raise ValidationError(field, f"must be a finite number (got {value})")
    return value


def from_flag(setting: Setting, text: str, field: str) -> Any:
    """A flag's (or an environment variable's) text as a value of ``setting``'s kind."""
    if setting.kind is Kind.NUMBER:
        try:
            if len(text) > NUMBER_TEXT_MAX:
                raise ValueError
            number = float(text)
        except ValueError:
            raise ValidationError(field, f"must be a number (got {quoted(text)})") from None
        return setting.accept(_finite(number, field), field)
    value = _text(text, field)
    return setting.accept(Path(value) if setting.kind is Kind.PATH else value, field)


def from_file(setting: Setting, value: Any, field: str) -> Any:
    """A TOML value as a value of ``setting``'s kind: its type first, then the same rule."""
    wrong_type = ValidationError(
        field, f"must be a {setting.kind.value} (got a TOML {_toml_type_name(value)})"
    )
    if setting.kind is Kind.SWITCH:
        if not isinstance(value, bool):
            raise wrong_type
        return value
    if setting.kind is Kind.NUMBER:
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise wrong_type
        return setting.accept(_finite(float(value), field), field)
    if not isinstance(value, str):
        raise wrong_type
    text = _text(value, field)
    return setting.accept(Path(text) if setting.kind is Kind.PATH else text, field)


# Shorter parts of a secret are cut out of a rule only where quoted: one or two characters
# ("a", "1") match the rule's own words, and a secret worth hiding (a join token is 23
# characters) is longer.
UNQUOTED_SECRET_PART_MIN = 4
# A value quoted in a rule (``domain.limits.quoted``: a repr, perhaps cut short with '…').
_QUOTED_RE = re.compile(r"'(?:[^'\\]|\\.)*'" + r'|"(?:[^"\\]|\\.)*"')


def redacted(error: ValidationError, setting: Setting, secret: str) -> ValidationError:
    """``error`` about a secret, with no part of the secret in its rule: a rule may
    quote part of what it checked (a join string's address, a misplaced token), perhaps only a
    prefix of it, so every quoted value goes, and every part of the secret named unquoted."""

    def unless_public(match: re.Match[str]) -> str:
        inner = match.group(0)[1:-1].strip(",. ")
        return match.group(0) if inner in setting.public_parts else "'…'"

    rule = _QUOTED_RE.sub(unless_public, error.rule)
    parts = set(re.split(r"[,\s]+", secret)) - set(setting.public_parts)
    long_parts = (part for part in parts if len(part) >= UNQUOTED_SECRET_PART_MIN)
    for part in sorted(long_parts, key=len, reverse=True):
        rule = rule.replace(part, "…")
    return ValidationError(error.field, rule)


# --- the file ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class ConfigFile:
    path: Path
    values: dict[str, Any]
    world_readable: bool


def read_config_file(path: Path, explicit: bool) -> ConfigFile | None:
    """The TOML table at ``path``; None when there is none at the default path (``explicit``
    False: a daemon runs on its defaults and flags alone)."""
    try:
        # O_NONBLOCK: a FIFO given as --config must not wait forever for a writer.
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | os.O_CLOEXEC)
    except FileNotFoundError:
        if not explicit:
            return None
        raise ConfigError(f"{path}: no such file (given with --config)") from None
    except OSError as error:
        raise ConfigError(f"{path}: cannot read: {error.strerror}") from None
    mode = os.fstat(fd).st_mode
    # A character device is allowed for /dev/null: "no file at all" for tests and demos that
    # must not read this machine's /etc/quantix.
    if not (stat.S_ISREG(mode) or stat.S_ISCHR(mode)):
        os.close(fd)
        raise ConfigError(f"{path}: is not a regular file")
    with os.fdopen(fd, "rb") as file:
        try:
            data = file.read(CONFIG_FILE_MAX_BYTES + 1)
        except OSError as error:
            raise ConfigError(f"{path}: cannot read: {error.strerror}") from None
    if len(data) > CONFIG_FILE_MAX_BYTES:
        raise ConfigError(
            f"{path}: is larger than {CONFIG_FILE_MAX_BYTES // 1024} KiB: not a configuration file"
        )
    try:
        values = tomllib.loads(data.decode("utf-8"))
    except UnicodeDecodeError:
        raise ConfigError(f"{path}: is not UTF-8 text") from None
    except tomllib.TOMLDecodeError as error:
        # tomllib says where (line, column) and what was expected, never a value.
        raise ConfigError(f"{path}: is not valid TOML: {error}") from None
    return ConfigFile(path, values, world_readable=bool(mode & stat.S_IROTH))


def file_values(config: ConfigFile, settings: Sequence[Setting]) -> dict[str, Any]:
    """Every key of ``config`` checked against its declaration, converted to the values the
    daemon uses."""
    by_key = {setting.key: setting for setting in settings}
    result: dict[str, Any] = {}
    for key, value in config.values.items():
        setting = by_key.get(key)
        if setting is None:
            raise ConfigError(_unknown_key(config.path, key, by_key))
        try:
            result[key] = from_file(setting, value, key)
        except ValidationError as error:
            if setting.secret and isinstance(value, str):
                error = redacted(error, setting, value)
            raise ConfigError(f"{config.path}: {error}") from None
    return result


def _unknown_key(path: Path, key: str, known: Iterable[str]) -> str:
    names = sorted(known)
    close = difflib.get_close_matches(key, names, n=1)
    hint = f" (did you mean {close[0]}?)" if close else ""
    return f"{path}: unknown key {quoted(key)}{hint}; valid keys: {', '.join(names)}"


def secret_warnings(config: ConfigFile, settings: Sequence[Setting]) -> tuple[str, ...]:
    """A file every user may read holding a secret: the daemon starts, but says so."""
    held = [s.key for s in settings if s.secret and s.key in config.values]
    if not (held and config.world_readable):
        return ()
    return (
        f"{config.path} holds {', '.join(held)} (a secret) and every user of this host can "
        "read it: make it owned by root and mode 0600 or 0640",
    )


# --- the daemon's whole configuration ---------------------------------------------------------


@dataclass(frozen=True)
class DaemonConfig:
    """Everything one daemon can be configured with, and how it reads it."""

    program: str
    description: str
    default_path: Path
    settings: tuple[Setting, ...]
    packaged: tuple[Packaged, ...] = ()  # set live in packaging/config/<daemon>.toml

    def build_parser(self) -> argparse.ArgumentParser:
        """Every setting as a flag; absent flags leave no attribute (the file may set them)."""
        parser = argparse.ArgumentParser(prog=self.program, description=self.description)
        parser.add_argument(
            "--config",
            type=Path,
            default=None,
            metavar="PATH",
            help=f"TOML file of settings (default: {self.default_path}, if it exists); "
            "flags override it",
        )
        parser.add_argument("--version", action="version", version=version_line(self.program))
        for setting in self.settings:
            shown = "" if setting.default in (None, False) else f"; default {setting.default}"
            env = f"; else ${setting.env}" if setting.env else ""
            help_text = f"{setting.help} [file: {setting.key}{shown}{env}]"
            if setting.kind is Kind.SWITCH:
                # --no-<flag> too: "flags override the file" holds for a switch the file
                # turned on (insecure = true) as for any other setting.
                parser.add_argument(
                    setting.flag,
                    action=argparse.BooleanOptionalAction,
                    default=argparse.SUPPRESS,
                    help=help_text,
                )
                continue
            parser.add_argument(
                setting.flag,
                type=_flag_converter(setting),
                default=argparse.SUPPRESS,
                metavar=setting.metavar
                or ("{" + ",".join(setting.choices) + "}" if setting.choices else None),
                help=help_text,
            )
        return parser

    def parse(
        self, argv: Sequence[str] | None = None
    ) -> tuple[argparse.Namespace, argparse.ArgumentParser]:
        """Flags, environment, file and defaults merged into one namespace holding every key
        (and ``config``, the ConfigSource); the parser, for the daemon's own later errors."""
        parser = self.build_parser()
        given = parser.parse_args(argv)
        explicit = given.config is not None
        path = given.config if explicit else self.default_path
        try:
            config = read_config_file(path, explicit)
            from_config = file_values(config, self.settings) if config else {}
        except ConfigError as error:
            refuse(parser, str(error))
        merged = argparse.Namespace(
            config=ConfigSource(
                path,
                found=config is not None,
                warnings=secret_warnings(config, self.settings) if config else (),
            )
        )
        for setting in self.settings:
            setattr(merged, setting.key, self._value(parser, setting, given, from_config, path))
        return merged, parser

    def _value(
        self,
        parser: argparse.ArgumentParser,
        setting: Setting,
        given: argparse.Namespace,
        from_config: dict[str, Any],
        path: Path,
    ) -> Any:
        if hasattr(given, setting.key):
            return getattr(given, setting.key)
        if setting.env and os.environ.get(setting.env):
            field = f"${setting.env}"
            try:
                return from_flag(setting, os.environ[setting.env], field)
            except ValidationError as error:
                text = os.environ[setting.env]
                refuse(parser, str(redacted(error, setting, text) if setting.secret else error))
        if setting.key in from_config:
            return from_config[setting.key]
        if setting.required:
            parser.error(f"{setting.flag} is required: give it, or set {setting.key} in {path}")
        return setting.default


def _flag_converter(setting: Setting) -> Callable[[str], Any]:
    def convert(text: str) -> Any:
        try:
            return from_flag(setting, text, setting.flag)
        except ValidationError as error:
            if setting.secret:
                error = redacted(error, setting, text)
            # A part of the value (``--join (token)``) is named before its rule.
            part = error.field.removeprefix(setting.flag).strip(" ()")
            raise argparse.ArgumentTypeError(
                f"{part}: {error.rule}" if part else error.rule
            ) from None

    return convert


def refuse(parser: argparse.ArgumentParser, message: str) -> NoReturn:
    """Exit as argparse does on a bad flag, without the usage lines: the file is at fault."""
    parser.exit(EXIT_BAD_CONFIG, f"{parser.prog}: error: {message}\n")


def log_config_source(source: ConfigSource) -> None:
    """Say which file the daemon runs with (once its logging is set up) and warn as needed."""
    if source.found:
        log.info("configuration read", extra={"config_file": str(source.path)})
    else:
        log.info(
            "no configuration file: defaults and flags only",
            extra={"config_file": str(source.path)},
        )
    for warning in source.warnings:
        log.warning(warning)
