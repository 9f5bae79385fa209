"""The text, reference solutions and visible tests of every assignment.

Each function below returns the source notebook of one assignment. Reference
solutions sit between ``### BEGIN SOLUTION`` and ``### END SOLUTION``; nbgrader
replaces that region by ``raise NotImplementedError()`` in the release version.
The hidden tests are the check catalogue ``exercises/grading/checks/<name>.py``.
"""

import textwrap

from notebook_cells import (
    TEST_TOOLS,
    markdown,
    notebook,
    readonly_code,
    solution_code,
    test_cell,
    written_answer,
)

RULES = textwrap.dedent("""\
    **How this notebook is graded.** Write each function in the cell that holds
    its signature, replacing `raise NotImplementedError()`. Keep the name and the
    parameters; add functions of your own in the same cells if you like (code in cells
    you add is not graded). A function must not modify its arguments and must not
    print warnings for valid input. You may use NumPy, SciPy and `course_lib`, but
    not a library function that *is* the answer (`course_lib.sigmoid` as your
    `sigmoid`, `scipy.special.expit`, scikit-learn's estimators or metrics): such
    an answer gets no points and is reviewed by hand. After each function, a
    test cell runs a few *visible* tests: run it as you work. When the notebook is
    graded, the same cell runs *hidden* tests that compare your function with the
    course's reference implementation on many more inputs (random and awkward
    ones: tails, ties, scalars, shapes, integer arrays). Each function's points
    depend on that function alone: while it is tested, the other functions of the
    notebook are replaced by correct ones. The written answer at the end is graded
    by hand.

    Before you submit: *Kernel › Restart & Run All*, and check that every test cell
    prints that its visible tests passed (or run `nbgrader validate` on the file).
""")


def _intro(title, chapter, summary, points):
    return f"# {title}\n\n*In the book: {chapter}.* {summary}\n\n**Points:** {points}.\n\n{RULES}"


# ---------------------------------------------------------------------------
# ps1: the sigmoid and the binary cross-entropy
# ---------------------------------------------------------------------------

PS1 = "ps1_sigmoid_bce"


def ps1_sigmoid_bce():
    a = PS1
    return notebook([
        markdown(_intro(
            "Assignment 1: the sigmoid and the binary cross-entropy",
            "chapters 1 (the sigmoid and the decision boundary) and 2 (the binary cross-entropy)",
            "You will write the three functions every logistic-regression model is made "
            "of: the sigmoid, the loss, and the predicted probabilities.",
            "sigmoid 3, binary_cross_entropy 2, predict_proba 2, written answer 3 (total 10)",
        ), "intro"),
        readonly_code(TEST_TOOLS, "setup"),
        markdown(r"""
        ## 1. A sigmoid that never overflows

        The sigmoid maps a logit $z \in \mathbb{R}$ to a probability:

        $$\sigma(z) = \frac{1}{1 + e^{-z}} = \frac{e^{z}}{1 + e^{z}} .$$

        Written the first way, $e^{-z}$ overflows once $z < -709$ (NumPy then warns
        and returns `inf`); written the second way, $e^{z}$ overflows once $z > 709$.
        With $e = e^{-|z|} \in (0, 1]$, which never overflows,

        $$\sigma(z) = \begin{cases} \dfrac{1}{1 + e} & z \ge 0, \\[2ex]
        \dfrac{e}{1 + e} & z < 0. \end{cases}$$

        Write `sigmoid(z)` for a scalar or an array of any shape:

        * the result has the shape of `z` (a scalar for a scalar);
        * no `RuntimeWarning` for any finite input (careful: `np.where` evaluates
          *both* branches on every entry);
        * full relative precision in the tails: $\sigma(-40) \approx 4.25 \times
          10^{-18}$ must come out to all its digits, so no formula of the kind
          $1 - (\text{something close to } 1)$.
        """, "sigmoid-text"),
        solution_code('''
        def sigmoid(z):
            """Logistic sigmoid of a scalar or an array, without overflow.

            Parameters
            ----------
            z : float or numpy.ndarray
                Logits, any shape.

            Returns
            -------
            float or numpy.ndarray
                sigma(z), same shape as z.
            """
            ### BEGIN SOLUTION
            z = np.asarray(z, dtype=float)
            e = np.exp(-np.abs(z))
            out = np.where(z >= 0, 1.0 / (1.0 + e), e / (1.0 + e))
            return out[()]
            ### END SOLUTION
        ''', "sigmoid"),
        test_cell(a, "sigmoid", 3, """
        expect_close(sigmoid(0.0), 0.5, "sigmoid(0.0)")
        expect_close(sigmoid(np.array([-1.0, 0.0, 1.0])),
                     [1 / (1 + math.e), 0.5, math.e / (1 + math.e)], "sigmoid([-1, 0, 1])")
        tails = expect_no_warning(sigmoid, np.array([-1000.0, 1000.0]),
                                  what="sigmoid([-1000, 1000])")
        expect_close(tails, [0.0, 1.0], "sigmoid([-1000, 1000])")
        expect_close(sigmoid(-40.0), math.exp(-40) / (1 + math.exp(-40)),
                     "sigmoid(-40.0), which needs full relative precision", rtol=1e-9)
        expect_close(sigmoid(np.zeros((2, 3))), np.full((2, 3), 0.5), "sigmoid of a 2x3 array")
        """),
        markdown(r"""
        ## 2. The binary cross-entropy

        For labels $y_i \in \{0, 1\}$ and predicted probabilities $p_i$ of the
        label 1, the mean binary cross-entropy is the negative log-likelihood of
        Bernoulli labels divided by $n$:

        $$J = -\frac{1}{n} \sum_{i=1}^{n} \Bigl[ y_i \log \hat p_i
        + (1 - y_i) \log (1 - \hat p_i) \Bigr], \qquad
        \hat p_i = \operatorname{clip}\bigl(p_i,\ 10^{-15},\ 1 - 10^{-15}\bigr).$$

        Clipping keeps $\log 0$ out when a probability is exactly 0 or 1. Mind the
        sign of the second term: it is a *plus* inside the bracket.

        Write `binary_cross_entropy(y_true, y_prob)`, returning a float. `y_true`
        may hold integers or floats.
        """, "bce-text"),
        solution_code('''
        def binary_cross_entropy(y_true, y_prob):
            """Mean binary cross-entropy, probabilities clipped to [1e-15, 1 - 1e-15].

            Parameters
            ----------
            y_true : numpy.ndarray of shape (n,)
                Labels, each 0 or 1.
            y_prob : numpy.ndarray of shape (n,)
                Predicted probabilities of the label 1.

            Returns
            -------
            float
                The mean loss.
            """
            ### BEGIN SOLUTION
            y = np.asarray(y_true, dtype=float)
            p = np.clip(np.asarray(y_prob, dtype=float), 1e-15, 1 - 1e-15)
            return float(-np.mean(y * np.log(p) + (1 - y) * np.log1p(-p)))
            ### END SOLUTION
        ''', "binary_cross_entropy"),
        test_cell(a, "binary_cross_entropy", 2, """
        expect_close(binary_cross_entropy(np.array([1, 0]), np.array([0.5, 0.5])), math.log(2),
                     "binary_cross_entropy with p = 0.5 everywhere")
        expect_close(binary_cross_entropy(np.array([1, 0, 1]), np.array([0.9, 0.2, 0.6])),
                     -(math.log(0.9) + math.log(0.8) + math.log(0.6)) / 3,
                     "binary_cross_entropy of three samples")
        y_prob = np.array([0.0, 0.5])
        expect_close(binary_cross_entropy(np.array([1, 1]), y_prob),
                     -(math.log(1e-15) + math.log(0.5)) / 2,
                     "binary_cross_entropy when p = 0 for a label 1 (clip the probabilities)")
        expect_unchanged(np.array([0.0, 0.5]), y_prob, "y_prob")
        """),
        markdown(r"""
        ## 3. Predicted probabilities

        A logistic-regression model with weights $w \in \mathbb{R}^d$ and intercept
        $b$ predicts, for each row $x_i$ of the feature matrix $X \in
        \mathbb{R}^{n \times d}$,

        $$p_i = \sigma(x_i \cdot w + b), \qquad\text{that is}\qquad
        p = \sigma(Xw + b) \in (0, 1)^n .$$

        Write `predict_proba(X, w, b)`, returning an array of shape `(n,)` (not
        `(n, 1)`). Use your `sigmoid`.
        """, "predict-proba-text"),
        solution_code('''
        def predict_proba(X, w, b):
            """Probabilities of the label 1 under a logistic-regression model.

            Parameters
            ----------
            X : numpy.ndarray of shape (n, d)
                Features.
            w : numpy.ndarray of shape (d,)
                Weights.
            b : float
                Intercept.

            Returns
            -------
            numpy.ndarray of shape (n,)
                sigmoid(X @ w + b).
            """
            ### BEGIN SOLUTION
            return sigmoid(np.asarray(X, dtype=float) @ np.asarray(w, dtype=float) + b)
            ### END SOLUTION
        ''', "predict_proba"),
        test_cell(a, "predict_proba", 2, """
        X = np.array([[1.0, 2.0], [0.0, 0.0], [-1.0, 1.0]])
        p = predict_proba(X, np.array([0.5, -0.25]), 0.0)
        expect_close(p, [0.5, 0.5, 1 / (1 + math.exp(0.75))], "predict_proba with b = 0")
        expect_close(predict_proba(X[:2], np.zeros(2), 1.0), [1 / (1 + math.exp(-1))] * 2,
                     "predict_proba with w = 0 and b = 1")
        """),
        markdown(r"""
        ## 4. Written answer

        Why is the mean squared error $\frac{1}{n}\sum_i (\sigma(z_i) - y_i)^2$ a poor
        loss for logistic regression, and what does the binary cross-entropy do
        better? Answer in a few sentences; you may use the table of penalties for a
        true label 1 and predictions $0.01, \dots, 0.99$ from the book.
        """, "written-text"),
        written_answer(r"""
        With a sigmoid inside, the squared error is not a convex function of the
        weights: it has flat regions and can have several local minima, so gradient
        descent may stall. Its gradient carries the factor $\sigma'(z) =
        \sigma(z)(1-\sigma(z))$, which vanishes when the model is confidently *wrong*
        ($p \approx 0$ for $y = 1$), so the worst mistakes are corrected the slowest;
        and its penalty is bounded by 1 (for $y = 1$, $p = 0.01$ costs $0.98$).
        The binary cross-entropy is the negative log-likelihood of Bernoulli labels:
        it is convex in the weights, its gradient is simply $(p - y)\,x$, and its
        penalty $-\log p$ grows without bound as a confident prediction becomes
        wrong ($-\log 0.01 \approx 4.6$).
        """, "mse_vs_bce", 3),
    ])


