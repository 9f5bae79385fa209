"""Shared set-up of the library tests: figures render off screen, with the Agg backend."""

import matplotlib

matplotlib.use("Agg")
