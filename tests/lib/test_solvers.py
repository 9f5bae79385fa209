"""Tests of course_lib.solvers on a quadratic with a known minimiser and on logistic objectives."""

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from course_lib.objectives import BinaryLogisticObjective, MultinomialLogisticObjective
from course_lib.solvers import (
    gradient_descent,
    newton,
    optimality,
    proximal_step,
    soft_threshold,
    stochastic_gradient_descent,
)


class MeanSquaredDistance:
    r"""f(theta) = mean_i ||theta - x_i||^2 / 2, plus l1_strength * ||theta[penalised]||_1.

    Its minimiser is the soft-thresholded mean of the points on the penalised
    entries and the mean elsewhere; the Hessian is the identity.
    """

    def __init__(self, points, l1_strength=0.0, penalised=None):
        self.points = np.asarray(points, dtype=float)
        self.n_samples = self.points.shape[0]
        self.l1_strength = l1_strength
        p = self.points.shape[1]
        self.penalised = np.ones(p, dtype=bool) if penalised is None else penalised

    def smooth_value_and_gradient(self, theta):
        diff = theta - self.points
        return 0.5 * float(np.mean(np.sum(diff**2, axis=1))), diff.mean(axis=0)

    def l1_penalty(self, theta):
        return self.l1_strength * float(np.sum(np.abs(theta[self.penalised])))

    def value(self, theta):
        return self.smooth_value_and_gradient(theta)[0] + self.l1_penalty(theta)

    def hessian(self, theta):
        return np.eye(theta.size)

    newton_matrix = hessian

    def hessian_product(self, theta, vector):
        return np.array(vector, dtype=float)

    newton_product = hessian_product

    def prediction_change(self, theta, direction):
        return float(np.max(np.abs(direction)))  # the "prediction" is theta itself

    def batch(self, rows):
        return MeanSquaredDistance(self.points[rows], self.l1_strength, self.penalised)

    def minimiser(self):
        mean = self.points.mean(axis=0)
        return np.where(self.penalised, soft_threshold(mean, self.l1_strength), mean)


@pytest.fixture
def points():
    return np.random.default_rng(0).normal(loc=[0.05, -2.0, 1.0, 0.3], size=(60, 4))


@pytest.fixture
def logistic_objective():
    rng = np.random.default_rng(1)
    X = rng.normal(size=(120, 4))
    y = (X @ [1.0, -1.0, 0.5, 0.0] + rng.logistic(size=120) > 0).astype(float)
    return BinaryLogisticObjective.from_hyperparameters(X, y, C=0.5)


# --- soft-threshold and proximal step --------------------------------------------------


def test_soft_threshold_known_values():
    np.testing.assert_array_equal(
        soft_threshold([-3.0, -0.5, 0.0, 0.5, 3.0], 1.0), [-2.0, 0.0, 0.0, 0.0, 2.0]
    )


@given(
    x=st.floats(-1e3, 1e3, allow_nan=False),
    t=st.floats(0, 1e3, allow_nan=False),
    delta=st.floats(-10, 10, allow_nan=False).filter(lambda d: d != 0),
)
def test_soft_threshold_is_the_proximal_map_of_the_absolute_value(x, t, delta):
    def prox_objective(u):
        return 0.5 * (u - x) ** 2 + t * abs(u)

    u = float(soft_threshold(x, t))
    assert prox_objective(u) <= prox_objective(u + delta) + 1e-9 * (1 + abs(x))
    assert prox_objective(u) <= prox_objective(0.0) + 1e-9 * (1 + abs(x))


def test_proximal_step_shrinks_only_penalised_entries(points):
    objective = MeanSquaredDistance(points, l1_strength=1.0,
                                    penalised=np.array([True, True, False, False]))
    theta = np.array([3.0, -0.2, 3.0, -0.2])
    np.testing.assert_allclose(proximal_step(objective, theta, 0.5), [2.5, 0.0, 3.0, -0.2])
    assert proximal_step(MeanSquaredDistance(points), theta, 0.5) is theta  # no L1: identity


def test_optimality_is_zero_at_the_l1_minimiser_and_positive_elsewhere(points):
    objective = MeanSquaredDistance(points, l1_strength=0.2)
    best = objective.minimiser()
    assert np.any(best == 0)  # the test exercises the zero branch
    assert optimality(objective, best, objective.smooth_value_and_gradient(best)[1]) < 1e-12
    moved = best + 0.1
    assert optimality(objective, moved, objective.smooth_value_and_gradient(moved)[1]) > 0.05
    smooth = MeanSquaredDistance(points)
    grad = smooth.smooth_value_and_gradient(best)[1]
    assert optimality(smooth, best, grad) == pytest.approx(np.max(np.abs(grad)))


