// SPDX-License-Identifier: Apache-2.0

package main

import (
	"bytes"
	"crypto/subtle"
	"crypto/tls"
	"encoding/json"
	"encoding/xml"
	"io"
	"io/ioutil"
	"net"
	"net/http"
	"strings"
	"sync"
	"time"
)

// Pause modes: hang accepts connections and requests but answers none until resumed; refuse
// resets every connection, new and existing.
const (
	pauseNone   = ""
	pauseHang   = "hang"
	pauseRefuse = "refuse"
)

const maxSoapBody = 64 << 20

// front sits between the TLS listener and the simulator's handlers. It counts SOAP methods and
// REST calls, injects latency, simulates an unreachable vCenter and enforces the scenario's
// credentials on REST login (the vAPI simulator accepts any password).
type front struct {
	next  http.Handler
	creds Credentials

	mu      sync.Mutex
	soap    map[string]int64
	rest    map[string]int64
	latency map[string]time.Duration
	mode    string
	resume  chan struct{}
	conns   map[net.Conn]http.ConnState
	closed  chan struct{}
}

func newFront(next http.Handler, creds Credentials) *front {
	return &front{
		next:    next,
		creds:   creds,
		soap:    map[string]int64{},
		rest:    map[string]int64{},
		latency: map[string]time.Duration{},
		conns:   map[net.Conn]http.ConnState{},
		closed:  make(chan struct{}),
	}
}

func (f *front) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if !f.gate(w, r) {
		return
	}
	key, isSoap := f.classify(r)
	if key != "" {
		f.count(key, isSoap)
	}
	if isRestLogin(r) && !f.validRestLogin(r) {
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusUnauthorized)
		_, _ = io.WriteString(w, `{"type":"com.vmware.vapi.std.errors.unauthenticated","value":{"messages":[{"args":[],"default_message":"Authentication required.","id":"com.vmware.vapi.endpoint.method.authentication.required"}]}}`)
		return
	}
	if d := f.delay(key); d > 0 {
		t := time.NewTimer(d)
		select {
		case <-t.C:
		case <-r.Context().Done():
			t.Stop()
			return
		case <-f.closed:
			t.Stop()
			return
		}
	}
	f.next.ServeHTTP(w, r)
}

// gate applies the pause mode; it returns false when the request must not be served.
func (f *front) gate(w http.ResponseWriter, r *http.Request) bool {
	for {
		f.mu.Lock()
		mode, resume := f.mode, f.resume
		f.mu.Unlock()
		switch mode {
		case pauseNone:
			return true
		case pauseRefuse:
			if hj, ok := w.(http.Hijacker); ok {
				if conn, _, err := hj.Hijack(); err == nil {
					resetConn(conn)
				}
			}
			return false
		}
		select {
		case <-resume:
		case <-r.Context().Done():
			return false
		case <-f.closed:
			return false
		}
	}
}

// classify names the call: the SOAP method (first element of the Body) or "VERB /path" plus the
// vAPI "~action" for REST.
func (f *front) classify(r *http.Request) (string, bool) {
	p := r.URL.Path
	switch {
	case r.Method == http.MethodPost && (p == "/sdk" || strings.HasPrefix(p, "/sdk/")):
		body, err := ioutil.ReadAll(io.LimitReader(r.Body, maxSoapBody))
		_ = r.Body.Close()
		r.Body = ioutil.NopCloser(bytes.NewReader(body))
		if err != nil {
			return "unreadable", true
		}
		return soapMethod(body), true
	case strings.HasPrefix(p, "/rest/") || strings.HasPrefix(p, "/api/"):
		key := r.Method + " " + p
		if action := r.URL.Query().Get("~action"); action != "" {
			key += "?~action=" + action
		}
		return key, false
	}
	return "", false
}

func soapMethod(body []byte) string {
	dec := xml.NewDecoder(bytes.NewReader(body))
	inBody := false
	for {
		tok, err := dec.Token()
		if err != nil {
			return "unknown"
		}
		if se, ok := tok.(xml.StartElement); ok {
			if inBody {
				return se.Name.Local
			}
			inBody = se.Name.Local == "Body"
		}
	}
}

