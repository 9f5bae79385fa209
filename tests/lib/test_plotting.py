"""Tests of course_lib.plotting: what each figure draws, off screen (Agg), without warnings."""

import re

import matplotlib
import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import pytest
from matplotlib.collections import PathCollection
from matplotlib.colors import to_hex
from matplotlib.contour import ContourSet
from numpy.testing import assert_allclose, assert_array_equal
from scipy.special import expit
from sklearn import metrics as skm
from sklearn.calibration import calibration_curve
from sklearn.datasets import load_iris, make_classification
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from course_lib import plotting
from course_lib.palette import OKABE_ITO
from course_lib.plotting import (
    MARKERS,
    PALETTE,
    plot_coefficients,
    plot_confusion_matrix,
    plot_decision_boundary,
    plot_digit_images,
    plot_digit_weights,
    plot_loss_curve,
    plot_precision_recall,
    plot_regularisation_path,
    plot_reliability,
    plot_roc_curve,
    plot_sigmoid,
    plot_threshold_cost,
    plot_threshold_metrics,
)


@pytest.fixture(autouse=True)
def _off_screen(monkeypatch):
    """Fail on any attempt to show a window, and close every figure after each test."""

    def no_show(*args, **kwargs):
        raise AssertionError("plt.show() was called")

    monkeypatch.setattr(plt, "show", no_show)
    yield
    plt.close("all")


def _draw(ax):
    """Render the figure (layout, ticks, legend) as a page would."""
    ax.figure.canvas.draw()


def _labelled_lines(ax):
    return {line.get_label(): line for line in ax.get_lines()
            if not line.get_label().startswith("_")}


def _legend_texts(ax):
    return [text.get_text() for text in ax.get_legend().get_texts()]


@pytest.fixture(scope="module")
def binary_problem():
    X, y = make_classification(n_samples=300, n_features=2, n_redundant=0, n_informative=2,
                               n_clusters_per_class=1, flip_y=0.05, random_state=3)
    model = LogisticRegression().fit(X, y)
    return X, y, model


@pytest.fixture(scope="module")
def scores():
    rng = np.random.default_rng(0)
    y = rng.integers(0, 2, 400)
    p = expit(1.5 * (2 * y - 1) + rng.normal(0, 1.5, 400))
    p[:40] = np.round(p[:40], 1)  # some ties
    return y, p


def test_palette_is_okabe_ito():
    assert len(PALETTE) == 8
    assert {c.upper() for c in PALETTE} == {
        "#000000", "#E69F00", "#56B4E9", "#009E73", "#F0E442", "#0072B2", "#D55E00", "#CC79A7"}
    assert PALETTE[0] == OKABE_ITO["blue"] and PALETTE[1] == OKABE_ITO["vermillion"]


def test_backend_is_non_interactive():
    assert matplotlib.get_backend().lower() == "agg"


# --------------------------------------------------------------------------- every function


def _call_each(ax_factory):
    """Call every single-axes function once; return (name, given ax, returned ax)."""
    rng = np.random.default_rng(1)
    X, y = make_classification(n_samples=60, n_features=2, n_redundant=0, random_state=0)
    model = LogisticRegression().fit(X, y)
    p = model.predict_proba(X)[:, 1]
    calls = {
        "sigmoid": lambda ax: plot_sigmoid(ax=ax),
        "loss": lambda ax: plot_loss_curve([0.7, 0.5, 0.4], ax=ax),
        "boundary": lambda ax: plot_decision_boundary(model, X, y, ax=ax, grid_resolution=30),
        "roc": lambda ax: plot_roc_curve(y, p, ax=ax),
        "pr": lambda ax: plot_precision_recall(y, p, ax=ax),
        "thresholds": lambda ax: plot_threshold_metrics(y, p, ax=ax),
        "coefficients": lambda ax: plot_coefficients([0.5, -1.0], ["a", "b"], ax=ax),
        "odds": lambda ax: plot_coefficients([0.5, -1.0], ["a", "b"], ax=ax, odds_ratios=True),
        "weights": lambda ax: plot_digit_weights(rng.normal(size=64), ax=ax),
        "cost": lambda ax: plot_threshold_cost(y, p, {"fp": 1, "fn": 3}, ax=ax),
        "reliability": lambda ax: plot_reliability(y, p, n_bins=5, ax=ax),
        "confusion": lambda ax: plot_confusion_matrix([[20, 5], [3, 32]], ax=ax),
        "path": lambda ax: plot_regularisation_path(
            [0.1, 1.0, 10.0], [[0.1, -0.1], [0.5, -0.4], [0.9, -0.6]], ax=ax
        ),
    }
    results = []
    for name, call in calls.items():
        given = ax_factory()
        returned = call(given)
        _draw(returned)
        results.append((name, given, returned))
    return results


def test_each_function_returns_the_ax_it_was_given():
    for name, given, returned in _call_each(lambda: plt.subplots()[1]):
        assert returned is given, name
        assert returned.get_title(), name
        # one unlabelled loss curve, or an image, has nothing to tell apart in a legend
        no_legend = ("loss", "weights", "confusion")
        assert (returned.get_legend() is not None) == (name not in no_legend), name


