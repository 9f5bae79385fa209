"""Learner solutions for the grading tests: plausible mistakes, and correct answers
written differently from the reference.

``MISTAKES[assignment][function]`` maps a short name to the source of a wrong
``def``; every one must lose that function's points. ``ALTERNATIVES`` holds one
correct ``def`` per function, unlike the reference, which must get full marks.
"""

MISTAKES = {
    "ps1_sigmoid_bce": {
        "sigmoid": {
            "naive formula (overflows)": """
                def sigmoid(z):
                    return 1 / (1 + np.exp(-np.asarray(z, dtype=float)))
            """,
            "tanh form (loses the tails)": """
                def sigmoid(z):
                    return 0.5 * (1 + np.tanh(np.asarray(z, dtype=float) / 2))
            """,
            "np.where on two overflowing branches": """
                def sigmoid(z):
                    z = np.asarray(z, dtype=float)
                    return np.where(z >= 0, 1 / (1 + np.exp(-z)), np.exp(z) / (1 + np.exp(z)))[()]
            """,
            "1 - sigmoid(-z) in the negative tail": """
                def sigmoid(z):
                    z = np.asarray(z, dtype=float)
                    e = np.exp(-np.abs(z))
                    return np.where(z >= 0, 1 / (1 + e), 1 - 1 / (1 + e))[()]
            """,
            "always returns an array": """
                def sigmoid(z):
                    z = np.atleast_1d(np.asarray(z, dtype=float))
                    e = np.exp(-np.abs(z))
                    return np.where(z >= 0, 1 / (1 + e), e / (1 + e))
            """,
            "clips the logits to [-500, 500]": """
                def sigmoid(z):
                    z = np.clip(np.asarray(z, dtype=float), -500, 500)
                    return 1 / (1 + np.exp(-z))
            """,
        },
        "binary_cross_entropy": {
            "no clipping": """
                def binary_cross_entropy(y_true, y_prob):
                    y, p = np.asarray(y_true, dtype=float), np.asarray(y_prob, dtype=float)
                    return float(-np.mean(y * np.log(p) + (1 - y) * np.log(1 - p)))
            """,
            "sign error in the second term": """
                def binary_cross_entropy(y_true, y_prob):
                    y = np.asarray(y_true, dtype=float)
                    p = np.clip(y_prob, 1e-15, 1 - 1e-15)
                    return float(-np.mean(y * np.log(p) - (1 - y) * np.log(1 - p)))
            """,
            "sum instead of mean": """
                def binary_cross_entropy(y_true, y_prob):
                    y = np.asarray(y_true, dtype=float)
                    p = np.clip(y_prob, 1e-15, 1 - 1e-15)
                    return float(-np.sum(y * np.log(p) + (1 - y) * np.log(1 - p)))
            """,
            "clips at 1e-7": """
                def binary_cross_entropy(y_true, y_prob):
                    y = np.asarray(y_true, dtype=float)
                    p = np.clip(y_prob, 1e-7, 1 - 1e-7)
                    return float(-np.mean(y * np.log(p) + (1 - y) * np.log(1 - p)))
            """,
            "clips y_prob in place": """
                def binary_cross_entropy(y_true, y_prob):
                    y = np.asarray(y_true, dtype=float)
                    np.clip(y_prob, 1e-15, 1 - 1e-15, out=y_prob)
                    return float(-np.mean(y * np.log(y_prob) + (1 - y) * np.log(1 - y_prob)))
            """,
        },
        "predict_proba": {
            "forgets the intercept": """
                def predict_proba(X, w, b):
                    return sigmoid(X @ w)
            """,
            "returns a column": """
                def predict_proba(X, w, b):
                    return sigmoid(X @ w + b).reshape(-1, 1)
            """,
            "sign error": """
                def predict_proba(X, w, b):
                    return sigmoid(-(X @ w + b))
            """,
            "adds the intercept after the sigmoid": """
                def predict_proba(X, w, b):
                    return sigmoid(X @ w) + b
            """,
        },
    },
    "ps2_gradient_descent": {
        "bce_gradient": {
            "no 1/n": """
                def bce_gradient(X, y, w, b):
                    r = sigmoid(X @ w + b) - y
                    return X.T @ r, float(np.mean(r))
            """,
            "sign error": """
                def bce_gradient(X, y, w, b):
                    r = y - sigmoid(X @ w + b)
                    return X.T @ r / len(y), float(np.mean(r))
            """,
            "forgets the sigmoid": """
                def bce_gradient(X, y, w, b):
                    r = X @ w + b - y
                    return X.T @ r / len(y), float(np.mean(r))
            """,
            "db summed": """
                def bce_gradient(X, y, w, b):
                    r = sigmoid(X @ w + b) - y
                    return X.T @ r / len(y), float(np.sum(r))
            """,
            "wrong axis": """
                def bce_gradient(X, y, w, b):
                    r = sigmoid(X @ w + b) - y
                    return (X * r[:, None]).mean(axis=1), float(np.mean(r))
            """,
        },
        "numerical_gradient": {
            "forward difference": """
                def numerical_gradient(f, w, eps=1e-6):
                    w = np.array(w, dtype=float)
                    g = np.zeros_like(w)
                    for j in range(w.size):
                        e = np.zeros_like(w)
                        e[j] = eps
                        g[j] = (f(w + e) - f(w)) / eps
                    return g
            """,
            "divides by eps, not 2 eps": """
                def numerical_gradient(f, w, eps=1e-6):
                    w = np.array(w, dtype=float)
                    g = np.zeros_like(w)
                    for j in range(w.size):
                        e = np.zeros_like(w)
                        e[j] = eps
                        g[j] = (f(w + e) - f(w - e)) / eps
                    return g
            """,
            "modifies w and does not restore it": """
                def numerical_gradient(f, w, eps=1e-6):
                    g = np.zeros(len(w))
                    for j in range(len(w)):
                        w[j] += eps
                        fp = f(w)
                        w[j] -= 2 * eps
                        g[j] = (fp - f(w)) / (2 * eps)
                    return g
            """,
            "ignores eps": """
                def numerical_gradient(f, w, eps=1e-6):
                    w = np.array(w, dtype=float)
                    g = np.zeros_like(w)
                    for j in range(w.size):
                        e = np.zeros_like(w)
                        e[j] = 1e-6
                        g[j] = (f(w + e) - f(w - e)) / 2e-6
                    return g
            """,
            "an integer copy of an integer w": """
                def numerical_gradient(f, w, eps=1e-6):
                    g = np.zeros(len(w))
                    for j in range(len(w)):
                        wp, wm = w.copy(), w.copy()
                        wp[j] += eps
                        wm[j] -= eps
                        g[j] = (f(wp) - f(wm)) / (2 * eps)
                    return g
            """,
        },
        "fit_gd": {
            "records the loss before the update": """
                def fit_gd(X, y, learning_rate=0.1, n_iters=1000):
                    w, b, losses = np.zeros(X.shape[1]), 0.0, []
                    for _ in range(n_iters):
                        losses.append(mean_bce(y, sigmoid(X @ w + b)))
                        dw, db = bce_gradient(X, y, w, b)
                        w, b = w - learning_rate * dw, b - learning_rate * db
                    return w, b, np.array(losses)
            """,
            "one iteration too many": """
                def fit_gd(X, y, learning_rate=0.1, n_iters=1000):
                    w, b, losses = np.zeros(X.shape[1]), 0.0, []
                    for _ in range(n_iters + 1):
                        dw, db = bce_gradient(X, y, w, b)
                        w, b = w - learning_rate * dw, b - learning_rate * db
                        losses.append(mean_bce(y, sigmoid(X @ w + b)))
                    return w, b, np.array(losses)
            """,
            "b updated with the gradient at the new w": """
                def fit_gd(X, y, learning_rate=0.1, n_iters=1000):
                    w, b, losses = np.zeros(X.shape[1]), 0.0, []
                    for _ in range(n_iters):
                        dw, _ = bce_gradient(X, y, w, b)
                        w = w - learning_rate * dw
                        _, db = bce_gradient(X, y, w, b)
                        b = b - learning_rate * db
                        losses.append(mean_bce(y, sigmoid(X @ w + b)))
                    return w, b, np.array(losses)
            """,
            "ignores learning_rate": """
                def fit_gd(X, y, learning_rate=0.1, n_iters=1000):
                    w, b, losses = np.zeros(X.shape[1]), 0.0, []
                    for _ in range(n_iters):
                        dw, db = bce_gradient(X, y, w, b)
                        w, b = w - 0.1 * dw, b - 0.1 * db
                        losses.append(mean_bce(y, sigmoid(X @ w + b)))
                    return w, b, np.array(losses)
            """,
            "starts from small non-zero weights": """
                def fit_gd(X, y, learning_rate=0.1, n_iters=1000):
                    w, b, losses = np.full(X.shape[1], 0.01), 0.0, []
                    for _ in range(n_iters):
                        dw, db = bce_gradient(X, y, w, b)
                        w, b = w - learning_rate * dw, b - learning_rate * db
                        losses.append(mean_bce(y, sigmoid(X @ w + b)))
                    return w, b, np.array(losses)
            """,
        },
    },
    "ps3_mle_map": {
        "neg_log_likelihood": {
            "mean instead of sum": """
                def neg_log_likelihood(X, y, w, b):
                    z = X @ w + b
                    return float(np.mean(y * np.logaddexp(0, -z) + (1 - y) * np.logaddexp(0, z)))
            """,
            "forgets the intercept": """
                def neg_log_likelihood(X, y, w, b):
                    z = X @ w
                    return float(np.sum(y * np.logaddexp(0, -z) + (1 - y) * np.logaddexp(0, z)))
            """,
            "the log-likelihood, not its negative": """
                def neg_log_likelihood(X, y, w, b):
                    z = X @ w + b
                    return float(-np.sum(y * np.logaddexp(0, -z) + (1 - y) * np.logaddexp(0, z)))
            """,
            "labels swapped": """
                def neg_log_likelihood(X, y, w, b):
                    z = X @ w + b
                    return float(np.sum(y * np.logaddexp(0, z) + (1 - y) * np.logaddexp(0, -z)))
            """,
        },
        "map_objective": {
            "no 1/2 in the penalty": """
                def map_objective(X, y, w, b, C):
                    return neg_log_likelihood(X, y, w, b) + float(w @ w) / C
            """,
            "C as the penalty strength": """
                def map_objective(X, y, w, b, C):
                    return neg_log_likelihood(X, y, w, b) + C * float(w @ w) / 2
            """,
            "penalises the intercept": """
                def map_objective(X, y, w, b, C):
                    return neg_log_likelihood(X, y, w, b) + (float(w @ w) + b ** 2) / (2 * C)
            """,
            "mean NLL": """
                def map_objective(X, y, w, b, C):
                    return neg_log_likelihood(X, y, w, b) / len(y) + float(w @ w) / (2 * C)
            """,
        },
        "map_gradient": {
            "mean instead of sum": """
                def map_gradient(X, y, w, b, C):
                    r = sigmoid(X @ w + b) - y
                    return X.T @ r / len(y) + w / C, float(np.mean(r))
            """,
            "penalises the intercept": """
                def map_gradient(X, y, w, b, C):
                    r = sigmoid(X @ w + b) - y
                    return X.T @ r + w / C, float(np.sum(r) + b / C)
            """,
            "w times C": """
                def map_gradient(X, y, w, b, C):
                    r = sigmoid(X @ w + b) - y
                    return X.T @ r + w * C, float(np.sum(r))
            """,
            "sign of the penalty": """
                def map_gradient(X, y, w, b, C):
                    r = sigmoid(X @ w + b) - y
                    return X.T @ r - w / C, float(np.sum(r))
            """,
        },
        "fit_map": {
            "penalises the intercept": """
                def fit_map(X, y, C):
                    n, d = X.shape
                    Xt = np.hstack([X, np.ones((n, 1))])
                    theta = np.zeros(d + 1)
                    for _ in range(50):
                        p = sigmoid(Xt @ theta)
                        grad = Xt.T @ (p - y) + theta / C
                        H = (Xt * (p * (1 - p))[:, None]).T @ Xt + np.eye(d + 1) / C
                        theta = theta - np.linalg.solve(H, grad)
                    return theta[:d], float(theta[d])
            """,
            "mean loss with the same penalty": """
                def fit_map(X, y, C):
                    n, d = X.shape
                    Xt = np.hstack([X, np.ones((n, 1))])
                    theta = np.zeros(d + 1)
                    P = np.eye(d + 1) / C
                    P[d, d] = 0
                    for _ in range(50):
                        p = sigmoid(Xt @ theta)
                        grad = Xt.T @ (p - y) / n + P @ theta
                        H = (Xt * (p * (1 - p))[:, None]).T @ Xt / n + P
                        theta = theta - np.linalg.solve(H, grad)
                    return theta[:d], float(theta[d])
            """,
            "stops too early": """
                def fit_map(X, y, C):
                    w, b = np.zeros(X.shape[1]), 0.0
                    for _ in range(200):
                        dw, db = map_gradient(X, y, w, b, C)
                        w, b = w - 0.005 * dw, b - 0.005 * db
                    return w, b
            """,
            "C as the penalty strength": """
                def fit_map(X, y, C):
                    n, d = X.shape
                    Xt = np.hstack([X, np.ones((n, 1))])
                    theta = np.zeros(d + 1)
                    P = np.eye(d + 1) * C
                    P[d, d] = 0
                    for _ in range(50):
                        p = sigmoid(Xt @ theta)
                        grad = Xt.T @ (p - y) + P @ theta
                        H = (Xt * (p * (1 - p))[:, None]).T @ Xt + P
                        theta = theta - np.linalg.solve(H, grad)
                    return theta[:d], float(theta[d])
            """,
        },
    },
    "ps4_softmax": {
        "softmax": {
            "normalises the columns": """
                def softmax(Z):
                    e = np.exp(Z - Z.max(axis=0, keepdims=True))
                    return e / e.sum(axis=0, keepdims=True)
            """,
            "no shift (overflows)": """
                def softmax(Z):
                    e = np.exp(Z)
                    return e / e.sum(axis=1, keepdims=True)
            """,
            "shifts by the global maximum": """
                def softmax(Z):
                    e = np.exp(Z - np.max(Z))
                    return e / e.sum(axis=1, keepdims=True)
            """,
            "divides by the sum of everything": """
                def softmax(Z):
                    e = np.exp(Z - Z.max(axis=1, keepdims=True))
                    return e / e.sum()
            """,
        },
        "one_hot": {
            "ignores n_classes": """
                def one_hot(y, n_classes):
                    return np.eye(int(np.max(y)) + 1)[y]
            """,
            "transposed": """
                def one_hot(y, n_classes):
                    return np.eye(n_classes)[y].T
            """,
            "labels counted from 1": """
                def one_hot(y, n_classes):
                    Y = np.zeros((len(y), n_classes))
                    Y[np.arange(len(y)), y - 1] = 1
                    return Y
            """,
        },
        "cross_entropy": {
            "sum instead of mean": """
                def cross_entropy(Y, P):
                    return float(-np.sum(Y * np.log(np.clip(P, 1e-15, 1))))
            """,
            "mean over all entries": """
                def cross_entropy(Y, P):
                    return float(-np.mean(Y * np.log(np.clip(P, 1e-15, 1))))
            """,
            "no clipping": """
                def cross_entropy(Y, P):
                    return float(-np.mean(np.sum(Y * np.log(P), axis=1)))
            """,
            "clips at 1e-7": """
                def cross_entropy(Y, P):
                    return float(-np.mean(np.sum(Y * np.log(np.clip(P, 1e-7, 1)), axis=1)))
            """,
        },
        "softmax_gradient": {
            "no 1/n": """
                def softmax_gradient(X, Y, W, b):
                    R = softmax(X @ W + b) - Y
                    return X.T @ R, R.sum(axis=0)
            """,
            "transposed": """
                def softmax_gradient(X, Y, W, b):
                    R = softmax(X @ W + b) - Y
                    return R.T @ X / len(X), R.mean(axis=0)
            """,
            "sign error": """
                def softmax_gradient(X, Y, W, b):
                    R = Y - softmax(X @ W + b)
                    return X.T @ R / len(X), R.mean(axis=0)
            """,
            "db over the wrong axis": """
                def softmax_gradient(X, Y, W, b):
                    R = softmax(X @ W + b) - Y
                    return X.T @ R / len(X), R.mean(axis=1)
            """,
        },
        "fit_softmax": {
            "records the loss before the update": """
                def fit_softmax(X, y, learning_rate=0.5, n_iters=500):
                    Y = one_hot(y, int(y.max()) + 1)
                    W, b, losses = np.zeros((X.shape[1], Y.shape[1])), np.zeros(Y.shape[1]), []
                    for _ in range(n_iters):
                        losses.append(cross_entropy(Y, softmax(X @ W + b)))
                        dW, db = softmax_gradient(X, Y, W, b)
                        W, b = W - learning_rate * dW, b - learning_rate * db
                    return W, b, np.array(losses)
            """,
            "never updates b": """
                def fit_softmax(X, y, learning_rate=0.5, n_iters=500):
                    Y = one_hot(y, int(y.max()) + 1)
                    W, b, losses = np.zeros((X.shape[1], Y.shape[1])), np.zeros(Y.shape[1]), []
                    for _ in range(n_iters):
                        dW, db = softmax_gradient(X, Y, W, b)
                        W = W - learning_rate * dW
                        losses.append(cross_entropy(Y, softmax(X @ W + b)))
                    return W, b, np.array(losses)
            """,
            "ignores learning_rate": """
                def fit_softmax(X, y, learning_rate=0.5, n_iters=500):
                    Y = one_hot(y, int(y.max()) + 1)
                    W, b, losses = np.zeros((X.shape[1], Y.shape[1])), np.zeros(Y.shape[1]), []
                    for _ in range(n_iters):
                        dW, db = softmax_gradient(X, Y, W, b)
                        W, b = W - 0.5 * dW, b - 0.5 * db
                        losses.append(cross_entropy(Y, softmax(X @ W + b)))
                    return W, b, np.array(losses)
            """,
            "one iteration too few": """
                def fit_softmax(X, y, learning_rate=0.5, n_iters=500):
                    Y = one_hot(y, int(y.max()) + 1)
                    W, b, losses = np.zeros((X.shape[1], Y.shape[1])), np.zeros(Y.shape[1]), []
                    for _ in range(n_iters - 1):
                        dW, db = softmax_gradient(X, Y, W, b)
                        W, b = W - learning_rate * dW, b - learning_rate * db
                        losses.append(cross_entropy(Y, softmax(X @ W + b)))
                    return W, b, np.array(losses)
            """,
        },
    },
    "ps5_roc_threshold": {
        "confusion_counts": {
            "fp and fn swapped": """
                def confusion_counts(y_true, y_pred):
                    t, p = np.asarray(y_true) == 1, np.asarray(y_pred) == 1
                    tp, tn = int(np.sum(t & p)), int(np.sum(~t & ~p))
                    return tp, int(np.sum(t & ~p)), int(np.sum(~t & p)), tn
            """,
            "tn forgets the false negatives": """
                def confusion_counts(y_true, y_pred):
                    t, p = np.asarray(y_true) == 1, np.asarray(y_pred) == 1
                    tp, fp, fn = int(np.sum(t & p)), int(np.sum(~t & p)), int(np.sum(t & ~p))
                    return tp, fp, fn, len(t) - tp - fp
            """,
            "counts agreement, not positives": """
                def confusion_counts(y_true, y_pred):
                    t, p = np.asarray(y_true) == 1, np.asarray(y_pred) == 1
                    tp = int(np.sum(t == p))
                    return tp, int(np.sum(~t & p)), int(np.sum(t & ~p)), int(np.sum(~t & ~p))
            """,
        },
        "roc_curve": {
            "no infinite threshold": """
                def roc_curve(y_true, y_score):
                    t, s = np.asarray(y_true) == 1, np.asarray(y_score, dtype=float)
                    th = np.unique(s)[::-1]
                    tpr = np.array([np.sum(t & (s >= x)) for x in th]) / np.sum(t)
                    fpr = np.array([np.sum(~t & (s >= x)) for x in th]) / np.sum(~t)
                    return fpr, tpr, th
            """,
            "increasing thresholds": """
                def roc_curve(y_true, y_score):
                    t, s = np.asarray(y_true) == 1, np.asarray(y_score, dtype=float)
                    th = np.r_[np.unique(s), np.inf]
                    tpr = np.array([np.sum(t & (s >= x)) for x in th]) / np.sum(t)
                    fpr = np.array([np.sum(~t & (s >= x)) for x in th]) / np.sum(~t)
                    return fpr, tpr, th
            """,
            "strict inequality": """
                def roc_curve(y_true, y_score):
                    t, s = np.asarray(y_true) == 1, np.asarray(y_score, dtype=float)
                    th = np.r_[np.inf, np.unique(s)[::-1]]
                    tpr = np.array([np.sum(t & (s > x)) for x in th]) / np.sum(t)
                    fpr = np.array([np.sum(~t & (s > x)) for x in th]) / np.sum(~t)
                    return fpr, tpr, th
            """,
            "one point per sample, ties not merged": """
                def roc_curve(y_true, y_score):
                    t, s = np.asarray(y_true) == 1, np.asarray(y_score, dtype=float)
                    order = np.argsort(-s, kind="stable")
                    tpr = np.r_[0, np.cumsum(t[order])] / np.sum(t)
                    fpr = np.r_[0, np.cumsum(~t[order])] / np.sum(~t)
                    return fpr, tpr, np.r_[np.inf, s[order]]
            """,
            "rates over all samples": """
                def roc_curve(y_true, y_score):
                    t, s = np.asarray(y_true) == 1, np.asarray(y_score, dtype=float)
                    th = np.r_[np.inf, np.unique(s)[::-1]]
                    tpr = np.array([np.sum(t & (s >= x)) for x in th]) / len(t)
                    fpr = np.array([np.sum(~t & (s >= x)) for x in th]) / len(t)
                    return fpr, tpr, th
            """,
        },
        "roc_auc": {
            "left rectangles": """
                def roc_auc(y_true, y_score):
                    fpr, tpr, _ = roc_curve(y_true, y_score)
                    return float(np.sum(np.diff(fpr) * tpr[:-1]))
            """,
            "axes swapped": """
                def roc_auc(y_true, y_score):
                    fpr, tpr, _ = roc_curve(y_true, y_score)
                    return float(np.sum(np.diff(tpr) * (fpr[1:] + fpr[:-1]) / 2))
            """,
            "ties count as losses": """
                def roc_auc(y_true, y_score):
                    t, s = np.asarray(y_true) == 1, np.asarray(y_score, dtype=float)
                    return float(np.mean(s[t][:, None] > s[~t][None, :]))
            """,
        },
        "best_f1_threshold": {
            "ties go to the smallest": """
                def best_f1_threshold(y_true, y_prob):
                    best_t, best = None, -1.0
                    for t in np.unique(y_prob):
                        tp, fp, fn, _ = confusion_counts(y_true, (y_prob >= t).astype(int))
                        f1 = 2 * tp / (2 * tp + fp + fn) if tp else 0.0
                        if f1 > best:
                            best_t, best = t, f1
                    return float(best_t)
            """,
            "strict inequality": """
                def best_f1_threshold(y_true, y_prob):
                    best_t, best = None, -1.0
                    for t in np.unique(y_prob):
                        tp, fp, fn, _ = confusion_counts(y_true, (y_prob > t).astype(int))
                        f1 = 2 * tp / (2 * tp + fp + fn) if tp else 0.0
                        if f1 >= best:
                            best_t, best = t, f1
                    return float(best_t)
            """,
            "maximises accuracy": """
                def best_f1_threshold(y_true, y_prob):
                    best_t, best = None, -1.0
                    for t in np.unique(y_prob):
                        tp, fp, fn, tn = confusion_counts(y_true, (y_prob >= t).astype(int))
                        acc = (tp + tn) / len(y_true)
                        if acc >= best:
                            best_t, best = t, acc
                    return float(best_t)
            """,
            "a fixed grid of thresholds": """
                def best_f1_threshold(y_true, y_prob):
                    best_t, best = None, -1.0
                    for t in np.arange(0.1, 0.95, 0.05):
                        tp, fp, fn, _ = confusion_counts(y_true, (y_prob >= t).astype(int))
                        f1 = 2 * tp / (2 * tp + fp + fn) if tp else 0.0
                        if f1 >= best:
                            best_t, best = t, f1
                    return float(best_t)
            """,
        },
    },
}

