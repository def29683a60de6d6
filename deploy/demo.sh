#!/usr/bin/env bash
# The one-command demo: installs Debian packages, builds patentmatchd and the
# `patentmatch` client, starts the server in the background, imports the
# shared patent data, registers the sample organisations and needs, shows
# explained matches for every sample need, and takes one suggestion through
# a commissioner's review with real tokens for each role. The server keeps
# running at the end so you can try the client yourself.
#
#   deploy/demo.sh [--skip-install]
#
# Environment: PORT (default 50051), PATENTMATCH_DATA (default
# ./demo-data), SHARED_DATA (default ../shared/data), TOP (matches per need,
# default 5).
#
# Re-running is safe: an already running server on PORT is reused, imports
# update the listings they created before, and the sample needs are only
# submitted once per data directory (their ids are kept in
# $PATENTMATCH_DATA/sample-demands.tsv; delete it to submit them again).
#
# Tokens: the server writes the administrator token to
# $PATENTMATCH_DATA/admin.token (mode 0600) on first start; the demo uses it,
# and keeps the sample commissioner and company tokens it issues in
# $PATENTMATCH_DATA/tokens/ (mode 0600).
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."
ROOT="$PWD"

SKIP_INSTALL=0
for arg in "$@"; do
  case "$arg" in
    --skip-install) SKIP_INSTALL=1 ;;
    -h | --help)
      sed -n '2,25p' "$0" | sed 's/^# \{0,1\}//'
      exit 0
      ;;
    *)
      echo "demo.sh: unknown argument '$arg' (try --help)" >&2
      exit 2
      ;;
  esac
done

PORT="${PORT:-50051}"
DATA_DIR="${PATENTMATCH_DATA:-$ROOT/demo-data}"
SHARED_DATA="${SHARED_DATA:-$ROOT/../shared/data}"
if [[ ! -d "$SHARED_DATA" ]]; then
  echo "demo.sh: no shared data at $SHARED_DATA (set SHARED_DATA)" >&2
  exit 1
fi
SHARED_DATA="$(cd "$SHARED_DATA" && pwd)"
TOP="${TOP:-5}"
ADDRESS="127.0.0.1:${PORT}"
BUILD_DIR="$ROOT/build"
CLI="$BUILD_DIR/bin/patentmatch"
DAEMON="$BUILD_DIR/bin/patentmatchd"
LOG="$DATA_DIR/patentmatchd.log"
PID_FILE="$DATA_DIR/patentmatchd.pid"
DEMANDS_FILE="$DATA_DIR/sample-demands.tsv"

step() { printf '\n==> %s\n' "$*"; }
pm() { "$CLI" --server="$ADDRESS" "$@"; }
TOKENS_DIR="$DATA_DIR/tokens"
# As another account: run_as TOKEN_NAME pm-args...
run_as() {
  local who="$1"
  shift
  PATENTMATCH_TOKEN_FILE="$TOKENS_DIR/$who.token" pm "$@"
}

# --- 1. Packages -----------------------------------------------------------
step "1/8 Installing Debian packages"
if [[ "$SKIP_INSTALL" == 1 ]]; then
  echo "skipped (--skip-install)"
else
  bash deploy/install-deps.sh
fi

# --- 2. Build --------------------------------------------------------------
step "2/8 Building patentmatchd and patentmatch (RelWithDebInfo, Ninja)"
CMAKE_ARGS=(-S "$ROOT" -B "$BUILD_DIR" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo)
cmake "${CMAKE_ARGS[@]}"
cmake --build "$BUILD_DIR" --parallel "$(nproc 2>/dev/null || echo 2)" \
  --target patentmatchd patentmatch

# --- 3. Server -------------------------------------------------------------
step "3/8 Starting patentmatchd on $ADDRESS (data in $DATA_DIR)"
mkdir -p "$DATA_DIR"
STARTED_HERE=0
if pm --deadline_ms=2000 health >/dev/null 2>&1; then
  echo "a server is already answering on $ADDRESS: using it"
