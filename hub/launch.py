"""Set up, run and remove the course's local JupyterHub (``make hub``, ``make hub-clean``).

Usage (as root, from the repository root)::

    python hub/launch.py setup [--release NAME ...]   accounts, folders, course, configs
    python hub/launch.py run                            JupyterHub in the foreground
    python hub/launch.py instructor STEP [NAME]        a course step as the instructor
        (autograde also takes tools.autograde's --student ID ... and --force)
    python hub/launch.py clean                          stop nothing; remove users, group, state

Everything the hub writes lies under one folder, ``$HUB_STATE`` (default
``hub/state/``)::

    accounts.txt      the demo accounts' passwords (root only)
    hub/              JupyterHub's database and cookie secret (root only)
    exchange/         nbgrader's exchange, writable by everyone as nbgrader documents;
                      its inbound folder denies the learners' group every submission
    course/           the course folder: sources, gradebook, submissions (instructor only)
    home/<user>/      each account's home (its owner only)
    jupyter/<role>/   the Jupyter configuration of learners and of the instructor

Ports (loopback only): ``HUB_PORT`` (8000, the address to open), ``HUB_API_PORT``
(8081) and ``HUB_PROXY_API_PORT`` (8001).
"""

import argparse
import grp
import json
import os
import pwd
import secrets
import shutil
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
sys.path.insert(0, str(HERE))

from accounts import (  # noqa: E402
    ALL_USERS,
    COURSE_ID,
    INSTRUCTOR,
    LEARNERS,
    LEARNERS_GROUP,
    MARK,
    OUTSIDER,
)

EXERCISES = REPO / "exercises"
VENV_BIN = Path(sys.prefix) / "bin"
PROXY = HERE / "node_modules" / ".bin" / "configurable-http-proxy"

# Server and lab extensions each role does not get (nbgrader's documented way to
# give learners Assignments only and the instructor Formgrader).
HIDDEN_FROM = {
    "learner": {
        "server": ["nbgrader.server_extensions.formgrader",
                   "nbgrader.server_extensions.course_list"],
        "lab": ["@jupyter/nbgrader:formgrader", "@jupyter/nbgrader:create-assignment",
                "@jupyter/nbgrader:course-list"],
    },
    "instructor": {
        "server": ["nbgrader.server_extensions.assignment_list"],
        "lab": ["@jupyter/nbgrader:assignment-list"],
    },
}

# JupyterLab settings of every account: nothing fetched from the internet, and every
# cell of a notebook kept in the page (no windowing).
LAB_SETTINGS = {
    "@jupyterlab/apputils-extension:notification": {"fetchNews": "false",
                                                    "checkForUpdates": False},
    "@jupyterlab/notebook-extension:tracker": {"windowingMode": "none"},
}


def state_dir():
    """The hub's state folder: ``$HUB_STATE`` or ``hub/state/``."""
    return Path(os.environ.get("HUB_STATE", HERE / "state")).resolve()


def ports():
    """``(hub, hub API, proxy API)`` ports, from the environment or the defaults."""
    return (int(os.environ.get("HUB_PORT", 8000)), int(os.environ.get("HUB_API_PORT", 8081)),
            int(os.environ.get("HUB_PROXY_API_PORT", 8001)))


def require_root(what):
    """Stop with what to do when not root: accounts and per-user servers need root."""
    if os.geteuid() != 0:
        raise SystemExit(
            f"{what} needs root: it creates system accounts and starts each user's server as "
            "that user. Run it as root (e.g. `sudo make hub`), or see exercises/README.md, "
            "'Running the course on JupyterHub', for an existing user base.")


def user_exists(name):
    try:
        pwd.getpwnam(name)
        return True
    except KeyError:
        return False


