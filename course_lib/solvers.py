r"""Solvers for penalised objectives over a flat parameter vector.

Each solver minimises :math:`F(\theta) = f(\theta) + \alpha_1 \lVert \theta_P \rVert_1`,
a smooth part :math:`f` plus an L1 penalty on the entries :math:`P` of
:math:`\theta` marked as penalised (:math:`\alpha_1 = 0` for a smooth
problem). They work with any object that offers

- ``smooth_value_and_gradient(theta)`` -> ``(f(theta), grad f(theta))``;
- ``l1_penalty(theta)``, ``l1_strength`` (:math:`\alpha_1`) and ``penalised`` (a
  boolean mask);
- ``hessian(theta)`` and ``newton_matrix(theta)`` (:func:`newton` only): the
  Hessian of :math:`f`, and the matrix to solve the Newton system with (the
  Hessian, or a positive definite matrix giving the same Newton step);
  ``newton_product(theta, v)`` for the conjugate-gradient variant, that
  matrix times a vector;
- ``prediction_change(theta, direction)`` (:func:`newton` only): the largest
  first-order change of a prediction (for the models, a training probability)
  when :math:`\theta` moves by ``direction``;
- ``n_samples`` and ``batch(rows)`` (:func:`stochastic_gradient_descent` only): the
  same objective on a subset of the samples.

:mod:`course_lib.objectives` provides them for logistic and softmax
regression. Where :math:`\alpha_1 > 0` every step is a *proximal* step: a
step on :math:`f` followed by the soft-threshold, the exact minimiser of the
L1 term plus a quadratic.

Stopping rules. Gradient descent and SGD stop once the optimality measure
(:func:`optimality`, the max-norm of the gradient, or of the smallest
subgradient with an L1 penalty) falls below ``tol``. A small gradient alone
does not put the predictions near their optimum: the distance left is about
:math:`H^{-1}\nabla f`, large where the Hessian :math:`H` is nearly singular
(a weak penalty, nearly separable classes). :func:`newton` has that distance
at hand, its own step, and also stops only once a full step changed no
prediction by more than ``tol``. In every solver ``tol=0`` runs exactly
``max_iter`` updates (or epochs).
"""

import math
from dataclasses import dataclass
from functools import partial

import numpy as np
import scipy.linalg

__all__ = [
    "SolverResult",
    "gradient_descent",
    "newton",
    "optimality",
    "proximal_step",
    "soft_threshold",
    "stochastic_gradient_descent",
]

SGD_BATCH_GROWTH = 1.1
"""Factor by which :func:`stochastic_gradient_descent` grows the batch each epoch."""

_ARMIJO = 1e-4  # sufficient-decrease constant of the line search
_MAX_HALVINGS = 60  # 2**-60 * step is below rounding


@dataclass
class SolverResult:
    """What a solver returns.

    Attributes
    ----------
    theta : numpy.ndarray
        The parameters where the solver stopped.
    n_iter : int
        Updates (epochs for SGD) performed.
    loss_history : numpy.ndarray of shape (n_iter,)
        The objective :math:`F` after each update (epoch).
    converged : bool
        Whether the solver's stopping rule was met: :func:`optimality` below
        ``tol`` (and, for :func:`newton`, a last full step changing no
        prediction by more than ``tol``).
    message : str
        Why the solver stopped, when it was not convergence or ``max_iter``.
    """

    theta: np.ndarray
    n_iter: int
    loss_history: np.ndarray
    converged: bool
    message: str = ""


def soft_threshold(x, threshold):
    r"""The soft-threshold operator, the proximal map of t times the L1 norm.

    .. math::

        S_t(x) = \operatorname{sign}(x)\max(|x| - t, 0)
              = \arg\min_u \tfrac12 (u - x)^2 + t|u|

    Parameters
    ----------
    x : array-like
        Input.
    threshold : float or array-like
        :math:`t \ge 0`, broadcast against ``x``.

    Returns
    -------
    numpy.ndarray
        :math:`S_t(x)`: zero where :math:`|x| \le t`, shrunk by :math:`t`
        elsewhere.
    """
    x = np.asarray(x, dtype=float)
    return np.sign(x) * np.maximum(np.abs(x) - threshold, 0.0)