else
  nohup "$DAEMON" --data_dir="$DATA_DIR" --listen="$ADDRESS" \
    >>"$LOG" 2>&1 </dev/null &
  SERVER_PID=$!
  echo "$SERVER_PID" >"$PID_FILE"
  STARTED_HERE=1
  echo "started pid $SERVER_PID, log $LOG"
  deadline=$((SECONDS + 60))
  until pm --deadline_ms=2000 health >/dev/null 2>&1; do
    if ! kill -0 "$SERVER_PID" 2>/dev/null || ((SECONDS >= deadline)); then
      echo "patentmatchd did not become healthy within 60 s; last log lines:" >&2
      tail -n 30 "$LOG" >&2 || true
      kill "$SERVER_PID" 2>/dev/null || true
      exit 1
    fi
    sleep 0.5
  done
fi
pm health
export PATENTMATCH_TOKEN_FILE="$DATA_DIR/admin.token"
if [[ ! -r "$PATENTMATCH_TOKEN_FILE" ]]; then
  echo "no administrator token at $PATENTMATCH_TOKEN_FILE: is the server on $ADDRESS" >&2
  echo "using another data directory? (set PATENTMATCH_DATA or PORT)" >&2
  exit 1
fi
echo "administrator token: $PATENTMATCH_TOKEN_FILE"
pm token whoami

# --- 4. Patents ------------------------------------------------------------
step "4/8 Importing patents from $SHARED_DATA"
# Exit 3 means some records were rejected (each is reported above); the
# good ones are kept, so the demo goes on.
pm patent import \
  "$SHARED_DATA/cn_titles_ipc.csv" \
  "$SHARED_DATA/cn_abstracts_keyphrases.jsonl" \
  "$SHARED_DATA/us_patents.csv" || [[ $? -eq 3 ]]

# --- 5. Sample organisations and needs ------------------------------------
step "5/8 Registering sample organisations and needs (labelled samples, not real)"
pm org register --file=clients/samples/organisations.jsonl >/dev/null
pm org list --page_size=100

# Reuse the needs submitted by an earlier run when they still exist.
reuse=0
if [[ -s "$DEMANDS_FILE" ]]; then
  reuse=1
  while IFS=$'\t' read -r id _; do
    if ! pm demand get "$id" >/dev/null 2>&1; then
      reuse=0
      break
    fi
  done <"$DEMANDS_FILE"
fi
if [[ "$reuse" == 1 ]]; then
  echo "sample needs already submitted by an earlier run (see $DEMANDS_FILE)"
else
  # --json prints one Demand per line; the id is its first field.
  # A rejected need is reported on stderr and does not stop the demo.
  { pm --json demand submit --file=clients/samples/needs.jsonl || true; } |
    sed -n 's/^{"id":"\([^"]*\)".*"title":"\([^"]*\)".*/\1\t\2/p' \
      >"$DEMANDS_FILE.tmp"
  mv "$DEMANDS_FILE.tmp" "$DEMANDS_FILE"
  if [[ ! -s "$DEMANDS_FILE" ]]; then
    echo "no sample need was accepted; see the errors above" >&2
    exit 1
  fi
  echo "submitted $(wc -l <"$DEMANDS_FILE") sample needs (ids in $DEMANDS_FILE)"
fi

# --- 6. Matches ------------------------------------------------------------
step "6/8 Explained matches for each sample need (top $TOP)"
while IFS=$'\t' read -r id title; do
  printf '\n--- need %s: %s\n' "$id" "$title"
  pm match demand "$id" --top="$TOP" || echo "(matching failed for $id)"
done <"$DEMANDS_FILE"

