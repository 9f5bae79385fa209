r"""Data sets of the course: synthetic tables with a published truth, and bundled classics.

Nothing here touches the network or the global random state. The synthetic
generators take a ``random_state`` (an int, ``None`` or a
:class:`numpy.random.Generator`) and draw everything from one
``numpy.random.default_rng(random_state)``, so the same seed gives the same
table on every machine.

Three generators draw their labels from a *published* logistic model,

.. math::

    P(y = 1 \mid x) = \sigma\Bigl(b + \sum_j w_j \, \frac{x_j - c_j}{s_j}\Bigr),

held in a :class:`LogisticGroundTruth` (intercept :math:`b`, coefficients
:math:`w_j`, centres :math:`c_j` and scales :math:`s_j`), so a chapter can fit a
model and compare its estimates with the numbers that made the data:

- :func:`make_churn` (telecom customers), truth :data:`CHURN_GROUND_TRUTH`;
- :func:`make_study_sleep` (students), truth :data:`STUDY_SLEEP_GROUND_TRUTH`;
- :func:`make_medical_screening` (patients), truth :data:`MEDICAL_GROUND_TRUTH`.

The others load scikit-learn's bundled copies of the digits and iris data
(:func:`load_digits_binary`, :func:`load_digits_multiclass`,
:func:`load_iris_data`), or return a fixed toy set (:func:`make_spam_emails`).
"""

import numbers
from dataclasses import dataclass

import numpy as np
import pandas as pd
from sklearn.datasets import load_digits, load_iris

from ._validation import as_float_array
from .activations import sigmoid

__all__ = [
    "CHURN_FEATURES",
    "CHURN_GROUND_TRUTH",
    "MEDICAL_FEATURES",
    "MEDICAL_GROUND_TRUTH",
    "STUDY_SLEEP_FEATURES",
    "STUDY_SLEEP_GROUND_TRUTH",
    "LogisticGroundTruth",
    "churn_ground_truth",
    "load_digits_binary",
    "load_digits_multiclass",
    "load_iris_data",
    "make_churn",
    "make_medical_screening",
    "make_spam_emails",
    "make_study_sleep",
]


# --------------------------------------------------------------------------- ground truth


@dataclass(frozen=True)
class LogisticGroundTruth:
    r"""A logistic model with known parameters, the one a generator draws labels from.

    .. math::

        f_j(x) = \frac{x_j - c_j}{s_j}, \qquad
        z(x) = b + \sum_{j=1}^{d} w_j f_j(x), \qquad
        P(y = 1 \mid x) = \sigma\bigl(z(x)\bigr).

    The :math:`f_j` are the features *as the model sees them*: raw features
    shifted by fixed centres :math:`c_j` and divided by fixed scales :math:`s_j`.
    When the centres and scales are the population means and standard
    deviations (as for the churn and screening data), a model fitted on
    ``StandardScaler`` output estimates :math:`w` and :math:`b` directly, up to
    sampling error. The same model on the raw features has per-unit coefficients
    :math:`w_j / s_j` and intercept :math:`b - \sum_j w_j c_j / s_j`
    (:attr:`coefficients_per_unit`, :attr:`intercept_per_unit`).

    Parameters
    ----------
    feature_names : tuple of str
        Raw feature names, in the order of the coefficients.
    coefficients : tuple of float
        :math:`w_j`, on the transformed features :math:`f_j`.
    intercept : float
        :math:`b`.
    center : tuple of float
        :math:`c_j`.
    scale : tuple of float
        :math:`s_j`, all positive.
    """

    feature_names: tuple
    coefficients: tuple
    intercept: float
    center: tuple
    scale: tuple

    def __post_init__(self):
        d = len(self.feature_names)
        for name in ("coefficients", "center", "scale"):
            if len(getattr(self, name)) != d:
                raise ValueError(
                    f"{name} has {len(getattr(self, name))} entries but there are {d} features."
                )
        if any(s <= 0 for s in self.scale):
            raise ValueError("scale must be positive for every feature.")

    @property
    def coef_(self):
        """numpy.ndarray of shape (d,): the coefficients :math:`w` (a fresh copy)."""
        return np.array(self.coefficients, dtype=np.float64)

    @property
    def coefficients_per_unit(self):
        r"""numpy.ndarray of shape (d,): :math:`w_j / s_j`, the coefficients on raw features."""
        return self.coef_ / np.array(self.scale, dtype=np.float64)

    @property
    def intercept_per_unit(self):
        r"""float: :math:`b - \sum_j w_j c_j / s_j`, the intercept on raw features."""
        return float(self.intercept - self.coefficients_per_unit @ np.array(self.center))

    def as_dict(self):
        """Return ``{"intercept": b, name_j: w_j, ...}``, ready for a table."""
        pairs = zip(self.feature_names, self.coefficients, strict=True)
        return {"intercept": float(self.intercept), **{name: float(w) for name, w in pairs}}

    def design_matrix(self, X):
        r"""The transformed features :math:`f_j(x) = (x_j - c_j)/s_j`.

        Parameters
        ----------
        X : pandas.DataFrame or array-like of shape (n, d)
            A frame holding (at least) the columns :attr:`feature_names`, or an
            array with those columns in that order.

        Returns
        -------
        numpy.ndarray of shape (n, d)
        """
        if isinstance(X, pd.DataFrame):
            missing = [name for name in self.feature_names if name not in X.columns]
            if missing:
                raise ValueError(f"X is missing the columns {missing}.")
            X = X[list(self.feature_names)].to_numpy(dtype=np.float64)
        X = as_float_array(X, "X", ndim=2)
        if X.shape[1] != len(self.feature_names):
            raise ValueError(
                f"X has {X.shape[1]} columns but the model has {len(self.feature_names)} "
                f"features {list(self.feature_names)}."
            )
        return (X - np.array(self.center)) / np.array(self.scale)

    def logit(self, X):
        r"""The log-odds :math:`z(x) = b + \sum_j w_j f_j(x)`, shape (n,)."""
        return self.intercept + self.design_matrix(X) @ self.coef_

    def probability(self, X):
        r"""The true :math:`P(y = 1 \mid x) = \sigma(z(x))`, shape (n,)."""
        return sigmoid(self.logit(X))


