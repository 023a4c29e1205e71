#!/usr/bin/env bash
# Verifies sslmem on a GPU machine that has no internet, in two steps.
#
# 1. On a machine WITH internet (Linux x86_64, the project checked out, `npm ci` done):
#      scripts/gpu-check.sh pack [--out FILE] [--libtensorflow TARBALL] [--no-gpu-package]
#    builds the library, `npm pack`s it, adds this checkout's node_modules and
#    @tensorflow/tfjs-node-gpu (whose install downloads libtensorflow 2.9 for the GPU and
#    its prebuilt binding; with --libtensorflow, a libtensorflow-gpu-linux-x86_64-2.9.1.tar.gz
#    downloaded beforehand is unpacked where its install script looks first, so only the
#    small binding is fetched; TFJS_NODE_CDN_STORAGE / TFJS_NODE_BASE_URI in the environment
#    point its download at a mirror), and writes one tarball (default sslmem-gpu-check.tar.gz).
#
# 2. On the GPU machine (Node >= 20.19; CUDA 11.2 + cuDNN 8.1 libraries for tfjs-node-gpu):
#      tar -xzf sslmem-gpu-check.tar.gz && bash sslmem/scripts/gpu-check.sh run [--out REPORT.json] [--backends LIST]
#    (or scripts/gpu-check.sh run sslmem-gpu-check.tar.gz, which unpacks it first; or run it in a
#    clone with node_modules and dist) says which GPU and CUDA libraries it finds and which are missing, runs the
#    conformance suite on every backend in LIST (default tensorflow-gpu,wasm) that loads,
#    again with NVIDIA_TF32_OVERRIDE=0 when a GPU run fails, times a SimCLR step of the MLP,
#    CNN and ViT on each, and writes one JSON report (default reports/gpu-check.json in the
#    unpacked folder). Exit status: 0 all passed, 1 a suite failed, 3 a GPU backend asked
#    for did not load, 2 a usage or setup error.
#    More options: --only TEXT,... (suite cases), --encoders mlp,cnn,vit, --steps N, --dir DIR
#    (where to unpack; default ./sslmem-gpu-check), --no-tf32-retry.
set -euo pipefail

usage() { awk 'NR > 1 && /^#/ { sub(/^# ?/, ""); print } /^set /{ exit }' "$0"; }
die() { echo "gpu-check: $*" >&2; exit 2; }
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"

check_node() {
  command -v node >/dev/null || die "node is not on PATH: install Node.js >= 20.19 (the tarball holds no Node)"
  node -e 'const [a,b]=process.versions.node.split(".").map(Number); process.exit(a>20||(a===20&&b>=19)?0:1)' \
    || die "Node $(node --version) is too old: sslmem needs >= 20.19"
}

