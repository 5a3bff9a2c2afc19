#!/usr/bin/env bash
# The container image's HEALTHCHECK: GET /healthz from the broker on 127.0.0.1:$BROKER_PORT (default 8080) through
# bash's /dev/tcp, so the image needs no HTTP client. Exit status 0 when the broker answers 200 within 5 seconds,
# non-zero when nothing listens, the answer is late or it is another status.
set -euo pipefail

port=${BROKER_PORT:-8080}
exec 3<>"/dev/tcp/127.0.0.1/$port"
printf 'GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n' >&3
read -r -t 5 _ status _ <&3
[[ $status == 200 ]]