# --- 7. Review -------------------------------------------------------------
step "7/8 Review: a commissioner takes one suggestion from the queue to approval"
IFS=$'\t' read -r NEED_ID NEED_TITLE < <(sed -n 2p "$DEMANDS_FILE")
read -r NEED_ORG NEED_DISTRICT < <(pm --json demand get "$NEED_ID" |
  python3 -c 'import json,sys; d=json.load(sys.stdin); print(d["organisation_id"], d.get("district","DISTRICT_UNSPECIFIED"))')
mkdir -p "$TOKENS_DIR"
chmod 700 "$TOKENS_DIR"
issue() {  # issue NAME pm-token-issue-args...: once per data directory
  local name="$1"
  shift
  if [[ ! -s "$TOKENS_DIR/$name.token" ]]; then
    (umask 077 && pm token issue "$@" >"$TOKENS_DIR/$name.token")
  fi
}
issue commissioner --role=commissioner --districts="$NEED_DISTRICT" \
  --name="示例特派员（样例） sample commissioner"
issue company --role=member --org="$NEED_ORG" --name="样例企业联系人 sample company member"
pm token list
echo
echo "need $NEED_ID ($NEED_TITLE), company $NEED_ORG, district $NEED_DISTRICT"
echo "-- the company cannot rank patents itself: every suggestion goes through a commissioner"
run_as company match demand "$NEED_ID" || true
echo "-- the commissioner proposes suggestions into the queue"
run_as commissioner review propose "$NEED_ID" --top_k=5
run_as commissioner review queue --demand="$NEED_ID"
SUGGESTION="$(run_as commissioner --json review queue --demand="$NEED_ID" --states=suggested |
  sed -n '1s/^{"id":"\([^"]*\)".*/\1/p')"
if [[ -n "$SUGGESTION" ]]; then
  echo "-- claim, approve the best, reject the next as not relevant (the ranking learns)"
  run_as commissioner review claim "$SUGGESTION"
  run_as commissioner review approve "$SUGGESTION" --note="样例：技术对口，建议对接"
  NEXT="$(run_as commissioner --json review queue --demand="$NEED_ID" --states=suggested |
    sed -n '1s/^{"id":"\([^"]*\)".*/\1/p')"
  if [[ -n "$NEXT" ]]; then
    run_as commissioner review claim "$NEXT"
    run_as commissioner review reject "$NEXT" --reason=not_relevant --note="样例：领域不符"
  fi
else
  SUGGESTION="$(run_as commissioner --json review queue --demand="$NEED_ID" --states=approved |
    sed -n '1s/^{"id":"\([^"]*\)".*/\1/p')"
  echo "(reviewed in an earlier run of the demo)"
fi
echo "-- what the company now sees: its approved suggestion, with its own contact"
run_as company review queue
[[ -n "$SUGGESTION" ]] && run_as company review show "$SUGGESTION"
echo "-- the audit trail of that suggestion, and the weights the decisions taught"
[[ -n "$SUGGESTION" ]] && pm audit --kind=suggestion --id="$SUGGESTION"
pm weights show

# --- 8. Done ---------------------------------------------------------------
step "8/8 Done"
PID="$(cat "$PID_FILE" 2>/dev/null || true)"
cat <<EOF
patentmatchd is still running.
  address:   $ADDRESS   (e.g. $CLI --server=$ADDRESS patent search "锂电池")
  token:     export PATENTMATCH_TOKEN_FILE=$DATA_DIR/admin.token   (administrator)
             sample commissioner and company tokens: $TOKENS_DIR/
  data dir:  $DATA_DIR
  log:       $LOG
EOF
if [[ "$STARTED_HERE" == 1 || -n "$PID" ]]; then
  echo "  stop it:   kill ${PID:-<pid>}   (pid is kept in $PID_FILE)"
else
  echo "  stop it:   it was already running before this demo; stop it the way it was started"
fi
cat <<EOF
  start it again:
    nohup $DAEMON --data_dir=$DATA_DIR --listen=$ADDRESS >>$LOG 2>&1 &
    echo \$! >$PID_FILE
  or re-run: deploy/demo.sh --skip-install
EOF
