"""``python3 packaging/run_as_unit.py UNIT_FILE``: start a service the way systemd would start it
from UNIT_FILE, on a machine where systemd does not run (CI, a chroot), then become it (exec).

packaging/check-packages.sh starts the installed daemons with it, so that "the installed daemon
starts" means the unit's own command line, user, environment and directory, not a guess at them.
Every setting in the unit is one of three kinds (``HONOURED``, ``SYSTEMD_ONLY``, or refused):

- honoured here exactly as systemd applies it: ExecStart, User, Group, Environment,
  WorkingDirectory, UMask, StateDirectory (+ mode), NoNewPrivileges, CapabilityBoundingSet, a
  clean environment (systemd passes none of its caller's: a PYTHONPATH or QUANTIX_JOIN of the
  shell that runs the check must not reach the daemon);
- settings only systemd can apply, which narrow what the daemon may do but not what it does when
  it works (the rest of the sandbox: ``systemd-analyze verify`` and ``security`` check those),
  restarts, ordering and documentation;
- anything else is refused, exit 2 naming the file and the key (EnvironmentFile=, ExecStartPre=,
  a Condition..., a specifier): a setting that changes what the daemon does and is silently
  ignored would make the check test something other than what systemd runs.

Python's standard library only: it runs on Debian's /usr/bin/python3 before anything is set up.
"""

from __future__ import annotations

import ctypes
import os
import pwd
import re
import shlex
import sys
from dataclasses import dataclass, field
from pathlib import Path

# systemd 252's PATH for system services (Debian 12: built without split-usr's sbin merge).
SERVICE_PATH = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"
# Where StateDirectory= lives for system services.
STATE_ROOT = Path("/var/lib")
# StateDirectoryMode='s default.
DEFAULT_STATE_MODE = 0o755
# Type= values whose started process IS the service (no readiness protocol to honour).
PLAIN_TYPES = frozenset({"simple", "exec"})

HONOURED = frozenset(
    {
        "Type",
        "ExecStart",
        "User",
        "Group",
        "Environment",
        "WorkingDirectory",
        "UMask",
        "StateDirectory",
        "StateDirectoryMode",
        "NoNewPrivileges",
        "CapabilityBoundingSet",
        "AmbientCapabilities",
    }
)
# [Service] settings only systemd can apply. Restart=/RestartSec=/RestartPreventExitStatus=: the
# check wants the first failure, not a retry; the rest is the sandbox, which restricts and is
# checked offline.
SYSTEMD_ONLY = frozenset(
    {
        "Restart",
        "RestartSec",
        "RestartPreventExitStatus",
        "ProtectSystem",
        "ProtectHome",
        "PrivateTmp",
        "PrivateDevices",
        "PrivateMounts",
        "PrivateUsers",
        "ProtectKernelTunables",
        "ProtectKernelModules",
        "ProtectKernelLogs",
        "ProtectControlGroups",
        "ProtectClock",
        "ProtectHostname",
        "ProtectProc",
        "ProcSubset",
        "RestrictAddressFamilies",
        "RestrictNamespaces",
        "RestrictRealtime",
        "RestrictSUIDSGID",
        "LockPersonality",
        "MemoryDenyWriteExecute",
        "SystemCallArchitectures",
        "SystemCallFilter",
        "SystemCallErrorNumber",
    }
)
# [Unit] settings that only say when systemd starts it and what it is (Condition*/Assert*
# would decide whether it starts at all: refused). [Install] only says what enables it.
UNIT_SECTION = frozenset({"Description", "Documentation", "After", "Before", "Wants"})

# linux/capability.h, for CapabilityBoundingSet=.
CAPABILITIES = {
    name: number
    for number, name in enumerate(
        [
            "CHOWN",
            "DAC_OVERRIDE",
            "DAC_READ_SEARCH",
            "FOWNER",
            "FSETID",
            "KILL",
            "SETGID",
            "SETUID",
            "SETPCAP",
            "LINUX_IMMUTABLE",
            "NET_BIND_SERVICE",
            "NET_BROADCAST",
            "NET_ADMIN",
            "NET_RAW",
            "IPC_LOCK",
            "IPC_OWNER",
            "SYS_MODULE",
            "SYS_RAWIO",
            "SYS_CHROOT",
            "SYS_PTRACE",
            "SYS_PACCT",
            "SYS_ADMIN",
            "SYS_BOOT",
            "SYS_NICE",
            "SYS_RESOURCE",
            "SYS_TIME",
            "SYS_TTY_CONFIG",
            "MKNOD",
            "LEASE",
            "AUDIT_WRITE",
            "AUDIT_CONTROL",
            "SETFCAP",
            "MAC_OVERRIDE",
            "MAC_ADMIN",
            "SYSLOG",
            "WAKE_ALARM",
            "BLOCK_SUSPEND",
            "AUDIT_READ",
            "PERFMON",
            "BPF",
            "CHECKPOINT_RESTORE",
        ]
    )
}
PR_CAPBSET_DROP = 24
PR_SET_NO_NEW_PRIVS = 38
ENVIRONMENT_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
TRUE_WORDS = frozenset({"yes", "true", "on", "1"})
FALSE_WORDS = frozenset({"no", "false", "off", "0"})


