// SPDX-License-Identifier: Apache-2.0

// Command vcsim-harness serves a govmomi vCenter simulator whose inventory comes from a scenario
// file, behind a TLS front that counts calls and can inject latency or outages, plus a plain-HTTP
// control endpoint. See README.md for the scenario format and the control API.
package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"io/ioutil"
	"log"
	"net"
	"net/http"
	"net/url"
	"os"
	"os/signal"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/vmware/govmomi/simulator"
	_ "github.com/vmware/govmomi/vapi/simulator" // registers the vAPI (/rest) endpoints
	"github.com/vmware/govmomi/vim25"
)

// buildTimeout bounds building the inventory (1,000 generated VMs take a few seconds).
const buildTimeout = 5 * time.Minute

type readyLine struct {
	SdkURL           string `json:"sdkUrl"`
	RestURL          string `json:"restUrl"`
	ControlURL       string `json:"controlUrl"`
	CertPem          string `json:"certPem"`
	ThumbprintSha1   string `json:"thumbprintSha1"`
	ThumbprintSha256 string `json:"thumbprintSha256"`
	Pid              int    `json:"pid"`
}

func main() {
	os.Exit(run())
}

func run() int {
	scenarioPath := flag.String("scenario", "", "scenario JSON file, or - to read it from stdin")
	verbose := flag.Bool("verbose", false, "keep the simulator's own log on stderr")
	lifeline := flag.Bool("stdin-lifeline", true, "exit when stdin reaches end of file")
	flag.Parse()
	if *scenarioPath == "" {
		fmt.Fprintln(os.Stderr, "vcsim-harness: --scenario FILE (or -) is required")
		return 2
	}
	if !*verbose {
		log.SetOutput(ioutil.Discard)
	}
	scenario, stdin, err := loadScenario(*scenarioPath)
	if err != nil {
		fmt.Fprintln(os.Stderr, "vcsim-harness:", err)
		return 2
	}

	stop := make(chan string, 4)
	signals := make(chan os.Signal, 1)
	signal.Notify(signals, syscall.SIGTERM, syscall.SIGINT, syscall.SIGHUP)
	go func() { stop <- "signal " + (<-signals).String() }()
	if *lifeline {
		go func() {
			_, _ = io.Copy(ioutil.Discard, stdin)
			stop <- "stdin closed"
		}()
	}

	h, err := start(scenario, *verbose, func() { stop <- "shutdown requested" })
	if err != nil {
		fmt.Fprintln(os.Stderr, "vcsim-harness:", err)
		if h != nil {
			h.close()
		}
		return 1
	}
	line, _ := json.Marshal(h.ready)
	fmt.Println(string(line))

	reason := <-stop
	if *verbose {
		fmt.Fprintln(os.Stderr, "vcsim-harness: stopping:", reason)
	}
	h.close()
	return 0
}

func loadScenario(path string) (*Scenario, io.Reader, error) {
	if path == "-" {
		s, dec, err := parseScenario(os.Stdin)
		return s, rest(dec, os.Stdin), err
	}
	f, err := os.Open(path)
	if err != nil {
		return nil, os.Stdin, err
	}
	defer f.Close()
	s, _, err := parseScenario(f)
	return s, os.Stdin, err
}

// harness owns everything start creates, so close can undo it in any state.
type harness struct {
	ready     readyLine
	dir       string
	front     *front
	servers   []*http.Server
	closeOnce sync.Once
}

func (h *harness) close() {
	h.closeOnce.Do(func() {
		if h.front != nil {
			h.front.shutdown()
		}
		for _, s := range h.servers {
			_ = s.Close()
		}
		if h.dir != "" {
			_ = os.RemoveAll(h.dir)
		}
	})
}