# --------------------------------------------------------------------------- validation


def _check_n_samples(n_samples):
    if isinstance(n_samples, bool) or not isinstance(n_samples, numbers.Integral):
        raise ValueError(f"n_samples must be a positive integer, got {n_samples!r}.")
    if n_samples < 1:
        raise ValueError(f"n_samples must be a positive integer, got {n_samples}.")
    return int(n_samples)


def _check_random_state(random_state):
    """Return a fresh Generator for an int or None; a Generator is used as it is."""
    if isinstance(random_state, np.random.Generator) or random_state is None:
        return np.random.default_rng(random_state)
    if isinstance(random_state, bool) or not isinstance(random_state, numbers.Integral):
        raise ValueError(
            "random_state must be None, a non-negative integer or a numpy.random.Generator, "
            f"got {random_state!r}."
        )
    if random_state < 0:
        raise ValueError(f"random_state must be non-negative, got {random_state}.")
    return np.random.default_rng(int(random_state))


def _check_bool(value, name):
    if not isinstance(value, bool | np.bool_):
        raise ValueError(f"{name} must be True or False, got {value!r}.")
    return bool(value)


def _draw_labels(rng, truth, X):
    """Bernoulli labels with the probabilities of ``truth``, as int64 0/1."""
    return (rng.random(X.shape[0]) < truth.probability(X)).astype(np.int64)


# --------------------------------------------------------------------------- churn

CHURN_FEATURES = (
    "tenure_months",
    "monthly_charges",
    "data_usage_gb",
    "support_calls",
    "contract_length",
    "senior_citizen",
    "paperless_billing",
)
"""The seven churn features of the ground truth, in the order of its coefficients."""

