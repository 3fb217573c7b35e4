package main

import "testing"

func TestKeyIDFollowsTheTransitVersion(t *testing.T) {
	s := &transitService{mount: "/transit/", key: "k8s"}
	id, err := s.keyID("vault:v12:c2VhbGVk")
	if err != nil || id != "transit/k8s:v12" {
		t.Fatalf("keyID = %q, %v", id, err)
	}
	for _, bad := range []string{"", "v1:abc", "vault:x1:abc", "vault:v1"} {
		if _, err := s.keyID(bad); err == nil {
			t.Errorf("keyID(%q) accepted a ciphertext without a version", bad)
		}
	}
}

func TestFlagsNeedExactlyOneAuth(t *testing.T) {
	base := []string{"--key=k", "--vault-addr=http://127.0.0.1:8200"}
	if _, err := parseFlags(base); err == nil {
		t.Error("no auth accepted")
	}
	if _, err := parseFlags(append(base, "--token-file=/t", "--role-id-file=/r", "--secret-id-file=/s")); err == nil {
		t.Error("two auths accepted")
	}
	if _, err := parseFlags(append(base, "--role-id-file=/r")); err == nil {
		t.Error("AppRole without secret_id accepted")
	}
	if _, err := parseFlags(append(base, "--token-file=/t")); err != nil {
		t.Errorf("token auth refused: %v", err)
	}
}