pack() {
  local out="$PWD/sslmem-gpu-check.tar.gz" libtf="" gpu_package=1
  while [ $# -gt 0 ]; do
    case "$1" in
      --out) out="$(realpath -m "$2")"; shift 2 ;;
      --libtensorflow) libtf="$(realpath "$2")"; [ -f "$libtf" ] || die "--libtensorflow: no file $2"; shift 2 ;;
      --no-gpu-package) gpu_package=0; shift ;;
      -h|--help) usage; exit 0 ;;
      *) die "pack: unknown option $1" ;;
    esac
  done
  check_node
  cd "$here"
  [ -d node_modules ] || die "no node_modules in $here: run npm ci first"
  stage="$(mktemp -d)"
  trap 'rm -rf "${stage:-}"' EXIT
  echo "gpu-check: npm pack (builds the library)..."
  local tgz; tgz="$(npm pack --silent --pack-destination "$stage" | tail -n 1)"
  mkdir -p "$stage/unpack"
  tar -xzf "$stage/$tgz" -C "$stage/unpack"
  mv "$stage/unpack/package" "$stage/sslmem"
  cp package-lock.json "$stage/sslmem/"
  echo "gpu-check: adding node_modules ($(du -sh node_modules | cut -f1))..."
  tar -cf - node_modules | tar -xf - -C "$stage/sslmem"
  if [ "$gpu_package" = 1 ]; then
    local version; version="$(node -p 'require("./package.json").dependencies["@tensorflow/tfjs-core"]')"
    echo "gpu-check: adding @tensorflow/tfjs-node-gpu@$version..."
    # Scripts off: the packed project has no sources to build; the package's own install runs below.
    (cd "$stage/sslmem" && npm install --no-save --ignore-scripts --no-audit --no-fund "@tensorflow/tfjs-node-gpu@$version" >/dev/null)
    local tfng="$stage/sslmem/node_modules/@tensorflow/tfjs-node-gpu"
    if [ -n "$libtf" ]; then
      # Its install script (scripts/install.js) skips the download when deps/lib holds the
      # library it expects; it then fetches only the prebuilt binding (or builds it).
      local want; want="$(cd "$tfng" && node -p 'require("./scripts/deps-constants.js").depsLibTensorFlowPath')"
      mkdir -p "$tfng/deps"
      tar -xzf "$libtf" -C "$tfng/deps"
      [ -f "$want" ] || die "--libtensorflow: $libtf did not give $(basename "$want") in deps/lib (a libtensorflow-gpu-linux-x86_64-<version>.tar.gz of the version tfjs-node-gpu $version expects)"
      (cd "$tfng" && PATH="$stage/sslmem/node_modules/.bin:$PATH" node scripts/install.js gpu) || die "the install of @tensorflow/tfjs-node-gpu with $libtf failed: its binding is downloaded prebuilt by node-pre-gyp, else compiled by node-gyp, which needs the Node headers (see above)"
    else
      # Downloads libtensorflow for the GPU (a mirror: TFJS_NODE_CDN_STORAGE or TFJS_NODE_BASE_URI in the environment).
      (cd "$stage/sslmem" && npm rebuild @tensorflow/tfjs-node-gpu) \
        || die "the install of @tensorflow/tfjs-node-gpu failed (it downloads libtensorflow; see above, or pass --libtensorflow FILE)"
    fi
    [ -n "$(find "$stage/sslmem/node_modules/@tensorflow/tfjs-node-gpu/lib" -name 'tfjs_binding.node' 2>/dev/null)" ] \
      || die "@tensorflow/tfjs-node-gpu has no tfjs_binding.node after its install"
  fi
  echo "gpu-check: writing $out..."
  mkdir -p "$(dirname "$out")"
  tar -czf "$out" -C "$stage" sslmem
  echo "gpu-check: $(du -h "$out" | cut -f1) in $out. On the GPU machine:"
  echo "  tar -xzf $(basename "$out")"
  echo "  bash sslmem/scripts/gpu-check.sh run --out gpu-check.json"
}

run_check() {
  local tarball="" dir="$PWD/sslmem-gpu-check"
  local args=()
  while [ $# -gt 0 ]; do
    case "$1" in
      --dir) dir="$(realpath -m "$2")"; shift 2 ;;
      --out) args+=(--out "$(realpath -m "$2")"); shift 2 ;;
      --backends|--only|--encoders|--steps) args+=("$1" "$2"); shift 2 ;;
      --no-tf32-retry) args+=("$1"); shift ;;
      -h|--help) usage; exit 0 ;;
      -*) die "run: unknown option $1" ;;
      *) tarball="$(realpath "$1")"; shift ;;
    esac
  done
  check_node
  local project="$here"
  if [ -n "$tarball" ]; then
    [ -f "$tarball" ] || die "no tarball $tarball"
    mkdir -p "$dir"
    echo "gpu-check: unpacking $tarball into $dir..."
    tar -xzf "$tarball" -C "$dir"
    project="$dir/sslmem"
  fi
  [ -f "$project/dist/conformance/main.js" ] || die "$project has no dist/conformance/main.js (run npm run build, or use a packed tarball)"
  [ -d "$project/node_modules/@tensorflow/tfjs-core" ] || die "$project has no node_modules (use a packed tarball, or npm ci)"
  [ -d "$project/node_modules/@tensorflow/tfjs-node-gpu" ] \
    || echo "gpu-check: note: @tensorflow/tfjs-node-gpu is not in $project/node_modules (pack without --no-gpu-package to include it)"
  cd "$project"
  local status=0
  node scripts/gpu-check.mjs report ${args[@]+"${args[@]}"} || status=$?
  case "$status" in
    0) echo "gpu-check: every backend asked for loaded and passed" ;;
    1) echo "gpu-check: a conformance suite FAILED (see the report)" ;;
    3) echo "gpu-check: a GPU backend asked for did NOT load (see above: missing libraries?)" ;;
  esac
  return "$status"
}

case "${1:-}" in
  pack) shift; pack "$@" ;;
  run) shift; run_check "$@" ;;
  -h|--help|help) usage ;;
  *) usage >&2; exit 2 ;;
esac
