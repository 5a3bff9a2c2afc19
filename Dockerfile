# session-broker in a container: built with the official Swift toolchain image for Debian 12 (bookworm), run on
# debian:12-slim with only the shared libraries the binary links. The Swift runtime and Foundation are linked in
# statically, so the runtime stage needs no toolchain.
#
#   docker build -t session-broker .
#   docker run -d -p 8080:8080 -v broker-data:/var/lib/session-broker -e BROKER_TOKENS=... session-broker
#
# README.md, section "Container", explains the settings. scripts/check-docker-libraries.sh checks that the runtime
# stage installs every library the release binary links.

ARG SWIFT_IMAGE=swift:6.3.1-bookworm
ARG RUNTIME_IMAGE=debian:12-slim

FROM ${SWIFT_IMAGE} AS build

RUN export DEBIAN_FRONTEND=noninteractive \
    && apt-get -q update \
    && apt-get -q install -y --no-install-recommends libsqlite3-dev libmongoc-dev libbson-dev pkg-config \
    && rm -rf /var/lib/apt/lists/*

WORKDIR /src
# SwiftPM wants the directory of every target the manifest declares, test targets included.
COPY Package.swift ./
COPY Sources ./Sources
COPY Tests ./Tests

# swift-backtrace-static prints a symbolicated backtrace into the log if the broker ever crashes; it links
# nothing beyond glibc, libstdc++ and libgcc.
RUN swift build -c release --static-swift-stdlib --product session-broker \
    && mkdir -p /staging \
    && cp "$(swift build -c release --static-swift-stdlib --show-bin-path)/session-broker" /staging/ \
    && toolchain="$(dirname "$(readlink -f "$(command -v swift)")")/.." \
    && cp "$toolchain/libexec/swift/linux/swift-backtrace-static" /staging/

FROM ${RUNTIME_IMAGE}

# The binary links libsqlite3, libmongoc and libbson; apt brings what those link (OpenSSL, SASL, ICU, snappy,
# libmongocrypt). ca-certificates lets the broker verify a MongoDB server's certificate (tls=true in the URL).
RUN export DEBIAN_FRONTEND=noninteractive \
    && apt-get -q update \
    && apt-get -q install -y --no-install-recommends libsqlite3-0 libmongoc-1.0-0 libbson-1.0-0 ca-certificates \
    && rm -rf /var/lib/apt/lists/*

RUN groupadd --gid 10001 broker \
    && useradd --uid 10001 --gid broker --home-dir /var/lib/session-broker --no-create-home \
        --shell /usr/sbin/nologin broker \
    && install -d -o broker -g broker -m 0750 /var/lib/session-broker

COPY --from=build /staging/session-broker /usr/local/bin/session-broker
COPY --from=build /staging/swift-backtrace-static /usr/local/libexec/swift-backtrace-static
COPY scripts/container-healthcheck.sh /usr/local/bin/session-broker-healthcheck

# Listening on every interface is what a published port needs. The broker refuses to do so without access tokens
# (BROKER_TOKENS) unless BROKER_ALLOW_OPEN_ACCESS=true is set on purpose; the image sets neither.
ENV BROKER_HOST=0.0.0.0 \
    BROKER_PORT=8080 \
    BROKER_SQLITE_PATH=/var/lib/session-broker/broker.sqlite3 \
    SWIFT_BACKTRACE=enable=yes,interactive=no,swift-backtrace=/usr/local/libexec/swift-backtrace-static

WORKDIR /var/lib/session-broker
VOLUME ["/var/lib/session-broker"]
USER 10001:10001
EXPOSE 8080

# GET /healthz on 127.0.0.1:$BROKER_PORT through bash's /dev/tcp, so that the image needs no HTTP client.
HEALTHCHECK --interval=15s --timeout=5s --start-period=10s --retries=3 \
    CMD ["bash", "/usr/local/bin/session-broker-healthcheck"]

STOPSIGNAL SIGTERM
ENTRYPOINT ["session-broker"]
CMD ["serve"]