def create_accounts(state):
    """System users with fresh random passwords (PAM login), listed in ``accounts.txt``."""
    homes = state / "home"
    homes.mkdir(parents=True, exist_ok=True)
    os.chmod(homes, 0o755)
    passwords = {}
    for name in ALL_USERS:
        home = homes / name
        if user_exists(name):
            if pwd.getpwnam(name).pw_gecos != MARK:
                raise SystemExit(f"a system user {name!r} exists and is not a demo account of "
                                 "this hub; remove it or change hub/accounts.py")
            if pwd.getpwnam(name).pw_dir != str(home):
                subprocess.run(["usermod", "--home", str(home), name], check=True)
        else:
            subprocess.run(["useradd", "--comment", MARK, "--home-dir", str(home),
                            "--shell", "/bin/bash", "--user-group", name], check=True)
        home.mkdir(exist_ok=True)
        entry = pwd.getpwnam(name)
        os.chown(home, entry.pw_uid, entry.pw_gid)
        os.chmod(home, 0o700)
        passwords[name] = secrets.token_urlsafe(9)
    subprocess.run(["chpasswd"], input="".join(f"{u}:{p}\n" for u, p in passwords.items()),
                   text=True, check=True)
    listing = state / "accounts.txt"
    listing.write_text("".join(f"{u} {p}\n" for u, p in passwords.items()))
    os.chmod(listing, 0o600)
    return passwords


def group_members(name):
    """The members of the system group ``name``, or ``None`` when there is no such group."""
    try:
        return set(grp.getgrnam(name).gr_mem)
    except KeyError:
        return None


def create_learners_group():
    """The system group ``LEARNERS_GROUP`` holding exactly the demo learners."""
    members = group_members(LEARNERS_GROUP)
    if members is None:
        subprocess.run(["groupadd", "--system", LEARNERS_GROUP], check=True)
    elif not members <= set(ALL_USERS):
        raise SystemExit(f"a system group {LEARNERS_GROUP!r} exists with members who are not "
                         "demo accounts of this hub; remove it or change hub/accounts.py")
    subprocess.run(["gpasswd", "--members", ",".join(LEARNERS), LEARNERS_GROUP], check=True,
                   stdout=subprocess.DEVNULL)


def make_inbound(state):
    """The course's folders in the exchange, the instructor's, as ``nbgrader release`` makes them.

    ``<course>/inbound/`` has nbgrader's mode (0733 with setgid: learners may
    create a submission there but not list it) and, in addition, the sticky bit
    (only a submission's owner or the instructor may rename or remove it) and a
    default ACL entry that denies ``LEARNERS_GROUP`` everything. nbgrader makes
    each submission readable by all (files 0444, its folder 0777), so its random
    name is all that hides it; every file and folder created in ``inbound/``
    inherits the ACL entry, which holds for every member of the group other than
    the owner: a learner opens their own submission, never another's, even with
    its exact path. The instructor, in no such group, reads them all.
    """
    course = state / "exchange" / COURSE_ID
    inbound = course / "inbound"
    inbound.mkdir(parents=True, exist_ok=True)
    entry = pwd.getpwnam(INSTRUCTOR)
    for path, mode in ((course, 0o755), (inbound, 0o3733)):
        os.chown(path, entry.pw_uid, entry.pw_gid)
        os.chmod(path, mode)
    if shutil.which("setfacl") is None:
        raise SystemExit("setfacl is missing (it protects the submissions in the exchange): "
                         "apt-get install acl")
    done = subprocess.run(
        ["setfacl", "--modify", f"d:u::rwx,d:g::r-x,d:o::r-x,d:g:{LEARNERS_GROUP}:---",
         str(inbound)], capture_output=True, text=True)
    if done.returncode:
        raise SystemExit(f"cannot set the exchange's access list (does the file system of "
                         f"{inbound} support POSIX ACLs?): {done.stderr.strip()}")


def read_accounts(state):
    """``{user: password}`` from ``accounts.txt``."""
    pairs = (line.split() for line in (state / "accounts.txt").read_text().splitlines())
    return {user: password for user, password in pairs}


def write_jupyter_configs(state):
    """``jupyter/<role>/``: nbgrader's exchange and hub login plug-in, the extensions."""
    for role, hidden in HIDDEN_FROM.items():
        folder = state / "jupyter" / role
        (folder / "labconfig").mkdir(parents=True, exist_ok=True)
        template = (HERE / "nbgrader_user_config.py").read_text()
        text = template.replace("@EXCHANGE@", str(state / "exchange"))
        if role == "instructor":
            course_config = str(state / "course" / "nbgrader_config.py")
            text += f"\nload_subconfig({course_config!r})  # noqa: F821\n"
        (folder / "nbgrader_config.py").write_text(text)
        (folder / "jupyter_server_config.json").write_text(json.dumps(
            {"ServerApp": {"jpserver_extensions": dict.fromkeys(hidden["server"], False)}},
            indent=2))
        (folder / "labconfig" / "page_config.json").write_text(json.dumps(
            {"disabledExtensions": dict.fromkeys(hidden["lab"], True)}, indent=2))
        (folder / "labconfig" / "default_setting_overrides.json").write_text(json.dumps(
            LAB_SETTINGS, indent=2))
        for path in [folder, *folder.rglob("*")]:
            os.chmod(path, 0o755 if path.is_dir() else 0o644)