def test_each_function_creates_an_ax_when_none_is_given():
    for name, given, returned in _call_each(lambda: None):
        assert given is None
        assert isinstance(returned, matplotlib.axes.Axes), name
        assert returned.figure.number in plt.get_fignums(), name


def test_existing_title_is_kept():
    _, ax = plt.subplots()
    ax.set_title("My own title")
    plot_sigmoid(ax=ax)
    assert ax.get_title() == "My own title"


@pytest.mark.parametrize("bad_ax", ["ax", 3, np.zeros(2)])
def test_ax_must_be_axes(bad_ax):
    with pytest.raises(ValueError, match="ax must be a matplotlib Axes"):
        plot_sigmoid(ax=bad_ax)


# --------------------------------------------------------------------------- sigmoid


class TestSigmoid:
    def test_curves_are_sigmoid_and_derivative(self):
        ax = plot_sigmoid(z_range=(-6, 4))
        _draw(ax)
        lines = list(_labelled_lines(ax).values())
        sig, deriv = lines[0], lines[1]
        z = sig.get_xdata()
        assert z.min() == -6 and z.max() == 4
        assert_allclose(sig.get_ydata(), expit(z), rtol=1e-12)
        assert_allclose(deriv.get_ydata(), expit(z) * (1 - expit(z)), rtol=1e-12)
        assert deriv.get_linestyle() == "--"
        assert ax.get_xlim() == (-6, 4)

    def test_midpoint_marked(self):
        ax = plot_sigmoid()
        marker = [line for line in _labelled_lines(ax).values() if line.get_marker() == "o"]
        assert len(marker) == 1
        assert_array_equal(marker[0].get_xydata(), [[0.0, 0.5]])

    def test_without_derivative(self):
        ax = plot_sigmoid(show_derivative=False)
        assert len(_labelled_lines(ax)) == 2  # sigmoid and the midpoint
        assert len(_legend_texts(ax)) == 2

    @pytest.mark.parametrize("z_range", [(3, 3), (5, -5), (0, np.inf), (1,), "ab", None])
    def test_bad_range(self, z_range):
        with pytest.raises(ValueError, match="z_range"):
            plot_sigmoid(z_range=z_range)


# --------------------------------------------------------------------------- loss curve


class TestLossCurve:
    def test_one_curve(self):
        losses = [0.69, 0.5, 0.41, 0.37]
        ax = plot_loss_curve(losses, label="gd")
        (line,) = ax.get_lines()
        assert_array_equal(line.get_xdata(), [1, 2, 3, 4])
        assert_array_equal(line.get_ydata(), losses)
        assert _legend_texts(ax) == ["gd"]
        assert ax.get_xlabel() and ax.get_ylabel()
        assert ax.get_yscale() == "linear"

    def test_repeated_calls_add_curves_in_distinct_colours(self):
        _, ax = plt.subplots()
        for k, rate in enumerate([0.1, 0.01, 0.001]):
            returned = plot_loss_curve(np.linspace(1, 0.2, 20) ** (k + 1), ax=ax,
                                       label=f"lr = {rate}")
            assert returned is ax
        _draw(ax)
        lines = ax.get_lines()
        assert len(lines) == 3
        assert len({to_hex(line.get_color()) for line in lines}) == 3
        assert _legend_texts(ax) == ["lr = 0.1", "lr = 0.01", "lr = 0.001"]

    def test_log_scale(self):
        ax = plot_loss_curve(np.geomspace(1, 1e-3, 50), log_scale=True)
        _draw(ax)
        assert ax.get_yscale() == "log"
        assert ax.get_legend() is None  # one unlabelled curve: nothing to tell apart

    def test_diverged_run_leaves_gaps(self):
        ax = plot_loss_curve([0.7, 3.0, np.inf, np.nan, 0.5], log_scale=True)
        _draw(ax)
        y = ax.get_lines()[0].get_ydata()
        assert_array_equal(np.isnan(y), [False, False, True, True, False])

    @pytest.mark.parametrize(
        "losses, kwargs, message",
        [
            ([], {}, "non-empty"),
            ([[1.0, 2.0]], {}, "1-D"),
            ([np.nan, np.inf], {}, "no finite value"),
            ([1.0, 0.0], {"log_scale": True}, "positive"),
            (["a", "b"], {}, "numbers"),
            ([1.0], {"label": 3}, "label"),
        ],
    )
    def test_bad_input(self, losses, kwargs, message):
        with pytest.raises(ValueError, match=message):
            plot_loss_curve(losses, **kwargs)


# --------------------------------------------------------------------------- decision boundary


def _contour_sets(ax):
    return [c for c in ax.collections if isinstance(c, ContourSet)]


def _scatters(ax):
    return [c for c in ax.collections
            if isinstance(c, PathCollection) and not isinstance(c, ContourSet)]