PROVIDED_SIGMOID = '''
# Provided: a stable sigmoid (assignment 1) and the mean binary cross-entropy.
def sigmoid(z):
    """Logistic sigmoid without overflow, for a scalar or an array."""
    z = np.asarray(z, dtype=float)
    e = np.exp(-np.abs(z))
    return np.where(z >= 0, 1.0 / (1.0 + e), e / (1.0 + e))[()]


def mean_bce(y, p):
    """Mean binary cross-entropy of probabilities p, clipped to [1e-15, 1 - 1e-15]."""
    y = np.asarray(y, dtype=float)
    p = np.clip(np.asarray(p, dtype=float), 1e-15, 1 - 1e-15)
    return float(-np.mean(y * np.log(p) + (1 - y) * np.log1p(-p)))
'''


# ---------------------------------------------------------------------------
# ps2: the gradient, checked numerically, and gradient descent
# ---------------------------------------------------------------------------

PS2 = "ps2_gradient_descent"


def ps2_gradient_descent():
    a = PS2
    return notebook([
        markdown(_intro(
            "Assignment 2: the gradient and gradient descent",
            "chapters 3 (the gradient) and 4 (training)",
            "You will derive-and-code the gradient of the mean binary cross-entropy, "
            "check it against central differences, and train a model with it.",
            "bce_gradient 3, numerical_gradient 2, fit_gd 3, written answer 2 (total 10)",
        ), "intro"),
        readonly_code(TEST_TOOLS, "setup"),
        readonly_code(PROVIDED_SIGMOID, "provided"),
        markdown(r"""
        ## 1. The gradient of the mean binary cross-entropy

        With $p_i = \sigma(x_i \cdot w + b)$ and
        $J(w, b) = -\frac{1}{n}\sum_i \bigl[y_i \log p_i + (1-y_i)\log(1-p_i)\bigr]$,
        the chain rule through $\sigma'(z) = \sigma(z)(1 - \sigma(z))$ collapses to
        $\partial J / \partial z_i = (p_i - y_i)/n$, hence

        $$\nabla_w J = \frac{1}{n} X^\top (p - y), \qquad
        \frac{\partial J}{\partial b} = \frac{1}{n} \sum_{i=1}^{n} (p_i - y_i).$$

        Write `bce_gradient(X, y, w, b)` returning the tuple `(dw, db)`: `dw` of
        shape `(d,)` and `db` a float. The provided `sigmoid` is yours to use.
        """, "bce-gradient-text"),
        solution_code('''
        def bce_gradient(X, y, w, b):
            """Gradient of the mean binary cross-entropy with respect to w and b.

            Parameters
            ----------
            X : numpy.ndarray of shape (n, d)
            y : numpy.ndarray of shape (n,)
                Labels, each 0 or 1.
            w : numpy.ndarray of shape (d,)
            b : float

            Returns
            -------
            dw : numpy.ndarray of shape (d,)
            db : float
            """
            ### BEGIN SOLUTION
            X = np.asarray(X, dtype=float)
            residual = sigmoid(X @ np.asarray(w, dtype=float) + b) - np.asarray(y, dtype=float)
            return X.T @ residual / X.shape[0], float(np.mean(residual))
            ### END SOLUTION
        ''', "bce_gradient"),
        test_cell(a, "bce_gradient", 3, """
        X = np.array([[1.0, 2.0], [3.0, -1.0]])
        y = np.array([1, 0])
        dw, db = expect_tuple(bce_gradient(X, y, np.zeros(2), 0.0), 2, "bce_gradient")
        expect_close(dw, [0.5, -0.75], "dw at w = 0, b = 0")
        expect_close(db, 0.0, "db at w = 0, b = 0", atol=1e-12)
        r1 = 1 / (1 + math.exp(0.25)) - 1      # p - y of the first sample (z = -0.25)
        r2 = 1 / (1 + math.exp(-2.25))         # p - y of the second sample (z = 2.25)
        dw, db = bce_gradient(X, y, np.array([0.5, -0.5]), 0.25)
        expect_close(dw, [(r1 + 3 * r2) / 2, (2 * r1 - r2) / 2], "dw of two samples")
        expect_close(db, (r1 + r2) / 2, "db of two samples")
        """),
        markdown(r"""
        ## 2. Checking a gradient numerically

        A derivative can be estimated from two values of the function. For a
        scalar function $f$ of a vector $w$, the central difference along the unit
        vector $e_j$ is

        $$\frac{\partial f}{\partial w_j} \approx
        \frac{f(w + \varepsilon e_j) - f(w - \varepsilon e_j)}{2\varepsilon},$$

        whose error is $O(\varepsilon^2)$, against $O(\varepsilon)$ for the forward
        difference $\bigl(f(w + \varepsilon e_j) - f(w)\bigr)/\varepsilon$.

        Write `numerical_gradient(f, w, eps=1e-6)`: one central difference per
        entry of the 1-D array `w` (which may hold integers), with the step `eps`
        you are given. `w` must be left unchanged: work on a floating-point copy.
        """, "numerical-gradient-text"),
        solution_code('''
        def numerical_gradient(f, w, eps=1e-6):
            """Central-difference estimate of the gradient of a scalar function.

            Parameters
            ----------
            f : callable
                Maps a 1-D array to a float.
            w : numpy.ndarray of shape (d,)
                The point; not modified.
            eps : float, default=1e-6
                The step.

            Returns
            -------
            numpy.ndarray of shape (d,)
            """
            ### BEGIN SOLUTION
            w = np.array(w, dtype=float)
            grad = np.zeros_like(w)
            for j in range(w.size):
                step = np.zeros_like(w)
                step[j] = eps
                grad[j] = (f(w + step) - f(w - step)) / (2 * eps)
            return grad
            ### END SOLUTION
        ''', "numerical_gradient"),
        test_cell(a, "numerical_gradient", 2, """
        w = np.array([1.0, 2.0, 3.0])
        expect_close(numerical_gradient(lambda v: float(v @ v), w), [2.0, 4.0, 6.0],
                     "the numerical gradient of w @ w at [1, 2, 3]")
        expect_unchanged(np.array([1.0, 2.0, 3.0]), w, "w")
        expect_close(numerical_gradient(lambda v: float(np.sum(np.sin(v))), np.array([0.0, 1.0])),
                     [1.0, math.cos(1.0)], "the numerical gradient of sum(sin(w)) at [0, 1]")
        """),
        markdown(r"""
        ## 3. Gradient descent

        Full-batch gradient descent starts from $w = 0$, $b = 0$ and repeats, with
        a fixed learning rate $\eta$,

        $$w \leftarrow w - \eta\, \nabla_w J(w, b), \qquad
        b \leftarrow b - \eta\, \frac{\partial J}{\partial b}(w, b),$$

        both updates using the gradient at the *same* point. Write
        `fit_gd(X, y, learning_rate=0.1, n_iters=1000)` returning `(w, b, losses)`
        where `losses[i]` is the mean binary cross-entropy **after** update
        `i + 1` (so `len(losses) == n_iters`). Use your `bce_gradient`, and the
        provided `mean_bce` for the losses if you like.
        """, "fit-gd-text"),
        solution_code('''
        def fit_gd(X, y, learning_rate=0.1, n_iters=1000):
            """Logistic regression by full-batch gradient descent from zeros.

            Parameters
            ----------
            X : numpy.ndarray of shape (n, d)
            y : numpy.ndarray of shape (n,)
            learning_rate : float, default=0.1
            n_iters : int, default=1000

            Returns
            -------
            w : numpy.ndarray of shape (d,)
            b : float
            losses : numpy.ndarray of shape (n_iters,)
                Mean binary cross-entropy after each update.
            """
            ### BEGIN SOLUTION
            X = np.asarray(X, dtype=float)
            y = np.asarray(y, dtype=float)
            w, b = np.zeros(X.shape[1]), 0.0
            losses = []
            for _ in range(n_iters):
                dw, db = bce_gradient(X, y, w, b)
                w, b = w - learning_rate * dw, b - learning_rate * db
                losses.append(mean_bce(y, sigmoid(X @ w + b)))
            return w, b, np.array(losses)
            ### END SOLUTION
        ''', "fit_gd"),
        test_cell(a, "fit_gd", 3, """
        X = np.array([[0.0, 1.0], [1.0, -1.0], [2.0, 0.5], [-1.0, -2.0], [0.5, 0.5]])
        y = np.array([0, 1, 1, 0, 1])
        w, b, losses = expect_tuple(fit_gd(X, y, learning_rate=0.5, n_iters=2), 3, "fit_gd")
        expect_equal(np.shape(losses), (2,), "the shape of losses for n_iters=2")
        # two steps by hand, with your bce_gradient
        dw, db = bce_gradient(X, y, np.zeros(2), 0.0)
        w1, b1 = -0.5 * dw, -0.5 * db
        dw, db = bce_gradient(X, y, w1, b1)
        w2, b2 = w1 - 0.5 * dw, b1 - 0.5 * db
        expect_close(w, w2, "w after two steps")
        expect_close(b, b2, "b after two steps")
        expect_close(losses, [mean_bce(y, sigmoid(X @ w1 + b1)), mean_bce(y, sigmoid(X @ w2 + b2))],
                     "losses: the loss after each update")
        """),
        markdown(r"""
        ## 4. Written answer

        Why is the central difference more accurate than the forward difference,
        and why should the step be neither $\varepsilon = 10^{-2}$ nor
        $\varepsilon = 10^{-12}$? What relative error between `bce_gradient` and
        `numerical_gradient` would convince you that your gradient is right?
        """, "written-text"),
        written_answer(r"""
        Taylor expansion gives $f(w \pm \varepsilon e_j) = f \pm \varepsilon f'
        + \tfrac{\varepsilon^2}{2} f'' \pm \tfrac{\varepsilon^3}{6} f''' + \dots$;
        in the central difference the even terms cancel, leaving an error of order
        $\varepsilon^2 f'''/6$, whereas the forward difference keeps
        $\varepsilon f''/2$. A large step ($10^{-2}$) makes that truncation error
        visible; a tiny one ($10^{-12}$) subtracts two nearly equal floating-point
        numbers, so the rounding error, about $10^{-16}|f|/\varepsilon$, dominates.
        Around $10^{-6}$ the two balance for functions of order one. A relative
        error $\lVert g - \hat g\rVert / (\lVert g\rVert + \lVert \hat g\rVert)$ near
        $10^{-8}$ or smaller means the analytic gradient is right; $10^{-3}$ or more
        means a mistake (a missing $1/n$, a sign, a transposed product).
        """, "gradient_check_answer", 2),
    ])


