"""Start a program confined for grading: hidden files, no network, no privileges, limits.

This file is run as a script (``python -I -S confine.py CONFIG``) by the trusted
grading process, both for the isolated run of a learner's solution cells and
for the nbgrader kernel of an autograde run. It uses the standard library only,
so it can run before anything of the course is importable.

``CONFIG`` is a JSON file written by the trusted process::

    {
      "argv": ["/path/to/python", "-I", ...],   # the program to run
      "env": {"PATH": ..., "HOME": "{box}/home"}, # its whole environment
      "box": "/tmp/run-x/box",     # becomes /tmp inside
      "cwd": "{box}/work",         # working directory; {box} is the box as seen inside
      "hide": ["/course", "/root", ...],          # covered by empty read-only tmpfs
      "expose": ["/usr/lib/python3.11", ...],     # kept visible (read-only) under hidden paths
      "network": false,            # false: a new, empty network namespace
      "uid": 65534, "gid": 65534,  # identity of the program (when started as root)
      "limits": {"cpu": 20, "memory": 1073741824, "file_size": 8388608,
                 "open_files": 64, "processes": 64},
      "rewrite_file": ["/real/connection.json", "{box}/kernel.json", {"key": ...}],
      "quiet": false,              # true: stdout and stderr go to /dev/null
      "report": "/tmp/run-x/isolation.json",
      "parent": 4242               # the grader's pid: the launcher stops if it has ended
    }

Isolation as root (Linux): new mount, PID, IPC, UTS and (unless ``network``)
network namespaces; the hidden paths are covered by empty read-only tmpfs
mounts, the box is bound over ``/tmp``, the exposed paths are bound back
read-only; a fresh ``/proc``; then the program runs as ``uid``/``gid`` with no
supplementary groups, ``no_new_privs`` and the resource limits.

Isolation without root (Linux with unprivileged user namespaces): the same
view of the file system through bubblewrap (``bwrap``, Debian's
``bubblewrap`` package): new user, mount, PID, IPC, UTS and (unless
``network``) network namespaces; the whole file system read-only, the hidden
paths covered by empty read-only tmpfs mounts, the box bound over ``/tmp``,
the exposed paths bound back read-only, a fresh ``/proc`` and ``/dev``; the
program keeps the grader's user id (the only one a user namespace may map) but
has no capabilities, ``no_new_privs`` and the resource limits, and can write
nowhere but the box.

Where neither works (no root, no ``bwrap`` or user namespaces refused), learner
code is **not run**: the launcher exits with :data:`REFUSED` and says why,
unless the instructor sets the environment variable :data:`ALLOW_UNCONFINED`
to ``1``; then only the resource limits, the scrubbed environment and the
working directory apply. ``report`` records which measures were in force, so
the grader can say so. :func:`isolation_mode` tells in advance which of these
applies.
"""

import ctypes
import ctypes.util
import json
import os
import resource
import shutil
import signal
import subprocess
import sys

#: Environment variable that lets learner code run without isolation (``1``) when
#: neither root nor user namespaces are available. Unset, such a run is refused.
ALLOW_UNCONFINED = "GRADING_ALLOW_UNCONFINED"
#: Exit status of the launcher when it refuses to run learner code unconfined.
REFUSED = 78
#: Exit status of the launcher when the grader that started it had already ended.
ORPHANED = 79

CLONE_NEWNS = 0x00020000
CLONE_NEWUTS = 0x04000000
CLONE_NEWIPC = 0x08000000
CLONE_NEWPID = 0x20000000
CLONE_NEWNET = 0x40000000

MS_RDONLY = 0x1
MS_NOSUID = 0x2
MS_NODEV = 0x4
MS_REMOUNT = 0x20
MS_BIND = 0x1000
MS_REC = 0x4000
MS_PRIVATE = 0x40000

PR_SET_PDEATHSIG = 1
PR_SET_NO_NEW_PRIVS = 38

_libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6", use_errno=True)


def _check(result, what):
    if result != 0:
        errno = ctypes.get_errno()
        raise OSError(errno, f"{what}: {os.strerror(errno)}")


def _mount(source, target, fstype, flags, data=None):
    _check(
        _libc.mount(
            source.encode() if source else None,
            target.encode(),
            fstype.encode() if fstype else None,
            ctypes.c_ulong(flags),
            data.encode() if data else None,
        ),
        f"mount {source} on {target}",
    )


def _under(path, parent):
    return path == parent or path.startswith(parent.rstrip("/") + "/")


