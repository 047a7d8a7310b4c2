# Shared by the scripts that drive a running Hearth (bench/run,
# scripts/api-contract). Set SERVER_LOG to the server's log file first.

# A free loopback port, so that nothing else listening can answer for Hearth.
free_port() {
  python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

# Stops the script with a reason and the end of the server's log, so that a
# broken run in CI explains itself.
die() {
  echo "$(basename "$0"): $1" >&2
  echo "--- last lines of the server's log:" >&2
  tail -20 "$SERVER_LOG" >&2 || true
  exit 1
}

# wait_ready URL PID: waits until URL answers, while PID runs, at most 30 s.
wait_ready() {
  local url=$1 pid=$2 tries=0
  until curl -sf -o /dev/null "$url"; do
    kill -0 "$pid" 2>/dev/null || die "the server exited before $url answered"
    tries=$((tries + 1)); [ $tries -lt 15000 ] || die "$url did not answer within 30 s"
    sleep 0.002
  done
  kill -0 "$pid" 2>/dev/null || die "the server exited (is the port taken?)"
}

# seed_token BASE: an API token for the account `hearth seed` makes.
seed_token() {
  local json token
  json=$(curl -s -H 'content-type: application/json' \
    -d '{"username":"bench","password":"hearth seed password"}' "$1/api/v1/tokens")
  token=$(echo "$json" | sed -n 's/.*"token":"\([^"]*\)".*/\1/p')
  [ -n "$token" ] || die "POST /api/v1/tokens gave no token: $json"
  echo "$token"
}
