"""Sealing an execution environment the way Lambda's is sealed, with what the kernel gives an ordinary user.

Two containment paths, chosen once per fork server (`probe`) and forcible with LAMBDALEARN_SANDBOX:

- `namespaces`: the environment gets user, mount and PID namespaces of its own. Inside, `/tmp` is a private
  tmpfs sized to the function's ephemeral storage (writes past it fail with ENOSPC), the code directory is
  a read-only bind mount, the layers folder is mounted read-only at `/opt`, `/proc` shows only the
  environment's own processes (so no parent's environment variables), and when its first process ends the
  kernel ends every other one.
- `fallback` (the kernel refuses namespaces): the first process becomes a subreaper, so whatever it starts,
  even after a double fork and `setsid`, stays its descendant and is frozen, counted and killed with it;
  `TMPDIR` and `HOME` point at a private folder. `/tmp`, the code directory and `/proc` are the host's.

On both paths the import path is only the code directory, the layers' `python/` folders, the standard
library and the AWS SDK (boto3, botocore and their dependencies), and nothing lambdalearn imported stays
loaded. Standard library only: this runs inside the fork server and its children.
"""

from __future__ import annotations

import ctypes
import functools
import importlib.machinery
import os
import signal
import sys
import sysconfig
from dataclasses import dataclass
from pathlib import Path

ENV_VAR = "LAMBDALEARN_SANDBOX"
NAMESPACES = "namespaces"
FALLBACK = "fallback"
PATHS = (NAMESPACES, FALLBACK)
# The packages Lambda's Python runtime ships beside the standard library: the SDK and what it needs.
SDK_PACKAGES = frozenset({"boto3", "botocore", "jmespath", "s3transfer", "dateutil", "urllib3", "six"})
# The durable execution SDK (and its local test runner, which the durable-functions lab drives from inside the
# function) stand in for what a durable function brings in its deployment package; they are reachable by name
# like the SDK, so a learner's durable code imports as it would on Lambda.
SDK_PACKAGES |= {"aws_durable_execution_sdk_python", "aws_durable_execution_sdk_python_testing", "certifi"}

_CLONE_NEWNS = 0x00020000
_CLONE_NEWUSER = 0x10000000
_CLONE_NEWPID = 0x20000000
_MS_RDONLY = 0x1
_MS_NOSUID = 0x2
_MS_NODEV = 0x4
_MS_NOEXEC = 0x8
_MS_REMOUNT = 0x20
_MS_NOATIME = 0x400
_MS_NODIRATIME = 0x800
_MS_BIND = 0x1000
_MS_REC = 0x4000
_MS_PRIVATE = 0x40000
_MS_RELATIME = 0x200000
# statvfs flags -> the mount flags a bind remount inside a user namespace must keep (they are locked).
_LOCKED_FLAGS = (
    (os.ST_NOSUID, _MS_NOSUID),
    (os.ST_NODEV, _MS_NODEV),
    (os.ST_NOEXEC, _MS_NOEXEC),
    (os.ST_NOATIME, _MS_NOATIME),
    (os.ST_NODIRATIME, _MS_NODIRATIME),
    (os.ST_RELATIME, _MS_RELATIME),
)
_PR_SET_CHILD_SUBREAPER = 36
_PR_SET_PDEATHSIG = 1


class SandboxError(RuntimeError):
    """The kernel refused a step of sealing the environment."""


@dataclass(frozen=True)
class Layout:
    """What one environment is sealed with."""

    code_dir: str
    opt_dir: str | None  # the folder the environment sees as /opt (merged layers), or None
    tmp_dir: str  # private folder on the host: the fallback's TMPDIR and HOME
    ephemeral_storage_mb: int
    runtime: str = ""  # the runtime the function claims (python3.13): its layers' site-packages folder is named so


_libc = ctypes.CDLL(None, use_errno=True)