# --- gradient descent -----------------------------------------------------------------


def test_gradient_descent_matches_the_closed_form_iterates(points):
    # theta_k = m + (1 - eta)^k (theta_0 - m) on this quadratic
    objective = MeanSquaredDistance(points)
    mean = points.mean(axis=0)
    result = gradient_descent(objective, np.zeros(4), learning_rate=0.3, max_iter=25, tol=0)
    assert result.n_iter == 25 and result.loss_history.shape == (25,)
    np.testing.assert_allclose(result.theta, mean - 0.7**25 * mean, rtol=1e-12)
    expected = [objective.value(mean - 0.7**k * mean) for k in range(1, 26)]
    np.testing.assert_allclose(result.loss_history, expected, rtol=1e-12)
    assert not result.converged


def test_gradient_descent_stops_when_the_gradient_is_small(points):
    objective = MeanSquaredDistance(points)
    result = gradient_descent(objective, np.zeros(4), learning_rate=0.5, max_iter=1000, tol=1e-8)
    assert result.converged and result.n_iter < 40
    grad = objective.smooth_value_and_gradient(result.theta)[1]
    assert np.max(np.abs(grad)) < 1e-8
    # and one update fewer would not have been enough
    shorter = gradient_descent(objective, np.zeros(4), learning_rate=0.5,
                               max_iter=result.n_iter - 1, tol=1e-8)
    assert not shorter.converged


def test_proximal_gradient_descent_reaches_the_l1_minimiser(points):
    objective = MeanSquaredDistance(points, l1_strength=0.2)
    result = gradient_descent(objective, np.zeros(4), learning_rate=0.5, max_iter=500, tol=1e-12)
    assert result.converged
    np.testing.assert_allclose(result.theta, objective.minimiser(), atol=1e-12)
    assert result.theta[0] == 0.0  # an exact zero, not a small number


def test_gradient_descent_does_not_modify_the_start(points):
    start = np.ones(4)
    gradient_descent(MeanSquaredDistance(points), start, learning_rate=0.5, max_iter=3, tol=0)
    np.testing.assert_array_equal(start, np.ones(4))


def test_diverging_gradient_descent_raises_a_clear_error(points):
    # a step of 3 on a curvature of 1 multiplies the error by -2 every update
    with pytest.raises(ValueError, match="diverged.*learning_rate"):
        gradient_descent(MeanSquaredDistance(points), np.zeros(4), learning_rate=3.0,
                         max_iter=5000, tol=0)


# --- stochastic gradient descent ------------------------------------------------------


def test_sgd_with_one_full_batch_is_gradient_descent(points):
    objective = MeanSquaredDistance(points)
    sgd = stochastic_gradient_descent(objective, np.zeros(4), learning_rate=0.3,
                                      batch_size=len(points), max_epochs=10, tol=0,
                                      random_state=0, batch_growth=1.0)
    gd = gradient_descent(objective, np.zeros(4), learning_rate=0.3, max_iter=10, tol=0)
    np.testing.assert_allclose(sgd.theta, gd.theta, rtol=1e-14)
    np.testing.assert_allclose(sgd.loss_history, gd.loss_history, rtol=1e-14)


def test_sgd_is_reproducible_and_depends_on_the_seed(points):
    objective = MeanSquaredDistance(points)

    def run(seed):
        return stochastic_gradient_descent(objective, np.zeros(4), learning_rate=0.1,
                                           batch_size=4, max_epochs=3, tol=0,
                                           random_state=seed).theta

    np.testing.assert_array_equal(run(3), run(3))
    assert not np.allclose(run(3), run(4))
    np.testing.assert_array_equal(run(np.random.default_rng(5)), run(np.random.default_rng(5)))


def test_sgd_without_growth_hovers_and_with_growth_converges(points):
    objective = MeanSquaredDistance(points, l1_strength=0.2)
    fixed = stochastic_gradient_descent(objective, np.zeros(4), learning_rate=0.5, batch_size=2,
                                        max_epochs=200, tol=0, random_state=0, batch_growth=1.0)
    growing = stochastic_gradient_descent(objective, np.zeros(4), learning_rate=0.5,
                                          batch_size=2, max_epochs=200, tol=1e-12,
                                          random_state=0)
    best = objective.minimiser()
    assert np.max(np.abs(fixed.theta - best)) > 1e-3  # the noise floor of a fixed batch
    assert growing.converged
    np.testing.assert_allclose(growing.theta, best, atol=1e-12)


def test_sgd_history_is_per_epoch(points):
    result = stochastic_gradient_descent(MeanSquaredDistance(points), np.zeros(4),
                                         learning_rate=0.1, batch_size=7, max_epochs=12,
                                         tol=0, random_state=0)
    assert result.n_iter == 12 and result.loss_history.shape == (12,)
    assert result.loss_history[-1] == pytest.approx(
        MeanSquaredDistance(points).value(result.theta), rel=1e-14)