def proximal_step(objective, theta, step_size):
    r"""Soft-threshold the penalised entries of ``theta`` by ``step_size`` :math:`\alpha_1`.

    After a gradient step :math:`v = \theta - \eta \nabla f(\theta)`, the proximal
    gradient step is :math:`\arg\min_u \frac{1}{2\eta}\lVert u - v\rVert^2 + \alpha_1
    \lVert u_P \rVert_1`, i.e. :math:`S_{\eta\alpha_1}` on the penalised entries and
    :math:`v` elsewhere. With :math:`\alpha_1 = 0` it returns ``theta`` unchanged.
    """
    if objective.l1_strength == 0:
        return theta
    theta = np.array(theta, dtype=float)
    mask = objective.penalised
    theta[mask] = soft_threshold(theta[mask], step_size * objective.l1_strength)
    return theta


def _smallest_subgradient(theta, grad, thresholds):
    """The smallest subgradient of f + sum_j thresholds_j |theta_j| (thresholds >= 0)."""
    return np.where(
        theta != 0, grad + thresholds * np.sign(theta), soft_threshold(grad, thresholds)
    )


def optimality(objective, theta, grad):
    r"""Max-norm of the smallest subgradient of :math:`F` at ``theta``: zero at the optimum.

    Without an L1 term it is :math:`\lVert\nabla f(\theta)\rVert_\infty`. With one,
    entry :math:`j` of the smallest subgradient is
    :math:`\partial_j f + \alpha_1 \operatorname{sign}\theta_j` where
    :math:`\theta_j \neq 0` and :math:`S_{\alpha_1}(\partial_j f)` where
    :math:`\theta_j = 0` (zero as long as :math:`|\partial_j f| \le \alpha_1`).

    Parameters
    ----------
    objective : object
        Provides ``l1_strength`` and ``penalised``.
    theta, grad : numpy.ndarray
        The point and the gradient of the smooth part there.

    Returns
    -------
    float
    """
    if objective.l1_strength == 0:
        return _max_abs(grad)
    return _max_abs(_smallest_subgradient(theta, grad, objective.l1_strength * objective.penalised))


def _check_finite(value, theta, solver, iteration):
    if not (np.isfinite(value) and np.all(np.isfinite(theta))):
        raise ValueError(
            f"{solver} diverged at update {iteration}: the objective is no longer finite. "
            "Use a smaller learning_rate."
        )


def gradient_descent(objective, theta0, *, learning_rate, max_iter, tol):
    r"""Full-batch (proximal) gradient descent with a fixed step.

    .. math::

        \theta \leftarrow \operatorname{prox}_{\eta\alpha_1}
            \bigl(\theta - \eta \nabla f(\theta)\bigr)

    (the prox is the identity when :math:`\alpha_1 = 0`). Before each update
    the solver stops if :func:`optimality` is below ``tol``.

    Parameters
    ----------
    objective : object
        See the module docstring.
    theta0 : array-like of shape (p,)
        Starting point; not modified.
    learning_rate : float
        The step :math:`\eta`; it must be below :math:`2/L`, :math:`L` the
        Lipschitz constant of :math:`\nabla f`.
    max_iter : int
        Most updates.
    tol : float
        Stopping threshold on :func:`optimality`; 0 runs exactly ``max_iter``
        updates.

    Returns
    -------
    SolverResult
        ``loss_history[i]`` is :math:`F` after update ``i + 1``.
    """
    theta = np.array(theta0, dtype=float)
    value, grad = objective.smooth_value_and_gradient(theta)
    history = []
    converged = optimality(objective, theta, grad) < tol
    while not converged and len(history) < max_iter:
        # divergence: reported below
        with np.errstate(over="ignore", invalid="ignore"):
            step = theta - learning_rate * grad
            theta = proximal_step(objective, step, learning_rate)
            value, grad = objective.smooth_value_and_gradient(theta)
        history.append(value + objective.l1_penalty(theta))
        _check_finite(history[-1], theta, "gradient descent", len(history))
        converged = optimality(objective, theta, grad) < tol
    return SolverResult(theta, len(history), np.array(history), converged)


