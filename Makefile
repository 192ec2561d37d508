# The two commands of README.md, plus lint on its own.
.PHONY: run test lint

run:  ## set up and start Odoo 18 with the Tracelink addons and demo data on 127.0.0.1:8069
	bash scripts/run.sh

test:  ## set up and run lint, the tests without Odoo and the Odoo tests
	bash scripts/test.sh

lint:
	bash scripts/bootstrap.sh >/dev/null
	$(HOME)/.cache/tracelink_crm/venv-py311/bin/ruff check .
	$(HOME)/.cache/tracelink_crm/venv-py311/bin/ruff format --check .
	$(HOME)/.cache/tracelink_crm/venv-py311/bin/python -m pylint --rcfile=.pylintrc tracelink_cvr tracelink_economic tracelink_crm tracelink_crm_mrp
