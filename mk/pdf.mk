# The whole book as one PDF, through LaTeX: Jupyter Book's pdflatex builder and
# Debian's TeX Live (texlive-latex-extra, texlive-xetex, latexmk; .ci/run installs
# them). The chapters are not executed again: the PDF shows the outputs stored in
# the notebooks, which `make test-notebooks` checks against a fresh run of every
# cell. The configuration is _config.yml with only that setting changed (and the local
# extensions' folder made absolute, since the copy lives in _build/).

PDF_DIR    := _build/latex
PDF_CONFIG := _build/pdf-config/_config.yml
PDF        := $(PDF_DIR)/book.pdf

.PHONY: pdf test-pdf

pdf: $(STAMP) release-notebooks
	@mkdir -p $(dir $(PDF_CONFIG))
	$(PY) -c 'import os, sys, yaml; c = yaml.safe_load(open("_config.yml")); \
		c["execute"]["execute_notebooks"] = "off"; ext = c["sphinx"]["local_extensions"]; \
		ext.update({k: os.path.abspath(v) for k, v in ext.items()}); \
		yaml.safe_dump(c, open(sys.argv[1], "w"))' $(PDF_CONFIG)
	$(BIN)/jupyter-book build . -W --keep-going --builder pdflatex --config $(PDF_CONFIG)
	@test -s $(PDF) && echo "PDF built: $(PDF)"

# The PDF's checks: LaTeX log, page count, first pages rendered to test-artifacts/pdf/.
test-pdf: $(STAMP)
	$(PYTEST) -p no:xdist tests/pdf

# make test checks the PDF too, after everything else.
test: pdf test-pdf