class TestDecisionBoundary:
    def test_binary_probability_contours_and_boundary(self, binary_problem):
        X, y, model = binary_problem
        ax = plot_decision_boundary(model, X, y)
        _draw(ax)
        sets = _contour_sets(ax)
        filled = [c for c in sets if c.filled]
        lines = [c for c in sets if not c.filled]
        assert len(filled) == 1
        assert_allclose(filled[0].levels, np.linspace(0, 1, 11))
        assert len(lines) == 1
        assert_array_equal(lines[0].levels, [0.5])
        # the 0.5 contour is the line w.x + b = 0, to within the grid's interpolation
        vertices = np.vstack([path.vertices for path in lines[0].get_paths()])
        assert len(vertices) > 10
        logit = vertices @ model.coef_[0] + model.intercept_[0]
        assert np.max(np.abs(logit)) < 0.05 * np.linalg.norm(model.coef_)
        assert any("0.5" in text for text in _legend_texts(ax))
        assert len(ax.figure.axes) == 2  # the colour bar

    def test_points_coloured_by_class(self, binary_problem):
        X, y, model = binary_problem
        ax = plot_decision_boundary(model, X, y, class_names=["ham", "spam"])
        scatters = _scatters(ax)
        assert len(scatters) == 2
        for k, scatter in enumerate(scatters):
            assert_allclose(scatter.get_offsets(), X[y == k])
            assert to_hex(scatter.get_facecolor()[0]) == to_hex(PALETTE[k])
        assert _legend_texts(ax)[-2:] == ["ham", "spam"]

    def test_grid_covers_the_data(self, binary_problem):
        X, y, model = binary_problem
        ax = plot_decision_boundary(model, X, y, grid_resolution=50)
        (x0, x1), (y0, y1) = ax.get_xlim(), ax.get_ylim()
        assert x0 < X[:, 0].min() and x1 > X[:, 0].max()
        assert y0 < X[:, 1].min() and y1 > X[:, 1].max()

    def test_multiclass_regions(self):
        bunch = load_iris()
        X = StandardScaler().fit_transform(bunch.data[:, 2:])
        y = bunch.target
        model = LogisticRegression().fit(X, y)
        ax = plot_decision_boundary(model, X, y, class_names=list(bunch.target_names),
                                    feature_names=["petal length", "petal width"],
                                    grid_resolution=80)
        _draw(ax)
        filled = [c for c in _contour_sets(ax) if c.filled]
        assert len(filled) == 1
        assert_array_equal(filled[0].levels, [-0.5, 0.5, 1.5, 2.5])
        assert len(_scatters(ax)) == 3
        assert _legend_texts(ax) == list(bunch.target_names)
        assert ax.get_xlabel() == "petal length" and ax.get_ylabel() == "petal width"
        assert len(ax.figure.axes) == 1  # no colour bar for regions

    def test_pipeline_fitted_on_a_frame_gets_named_columns(self, binary_problem):
        X, y, _ = binary_problem
        frame = pd.DataFrame(X, columns=["tenure", "charges"])
        pipeline = make_pipeline(StandardScaler(), LogisticRegression()).fit(frame, y)
        # a grid without feature names would make scikit-learn warn (an error here)
        ax = plot_decision_boundary(pipeline, frame, pd.Series(y), grid_resolution=40)
        _draw(ax)
        assert ax.get_xlabel() == "tenure" and ax.get_ylabel() == "charges"

    def test_course_lib_estimators(self, binary_problem):
        from course_lib.logistic_regression import LogisticRegression as CourseLogistic
        from course_lib.softmax_regression import SoftmaxRegression

        X, y, _ = binary_problem
        model = CourseLogistic().fit(X, y)
        ax = plot_decision_boundary(model, X, y, grid_resolution=100)
        _draw(ax)
        (line,) = [c for c in _contour_sets(ax) if not c.filled]
        vertices = np.vstack([path.vertices for path in line.get_paths()])
        logit = vertices @ model.coef_[0] + model.intercept_[0]
        assert np.max(np.abs(logit)) < 0.05 * np.linalg.norm(model.coef_)

        bunch = load_iris()
        X3 = StandardScaler().fit_transform(bunch.data[:, 2:])
        softmax = SoftmaxRegression().fit(X3, bunch.target)
        ax = plot_decision_boundary(softmax, X3, bunch.target, grid_resolution=60)
        _draw(ax)
        assert len(_scatters(ax)) == 3
        (filled,) = [c for c in _contour_sets(ax) if c.filled]
        assert_array_equal(filled.levels, [-0.5, 0.5, 1.5, 2.5])

    def test_string_labels(self, binary_problem):
        X, y, _ = binary_problem
        labels = np.where(y == 1, "spam", "ham")
        model = LogisticRegression().fit(X, labels)
        ax = plot_decision_boundary(model, X, labels, grid_resolution=40)
        assert _legend_texts(ax)[-2:] == ["ham", "spam"]

    def test_any_predict_proba_works(self):
        class Fixed:
            """A hand-written model: P(class 1) = sigmoid(x1 - x2)."""

            classes_ = np.array([0, 1])

            def predict_proba(self, X):
                p = expit(X[:, 0] - X[:, 1])
                return np.column_stack([1 - p, p])

        X = np.random.default_rng(2).normal(size=(50, 2))
        y = (X[:, 0] > X[:, 1]).astype(int)
        ax = plot_decision_boundary(Fixed(), X, y, grid_resolution=60)
        (line,) = [c for c in _contour_sets(ax) if not c.filled]
        vertices = np.vstack([path.vertices for path in line.get_paths()])
        assert_allclose(vertices[:, 0], vertices[:, 1], atol=1e-3)

    def test_no_boundary_line_when_probability_never_crosses_half(self):
        class AlwaysZero:
            classes_ = np.array([0, 1])

            def predict_proba(self, X):
                return np.tile([0.9, 0.1], (len(X), 1))

        X = np.random.default_rng(2).normal(size=(20, 2))
        ax = plot_decision_boundary(AlwaysZero(), X, np.zeros(20, int), grid_resolution=20)
        _draw(ax)
        assert not [c for c in _contour_sets(ax) if not c.filled]

    @pytest.mark.parametrize(
        "case, message",
        [
            ("no_proba", "predict_proba"),
            ("three_columns", "exactly 2 columns"),
            ("lengths", "Inconsistent numbers of samples"),
            ("unknown_class", "does not know"),
            ("resolution", "grid_resolution"),
            ("class_names", "class_names"),
            ("feature_names", "feature_names"),
        ],
    )
    def test_bad_input(self, binary_problem, case, message):
        X, y, model = binary_problem
        kwargs = {"model": model, "X": X, "y": y}
        if case == "no_proba":
            kwargs["model"] = object()
        elif case == "three_columns":
            kwargs["X"] = np.column_stack([X, X[:, 0]])
        elif case == "lengths":
            kwargs["y"] = y[:-1]
        elif case == "unknown_class":
            kwargs["y"] = np.where(y == 1, 2, 0)
        elif case == "resolution":
            kwargs["grid_resolution"] = 1
        elif case == "class_names":
            kwargs["class_names"] = ["only one"]
        elif case == "feature_names":
            kwargs["feature_names"] = ["a", "b", "c"]
        with pytest.raises(ValueError, match=message):
            plot_decision_boundary(**kwargs)