CHURN_GROUND_TRUTH = LogisticGroundTruth(
    feature_names=CHURN_FEATURES,
    coefficients=(-0.9, 0.7, -0.3, 0.6, -0.8, 0.4, 0.35),
    intercept=-1.75,
    # Population means and standard deviations of the generator, to four significant
    # digits: support calls, contract length and the two indicators computed exactly,
    # the other three estimated from 8 million draws.
    center=(31.92, 60.11, 19.95, 1.130, 8.830, 0.16, 0.59),
    scale=(21.86, 27.33, 21.08, 1.090, 9.543, 0.3666, 0.4918),
)
r"""The logistic model behind :func:`make_churn`.

Every one of the seven features, binary ones included, enters standardised,
:math:`f_j = (x_j - c_j)/s_j`, with the centres and scales equal to the
population means and standard deviations, so the coefficients compare effect
sizes per standard deviation and a model fitted on ``StandardScaler`` output of
``X[list(CHURN_FEATURES)]`` estimates them directly:

==================  ===========  =======================================
feature             :math:`w_j`  reading
==================  ===========  =======================================
intercept           -1.75        churn rate near 25 %
tenure_months       -0.9         long-standing customers stay
monthly_charges     +0.7         expensive plans push customers away
data_usage_gb       -0.3         heavy users depend on the service
support_calls       +0.6         every call to support is a bad sign
contract_length     -0.8         a contract holds customers back
senior_citizen      +0.4         senior customers churn a little more
paperless_billing   +0.35        so do customers billed online
==================  ===========  =======================================

``internet_service`` and ``contract_type`` have no coefficient of their own:
internet service acts only through the charges and data usage it shapes, and
the contract acts through its length (1, 12 or 24 months), linearly, so one-hot
contract columns are a valid but redundant alternative to ``contract_length``.
"""

_CONTRACT_TYPES = ("month-to-month", "one-year", "two-year")
_CONTRACT_MONTHS = np.array([1, 12, 24])
_CONTRACT_SHARES = np.array([0.55, 0.21, 0.24])
_INTERNET_SERVICES = ("none", "dsl", "fiber")
_INTERNET_SHARES = np.array([0.20, 0.35, 0.45])


def churn_ground_truth():
    r"""The logistic model that :func:`make_churn` draws ``churn`` from.

    Returns
    -------
    LogisticGroundTruth
        :data:`CHURN_GROUND_TRUTH`: intercept -1.75 and one coefficient per
        feature of :data:`CHURN_FEATURES`, on standardised features.

    Examples
    --------
    >>> truth = churn_ground_truth()
    >>> truth.as_dict()["support_calls"]
    0.6
    """
    return CHURN_GROUND_TRUTH


def _churn_features(rng, n):
    """Draw the churn features; returns a dict of columns (contract and service as codes)."""
    senior = (rng.random(n) < 0.16).astype(np.int64)
    internet = rng.choice(3, size=n, p=_INTERNET_SHARES)
    contract = rng.choice(3, size=n, p=_CONTRACT_SHARES)
    # Tenure: a scaled Beta whose mean grows with the contract (about 20, 41 and 53 months).
    a = np.array([0.8, 1.6, 2.5])[contract]
    b = np.array([2.2, 1.2, 0.9])[contract]
    tenure = np.rint(72 * rng.beta(a, b)).astype(np.int64)
    # Data usage: none without internet, Gamma with mean 12 GB (DSL) or 35 GB (fibre).
    mean_gb = np.array([1.0, 12.0, 35.0])[internet]
    usage = rng.gamma(2.5, mean_gb / 2.5)
    usage = np.round(np.where(internet == 0, 0.0, np.minimum(usage, 200.0)), 1)
    # Charges: a base price per service plus 0.40 USD per GB, with noise, within [18, 120].
    base = np.array([20.0, 45.0, 72.0])[internet]
    noise_sd = np.array([1.5, 8.0, 8.0])[internet]
    charges = base + 0.4 * usage + noise_sd * rng.standard_normal(n)
    charges = np.round(np.clip(charges, 18.0, 120.0), 2)
    # Support calls: Poisson, more frequent with fibre and for senior customers.
    calls = rng.poisson(0.9 * np.exp(0.35 * (internet == 2) + 0.3 * senior)).astype(np.int64)
    paperless = (rng.random(n) < np.where(internet == 0, 0.35, 0.65)).astype(np.int64)
    return {
        "tenure_months": tenure,
        "contract": contract,
        "contract_length": _CONTRACT_MONTHS[contract].astype(np.int64),
        "internet": internet,
        "monthly_charges": charges,
        "data_usage_gb": usage,
        "support_calls": calls,
        "senior_citizen": senior,
        "paperless_billing": paperless,
    }