# ---------------------------------------------------------------------------
# ps3: maximum likelihood and MAP
# ---------------------------------------------------------------------------

PS3 = "ps3_mle_map"


def ps3_mle_map():
    a = PS3
    return notebook([
        markdown(_intro(
            "Assignment 3: maximum likelihood and MAP estimation",
            "chapter 5 (maximum likelihood and MAP)",
            "You will write the negative log-likelihood of logistic regression, add a "
            "Gaussian prior on the weights, and find the maximum a posteriori estimate.",
            "neg_log_likelihood 2, map_objective 2, map_gradient 3, fit_map 3, "
            "written answer 2 (total 12)",
        ), "intro"),
        readonly_code(TEST_TOOLS, "setup"),
        readonly_code(PROVIDED_SIGMOID, "provided"),
        markdown(r"""
        ## 1. The negative log-likelihood

        Each label is a Bernoulli draw with $P(y_i = 1) = p_i = \sigma(x_i \cdot w + b)$,
        so the likelihood of the data is $\prod_i p_i^{y_i}(1-p_i)^{1-y_i}$ and

        $$\mathrm{NLL}(w, b) = -\sum_{i=1}^{n}
        \bigl[ y_i \log p_i + (1 - y_i) \log(1 - p_i) \bigr],$$

        the **sum** (not the mean) of the per-sample binary cross-entropies.
        Write `neg_log_likelihood(X, y, w, b)` returning a float. A stable way:
        $-\log \sigma(z) = \log(1 + e^{-z})$ is `np.logaddexp(0, -z)`.
        """, "nll-text"),
        solution_code('''
        def neg_log_likelihood(X, y, w, b):
            """Negative log-likelihood: the sum of the per-sample binary cross-entropies.

            Parameters
            ----------
            X : numpy.ndarray of shape (n, d)
            y : numpy.ndarray of shape (n,)
            w : numpy.ndarray of shape (d,)
            b : float

            Returns
            -------
            float
            """
            ### BEGIN SOLUTION
            z = np.asarray(X, dtype=float) @ np.asarray(w, dtype=float) + b
            y = np.asarray(y, dtype=float)
            return float(np.sum(y * np.logaddexp(0, -z) + (1 - y) * np.logaddexp(0, z)))
            ### END SOLUTION
        ''', "neg_log_likelihood"),
        test_cell(a, "neg_log_likelihood", 2, """
        X = np.array([[1.0, 2.0], [-1.0, 0.5], [0.0, -1.0]])
        y = np.array([1, 0, 0])
        expect_close(neg_log_likelihood(X, y, np.zeros(2), 0.0), 3 * math.log(2),
                     "neg_log_likelihood at w = 0, b = 0")
        # logits z = X @ [0.5, -1] + 0.5 = [-1, -0.5, 1.5]
        expected = (math.log1p(math.exp(1.0)) + math.log1p(math.exp(-0.5))
                    + math.log1p(math.exp(1.5)))
        expect_close(neg_log_likelihood(X, y, np.array([0.5, -1.0]), 0.5), expected,
                     "neg_log_likelihood of three samples")
        """),
        markdown(r"""
        ## 2. A Gaussian prior: the MAP objective

        Put the prior $w \sim \mathcal{N}(0, C\, I)$ on the weights (variance $C$) and
        a flat prior on the intercept. By Bayes' rule the negative log-posterior is,
        up to a constant,

        $$F(w, b) = \mathrm{NLL}(w, b) + \frac{\lVert w \rVert^2}{2C} .$$

        This is L2-regularised logistic regression, with scikit-learn's `C` (the
        inverse of the regularisation strength $\lambda$). The intercept is **not**
        penalised. Write `map_objective(X, y, w, b, C)`.
        """, "map-objective-text"),
        solution_code('''
        def map_objective(X, y, w, b, C):
            """Negative log-posterior under the prior w ~ N(0, C I): NLL + ||w||^2 / (2C)."""
            ### BEGIN SOLUTION
            w = np.asarray(w, dtype=float)
            return neg_log_likelihood(X, y, w, b) + float(w @ w) / (2 * C)
            ### END SOLUTION
        ''', "map_objective"),
        test_cell(a, "map_objective", 2, """
        X = np.array([[1.0, 2.0], [-1.0, 0.5], [0.0, -1.0]])
        y = np.array([1, 0, 0])
        expect_close(map_objective(X, y, np.zeros(2), 0.0, 2.0), 3 * math.log(2),
                     "map_objective at w = 0 (no penalty)")
        nll = math.log1p(math.exp(1.0)) + math.log1p(math.exp(-0.5)) + math.log1p(math.exp(1.5))
        expect_close(map_objective(X, y, np.array([0.5, -1.0]), 0.5, 2.0), nll + 1.25 / 4,
                     "map_objective with C = 2")
        """),
        markdown(r"""
        ## 3. The gradient of the MAP objective

        Summing (not averaging) the per-sample gradients of assignment 2 and
        adding the derivative of the penalty,

        $$\nabla_w F = X^\top (p - y) + \frac{w}{C}, \qquad
        \frac{\partial F}{\partial b} = \sum_{i=1}^{n} (p_i - y_i).$$

        Write `map_gradient(X, y, w, b, C)` returning `(dw, db)`.
        """, "map-gradient-text"),
        solution_code('''
        def map_gradient(X, y, w, b, C):
            """Gradient (dw, db) of map_objective."""
            ### BEGIN SOLUTION
            X = np.asarray(X, dtype=float)
            w = np.asarray(w, dtype=float)
            residual = sigmoid(X @ w + b) - np.asarray(y, dtype=float)
            return X.T @ residual + w / C, float(np.sum(residual))
            ### END SOLUTION
        ''', "map_gradient"),
        test_cell(a, "map_gradient", 3, """
        X = np.array([[1.0, 2.0], [-1.0, 0.5], [0.0, -1.0]])
        y = np.array([1, 0, 0])
        dw, db = expect_tuple(map_gradient(X, y, np.zeros(2), 0.0, 2.0), 2, "map_gradient")
        expect_close(dw, [-1.0, -1.25], "dw at w = 0, b = 0")
        expect_close(db, 0.5, "db at w = 0, b = 0")
        p = np.array([1 / (1 + math.exp(-z)) for z in (-1.0, -0.5, 1.5)])
        dw, db = map_gradient(X, y, np.array([0.5, -1.0]), 0.5, 2.0)
        expect_close(dw, X.T @ (p - y) + np.array([0.5, -1.0]) / 2.0, "dw with C = 2")
        expect_close(db, np.sum(p - y), "db with C = 2")
        """),
        markdown(r"""
        ## 4. The MAP estimate

        $F$ is strictly convex in $w$ (for finite $C$), so it has one minimiser,
        the MAP estimate. Write `fit_map(X, y, C)` returning `(w, b)`, found **by
        any method** you like: gradient descent run to convergence, Newton's method
        (the Hessian is $\tilde X^\top \operatorname{diag}(p_i(1-p_i)) \tilde X$ with
        $\tilde X = [X, \mathbf 1]$, plus $1/C$ on the diagonal entries of $w$), or
        `scipy.optimize.minimize` with `jac=True` and a tight tolerance. It is
        graded to 5 significant digits, so stop only once the gradient is tiny
        (say below $10^{-8}$).
        """, "fit-map-text"),
        solution_code('''
        def fit_map(X, y, C):
            """MAP estimate (w, b) of logistic regression with the prior w ~ N(0, C I)."""
            ### BEGIN SOLUTION
            X = np.asarray(X, dtype=float)
            y = np.asarray(y, dtype=float)
            n, d = X.shape
            Xt = np.hstack([X, np.ones((n, 1))])
            theta = np.zeros(d + 1)
            for _ in range(100):  # Newton's method
                dw, db = map_gradient(X, y, theta[:d], theta[d], C)
                grad = np.append(dw, db)
                if np.max(np.abs(grad)) < 1e-10:
                    break
                p = sigmoid(Xt @ theta)
                hessian = (Xt * (p * (1 - p))[:, None]).T @ Xt
                hessian[:d, :d] += np.eye(d) / C
                theta = theta - np.linalg.solve(hessian, grad)
            return theta[:d], float(theta[d])
            ### END SOLUTION
        ''', "fit_map"),
        test_cell(a, "fit_map", 3, """
        X = np.array([[1.0, 2.0], [-1.0, 0.5], [0.0, -1.0]])
        y = np.array([1, 0, 0])
        w, b = expect_tuple(fit_map(X, y, 1.0), 2, "fit_map")
        expect_equal(np.shape(w), (2,), "the shape of w")
        dw, db = map_gradient(X, y, w, b, 1.0)
        expect_close(np.append(dw, db), np.zeros(3), "the gradient at the MAP estimate", atol=1e-8)
        """),
        markdown(r"""
        ## 5. Written answer

        Explain why the penalty $\lVert w\rVert^2/(2C)$ is a Gaussian prior
        $\mathcal N(0, C I)$, why the intercept is left unpenalised, and what
        happens to the MAP estimate as $C \to 0$ and as $C \to \infty$, in
        particular on perfectly separable data.
        """, "written-text"),
        written_answer(r"""
        The Gaussian density is $p(w) \propto \exp(-\lVert w\rVert^2 / (2C))$, so
        $-\log p(w) = \lVert w\rVert^2/(2C)$ + const, and minimising
        $\mathrm{NLL} - \log p(w)$ maximises the posterior. The intercept only
        sets the base rate (the log-odds when every feature is zero, i.e. at
        their mean for standardised features); shrinking it towards 0 would bias
        the predicted proportion of positives towards one half, so it gets a flat
        prior. As $C \to 0$ the prior dominates: $w \to 0$ and the model predicts
        the base rate everywhere (underfitting). As $C \to \infty$ the prior
        vanishes and the MAP estimate tends to the maximum-likelihood one; on
        perfectly separable data that one does not exist (the likelihood keeps
        rising as $\lVert w\rVert \to \infty$), while any finite $C$ keeps the
        weights finite.
        """, "prior_answer", 2),
    ])


