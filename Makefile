# The two commands of README.md, plus lint, the wheels and the addon READMEs.
.PHONY: run test lint dist readme

VENV_BIN = $(or $(TRACELINK_VENV),$(or $(TRACELINK_HOME),$(HOME)/.cache/tracelink_crm)/venv-py311)/bin

run:  ## set up and start Odoo 18 with the Tracelink addons and demo data on 127.0.0.1:8069
	bash scripts/run.sh

test:  ## set up and run lint, the tests without Odoo and the Odoo tests
	bash scripts/test.sh

lint:  ## pre-commit on all files (.pre-commit-config.yaml): ruff, pylint-odoo, OCA checks
	-bash scripts/bootstrap.sh >/dev/null
	$(VENV_BIN)/pre-commit run --all-files --show-diff-on-failure

dist:  ## one wheel per addon (odoo-addon-<name>) into dist/, built with whool
	-bash scripts/bootstrap.sh >/dev/null
	bash scripts/dist.sh

readme:  ## each addon's README.rst from its readme/ fragments
	$(VENV_BIN)/python scripts/addon_readme.py