def make_churn(n_samples=5000, random_state=0, as_frame=True):
    r"""Synthetic telecom customers, and whether each one left (churned).

    The features depend on one another as in real telecom data, and ``churn``
    is drawn from the logistic model :data:`CHURN_GROUND_TRUTH`,

    .. math::

        P(\text{churn} = 1 \mid x) = \sigma\Bigl(-1.75 + \sum_{j=1}^{7} w_j\,
        \frac{x_j - c_j}{s_j}\Bigr),

    which gives a churn rate near 25 %.

    ==================  ==========  ============================================
    column              dtype       how it is drawn
    ==================  ==========  ============================================
    tenure_months       int64       0–72: 72 × Beta, rounded; mean about
                                    20 / 41 / 53 by contract type
    contract_type       category    month-to-month 55 %, one-year 21 %,
                                    two-year 24 % (ordered)
    contract_length     int64       the contract in months: 1, 12 or 24
    internet_service    category    none 20 %, dsl 35 %, fiber 45 %
    monthly_charges     float64     USD 18–120: 20 / 45 / 72 by service
                                    + 0.40 per GB + normal noise (sd 1.5 / 8 / 8),
                                    clipped, to the cent
    data_usage_gb       float64     GB per month: 0 without internet, else
                                    Gamma(2.5) with mean 12 (dsl) or 35 (fiber),
                                    at most 200, to 0.1 GB
    support_calls       int64       Poisson, rate 0.9, times 1.42 with fiber,
                                    times 1.35 for senior customers
    senior_citizen      int64       0/1, 16 %
    paperless_billing   int64       0/1, 35 % without internet, 65 % with
    churn               int64       0/1, the label
    ==================  ==========  ============================================

    Parameters
    ----------
    n_samples : int, default=5000
        Number of customers.
    random_state : int, numpy.random.Generator or None, default=0
        Seed of the draw.
    as_frame : bool, default=True
        Return a DataFrame (``True``) or arrays.

    Returns
    -------
    pandas.DataFrame
        When ``as_frame``: the columns above, ``churn`` last.
    (X, y, feature_names)
        Otherwise: ``X`` float64 of shape (n_samples, 7) holding the raw
        :data:`CHURN_FEATURES` in that order, ``y`` int64 0/1 of shape
        (n_samples,), and ``feature_names`` the list of those seven names.

    Raises
    ------
    ValueError
        If ``n_samples`` is not a positive integer, ``random_state`` is not a
        non-negative integer, a Generator or None, or ``as_frame`` is not a bool.

    Notes
    -----
    To compare a fitted model with the truth, fit an unpenalised logistic
    regression on ``CHURN_GROUND_TRUTH.design_matrix(frame)`` (or on
    ``StandardScaler`` output of the seven columns, the same up to sampling
    error) and compare ``coef_`` with ``CHURN_GROUND_TRUTH.coef_``.

    Examples
    --------
    >>> frame = make_churn(1000, random_state=1)
    >>> frame.shape
    (1000, 10)
    """
    n = _check_n_samples(n_samples)
    rng = _check_random_state(random_state)
    as_frame = _check_bool(as_frame, "as_frame")
    cols = _churn_features(rng, n)
    X = np.column_stack([cols[name] for name in CHURN_FEATURES]).astype(np.float64)
    y = _draw_labels(rng, CHURN_GROUND_TRUTH, X)
    if not as_frame:
        return X, y, list(CHURN_FEATURES)
    return pd.DataFrame(
        {
            "tenure_months": cols["tenure_months"],
            "contract_type": pd.Categorical.from_codes(
                cols["contract"], categories=list(_CONTRACT_TYPES), ordered=True
            ),
            "contract_length": cols["contract_length"],
            "internet_service": pd.Categorical.from_codes(
                cols["internet"], categories=list(_INTERNET_SERVICES)
            ),
            "monthly_charges": cols["monthly_charges"],
            "data_usage_gb": cols["data_usage_gb"],
            "support_calls": cols["support_calls"],
            "senior_citizen": cols["senior_citizen"],
            "paperless_billing": cols["paperless_billing"],
            "churn": y,
        }
    )


# --------------------------------------------------------------------------- digits and iris