# --------------------------------------------------------------------------- ROC and PR


def _number_after(pattern, text):
    match = re.search(pattern + r"\s*=\s*([0-9.]+)", text)
    assert match, text
    return float(match.group(1))


class TestRocCurve:
    def test_auc_in_legend_and_exact_points(self, scores):
        y, p = scores
        ax = plot_roc_curve(y, p, label="model")
        _draw(ax)
        text = _legend_texts(ax)[0]
        assert text.startswith("model")
        assert _number_after("AUC", text) == round(skm.roc_auc_score(y, p), 3)
        curve = _labelled_lines(ax)[text]
        fpr, tpr, _ = skm.roc_curve(y, p, drop_intermediate=False)
        assert_allclose(curve.get_xdata(), fpr)
        assert_allclose(curve.get_ydata(), tpr)
        assert ax.get_xlabel() and ax.get_ylabel()

    def test_chance_diagonal_drawn_once(self, scores):
        y, p = scores
        _, ax = plt.subplots()
        plot_roc_curve(y, p, ax=ax, label="model")
        plot_roc_curve(y, 1 - p, ax=ax, label="reversed")
        diagonals = [line for line in ax.get_lines() if line.get_gid() == "chance-diagonal"]
        assert len(diagonals) == 1
        assert_array_equal(diagonals[0].get_xydata(), [[0, 0], [1, 1]])
        texts = _legend_texts(ax)
        assert len(texts) == 3
        reversed_text = next(t for t in texts if t.startswith("reversed"))
        assert _number_after("AUC", reversed_text) == round(skm.roc_auc_score(y, 1 - p), 3)

    def test_single_class_rejected(self):
        with pytest.raises(ValueError, match="only class"):
            plot_roc_curve([1, 1, 1], [0.2, 0.5, 0.9])


class TestPrecisionRecall:
    def test_average_precision_in_legend_and_curve(self, scores):
        y, p = scores
        ax = plot_precision_recall(y, p, label="model")
        _draw(ax)
        text = _legend_texts(ax)[0]
        assert _number_after("AP", text) == round(skm.average_precision_score(y, p), 3)
        curve = _labelled_lines(ax)[text]
        precision, recall, _ = skm.precision_recall_curve(y, p, drop_intermediate=False)
        assert_allclose(curve.get_xdata(), recall)
        assert_allclose(curve.get_ydata(), precision)
        assert curve.get_drawstyle() == "steps-post"

    def test_baseline_at_share_of_positives(self, scores):
        y, p = scores
        _, ax = plt.subplots()
        plot_precision_recall(y, p, ax=ax)
        plot_precision_recall(y, p ** 2, ax=ax)
        baselines = [line for line in ax.get_lines() if line.get_gid() == "pr-baseline"]
        assert len(baselines) == 1
        assert_allclose(baselines[0].get_ydata(), [y.mean(), y.mean()])
        assert len(_legend_texts(ax)) == 3


