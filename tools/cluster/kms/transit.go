package main

// The KMS v2 service: Encrypt/Decrypt/Status through Transit, key id from the Transit key version.

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/base64"
	"fmt"
	"strings"
	"time"

	vault "github.com/hashicorp/vault/api"
	"k8s.io/kms/pkg/service"
)

const apiVersion = "v2"

type transitService struct {
	client  *vault.Client
	mount   string
	key     string
	timeout time.Duration
}

var _ service.Service = (*transitService)(nil)

// keyID is what the apiserver stores in clear in each envelope: the mount, the key and its version
// (from Transit's "vault:vN:" ciphertext prefix).
func (t *transitService) keyID(ciphertext string) (string, error) {
	parts := strings.SplitN(ciphertext, ":", 3)
	if len(parts) != 3 || parts[0] != "vault" || !strings.HasPrefix(parts[1], "v") {
		return "", fmt.Errorf("transit returned a ciphertext without a version prefix")
	}
	return strings.Trim(t.mount, "/") + "/" + t.key + ":" + parts[1], nil
}

func (t *transitService) path(op string) string {
	return strings.Trim(t.mount, "/") + "/" + op + "/" + t.key
}

func (t *transitService) encrypt(ctx context.Context, data []byte) (string, error) {
	ctx, cancel := context.WithTimeout(ctx, t.timeout)
	defer cancel()
	secret, err := t.client.Logical().WriteWithContext(ctx, t.path("encrypt"), map[string]interface{}{
		"plaintext": base64.StdEncoding.EncodeToString(data),
	})
	if err != nil {
		return "", fmt.Errorf("transit encrypt with key %q: %w", t.key, err)
	}
	if secret == nil {
		return "", fmt.Errorf("transit encrypt with key %q: empty response", t.key)
	}
	ciphertext, _ := secret.Data["ciphertext"].(string)
	if ciphertext == "" {
		return "", fmt.Errorf("transit encrypt with key %q: no ciphertext in the response", t.key)
	}
	return ciphertext, nil
}

func (t *transitService) decrypt(ctx context.Context, ciphertext string) ([]byte, error) {
	ctx, cancel := context.WithTimeout(ctx, t.timeout)
	defer cancel()
	secret, err := t.client.Logical().WriteWithContext(ctx, t.path("decrypt"), map[string]interface{}{
		"ciphertext": ciphertext,
	})
	if err != nil {
		return nil, fmt.Errorf("transit decrypt with key %q: %w", t.key, err)
	}
	if secret == nil {
		return nil, fmt.Errorf("transit decrypt with key %q: empty response", t.key)
	}
	encoded, _ := secret.Data["plaintext"].(string)
	plaintext, err := base64.StdEncoding.DecodeString(encoded)
	if err != nil {
		return nil, fmt.Errorf("transit decrypt with key %q: the plaintext is not base64", t.key)
	}
	return plaintext, nil
}

// Encrypt seals the apiserver's data key (or its seed) with the current Transit key version.
func (t *transitService) Encrypt(ctx context.Context, _ string, data []byte) (*service.EncryptResponse, error) {
	ciphertext, err := t.encrypt(ctx, data)
	if err != nil {
		return nil, err
	}
	keyID, err := t.keyID(ciphertext)
	if err != nil {
		return nil, err
	}
	return &service.EncryptResponse{Ciphertext: []byte(ciphertext), KeyID: keyID}, nil
}

// Decrypt opens a sealed data key; the ciphertext names its own Transit version.
func (t *transitService) Decrypt(ctx context.Context, _ string, req *service.DecryptRequest) ([]byte, error) {
	return t.decrypt(ctx, string(req.Ciphertext))
}

// Status round-trips a random probe: healthy only when both encrypt and decrypt work, and the key
// id is the version Transit encrypts with now (a rotation shows here first).
func (t *transitService) Status(ctx context.Context) (*service.StatusResponse, error) {
	probe := make([]byte, 16)
	if _, err := rand.Read(probe); err != nil {
		return nil, err
	}
	ciphertext, err := t.encrypt(ctx, probe)
	if err != nil {
		return nil, err
	}
	opened, err := t.decrypt(ctx, ciphertext)
	if err != nil {
		return nil, err
	}
	if !bytes.Equal(opened, probe) {
		return nil, fmt.Errorf("transit key %q: the probe did not round-trip", t.key)
	}
	keyID, err := t.keyID(ciphertext)
	if err != nil {
		return nil, err
	}
	return &service.StatusResponse{Version: apiVersion, Healthz: "ok", KeyID: keyID}, nil
}