def _check_digit_pair(digits):
    try:
        pair = tuple(digits)
    except TypeError:
        raise ValueError(f"digits must be a pair of two distinct digits, got {digits!r}.") from None
    if len(pair) != 2:
        raise ValueError(f"digits must hold exactly two digits, got {len(pair)}: {pair!r}.")
    for d in pair:
        if isinstance(d, bool | np.bool_) or not isinstance(d, numbers.Integral) or not 0 <= d <= 9:
            raise ValueError(f"digits must be integers from 0 to 9, got {d!r}.")
    if pair[0] == pair[1]:
        raise ValueError(f"digits must be two distinct digits, got {pair[0]} twice.")
    return int(pair[0]), int(pair[1])


def load_digits_binary(digits=(0, 1), scale=True):
    r"""Two classes of scikit-learn's bundled 8x8 handwritten digits.

    Each image is 64 pixel intensities from 0 to 16, read row by row. With
    ``scale`` they are divided by 16, so every feature lies in [0, 1]:
    :math:`x_{ij} = \text{pixel}_{ij} / 16`.

    Parameters
    ----------
    digits : pair of int, default=(0, 1)
        Two distinct digits from 0 to 9; the first becomes class 0, the second
        class 1.
    scale : bool, default=True
        Divide the pixels by 16.

    Returns
    -------
    X : numpy.ndarray of shape (n, 64), float64
        The images of the two digits, in the order of the bundled file
        (360 images for 0 and 1).
    y : numpy.ndarray of shape (n,), int64
        1 where the image shows ``digits[1]``, 0 where it shows ``digits[0]``.

    Raises
    ------
    ValueError
        If ``digits`` is not two distinct integers in 0..9, or ``scale`` is not
        a bool.
    """
    first, second = _check_digit_pair(digits)
    scale = _check_bool(scale, "scale")
    X, labels = load_digits_multiclass(scale=scale)
    keep = (labels == first) | (labels == second)
    return X[keep], (labels[keep] == second).astype(np.int64)


def load_digits_multiclass(scale=True):
    r"""All ten classes of scikit-learn's bundled 8x8 handwritten digits.

    Parameters
    ----------
    scale : bool, default=True
        Divide the pixels (0 to 16) by 16, so every feature lies in [0, 1].

    Returns
    -------
    X : numpy.ndarray of shape (1797, 64), float64
        The images, one row each, pixels read row by row.
    y : numpy.ndarray of shape (1797,), int64
        The digit shown, 0 to 9.

    Raises
    ------
    ValueError
        If ``scale`` is not a bool.
    """
    scale = _check_bool(scale, "scale")
    bunch = load_digits()
    X = bunch.data.astype(np.float64)
    if scale:
        X = X / 16.0
    return X, bunch.target.astype(np.int64)


def load_iris_data(as_frame=False):
    r"""Fisher's iris flowers, from scikit-learn's bundled copy.

    150 flowers, 50 of each of three species, four measurements in centimetres.

    Parameters
    ----------
    as_frame : bool, default=False
        Return a DataFrame instead of arrays.

    Returns
    -------
    (X, y, feature_names, target_names)
        When not ``as_frame``: ``X`` float64 of shape (150, 4), ``y`` int64 of
        shape (150,) with values 0, 1, 2, and the lists of the four feature
        names (scikit-learn's, e.g. ``"sepal length (cm)"``) and of the species
        ``["setosa", "versicolor", "virginica"]``.
    pandas.DataFrame
        When ``as_frame``: the four measurement columns, ``target`` (int64)
        and ``species`` (categorical).

    Raises
    ------
    ValueError
        If ``as_frame`` is not a bool.
    """
    as_frame = _check_bool(as_frame, "as_frame")
    bunch = load_iris()
    X = bunch.data.astype(np.float64)
    y = bunch.target.astype(np.int64)
    feature_names = [str(name) for name in bunch.feature_names]
    target_names = [str(name) for name in bunch.target_names]
    if not as_frame:
        return X, y, feature_names, target_names
    frame = pd.DataFrame(X, columns=feature_names)
    frame["target"] = y
    frame["species"] = pd.Categorical.from_codes(y, categories=target_names)
    return frame


# --------------------------------------------------------------------------- spam emails

