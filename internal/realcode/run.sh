#!/usr/bin/env bash
# run.sh measures keepalivefix on real repositories: for each one it records
# build, vet and offline tests before the fix, the findings, the diff, the
# same build, vet and tests after `keepalivefix -w`, and whether a second -w
# changes anything. See docs/realcode.md for what it checks and why.
#
#	internal/realcode/run.sh CHECKOUTS [REPOS_FILE]
#
# CHECKOUTS holds one git work tree per repository, named owner+name (a clone
# of each repository's history, so that the listed commit can be checked out).
# REPOS_FILE (default: repos.txt beside this script) lists owner/name@commit,
# one a line, optionally followed by the module's directory in the repository
# (default: its root); '#' starts a comment. Environment:
#
#	REALCODE_WORK  scratch copies (default /work/realcode/work), wiped per repo
#	REALCODE_OUT   reports (default /work/realcode/report)
#	REALCODE_BIN   where keepalivefix is built (default /work/realcode/bin)
#	REALCODE_REV   build keepalivefix from this commit (default: the working
#	               tree, or HEAD when the working tree does not build)
#	REALCODE_ONLY  run only the repositories whose owner/name matches this
#	               extended regular expression
#
# It needs go, git, jq, timeout, unshare and ip (iproute2); the offline tests
# run in a new network namespace with only loopback up, so it runs as root.
set -uo pipefail

here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
checkouts=${1:?usage: run.sh CHECKOUTS [REPOS_FILE]}
checkouts=$(cd "$checkouts" && pwd) || exit 2
repos=${2:-$here/repos.txt}
work=${REALCODE_WORK:-/work/realcode/work}
out=${REALCODE_OUT:-/work/realcode/report}
bindir=${REALCODE_BIN:-/work/realcode/bin}
only=${REALCODE_ONLY:-}

for tool in go git jq timeout unshare ip; do
	command -v "$tool" >/dev/null || { echo "run.sh: $tool is missing" >&2; exit 2; }
done

# The same environment for every step: no workspace, no toolchain download,
# go.mod may be tidied in the scratch copy (some repositories' go.sum lag).
export GOWORK=off GOTOOLCHAIN=local GOFLAGS=-mod=mod
# sort and join agree on the order only in one locale.
export LC_ALL=C

mkdir -p "$work" "$out" "$bindir"
# A temporary folder of its own: a shared /tmp cleaned by someone else
# mid-run fails every go command ("creating work dir").
export TMPDIR=$work/.tmp
mkdir -p "$TMPDIR"
kaf=$bindir/keepalivefix
# Built fresh each run so that a later run measures the current analyzer:
# from the working tree, or from the commit REALCODE_REV names. Several
# people edit the working tree, so when it does not build, HEAD is used.
build_rev() {
	local tmp
	tmp=$(mktemp -d)
	git -C "$root" archive "$1" | tar -x -C "$tmp" && (cd "$tmp" && GOFLAGS='' go build -o "$kaf" ./cmd/keepalivefix)
	local rc=$?
	rm -rf "$tmp"
	return $rc
}
if [ -n "${REALCODE_REV:-}" ]; then
	build_rev "$REALCODE_REV" || { echo "run.sh: building keepalivefix at $REALCODE_REV failed" >&2; exit 2; }
	kafrev=$(git -C "$root" rev-parse --short "$REALCODE_REV")
# GOFLAGS is cleared so that -mod=mod never edits this module's go.mod.
elif (cd "$root" && GOFLAGS='' go build -o "$kaf" ./cmd/keepalivefix); then
	kafrev=$(git -C "$root" rev-parse --short HEAD)$(git -C "$root" diff --quiet HEAD -- . || echo "+worktree")
else
	echo "run.sh: the working tree does not build; using HEAD" >&2
	build_rev HEAD || { echo "run.sh: building keepalivefix at HEAD failed" >&2; exit 2; }
	kafrev=$(git -C "$root" rev-parse --short HEAD)