func (f *front) count(key string, isSoap bool) {
	f.mu.Lock()
	if isSoap {
		f.soap[key]++
	} else {
		f.rest[key]++
	}
	f.mu.Unlock()
}

func (f *front) delay(key string) time.Duration {
	f.mu.Lock()
	defer f.mu.Unlock()
	d := f.latency[""]
	if key != "" {
		d += f.latency[key]
	}
	return d
}

func isRestLogin(r *http.Request) bool {
	return r.Method == http.MethodPost && strings.TrimSuffix(r.URL.Path, "/") == "/rest/com/vmware/cis/session" &&
		r.URL.Query().Get("~action") == ""
}

func (f *front) validRestLogin(r *http.Request) bool {
	u, p, ok := r.BasicAuth()
	return ok && subtle.ConstantTimeCompare([]byte(u), []byte(f.creds.Username)) == 1 &&
		subtle.ConstantTimeCompare([]byte(p), []byte(f.creds.Password)) == 1
}

// counters returns a copy of the call counts as JSON-ready maps.
func (f *front) counters() map[string]map[string]int64 {
	f.mu.Lock()
	defer f.mu.Unlock()
	out := map[string]map[string]int64{"soap": {}, "rest": {}}
	for k, v := range f.soap {
		out["soap"][k] = v
	}
	for k, v := range f.rest {
		out["rest"][k] = v
	}
	return out
}

func (f *front) resetCounters() {
	f.mu.Lock()
	f.soap = map[string]int64{}
	f.rest = map[string]int64{}
	f.mu.Unlock()
}

// setLatency sets the delay for one call key ("" = every SOAP and REST call); 0 removes it.
func (f *front) setLatency(key string, d time.Duration) {
	f.mu.Lock()
	if d <= 0 {
		delete(f.latency, key)
	} else {
		f.latency[key] = d
	}
	f.mu.Unlock()
}

func (f *front) pause(mode string) {
	f.mu.Lock()
	if f.mode == pauseNone {
		f.resume = make(chan struct{})
	}
	f.mode = mode
	var victims []net.Conn
	if mode == pauseRefuse {
		for c := range f.conns {
			victims = append(victims, c)
		}
	}
	f.mu.Unlock()
	for _, c := range victims {
		resetConn(c)
	}
}

func (f *front) unpause() {
	f.mu.Lock()
	if f.mode != pauseNone {
		f.mode = pauseNone
		close(f.resume)
	}
	f.mu.Unlock()
}

func (f *front) refusing() bool {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.mode == pauseRefuse
}

// connState tracks open connections so that "refuse" can drop them.
func (f *front) connState(c net.Conn, state http.ConnState) {
	f.mu.Lock()
	switch state {
	case http.StateClosed, http.StateHijacked:
		delete(f.conns, c)
	default:
		f.conns[c] = state
	}
	f.mu.Unlock()
}

func (f *front) shutdown() {
	f.mu.Lock()
	select {
	case <-f.closed:
	default:
		close(f.closed)
	}
	f.mu.Unlock()
}

// resetConn closes a connection with a TCP reset, the way a vanished server looks to a client.
func resetConn(c net.Conn) {
	raw := c
	if tc, ok := c.(*tls.Conn); ok {
		raw = tc.NetConn()
	}
	if tcp, ok := raw.(*net.TCPConn); ok {
		_ = tcp.SetLinger(0)
	}
	_ = raw.Close()
}

// gatedListener resets connections accepted while the front refuses them.
type gatedListener struct {
	net.Listener
	f *front
}

func (l gatedListener) Accept() (net.Conn, error) {
	for {
		c, err := l.Listener.Accept()
		if err != nil {
			return nil, err
		}
		if !l.f.refusing() {
			return c, nil
		}
		resetConn(c)
	}
}

func writeJSON(w http.ResponseWriter, status int, v interface{}) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}