def _as_generator(random_state):
    """A random generator from a seed, a Generator or a RandomState; never the global one."""
    if isinstance(random_state, np.random.Generator | np.random.RandomState):
        return random_state
    return np.random.default_rng(random_state)


def stochastic_gradient_descent(
    objective,
    theta0,
    *,
    learning_rate,
    batch_size,
    max_epochs,
    tol,
    random_state=None,
    batch_growth=SGD_BATCH_GROWTH,
):
    r"""Mini-batch (proximal) stochastic gradient descent.

    The samples are reshuffled every epoch.

    Each epoch draws a fresh permutation of the samples and cuts it into
    batches :math:`B`; for each, :math:`\theta \leftarrow
    \operatorname{prox}_{\eta\alpha_1}(\theta - \eta \nabla f_B(\theta))`,
    where :math:`f_B` is the mean loss over :math:`B` plus the full-data L2
    term, an unbiased estimate of :math:`f`.

    With a fixed batch, the gradient noise keeps the iterates hovering at a
    distance of order :math:`\sqrt{\eta}` from the optimum. To reach the
    optimum itself the batch grows by ``batch_growth`` each epoch: epoch
    :math:`e` uses batches of :math:`\min(n, \lceil b\,\gamma^{e} \rceil)`
    samples, so the early epochs are cheap and noisy and the late ones are
    full-batch gradient descent, which converges (the gradient noise
    vanishes; the step need not decay). ``batch_growth=1`` gives plain
    fixed-batch SGD.

    Parameters
    ----------
    objective : object
        See the module docstring.
    theta0 : array-like of shape (p,)
        Starting point; not modified.
    learning_rate : float
        The step :math:`\eta`.
    batch_size : int
        :math:`b`, the batch size of the first epoch.
    max_epochs : int
        Most epochs.
    tol : float
        Stopping threshold on :func:`optimality` of the full objective, checked
        after each epoch; 0 runs exactly ``max_epochs`` epochs.
    random_state : int, numpy.random.Generator, numpy.random.RandomState, None
        Source of the permutations.
    batch_growth : float, default=SGD_BATCH_GROWTH
        :math:`\gamma \ge 1`.

    Returns
    -------
    SolverResult
        ``loss_history[e]`` is the full objective :math:`F` after epoch
        ``e + 1``.
    """
    rng = _as_generator(random_state)
    theta = np.array(theta0, dtype=float)
    n = objective.n_samples
    value, grad = objective.smooth_value_and_gradient(theta)
    history = []
    converged = optimality(objective, theta, grad) < tol
    growth = 1.0  # batch_growth ** epoch, capped at n
    while not converged and len(history) < max_epochs:
        size = min(n, math.ceil(batch_size * growth))
        growth = min(growth * batch_growth, n)
        order = rng.permutation(n)
        # divergence: reported below
        with np.errstate(over="ignore", invalid="ignore"):
            for start in range(0, n, size):
                batch = objective
                if size < n:
                    batch = objective.batch(order[start : start + size])
                grad = batch.smooth_value_and_gradient(theta)[1]
                step = theta - learning_rate * grad
                theta = proximal_step(objective, step, learning_rate)
            value, grad = objective.smooth_value_and_gradient(theta)
        history.append(value + objective.l1_penalty(theta))
        _check_finite(
            history[-1], theta, "stochastic gradient descent", len(history)
        )
        converged = optimality(objective, theta, grad) < tol
    return SolverResult(theta, len(history), np.array(history), converged)


def _solve_newton_system(H, grad):
    r"""Solve :math:`H d = -g`: Cholesky, or least squares when :math:`H` is singular.

    LAPACK's ``dposv`` factors and solves in one call; its ``info`` is positive
    when :math:`H` is not positive definite.
    """
    _, direction, info = scipy.linalg.lapack.dposv(H, -grad)
    if info != 0 or not np.all(np.isfinite(direction)) or grad @ direction >= 0:
        direction = -scipy.linalg.lstsq(H, grad, check_finite=False)[0]
    if not np.all(np.isfinite(direction)) or grad @ direction >= 0:
        direction = -grad  # steepest descent: always a descent direction
    return direction


