#!/usr/bin/env bash
# Prints the first Python interpreter that can import every module named on the command
# line (e.g. `scripts/python-with.sh nbclient nbformat`); exits 1 when none can.
# Candidates, in order: $SSLMEM_PYTHON, python3 and python on PATH, then /usr/bin/python3
# (Debian's packages, e.g. python3-nbclient, belong to that one and are invisible to a
# pyenv or conda python3 earlier on PATH), /usr/local/bin/python3.
set -u
if [ $# -eq 0 ]; then
  echo "usage: $0 MODULE [MODULE...]" >&2
  exit 2
fi
imports="import $(IFS=,; echo "$*")"
seen=""
for candidate in "${SSLMEM_PYTHON:-}" python3 python /usr/bin/python3 /usr/local/bin/python3; do
  [ -n "$candidate" ] || continue
  path=$(command -v "$candidate" 2>/dev/null) || continue
  case " $seen " in *" $path "*) continue ;; esac
  seen="$seen $path"
  if "$path" -c "$imports" >/dev/null 2>&1; then
    echo "$path"
    exit 0
  fi
done
echo "no Python can '$imports' (tried:${seen:- nothing}); run scripts/setup-jupyter.sh" >&2
exit 1