# --- Newton ---------------------------------------------------------------------------


@pytest.mark.parametrize("l1_strength", [0.0, 0.2])
def test_newton_solves_a_quadratic_or_separable_lasso_in_one_step(points, l1_strength):
    objective = MeanSquaredDistance(points, l1_strength=l1_strength)
    one_step = newton(objective, np.zeros(4), max_iter=1, tol=0)
    np.testing.assert_allclose(one_step.theta, objective.minimiser(), atol=1e-14)
    # Convergence is declared after a second step, which confirms that nothing moves.
    result = newton(objective, np.zeros(4), max_iter=10, tol=1e-12)
    assert result.converged and result.n_iter == 2
    np.testing.assert_allclose(result.theta, objective.minimiser(), atol=1e-14)


@pytest.mark.parametrize("linear_solver", ["cholesky", "cg"])
def test_newton_converges_quadratically_on_logistic_regression(logistic_objective, linear_solver):
    objective = logistic_objective
    result = newton(objective, np.zeros(objective.n_params), max_iter=50, tol=1e-12,
                    linear_solver=linear_solver)
    assert result.converged and result.n_iter <= 10
    assert np.all(np.diff(result.loss_history) <= 0)
    reference = gradient_descent(objective, np.zeros(objective.n_params), learning_rate=2.0,
                                 max_iter=20000, tol=1e-12)
    assert reference.converged
    np.testing.assert_allclose(result.theta, reference.theta, atol=1e-9)


def test_newton_with_tol_zero_runs_max_iter(logistic_objective):
    result = newton(logistic_objective, np.zeros(logistic_objective.n_params), max_iter=4, tol=0)
    assert result.n_iter == 4 and not result.converged


def test_newton_matrix_of_the_multinomial_gives_the_pseudo_inverse_step():
    rng = np.random.default_rng(2)
    X = rng.normal(size=(80, 3))
    objective = MultinomialLogisticObjective(X, rng.integers(0, 3, 80))  # no penalty
    theta = np.zeros(objective.n_params)
    grad = objective.smooth_value_and_gradient(theta)[1]
    H = objective.hessian(theta)
    assert np.linalg.matrix_rank(H) < objective.n_params  # singular: classes share a direction
    step = np.linalg.solve(objective.newton_matrix(theta), grad)
    # an explicit cut-off: the rounding noise in H's null eigenvalues must not be inverted
    np.testing.assert_allclose(step, np.linalg.pinv(H, rtol=1e-10, hermitian=True) @ grad,
                               atol=1e-10)


def test_newton_refuses_an_unknown_linear_solver(logistic_objective):
    with pytest.raises(ValueError, match="linear_solver"):
        newton(logistic_objective, np.zeros(logistic_objective.n_params), max_iter=3, tol=0,
               linear_solver="qr")


class IllConditionedLasso:
    """f(theta) = theta' A theta / 2 - b' theta with cond(A) = 1e5, plus an L1 term."""

    n_samples = 1

    def __init__(self, l1_strength):
        rng = np.random.default_rng(6)
        Q, _ = np.linalg.qr(rng.normal(size=(6, 6)))
        self.A = Q @ np.diag(np.logspace(0, -5, 6)) @ Q.T
        self.b = self.A @ np.array([1.0, -2.0, 0.0, 0.5, 3.0, 1.0])
        self.l1_strength = l1_strength
        self.penalised = np.array([True] * 5 + [False])

    def smooth_value_and_gradient(self, theta):
        return 0.5 * theta @ self.A @ theta - self.b @ theta, self.A @ theta - self.b

    def l1_penalty(self, theta):
        return self.l1_strength * float(np.sum(np.abs(theta[self.penalised])))

    def value(self, theta):
        return self.smooth_value_and_gradient(theta)[0] + self.l1_penalty(theta)

    def hessian(self, theta):
        return self.A

    def prediction_change(self, theta, direction):
        return float(np.max(np.abs(direction)))


def test_proximal_newton_handles_an_ill_conditioned_lasso():
    # Coordinate descent alone needs far more than its 1000 sweeps per step at
    # cond(A) = 1e5; the steps towards the minimiser on the support make a few
    # proximal Newton iterations enough.
    objective = IllConditionedLasso(l1_strength=1e-4)
    result = newton(objective, np.zeros(6), max_iter=6, tol=1e-9)
    assert result.converged
    theta = result.theta
    assert np.any(theta[:5] == 0) and np.all(theta[5:] != 0)
    assert optimality(objective, theta, objective.smooth_value_and_gradient(theta)[1]) < 1e-9
