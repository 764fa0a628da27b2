#!/usr/bin/env bash
# golangci.sh DIR CUSTOM_GCL: a custom golangci-lint with only keepalive
# enabled against the golangci-lint on PATH with bodyclose and noctx, on
# DIR/./..., cold (an empty lint cache; the go build cache is warm for both)
# and warm (nothing changed): ROUNDS rounds (default 3), side by side. Prints wall time and
# peak RSS per run (BENCHMARKS.md, section 3).
set -u
dir=${1:?usage: golangci.sh DIR CUSTOM_GCL}; custom=$(realpath "${2:?usage: golangci.sh DIR CUSTOM_GCL}")
std=$(command -v golangci-lint) || { echo "golangci.sh: no golangci-lint on PATH" >&2; exit 2; }
cd "$dir" || exit 2
cfgk=$(mktemp --suffix=.yml); cfgp=$(mktemp --suffix=.yml)
trap 'rm -f "$cfgk" "$cfgp" /tmp/gcl.time /tmp/gcl.err' EXIT
cat > $cfgk <<'Y'
version: "2"
linters:
  default: none
  enable: [keepalive]
  settings:
    custom:
      keepalive:
        type: module
Y
cat > $cfgp <<'Y'
version: "2"
linters:
  default: none
  enable: [bodyclose, noctx]
Y
run() { # name bin cfg cachedir
	/usr/bin/time -f "%e %M" -o /tmp/gcl.time "$2" run --config "$3" --issues-exit-code 0 ./... >/dev/null 2>/tmp/gcl.err
	rc=$?
	read s kb < /tmp/gcl.time
	echo "$1 rc=$rc ${s}s $((kb/1024))MB"
}
for ((i = 0; i < ${ROUNDS:-3}; i++)); do
	for t in keepalive peers; do
		if [ $t = keepalive ]; then bin=$custom cfg=$cfgk; else bin=$std cfg=$cfgp; fi
		c=$(mktemp -d)
		GOLANGCI_LINT_CACHE=$c run "$t cold" $bin $cfg
		GOLANGCI_LINT_CACHE=$c run "$t warm" $bin $cfg
		rm -rf $c
	done
done
