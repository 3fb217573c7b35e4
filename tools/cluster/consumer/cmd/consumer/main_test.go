package main

import (
	"os"
	"path/filepath"
	"testing"
)

// The same vector tests/unit/tools/cluster/test_consumer.py checks against real_node_support.digest.
func TestDigestMatchesTheTestsVector(t *testing.T) {
	got := digest([]byte("k"), map[string][]byte{"password": []byte("p")})
	if got != "a7749d61abf5a45fcf646d68ad4ba4ed54dd7071c34961a097f0c5579a2f9be9" {
		t.Fatalf("digest = %s", got)
	}
	two := digest([]byte("k"), map[string][]byte{"username": []byte("u"), "password": []byte("p")})
	if two != "213251034da9a0a786ee9655e5cc6c10608c9d9d8aaedef1eed107c3760d8117" {
		t.Fatalf("digest of two = %s", two)
	}
}

// A mounted Secret as the kubelet lays it out: files link through ..data to one version's directory.
func TestVolumeReadsOneVersionThroughDataLink(t *testing.T) {
	dir := t.TempDir()
	version := filepath.Join(dir, "..2026_12_07_v1")
	if err := os.Mkdir(version, 0o755); err != nil {
		t.Fatal(err)
	}
	for name, value := range map[string]string{"username": "u", "password": "p"} {
		if err := os.WriteFile(filepath.Join(version, name), []byte(value), 0o644); err != nil {
			t.Fatal(err)
		}
		if err := os.Symlink(filepath.Join("..data", name), filepath.Join(dir, name)); err != nil {
			t.Fatal(err)
		}
	}
	if err := os.Symlink("..2026_12_07_v1", filepath.Join(dir, "..data")); err != nil {
		t.Fatal(err)
	}
	values, err := fromVolume(dir)
	if err != nil {
		t.Fatal(err)
	}
	if len(values) != 2 || string(values["username"]) != "u" || string(values["password"]) != "p" {
		t.Fatalf("values = %v", values)
	}
}

func TestErrorClassNamesNoMessage(t *testing.T) {
	if errorClass(errMissingCredentials) != "no_credentials" {
		t.Fatal("missing credentials")
	}
}