class UnitRefused(Exception):
    """A unit this script cannot start as systemd would; the message names file and key."""


@dataclass
class ServicePlan:
    """What systemd would do to start the service, as far as this script honours it."""

    argv: list[str]
    user: str = "root"
    group: str | None = None
    environment: dict[str, str] = field(default_factory=dict)
    working_directory: str | None = None
    umask: int = 0o022
    state_directories: list[str] = field(default_factory=list)
    state_mode: int = DEFAULT_STATE_MODE
    no_new_privileges: bool = False
    # None: every capability (the setting absent).
    capability_bounding_set: frozenset[str] | None = None


def read_unit(path: Path) -> list[tuple[str, str, str]]:
    """(section, key, value) of every assignment, in order; continuation lines joined."""
    assignments: list[tuple[str, str, str]] = []
    section = ""
    pending = ""
    for raw in path.read_text().splitlines():
        line = pending + raw.strip() if pending else raw.strip()
        if line.endswith("\\"):
            pending = line[:-1] + " "
            continue
        pending = ""
        if not line or line[0] in "#;":
            continue
        if line.startswith("[") and line.endswith("]"):
            section = line[1:-1]
            continue
        key, equals, value = line.partition("=")
        if not equals:
            raise UnitRefused(f"{path}: '{line[:40]}' is not KEY=VALUE")
        assignments.append((section, key.strip(), value.strip()))
    return assignments


def plan_service(path: Path) -> ServicePlan:
    """The plan for ``path``, or UnitRefused naming the first setting it cannot honour."""
    exec_starts: list[str] = []
    plan = ServicePlan(argv=[])
    for section, key, value in read_unit(path):
        where = f"{path}: [{section}] {key}="
        if (section == "Unit" and key in UNIT_SECTION) or section == "Install":
            continue
        if section != "Service":
            raise UnitRefused(
                f"{where}: not honoured by run_as_unit.py (only {sorted(UNIT_SECTION)})"
            )
        if key in SYSTEMD_ONLY:
            continue
        if key not in HONOURED:
            raise UnitRefused(
                f"{where}: not honoured by run_as_unit.py, which would start "
                "something other than what systemd runs"
            )
        if "%" in value:
            raise UnitRefused(f"{where}: specifiers (%) are not expanded by run_as_unit.py")
        _apply(plan, key, value, where, exec_starts)
    if len(exec_starts) != 1:
        raise UnitRefused(f"{path}: needs exactly one ExecStart= (it has {len(exec_starts)})")
    plan.argv = _command_line(exec_starts[0], f"{path}: [Service] ExecStart=")
    return plan


def _apply(plan: ServicePlan, key: str, value: str, where: str, exec_starts: list[str]) -> None:
    if key == "Type":
        if value not in PLAIN_TYPES:
            raise UnitRefused(f"{where}{value}: only {sorted(PLAIN_TYPES)} are honoured")
    elif key == "ExecStart":
        exec_starts.append(value)
    elif key == "User":
        plan.user = value
    elif key == "Group":
        plan.group = value
    elif key == "Environment":
        if not value:
            plan.environment.clear()  # an empty assignment resets the list, as in systemd
        for assignment in shlex.split(value):
            name, equals, text = assignment.partition("=")
            if not equals or not ENVIRONMENT_NAME.fullmatch(name):
                raise UnitRefused(f"{where}: '{assignment[:40]}' is not NAME=VALUE")
            plan.environment[name] = text
    elif key == "WorkingDirectory":
        if not value.startswith("/"):
            raise UnitRefused(f"{where}{value[:40]}: only an absolute directory is honoured")
        plan.working_directory = value
    elif key == "UMask":
        plan.umask = _octal(value, where)
    elif key == "StateDirectory":
        plan.state_directories.extend(value.split())
    elif key == "StateDirectoryMode":
        plan.state_mode = _octal(value, where)
    elif key == "NoNewPrivileges":
        plan.no_new_privileges = _boolean(value, where)
    elif key == "CapabilityBoundingSet":
        plan.capability_bounding_set = _capabilities(value, where)
    elif key == "AmbientCapabilities" and value:
        raise UnitRefused(f"{where}: ambient capabilities are not honoured by run_as_unit.py")