# ---------------------------------------------------------------------------
# ps4: softmax regression
# ---------------------------------------------------------------------------

PS4 = "ps4_softmax"


def ps4_softmax():
    a = PS4
    return notebook([
        markdown(_intro(
            "Assignment 4: softmax regression",
            "chapter 7 (softmax regression)",
            "You will build multinomial logistic regression: the softmax, one-hot "
            "labels, the categorical cross-entropy, its gradient and a training loop.",
            "softmax 2, one_hot 1, cross_entropy 2, softmax_gradient 3, fit_softmax 3, "
            "written answer 2 (total 13)",
        ), "intro"),
        readonly_code(TEST_TOOLS, "setup"),
        markdown(r"""
        ## 1. A stable softmax

        For a row of logits $z \in \mathbb{R}^K$,

        $$\operatorname{softmax}(z)_k = \frac{e^{z_k}}{\sum_j e^{z_j}}
        = \frac{e^{z_k - m}}{\sum_j e^{z_j - m}}, \qquad m = \max_j z_j ;$$

        subtracting the row's maximum changes nothing mathematically and keeps
        every exponent $\le 0$, so nothing overflows. Write `softmax(Z)` for a 2-D
        array `Z` of shape `(n, K)`, applied to **each row**.
        """, "softmax-text"),
        solution_code('''
        def softmax(Z):
            """Row-wise softmax of an (n, K) array, stable for huge logits."""
            ### BEGIN SOLUTION
            Z = np.asarray(Z, dtype=float)
            e = np.exp(Z - Z.max(axis=1, keepdims=True))
            return e / e.sum(axis=1, keepdims=True)
            ### END SOLUTION
        ''', "softmax"),
        test_cell(a, "softmax", 2, """
        expect_close(softmax(np.array([[0.0, 0.0], [1.0, 2.0]])),
                     [[0.5, 0.5], [1 / (1 + math.e), math.e / (1 + math.e)]], "softmax of two rows")
        expect_close(softmax(np.array([[1000.0, 0.0, -1000.0]])), [[1.0, 0.0, 0.0]],
                     "softmax of huge logits")
        row = np.exp([1.0, 2.0, 3.0]) / np.sum(np.exp([1.0, 2.0, 3.0]))
        expect_close(softmax(np.array([[1.0, 2.0, 3.0], [101.0, 102.0, 103.0]])), [row, row],
                     "softmax of rows shifted by a constant (normalise each row)")
        """),
        markdown(r"""
        ## 2. One-hot labels

        Labels $y_i \in \{0, \dots, K-1\}$ become the rows of $Y \in \{0,1\}^{n \times K}$
        with $Y_{ik} = 1$ exactly when $y_i = k$. Write `one_hot(y, n_classes)`;
        `n_classes` may exceed the largest label plus one.
        """, "one-hot-text"),
        solution_code('''
        def one_hot(y, n_classes):
            """One-hot encoding, shape (n, n_classes)."""
            ### BEGIN SOLUTION
            y = np.asarray(y, dtype=int)
            Y = np.zeros((y.shape[0], n_classes))
            Y[np.arange(y.shape[0]), y] = 1.0
            return Y
            ### END SOLUTION
        ''', "one_hot"),
        test_cell(a, "one_hot", 1, """
        expect_equal(one_hot(np.array([0, 2, 1]), 3), [[1, 0, 0], [0, 0, 1], [0, 1, 0]],
                     "one_hot([0, 2, 1], 3)")
        expect_equal(one_hot(np.array([1, 1]), 4), [[0, 1, 0, 0], [0, 1, 0, 0]],
                     "one_hot([1, 1], 4)")
        """),
        markdown(r"""
        ## 3. The categorical cross-entropy

        $$J = -\frac{1}{n} \sum_{i=1}^{n} \sum_{k=1}^{K} Y_{ik} \log \hat P_{ik},
        \qquad \hat P = \max(P, 10^{-15}),$$

        the mean over **samples** (not over all $nK$ entries). Clipping keeps
        $\log 0$ out; note that $0 \cdot \log 0$ is `nan` in floating point. Write
        `cross_entropy(Y, P)` for one-hot `Y` and probabilities `P`, both `(n, K)`.
        """, "cross-entropy-text"),
        solution_code('''
        def cross_entropy(Y, P):
            """Mean categorical cross-entropy of one-hot Y under probabilities P."""
            ### BEGIN SOLUTION
            P = np.clip(np.asarray(P, dtype=float), 1e-15, 1.0)
            return float(-np.mean(np.sum(np.asarray(Y, dtype=float) * np.log(P), axis=1)))
            ### END SOLUTION
        ''', "cross_entropy"),
        test_cell(a, "cross_entropy", 2, """
        expect_close(cross_entropy(np.array([[1, 0], [0, 1]]), np.array([[0.5, 0.5], [0.2, 0.8]])),
                     -(math.log(0.5) + math.log(0.8)) / 2, "cross_entropy of two samples")
        expect_close(cross_entropy(np.array([[0, 1, 0]]), np.array([[0.5, 0.0, 0.5]])),
                     -math.log(1e-15), "cross_entropy with probability 0 for the true class")
        """),
        markdown(r"""
        ## 4. The gradient

        With $P = \operatorname{softmax}(XW + \mathbf 1 b^\top)$ for weights
        $W \in \mathbb{R}^{d \times K}$ (one column per class) and intercepts
        $b \in \mathbb{R}^K$, the mean cross-entropy has the same gradient as the
        binary case, one column per class:

        $$\nabla_W J = \frac{1}{n} X^\top (P - Y), \qquad
        \nabla_b J = \frac{1}{n} \sum_{i=1}^{n} (P_{i\cdot} - Y_{i\cdot}).$$

        Write `softmax_gradient(X, Y, W, b)` returning `(dW, db)` with shapes
        `(d, K)` and `(K,)`.
        """, "softmax-gradient-text"),
        solution_code('''
        def softmax_gradient(X, Y, W, b):
            """Gradient (dW, db) of the mean cross-entropy for logits X @ W + b."""
            ### BEGIN SOLUTION
            X = np.asarray(X, dtype=float)
            residual = softmax(X @ np.asarray(W, dtype=float) + b) - np.asarray(Y, dtype=float)
            return X.T @ residual / X.shape[0], residual.mean(axis=0)
            ### END SOLUTION
        ''', "softmax_gradient"),
        test_cell(a, "softmax_gradient", 3, """
        X = np.array([[1.0, 2.0], [0.0, -1.0]])
        Y = np.eye(3)[[0, 2]]
        dW, db = expect_tuple(softmax_gradient(X, Y, np.zeros((2, 3)), np.zeros(3)), 2,
                              "softmax_gradient")
        R = np.full((2, 3), 1 / 3) - Y          # P - Y at W = 0, b = 0
        expect_close(dW, X.T @ R / 2, "dW at W = 0, b = 0")
        expect_close(db, R.mean(axis=0), "db at W = 0, b = 0", atol=1e-12)
        """),
        markdown(r"""
        ## 5. Training

        Write `fit_softmax(X, y, learning_rate=0.5, n_iters=500)` for integer
        labels $0, \dots, K-1$ ($K$ = the largest label plus one): full-batch
        gradient descent from $W = 0$, $b = 0$, without a penalty, returning
        `(W, b, losses)` with `losses[i]` the mean cross-entropy **after** update
        `i + 1`.
        """, "fit-softmax-text"),
        solution_code('''
        def fit_softmax(X, y, learning_rate=0.5, n_iters=500):
            """Softmax regression by full-batch gradient descent from zeros."""
            ### BEGIN SOLUTION
            X = np.asarray(X, dtype=float)
            y = np.asarray(y, dtype=int)
            Y = one_hot(y, int(y.max()) + 1)
            W, b = np.zeros((X.shape[1], Y.shape[1])), np.zeros(Y.shape[1])
            losses = []
            for _ in range(n_iters):
                dW, db = softmax_gradient(X, Y, W, b)
                W, b = W - learning_rate * dW, b - learning_rate * db
                losses.append(cross_entropy(Y, softmax(X @ W + b)))
            return W, b, np.array(losses)
            ### END SOLUTION
        ''', "fit_softmax"),
        test_cell(a, "fit_softmax", 3, """
        X = np.array([[0.0, 1.0], [1.0, 0.0], [-1.0, -1.0], [0.5, 1.5], [2.0, 0.5], [-1.5, -0.5]])
        y = np.array([0, 1, 2, 0, 1, 2])
        W, b, losses = expect_tuple(fit_softmax(X, y, learning_rate=0.5, n_iters=2), 3,
                                    "fit_softmax")
        expect_equal(np.shape(W), (2, 3), "the shape of W")
        expect_equal(np.shape(losses), (2,), "the shape of losses for n_iters=2")
        # two steps by hand, with your one_hot, softmax_gradient, softmax and cross_entropy
        Y = one_hot(y, 3)
        dW, db = softmax_gradient(X, Y, np.zeros((2, 3)), np.zeros(3))
        W1, b1 = -0.5 * dW, -0.5 * db
        dW, db = softmax_gradient(X, Y, W1, b1)
        W2, b2 = W1 - 0.5 * dW, b1 - 0.5 * db
        expect_close(W, W2, "W after two steps")
        expect_close(b, b2, "b after two steps", atol=1e-12)
        expect_close(losses, [cross_entropy(Y, softmax(X @ W1 + b1)),
                              cross_entropy(Y, softmax(X @ W2 + b2))],
                     "losses: the loss after each update")
        """),
        markdown(r"""
        ## 6. Written answer

        Show that for $K = 2$ softmax regression is logistic regression: what is
        $\operatorname{softmax}(z_0, z_1)_1$ in terms of the sigmoid? Adding the same
        vector to every column of $W$ does not change any prediction: why, and
        why does gradient descent from zero still return one definite answer?
        """, "written-text"),
        written_answer(r"""
        Dividing numerator and denominator by $e^{z_1}$,
        $\operatorname{softmax}(z_0, z_1)_1 = e^{z_1}/(e^{z_0} + e^{z_1})
        = 1/(1 + e^{-(z_1 - z_0)}) = \sigma(z_1 - z_0)$: a logistic regression with
        weights $w_1 - w_0$ and intercept $b_1 - b_0$. Adding a vector $v$ to every
        column adds $x \cdot v$ to every logit of a row, and the softmax is
        invariant to adding a constant to a row, so the likelihood has a whole
        line (a subspace) of minimisers: the parameters are not identifiable.
        Gradient descent from zero stays in the subspace where the columns sum
        to zero, because every gradient $X^\top(P - Y)$ has rows summing to zero
        ($P$ and $Y$ both have rows summing to one); within that subspace the
        answer is unique.
        """, "softmax_answer", 2),
    ])


