#!/usr/bin/env bash
# Makes the notebooks runnable here; safe to run again (it only does what is missing).
#  1. Installs Jupyter (nbclient, nbconvert, ipykernel, jupyter_client) unless some Python
#     already imports them: from Debian's packages when running as root on Debian, with pip
#     elsewhere.
#  2. Registers the project's own tslab (scripts/tslab-kernel.cjs: node_modules' tslab with its
#     file watchers off, by absolute path) as the kernel `tslab` in the project-local prefix
#     .jupyter/, so it never touches the user's kernels. Jupyter finds it with JUPYTER_PATH="$PWD/.jupyter/share/jupyter"
#     (scripts/run-notebook.py sets that itself).
# A notebook front end to work in (JupyterLab or the classic Notebook) is not installed here:
# `npm run jupyter` (sslmem jupyter) finds or installs one, runs this script and starts it.
# Needs `npm ci` (or `npm install`) first, for node_modules/.bin/tslab.
set -euo pipefail
cd "$(dirname "$0")/.."
root="$PWD"
modules=(nbclient nbformat nbconvert ipykernel jupyter_client)

if ! python=$(bash scripts/python-with.sh "${modules[@]}" 2>/dev/null); then
  if [ "$(id -u)" = 0 ] && [ -f /etc/debian_version ] && command -v apt-get >/dev/null; then
    echo "setup-jupyter: installing Jupyter from Debian packages" >&2
    # Wait for another apt/dpkg run to finish instead of failing on its lock.
    for _ in $(seq 1 120); do
      if command -v fuser >/dev/null && fuser /var/lib/dpkg/lock-frontend /var/lib/dpkg/lock >/dev/null 2>&1; then
        sleep 5
      else
        break
      fi
    done
    export DEBIAN_FRONTEND=noninteractive
    apt-get -o DPkg::Lock::Timeout=600 update -qq
    apt-get -o DPkg::Lock::Timeout=600 install -y -qq --no-install-recommends \
      jupyter-nbconvert python3-nbclient python3-ipykernel jupyter-client >/dev/null
  else
    echo "setup-jupyter: installing Jupyter with pip" >&2
    if ! python3 -m pip install --quiet nbclient nbformat nbconvert ipykernel jupyter_client; then
      echo "setup-jupyter: pip failed; install nbclient nbconvert ipykernel into some Python" \
        "(a virtualenv, 'pip install --user', or your system's packages) and run this again;" \
        "SSLMEM_PYTHON=/path/to/python picks one" >&2
      exit 1
    fi
  fi
  python=$(bash scripts/python-with.sh "${modules[@]}")
fi

tslab="$root/node_modules/.bin/tslab"
kernel="$root/scripts/tslab-kernel.cjs"
if [ ! -x "$tslab" ]; then
  echo "setup-jupyter: $tslab is missing; run 'npm ci' first" >&2
  exit 1
fi

spec="$root/.jupyter/share/jupyter/kernels/tslab/kernel.json"
if [ -f "$spec" ] && grep -qF "\"$kernel\"" "$spec"; then
  echo "setup-jupyter: kernel tslab already registered in .jupyter/ ($python)"
else
  npx --no-install tslab install --python="$python" --binary="$kernel" --prefix="$root/.jupyter" >/dev/null
  echo "setup-jupyter: registered kernel tslab in .jupyter/ ($python)"
fi
echo "setup-jupyter: run Jupyter with JUPYTER_PATH=\"$root/.jupyter/share/jupyter\" (npm run jupyter does)" >&2