def _check(result: int, what: str) -> None:
    if result != 0:
        errno = ctypes.get_errno()
        raise SandboxError(f"{what}: {os.strerror(errno)}")


def _mount(source: str, target: str, fstype: str | None, flags: int, data: str | None = None) -> None:
    result = _libc.mount(
        source.encode(), target.encode(), fstype.encode() if fstype else None, flags, data.encode() if data else None
    )
    _check(result, f"mount {target}")


def _prctl(option: int, value: int) -> None:
    _check(_libc.prctl(option, value, 0, 0, 0), "prctl")


def _write(path: str, text: str) -> None:
    with open(path, "w") as handle:
        handle.write(text)


def _bind_read_only(source: str, target: str) -> None:
    _mount(source, target, None, _MS_BIND | _MS_REC)
    locked = os.statvfs(target).f_flag
    flags = _MS_REMOUNT | _MS_BIND | _MS_RDONLY
    for statvfs_flag, mount_flag in _LOCKED_FLAGS:
        if locked & statvfs_flag:
            flags |= mount_flag
    _mount("none", target, None, flags)


def requested_path() -> str | None:
    """The path forced by LAMBDALEARN_SANDBOX (None or "auto": choose by probing)."""
    value = os.environ.get(ENV_VAR, "").strip().lower()
    if value in ("", "auto"):
        return None
    if value not in PATHS:
        raise SandboxError(f"{ENV_VAR}={value!r}: expected auto, {NAMESPACES} or {FALLBACK}")
    return value


def _enter_namespaces(layout: Layout) -> None:
    """In the environment's first process: new user+mount+PID namespaces, private /tmp, read-only code.

    Returns in the environment's PID 1; the calling process stays outside as its parent, waits for it and
    exits with its status (so it is what the fork server sees and signals).
    """
    uid, gid = os.getuid(), os.getgid()
    _check(_libc.unshare(_CLONE_NEWUSER | _CLONE_NEWNS | _CLONE_NEWPID), "unshare")
    _write("/proc/self/setgroups", "deny")
    _write("/proc/self/uid_map", f"{uid} {uid} 1")
    _write("/proc/self/gid_map", f"{gid} {gid} 1")
    _mount("none", "/", None, _MS_REC | _MS_PRIVATE)
    # Held open across the /tmp mount: the code or the layers may live under the host's /tmp.
    code = os.open(layout.code_dir, os.O_PATH | os.O_DIRECTORY)
    opt = os.open(layout.opt_dir, os.O_PATH | os.O_DIRECTORY) if layout.opt_dir and os.path.isdir("/opt") else None
    imported = [(folder, os.open(folder, os.O_PATH | os.O_DIRECTORY)) for folder in _import_folders_under_tmp()]
    _mount("tmpfs", "/tmp", "tmpfs", _MS_NOSUID | _MS_NODEV, f"size={layout.ephemeral_storage_mb}m,mode=1777")
    for folder, held in imported:  # a venv made under the host's /tmp: its SDK and standard library stay reachable
        os.makedirs(folder, exist_ok=True)
        _bind_read_only(f"/proc/self/fd/{held}", folder)
        os.close(held)
    # Only needed (and only done) when the code is under the host's /tmp: its path then shows in the private
    # /tmp as empty folders leading to the read-only code.
    os.makedirs(layout.code_dir, exist_ok=True)
    _bind_read_only(f"/proc/self/fd/{code}", layout.code_dir)
    os.close(code)
    if opt is not None:
        _bind_read_only(f"/proc/self/fd/{opt}", "/opt")
        os.close(opt)
    pid = os.fork()
    if pid != 0:
        _relay_exit(pid)
    _prctl(_PR_SET_PDEATHSIG, signal.SIGKILL)
    _mount("proc", "/proc", "proc", _MS_NOSUID | _MS_NODEV | _MS_NOEXEC)