def _conjugate_gradient_direction(matrix_product, grad, max_iter):
    r"""Solve :math:`H d = -g` approximately by conjugate gradients, from :math:`d = 0`.

    Only products :math:`Hv` are needed. The iteration stops once the residual
    is below :math:`\min(\tfrac12, \sqrt{\lVert g \rVert})\,\lVert g \rVert` (a
    truncated Newton step: loose far from the optimum, tight near it, which
    keeps the convergence superlinear), or on a direction of non-positive
    curvature.
    """
    grad_norm = np.linalg.norm(grad)
    target = min(0.5, np.sqrt(grad_norm)) * grad_norm
    direction = np.zeros_like(grad)
    residual = -grad
    search = residual.copy()
    residual_sq = residual @ residual
    for _ in range(max_iter):
        H_search = matrix_product(search)
        curvature = search @ H_search
        if curvature <= 0:
            break
        alpha = residual_sq / curvature
        direction += alpha * search
        residual = residual - alpha * H_search
        new_residual_sq = residual @ residual
        if np.sqrt(new_residual_sq) <= target:
            break
        search = residual + (new_residual_sq / residual_sq) * search
        residual_sq = new_residual_sq
    if not np.any(direction):
        return -grad
    return direction


def _step_towards_support_minimiser(H, grad, theta, delta, thresholds):
    r"""Move :math:`\delta` towards the model's minimiser on the current support.

    On the support :math:`A` of :math:`u = \theta + \delta`, with its signs
    :math:`s` kept, the model is a quadratic whose minimiser solves
    :math:`H_{AA}\delta_A = -(g_A + H_{A\bar A}\delta_{\bar A} + t_A s)`. Walk from
    :math:`\delta` towards it, stopping where an entry of :math:`u` reaches
    zero (that entry leaves the support): the model decreases all the way.
    This is what coordinate descent would reach on its own, but in one linear
    solve instead of many sweeps when :math:`H` is ill-conditioned.
    """
    u = theta + delta
    A = u != 0
    if not A.any():
        return delta
    target = delta.copy()
    rhs = -(grad[A] + H[np.ix_(A, ~A)] @ delta[~A] + thresholds[A] * np.sign(u[A]))
    # least squares: H_AA is singular when the Hessian has flat directions
    target[A] = scipy.linalg.lstsq(H[np.ix_(A, A)], rhs, check_finite=False)[0]
    move = target - delta
    crossing = A & (np.sign(u + move) != np.sign(u))
    if not crossing.any():
        return target
    fractions = np.abs(u[crossing]) / np.abs(move[crossing])
    step = float(np.min(fractions))
    new_delta = delta + step * move
    hits = np.flatnonzero(crossing)[fractions == step]
    new_delta[hits] = -theta[hits]  # exactly zero in u
    return new_delta


def _lasso_coordinate_descent(H, grad, theta, thresholds, tol, max_sweeps=1000):
    r"""Coordinate descent, with support steps, on a quadratic plus a weighted L1 term:

    .. math::

        \min_\delta\ g^\top\delta + \tfrac12 \delta^\top H \delta
            + \sum_j t_j \lvert\theta_j + \delta_j\rvert .

    Coordinate :math:`j`, the others fixed, has the closed form
    :math:`\theta_j + \delta_j = S_{t_j}(H_{jj}\theta_j - c_j) / H_{jj}` with
    :math:`c_j = g_j + (H\delta)_j - H_{jj}\delta_j`. A sweep over the
    coordinates finds which entries are non-zero; a step towards the
    minimiser on that support (:func:`_step_towards_support_minimiser`)
    follows, so that an ill-conditioned :math:`H` does not make the sweeps
    crawl. Stops once the smallest subgradient of the model is below ``tol``.
    """
    thresholds = np.broadcast_to(thresholds, theta.shape)
    diag = np.diag(H).copy()
    delta = np.zeros_like(theta)
    H_delta = np.zeros_like(theta)
    curved = np.flatnonzero(diag > 1e-12 * max(np.max(diag, initial=0.0), 1e-300))

    def model(d, H_d):
        return grad @ d + 0.5 * d @ H_d + thresholds @ np.abs(theta + d)

    for _ in range(max_sweeps):
        for j in curved:
            c = grad[j] + H_delta[j] - diag[j] * delta[j]
            shrunk = diag[j] * theta[j] - c
            u = math.copysign(max(abs(shrunk) - thresholds[j], 0.0), shrunk) / diag[j]
            change = u - theta[j] - delta[j]
            if change != 0.0:
                delta[j] += change
                H_delta += change * H[j]
        if _max_abs(_smallest_subgradient(theta + delta, grad + H_delta, thresholds)) <= tol:
            break
        stepped = _step_towards_support_minimiser(H, grad, theta, delta, thresholds)
        H_stepped = H @ stepped
        if model(stepped, H_stepped) <= model(delta, H_delta):  # guards against rounding
            delta, H_delta = stepped, H_stepped
        if _max_abs(_smallest_subgradient(theta + delta, grad + H_delta, thresholds)) <= tol:
            break
    return delta