# ---------------------------------------------------------------------------
# ps5: ROC curves and decision thresholds
# ---------------------------------------------------------------------------

PS5 = "ps5_roc_threshold"


def ps5_roc_threshold():
    a = PS5
    return notebook([
        markdown(_intro(
            "Assignment 5: ROC curves and decision thresholds",
            "chapters 8 (ROC curves and AUC) and 9 (choosing a threshold)",
            "You will count the four kinds of decisions, trace the exact ROC curve, "
            "measure the area under it and choose the threshold that maximises F1.",
            "confusion_counts 2, roc_curve 3, roc_auc 2, best_f1_threshold 3, "
            "written answer 2 (total 12)",
        ), "intro"),
        readonly_code(TEST_TOOLS, "setup"),
        markdown(r"""
        ## 1. Confusion counts

        For labels $y_i$ and predictions $\hat y_i$, both 0 or 1:
        $\mathrm{TP} = \#\{y_i = 1, \hat y_i = 1\}$,
        $\mathrm{FP} = \#\{y_i = 0, \hat y_i = 1\}$,
        $\mathrm{FN} = \#\{y_i = 1, \hat y_i = 0\}$,
        $\mathrm{TN} = \#\{y_i = 0, \hat y_i = 0\}$.
        Write `confusion_counts(y_true, y_pred)` returning `(tp, fp, fn, tn)`, in
        that order, as integers.
        """, "confusion-text"),
        solution_code('''
        def confusion_counts(y_true, y_pred):
            """(tp, fp, fn, tn) of 0/1 predictions."""
            ### BEGIN SOLUTION
            actual = np.asarray(y_true) == 1
            predicted = np.asarray(y_pred) == 1
            tp = int(np.sum(actual & predicted))
            fp = int(np.sum(~actual & predicted))
            fn = int(np.sum(actual & ~predicted))
            tn = int(np.sum(~actual & ~predicted))
            return tp, fp, fn, tn
            ### END SOLUTION
        ''', "confusion_counts"),
        test_cell(a, "confusion_counts", 2, """
        counts = confusion_counts(np.array([1, 0, 1, 1, 0]), np.array([1, 1, 0, 1, 0]))
        expect_equal(tuple(expect_tuple(counts, 4, "confusion_counts")), (2, 1, 1, 1),
                     "(tp, fp, fn, tn)")
        """),
        markdown(r"""
        ## 2. The exact ROC curve

        Predicting 1 when the score is at least a threshold $t$ gives the rates
        $\mathrm{TPR}(t) = \mathrm{TP}/n_+$ and $\mathrm{FPR}(t) = \mathrm{FP}/n_-$.
        The exact curve uses every threshold that changes a decision: $+\infty$
        (nothing predicted positive: the point $(0, 0)$) followed by the **distinct**
        scores in **decreasing** order (the last one gives $(1, 1)$). Tied scores
        change several decisions at once, so the curve moves diagonally there.

        Write `roc_curve(y_true, y_score)` returning `(fpr, tpr, thresholds)`, three
        arrays of the same length, `thresholds[0] == np.inf`, each point being the
        rates of the rule `y_score >= threshold`. (No fixed grid of thresholds: the
        curve must be exact.) Both classes are present in `y_true`.
        """, "roc-text"),
        solution_code('''
        def roc_curve(y_true, y_score):
            """Exact ROC curve: (fpr, tpr, thresholds), thresholds = [inf, distinct scores desc]."""
            ### BEGIN SOLUTION
            actual = np.asarray(y_true) == 1
            scores = np.asarray(y_score, dtype=float)
            thresholds = np.r_[np.inf, np.unique(scores)[::-1]]
            tpr = np.array([np.sum(actual & (scores >= t)) for t in thresholds]) / np.sum(actual)
            fpr = np.array([np.sum(~actual & (scores >= t)) for t in thresholds]) / np.sum(~actual)
            return fpr, tpr, thresholds
            ### END SOLUTION
        ''', "roc_curve"),
        test_cell(a, "roc_curve", 3, """
        fpr, tpr, thresholds = expect_tuple(
            roc_curve(np.array([0, 0, 1, 1]), np.array([0.1, 0.4, 0.35, 0.8])), 3, "roc_curve")
        expect_equal(thresholds, [np.inf, 0.8, 0.4, 0.35, 0.1], "thresholds")
        expect_close(tpr, [0.0, 0.5, 0.5, 1.0, 1.0], "tpr")
        expect_close(fpr, [0.0, 0.0, 0.5, 0.5, 1.0], "fpr")
        fpr, tpr, thresholds = roc_curve(np.array([0, 1, 0, 1]), np.array([0.5, 0.5, 0.2, 0.9]))
        expect_equal(thresholds, [np.inf, 0.9, 0.5, 0.2], "thresholds with a tie")
        expect_close(tpr, [0.0, 0.5, 1.0, 1.0], "tpr with a tie")
        expect_close(fpr, [0.0, 0.0, 0.5, 1.0], "fpr with a tie")
        """),
        markdown(r"""
        ## 3. The area under the curve

        Write `roc_auc(y_true, y_score)`: the area under your ROC curve by the
        trapezoid rule,

        $$\mathrm{AUC} = \sum_{k} (\mathrm{FPR}_{k+1} - \mathrm{FPR}_k)\,
        \frac{\mathrm{TPR}_k + \mathrm{TPR}_{k+1}}{2} .$$

        (It equals the probability that a random positive scores above a random
        negative, ties counting one half.)
        """, "auc-text"),
        solution_code('''
        def roc_auc(y_true, y_score):
            """Area under the exact ROC curve, by the trapezoid rule."""
            ### BEGIN SOLUTION
            fpr, tpr, _ = roc_curve(y_true, y_score)
            return float(np.sum(np.diff(fpr) * (tpr[1:] + tpr[:-1]) / 2))
            ### END SOLUTION
        ''', "roc_auc"),
        test_cell(a, "roc_auc", 2, """
        expect_close(roc_auc(np.array([0, 0, 1, 1]), np.array([0.1, 0.4, 0.35, 0.8])), 0.75,
                     "roc_auc of four scores")
        expect_close(roc_auc(np.array([0, 1, 0, 1]), np.array([0.5, 0.5, 0.2, 0.9])), 0.875,
                     "roc_auc with a tie (a diagonal step)")
        """),
        markdown(r"""
        ## 4. The threshold that maximises F1

        $$F_1 = \frac{2\,\mathrm{TP}}{2\,\mathrm{TP} + \mathrm{FP} + \mathrm{FN}}$$

        (0 when there is no true positive). Write `best_f1_threshold(y_true, y_prob)`:
        among the **distinct values** of `y_prob`, the threshold $t$ whose rule
        `y_prob >= t` has the largest $F_1$; when several tie, return the **largest**
        of them (the fewest positive predictions). Compute $F_1$ from the counts as
        above, so that equal values compare equal.
        """, "f1-text"),
        solution_code('''
        def best_f1_threshold(y_true, y_prob):
            """The distinct probability t maximising F1 of y_prob >= t; ties to the largest t."""
            ### BEGIN SOLUTION
            probs = np.asarray(y_prob, dtype=float)
            best_t, best_f1 = None, -1.0
            for t in np.unique(probs):  # increasing, so ">=" keeps the largest of ties
                tp, fp, fn, _ = confusion_counts(y_true, (probs >= t).astype(int))
                f1 = 2 * tp / (2 * tp + fp + fn) if tp > 0 else 0.0
                if f1 >= best_f1:
                    best_t, best_f1 = t, f1
            return float(best_t)
            ### END SOLUTION
        ''', "best_f1_threshold"),
        test_cell(a, "best_f1_threshold", 3, """
        y = np.array([0, 1, 1, 0, 1])
        p = np.array([0.2, 0.9, 0.6, 0.7, 0.3])
        expect_close(best_f1_threshold(y, p), 0.3, "best_f1_threshold of five samples")
        y = np.array([0, 0, 1, 0, 0, 0, 1, 0])
        p = np.array([0.6, 0.9, 0.3, 0.4, 0.4, 0.7, 0.8, 0.9])
        expect_close(best_f1_threshold(y, p), 0.8,
                     "best_f1_threshold when 0.3 and 0.8 tie (F1 = 0.4): take the largest")
        """),
        markdown(r"""
        ## 5. Written answer

        A screening test for a serious but treatable disease: would you use the
        threshold that maximises $F_1$? Discuss what a false negative and a false
        positive cost here, why neither accuracy nor the AUC chooses a threshold,
        and how you would choose one.
        """, "written-text"),
        written_answer(r"""
        $F_1$ weighs false positives and false negatives equally (and ignores true
        negatives); in screening a missed case (false negative) can cost a life,
        while a false positive costs a follow-up test and some worry, so the
        threshold should be lower than the F1-optimal one, trading precision for
        recall. Accuracy is dominated by the majority class when the disease is
        rare (predicting "healthy" for everyone can score 99 %), and the AUC
        summarises the ranking over *all* thresholds, so it cannot pick one. I
        would assign costs to the two errors and choose the threshold that
        minimises the expected cost on validation data (for calibrated
        probabilities, about $c_{FP}/(c_{FP} + c_{FN})$), or fix the recall
        required (say 95 %) and take the largest threshold that reaches it.
        """, "threshold_answer", 2),
    ])


ASSIGNMENTS = {
    PS1: ps1_sigmoid_bce,
    PS2: ps2_gradient_descent,
    PS3: ps3_mle_map,
    PS4: ps4_softmax,
    PS5: ps5_roc_threshold,
}
