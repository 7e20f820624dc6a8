"""System directories a pool directory or a mount point must stay away from.

libvirt builds a directory pool by creating (and on delete, removing) its directory, lists
every file in it as a volume, and an NFS pool mounts over its mount point, hiding what was
there. Pointed at a system directory, either would hide or expose the host's own files. The
domain has no file system (it runs in the console and the coordinator, not on the host), so
these rules work on the normalized path text: symbolic links are the host's business.
"""

from __future__ import annotations

from domain.errors import ValidationError

# Directories that must not BE a pool directory or mount point, nor be CONTAINED in one (a pool
# at /var would contain /var/lib/libvirt). Their subdirectories are fine unless listed in
# _SYSTEM_TREES below: /home/alice/vms, /var/lib/libvirt/images, /mnt/nas are all ordinary.
_SYSTEM_DIRS: dict[str, str] = {
    "/": "the root of the file system",
    "/etc": "host configuration",
    "/usr": "installed programs and libraries",
    "/boot": "kernels and the boot loader",
    "/proc": "the kernel's process file system",
    "/sys": "the kernel's device file system",
    "/dev": "device nodes",
    "/run": "runtime state of running services",
    "/bin": "programs (a link into /usr on merged-/usr systems)",
    "/sbin": "system programs (a link into /usr on merged-/usr systems)",
    "/lib": "libraries and kernel modules (a link into /usr on merged-/usr systems)",
    "/lib32": "32-bit libraries",
    "/lib64": "the dynamic loader and 64-bit libraries",
    "/libx32": "x32 libraries",
    "/var": "variable data of every service",
    "/var/lib": "state of every service",
    "/var/lib/libvirt": "libvirt's own state (domains, networks, save files)",
    "/var/log": "the host's logs",
    "/var/run": "a link to /run",
    "/root": "the administrator's home directory",
    "/home": "every user's home directory",
    "/opt": "add-on software",
    # Mounting over these hides every removable or admin mount below them.
    "/mnt": "the parent of the host's ad-hoc mounts",
    "/media": "the parent of the host's removable media mounts",
    # /tmp and /var/tmp themselves are shared by every user and service: as a pool, their
    # files would show up as volumes, and an NFS mount over them would hide live temp files.
    # A subdirectory of them stays allowed: it is an explicit choice (tests and demos keep
    # throwaway pools there), and whether the host clears it at boot is the admin's call.
    "/tmp": "temporary files of every user and service",
    "/var/tmp": "temporary files of every user and service",
}

# Trees nothing of a pool may live in: kernel pseudo file systems (/proc, /sys, /dev, /run:
# writes there reach the kernel or running services, and they vanish at boot) and trees owned
# by the package manager or the boot loader (/etc, /usr, /boot, and /bin, /sbin, /lib* which are
# links into /usr on merged-/usr systems). /var/run is a link to /run.
_SYSTEM_TREES: tuple[str, ...] = (
    "/proc",
    "/sys",
    "/dev",
    "/run",
    "/var/run",
    "/boot",
    "/etc",
    "/usr",
    "/bin",
    "/sbin",
    "/lib",
    "/lib32",
    "/lib64",
    "/libx32",
)


def _contains(parent: str, child: str) -> bool:
    """True when ``child`` is strictly below ``parent`` (both normalized, absolute)."""
    return child.startswith(parent if parent.endswith("/") else parent + "/") and child != parent


def system_directory_reason(path: str) -> str:
    """Why ``path`` (absolute, normalized) may not hold a pool, or "" when it may."""
    if path in _SYSTEM_DIRS:
        return f"must not be the system directory {path} or contain one ({_SYSTEM_DIRS[path]})"
    for directory in _SYSTEM_DIRS:
        if _contains(path, directory):
            return f"must not contain the system directory {directory}"
    for tree in _SYSTEM_TREES:
        if _contains(tree, path):
            return f"must not be inside {tree} (a system directory)"
    return ""


def check_not_system_directory(path: str, field: str) -> str:
    """Return ``path`` (absolute, normalized), or raise ValidationError naming ``field``."""
    reason = system_directory_reason(path)
    if reason:
        raise ValidationError(field, reason)
    return path
