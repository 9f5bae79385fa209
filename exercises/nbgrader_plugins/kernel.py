"""The nbgrader kernel, confined: what a learner's cells do at autograde time stays in a box.

``nbgrader autograde`` runs the learner's cells and the tests in one kernel.
With :class:`ConfinedKernelManager` (``Execute.kernel_manager_class``) that
kernel runs through ``confine.py``: the course directory (source notebooks,
gradebook, submissions of others, the check catalogue) is hidden, the kernel
runs as another user with resource limits, in a private ``/tmp`` whose
``work`` folder holds a copy of the submission's files, and it talks to
nbgrader over Unix sockets in that box so it can live in an empty network
namespace. Nothing it does reaches the grades: those come from
:mod:`.record`. The in-kernel tests remain the learner's feedback.
"""

import os
import shutil
import sys
import tempfile
from pathlib import Path

from grading import scratch
from grading.sandbox import (
    Limits,
    confine_command,
    make_box,
    python_executable,
    sandbox_identity,
    scrubbed_environment,
)
from jupyter_client.manager import AsyncKernelManager
from traitlets import Bool, Float, Integer, List, Unicode

__all__ = ["ConfinedKernelManager"]

#: Longest run folder that leaves room for ``box/ipc/kernel-<n>`` in a Unix socket path.
SOCKET_ROOM = 80


class ConfinedKernelManager(AsyncKernelManager):
    """An ``AsyncKernelManager`` whose kernel runs confined (see :mod:`.confine`)."""

    hide = List(Unicode(), help="Paths the kernel must not see (the course root).").tag(
        config=True)
    cpu_seconds = Integer(300, help="CPU time of the whole kernel, in seconds.").tag(config=True)
    memory_bytes = Integer(3 * 2**30, help="Address space of the kernel, in bytes.").tag(
        config=True)
    file_bytes = Integer(16 * 2**20, help="Largest file the kernel may write.").tag(config=True)
    processes = Integer(512, help="Processes and threads of the sandbox user.").tag(config=True)
    isolate_network = Bool(True, help="Run the kernel in an empty network namespace "
                                      "(it then talks over Unix sockets).").tag(config=True)
    startup_timeout = Float(60.0).tag(config=True)

    _run_dir = None

    def _prepare_box(self):
        if self._run_dir is None:
            self._run_dir = scratch.temporary_dir("grading-kernel-")
            if len(self._run_dir) > SOCKET_ROOM:  # a Unix socket path holds 107 bytes at most
                os.rmdir(self._run_dir)
                self._run_dir = tempfile.mkdtemp(prefix="grading-kernel-", dir="/tmp")
                scratch.adopt(self._run_dir)
            box = make_box(self._run_dir)
            ipc = box / "ipc"
            ipc.mkdir(mode=0o700)
            if os.geteuid() == 0:
                uid, gid = sandbox_identity()
                os.chown(ipc, uid, gid)
        return Path(self._run_dir) / "box"

    async def _async_pre_start_kernel(self, **kw):
        box = self._prepare_box()
        if self.isolate_network:
            self.transport = "ipc"
            self.ip = str(box / "ipc" / "kernel")
        return await super()._async_pre_start_kernel(**kw)

    def format_kernel_cmd(self, extra_arguments=None):
        """The kernelspec's command, started through ``confine.py``."""
        cmd = super().format_kernel_cmd(extra_arguments)
        box = self._prepare_box()
        cwd = self._launch_args.get("cwd") or os.getcwd()
        _copy_submission_files(Path(cwd), box / "work")
        real_connection = os.path.realpath(self.connection_file)
        argv = [a if a != real_connection else "{box}/kernel.json" for a in cmd]
        if os.path.realpath(argv[0]) == os.path.realpath(sys.executable):
            argv[0] = python_executable()
        if Path(argv[0]).name.startswith("python"):
            argv[1:1] = ["-I"]
        replace = {"ip": "{box}/ipc/kernel"} if self.transport == "ipc" else {}
        limits = Limits(cpu_seconds=self.cpu_seconds, memory_bytes=self.memory_bytes,
                        file_bytes=self.file_bytes, processes=self.processes)
        env = scrubbed_environment()
        if os.environ.get("NBGRADER_EXECUTION"):  # the notebooks' helpers read it
            env["NBGRADER_EXECUTION"] = os.environ["NBGRADER_EXECUTION"]
        return confine_command(
            self._run_dir, argv=argv, hide=list(self.hide), limits=limits,
            network=not self.isolate_network, env=env,
            rewrite_file=[real_connection, "{box}/kernel.json", replace], quiet=True,
        )

    async def _async_launch_kernel(self, kernel_cmd, **kw):
        await super()._async_launch_kernel(kernel_cmd, **kw)
        process = getattr(self.provisioner, "process", None)
        if process is not None and self._run_dir is not None:
            scratch.note_process(self._run_dir, process.pid)

    async def _async_cleanup_resources(self, restart=False):
        await super()._async_cleanup_resources(restart=restart)
        if not restart and self._run_dir is not None:
            shutil.rmtree(self._run_dir, ignore_errors=True)
            self._run_dir = None


def _copy_submission_files(source, target):
    """Copy the submission's folder (not its notebooks) into the kernel's working folder."""
    uid, gid = sandbox_identity()
    for path in sorted(source.rglob("*")):
        rel = path.relative_to(source)
        if path.suffix == ".ipynb" or path.is_symlink() or "__pycache__" in rel.parts:
            continue
        dest = target / rel
        if path.is_dir():
            dest.mkdir(exist_ok=True)
        elif path.is_file():
            dest.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(path, dest)
        else:
            continue
        if os.geteuid() == 0:
            os.chown(dest, uid, gid)
