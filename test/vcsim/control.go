// SPDX-License-Identifier: Apache-2.0

package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"time"

	"github.com/vmware/govmomi/object"
	"github.com/vmware/govmomi/simulator"
	"github.com/vmware/govmomi/vim25"
	"github.com/vmware/govmomi/vim25/types"
)

// controlTimeout bounds every control operation.
const controlTimeout = 30 * time.Second

// control is the plain-HTTP endpoint tests use to change the simulated world and observe calls.
type control struct {
	c        *vim25.Client
	front    *front
	rest     *restSessions
	shutdown func()
}

type vmRequest struct {
	VM         string    `json:"vm"`
	Datacenter string    `json:"datacenter"`
	State      string    `json:"state"`
	HostName   *string   `json:"hostName"`
	IPAddress  *string   `json:"ipAddress"`
	Nics       []NicSpec `json:"nics"`
	GuestInfo  *bool     `json:"guestInfo"`
}

func (ctl *control) handler() http.Handler {
	mux := http.NewServeMux()
	post := func(path string, h func(*http.Request) (interface{}, error)) {
		mux.HandleFunc(path, func(w http.ResponseWriter, r *http.Request) {
			if r.Method != http.MethodPost {
				writeJSON(w, http.StatusMethodNotAllowed, map[string]string{"error": "use POST"})
				return
			}
			v, err := h(r)
			respond(w, v, err)
		})
	}
	get := func(path string, h func() interface{}) {
		mux.HandleFunc(path, func(w http.ResponseWriter, r *http.Request) {
			if r.Method != http.MethodGet {
				writeJSON(w, http.StatusMethodNotAllowed, map[string]string{"error": "use GET"})
				return
			}
			writeJSON(w, http.StatusOK, h())
		})
	}
	post("/vm/power", ctl.power)
	post("/vm/destroy", ctl.destroy)
	post("/vm/guest", ctl.guest)
	post("/pause", ctl.pause)
	post("/resume", func(*http.Request) (interface{}, error) { ctl.front.unpause(); return ok(), nil })
	post("/latency", ctl.latency)
	get("/counters", func() interface{} { return ctl.front.counters() })
	get("/counters/failed", func() interface{} { return ctl.front.failedCounters() })
	post("/counters/reset", func(*http.Request) (interface{}, error) { ctl.front.resetCounters(); return ok(), nil })
	post("/sessions/terminate", func(*http.Request) (interface{}, error) {
		return map[string]int{"soap": terminateSoapSessions(), "rest": ctl.rest.terminateAll()}, nil
	})
	get("/sessions", func() interface{} {
		return map[string]int{"soap": len(soapSessionKeys()), "rest": ctl.rest.count()}
	})
	post("/shutdown", func(*http.Request) (interface{}, error) { go ctl.shutdown(); return ok(), nil })
	return mux
}

// badRequest marks errors caused by the request rather than the simulator.
type badRequest struct{ error }

func respond(w http.ResponseWriter, v interface{}, err error) {
	switch err.(type) {
	case nil:
		writeJSON(w, http.StatusOK, v)
	case badRequest:
		writeJSON(w, http.StatusBadRequest, map[string]string{"error": err.Error()})
	default:
		writeJSON(w, http.StatusInternalServerError, map[string]string{"error": err.Error()})
	}
}

func ok() map[string]bool { return map[string]bool{"ok": true} }

func decode(r *http.Request, v interface{}) error {
	dec := json.NewDecoder(io.LimitReader(r.Body, 1<<20))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return badRequest{fmt.Errorf("bad JSON body: %w", err)}
	}
	return nil
}

func (ctl *control) vm(r *http.Request, req *vmRequest) (types.ManagedObjectReference, error) {
	if err := decode(r, req); err != nil {
		return types.ManagedObjectReference{}, err
	}
	var dc *types.ManagedObjectReference
	if req.Datacenter != "" {
		for _, e := range simulator.Map.All("Datacenter") {
			if e.Entity().Name == req.Datacenter {
				ref := e.Reference()
				dc = &ref
			}
		}
		if dc == nil {
			return types.ManagedObjectReference{}, badRequest{fmt.Errorf("no datacenter named %q", req.Datacenter)}
		}
	}
	ref, err := findVM(req.VM, dc)
	if err != nil {
		return ref, badRequest{err}
	}
	return ref, nil
}

func (ctl *control) power(r *http.Request) (interface{}, error) {
	var req vmRequest
	ref, err := ctl.vm(r, &req)
	if err != nil {
		return nil, err
	}
	if err := validatePowerState(req.State); err != nil || req.State == "" {
		return nil, badRequest{fmt.Errorf("state must be poweredOn, poweredOff or suspended")}
	}
	ctx, cancel := context.WithTimeout(context.Background(), controlTimeout)
	defer cancel()
	return ok(), setPowerState(ctx, object.NewVirtualMachine(ctl.c, ref), req.State)
}

// destroyTickGap exceeds the simulator's property-collector tick (250 ms).
const destroyTickGap = 300 * time.Millisecond