class TestThresholdMetrics:
    def test_default_sweep_matches_scikit_learn(self, scores):
        y, p = scores
        ax = plot_threshold_metrics(y, p)
        lines = _labelled_lines(ax)
        assert list(lines) == ["Precision", "Recall", "F1"]
        t = lines["Precision"].get_xdata()
        assert_allclose(t, np.arange(0.10, 0.901, 0.05))
        for name, metric in [("Precision", skm.precision_score), ("Recall", skm.recall_score),
                             ("F1", skm.f1_score)]:
            expected = [metric(y, (p >= threshold).astype(int), zero_division=0)
                        for threshold in t]
            assert_allclose(lines[name].get_ydata(), expected, err_msg=name)

    def test_chosen_threshold_and_custom_metrics(self, scores):
        y, p = scores
        thresholds = [0.9, 0.3, 0.6]
        ax = plot_threshold_metrics(y, p, thresholds=thresholds, metrics=("accuracy",),
                                    chosen_threshold=0.42)
        lines = _labelled_lines(ax)
        assert len(lines) == 2
        accuracy = lines["Accuracy"]
        assert_allclose(accuracy.get_xdata(), [0.3, 0.6, 0.9])  # sorted for drawing
        assert_allclose(accuracy.get_ydata(),
                        [skm.accuracy_score(y, p >= t) for t in (0.3, 0.6, 0.9)])
        vertical = lines["chosen threshold = 0.42"]
        assert_array_equal(vertical.get_xdata(), [0.42, 0.42])

    @pytest.mark.parametrize(
        "kwargs, message",
        [
            ({"metrics": ("precision", "auc")}, "metrics must be among"),
            ({"metrics": ()}, "at least one"),
            ({"thresholds": []}, "empty"),
            ({"thresholds": [0.5, np.nan]}, "thresholds"),
            ({"chosen_threshold": "high"}, "chosen_threshold"),
            ({"chosen_threshold": np.inf}, "finite"),
        ],
    )
    def test_bad_input(self, scores, kwargs, message):
        y, p = scores
        with pytest.raises(ValueError, match=message):
            plot_threshold_metrics(y, p, **kwargs)


class TestThresholdCost:
    COSTS = {"fp": 1, "fn": 4}

    @staticmethod
    def _brute_force_cost(y, p, t, c_fp=1, c_fn=4):
        tn, fp, fn, tp = skm.confusion_matrix(y, (p >= t).astype(int), labels=[0, 1]).ravel()
        return c_fp * fp + c_fn * fn

    def test_curve_and_marked_thresholds(self, scores):
        y, p = scores
        grid = [0.9, 0.1, 0.5, 0.3, 0.7]
        ax = plot_threshold_cost(y, p, self.COSTS, thresholds=grid)
        _draw(ax)
        lines = {line.get_gid(): line for line in ax.get_lines()}
        curve = lines["cost-curve"]
        assert_allclose(curve.get_xdata(), sorted(grid))
        assert_allclose(curve.get_ydata(), [self._brute_force_cost(y, p, t) for t in sorted(grid)])
        # the lowest cost over every distinct probability (ties to the larger threshold)
        candidates = np.unique(p)
        totals = np.array([self._brute_force_cost(y, p, t) for t in candidates])
        best = candidates[np.flatnonzero(totals == totals.min())[-1]]
        assert_array_equal(lines["lowest-cost"].get_xdata(), [best, best])
        assert lines["lowest-cost"].get_label() == (
            f"lowest cost: {totals.min():g} at t = {best:.2f}")
        assert_array_equal(lines["bayes-threshold"].get_xdata(), [0.2, 0.2])  # 1 / (1 + 4)
        assert_array_equal(lines["default-threshold"].get_xdata(), [0.5, 0.5])
        assert ax.get_ylabel() == "total cost = 1 × FP + 4 × FN"
        assert len(_legend_texts(ax)) == 4

    def test_default_grid_and_a_second_curve(self, scores):
        y, p = scores
        _, ax = plt.subplots()
        plot_threshold_cost(y[:200], p[:200], self.COSTS, ax=ax, label="validation")
        plot_threshold_cost(y[200:], p[200:], self.COSTS, ax=ax, label="test")
        gids = [line.get_gid() for line in ax.get_lines()]
        assert gids.count("cost-curve") == 2
        assert gids.count("lowest-cost") == 2
        assert gids.count("bayes-threshold") == 1
        assert gids.count("default-threshold") == 1
        curves = [line for line in ax.get_lines() if line.get_gid() == "cost-curve"]
        assert_allclose(curves[0].get_xdata(), np.linspace(0, 1, 101))
        assert curves[0].get_color() != curves[1].get_color()
        assert [c.get_label() for c in curves] == ["total cost, validation", "total cost, test"]

    def test_full_cost_matrix_in_the_label(self, scores):
        y, p = scores
        costs = [[0, 10], [200, 160]]  # a retention call: c_tn, c_fp / c_fn, c_tp
        ax = plot_threshold_cost(y, p, costs, thresholds=[0.5])
        assert ax.get_ylabel() == "total cost = 10 × FP + 200 × FN + 160 × TP"
        curve = next(line for line in ax.get_lines() if line.get_gid() == "cost-curve")
        tn, fp, fn, tp = skm.confusion_matrix(y, (p >= 0.5).astype(int)).ravel()
        assert curve.get_ydata()[0] == 10 * fp + 200 * fn + 160 * tp
        ax = plot_threshold_cost(y, p, [[-1, 2], [3, -2]], thresholds=[0.5])
        assert ax.get_ylabel() == "total cost = -1 × TN + 2 × FP + 3 × FN - 2 × TP"

    @pytest.mark.parametrize(
        "kwargs, message",
        [
            ({"y_prob": "logits"}, r"y_prob must lie in \[0, 1\]"),
            ({"thresholds": []}, "thresholds must not be empty"),
            ({"thresholds": [0.5, np.inf]}, "thresholds contains NaN or infinity"),
            ({"cost_matrix": {"fp": 0, "fn": 0}}, "cost_matrix"),
            ({"cost_matrix": {"fp": 1}}, "exactly the keys"),
            ({"label": 3}, "label must be a string"),
        ],
    )
    def test_bad_input(self, scores, kwargs, message):
        y, p = scores
        arguments = {"y_true": y, "y_prob": p, "cost_matrix": self.COSTS, **kwargs}
        if kwargs.get("y_prob") == "logits":
            arguments["y_prob"] = 4 * p - 2
        with pytest.raises(ValueError, match=message):
            plot_threshold_cost(**arguments)