def open_the_way():
    """In a private mount namespace, let the accounts reach the environment behind ``.venv``.

    When the repository's Python lies where other users may not enter (say
    ``/root/.pyenv``), this process and its children (the hub, the users' servers)
    see that folder as an empty tmpfs with only the needed paths bound back
    (``tests/grading/unprivileged.py``, which the grading tests use the same way).
    Nothing outside this process changes.
    """
    sys.path.insert(0, str(REPO / "tests" / "grading"))
    import unprivileged

    entry = pwd.getpwnam(OUTSIDER)
    if any(unprivileged._blocker(p, entry) for p in unprivileged.needed_paths()):
        unprivileged.open_the_way(entry)


def as_instructor(args, cwd, check=True, **kwargs):
    """Run ``args`` as the instructor (their home, the virtual environment on ``PATH``)."""
    return as_user(INSTRUCTOR, args, cwd, check=check, **kwargs)


def as_user(name, args, cwd, check=True, **kwargs):
    """Run ``args`` as the demo account ``name`` (its groups, as its server has them)."""
    entry = pwd.getpwnam(name)
    env = {"HOME": entry.pw_dir, "USER": name, "LANG": "C.UTF-8",
           "PATH": f"{VENV_BIN}:/usr/local/bin:/usr/bin:/bin"}
    return subprocess.run(args, cwd=cwd, env=env, user=entry.pw_uid, group=entry.pw_gid,
                          extra_groups=os.getgrouplist(name, entry.pw_gid), check=check,
                          **kwargs)


def prepare_course(state, release, generate=None):
    """The instructor's course folder (a copy of the sources), generated and released."""
    course = state / "course"
    course.mkdir(parents=True, exist_ok=True)
    shutil.copytree(EXERCISES / "source", course / "source", dirs_exist_ok=True)
    template = (HERE / "nbgrader_course_config.py").read_text()
    (course / "nbgrader_config.py").write_text(
        template.replace("@EXERCISES@", str(EXERCISES))
        .replace("@EXCHANGE@", str(state / "exchange")))
    entry = pwd.getpwnam(INSTRUCTOR)
    for path in [course, *course.rglob("*")]:
        os.chown(path, entry.pw_uid, entry.pw_gid)
    os.chmod(course, 0o700)
    exchange = state / "exchange"
    exchange.mkdir(exist_ok=True)
    os.chmod(exchange, 0o777)  # nbgrader's documented permissions: everyone writes here
    make_inbound(state)
    names = generate if generate is not None else sorted(
        p.name for p in (course / "source").iterdir() if p.is_dir())
    steps = [("generate", [n for n in names if n not in release]), ("release", release)]
    for step, some in steps:
        if some:
            course_step(step, some)


def course_step(step, names, check=True):
    """``hub/course_steps.py`` as the instructor: one process for every assignment."""
    args = [str(VENV_BIN / "python"), str(HERE / "course_steps.py"), str(state_dir() / "course"),
            step, *names]
    return as_instructor(args, cwd=state_dir() / "course", check=check)


def setup(release, generate=None):
    """Everything ``make hub`` needs before JupyterHub starts."""
    require_root("make hub")
    if not PROXY.is_file():
        raise SystemExit(f"{PROXY} is missing: run `npm ci --prefix hub` (make hub does)")
    state = state_dir()
    state.mkdir(parents=True, exist_ok=True)
    os.chmod(state, 0o755)
    for parent in state.parents:  # the accounts must reach the state and the environment
        if parent.stat().st_mode & 0o001 == 0:
            raise SystemExit(f"{parent} is not searchable by other users; the accounts' servers "
                             "cannot reach the course's files. Put the repository elsewhere.")
    (state / "hub").mkdir(exist_ok=True)
    os.chmod(state / "hub", 0o700)
    create_accounts(state)
    create_learners_group()
    open_the_way()
    write_jupyter_configs(state)
    prepare_course(state, release, generate)