def _max_abs(x):
    return float(np.max(np.abs(x))) if x.size else 0.0


def _proximal_newton_direction(objective, theta, grad, H, inner_tol):
    r"""Minimise the quadratic model plus the L1 term:

    .. math::

        \min_\delta\ g^\top \delta + \tfrac12 \delta^\top H \delta
              + \alpha_1 \lVert (\theta + \delta)_P \rVert_1 .

    The unpenalised entries :math:`U` (the intercepts) enter only quadratically,
    so they are eliminated exactly, :math:`\delta_U = -H_{UU}^{+}(g_U + H_{UP}\delta_P)`,
    and coordinate descent runs on the penalised entries with the Schur
    complement :math:`H_{PP} - H_{PU}H_{UU}^{+}H_{UP}`. This matters: with
    uncentred features the intercept is strongly coupled to every weight, which
    makes coordinate descent on the full model crawl.
    """
    P, U = objective.penalised, ~objective.penalised
    if not U.any():
        return _lasso_coordinate_descent(H, grad, theta, objective.l1_strength, inner_tol)
    H_UU_pinv = np.linalg.pinv(H[np.ix_(U, U)], rtol=1e-8, hermitian=True)
    H_UP = H[np.ix_(U, P)]
    coupling = H_UP.T @ H_UU_pinv
    schur = H[np.ix_(P, P)] - coupling @ H_UP
    if not np.all(np.diag(schur) > 0):  # lost to rounding: descend on the full model
        return _lasso_coordinate_descent(H, grad, theta, objective.l1_strength * P, inner_tol)
    delta = np.zeros_like(theta)
    delta[P] = _lasso_coordinate_descent(
        schur, grad[P] - coupling @ grad[U], theta[P], objective.l1_strength, inner_tol
    )
    delta[U] = -H_UU_pinv @ (grad[U] + H_UP @ delta[P])
    return delta


def _newton_direction(objective, theta, grad, gap, linear_solver):
    r"""The Newton (or proximal Newton) direction :math:`d` and the predicted change
    :math:`\Delta = g^\top d + \alpha_1(\lVert(\theta + d)_P\rVert_1 - \lVert\theta_P\rVert_1)`.

    The inner solves are inexact, to a tolerance that shrinks faster than
    ``gap`` (the optimality measure at :math:`\theta`): :math:`\min(\tfrac{1}{10},
    \text{gap})\cdot\text{gap}` for the L1 model, as for the conjugate gradients.
    A tolerance proportional to ``gap`` would make the convergence only linear.
    """
    if objective.l1_strength > 0:
        H = objective.hessian(theta)
        inner_tol = min(0.1, gap) * gap
        direction = _proximal_newton_direction(objective, theta, grad, H, inner_tol)
        l1_change = objective.l1_penalty(theta + direction) - objective.l1_penalty(theta)
        return direction, grad @ direction + l1_change
    if linear_solver == "cg":
        newton_product = partial(objective.newton_product, theta)
        direction = _conjugate_gradient_direction(newton_product, grad, max_iter=theta.size)
    else:
        direction = _solve_newton_system(objective.newton_matrix(theta), grad)
    return direction, grad @ direction


