// Command consumer is the test workload of the local environment's real node: it consumes a
// Secret the three ways a Pod can (environment variables, a mounted directory, command arguments),
// keeps using what it holds (a PostgreSQL login in a loop, an HTTPS server with the mounted
// tls.crt/tls.key), and tells tests what it saw over plain HTTP: counters, the serial it serves,
// and an HMAC-SHA256 per source of what it read, keyed by a key the test gives it. It never
// prints or returns a value it read.
//
// The digest of a source is HMAC-SHA256(key, "<name>=<hex sha256 of value>\n" for every name in
// byte order), hex encoded; tests compute the same from the Secret's data.
package main

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"crypto/tls"
	"crypto/x509"
	"encoding/hex"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"log"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
)

type listFlag []string

func (l *listFlag) String() string     { return strings.Join(*l, ",") }
func (l *listFlag) Set(v string) error { *l = append(*l, v); return nil }

type options struct {
	envPrefix, volume, tlsDir, dbSource, dbHost, dbName, keyEnv string
	dbPort, httpPort, httpsPort                                 int
	interval                                                    time.Duration
	args                                                        listFlag
}

type state struct {
	mu             sync.Mutex
	key            []byte
	loginsOK       int64
	loginsFailed   int64
	lastLoginError string
	handshakes     int64
	servedSerial   string
	volumeReads    int64
	digests        map[string]string
}

func digest(key []byte, values map[string][]byte) string {
	names := make([]string, 0, len(values))
	for name := range values {
		names = append(names, name)
	}
	sort.Strings(names)
	mac := hmac.New(sha256.New, key)
	for _, name := range names {
		sum := sha256.Sum256(values[name])
		fmt.Fprintf(mac, "%s=%s\n", name, hex.EncodeToString(sum[:]))
	}
	return hex.EncodeToString(mac.Sum(nil))
}

func fromEnv(prefix string) map[string][]byte {
	values := map[string][]byte{}
	if prefix == "" {
		return values
	}
	for _, entry := range os.Environ() {
		name, value, _ := strings.Cut(entry, "=")
		if strings.HasPrefix(name, prefix) {
			values[strings.TrimPrefix(name, prefix)] = []byte(value)
		}
	}
	return values
}

func fromArgs(args []string) map[string][]byte {
	values := map[string][]byte{}
	for _, arg := range args {
		name, value, _ := strings.Cut(arg, "=")
		values[name] = []byte(value)
	}
	return values
}

// snapshot is the directory holding one consistent version of a mounted Secret: the kubelet writes
// each version into a directory of its own and swaps the ..data link to it, so files read through
// the resolved link never mix two versions (a username of one with a password of the next).
func snapshot(dir string) string {
	resolved, err := filepath.EvalSymlinks(filepath.Join(dir, "..data"))
	if err != nil {
		return dir
	}
	return resolved
}

// fromVolume reads the files of a mounted Secret, all of one version (the kubelet's ..* entries are skipped).
func fromVolume(dir string) (map[string][]byte, error) {
	values := map[string][]byte{}
	version := snapshot(dir)
	entries, err := os.ReadDir(version)
	if err != nil {
		return nil, err
	}
	for _, entry := range entries {
		if strings.HasPrefix(entry.Name(), "..") {
			continue
		}
		data, err := os.ReadFile(filepath.Join(version, entry.Name()))
		if err != nil {
			if errors.Is(err, os.ErrNotExist) || strings.Contains(err.Error(), "is a directory") {
				continue
			}
			return nil, err
		}
		values[entry.Name()] = data
	}
	return values, nil
}

func (s *state) setDigest(source string, values map[string][]byte) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.digests[source] = digest(s.key, values)
}

// errorClass names what kind of failure a login met, never its message (which may quote input).
func errorClass(err error) string {
	var pgErr *pgconn.PgError
	switch {
	case errors.As(err, &pgErr) && strings.HasPrefix(pgErr.Code, "28"):
		return "auth"
	case errors.As(err, &pgErr):
		return "sql_" + pgErr.Code
	case errors.Is(err, context.DeadlineExceeded):
		return "timeout"
	case errors.Is(err, errMissingCredentials):
		return "no_credentials"
	default:
		return "connect"
	}
}

var errMissingCredentials = errors.New("no username or password in the credentials source")

func login(o *options, values map[string][]byte) error {
	user, password := values["username"], values["password"]
	if len(user) == 0 || len(password) == 0 {
		return errMissingCredentials
	}
	config, err := pgx.ParseConfig(fmt.Sprintf("host=%s port=%d dbname=%s sslmode=disable connect_timeout=3", o.dbHost, o.dbPort, o.dbName))
	if err != nil {
		return err
	}
	config.User, config.Password = string(user), string(password)
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Second)
	defer cancel()
	conn, err := pgx.ConnectConfig(ctx, config)
	if err != nil {
		return err
	}
	defer conn.Close(context.Background())
	var one int
	return conn.QueryRow(ctx, "SELECT 1").Scan(&one)
}

