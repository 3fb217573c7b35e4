// Command secretops-kms-plugin is a Kubernetes KMS v2 plugin whose key encryption key is a Vault or
// OpenBao Transit key: kube-apiserver's data keys are sealed by Transit encrypt and opened by
// Transit decrypt, and the key id it reports follows the Transit key version, so a rotation of the
// Transit key makes the apiserver switch to a new data key.
//
// It never logs plaintext, data keys, ciphertext or tokens: log lines name the key, its version and
// the Vault error.
package main

import (
	"context"
	"flag"
	"fmt"
	"log"
	"os"
	"os/signal"
	"syscall"
	"time"

	"k8s.io/kms/pkg/service"
)

type options struct {
	listen         string
	vaultAddr      string
	caCert         string
	mount          string
	key            string
	tokenFile      string
	approleMount   string
	roleIDFile     string
	secretIDFile   string
	timeout        time.Duration
	probeOnStartup bool
}

func parseFlags(args []string) (*options, error) {
	o := &options{}
	fs := flag.NewFlagSet("secretops-kms-plugin", flag.ContinueOnError)
	fs.StringVar(&o.listen, "listen", "/var/run/secretops-kms/kms.sock", "unix socket the apiserver connects to")
	fs.StringVar(&o.vaultAddr, "vault-addr", os.Getenv("VAULT_ADDR"), "Vault/OpenBao address (default $VAULT_ADDR)")
	fs.StringVar(&o.caCert, "vault-cacert", os.Getenv("VAULT_CACERT"), "CA bundle that verifies Vault's certificate")
	fs.StringVar(&o.mount, "transit-mount", "transit", "mount path of the Transit secrets engine")
	fs.StringVar(&o.key, "key", "", "name of the Transit key (required)")
	fs.StringVar(&o.tokenFile, "token-file", "", "file holding a Vault token (token auth)")
	fs.StringVar(&o.approleMount, "approle-mount", "approle", "mount path of the AppRole auth method")
	fs.StringVar(&o.roleIDFile, "role-id-file", "", "file holding the AppRole role_id (AppRole auth)")
	fs.StringVar(&o.secretIDFile, "secret-id-file", "", "file holding the AppRole secret_id (AppRole auth)")
	fs.DurationVar(&o.timeout, "timeout", 10*time.Second, "timeout of one gRPC call and of one Vault request")
	fs.BoolVar(&o.probeOnStartup, "probe", true, "encrypt and decrypt a probe at startup and exit non-zero if either is refused")
	if err := fs.Parse(args); err != nil {
		return nil, err
	}
	if o.key == "" {
		return nil, fmt.Errorf("--key is required")
	}
	if o.vaultAddr == "" {
		return nil, fmt.Errorf("--vault-addr (or VAULT_ADDR) is required")
	}
	if (o.tokenFile == "") == (o.roleIDFile == "") {
		return nil, fmt.Errorf("give exactly one of --token-file and --role-id-file (with --secret-id-file)")
	}
	if o.roleIDFile != "" && o.secretIDFile == "" {
		return nil, fmt.Errorf("--role-id-file needs --secret-id-file")
	}
	return o, nil
}

func main() {
	log.SetFlags(log.LstdFlags | log.LUTC)
	opts, err := parseFlags(os.Args[1:])
	if err != nil {
		log.Fatalf("secretops-kms-plugin: %v", err)
	}
	ctx, cancel := signal.NotifyContext(context.Background(), syscall.SIGINT, syscall.SIGTERM)
	defer cancel()

	auth, err := newAuthenticator(ctx, opts)
	if err != nil {
		log.Fatalf("secretops-kms-plugin: vault login: %v", err)
	}
	go auth.keepAlive(ctx)
	transit := &transitService{client: auth.client, mount: opts.mount, key: opts.key, timeout: opts.timeout}
	if opts.probeOnStartup {
		// Fail loudly now (a token without encrypt or decrypt on the key), never half-way later.
		status, err := transit.Status(ctx)
		if err != nil {
			log.Fatalf("secretops-kms-plugin: startup probe on key %q failed: %v", opts.key, err)
		}
		log.Printf("secretops-kms-plugin: key %q usable, key id %s", opts.key, status.KeyID)
	}
	if err := os.Remove(opts.listen); err != nil && !os.IsNotExist(err) {
		log.Fatalf("secretops-kms-plugin: removing stale socket: %v", err)
	}
	server := service.NewGRPCService(opts.listen, opts.timeout, transit)
	go func() {
		<-ctx.Done()
		server.Shutdown()
	}()
	log.Printf("secretops-kms-plugin: serving KMS v2 on %s", opts.listen)
	if err := server.ListenAndServe(); err != nil && ctx.Err() == nil {
		log.Fatalf("secretops-kms-plugin: %v", err)
	}
	log.Printf("secretops-kms-plugin: stopped")
}