func start(s *Scenario, verbose bool, requestShutdown func()) (*harness, error) {
	h := &harness{}
	removeStaleDirs()
	dir, err := ioutil.TempDir("", fmt.Sprintf("vcsim-harness-%d-", os.Getpid()))
	if err != nil {
		return h, err
	}
	h.dir = dir

	// The VPX model with an empty inventory: only the service instance and its managers.
	model := simulator.VPX()
	model.Datacenter, model.Portgroup, model.Host, model.Cluster, model.ClusterHost = 0, 0, 0, 0, 0
	model.Datastore, model.Machine, model.Autostart = 0, 0, false
	if err := model.Create(); err != nil {
		return h, fmt.Errorf("simulator model: %w", err)
	}

	ctx, cancel := context.WithTimeout(context.Background(), buildTimeout)
	defer cancel()
	client, err := vim25.NewClient(ctx, model.Service)
	if err != nil {
		return h, err
	}
	inv := newInventory(client, dir)
	if err := inv.build(ctx, s); err != nil {
		return h, err
	}
	if err := inv.createVMs(ctx, s); err != nil {
		return h, err
	}
	installPagingCollector(s.RetrieveMaxObjects)

	cert, err := newServerCert()
	if err != nil {
		return h, err
	}
	svc := model.Service
	svc.TLS = newTLSConfig(cert)
	svc.Listen = &url.URL{Host: "127.0.0.1:0", User: url.UserPassword(s.Credentials.Username, s.Credentials.Password)}
	svc.RegisterEndpoints = true
	sim := svc.NewServer()
	tlsConfig := sim.TLS.Clone()
	port := sim.URL.Port()
	// The simulator's own server is only needed for its set-up; the front serves on the same port
	// so every URL the simulator recorded (session manager, vAPI, settings) stays right.
	sim.Close()

	vapi, _ := svc.ServeMux.Handler(&http.Request{Method: http.MethodGet, URL: &url.URL{Path: "/rest/"}})
	if err := inv.applyTags(ctx, vapi, s.Credentials, s.Tags); err != nil {
		return h, fmt.Errorf("tags: %w", err)
	}
	restSess, err := newRestSessions(vapi)
	if err != nil {
		return h, err
	}

	sts, err := newSTS(s.SolutionUsers, "https://"+net.JoinHostPort("127.0.0.1", port)+"/websso/SAML2/Metadata/vsphere.local")
	if err != nil {
		return h, err
	}
	h.front = newFront(svc.ServeMux, s.Credentials, sts, restSess)
	ln, err := net.Listen("tcp", net.JoinHostPort("127.0.0.1", port))
	if err != nil {
		return h, fmt.Errorf("re-listening on the simulator's port %s: %w", port, err)
	}
	errLog := log.New(ioutil.Discard, "", 0)
	if verbose {
		errLog = log.New(os.Stderr, "vcsim-harness front: ", log.LstdFlags)
	}
	front := &http.Server{Handler: h.front, ConnState: h.front.connState, ErrorLog: errLog, ReadHeaderTimeout: time.Minute}
	h.servers = append(h.servers, front)
	go func() { _ = front.Serve(tlsListener(gatedListener{Listener: ln, f: h.front}, tlsConfig)) }()

	ctl := &control{c: client, front: h.front, rest: restSess, shutdown: requestShutdown}
	cln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return h, err
	}
	controlSrv := &http.Server{Handler: ctl.handler(), ErrorLog: errLog, ReadHeaderTimeout: time.Minute}
	h.servers = append(h.servers, controlSrv)
	go func() { _ = controlSrv.Serve(cln) }()

	base := "https://" + net.JoinHostPort("127.0.0.1", port)
	h.ready = readyLine{
		SdkURL:           base + vim25.Path,
		RestURL:          base + "/rest",
		ControlURL:       "http://" + cln.Addr().String(),
		CertPem:          cert.pem,
		ThumbprintSha1:   cert.sha1Print,
		ThumbprintSha256: cert.sha256Print,
		Pid:              os.Getpid(),
	}
	return h, nil
}

// removeStaleDirs deletes datastore directories left by harnesses that were killed.
func removeStaleDirs() {
	matches, _ := filepath.Glob(filepath.Join(os.TempDir(), "vcsim-harness-*-*"))
	for _, m := range matches {
		parts := strings.SplitN(filepath.Base(m), "-", 4)
		if len(parts) < 4 {
			continue
		}
		pid, err := strconv.Atoi(parts[2])
		if err != nil || pid == os.Getpid() || processAlive(pid) {
			continue
		}
		_ = os.RemoveAll(m)
	}
}

func processAlive(pid int) bool {
	err := syscall.Kill(pid, 0)
	return err == nil || errors.Is(err, syscall.EPERM)
}