fi
echo "keepalivefix $kafrev"

# step NAME SECONDS CMD...: runs CMD in the current directory with a time
# limit, output to $dir/NAME.log and exit code to $dir/NAME.rc.
step() {
	local name=$1 secs=$2
	shift 2
	timeout -k 10 "$secs" "$@" </dev/null >"$dir/$name.log" 2>&1
	echo $? >"$dir/$name.rc"
}

# offline_tests NAME [PACKAGES]: go test with no network (loopback only) and
# no module downloads; per-package results to $dir/NAME.tsv.
offline_tests() {
	local name=$1 pkgs=${2:-./...}
	timeout -k 10 1800 unshare -n sh -c "ip link set lo up; GOPROXY=off go test -count=1 $pkgs 2>&1" >"$dir/$name.log" 2>&1
	echo $? >"$dir/$name.rc"
	mkdir -p "$TMPDIR" # a test may remove os.TempDir()
	# go test prints one line per package: ok, FAIL (also "[build failed]"
	# and "[setup failed]") or "?" for no test files.
	awk '$1 == "ok" && NF >= 2 { print $2 "\tok" }
		$1 == "FAIL" && NF >= 2 { print $2 "\tFAIL" }
		$1 == "?" && NF >= 2 { print $2 "\tnotest" }' "$dir/$name.log" | sort -u >"$dir/$name.tsv"
}

# checks_count JSON FILTER: "KA1001=n KA1002=n ..." of the findings that
# FILTER (a jq boolean over a finding) selects.
checks_count() {
	jq -r "[.findings[] | select($2) | .check] | group_by(.) | map(\"\(.[0])=\(length)\") | join(\" \")" "$1" 2>/dev/null
}

# One row per repository in its own report folder (row.tsv), so that a run
# of some (REALCODE_ONLY) keeps the others' rows; summary.tsv joins them in
# the list's order.
summary=$out/summary.tsv
# Empty fields are written as "-": read with IFS=tab would merge them.
header=$(printf 'repo\tcommit\tbuild\tvet\ttests_ok_before\ttests_ok_after\tharm\tidempotent\tw_exit\tfindings\tfindings_nontest\tfix_offered_nontest\tleft_nontest_after\tfiles_changed\tgofmt\tnotes')

