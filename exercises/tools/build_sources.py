"""Write the source notebooks ``exercises/source/<assignment>/<assignment>.ipynb``.

The committed notebooks are the truth: this script records how they were
written. Run it after editing the text here, then ``make assignments``.

Usage::

    python exercises/tools/build_sources.py            # write all
    python exercises/tools/build_sources.py --check    # exit 1 if a notebook differs
"""

import argparse
import sys
from pathlib import Path

import nbformat

sys.path.insert(0, str(Path(__file__).resolve().parent))

from assignment_texts import ASSIGNMENTS  # noqa: E402

SOURCE = Path(__file__).resolve().parents[1] / "source"


def render(name):
    """The notebook of one assignment, as JSON text."""
    nb = ASSIGNMENTS[name]()
    nbformat.validate(nb)
    return nbformat.writes(nb) + "\n"


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="compare, do not write")
    parser.add_argument("names", nargs="*", help="assignments (default: all)")
    args = parser.parse_args(argv)
    status = 0
    for name in args.names or sorted(ASSIGNMENTS):
        path = SOURCE / name / f"{name}.ipynb"
        text = render(name)
        if args.check:
            same = path.exists() and path.read_text(encoding="utf-8") == text
            print(f"{path}: {'up to date' if same else 'DIFFERS'}")
            status |= not same
        else:
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text, encoding="utf-8")
            print(f"wrote {path}")
    return status


if __name__ == "__main__":
    sys.exit(main())
