# The hub as a container image: a static binary on a distroless base.
# docs/deploy.md. The Go image is the version go.mod asks for (go 1.26.8);
# GOTOOLCHAIN=local makes a mismatch fail instead of downloading another Go.
FROM golang:1.26.8 AS build
ENV GOTOOLCHAIN=local
WORKDIR /src
COPY go.mod go.sum ./
RUN go mod download
COPY . .
RUN CGO_ENABLED=0 go build -trimpath -ldflags="-s -w" -o /out/hub ./cmd/hub

FROM gcr.io/distroless/static-debian12:nonroot
COPY --from=build /out/hub /hub
EXPOSE 8080
USER nonroot:nonroot
# Distroless has no shell and no curl: the hub asks its own /readyz, at
# the address serve listens on ($HUB_HTTP_ADDR, default :8080).
HEALTHCHECK --interval=10s --timeout=5s --start-period=20s --retries=3 CMD ["/hub", "healthcheck"]
ENTRYPOINT ["/hub"]
CMD ["serve"]