func (ctl *control) destroy(r *http.Request) (interface{}, error) {
	var req vmRequest
	ref, err := ctl.vm(r, &req)
	if err != nil {
		return nil, err
	}
	ctx, cancel := context.WithTimeout(context.Background(), controlTimeout)
	defer cancel()
	vm := object.NewVirtualMachine(ctl.c, ref)
	if err := setPowerState(ctx, vm, "poweredOff"); err != nil {
		return nil, err
	}
	// govmomi 0.24.2's collector panics when it processes the power-off changes of a VM that is
	// already gone (both within one 250 ms update tick), silently losing the leave event for every
	// watcher. Let one tick pass so the power-off is delivered before the VM disappears.
	select {
	case <-time.After(destroyTickGap):
	case <-ctx.Done():
		return nil, ctx.Err()
	}
	return ok(), waitTask(ctx)(vm.Destroy(ctx))
}

// guest replaces the guest data of a VM; fields left out keep their current value, and nics, when
// given, replace the whole guest.net list (and the primary address unless ipAddress is given).
func (ctl *control) guest(r *http.Request) (interface{}, error) {
	var req vmRequest
	ref, err := ctl.vm(r, &req)
	if err != nil {
		return nil, err
	}
	for _, nic := range req.Nics {
		if err := validateIPs(nic); err != nil {
			return nil, badRequest{err}
		}
	}
	vm, found := simulator.Map.Get(ref).(*simulator.VirtualMachine)
	if !found {
		return nil, badRequest{fmt.Errorf("vm %q is gone", req.VM)}
	}
	var g guestState
	var cards []types.VirtualEthernetCard
	simulator.Map.WithLock(vm, func() {
		g = currentGuest(vm)
		cards = ethernetCards(vm)
	})
	if req.GuestInfo != nil && !*req.GuestInfo {
		g = guestState{}
	} else if req.GuestInfo != nil {
		g.running = true
	}
	if req.HostName != nil {
		g.hostName = *req.HostName
	}
	if req.Nics != nil {
		g.nics, g.ipAddress = guestNics(matchDevices(req.Nics, cards))
	}
	if req.IPAddress != nil {
		g.ipAddress = *req.IPAddress
	}
	applyGuest(vm, g)
	return ok(), nil
}

// ethernetCards lists the VM's NIC devices in device order.
func ethernetCards(vm *simulator.VirtualMachine) []types.VirtualEthernetCard {
	var out []types.VirtualEthernetCard
	if vm.Config == nil {
		return nil
	}
	for _, d := range vm.Config.Hardware.Device {
		if card, ok := d.(types.BaseVirtualEthernetCard); ok {
			out = append(out, *card.GetVirtualEthernetCard())
		}
	}
	return out
}

// matchDevices gives the i-th NIC without a deviceConfigId the key, MAC and network of the VM's
// i-th NIC device; NICs beyond the devices become guest-only (-1).
func matchDevices(nics []NicSpec, cards []types.VirtualEthernetCard) []NicSpec {
	out := make([]NicSpec, len(nics))
	for i, nic := range nics {
		if nic.DeviceConfigID == nil {
			key := int32(-1)
			if i < len(cards) {
				key = cards[i].Key
				if nic.Mac == "" {
					nic.Mac = cards[i].MacAddress
				}
				if b, ok := cards[i].Backing.(*types.VirtualEthernetCardNetworkBackingInfo); ok && nic.Network == "" {
					nic.Network = b.DeviceName
				}
			}
			nic.DeviceConfigID = &key
		}
		out[i] = nic
	}
	return out
}

func currentGuest(vm *simulator.VirtualMachine) guestState {
	g := guestState{}
	if vm.Guest == nil {
		return g
	}
	g.running = vm.Guest.ToolsRunningStatus == string(types.VirtualMachineToolsRunningStatusGuestToolsRunning)
	g.guestID = vm.Guest.GuestId
	g.hostName = vm.Guest.HostName
	g.ipAddress = vm.Guest.IpAddress
	g.nics = append([]types.GuestNicInfo(nil), vm.Guest.Net...)
	if g.guestID == "" && vm.Config != nil {
		g.guestID = vm.Config.GuestId
	}
	return g
}

func (ctl *control) pause(r *http.Request) (interface{}, error) {
	var req struct {
		Mode string `json:"mode"`
	}
	if err := decode(r, &req); err != nil {
		return nil, err
	}
	if req.Mode != pauseHang && req.Mode != pauseRefuse {
		return nil, badRequest{fmt.Errorf("mode must be hang or refuse")}
	}
	ctl.front.pause(req.Mode)
	return ok(), nil
}

func (ctl *control) latency(r *http.Request) (interface{}, error) {
	var req struct {
		Ms     *int   `json:"ms"`
		Method string `json:"method"`
	}
	if err := decode(r, &req); err != nil {
		return nil, err
	}
	if req.Ms == nil || *req.Ms < 0 || *req.Ms > 600000 {
		return nil, badRequest{fmt.Errorf("ms must be between 0 and 600000")}
	}
	ctl.front.setLatency(req.Method, time.Duration(*req.Ms)*time.Millisecond)
	return ok(), nil
}
