"""The judging engine: a submission's solution cells in, one verdict per test cell out.

:func:`grade_submission` is pure grading: no gradebook, no file layout. It is
used by the grade of record (:mod:`.record`, which reads the notebooks and
hands the verdicts to :mod:`.gradebook`), by ``make assignments`` (source
notebooks must pass, release notebooks fail) and by the tests.

The way of one submission:

1. :mod:`.audit` reads the cells (nothing runs); a finding withholds the
   points of the function it concerns and flags it for review;
2. the cases of every check are drawn once, from ``rng``, and carried to the
   isolated process (:class:`.sandbox.Session`: one confined process for the
   submission, the cells run once, one fork per request) and to the judge;
3. **first round**: each function is called on its cases with every *other*
   graded function bound to its reference, so a mistake in ``sigmoid`` costs
   the points of ``sigmoid`` only, not those of a ``predict_proba`` that calls
   it;
4. **second round**: each function that passed is called again with the
   learner's own versions of the other functions that passed (references
   stand in only for those that failed). A function earns its points only if
   it passes both rounds. So no function's points rest on a reference
   standing in for a function the learner wrote correctly: ``sigmoid`` and
   ``predict_proba`` that call each other (each works only while the other is
   a reference) both fail the second round, while a correct ``fit_gd`` next to
   a wrong ``bce_gradient`` still earns its points;
5. the outcomes are judged in this (trusted) process with each check's
   ``expected`` (``course_lib``) and ``compare``.

Raises :class:`.sandbox.GradingUnavailable` when the isolated process cannot
start at all: that is the environment's failure, not the learner's, and the
caller must record the submission as *not graded*.
"""

import contextlib
import importlib
import io
import warnings
from dataclasses import dataclass, field
from functools import partial

from .audit import answer_key_objects, audit_cells
from .sandbox import GradingUnavailable, Limits, Session
from .spec import Outcome

__all__ = [
    "Flag",
    "GradingUnavailable",
    "Verdict",
    "grade_submission",
    "judge_case",
    "load_checks",
]

MAX_MESSAGES = 4


@dataclass(frozen=True)
class Flag:
    """A reason for manual review: which function it concerns (``None``: all), and why."""

    function: str | None
    reason: str

    def __str__(self):
        return f"{self.function}: {self.reason}" if self.function else self.reason


@dataclass
class Verdict:
    """The grade of record of one autograded test cell: passed or not, and why."""

    grade_id: str
    function: str
    passed: bool
    messages: list = field(default_factory=list)
    flags: list = field(default_factory=list)


@dataclass
class SubmissionVerdicts:
    """Every verdict of a submission, its flags and the isolation that was in force."""

    verdicts: list
    flags: list
    isolation: dict


@contextlib.contextmanager
def _quiet():
    with warnings.catch_warnings(), contextlib.redirect_stderr(io.StringIO()):
        warnings.simplefilter("ignore")
        yield


def load_checks(assignment):
    """The ``CHECKS`` of ``grading.checks.<assignment>`` (empty if there is no such module)."""
    name = f"{__package__}.checks.{assignment}"
    try:
        with _quiet():
            module = importlib.import_module(name)
    except ModuleNotFoundError as exc:
        if exc.name == name:
            return []
        raise
    return list(module.CHECKS)


def judge_case(check, case, outcome, expected=None):
    """``None`` if ``outcome`` is right for ``case``, else why not (one sentence).

    The expected value comes from the check's reference (``course_lib``),
    computed here unless ``expected`` (a zero-argument function returning it)
    is given; an answer that cannot even be compared is wrong.
    """
    try:
        with _quiet():
            return check.compare(outcome, (expected or partial(check.expected, case))(), case)
    except Exception as exc:  # noqa: BLE001 - an unjudgeable answer is a wrong one
        return f"the returned value could not be judged ({type(exc).__name__})"


class _Expected:
    """The reference's answer to one case, computed the first time a round asks for it."""

    def __init__(self, check, case):
        self.check, self.case, self.done, self.value, self.error = check, case, False, None, None

    def __call__(self):
        if not self.done:
            self.done = True
            try:
                self.value = self.check.expected(self.case)
            except Exception as exc:  # noqa: BLE001 - re-raised for every round that asks
                self.error = exc
        if self.error is not None:
            raise self.error
        return self.value


def _judge(check, cases, outcomes, expected):
    """Messages for the failed cases of one check (empty: all passed)."""
    messages = []
    for case, item, answer in zip(cases, outcomes, expected, strict=True):
        outcome = Outcome(value=item["value"], args_after=item["args_after"],
                          error=item["error"], warnings=item["warnings"])
        problem = judge_case(check, case, outcome, answer)
        if problem:
            messages.append(f"{case.label or 'a case'}: {problem}")
    return messages


