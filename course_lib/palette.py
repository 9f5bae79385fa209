"""Colours of the course's figures: the Okabe-Ito palette, safe for colour-blind readers.

Okabe and Ito chose eight colours that stay distinct under the common forms of
colour blindness (protanopia, deuteranopia, tritanopia) and in grey scale
print. Every figure of the course draws its classes, curves and bars with them.
"""

from matplotlib.colors import LinearSegmentedColormap, ListedColormap

__all__ = [
    "CLASS_COLORS",
    "DIVERGING_CMAP",
    "OKABE_ITO",
    "PALETTE",
    "class_cmap",
]

OKABE_ITO = {
    "black": "#000000",
    "orange": "#E69F00",
    "sky_blue": "#56B4E9",
    "bluish_green": "#009E73",
    "yellow": "#F0E442",
    "blue": "#0072B2",
    "vermillion": "#D55E00",
    "reddish_purple": "#CC79A7",
}
"""The eight Okabe-Ito colours by name, as hex strings."""

PALETTE = tuple(
    OKABE_ITO[name]
    for name in (
        "blue",
        "vermillion",
        "bluish_green",
        "orange",
        "reddish_purple",
        "sky_blue",
        "black",
        "yellow",
    )
)
"""The Okabe-Ito colours in the order the figures use them.

Blue and vermillion first (the two classes of a binary problem, the clearest
pair for every reader), yellow last (faint on a white page).
"""

CLASS_COLORS = PALETTE
"""Colour of class ``k`` is ``CLASS_COLORS[k]`` (blue, vermillion, green, ...)."""

DIVERGING_CMAP = LinearSegmentedColormap.from_list(
    "okabe_ito_diverging", [OKABE_ITO["blue"], "#FFFFFF", OKABE_ITO["vermillion"]]
)
"""Blue through white to vermillion: probabilities around 0.5, weights around 0."""


def class_cmap(n_classes):
    """A colour map with one Okabe-Ito colour per class, for decision regions.

    Parameters
    ----------
    n_classes : int
        Number of classes, from 1 to 8.

    Returns
    -------
    matplotlib.colors.ListedColormap
    """
    if not 1 <= int(n_classes) <= len(CLASS_COLORS):
        raise ValueError(
            f"n_classes must be between 1 and {len(CLASS_COLORS)}, got {n_classes}."
        )
    return ListedColormap(CLASS_COLORS[: int(n_classes)], name=f"okabe_ito_{int(n_classes)}")
