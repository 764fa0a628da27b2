#!/usr/bin/env bash
# The gate of the keepalivefix GitHub Action (action.yml): runs keepalivefix
# once for SARIF and, when there are findings, once more for workflow
# annotations, and writes a job summary that lists every finding (GitHub
# shows only the first few annotations of a step).
#
# Inputs, from the environment (the action sets them from its inputs):
#   KAF            the keepalivefix binary (default: keepalivefix in PATH)
#   KAF_DIR        directory to run in (default: .)
#   KAF_PACKAGES   packages, space-separated (default: ./...)
#   KAF_BASE       revision to compare with: report only findings that did not
#                  exist there (-new-from-rev); empty: report every finding
#   KAF_ARGS       more flags, space-separated (-checks=..., -tags=...)
#   KAF_SARIF      SARIF file to write, relative to the starting directory
#                  (default: keepalive.sarif); empty: no SARIF
#   KAF_FAIL       "false": exit 0 when there are findings (default: true)
#   GITHUB_STEP_SUMMARY, GITHUB_OUTPUT, GITHUB_SERVER_URL, GITHUB_REPOSITORY,
#   GITHUB_SHA     as the runner sets them; the summary and outputs are
#                  skipped when unset
#
# Outputs (GITHUB_OUTPUT): findings=N, sarif-file=absolute path.
# Exit status: keepalivefix's (0 none, 1 findings, 2 usage, 3 load errors),
# 0 for findings when KAF_FAIL is false.
set -uo pipefail

kaf=${KAF:-keepalivefix}
start=$PWD
sarif=${KAF_SARIF-keepalive.sarif}
if [ -n "$sarif" ] && [ "${sarif#/}" = "$sarif" ]; then
	sarif=$start/$sarif
fi

cd "${KAF_DIR:-.}" || exit 2

flags=()
if [ -n "${KAF_BASE:-}" ]; then
	# A shallow checkout (actions/checkout's default depth 1) lacks the base
	# commit: fetch it rather than fail.
	if ! git cat-file -e "${KAF_BASE}^{commit}" 2>/dev/null; then
		echo "keepalivefix action: fetching $KAF_BASE to compare with" >&2
		git fetch --no-tags --quiet --depth=1 origin "$KAF_BASE" >&2 || true
	fi
	flags+=("-new-from-rev=$KAF_BASE")
fi
# Word splitting is the documented input format of these two.
# shellcheck disable=SC2206
flags+=(${KAF_ARGS:-})
# shellcheck disable=SC2206
packages=(${KAF_PACKAGES:-./...})

tmp=$(mktemp -d) || exit 2
trap 'rm -rf "$tmp"' EXIT

# SARIF first: it is uploaded whatever the outcome, so that code scanning
# also closes the alerts of findings that are gone.
status=0
if [ -n "$sarif" ]; then
	"$kaf" -format=sarif "${flags[@]}" "${packages[@]}" >"$tmp/sarif" 2>"$tmp/stderr"
	status=$?
	cat "$tmp/stderr" >&2
	if [ "$status" -le 1 ]; then
		mkdir -p "$(dirname "$sarif")" && cp "$tmp/sarif" "$sarif"
	fi
fi

# Annotations, only when there is something to annotate (or no SARIF run
# said so): each result of the SARIF log has exactly one "ruleId" key.
: >"$tmp/github"
if [ -z "$sarif" ] || { [ "$status" -eq 1 ] && grep -q '"ruleId":' "$tmp/sarif"; }; then
	"$kaf" -format=github "${flags[@]}" "${packages[@]}" >"$tmp/github" 2>"$tmp/stderr"
	status=$?
	[ -n "$sarif" ] || cat "$tmp/stderr" >&2
	cat "$tmp/github"
fi
findings=$(grep -c '^::warning ' "$tmp/github")

# unescape undoes the workflow command escaping of report.WriteGitHub.
unescape() {
	local s=$1
	s=${s//%0D/$'\r'}
	s=${s//%0A/$'\n'}
	s=${s//%3A/:}
	s=${s//%2C/,}
	s=${s//%25/%}
	printf '%s' "$s"
}

# cell makes text fit a Markdown table cell.
cell() {
	local s=$1
	s=${s//$'\r'/}
	s=${s//|/\\|}
	s=${s//$'\n'/<br>}
	printf '%s' "$s"
}

summary() {
	local what="every finding"
	[ -n "${KAF_BASE:-}" ] && what="findings that did not exist at \`${KAF_BASE}\`"
	echo "## keepalivefix"
	echo
	case $status in
	0 | 1) ;;
	2) echo "keepalivefix could not run (exit status 2, a usage error): see the step's log." ;;
	*) echo "Some packages failed to load or type-check (exit status $status): see the step's log." ;;
	esac
	if [ "$findings" -eq 0 ]; then
		[ "$status" -le 1 ] && echo "No findings (the gate looks for $what)."
		return
	fi
	echo "$findings $( [ "$findings" -eq 1 ] && echo finding || echo findings ) ($what):"
	echo
	echo "| check | where | message |"
	echo "|---|---|---|"
	local line rest props msg file ln title kv
	while IFS= read -r line; do
		case $line in "::warning "*) ;; *) continue ;; esac
		rest=${line#::warning }
		props=${rest%%::*}
		msg=$(unescape "${rest#*::}")
		file="" ln="" title=""
		IFS=, read -r -a kvs <<<"$props"
		for kv in "${kvs[@]}"; do
			case $kv in
			file=*) file=$(unescape "${kv#file=}") ;;
			line=*) ln=${kv#line=} ;;
			title=*) title=$(unescape "${kv#title=}") ;;
			esac
		done
		local where="$file${ln:+:$ln}"
		if [ -n "${GITHUB_SERVER_URL:-}" ] && [ -n "${GITHUB_REPOSITORY:-}" ] && [ -n "${GITHUB_SHA:-}" ]; then
			where="[$(cell "$where")]($GITHUB_SERVER_URL/$GITHUB_REPOSITORY/blob/$GITHUB_SHA/$file${ln:+#L$ln})"
		else
			where="\`$(cell "$where")\`"
		fi
		echo "| $(cell "$title") | $where | $(cell "$msg") |"
	done <"$tmp/github"
}

if [ -n "${GITHUB_STEP_SUMMARY:-}" ]; then
	summary >>"$GITHUB_STEP_SUMMARY"
fi
if [ -n "${GITHUB_OUTPUT:-}" ]; then
	{
		echo "findings=$findings"
		[ -n "$sarif" ] && [ -f "$sarif" ] && echo "sarif-file=$sarif"
	} >>"$GITHUB_OUTPUT"
fi

if [ "$status" -eq 1 ] && [ "${KAF_FAIL:-true}" = "false" ]; then
	exit 0
fi
exit "$status"
