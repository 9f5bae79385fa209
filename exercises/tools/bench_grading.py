"""Time ``make autograde`` per submission and per batch (``make bench-grading``).

Copies the course to a temporary folder, makes ``N`` submissions per
assignment (alternately the reference solutions and a mistaken notebook whose
first function returns 0), autogrades them in one batch exactly as
``make autograde`` does (``python -m tools.autograde`` as a separate process),
and prints the median and 95th percentile of the time per submission and per
stage: nbgrader's autograde with the grade of record inside it (the cost of a
submission), and the grade of record's own time (it runs concurrently with the
kernel); then the batch's submissions per minute, the coordinating
process's peak memory (resident set, sampled) and how many of the machine's
cores were busy on average (all processes: what more lanes could still use).
Every reference submission must get full marks and every mistaken one lose
the first function's points, or the benchmark fails.

``--lanes`` sets the local lanes; ``--dask`` starts a Dask scheduler and
``--workers`` worker processes, each on its own as on separate machines, and
grades through them. ``--queue-only MINUTES`` measures the coordinator's
memory with every submission queued: it samples for that long, then stops
the run (the batch is thrown away with the temporary course).

Usage::

    cd exercises && python -m tools.bench_grading [--n 2] [--lanes N | --dask [--workers 2]]
                                                  [--queue-only MINUTES]
"""

import argparse
import contextlib
import io
import json
import os
import re
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

import nbformat

from .course import COURSE, assignments

GENERATED = ("release", "submitted", "autograded", "feedback", "downloaded", ".exchange",
             "gradebook.db", "grades.csv", "__pycache__", "grading-secret.txt")


def percentile(values, q):
    """The ``q``-quantile of ``values`` (nearest rank).

    Examples
    --------
    >>> percentile([1, 2, 3, 4, 5], 0.95), percentile([3, 1, 2], 0.5)
    (5, 2)
    """
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def _submission(source, release, wrong):
    answers = {c.metadata.nbgrader["grade_id"]: c.source for c in source.cells
               if c.metadata.get("nbgrader", {}).get("solution")}
    first = next(iter(answers))
    nb = nbformat.from_dict(json.loads(json.dumps(release)))
    for cell in nb.cells:
        gid = cell.metadata.get("nbgrader", {}).get("grade_id")
        if gid in answers:
            cell.source = answers[gid]
            if wrong and gid == first:
                cell.source = f"def {gid}(*args, **kwargs):\n    return 0.0\n"
    return nb


def _dask_cluster(course, workers, folder):
    """Start ``dask scheduler`` and ``workers`` ``dask worker`` processes; (address, procs)."""
    import os
    import subprocess

    bindir = Path(sys.executable).parent
    env = {**os.environ, "PYTHONPATH": str(course)}
    file = Path(folder) / "scheduler.json"
    procs = [subprocess.Popen([str(bindir / "dask"), "scheduler", "--host", "127.0.0.1",
                               "--port", "0", "--no-dashboard", "--scheduler-file", str(file)],
                              cwd=course, env=env, stdout=subprocess.DEVNULL,
                              stderr=subprocess.DEVNULL)]
    procs += [subprocess.Popen([str(bindir / "dask"), "worker", "--scheduler-file", str(file),
                                "--nthreads", "1", "--memory-limit", "0", "--no-dashboard"],
                               cwd=course, env=env, stdout=subprocess.DEVNULL,
                               stderr=subprocess.DEVNULL) for _ in range(workers)]
    from distributed import Client

    deadline = time.monotonic() + 120
    while not file.exists() and time.monotonic() < deadline:
        time.sleep(0.2)
    with Client(scheduler_file=str(file), timeout="120s") as client:
        client.wait_for_workers(workers, timeout=300)
        return client.scheduler.address, procs


def _busy_cores(before, after):
    """Cores kept busy on average between two ``psutil.cpu_times()`` (all processes)."""
    idle = ("idle", "iowait")
    spent = {f: getattr(after, f) - getattr(before, f) for f in after._fields
             if not f.startswith("guest")}  # Linux counts guest time in user time too
    total = sum(spent.values())
    return (total - sum(spent.get(f, 0.0) for f in idle)) / total * os.cpu_count() if total else 0.0


