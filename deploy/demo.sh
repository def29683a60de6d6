#!/usr/bin/env bash
# The one-command demo: installs Debian packages, builds patentmatchd and the
# `patentmatch` client, starts the server in the background, imports the
# shared patent data, registers the sample organisations and needs, shows
# explained matches for every sample need, lets the sample holders list real
# patents and shows what precise push suggested, takes one suggestion through
# a commissioner's review with real tokens for each role, then plans a
# docking event (agendas as table, CSV and HTML, a late cancellation, a
# meeting outcome) and exports a point-to-point short list. The server keeps
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
step "1/11 Installing Debian packages"
if [[ "$SKIP_INSTALL" == 1 ]]; then
  echo "skipped (--skip-install)"
else
  bash deploy/install-deps.sh
fi

# --- 2. Build --------------------------------------------------------------
step "2/11 Building patentmatchd and patentmatch (RelWithDebInfo, Ninja)"
CMAKE_ARGS=(-S "$ROOT" -B "$BUILD_DIR" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo)
cmake "${CMAKE_ARGS[@]}"
cmake --build "$BUILD_DIR" --parallel "$(nproc 2>/dev/null || echo 2)" \
  --target patentmatchd patentmatch

# --- 3. Server -------------------------------------------------------------
step "3/11 Starting patentmatchd on $ADDRESS (data in $DATA_DIR)"
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
step "4/11 Importing patents from $SHARED_DATA"
# Exit 3 means some records were rejected (each is reported above); the
# good ones are kept, so the demo goes on.
pm patent import \
  "$SHARED_DATA/cn_titles_ipc.csv" \
  "$SHARED_DATA/cn_abstracts_keyphrases.jsonl" \
  "$SHARED_DATA/us_patents.csv" || [[ $? -eq 3 ]]

# --- 5. Sample organisations and needs ------------------------------------
step "5/11 Registering sample organisations and needs (labelled samples, not real)"
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
step "6/11 Explained matches for each sample need (top $TOP)"
while IFS=$'\t' read -r id title; do
  printf '\n--- need %s: %s\n' "$id" "$title"
  pm match demand "$id" --top="$TOP" || echo "(matching failed for $id)"
done <"$DEMANDS_FILE"

# --- 7. Precise push -------------------------------------------------------
step "7/11 Precise push: sample holders list real patents; push finds who they fit"
# Push works in the background: let it finish with the needs first, then
# note where the suggestion feed stands.
pm review push-status --wait=300 >/dev/null
feed_end() { pm --json review watch --backlog_only 2>/dev/null | tail -n 1 |
  sed -n 's/.*"position":"\{0,1\}\([0-9]*\).*/\1/p'; }
BEFORE="$(feed_end)"
BEFORE="${BEFORE:-0}"
echo "clients/samples/listings.jsonl: 49 real patents (text from the shared data) that the"
echo "sample holders offer; owners and terms are samples. Push ranks them for every open need"
echo "and incubation-pool company, within its limits (the best are kept):"
pm review push-status | sed -n 2p
pm patent import clients/samples/listings.jsonl || [[ $? -eq 3 ]]
pm review push-status --wait=300
last="$(pm --json review watch --after="$BEFORE" --backlog_only 2>/dev/null | wc -l)"
echo "-- $last new suggestions entered the review queue from this import; the first 10:"
pm review watch --after="$BEFORE" --backlog_only --max=10 2>/dev/null
echo "(follow new suggestions live with: patentmatch review watch --after=N)"

# --- 8. Review -------------------------------------------------------------
step "8/11 Review: a commissioner takes one suggestion from the queue to approval"
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
echo "-- precise push put the best pairs into the queue when the need was submitted;"
echo "   proposing adds only pairs not yet suggested"
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