def banner(state):
    port = ports()[0]
    lines = [f"The course hub: http://127.0.0.1:{port}/  (Ctrl-C stops it)", "Demo accounts:"]
    roles = {INSTRUCTOR: "instructor (Formgrader)", OUTSIDER: "not in the course"}
    for user, password in read_accounts(state).items():
        role = roles.get(user, "learner (Assignments)" if user in LEARNERS else "")
        lines.append(f"    {user:12s} password {password:14s} {role}")
    return "\n".join(lines)


def hub_command():
    return [str(VENV_BIN / "jupyterhub"), "-f", str(HERE / "jupyterhub_config.py")]


def run():
    """JupyterHub in the foreground, in ``state/hub/``."""
    require_root("make hub")
    state = state_dir()
    open_the_way()
    print(banner(state), flush=True)
    env = dict(os.environ, PATH=f"{VENV_BIN}:{os.environ.get('PATH', '/usr/bin:/bin')}")
    os.chdir(state / "hub")
    os.execve(hub_command()[0], hub_command(), env)


def instructor(step, assignment, students=None, force=False):
    """A course step run as the instructor in the hub's course folder.

    ``students`` and ``force`` are ``tools.autograde``'s ``--student`` and ``--force``.
    """
    require_root(f"make hub-{step}")
    course = state_dir() / "course"
    open_the_way()
    if step == "autograde":
        args = [str(VENV_BIN / "python"), "-m", "tools.autograde", "--course", str(course)]
        args += ["--assignment", assignment] if assignment else []
        args += ["--student", *students] if students else []
        args += ["--force"] if force else []
        return as_instructor(args, cwd=EXERCISES, check=False).returncode
    return course_step(step, [assignment], check=False).returncode


def remove_users():
    for name in ALL_USERS:
        if user_exists(name) and pwd.getpwnam(name).pw_gecos == MARK:
            subprocess.run(["pkill", "-KILL", "-u", name], check=False)
            subprocess.run(["userdel", name], check=True)
            print(f"removed the demo account {name}")
    members = group_members(LEARNERS_GROUP)
    if members is not None and members <= set(ALL_USERS):
        subprocess.run(["groupdel", LEARNERS_GROUP], check=True)
        print(f"removed the learners' group {LEARNERS_GROUP}")


def clean():
    """Remove the demo accounts and the state folder."""
    state = state_dir()
    if os.geteuid() == 0:
        remove_users()
    shutil.rmtree(state, ignore_errors=True)
    print(f"removed {state}")


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="command", required=True)
    p = sub.add_parser("setup")
    p.add_argument("--release", nargs="*", default=None,
                   help="assignments to release (default: all)")
    p.add_argument("--generate", nargs="*", default=None,
                   help="assignments to generate (default: all; none if given no name)")
    sub.add_parser("run")
    p = sub.add_parser("instructor")
    p.add_argument("step", choices=["release", "collect", "autograde", "feedback"])
    p.add_argument("assignment", nargs="?")
    p.add_argument("--student", nargs="+", help="autograde: only these students")
    p.add_argument("--force", action="store_true", help="autograde: regrade unchanged ones too")
    sub.add_parser("clean")
    p = sub.add_parser("as", help="run a command as a demo account, in its home")
    p.add_argument("user", choices=ALL_USERS)
    p.add_argument("program", nargs=argparse.REMAINDER)
    args = parser.parse_args(argv)
    if args.command == "setup":
        names = args.release
        if names is None:
            names = sorted(p.name for p in (EXERCISES / "source").iterdir() if p.is_dir())
        setup(names, args.generate)
        return 0
    if args.command == "run":
        run()
    if args.command == "instructor":
        if args.step != "autograde" and not args.assignment:
            raise SystemExit(f"make hub-{args.step} needs ASSIGNMENT=<name>")
        return instructor(args.step, args.assignment, args.student, args.force)
    if args.command == "clean":
        clean()
    if args.command == "as":
        require_root("launch.py as")
        open_the_way()
        program = args.program[1:] if args.program[:1] == ["--"] else args.program
        return as_user(args.user, program, cwd=pwd.getpwnam(args.user).pw_dir,
                       check=False).returncode
    return 0


if __name__ == "__main__":
    sys.exit(main())