# --------------------------------------------------------------------------- calibration


def _error_bars(ax):
    """(x, y, half-length of the error bar) of each point of each errorbar call."""
    result = []
    for container in ax.containers:
        line, _, (bars,) = container.lines
        ends = np.array([segment[:, 1] for segment in bars.get_segments()])
        xs = np.array([segment[0, 0] for segment in bars.get_segments()])
        assert_allclose(xs, line.get_xdata())
        assert_allclose(ends.mean(axis=1), line.get_ydata())
        result.append((line.get_xdata(), line.get_ydata(), (ends[:, 1] - ends[:, 0]) / 2))
    return result


class TestReliability:
    def test_points_match_sklearn_with_two_standard_errors(self, scores):
        y, p = scores
        ax = plot_reliability(y, p, n_bins=8, label="model")
        _draw(ax)
        ((x, frequency, half),) = _error_bars(ax)
        prob_true, prob_pred = calibration_curve(y, p, n_bins=8)
        assert_allclose(x, prob_pred)
        assert_allclose(frequency, prob_true)
        # two binomial standard errors, from the bins' sizes counted here
        edges = np.linspace(0, 1, 9)
        sizes = np.bincount(np.searchsorted(edges[1:-1], p), minlength=8)
        sizes = sizes[sizes > 0]
        assert_allclose(half, 2 * np.sqrt(prob_pred * (1 - prob_pred) / sizes))
        assert _legend_texts(ax) == ["perfect calibration", f"model, {sizes.size} bins (±2 s.e.)"]
        diagonal = _labelled_lines(ax)["perfect calibration"]
        assert_array_equal(diagonal.get_xydata(), [[0, 0], [1, 1]])

    def test_second_model_shares_the_diagonal(self, scores):
        y, p = scores
        _, ax = plt.subplots()
        plot_reliability(y, p, ax=ax)
        plot_reliability(y, p ** 3, ax=ax, strategy="quantile", n_bins=5)
        assert [line.get_gid() for line in ax.get_lines()].count("perfect-calibration") == 1
        first, second = _error_bars(ax)
        prob_true, prob_pred = calibration_curve(y, p ** 3, n_bins=5, strategy="quantile")
        assert_allclose(second[0], prob_pred)
        assert_allclose(second[1], prob_true)
        lines = [container.lines[0] for container in ax.containers]
        assert to_hex(lines[0].get_color()) == to_hex(PALETTE[0])
        assert to_hex(lines[1].get_color()) == to_hex(PALETTE[1])
        assert [line.get_marker() for line in lines] == list(MARKERS[:2])
        assert _legend_texts(ax)[1:] == ["10 bins (±2 s.e.)", "5 bins (±2 s.e.)"]

    @pytest.mark.parametrize(
        "kwargs, message",
        [
            ({"n_bins": 0}, "n_bins"),
            ({"strategy": "equal"}, "strategy"),
            ({"label": ["a"]}, "label must be a string"),
        ],
    )
    def test_bad_input(self, scores, kwargs, message):
        y, p = scores
        with pytest.raises(ValueError, match=message):
            plot_reliability(y, p, **kwargs)

    def test_logits_rejected(self, scores):
        y, p = scores
        with pytest.raises(ValueError, match=r"y_prob must lie in \[0, 1\]"):
            plot_reliability(y, 4 * p - 2)


# --------------------------------------------------------------------------- confusion matrix