def _line_search(objective, theta, direction, value, slope):
    r"""Backtracking: the first :math:`t \in \{1, \tfrac12, \dots\}` with enough decrease.

    Armijo's condition :math:`F(\theta + t d) \le F(\theta) + 10^{-4}\, t\, \Delta`,
    with :math:`\Delta` the predicted decrease, up to rounding in :math:`F`.
    Returns ``(theta, F, t)`` at the accepted point, or ``None``.
    """
    slack = 16 * np.finfo(float).eps * abs(value)
    step = 1.0
    for _ in range(_MAX_HALVINGS):
        trial = theta + step * direction
        with np.errstate(over="ignore", invalid="ignore"):  # a non-finite trial is rejected
            trial_value = objective.value(trial)
        if trial_value <= value + _ARMIJO * step * slope + slack:  # False for NaN
            return trial, trial_value, step
        step /= 2
    return None


def newton(objective, theta0, *, max_iter, tol, linear_solver="cholesky"):
    r"""Newton's method (IRLS) with a backtracking line search.

    With an L1 term it is proximal Newton.

    Each iteration solves :math:`H d = -\nabla f(\theta)` with the Hessian
    :math:`H` (Cholesky, least squares if :math:`H` is singular; or, with
    ``linear_solver="cg"``, truncated conjugate gradients on Hessian-vector
    products, which is faster when :math:`H` is large), then halves
    the step from :math:`t = 1` until the objective decreases enough. For
    logistic regression this is iteratively reweighted least squares: the
    step solves a weighted least-squares problem with weights
    :math:`p_i(1 - p_i)`.

    With an L1 term (:math:`\alpha_1 > 0`) the direction instead minimises the
    quadratic model plus :math:`\alpha_1\lVert u_P\rVert_1` (coordinate
    descent, as glmnet does), and the line search uses the full objective.

    **Stopping rule.** The Newton step :math:`d` is the model's estimate of the
    way left to the optimum, so the solver stops after a full step
    (:math:`t = 1`) that changed no prediction by more than ``tol`` (to first
    order, ``objective.prediction_change``), provided :func:`optimality` is
    then below ``tol`` as well. Near the optimum the convergence is quadratic:
    the distance left after a step of size :math:`\delta` is of order
    :math:`\delta^2`, so the predictions end far closer to their optimum than
    ``tol``, at the price of about one iteration. A gradient test alone would
    not do: the distance left is :math:`H^{-1}\nabla f`, and :math:`H` has
    eigenvalues as small as :math:`\alpha_2` under a weak penalty.

    Parameters
    ----------
    objective : object
        See the module docstring.
    theta0 : array-like of shape (p,)
        Starting point; not modified.
    max_iter : int
        Most iterations.
    tol : float
        Largest change of a prediction in the last (full) step, and largest
        :func:`optimality`, at convergence; 0 runs exactly ``max_iter``
        iterations.
    linear_solver : {"cholesky", "cg"}, default="cholesky"
        How the Newton system is solved when there is no L1 term; ``"cg"``
        needs ``objective.newton_product(theta, v)``, the product of
        ``newton_matrix(theta)`` with a vector.

    Returns
    -------
    SolverResult
        ``loss_history[i]`` is :math:`F` after iteration ``i + 1``.
    """
    if linear_solver not in ("cholesky", "cg"):
        raise ValueError(
            "linear_solver must be 'cholesky' or 'cg', "
            f"got {linear_solver!r}."
        )
    theta = np.array(theta0, dtype=float)
    value, grad = objective.smooth_value_and_gradient(theta)
    value += objective.l1_penalty(theta)
    history, message, converged = [], "", False
    while not converged and len(history) < max_iter:
        gap = optimality(objective, theta, grad)
        direction, slope = _newton_direction(
            objective, theta, grad, gap, linear_solver
        )
        change = objective.prediction_change(theta, direction)
        accepted = _line_search(objective, theta, direction, value, slope)
        if accepted is None:
            message = (
                "the line search could not decrease the objective further"
            )
            break
        theta, value, step = accepted
        grad = objective.smooth_value_and_gradient(theta)[1]
        history.append(value)
        converged = (
            step == 1
            and change < tol
            and optimality(objective, theta, grad) < tol
        )
    return SolverResult(
        theta, len(history), np.array(history), converged, message
    )
