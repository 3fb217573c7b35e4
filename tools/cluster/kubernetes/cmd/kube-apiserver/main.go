// kube-apiserver of the pinned release with one flag more for the local test environment:
// --encryption-provider-config-poll-interval sets how often the apiserver re-reads its
// EncryptionConfiguration file (upstream polls every minute; the variable is exported "so that
// integration tests can crank up the reload speed"). Everything else is upstream's
// cmd/kube-apiserver/apiserver.go unchanged: the same command, flags and behaviour.
package main

import (
	"os"
	"time"
	_ "time/tzdata" // for timeZone support in CronJob

	"k8s.io/apiserver/pkg/server/options/encryptionconfig/controller"
	"k8s.io/component-base/cli"
	_ "k8s.io/component-base/logs/json/register"          // for JSON log format registration
	_ "k8s.io/component-base/metrics/prometheus/clientgo" // load all the prometheus client-go plugins
	_ "k8s.io/component-base/metrics/prometheus/version"  // for version metric registration
	"k8s.io/kubernetes/cmd/kube-apiserver/app"
)

func main() {
	command := app.NewAPIServerCommand()
	command.Flags().DurationVar(&controller.EncryptionConfigFileChangePollDuration, "encryption-provider-config-poll-interval",
		time.Minute, "How often the encryption provider config file is re-read when automatic reload is on (secretops test build).")
	code := cli.Run(command)
	os.Exit(code)
}