ALTERNATIVES = {
    "ps1_sigmoid_bce": {
        "sigmoid": """
            def sigmoid(z):
                return np.exp(-np.logaddexp(0.0, -np.asarray(z, dtype=float)))[()]
        """,
        "binary_cross_entropy": """
            def binary_cross_entropy(y_true, y_prob):
                p = np.minimum(np.maximum(np.array(y_prob, dtype=float), 1e-15), 1 - 1e-15)
                per_sample = np.where(np.asarray(y_true) == 1, np.log(p), np.log(1 - p))
                return -per_sample.sum() / len(per_sample)
        """,
        "predict_proba": """
            def predict_proba(X, w, b):
                return np.array([sigmoid(float(np.dot(row, w)) + b) for row in X]).reshape(len(X))
        """,
    },
    "ps2_gradient_descent": {
        "bce_gradient": """
            def bce_gradient(X, y, w, b):
                n, d = np.shape(X)
                dw, db = np.zeros(d), 0.0
                for i in range(n):
                    r = 1 / (1 + np.exp(-(np.dot(X[i], w) + b))) - y[i]
                    dw += r * np.asarray(X[i], dtype=float)
                    db += r
                return dw / n, db / n
        """,
        "numerical_gradient": """
            def numerical_gradient(f, w, eps=1e-6):
                steps = eps * np.eye(len(w))
                return np.array([f(w + e) - f(w - e) for e in steps]) / (2 * eps)
        """,
        "fit_gd": """
            def fit_gd(X, y, learning_rate=0.1, n_iters=1000):
                X = np.asarray(X, dtype=float)
                params = np.zeros(X.shape[1] + 1)
                losses = np.empty(n_iters)
                i = 0
                while i < n_iters:
                    dw, db = bce_gradient(X, y, params[:-1], params[-1])
                    params -= learning_rate * np.append(dw, db)
                    z = X @ params[:-1] + params[-1]
                    losses[i] = np.mean(np.logaddexp(0, -z) * y + np.logaddexp(0, z) * (1 - y))
                    i += 1
                return params[:-1], params[-1], losses
        """,
    },
    "ps3_mle_map": {
        "neg_log_likelihood": """
            def neg_log_likelihood(X, y, w, b):
                p = np.clip(sigmoid(X @ w + b), 1e-15, 1 - 1e-15)
                return -np.sum(y * np.log(p) + (1 - y) * np.log(1 - p))
        """,
        "map_objective": """
            def map_objective(X, y, w, b, C):
                return neg_log_likelihood(X, y, w, b) + 0.5 * np.sum(np.square(w)) / C
        """,
        "map_gradient": """
            def map_gradient(X, y, w, b, C):
                dw, db = np.array(w, dtype=float) / C, 0.0
                for x_i, y_i in zip(X, y):
                    r = sigmoid(x_i @ w + b) - y_i
                    dw = dw + r * x_i
                    db += r
                return dw, db
        """,
        "fit_map": """
            def fit_map(X, y, C):
                from scipy.optimize import minimize
                d = X.shape[1]

                def objective(theta):
                    w, b = theta[:d], theta[d]
                    dw, db = map_gradient(X, y, w, b, C)
                    return map_objective(X, y, w, b, C), np.append(dw, db)

                result = minimize(objective, np.zeros(d + 1), jac=True, method="L-BFGS-B",
                                  options={"gtol": 1e-10, "ftol": 1e-15, "maxiter": 1000})
                return result.x[:d], result.x[d]
        """,
    },
    "ps4_softmax": {
        "softmax": """
            def softmax(Z):
                from scipy.special import logsumexp
                Z = np.asarray(Z, dtype=float)
                return np.exp(Z - logsumexp(Z, axis=1, keepdims=True))
        """,
        "one_hot": """
            def one_hot(y, n_classes):
                return (np.asarray(y)[:, None] == np.arange(n_classes)).astype(float)
        """,
        "cross_entropy": """
            def cross_entropy(Y, P):
                true_class = np.sum(Y * P, axis=1)
                return -np.log(np.maximum(true_class, 1e-15)).mean()
        """,
        "softmax_gradient": """
            def softmax_gradient(X, Y, W, b):
                R = softmax(X @ W + b) - Y
                return np.einsum("ij,ik->jk", X, R) / X.shape[0], np.einsum("ik->k", R) / X.shape[0]
        """,
        "fit_softmax": """
            def fit_softmax(X, y, learning_rate=0.5, n_iters=500):
                k = len(np.unique(y))
                Y = np.eye(k)[y]
                W = np.zeros((X.shape[1], k))
                b = np.zeros(k)
                losses = []
                for _ in range(n_iters):
                    dW, db = softmax_gradient(X, Y, W, b)
                    W -= learning_rate * dW
                    b -= learning_rate * db
                    Z = X @ W + b
                    log_p = Z - Z.max(axis=1, keepdims=True)
                    log_p -= np.log(np.exp(log_p).sum(axis=1, keepdims=True))
                    losses.append(-np.mean(np.sum(Y * log_p, axis=1)))
                return W, b, losses
        """,
    },
    "ps5_roc_threshold": {
        "confusion_counts": """
            def confusion_counts(y_true, y_pred):
                code = 2 * np.asarray(y_true, dtype=int) + np.asarray(y_pred, dtype=int)
                cells = np.bincount(code, minlength=4)
                tn, fp, fn, tp = (int(c) for c in cells)
                return (tp, fp, fn, tn)
        """,
        "roc_curve": """
            def roc_curve(y_true, y_score):
                y = np.asarray(y_true, dtype=float)
                s = np.asarray(y_score, dtype=float)
                order = np.argsort(-s, kind="mergesort")
                s, y = s[order], y[order]
                last = np.r_[np.flatnonzero(np.diff(s)), len(s) - 1]
                tps = np.cumsum(y)[last]
                fps = (last + 1) - tps
                return (np.r_[0, fps] / fps[-1], np.r_[0, tps] / tps[-1], np.r_[np.inf, s[last]])
        """,
        "roc_auc": """
            def roc_auc(y_true, y_score):
                y = np.asarray(y_true) == 1
                s = np.asarray(y_score, dtype=float)
                pos, neg = s[y][:, None], s[~y][None, :]
                return float(np.mean((pos > neg) + 0.5 * (pos == neg)))
        """,
        "best_f1_threshold": """
            def best_f1_threshold(y_true, y_prob):
                y_true = np.asarray(y_true)
                candidates = np.unique(y_prob)[::-1]
                scores = []
                for t in candidates:
                    tp, fp, fn, _ = confusion_counts(y_true, (y_prob >= t).astype(int))
                    # F1 from the counts: equal F1s are equal floats, so ties are ties
                    # (2PR/(P+R) can differ in the last bit and break a tie the wrong way)
                    scores.append(2 * tp / (2 * tp + fp + fn) if tp else 0.0)
                return float(candidates[int(np.argmax(scores))])
        """,
    },
}
