# The front door: `make demo` runs the help page's examples against the local sandbox,
# `make test` runs every test. Set-up steps are file targets, so a second run skips them.

PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
RECORDED_PYTHON := psmodule/MgBridge/python-path.txt
PESTER := .tools/nuget/pester/5.7.1/tools/Pester.psd1
PWSH_PATH := .tools/pwsh.path
PWSH = $(shell cat $(PWSH_PATH))

.PHONY: setup demo test test-python test-powershell test-oldest lint format bench reliability genuine-sdk package clean

setup: $(VENV)/.installed $(PWSH_PATH) $(PESTER) $(RECORDED_PYTHON)

# The project, editable, with its test and dev tools. Pip's own variables (PIP_NO_INDEX,
# PIP_FIND_LINKS) choose where packages come from.
$(VENV)/.installed: pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check -e '.[test,dev]'
	@touch $@

$(PWSH_PATH):
	@mkdir -p .tools
	scripts/ensure-pwsh.sh > $@.tmp && mv $@.tmp $@

$(PESTER): tools/tools.proj
	dotnet restore tools/tools.proj --packages .tools/nuget -nologo -v q
	@touch $@

# The venv's interpreter recorded beside the module, with what hosting it needs: what `mgbridge
# psmodule-path --install` does for any installation. (The module compiles its in-process host
# itself, at first use, into the user's cache folder.)
$(RECORDED_PYTHON): $(VENV)/.installed
	$(VENV)/bin/mgbridge psmodule-path --install
	@touch $@

# The SDK's own invite cmdlet, built from source by ../shared/genuine-sdk (AutoRest from npm, the
# SDK's configuration): the reference that the parity tests and `make bench` compare against.
# Optional: without it they say so and skip.
GENUINE_SDK_SOURCE ?= ../shared/genuine-sdk
GENUINE_MODULE := .tools/genuine-sdk/modules/Microsoft.Graph.Beta.CloudCommunications

genuine-sdk: $(GENUINE_MODULE)

$(GENUINE_MODULE): $(PWSH_PATH)
	MAIN=$(CURDIR) SDK=$(CURDIR)/.tools/genuine-sdk PWSH=$(PWSH) bash $(GENUINE_SDK_SOURCE)/build.sh

# What users install: the wheel (pip install) and the PowerShell modules as a local
# PSResourceGet repository (Register-PSResourceRepository -Uri dist/psresource; Install-PSResource).
package: setup
	$(PY) -m pip wheel --quiet --disable-pip-version-check --no-deps --no-build-isolation -w dist .
	rm -rf dist/psresource
	$(PWSH) -NoProfile -File scripts/Publish-MgBridgeModule.ps1 -Repository dist/psresource

demo: setup
	$(PWSH) -NoProfile -File examples/Invoke-Demo.ps1

lint: $(VENV)/.installed
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/mypy

format: $(VENV)/.installed
	$(VENV)/bin/ruff format .
	$(VENV)/bin/ruff check --fix .

test-powershell: setup
	$(PWSH) -NoProfile -File tests/powershell/Invoke-Tests.ps1

test-python: setup
	$(PY) -m pytest

# Pester first and pytest last, so the run ends on pytest's summary line; one exit code for all.
test: setup lint
	@status=0; \
	$(PWSH) -NoProfile -File tests/powershell/Invoke-Tests.ps1 || status=1; \
	$(PY) -m pytest || status=1; \
	exit $$status

# The Python tests against the oldest supported dependencies: Debian 12's python3-httpx,
# python3-msal, python3-click and python3-pytest, installed by apt (see .ci/run).
test-oldest:
	test -x .venv-oldest/bin/python || /usr/bin/python3 -m venv --system-site-packages .venv-oldest
	.venv-oldest/bin/python -m pip install --quiet --disable-pip-version-check --no-deps -e .
	.venv-oldest/bin/python -m pytest -p no:cacheprovider

bench: setup
	$(PY) bench/run.py
	$(PY) bench/transcript_diff.py
	$(PY) bench/latency.py

# Faults, load, bad input and secrets, end to end against a sandbox: prints the table of cases
# and outcomes, fails on anything lost, duplicated or leaked. CI runs the bounded form (--quick)
# as tests/python/test_reliability_run.py; `make reliability RELIABILITY_ARGS=--quick` here.
reliability: setup
	$(PY) reliability/run.py $(RELIABILITY_ARGS)

clean:
	rm -rf $(VENV) .venv-oldest .tools tools/obj psmodule/MgBridge/bin psmodule/MgBridge/python-path.txt