_SPAM_COUNTS = np.array([0, 0, 1, 1, 2, 2, 3, 4, 5, 5, 6, 7, 15], dtype=np.int64)
_SPAM_LABELS = np.array([0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 1, 1], dtype=np.int64)


def make_spam_emails():
    r"""Thirteen emails: the number of exclamation marks in each, and whether it is spam.

    ==============================  ==================================
    not spam (7 emails)             0, 0, 1, 1, 2, 2, 3 marks
    spam (6 emails)                 4, 5, 5, 6, 7, 15 marks
    ==============================  ==================================

    A threshold between 3 and 4 marks separates the classes perfectly. A
    least-squares line :math:`\hat y = a + b\,x` fitted to the 0/1 labels
    without the extreme email (15 marks) crosses 0.5 at about 3.43 marks and
    classifies all twelve correctly; with it, the line flattens, crosses 0.5 at
    about 4.33 marks and misclassifies the spam email with 4 marks, and it
    predicts about 1.51, not a probability, at 15 marks. That is the case
    against linear regression for classification.

    Returns
    -------
    counts : numpy.ndarray of shape (13,), int64
        Exclamation marks per email, 0 to 15, in increasing order.
    is_spam : numpy.ndarray of shape (13,), int64
        1 for spam, 0 otherwise.
    """
    return _SPAM_COUNTS.copy(), _SPAM_LABELS.copy()


# --------------------------------------------------------------------------- study and sleep

STUDY_SLEEP_FEATURES = ("study_hours", "sleep_hours")
"""The two columns of :func:`make_study_sleep`, in order."""

STUDY_SLEEP_GROUND_TRUTH = LogisticGroundTruth(
    feature_names=STUDY_SLEEP_FEATURES,
    coefficients=(1.5, 1.0),
    intercept=-12.0,
    center=(0.0, 0.0),
    scale=(1.0, 1.0),
)
r"""The rule behind :func:`make_study_sleep`, on raw hours:

.. math::

    \operatorname{logit} P(\text{pass}) = 1.5\,\text{study} + 1.0\,\text{sleep} - 12.

The boundary :math:`P = 0.5` is the line :math:`\text{sleep} = 12 - 1.5\,\text{study}`:
a student who studies 2 hours needs 9 hours of sleep, one who studies 4 hours
needs 6. One extra hour of study is worth 1.5 hours of sleep.
"""


def make_study_sleep(n_samples=200, random_state=0):
    r"""Students' hours of study and of sleep, and whether each passed the exam.

    Study hours are uniform on [0, 8], sleep hours normal with mean 7 and
    standard deviation 1.3 clipped to [4, 10], both rounded to 0.1 h. The
    result is drawn from the logistic rule :data:`STUDY_SLEEP_GROUND_TRUTH`,

    .. math::

        P(\text{pass}) = \sigma(1.5\,\text{study} + 1.0\,\text{sleep} - 12),

    so students near the boundary pass or fail by chance (the noise), and about
    58 % pass.

    Parameters
    ----------
    n_samples : int, default=200
        Number of students.
    random_state : int, numpy.random.Generator or None, default=0
        Seed of the draw.

    Returns
    -------
    X : numpy.ndarray of shape (n_samples, 2), float64
        Columns ``study_hours`` and ``sleep_hours`` (:data:`STUDY_SLEEP_FEATURES`).
    y : numpy.ndarray of shape (n_samples,), int64
        1 for a pass, 0 for a fail.

    Raises
    ------
    ValueError
        If ``n_samples`` is not a positive integer or ``random_state`` is not a
        non-negative integer, a Generator or None.
    """
    n = _check_n_samples(n_samples)
    rng = _check_random_state(random_state)
    study = np.round(rng.uniform(0.0, 8.0, n), 1)
    sleep = np.round(np.clip(rng.normal(7.0, 1.3, n), 4.0, 10.0), 1)
    X = np.column_stack([study, sleep])
    return X, _draw_labels(rng, STUDY_SLEEP_GROUND_TRUTH, X)


# --------------------------------------------------------------------------- medical screening

MEDICAL_FEATURES = ("age", "blood_pressure", "cholesterol", "exercise_hours")
"""The four screening features, in the order of the ground truth's coefficients."""