def _relay_exit(pid: int) -> None:
    """Outside the namespace: wait for its PID 1 and end the same way. Never returns."""
    for signum in range(1, signal.NSIG):
        if signum not in (signal.SIGKILL, signal.SIGSTOP, signal.SIGCHLD):
            try:
                signal.signal(signum, signal.SIG_IGN if signum != signal.SIGTERM else signal.SIG_DFL)
            except (OSError, ValueError):
                pass
    os.closerange(0, 3)
    while True:
        try:
            _, status = os.waitpid(pid, 0)
            break
        except InterruptedError:
            continue
        except ChildProcessError:
            os._exit(1)
    code = os.waitstatus_to_exitcode(status)
    if code < 0:
        signal.signal(-code, signal.SIG_DFL)
        os.kill(os.getpid(), -code)
    os._exit(code & 0xFF)


def _enter_fallback() -> None:
    """No namespaces: keep every descendant ours (subreaper); private TMPDIR/HOME are in the variables."""
    _prctl(_PR_SET_CHILD_SUBREAPER, 1)


def enter(path: str, layout: Layout) -> None:
    """Seal the calling process (a fresh environment) on `path`; then restrict what Python can import.
    (The layers' paths are worked out first: lambdalearn itself may live under the /tmp that sealing hides.)"""
    opt_paths = opt_python_paths(path, layout.opt_dir, layout.runtime)
    if path == NAMESPACES:
        _enter_namespaces(layout)
    else:
        _enter_fallback()
    restrict_imports(layout.code_dir, opt_paths)


def home_and_tmp(path: str, layout: Layout) -> dict[str, str]:
    """HOME and TMPDIR as the environment sees them."""
    private = "/tmp" if path == NAMESPACES else layout.tmp_dir
    return {"HOME": private, "TMPDIR": private}


def opt_python_paths(path: str, opt_dir: str | None, runtime: str = "") -> list[str]:
    """The layers' import folders, in Lambda's order (site-packages before python/), named for the runtime the
    function claims (a layer built for python3.13 has python/lib/python3.13/site-packages), else this Python."""
    from lambdalearn.runtime.layers import python_paths

    if not opt_dir:
        return []
    root = "/opt" if path == NAMESPACES and os.path.isdir("/opt") else opt_dir
    return python_paths(Path(root), runtime or f"python{sys.version_info.major}.{sys.version_info.minor}")


@functools.lru_cache(maxsize=1)
def _stdlib_dirs() -> list[str]:
    paths = sysconfig.get_paths()
    return sorted({os.path.realpath(paths[key]) for key in ("stdlib", "platstdlib")})


def _is_stdlib(location: str, stdlib: list[str]) -> bool:
    real = os.path.realpath(location)
    if "site-packages" in real.split(os.sep) or "dist-packages" in real.split(os.sep):
        return False
    return any(real == root or real.startswith(root + os.sep) for root in stdlib)


class SdkFinder:
    """Finds only the SDK's top-level packages, in the folders they are installed in (nothing else there)."""

    def __init__(self, folders: list[str]) -> None:
        self.folders = folders

    def find_spec(self, name: str, path: object = None, target: object = None) -> importlib.machinery.ModuleSpec | None:
        if path is not None or name not in SDK_PACKAGES:
            return None
        return importlib.machinery.PathFinder.find_spec(name, self.folders)


@functools.lru_cache(maxsize=1)
def _sdk_folders() -> list[str]:
    folders = []
    for name in sorted(SDK_PACKAGES):
        spec = importlib.machinery.PathFinder.find_spec(name, sys.path)
        if spec is not None and spec.origin:
            folder = os.path.dirname(spec.origin)
            if spec.submodule_search_locations:
                folder = os.path.dirname(folder)
            if folder not in folders:
                folders.append(folder)
    return folders


def _import_folders_under_tmp() -> list[str]:
    """The standard library's and the SDK's folders that lie under the host's /tmp, outermost first and none
    inside another: the environment's private /tmp would hide them, so they are bound back at their paths."""
    under = sorted(f for f in {*_stdlib_dirs(), *_sdk_folders()} if f == "/tmp" or f.startswith("/tmp/"))
    return [f for i, f in enumerate(under) if not any(f.startswith(outer + os.sep) for outer in under[:i])]


