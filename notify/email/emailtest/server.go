// Package emailtest runs a real SMTP server (github.com/emersion/go-smtp)
// in the process, for tests, examples and drills of the email adapter: it
// offers STARTTLS or implicit TLS with a certificate made at start, keeps
// what it receives in memory, and can be told to refuse recipients with a
// given reply.
package emailtest

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"io"
	"math/big"
	"net"
	"slices"
	"strconv"
	"sync"
	"time"

	"github.com/emersion/go-smtp"
)

// Mode is how the server protects connections.
type Mode uint8

const (
	// StartTLS offers STARTTLS on a plain connection.
	StartTLS Mode = iota
	// ImplicitTLS speaks TLS from the first byte.
	ImplicitTLS
	// Plain offers no TLS at all.
	Plain
)

// Reply is an SMTP reply the server gives instead of accepting.
type Reply struct {
	Code    int
	Message string
}

// Received is one message the server accepted.
type Received struct {
	From string
	To   []string
	Data []byte
}

// Server is a running SMTP server. Close it when done.
type Server struct {
	// Host and Port are where it listens.
	Host string
	Port int
	// ClientTLS trusts the server's certificate.
	ClientTLS *tls.Config
	// Refuse, when set, decides each recipient: a non-nil reply refuses
	// it. It is read without a lock: set it before sending.
	Refuse func(rcpt string) *Reply

	srv *smtp.Server
	ln  net.Listener

	mu       sync.Mutex
	received []Received
}

// Start starts a server on a free local port.
func Start(mode Mode) (*Server, error) {
	cert, pool, err := certificate()
	if err != nil {
		return nil, err
	}
	s := &Server{ClientTLS: &tls.Config{RootCAs: pool, ServerName: "127.0.0.1", MinVersion: tls.VersionTLS12}}
	s.srv = smtp.NewServer(smtp.BackendFunc(func(*smtp.Conn) (smtp.Session, error) { return &session{s: s}, nil }))
	s.srv.Domain = "127.0.0.1"
	s.srv.EnableSMTPUTF8 = true
	s.srv.ReadTimeout, s.srv.WriteTimeout = 10*time.Second, 10*time.Second
	s.srv.MaxMessageBytes = 1 << 20
	serverTLS := &tls.Config{Certificates: []tls.Certificate{cert}, MinVersion: tls.VersionTLS12}
	switch mode {
	case StartTLS:
		s.srv.TLSConfig = serverTLS
		s.ln, err = net.Listen("tcp", "127.0.0.1:0")
	case ImplicitTLS:
		s.ln, err = tls.Listen("tcp", "127.0.0.1:0", serverTLS)
	default:
		s.srv.AllowInsecureAuth = true
		s.ln, err = net.Listen("tcp", "127.0.0.1:0")
	}
	if err != nil {
		return nil, err
	}
	host, port, _ := net.SplitHostPort(s.ln.Addr().String())
	s.Host = host
	s.Port, _ = strconv.Atoi(port)
	go s.srv.Serve(s.ln)
	return s, nil
}

// Close stops the server.
func (s *Server) Close() error { return s.srv.Close() }

// Received returns the messages accepted so far.
func (s *Server) Received() []Received {
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Clone(s.received)
}

type session struct {
	s    *Server
	from string
	to   []string
}

func (x *session) Reset()        { x.from, x.to = "", nil }
func (x *session) Logout() error { return nil }

func (x *session) Mail(from string, _ *smtp.MailOptions) error {
	x.from = from
	return nil
}

func (x *session) Rcpt(to string, _ *smtp.RcptOptions) error {
	if x.s.Refuse != nil {
		if r := x.s.Refuse(to); r != nil {
			return &smtp.SMTPError{Code: r.Code, EnhancedCode: smtp.EnhancedCodeNotSet, Message: r.Message}
		}
	}
	x.to = append(x.to, to)
	return nil
}

func (x *session) Data(r io.Reader) error {
	b, err := io.ReadAll(r)
	if err != nil {
		return err
	}
	x.s.mu.Lock()
	defer x.s.mu.Unlock()
	x.s.received = append(x.s.received, Received{From: x.from, To: slices.Clone(x.to), Data: b})
	return nil
}

// certificate makes a self-signed certificate for 127.0.0.1 and the pool
// that trusts it.
func certificate() (tls.Certificate, *x509.CertPool, error) {
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return tls.Certificate{}, nil, err
	}
	tpl := &x509.Certificate{
		SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "emailtest"},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(24 * time.Hour),
		IPAddresses: []net.IP{net.ParseIP("127.0.0.1")}, KeyUsage: x509.KeyUsageDigitalSignature | x509.KeyUsageCertSign,
		ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth}, BasicConstraintsValid: true, IsCA: true,
	}
	der, err := x509.CreateCertificate(rand.Reader, tpl, tpl, &key.PublicKey, key)
	if err != nil {
		return tls.Certificate{}, nil, err
	}
	leaf, err := x509.ParseCertificate(der)
	if err != nil {
		return tls.Certificate{}, nil, err
	}
	pool := x509.NewCertPool()
	pool.AddCert(leaf)
	return tls.Certificate{Certificate: [][]byte{der}, PrivateKey: key, Leaf: leaf}, pool, nil
}
