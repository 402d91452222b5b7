#!/usr/bin/env bash
# The dependency audit of .ci/run: `pip-audit --strict` over the installed packages (the editable nsm is not on PyPI).
#
# A vulnerable package fails the run. A package that cannot be looked up also fails it (that is what --strict is
# for), except in one case, said out loud: when not a single package could be looked up, the vulnerability service
# is unreachable from this machine (a registry mirror that serves no per-version data answers 404 for every
# package), so the audit did not happen at all. The run then prints NOT AUDITED and goes on, unless
# NSM_AUDIT_REQUIRED=1 (set it wherever pypi.org is reachable: then an unreachable service fails the run too).
set -uo pipefail
cd "$(dirname "$0")/.."
out=$(mktemp)
trap 'rm -f "$out"' EXIT
.venv/bin/pip-audit --strict --skip-editable --progress-spinner off >"$out" 2>&1
status=$?
cat "$out"
[ $status -eq 0 ] && exit 0
if grep -q "known vulnerabilit" "$out"; then
  exit 1
fi
# --strict stops at the first package it cannot look up: ask again without it to see whether any could be.
.venv/bin/pip-audit --skip-editable --progress-spinner off --format json >"$out" 2>/dev/null
audited=$(.venv/bin/python -c '
import json, sys
deps = json.load(open(sys.argv[1]))["dependencies"]
print(sum(1 for d in deps if "skip_reason" not in d), len(deps))' "$out")
read -r checked total <<<"$audited"
if [ "$checked" = 0 ] && [ "${NSM_AUDIT_REQUIRED:-0}" != 1 ]; then
  echo "!! NOT AUDITED: none of the $total packages could be looked up in PyPI's vulnerability data from this"
  echo "!! machine (the service is unreachable). Run tools/pip_audit.sh where pypi.org is reachable; see"
  echo "!! docs/security-scans.md."
  exit 0
fi
echo "pip-audit: $checked of $total packages could be checked; --strict requires all."
exit 1