MEDICAL_GROUND_TRUTH = LogisticGroundTruth(
    feature_names=MEDICAL_FEATURES,
    coefficients=(0.9, 0.8, 0.6, -0.7),
    intercept=-1.3,
    # Population means and standard deviations of the generator, estimated from
    # 8 million draws and rounded to four significant digits.
    center=(52.05, 120.2, 195.2, 3.018),
    scale=(11.85, 14.89, 35.15, 2.172),
)
r"""The logistic model behind :func:`make_medical_screening`.

Every feature enters standardised with its population mean and standard
deviation, so the coefficients are effects per standard deviation:

===============  ===========  ===========================================
feature          :math:`w_j`  reading
===============  ===========  ===========================================
intercept        -1.3         about 30 % of patients are high risk
age              +0.9         the strongest risk factor
blood_pressure   +0.8         systolic pressure, mmHg
cholesterol      +0.6         total cholesterol, mg/dL
exercise_hours   -0.7         exercise protects (odds ratio about 0.5)
===============  ===========  ===========================================
"""


def _medical_features(rng, n):
    """Draw the screening features; columns in the order of MEDICAL_FEATURES."""
    age = np.rint(np.clip(rng.normal(52.0, 12.0, n), 25.0, 85.0))
    bp = np.clip(120.0 + 0.5 * (age - 52.0) + 14.0 * rng.standard_normal(n), 90.0, 200.0)
    chol = np.clip(195.0 + 0.6 * (age - 52.0) + 35.0 * rng.standard_normal(n), 120.0, 320.0)
    exercise = np.minimum(rng.gamma(2.0, 1.5 * np.exp(-0.01 * (age - 52.0))), 15.0)
    return np.column_stack([age, np.round(bp, 1), np.round(chol, 1), np.round(exercise, 1)])


def make_medical_screening(n_samples=1000, random_state=0, as_frame=True):
    r"""Synthetic screening patients and whether each is at high risk.

    Age is normal (mean 52, sd 12) clipped to [25, 85] years, rounded to a year.
    Blood pressure (systolic, mmHg) and cholesterol (total, mg/dL) rise with
    age; weekly exercise falls with it:

    .. math::

        \text{bp} &= 120 + 0.5\,(\text{age} - 52) + 14\,\varepsilon_1
            \in [90, 200], \\
        \text{chol} &= 195 + 0.6\,(\text{age} - 52) + 35\,\varepsilon_2
            \in [120, 320], \\
        \text{exercise} &\sim \text{Gamma}(2, \theta),\quad
            \theta = 1.5\, e^{-0.01(\text{age} - 52)}, \text{ at most } 15 \text{ h},

    with standard normal :math:`\varepsilon`, to one decimal. ``high_risk`` is
    drawn from :data:`MEDICAL_GROUND_TRUTH`,
    :math:`P = \sigma\bigl(-1.3 + \sum_j w_j (x_j - c_j)/s_j\bigr)`, with age,
    blood pressure and cholesterol raising the risk and exercise lowering it.

    Parameters
    ----------
    n_samples : int, default=1000
        Number of patients.
    random_state : int, numpy.random.Generator or None, default=0
        Seed of the draw.
    as_frame : bool, default=True
        Return a DataFrame (``True``) or arrays.

    Returns
    -------
    pandas.DataFrame
        When ``as_frame``: float64 columns :data:`MEDICAL_FEATURES` and an int64
        0/1 column ``high_risk``.
    (X, y, feature_names)
        Otherwise: ``X`` float64 of shape (n_samples, 4), ``y`` int64 of shape
        (n_samples,), and the list of the four feature names.

    Raises
    ------
    ValueError
        If ``n_samples`` is not a positive integer, ``random_state`` is not a
        non-negative integer, a Generator or None, or ``as_frame`` is not a bool.
    """
    n = _check_n_samples(n_samples)
    rng = _check_random_state(random_state)
    as_frame = _check_bool(as_frame, "as_frame")
    X = _medical_features(rng, n)
    y = _draw_labels(rng, MEDICAL_GROUND_TRUTH, X)
    if not as_frame:
        return X, y, list(MEDICAL_FEATURES)
    frame = pd.DataFrame(X, columns=list(MEDICAL_FEATURES))
    frame["high_risk"] = y
    return frame
