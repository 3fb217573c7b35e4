// The test workload of the local environment's real node: a consumer of Secrets
// (cmd/consumer) and the pod sandbox's pause program (cmd/pause), built as static
// binaries into the images tools/cluster/images.py writes.
module secretops.local/cluster/consumer

go 1.26.0

require github.com/jackc/pgx/v5 v5.13.0

require (
	github.com/jackc/pgpassfile v1.0.0 // indirect
	github.com/jackc/pgservicefile v0.0.0-20240606120523-5a60cdf6a761 // indirect
	golang.org/x/text v0.41.0 // indirect
)
