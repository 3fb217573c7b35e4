// Command pause is the pod sandbox's process: it holds the pod's namespaces and
// exits at once on SIGTERM or SIGINT (PID 1 has no default signal handling).
package main

import (
	"os"
	"os/signal"
	"syscall"
)

func main() {
	signals := make(chan os.Signal, 1)
	signal.Notify(signals, syscall.SIGTERM, syscall.SIGINT)
	<-signals
}