def _command_line(value: str, where: str) -> list[str]:
    if value[:1] in "-@:+!|":
        raise UnitRefused(f"{where}: the prefix '{value[0]}' is not honoured by run_as_unit.py")
    if "$" in value:
        raise UnitRefused(f"{where}: $VARIABLE expansion is not done by run_as_unit.py")
    argv = shlex.split(value)
    if not argv or not argv[0].startswith("/"):
        raise UnitRefused(f"{where}: needs an absolute program path")
    return argv


def _octal(value: str, where: str) -> int:
    if not re.fullmatch(r"[0-7]{3,4}", value):
        raise UnitRefused(f"{where}{value[:10]}: must be an octal mode such as 0077")
    return int(value, 8)


def _boolean(value: str, where: str) -> bool:
    if value.lower() in TRUE_WORDS:
        return True
    if value.lower() in FALSE_WORDS:
        return False
    raise UnitRefused(f"{where}{value[:10]}: must be yes or no")


def _capabilities(value: str, where: str) -> frozenset[str]:
    if value.startswith("~"):
        raise UnitRefused(f"{where}: an inverted (~) set is not honoured by run_as_unit.py")
    names = frozenset(name.removeprefix("CAP_") for name in value.split())
    unknown = sorted(names - CAPABILITIES.keys())
    if unknown:
        raise UnitRefused(f"{where}: unknown capability CAP_{unknown[0][:30]}")
    return names


def start(plan: ServicePlan) -> None:
    """Become the service: state directories, limits, user, environment, then exec."""
    account = pwd.getpwnam(plan.user)
    gid = account.pw_gid if plan.group is None else _group_id(plan.group)
    environment = {
        "PATH": SERVICE_PATH,
        "HOME": account.pw_dir,
        "USER": plan.user,
        "LOGNAME": plan.user,
        "SHELL": account.pw_shell,
    }
    for name in plan.state_directories:
        directory = STATE_ROOT / name
        directory.mkdir(parents=True, exist_ok=True)
        os.chown(directory, account.pw_uid, gid)
        directory.chmod(plan.state_mode)
    if plan.state_directories:
        environment["STATE_DIRECTORY"] = ":".join(
            str(STATE_ROOT / n) for n in plan.state_directories
        )
    environment.update(plan.environment)
    libc = ctypes.CDLL(None, use_errno=True)
    if plan.capability_bounding_set is not None:
        for name, number in CAPABILITIES.items():
            if name not in plan.capability_bounding_set:
                _prctl(libc, PR_CAPBSET_DROP, number, f"dropping CAP_{name}")
    os.umask(plan.umask)
    if account.pw_uid != os.getuid() or gid != os.getgid():
        # systemd gives a service its user's supplementary groups, whatever Group= says.
        os.initgroups(plan.user, gid)
        os.setgid(gid)
        os.setuid(account.pw_uid)
    if plan.no_new_privileges:
        _prctl(libc, PR_SET_NO_NEW_PRIVS, 1, "NoNewPrivileges")
    if plan.working_directory is not None:
        os.chdir(plan.working_directory)
    os.execve(plan.argv[0], plan.argv, environment)


def _group_id(name: str) -> int:
    import grp

    return grp.getgrnam(name).gr_gid


def _prctl(libc: ctypes.CDLL, option: int, argument: int, what: str) -> None:
    if libc.prctl(option, argument, 0, 0, 0) != 0:
        error = ctypes.get_errno()
        raise OSError(error, f"prctl for {what}: {os.strerror(error)}")


def main(argv: list[str]) -> int:
    if len(argv) != 1:
        print("usage: run_as_unit.py UNIT_FILE", file=sys.stderr)
        return 2
    try:
        plan = plan_service(Path(argv[0]))
    except (UnitRefused, OSError) as error:
        print(f"run_as_unit: {error}", file=sys.stderr)
        return 2
    try:
        start(plan)
    except (OSError, KeyError) as error:
        print(f"run_as_unit: starting {argv[0]}: {error}", file=sys.stderr)
    return 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