# The list is read on descriptor 3 so that no step reads it as its input.
while read -r spec sub _ <&3; do
	repo=${spec%@*}
	commit=${spec#*@}
	slug=${repo/\//+}
	if [ -n "$only" ] && ! echo "$repo" | grep -Eq "$only"; then continue; fi
	echo "=== $repo@$commit"
	mkdir -p "$TMPDIR" # a repository's tests may have removed it
	dir=$out/$slug
	rm -rf "$dir"
	mkdir -p "$dir"
	src=$work/$slug
	rm -rf "$src"
	if ! git clone -q --no-hardlinks "$checkouts/$slug" "$src" || ! git -C "$src" checkout -q --detach "$commit"; then
		printf '%s\t%s\t-\t-\t-\t-\t-\t-\t-\t-\t-\t-\t-\t-\t-\tno checkout\n' "$repo" "$commit" >"$dir/row.tsv"
		continue
	fi
	echo "keepalivefix $kafrev" >"$dir/keepalivefix.version"
	cd "$src/${sub:-.}" || continue
	notes=""

	# Before: build, vet, test compilation with the network (downloads the
	# modules the tests need; -exec true: compiled, never run, so no test
	# code runs with the network), then the tests offline.
	step before-build 900 go build ./...
	step before-vet 900 go vet ./...
	step before-testbuild 1800 go test -count=1 -run '^$' -exec true ./...
	offline_tests before-test
	# The baseline the fix is compared against: whatever the build and the
	# tests wrote (a tidied go.sum, generated files) is part of it.
	git add -A >/dev/null 2>&1
	git -c user.name=realcode -c user.email=realcode@localhost commit -q --allow-empty -m baseline

	# The tool: findings (text and JSON), the diff, then the rewrite.
	timeout -k 10 900 "$kaf" ./... >"$dir/findings.txt" 2>"$dir/findings.stderr"
	echo $? >"$dir/findings.rc"
	timeout -k 10 900 "$kaf" -format json ./... >"$dir/findings.json" 2>/dev/null
	timeout -k 10 900 "$kaf" -d ./... >"$dir/fix.diff" 2>"$dir/diff.stderr"
	echo $? >"$dir/diff.rc"
	timeout -k 10 900 "$kaf" -w ./... >"$dir/write.stdout" 2>"$dir/write.stderr"
	wrc=$?
	echo $wrc >"$dir/write.rc"
	git diff >"$dir/applied.diff"
	git diff --name-only --relative >"$dir/changed.txt"
	git add -A >/dev/null 2>&1
	git -c user.name=realcode -c user.email=realcode@localhost commit -q --allow-empty -m fixed

	# A second -w must change nothing.
	timeout -k 10 900 "$kaf" -w ./... >/dev/null 2>"$dir/write2.stderr"
	git status --porcelain >"$dir/second.status"
	git diff >"$dir/second.diff"
	if [ -s "$dir/second.status" ]; then idem=no; else idem=yes; fi
	git checkout -q -- . && git clean -qfd
	# What is left after the fix.
	timeout -k 10 900 "$kaf" -format json ./... >"$dir/after.json" 2>/dev/null

	# The changed Go files must be gofmt-clean.
	gofmt_bad=$(grep '\.go$' "$dir/changed.txt" | xargs -r gofmt -l 2>&1)
	echo "$gofmt_bad" >"$dir/gofmt.txt"
	if [ -n "$gofmt_bad" ]; then gofmt=bad; else gofmt=ok; fi

	# After: the same build, vet and tests on the fixed tree.
	step after-build 900 go build ./...
	step after-vet 900 go vet ./...
	step after-testbuild 1800 go test -count=1 -run '^$' -exec true ./...
	offline_tests after-test

	# A package that passed before and fails after is harm; one rerun
	# (offline) tells a flaky test from a broken one.
	harm=no
	broken=$(join -t $'\t' "$dir/before-test.tsv" "$dir/after-test.tsv" | awk -F'\t' '$2 == "ok" && $3 != "ok" { print $1 }')
	gone=$(join -t $'\t' -v 1 "$dir/before-test.tsv" "$dir/after-test.tsv" | awk -F'\t' '$2 == "ok" { print $1 }')
	: >"$dir/harm.txt"
	for p in $broken $gone; do
		offline_tests "rerun-$(echo "$p" | tr '/' '_')" "$p"
		if grep -q "^$p	ok" "$dir/rerun-$(echo "$p" | tr '/' '_').tsv"; then
			notes="$notes flaky:$p"
		else
			echo "test $p: ok before, not after" >>"$dir/harm.txt"
		fi
	done
	b1=$(cat "$dir/before-build.rc") b2=$(cat "$dir/after-build.rc")
	v1=$(cat "$dir/before-vet.rc") v2=$(cat "$dir/after-vet.rc")
	t1=$(cat "$dir/before-testbuild.rc") t2=$(cat "$dir/after-testbuild.rc")
	[ "$b1" = 0 ] && [ "$b2" != 0 ] && echo "go build: ok before, exit $b2 after" >>"$dir/harm.txt"
	[ "$v1" = 0 ] && [ "$v2" != 0 ] && echo "go vet: ok before, exit $v2 after" >>"$dir/harm.txt"
	[ "$t1" = 0 ] && [ "$t2" != 0 ] && echo "go test -run '^\$' (test build): ok before, exit $t2 after" >>"$dir/harm.txt"
	# vet that already failed: new messages (positions stripped) are harm too.
	if [ "$v1" != 0 ] && [ "$v2" != 0 ]; then
		newvet=$(comm -13 <(sed -E 's/:[0-9]+:[0-9]+:/:/' "$dir/before-vet.log" | sort -u) <(sed -E 's/:[0-9]+:[0-9]+:/:/' "$dir/after-vet.log" | sort -u) | grep -v '^#')
		[ -n "$newvet" ] && printf 'go vet: new messages\n%s\n' "$newvet" >>"$dir/harm.txt"
	fi
	[ "$gofmt" = bad ] && echo "gofmt -l: $gofmt_bad" >>"$dir/harm.txt"
	# -w exiting 2 or 3 is harm unless the plain run already did (packages
	# that do not load before the fix, e.g. a module the proxy refuses).
	frc=$(cat "$dir/findings.rc")
	[ "$wrc" -ge 2 ] && [ "$frc" -lt 2 ] && echo "keepalivefix -w: exit $wrc" >>"$dir/harm.txt"
	[ "$wrc" -ge 2 ] && [ "$frc" -ge 2 ] && notes="$notes load-errors-before:exit-$frc"
	[ -s "$dir/harm.txt" ] && harm=yes

	nontest='(.file | endswith("_test.go") | not)'
	all=$(checks_count "$dir/findings.json" true)
	nt=$(checks_count "$dir/findings.json" "$nontest")
	offered=$(checks_count "$dir/findings.json" "$nontest and .fix_available")
	left=$(checks_count "$dir/after.json" "$nontest")
	okb=$(grep -c '	ok$' "$dir/before-test.tsv")
	oka=$(grep -c '	ok$' "$dir/after-test.tsv")
	nchanged=$(grep -c . "$dir/changed.txt")
	notes=${notes# }
	notes=${notes:--}
	printf '%s\t%s\t%s->%s\t%s->%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' \
		"$repo" "$commit" "$b1" "$b2" "$v1" "$v2" "$okb" "$oka" "$harm" "$idem" "$wrc" \
		"${all:--}" "${nt:--}" "${offered:--}" "${left:--}" "$nchanged" "$gofmt" "$notes" >"$dir/row.tsv"
	cd "$out" || exit 2
done 3< <(grep -v '^[[:space:]]*#' "$repos" | grep -v '^[[:space:]]*$')

{
	echo "$header"
	grep -v '^[[:space:]]*#' "$repos" | grep -v '^[[:space:]]*$' | while read -r spec _; do
		s=${spec%@*}
		[ -f "$out/${s/\//+}/row.tsv" ] && cat "$out/${s/\//+}/row.tsv"
	done
} >"$summary"

# The table: findings per check (all files), and per check outside _test.go
# files: found / offered a fix / fixed (found before -w minus found after).
count_of() { echo " $1 " | grep -o " $2=[0-9]*" | cut -d= -f2; }
{
	echo "keepalivefix $kafrev, $(date -u +%Y-%m-%d)"
	echo
	echo "| repo | findings (all files) | outside _test.go: found/offered/fixed | tests ok before→after | harm | idempotent |"
	echo "|---|---|---|---|---|---|"
	tail -n +2 "$summary" | while IFS=$'\t' read -r repo _commit _build _vet okb oka harm idem wrc all nt offered left nchanged gofmt notes; do
		fixed=""
		[ "$nt" = - ] && fixed=" none"
		for c in $(echo "$nt" | tr ' ' '\n' | grep '=' | cut -d= -f1); do
			n=$(count_of "$nt" "$c") o=$(count_of "$offered" "$c") l=$(count_of "$left" "$c")
			fixed="$fixed $c ${n}/${o:-0}/$((n - ${l:-0}))"
		done
		[ "$all" = - ] && all=none
		echo "| $repo | $all | ${fixed# } | $okb→$oka | $harm | $idem |"
	done
} | tee "$out/summary.md"