# --- 9. Docking event -------------------------------------------------------
step "9/11 Docking event: who meets whom, when (exact plan), agendas, a late cancellation"
EVENT_DIR="$DATA_DIR/event"
mkdir -p "$EVENT_DIR"
EVENT_FILE="$DATA_DIR/demo-event.id"
EVENT=""
if [[ -s "$EVENT_FILE" ]] && pm event show "$(cat "$EVENT_FILE")" >/dev/null 2>&1; then
  EVENT="$(cat "$EVENT_FILE")"
  echo "event $EVENT was planned by an earlier run of the demo"
  pm event show "$EVENT"
else
  EVENT="$(pm --json event create --name="江门专利技术供需对接会（样例）" \
    --date=2026-12-18 --start=09:00 --slots=6 --slot_minutes=20 --tables=4 \
    --max_per_company=3 --max_per_holder=6 --venue="江门示例会议中心（样例）" --sample |
    sed -n 's/^{"id":"\([^"]*\)".*/\1/p')"
  echo "$EVENT" >"$EVENT_FILE"
  echo "created $EVENT: 6 slots of 20 min, 4 tables, at most 3 meetings per company"
  for org in 03 04 05 06 07 08 09 10 11 12 13 14 15 16 17; do
    pm event register "$EVENT" "sample-org-$org" --side=company >/dev/null
  done
  echo "registered 15 sample companies with their open needs"
  for org in 01 02 18 19; do
    pm event register "$EVENT" "sample-org-$org" --side=holder
  done
  echo "-- wishes and refusals: the paper mill asks for Wuyi University; the sports company refuses the institute"
  pm event prefer "$EVENT" --company=sample-org-09 --holder=sample-org-01 --by=company --want
  pm event prefer "$EVENT" --company=sample-org-16 --holder=sample-org-02 --by=company --refuse
  pm event plan "$EVENT"
  echo "-- a late cancellation: the garment company cannot come; every other meeting stays where it is"
  pm event cancel "$EVENT" --org=sample-org-14 --reason="【样例】临时出差"
  echo "-- after the event: the chenpi company's first meeting ends in a follow-up,"
  echo "   which moves its suggestion along the review workflow"
  MEETING="$(pm --json event agenda "$EVENT" --org=sample-org-08 |
    python3 -c 'import json,sys; a=json.load(sys.stdin); print(next((m["id"] for m in a.get("meetings",[]) if m.get("status")=="MEETING_SCHEDULED"),""))')"
  [[ -n "$MEETING" ]] && pm event outcome "$EVENT" "$MEETING" --outcome=follow_up \
    --note="【样例】双方约定下周到校考察"
fi
echo "-- one company's agenda, with each meeting's explanation"
pm event agenda "$EVENT" --org=sample-org-08
pm event agenda "$EVENT" --format=csv --out="$EVENT_DIR/agenda.csv"
pm event agenda "$EVENT" --format=html --out="$EVENT_DIR/agenda.html"
pm event agenda "$EVENT" --org=sample-org-08 --format=html --out="$EVENT_DIR/agenda-sample-org-08.html"

# --- 10. Point-to-point ------------------------------------------------------
step "10/11 Point-to-point service: a short list for one company, explained and exported"
pm shortlist sample-org-12 --per_need=3
pm shortlist sample-org-12 --per_need=3 --format=html --out="$EVENT_DIR/shortlist-sample-org-12.html"
echo "printable files: $EVENT_DIR/ (agenda.html, agenda.csv, agenda-sample-org-08.html, shortlist-sample-org-12.html)"

# --- 8. Done ---------------------------------------------------------------
step "11/11 Done"
PID="$(cat "$PID_FILE" 2>/dev/null || true)"
cat <<EOF
patentmatchd is still running.
  address:   $ADDRESS   (e.g. $CLI --server=$ADDRESS patent search "锂电池")
  token:     export PATENTMATCH_TOKEN_FILE=$DATA_DIR/admin.token   (administrator)
             sample commissioner and company tokens: $TOKENS_DIR/
  event:     $EVENT (agendas and short list in $EVENT_DIR/)
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