class TestConfusionMatrix:
    Y_TRUE = np.array([0, 0, 0, 1, 1, 2, 2, 2, 2, 2])
    Y_PRED = np.array([0, 0, 1, 1, 2, 2, 2, 2, 0, 2])

    def _texts(self, ax):
        return [[text.get_text() for text in ax.texts[row * 3:(row + 1) * 3]] for row in range(3)]

    def test_counts_shown_cell_by_cell(self):
        cm = skm.confusion_matrix(self.Y_TRUE, self.Y_PRED)
        ax = plot_confusion_matrix(cm, class_names=["zero", "one", "two"])
        _draw(ax)
        (image,) = ax.get_images()
        assert_array_equal(image.get_array(), cm)
        assert image.get_clim() == (0.0, 4.0)
        assert self._texts(ax) == [["2", "1", "0"], ["0", "1", "1"], ["1", "0", "4"]]
        # text position = (column, row): the cell of true class 2 predicted 0
        assert ax.texts[6].get_position() == (0, 2)
        assert [t.get_text() for t in ax.get_xticklabels()] == ["zero", "one", "two"]
        assert [t.get_text() for t in ax.get_yticklabels()] == ["zero", "one", "two"]
        assert ax.get_xlabel() == "predicted class" and ax.get_ylabel() == "true class"
        # dark cells get white text
        assert ax.texts[8].get_color() == "white" and ax.texts[1].get_color() != "white"

    @pytest.mark.parametrize("normalize", ["true", "pred", "all"])
    def test_normalized_as_sklearn(self, normalize):
        cm = skm.confusion_matrix(self.Y_TRUE, self.Y_PRED)
        ax = plot_confusion_matrix(cm, normalize=normalize)
        (image,) = ax.get_images()
        expected = skm.confusion_matrix(self.Y_TRUE, self.Y_PRED, normalize=normalize)
        assert_allclose(image.get_array(), expected)
        assert [t.get_text() for t in ax.texts] == [f"{v:.2f}" for v in expected.ravel()]
        assert [t.get_text() for t in ax.get_xticklabels()] == ["0", "1", "2"]
        assert "shares" in ax.get_title()

    def test_empty_class_normalizes_to_zeros_without_warning(self):
        cm = np.array([[3, 0, 0], [0, 0, 0], [2, 0, 5]])  # class 1 never occurs nor is predicted
        expected = {"true": [[1, 0, 0], [0, 0, 0], [2 / 7, 0, 5 / 7]],
                    "pred": [[3 / 5, 0, 0], [0, 0, 0], [2 / 5, 0, 1]]}
        for normalize, want in expected.items():
            ax = plot_confusion_matrix(cm, normalize=normalize)
            assert_allclose(ax.get_images()[0].get_array(), want)

    @pytest.mark.parametrize(
        "kwargs, message",
        [
            ({"cm": np.ones((2, 3))}, "square"),
            ({"cm": np.zeros((0, 0))}, "non-empty"),
            ({"cm": [[1, -1], [0, 2]]}, "negative"),
            ({"cm": [[1, np.nan], [0, 2]]}, "NaN"),
            ({"class_names": ["a"]}, "class_names has 1 names but cm has 2"),
            ({"class_names": "ab"}, "sequence of names"),
            ({"normalize": "rows"}, "normalize must be None or one of"),
        ],
    )
    def test_bad_input(self, kwargs, message):
        arguments = {"cm": [[5, 1], [2, 7]], **kwargs}
        with pytest.raises(ValueError, match=message):
            plot_confusion_matrix(**arguments)


# --------------------------------------------------------------------------- coefficients


class TestCoefficients:
    def test_bars_are_coefficients(self):
        w = np.array([0.8, -1.2, 0.0, 2.1])
        names = ["charges", "tenure", "noise", "calls"]
        ax = plot_coefficients(w, names)
        _draw(ax)
        assert len(ax.patches) == 4
        assert_allclose([bar.get_width() for bar in ax.patches], w)
        assert [tick.get_text() for tick in ax.get_yticklabels()] == names
        # first name on top
        centres = [bar.get_y() + bar.get_height() / 2 for bar in ax.patches]
        top = np.argmin(centres) if ax.yaxis_inverted() else np.argmax(centres)
        assert top == 0
        assert to_hex(ax.patches[0].get_facecolor()) == to_hex(OKABE_ITO["vermillion"])
        assert to_hex(ax.patches[1].get_facecolor()) == to_hex(OKABE_ITO["blue"])
        vertical = [line for line in ax.get_lines() if np.all(np.asarray(line.get_xdata()) == 0)]
        assert len(vertical) == 1
        assert ax.get_xscale() == "linear"

    def test_odds_ratios_on_log_axis_from_one(self):
        w = np.array([[0.693, -0.5, 1.5]])  # a fitted binary model's coef_ shape
        ax = plot_coefficients(w, ["a", "b", "c"], odds_ratios=True)
        _draw(ax)
        assert ax.get_xscale() == "log"
        assert len(ax.patches) == 3
        for bar, weight in zip(ax.patches, w[0], strict=True):
            ends = sorted([bar.get_x(), bar.get_x() + bar.get_width()])
            assert_allclose(ends, sorted([1.0, np.exp(weight)]))
        assert any(np.all(np.asarray(line.get_xdata()) == 1) for line in ax.get_lines())
        labels = [text.get_text() for text in ax.texts]
        assert "2" in labels  # exp(0.693) doubles the odds

    @pytest.mark.parametrize(
        "coef, names, message",
        [
            ([1.0, 2.0], ["a"], "feature_names has 1 names"),
            (np.ones((2, 3)), ["a", "b", "c"], "single row"),
            ([1.0, np.nan], ["a", "b"], "NaN"),
            ([1.0, 2.0], "ab", "sequence of names"),
        ],
    )
    def test_bad_input(self, coef, names, message):
        with pytest.raises(ValueError, match=message):
            plot_coefficients(coef, names)

    def test_odds_ratio_overflow_rejected(self):
        with pytest.raises(ValueError, match="overflow"):
            plot_coefficients([800.0], ["separated"], odds_ratios=True)