def _set_limits(limits):
    pairs = {
        "cpu": resource.RLIMIT_CPU,
        "memory": resource.RLIMIT_AS,
        "file_size": resource.RLIMIT_FSIZE,
        "open_files": resource.RLIMIT_NOFILE,
        "processes": resource.RLIMIT_NPROC,
    }
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
    for key, which in pairs.items():
        value = limits.get(key)
        if value is not None:
            # CPU: the soft limit sends SIGXCPU, the hard limit one second later SIGKILL.
            hard = value + 1 if key == "cpu" else value
            resource.setrlimit(which, (value, hard))


def _build_filesystem(config):
    """Hide, bind and expose (runs as root in a new mount namespace)."""
    _mount(None, "/", None, MS_REC | MS_PRIVATE)
    box = os.path.realpath(config["box"])
    hide = [os.path.realpath(p) for p in config.get("hide", []) if os.path.isdir(p)]
    hide.append("/tmp")
    expose = [os.path.realpath(p) for p in config.get("expose", []) if os.path.isdir(p)]
    # Open what must stay reachable before anything is covered.
    box_fd = os.open(box, os.O_PATH | os.O_DIRECTORY)
    needed = [p for p in expose if any(_under(p, h) for h in hide)]
    expose_fds = [(p, os.open(p, os.O_PATH | os.O_DIRECTORY)) for p in needed]
    covered = []
    for path in sorted(set(hide), key=len):
        if any(_under(path, c) for c in covered):
            continue  # already inside a covered tree
        _mount("tmpfs", path, "tmpfs", MS_NOSUID | MS_NODEV, "mode=755,size=64k")
        covered.append(path)
    # The box becomes /tmp before the exposed paths are bound back, so that a
    # path under /tmp (a clone or a virtualenv there) stays reachable too.
    _mount(f"/proc/self/fd/{box_fd}", "/tmp", None, MS_BIND)
    _mount(None, "/tmp", None, MS_REMOUNT | MS_BIND | MS_NOSUID | MS_NODEV)
    os.close(box_fd)
    for path, fd in expose_fds:
        os.makedirs(path, exist_ok=True)
        _mount(f"/proc/self/fd/{fd}", path, None, MS_BIND | MS_REC)
        _mount(None, path, None, MS_REMOUNT | MS_BIND | MS_RDONLY | MS_NOSUID | MS_NODEV)
        os.close(fd)
    for path in covered:
        if path != "/tmp":
            _mount(None, path, None, MS_REMOUNT | MS_RDONLY | MS_NOSUID | MS_NODEV)
    return covered


def _place_box(config, box):
    """Replace ``{box}`` in the argv, environment, cwd and rewrite target by ``box``."""

    def sub(value):
        return value.replace("{box}", box) if isinstance(value, str) else value

    config["argv"] = [sub(a) for a in config["argv"]]
    config["env"] = {k: sub(v) for k, v in config["env"].items()}
    config["cwd"] = sub(config["cwd"])
    spec = config.get("rewrite_file")
    if spec:
        source, target, replace = spec
        config["rewrite_file"] = [source, sub(target), {k: sub(v) for k, v in replace.items()}]


def _rewritten(spec):
    """Read a JSON file and replace some keys (the kernel's connection file)."""
    if not spec:
        return None
    source, target, replace = spec
    with open(source, encoding="utf-8") as fh:
        data = json.load(fh)
    data.update(replace)
    return target, json.dumps(data)


def _drop_privileges(uid, gid):
    os.setgroups([])
    os.setgid(gid)
    os.setuid(uid)


def _exec(config):
    env = config["env"]
    os.chdir(config["cwd"])
    if config.get("quiet"):
        null = os.open(os.devnull, os.O_WRONLY)
        os.dup2(null, 1)
        os.dup2(null, 2)
        os.close(null)
    signal.signal(signal.SIGINT, signal.SIG_DFL)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    os.execve(config["argv"][0], config["argv"], env)


def _wait_and_forward(child):
    """Wait for ``child``, passing on termination; exit as it did."""

    def forward(signum, _frame):
        try:
            os.kill(child, signal.SIGKILL if signum == signal.SIGTERM else signum)
        except ProcessLookupError:
            pass

    signal.signal(signal.SIGTERM, forward)
    signal.signal(signal.SIGHUP, forward)
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the process group receives it directly
    while True:
        try:
            _, status = os.waitpid(child, 0)
            break
        except ChildProcessError:
            os._exit(1)
        except InterruptedError:
            continue
    if os.WIFSIGNALED(status):
        os._exit(128 + os.WTERMSIG(status))
    os._exit(os.WEXITSTATUS(status))


