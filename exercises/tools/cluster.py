"""The grading lanes: a Dask cluster, local or on other machines, behind one interface.

``make autograde`` sends each submission to a lane (``tools/lane.py``) through
a Dask ``Client``:

* by default, a ``LocalCluster`` of ``lanes`` worker processes (one per core
  unless ``LANES`` says otherwise), one thread each: each lane grades one
  submission at a time, with the grader's own isolation and limits;
* with ``GRADING_SCHEDULER=tcp://host:8786``, the workers of that Dask
  scheduler, on as many machines as were started (``exercises/README.md``).

Either way the same task runs; a worker that dies has its task run again on
another one (Dask's scheduler does that), and its result is never half-written
because only the coordinating process writes.
"""

import contextlib
import logging
import os

__all__ = ["default_lanes", "lanes_client"]


def default_lanes():
    """One lane per core this process may use.

    Examples
    --------
    >>> default_lanes() >= 1
    True
    """
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not Linux
        return max(1, os.cpu_count() or 1)


@contextlib.contextmanager
def lanes_client(lanes=None, scheduler=None):
    """A Dask ``Client`` to ``scheduler``, or to a local cluster of ``lanes`` workers.

    Yields ``(client, description)``.
    """
    import dask
    from distributed import Client, LocalCluster

    # The grader bounds the learner's code itself (grading/sandbox.py): Dask's own
    # memory manager must not pause or restart a lane that holds a big notebook.
    settings = {"distributed.worker.memory.target": False,
                "distributed.worker.memory.spill": False,
                "distributed.worker.memory.pause": False,
                "distributed.worker.memory.terminate": False}
    with dask.config.set(settings):
        if scheduler:
            with Client(scheduler, timeout="30s") as client:
                workers = len(client.scheduler_info().get("workers", {}))
                yield client, f"Dask scheduler {scheduler} ({workers} worker(s))"
            return
        lanes = lanes or default_lanes()
        with LocalCluster(n_workers=lanes, threads_per_worker=1, processes=True,
                          memory_limit=0, dashboard_address=None,
                          silence_logs=logging.CRITICAL) as cluster, Client(cluster) as client:
            yield client, f"{lanes} local lane(s)"