def _run_sampled(argv, cwd, minutes=None):
    """Run ``argv``; ``(exit status, output, peak RSS in bytes)`` of that process alone."""
    import signal
    import subprocess
    import threading

    import psutil

    proc = subprocess.Popen(argv, cwd=cwd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                            text=True)
    chunks = []
    reader = threading.Thread(target=lambda: chunks.extend(proc.stdout), daemon=True)
    reader.start()
    peak, watched = 0, psutil.Process(proc.pid)
    stop = time.monotonic() + minutes * 60 if minutes else float("inf")
    while proc.poll() is None:
        with contextlib.suppress(psutil.Error):
            peak = max(peak, watched.memory_info().rss)
        if time.monotonic() > stop:
            proc.send_signal(signal.SIGINT)  # as Ctrl-C: the run closes its lanes
            try:
                proc.wait(timeout=120)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()
            break
        time.sleep(0.25)
    reader.join(timeout=30)
    proc.stdout.close()
    return proc.returncode, "".join(chunks), peak


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=2, help="submissions per assignment")
    parser.add_argument("--lanes", type=int, help="local lanes (default: one per core)")
    parser.add_argument("--dask", action="store_true",
                        help="grade on a Dask scheduler and workers started separately")
    parser.add_argument("--workers", type=int, default=2, help="Dask workers (with --dask)")
    parser.add_argument("--queue-only", type=float, metavar="MINUTES",
                        help="queue every submission, sample the coordinator's memory for "
                             "MINUTES, then stop")
    args = parser.parse_args(argv)
    from . import assignments as generate

    with tempfile.TemporaryDirectory(prefix="bench-grading-") as tmp:
        course = Path(tmp) / "exercises"
        shutil.copytree(COURSE, course, ignore=shutil.ignore_patterns(*GENERATED))
        with contextlib.redirect_stdout(io.StringIO()):
            generate.main(["--no-check", "--course", str(course)])
        subs = []
        for name in assignments(course):
            source = nbformat.read(course / "source" / name / f"{name}.ipynb", as_version=4)
            release = nbformat.read(course / "release" / name / f"{name}.ipynb", as_version=4)
            for k in range(args.n):
                student = f"{'wrong' if k % 2 else 'ref'}{k}"
                folder = course / "submitted" / student / name
                folder.mkdir(parents=True)
                nbformat.write(_submission(source, release, k % 2 == 1),
                               folder / f"{name}.ipynb")
                subs.append((name, student))
        command = [sys.executable, "-m", "tools.autograde", "--course", str(course)]
        procs = []
        if args.dask:
            address, procs = _dask_cluster(course, args.workers, tmp)
            command += ["--scheduler", address]
            where = f"a Dask scheduler and {args.workers} workers started separately"
        else:
            command += ["--lanes", str(args.lanes)] if args.lanes else []
            where = f"{args.lanes or 'one per core'} local lane(s)"
        try:
            import psutil

            before, started = psutil.cpu_times(), time.perf_counter()
            status, text, peak = _run_sampled(command, course, args.queue_only)
            batch = time.perf_counter() - started
            busy = _busy_cores(before, psutil.cpu_times())
        finally:
            for proc in procs:
                proc.terminate()
                proc.wait(timeout=60)
            from grading import scratch

            scratch.remove_stale()  # what a stopped run's lanes left
        if args.queue_only:
            done = len(re.findall(r"^autograded ", text, re.M))
            print(f"{len(subs)} submissions queued on {where}: coordinator's peak memory "
                  f"{peak / 2**20:.0f} MB over {args.queue_only:g} min ({done} graded by then)")
            return 0
        rows, problems = [], []
        for name, student in subs:
            found = re.search(rf"autograded {student}/{name} in ([\d.]+) s "
                              rf"\(grade of record ([\d.]+) s", text)
            score = re.search(rf"{name} {student}: ([\d.]+) / ([\d.]+) \(grade of record\)",
                              text)
            if status or not found or not score:
                problems.append(f"{name} {student}: not graded")
                continue
            got, top = float(score.group(1)), float(score.group(2))
            if (student.startswith("ref") and got != top) or (
                    student.startswith("wrong") and got >= top):
                problems.append(f"{name} {student}: {got:g} / {top:g}")
            total, record = float(found.group(1)), float(found.group(2))
            rows.append((name, student, total, record))
            print(f"{name:22s} {student:7s} {got:g}/{top:g}  per submission {total:.2f} s  "
                  f"(grade of record alone {record:.2f} s, concurrent with the kernel)")
        print(f"batch of {len(subs)} on {where}: {batch:.1f} s in all, "
              f"{len(subs) / batch * 60:.1f} submissions per minute (with start-up and the "
              f"score table); coordinator's peak memory {peak / 2**20:.0f} MB; the "
              f"machine's cores busy {busy:.2f} of {os.cpu_count()} on average")
    for label, chosen in (("all", rows), ("reference", [r for r in rows
                                                       if r[1].startswith("ref")])):
        for stage, index in (("per submission", 2), ("grade of record", 3)):
            values = [r[index] for r in chosen]
            if values:
                print(f"{label:9s} {stage:16s} n={len(values):3d}  median "
                      f"{statistics.median(values):6.2f} s  p95 {percentile(values, 0.95):6.2f} s")
    for problem in problems:
        print(f"PROBLEM: {problem}", file=sys.stderr)
    if status:
        causes = [line for line in text.splitlines() if line.startswith(("NOT GRADED", "make "))]
        print("\n".join(causes[:20]) or text[-3000:], file=sys.stderr)
    return 1 if problems or status else 0


if __name__ == "__main__":
    sys.exit(main())