def prepare() -> None:
    """Work out the standard library's and the SDK's folders once, before forking environments."""
    _stdlib_dirs()
    _sdk_folders()


def restrict_imports(code_dir: str, opt_paths: list[str]) -> None:
    """sys.path becomes code dir, layers, standard library; the SDK is reachable by name; and every module
    that is not the standard library's (lambdalearn's own included) is forgotten."""
    stdlib = _stdlib_dirs()
    sdk = _sdk_folders()
    kept = [entry for entry in sys.path if entry and _is_stdlib(entry, stdlib)]
    sys.path[:] = [code_dir, *opt_paths, *kept]
    sys.meta_path.append(SdkFinder(list(sdk)))
    sys.path_importer_cache.clear()
    for name, module in list(sys.modules.items()):
        location = getattr(module, "__file__", None)
        if location and not _is_stdlib(location, stdlib):
            del sys.modules[name]


def probe() -> tuple[str, str]:
    """Which path works here, and why: (NAMESPACES or FALLBACK, a short reason). Forks a throw-away child
    that tries every step of the namespace path (in the fork server, once)."""
    forced = requested_path()
    if forced == FALLBACK:
        return FALLBACK, f"forced by {ENV_VAR}={FALLBACK}"
    read_end, write_end = os.pipe()
    pid = os.fork()
    if pid == 0:
        code = 0
        try:
            os.close(read_end)
            os.setsid()
            layout = Layout(code_dir=os.path.dirname(os.__file__), opt_dir=None, tmp_dir="/tmp", ephemeral_storage_mb=1)
            _enter_namespaces(layout)
            if os.getpid() != 1:
                raise SandboxError("not PID 1 in the new PID namespace")
        except BaseException as error:  # noqa: BLE001 - every refusal is a reason to fall back
            os.write(write_end, str(error).encode()[:500])
            code = 1
        os._exit(code)
    os.close(write_end)
    with os.fdopen(read_end, "rb") as reader:
        reason = reader.read().decode(errors="replace")
    _, status = os.waitpid(pid, 0)
    if os.waitstatus_to_exitcode(status) == 0 and not reason:
        why = f"forced by {ENV_VAR}={NAMESPACES}" if forced else "the kernel allows user, mount and PID namespaces"
        return NAMESPACES, why
    if forced == NAMESPACES:
        raise SandboxError(f"{ENV_VAR}={NAMESPACES}, but the kernel refused: {reason or 'unknown reason'}")
    return FALLBACK, f"the kernel refused namespaces ({reason or 'unknown reason'})"


def explain(path: str, reason: str) -> list[str]:
    """What is and is not sealed on `path`, for `lambdalearn invoke --explain-sandbox`."""
    lines = [f"Containment: {path} ({reason})."]
    shared = "Same on both paths: "
    if path == NAMESPACES:
        lines += [
            "- /tmp: a private tmpfs per environment, as large as the ephemeral storage (512 MB default); ENOSPC past it.",
            "- code directory: read-only; layers: read-only at /opt.",
            "- processes: own PID namespace; /proc shows only the environment, so no parent's variables.",
            "- every process of the environment ends when its first process ends.",
        ]
    else:
        lines += [
            "- /tmp: the host's (shared with other programs); TMPDIR and HOME point at a private folder per environment.",
            "- code directory: writable, as is the host's /proc (other processes stay visible).",
            "- processes: the first is a subreaper, so every descendant (even after setsid) is frozen, counted and killed with it.",
            "- ephemeral storage size is not enforced.",
        ]
    lines.append(
        shared + "imports limited to the code directory, /opt/python layers, the standard library and boto3/botocore;"
        " memory counted over every process; CPU share over every process; environment variables scrubbed."
    )
    return lines