def _tasks_of(uid):
    """Number of threads (what ``RLIMIT_NPROC`` counts) of the processes of ``uid``."""
    count = 0
    for pid in os.listdir("/proc"):
        if not pid.isdigit():
            continue
        try:
            with open(f"/proc/{pid}/status", encoding="ascii", errors="replace") as fh:
                fields = dict(line.split(":", 1) for line in fh if ":" in line)
            if int(fields["Uid"].split()[0]) == uid:
                count += int(fields["Threads"])
        except (OSError, KeyError, ValueError):
            continue
    return count


def _exec_bubblewrap(bwrap, config, report, report_fd):
    """Start ``argv`` through bubblewrap (a grader who is not root); never returns."""
    box = os.path.realpath(config["box"])
    report["missing"] = [m for m in report["missing"] if not m.startswith("namespaces")]
    target = (config.get("rewrite_file") or [None, None])[1]
    _place_box(config, "/tmp")  # argv, environment and cwd as the program sees them
    rewritten = _rewritten(config.get("rewrite_file"))
    if rewritten:
        fd = os.open(target.replace("{box}", box), os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        os.write(fd, rewritten[1].encode())
        os.close(fd)
    report["measures"] += ["hidden-paths", "private-tmp", "pid-namespace", "user-namespace",
                           "read-only-system"]
    if config.get("network", False):
        report["missing"].append("network namespace (kernel needs loopback)")
    else:
        report["measures"].append("no-network")
    _write_report(report_fd, report)
    argv = _bwrap_argv(bwrap, config)
    if config.get("quiet"):
        null = os.open(os.devnull, os.O_WRONLY)
        os.dup2(null, 1)
        os.dup2(null, 2)
        os.close(null)
    limits = dict(config.get("limits", {}))
    if limits.get("processes") is not None:
        # The program keeps the grader's user id, whose processes and threads count
        # against the same limit: allow that many more than the grader already has.
        limits["processes"] += _tasks_of(os.getuid())
    _set_limits(limits)
    _check(_libc.prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0), "prctl")
    # An interrupt sent to the process group is for the program (a kernel sets its own
    # handler), not for bubblewrap, whose end would end the sandbox.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    os.execve(bwrap, argv, config["env"])


def _write_report(fd, report):
    if fd is not None:
        os.write(fd, json.dumps(report).encode())
        os.close(fd)


def bubblewrap():
    """Path of the ``bwrap`` program on the grader's ``PATH``, or ``None``."""
    return shutil.which("bwrap")


def _user_namespaces_work(bwrap):
    """Whether ``bwrap`` can build a sandbox here (user namespaces allowed)."""
    try:
        done = subprocess.run(
            [bwrap, "--unshare-all", "--ro-bind", "/", "/", "--proc", "/proc", "--dev", "/dev",
             "--", "/bin/true"],
            stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
            timeout=30, check=False)
    except (OSError, subprocess.TimeoutExpired):
        return False
    return done.returncode == 0


def isolation_mode():
    """How learner code would be confined here.

    Returns
    -------
    str
        ``"root"`` (namespaces and a separate user), ``"user-namespace"``
        (bubblewrap, for a grader who is not root), ``"unconfined"`` (neither
        available, and :data:`ALLOW_UNCONFINED` is set) or ``"refused"``
        (neither available: learner code will not run).

    Examples
    --------
    >>> isolation_mode() in ("root", "user-namespace", "unconfined", "refused")
    True
    """
    if os.geteuid() == 0:
        return "root"
    bwrap = bubblewrap()
    if bwrap and _user_namespaces_work(bwrap):
        return "user-namespace"
    return "unconfined" if os.environ.get(ALLOW_UNCONFINED) == "1" else "refused"


def refusal_message():
    """The sentence a refused run prints (names the setting that lifts the refusal)."""
    return (
        "grading refuses to run learner code: the grader is not root and no user "
        "namespace could be created (install bubblewrap, `apt-get install bubblewrap`, "
        "and allow unprivileged user namespaces). To run learner code with resource "
        f"limits only, at your own risk, set {ALLOW_UNCONFINED}=1."
    )