func (s *state) loop(o *options, envValues, argValues map[string][]byte) {
	for {
		var credentials map[string][]byte
		if o.volume != "" {
			values, err := fromVolume(o.volume)
			if err == nil {
				s.setDigest("volume", values)
				s.mu.Lock()
				s.volumeReads++
				s.mu.Unlock()
			}
			if o.dbSource == "volume" {
				credentials = values
			}
		}
		switch o.dbSource {
		case "env":
			credentials = envValues
		case "args":
			credentials = argValues
		}
		if o.dbHost != "" {
			err := login(o, credentials)
			s.mu.Lock()
			if err == nil {
				s.loginsOK++
				s.lastLoginError = ""
			} else {
				s.loginsFailed++
				s.lastLoginError = errorClass(err)
			}
			s.mu.Unlock()
		}
		time.Sleep(o.interval)
	}
}

func (s *state) certificate(dir string) (*tls.Certificate, error) {
	version := snapshot(dir)
	cert, err := tls.LoadX509KeyPair(filepath.Join(version, "tls.crt"), filepath.Join(version, "tls.key"))
	if err != nil {
		return nil, errors.New("no usable tls.crt/tls.key")
	}
	return &cert, nil
}

func serialOf(cert *tls.Certificate) string {
	if len(cert.Certificate) == 0 {
		return ""
	}
	parsed, err := x509.ParseCertificate(cert.Certificate[0])
	if err != nil {
		return ""
	}
	return parsed.SerialNumber.Text(16)
}

func (s *state) serveTLS(o *options) {
	config := &tls.Config{
		// Read the mounted files at every handshake: a rotated certificate is served at once.
		GetCertificate: func(*tls.ClientHelloInfo) (*tls.Certificate, error) {
			cert, err := s.certificate(o.tlsDir)
			if err == nil {
				s.mu.Lock()
				s.servedSerial = serialOf(cert)
				s.mu.Unlock()
			}
			return cert, err
		},
		VerifyConnection: func(tls.ConnectionState) error {
			s.mu.Lock()
			s.handshakes++
			s.mu.Unlock()
			return nil
		},
	}
	listener, err := tls.Listen("tcp", fmt.Sprintf(":%d", o.httpsPort), config)
	if err != nil {
		log.Fatalf("https listener: %v", err)
	}
	handler := http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) { fmt.Fprintln(w, "ok") })
	log.Fatal(http.Serve(listener, handler))
}

func (s *state) counters() map[string]any {
	s.mu.Lock()
	defer s.mu.Unlock()
	digests := map[string]string{}
	for source, value := range s.digests {
		digests[source] = value
	}
	return map[string]any{
		"logins_ok": s.loginsOK, "logins_failed": s.loginsFailed, "last_login_error": s.lastLoginError,
		"handshakes": s.handshakes, "served_serial": s.servedSerial, "volume_reads": s.volumeReads, "digests": digests,
	}
}

func (s *state) ready(o *options) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	if o.dbHost == "" {
		return true
	}
	return s.loginsOK > 0 && s.lastLoginError == ""
}

func main() {
	o := &options{}
	flag.StringVar(&o.envPrefix, "env-prefix", "", "environment variables with this prefix are a source (name = the rest)")
	flag.StringVar(&o.volume, "volume", "", "directory of a mounted Secret, re-read at every interval")
	flag.Var(&o.args, "arg", "NAME=VALUE from the command line (repeatable), e.g. --arg password=$(DB_PASSWORD)")
	flag.StringVar(&o.tlsDir, "tls-dir", "", "directory holding tls.crt and tls.key to serve HTTPS with")
	flag.StringVar(&o.dbSource, "db-credentials", "volume", "where username and password come from: volume, env or args")
	flag.StringVar(&o.dbHost, "db-host", "", "PostgreSQL host to log in to at every interval (none: no logins)")
	flag.IntVar(&o.dbPort, "db-port", 5432, "PostgreSQL port")
	flag.StringVar(&o.dbName, "db-name", "postgres", "PostgreSQL database")
	flag.StringVar(&o.keyEnv, "digest-key-env", "DIGEST_KEY", "environment variable holding the HMAC key of the digests")
	flag.IntVar(&o.httpPort, "http-port", 8080, "plain HTTP port of /counters, /readyz and /healthz")
	flag.IntVar(&o.httpsPort, "https-port", 8443, "HTTPS port (with --tls-dir)")
	flag.DurationVar(&o.interval, "interval", 200*time.Millisecond, "time between logins and volume reads")
	flag.Parse()

	s := &state{key: []byte(os.Getenv(o.keyEnv)), digests: map[string]string{}}
	envValues, argValues := fromEnv(o.envPrefix), fromArgs(o.args)
	if o.envPrefix != "" {
		s.setDigest("env", envValues)
	}
	if len(o.args) > 0 {
		s.setDigest("args", argValues)
	}
	go s.loop(o, envValues, argValues)
	if o.tlsDir != "" {
		go s.serveTLS(o)
	}
	mux := http.NewServeMux()
	mux.HandleFunc("/counters", func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		_ = json.NewEncoder(w).Encode(s.counters())
	})
	mux.HandleFunc("/readyz", func(w http.ResponseWriter, _ *http.Request) {
		if !s.ready(o) {
			http.Error(w, "not ready", http.StatusServiceUnavailable)
			return
		}
		fmt.Fprintln(w, "ok")
	})
	mux.HandleFunc("/healthz", func(w http.ResponseWriter, _ *http.Request) { fmt.Fprintln(w, "ok") })
	log.Printf("consumer: serving counters on :%d", o.httpPort)
	server := &http.Server{Addr: net.JoinHostPort("", fmt.Sprint(o.httpPort)), Handler: mux, ReadHeaderTimeout: 5 * time.Second}
	log.Fatal(server.ListenAndServe())
}
