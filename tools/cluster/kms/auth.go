package main

// Vault login (a token file or AppRole) and keeping the token alive (renew, or log in again).

import (
	"context"
	"encoding/json"
	"fmt"
	"log"
	"os"
	"strings"
	"time"

	vault "github.com/hashicorp/vault/api"
)

const retryInterval = 10 * time.Second

type authenticator struct {
	client *vault.Client
	opts   *options
	ttl    time.Duration // 0: the token never expires
}

func readSecretFile(path string) (string, error) {
	raw, err := os.ReadFile(path)
	if err != nil {
		return "", err
	}
	value := strings.TrimSpace(string(raw))
	if value == "" {
		return "", fmt.Errorf("%s is empty", path)
	}
	return value, nil
}

func newAuthenticator(ctx context.Context, opts *options) (*authenticator, error) {
	config := vault.DefaultConfig()
	config.Address = opts.vaultAddr
	config.Timeout = opts.timeout
	if opts.caCert != "" {
		if err := config.ConfigureTLS(&vault.TLSConfig{CACert: opts.caCert}); err != nil {
			return nil, err
		}
	}
	client, err := vault.NewClient(config)
	if err != nil {
		return nil, err
	}
	// The token comes from our own options only, never from the environment's VAULT_TOKEN.
	client.ClearToken()
	a := &authenticator{client: client, opts: opts}
	return a, a.login(ctx)
}

func (a *authenticator) login(ctx context.Context) error {
	if a.opts.tokenFile != "" {
		token, err := readSecretFile(a.opts.tokenFile)
		if err != nil {
			return err
		}
		a.client.SetToken(token)
		self, err := a.client.Auth().Token().LookupSelfWithContext(ctx)
		if err != nil {
			return fmt.Errorf("token lookup-self: %w", err)
		}
		a.ttl = 0
		if ttl, ok := self.Data["ttl"].(json.Number); ok {
			seconds, _ := ttl.Int64()
			a.ttl = time.Duration(seconds) * time.Second
		}
		return nil
	}
	roleID, err := readSecretFile(a.opts.roleIDFile)
	if err != nil {
		return err
	}
	secretID, err := readSecretFile(a.opts.secretIDFile)
	if err != nil {
		return err
	}
	path := "auth/" + strings.Trim(a.opts.approleMount, "/") + "/login"
	secret, err := a.client.Logical().WriteWithContext(ctx, path, map[string]interface{}{"role_id": roleID, "secret_id": secretID})
	if err != nil {
		return fmt.Errorf("approle login: %w", err)
	}
	if secret == nil || secret.Auth == nil || secret.Auth.ClientToken == "" {
		return fmt.Errorf("approle login: no token in the response")
	}
	a.client.SetToken(secret.Auth.ClientToken)
	a.ttl = time.Duration(secret.Auth.LeaseDuration) * time.Second
	return nil
}

// keepAlive renews the token at two thirds of its TTL; when renewal fails or the TTL stops growing
// (max TTL reached) it logs in again, from AppRole or by re-reading the token file.
func (a *authenticator) keepAlive(ctx context.Context) {
	for {
		if a.ttl <= 0 {
			return // a token without expiry needs no renewal
		}
		wait := a.ttl * 2 / 3
		select {
		case <-ctx.Done():
			return
		case <-time.After(wait):
		}
		previous := a.ttl
		secret, err := a.client.Auth().Token().RenewSelfWithContext(ctx, int(previous.Seconds()))
		if err == nil && secret != nil && secret.Auth != nil && time.Duration(secret.Auth.LeaseDuration)*time.Second >= previous {
			a.ttl = time.Duration(secret.Auth.LeaseDuration) * time.Second
			log.Printf("secretops-kms-plugin: token renewed for %s", a.ttl)
			continue
		}
		if err != nil {
			log.Printf("secretops-kms-plugin: token renewal failed, logging in again: %v", err)
		}
		for {
			if err := a.login(ctx); err == nil {
				log.Printf("secretops-kms-plugin: logged in again")
				break
			} else {
				log.Printf("secretops-kms-plugin: login failed, retrying in %s: %v", retryInterval, err)
			}
			select {
			case <-ctx.Done():
				return
			case <-time.After(retryInterval):
			}
		}
	}
}