class TestRegularisationPath:
    def test_one_curve_per_coefficient_on_a_log_axis(self):
        Cs = np.array([10.0, 0.01, 1.0, 0.1])
        coefs = np.array([[2.0, -1.0, 0.5], [0.0, 0.0, 0.0], [1.8, -0.9, 0.4], [1.0, -0.2, 0.0]])
        ax = plot_regularisation_path(Cs, coefs, ["age", "exercise", "cholesterol"])
        _draw(ax)
        lines = _labelled_lines(ax)
        assert list(lines) == ["age", "exercise", "cholesterol"]
        order = [1, 3, 2, 0]  # increasing C
        for j, line in enumerate(lines.values()):
            assert_array_equal(line.get_xdata(), Cs[order])
            assert_array_equal(line.get_ydata(), coefs[order, j])
            assert to_hex(line.get_color()) == to_hex(PALETTE[j])
            assert line.get_marker() == MARKERS[j]
        assert ax.get_xscale() == "log"
        assert any(np.all(np.asarray(line.get_ydata()) == 0) and line.get_label().startswith("_")
                   for line in ax.get_lines())
        assert _legend_texts(ax) == ["age", "exercise", "cholesterol"]

    def test_default_names(self):
        ax = plot_regularisation_path([0.1, 1.0], [[0.1, 0.2], [0.3, 0.4]])
        assert _legend_texts(ax) == ["$w_{1}$", "$w_{2}$"]

    @pytest.mark.parametrize(
        "Cs, coefs, names, message",
        [
            ([0.0, 1.0], [[0, 0], [1, 1]], None, "Cs must be positive"),
            ([-1.0, 1.0], [[0, 0], [1, 1]], None, "Cs must be positive"),
            ([], np.zeros((0, 2)), None, "Cs must not be empty"),
            ([0.1, 1.0], [[0, 0], [1, 1], [2, 2]], None, "one row per value of C"),
            ([0.1, 1.0], [0.5, 1.0], None, "coefs must be 2-D"),
            ([0.1, 1.0], [[0, 0], [1, 1]], ["a"], "feature_names has 1 names but coefs has 2"),
            ([0.1, 1.0], [[0, 0], [1, 1]], "ab", "sequence of names"),
            ([0.1, np.inf], [[0, 0], [1, 1]], None, "Cs contains NaN or infinity"),
        ],
    )
    def test_bad_input(self, Cs, coefs, names, message):
        with pytest.raises(ValueError, match=message):
            plot_regularisation_path(Cs, coefs, feature_names=names)


# --------------------------------------------------------------------------- digits


class TestDigitWeights:
    def test_image_is_w_as_8_by_8_centred_at_zero(self):
        w = np.random.default_rng(5).normal(size=64) + 0.3
        ax = plot_digit_weights(w)
        _draw(ax)
        (image,) = ax.get_images()
        assert_array_equal(image.get_array(), w.reshape(8, 8))
        low, high = image.get_clim()
        assert low == -high == -np.max(np.abs(w))
        assert len(ax.figure.axes) == 2  # the colour bar
        assert ax.get_xticks().size == 0 and ax.get_yticks().size == 0

    def test_coef_row_and_custom_cmap(self):
        w = np.linspace(-1, 2, 64)[None, :]
        _, ax = plt.subplots()
        returned = plot_digit_weights(w, ax=ax, cmap="PuOr", colorbar=False)
        assert returned is ax
        (image,) = ax.get_images()
        assert image.get_cmap().name == "PuOr"
        assert_array_equal(image.get_array(), w.reshape(8, 8))
        assert len(ax.figure.axes) == 1

    def test_all_zero_weights(self):
        ax = plot_digit_weights(np.zeros(64))
        _draw(ax)
        assert ax.get_images()[0].get_clim() == (-1.0, 1.0)

    @pytest.mark.parametrize("w", [np.zeros(63), np.zeros((2, 64)), np.zeros((2, 2, 16))])
    def test_bad_size(self, w):
        with pytest.raises(ValueError, match="w"):
            plot_digit_weights(w)


class TestDigitImages:
    def test_row_of_images_with_labels(self):
        X = np.random.default_rng(6).uniform(0, 1, size=(12, 64))
        y = np.arange(12) % 2
        axes = plot_digit_images(X, y, n=5)
        _draw(axes[0])
        assert len(axes) == 5
        assert len(axes[0].figure.axes) == 5
        for i, ax in enumerate(axes):
            (image,) = ax.get_images()
            assert_array_equal(image.get_array(), X[i].reshape(8, 8))
            assert ax.get_title() == str(y[i])

    def test_given_axes_are_used(self):
        X = np.random.default_rng(7).uniform(0, 16, size=(4, 64))
        fig, grid = plt.subplots(2, 2)
        axes = plot_digit_images(X, n=4, axes=grid)
        assert list(axes) == list(grid.ravel())
        assert all(ax.get_title() == "" for ax in axes)
        assert axes[0].get_images()[0].get_clim() == (0.0, X.max())

    @pytest.mark.parametrize(
        "kwargs, message",
        [
            ({"n": 0}, "n must be an integer"),
            ({"n": 11}, "only 10 images"),
            ({"n": 3, "axes": "axes"}, "axes"),
            ({"y": np.zeros(9)}, "Inconsistent"),
        ],
    )
    def test_bad_input(self, kwargs, message):
        with pytest.raises(ValueError, match=message):
            plot_digit_images(np.zeros((10, 64)), **kwargs)

    def test_too_few_axes(self):
        _, grid = plt.subplots(1, 2)
        with pytest.raises(ValueError, match="axes holds 2 axes but n is 3"):
            plot_digit_images(np.zeros((10, 64)), n=3, axes=grid)

    def test_wrong_width(self):
        with pytest.raises(ValueError, match="64 columns"):
            plot_digit_images(np.zeros((10, 16)))


def test_module_exports():
    for name in plotting.__all__:
        assert hasattr(plotting, name)