def _round(session, function, checks, cases, expected, own=()):
    """``{grade_id: messages}`` of one request (empty messages: passed), and a flag or None."""
    result = session.ask(function, own)
    if result.status != "ok":
        reason = f"the isolated run {result.detail}"
        return {c.grade_id: [f"{function}: {reason}"] for c in checks}, Flag(function, reason)
    report = result.report
    out = {}
    for check in checks:
        messages = _judge(check, cases[check.grade_id], report["results"][check.grade_id],
                          expected[check.grade_id])
        if messages and not report["function_found"]:
            errors = [f"cell {c['cell']} raised {c['error']}" for c in report["cells"]
                      if c["error"]]
            messages = [f"{function} is not defined by the solution cells", *errors[:2]]
        out[check.grade_id] = messages
    return out, None


def _summary(function, messages, n_cases, context=""):
    head = f"{len(messages)} of {n_cases} test cases failed for {function}{context}"
    shown = messages[:MAX_MESSAGES]
    if len(messages) > MAX_MESSAGES:
        shown.append(f"... and {len(messages) - MAX_MESSAGES} more")
    return [head, *shown]


def grade_submission(setup, solutions, assignment, rng, *, hide=(), limits=None):
    """Judge one submission's solution cells against the assignment's checks.

    Parameters
    ----------
    setup : list of (str, str)
        ``(cell_id, source)``: the notebook's own code cells (imports), trusted.
    solutions : list of (str, str)
        ``(grade_id, source)``: the learner's solution cells, in notebook order.
    assignment : str
        Name of the assignment (its check catalogue ``grading.checks.<assignment>``).
    rng : numpy.random.Generator
        Draws the cases (:func:`.secret.case_rng` at grading time).
    hide : iterable of path
        Paths the isolated process must not see (the course folder).
    limits : Limits, optional
        Limits of each request of the isolated process.

    Returns
    -------
    SubmissionVerdicts
        One :class:`Verdict` per check, in catalogue order.

    Raises
    ------
    GradingUnavailable
        The isolated process did not start (the environment is broken).
    """
    limits = limits or Limits()
    checks = load_checks(assignment)
    by_grade = {c.grade_id: c for c in checks}
    by_function = {}
    for check in checks:
        by_function.setdefault(check.function, []).append(check)
    cases = {c.grade_id: c.cases(rng) for c in checks}
    # each reference answer is computed once, for both rounds (fits cost tenths of a second)
    expected = {gid: [_Expected(by_grade[gid], case) for case in found]
                for gid, found in cases.items()}
    keys = {f: answer_key_objects(f, tuple(n for c in fc for n in c.answer_keys))
            for f, fc in by_function.items()}
    findings = audit_cells(solutions, keys, setup)
    messages, flags, good = {}, [], set()
    runnable = []
    for function, fchecks in by_function.items():
        hits = [f for f in findings if f.functions is None or function in f.functions]
        if hits:
            flags += [Flag(function, f"points withheld, {h.describe()}") for h in hits]
            for check in fchecks:
                messages[check.grade_id] = ["points withheld for review"]
        else:
            runnable.append(function)
    isolation = {}
    if runnable:
        requests = {f: {c.grade_id: cases[c.grade_id] for c in by_function[f]}
                    for f in runnable}
        with Session(solutions, requests, hide=hide, limits=limits, setup=setup,
                     references=f"{__package__}.checks.{assignment}") as session:
            isolation = session.isolation
            passed = []
            for function in runnable:
                outcome, flag = _round(session, function, by_function[function], cases,
                                       expected)
                flags += [flag] if flag else []
                for gid, found in outcome.items():
                    messages[gid] = (_summary(function, found, len(cases[gid])) if found
                                     else [f"{function}: all {len(cases[gid])} test cases passed"])
                    if not found and not flag:
                        good.add(gid)
                if not flag and not any(outcome.values()):
                    passed.append(function)
            for function in passed:
                own = [f for f in passed if f != function]
                if not own:
                    continue
                outcome, flag = _round(session, function, by_function[function], cases,
                                       expected, own)
                flags += [flag] if flag else []
                for gid, found in outcome.items():
                    if found or flag:
                        good.discard(gid)
                    if found:
                        context = (f" with your own {', '.join(own)} in place (it passes only"
                                   " while the reference versions stand in for them)")
                        messages[gid] = _summary(function, found, len(cases[gid]), context)
    verdicts = []
    for check in checks:
        fflags = [f for f in flags if f.function in (check.function, None)]
        ok = check.grade_id in good and not fflags
        verdicts.append(Verdict(check.grade_id, check.function, ok,
                                list(messages[check.grade_id]), fflags))
    return SubmissionVerdicts(verdicts, flags, isolation)