def _bwrap_argv(bwrap, config):
    """The ``bwrap`` command that builds the confined view and starts ``argv``."""
    box = os.path.realpath(config["box"])
    hide = sorted({os.path.realpath(p) for p in config.get("hide", []) if os.path.isdir(p)},
                  key=len)
    expose = [os.path.realpath(p) for p in config.get("expose", []) if os.path.isdir(p)]
    # No --new-session: the caller already started a session without a terminal,
    # and the kernel must stay in its process group to receive interrupts.
    argv = [bwrap, "--die-with-parent", "--unshare-user", "--unshare-pid",
            "--unshare-ipc", "--unshare-uts", "--unshare-cgroup-try"]
    if not config.get("network", False):
        argv.append("--unshare-net")
    argv += ["--ro-bind", "/", "/", "--dev", "/dev", "--proc", "/proc"]
    covered = []
    for path in hide:
        if _under(path, "/tmp") or any(_under(path, c) for c in covered):
            continue  # the box replaces /tmp and everything under it
        argv += ["--tmpfs", path]
        covered.append(path)
    argv += ["--bind", box, "/tmp"]
    for path in expose:
        if any(_under(path, c) for c in covered + ["/tmp"]):
            argv += ["--ro-bind", path, path]
    for path in covered:
        argv += ["--remount-ro", path]
    return argv + ["--chdir", config["cwd"], "--", *config["argv"]]


def _alive(pid):
    """Whether process ``pid`` exists (the grader may start this launcher through
    a wrapper such as ``runuser``, so it need not be the direct parent)."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # it exists, under another user
        return True
    return True


def main(config_path):
    # Ends with the grader that started it, so a grading lane or run that is killed
    # leaves no learner program running: everything below ends with this process
    # (the PID namespace's first process has the same signal, bubblewrap runs with
    # --die-with-parent, an unconfined program inherits it).
    _check(_libc.prctl(PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0), "prctl")
    with open(config_path, encoding="utf-8") as fh:
        config = json.load(fh)
    if config.get("parent") is not None and not _alive(config["parent"]):
        os._exit(ORPHANED)  # the grader ended before the signal was set
    report = {"measures": ["scrubbed-environment", "resource-limits"], "missing": []}
    # Opened now: the file lies outside what the program will see.
    report_fd = None
    if config.get("report"):
        report_fd = os.open(config["report"], os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    is_root = os.geteuid() == 0
    namespaces = False
    if is_root:
        flags = CLONE_NEWNS | CLONE_NEWPID | CLONE_NEWIPC | CLONE_NEWUTS
        if not config.get("network", False):
            flags |= CLONE_NEWNET
        try:
            _check(_libc.unshare(flags), "unshare")
            namespaces = True
        except OSError as exc:
            report["missing"].append(f"namespaces ({exc.strerror})")
    if not namespaces:
        bwrap = bubblewrap()
        if bwrap and _user_namespaces_work(bwrap):
            _exec_bubblewrap(bwrap, config, report, report_fd)
        if os.environ.get(ALLOW_UNCONFINED) != "1":
            report["refused"] = refusal_message()
            _write_report(report_fd, report)
            print(refusal_message(), file=sys.stderr)
            os._exit(REFUSED)
        report["missing"].append(
            f"namespaces and separate user (no root, no user namespace; {ALLOW_UNCONFINED}=1)")
    _place_box(config, "/tmp" if namespaces else os.path.realpath(config["box"]))
    rewritten = _rewritten(config.get("rewrite_file"))
    if namespaces:
        _build_filesystem(config)
        report["measures"] += ["hidden-paths", "private-tmp", "pid-namespace", "separate-user"]
        if config.get("network", False):
            report["missing"].append("network namespace (kernel needs loopback)")
        else:
            report["measures"].append("no-network")
    _write_report(report_fd, report)

    if not namespaces:
        if rewritten:
            target, text = rewritten
            with open(target, "w", encoding="utf-8") as fh:
                fh.write(text)
        _set_limits(config.get("limits", {}))
        _exec(config)

    child = os.fork()
    if child:
        _wait_and_forward(child)
    # pid 1 of the new PID namespace: when it ends, everything inside ends.
    _check(_libc.prctl(PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0), "prctl")
    _mount("proc", "/proc", "proc", MS_NOSUID | MS_NODEV)
    if rewritten:
        target, text = rewritten
        fd = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        os.write(fd, text.encode())
        os.fchown(fd, config["uid"], config["gid"])
        os.close(fd)
    grandchild = os.fork()
    if grandchild:
        _wait_and_forward(grandchild)
    _set_limits(config.get("limits", {}))
    _check(_libc.prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0), "prctl")
    _drop_privileges(config["uid"], config["gid"])
    _exec(config)


if __name__ == "__main__":
    main(sys.argv[1])
