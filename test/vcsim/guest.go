// SPDX-License-Identifier: Apache-2.0

package main

import (
	"sort"

	"github.com/vmware/govmomi/simulator"
	"github.com/vmware/govmomi/vim25/types"
)

// guestState is what VMware Tools would report for a VM.
type guestState struct {
	running   bool
	guestID   string
	hostName  string
	ipAddress string
	nics      []types.GuestNicInfo
}

func guestFromSpec(spec VMSpec, nics []NicSpec) guestState {
	if spec.GuestInfo != nil && !*spec.GuestInfo {
		return guestState{}
	}
	g := guestState{running: true, guestID: orDefault(spec.GuestID, defaultGuestID), hostName: spec.HostName}
	g.nics, g.ipAddress = guestNics(nics)
	if spec.IPAddress != "" {
		g.ipAddress = spec.IPAddress
	}
	return g
}

// guestNics converts NIC specs to GuestNicInfo and picks the primary address: the first IPv4
// address, else the first IPv6 one. Addresses were validated with the scenario.
func guestNics(nics []NicSpec) ([]types.GuestNicInfo, string) {
	var out []types.GuestNicInfo
	firstV4, firstV6 := "", ""
	for _, nic := range nics {
		info := types.GuestNicInfo{
			Network:        nic.Network,
			MacAddress:     nic.Mac,
			Connected:      nic.Connected == nil || *nic.Connected,
			DeviceConfigId: -1,
		}
		if nic.DeviceConfigID != nil {
			info.DeviceConfigId = *nic.DeviceConfigID
		}
		var addrs []types.NetIpConfigInfoIpAddress
		add := func(s string, first *string) {
			ip, prefix, _ := splitPrefix(s)
			info.IpAddress = append(info.IpAddress, ip)
			addrs = append(addrs, types.NetIpConfigInfoIpAddress{IpAddress: ip, PrefixLength: prefix, State: "preferred"})
			if *first == "" {
				*first = ip
			}
		}
		for _, s := range nic.IPv4 {
			add(s, &firstV4)
		}
		for _, s := range nic.IPv6 {
			add(s, &firstV6)
		}
		if len(addrs) > 0 {
			info.IpConfig = &types.NetIpConfigInfo{IpAddress: addrs}
		}
		out = append(out, info)
	}
	if firstV4 != "" {
		return out, firstV4
	}
	return out, firstV6
}

// applyGuest replaces the VM's guest data through Registry.Update, which both changes the object
// and queues the changes for WaitForUpdatesEx listeners, holding the VM's lock like a SOAP call.
func applyGuest(vm *simulator.VirtualMachine, g guestState) {
	tools, toolsRunning, state := types.VirtualMachineToolsStatusToolsNotRunning,
		string(types.VirtualMachineToolsRunningStatusGuestToolsNotRunning), "notRunning"
	if g.running {
		tools, toolsRunning, state = types.VirtualMachineToolsStatusToolsOk,
			string(types.VirtualMachineToolsRunningStatusGuestToolsRunning), "running"
	}
	changes := []types.PropertyChange{
		{Name: "guest.toolsStatus", Val: tools},
		{Name: "guest.toolsRunningStatus", Val: toolsRunning},
		{Name: "guest.guestState", Val: state},
		{Name: "guest.guestId", Val: g.guestID},
		{Name: "guest.hostName", Val: g.hostName},
		{Name: "guest.ipAddress", Val: g.ipAddress},
		{Name: "guest.net", Val: g.nics},
		{Name: "summary.guest.toolsStatus", Val: tools},
		{Name: "summary.guest.toolsRunningStatus", Val: toolsRunning},
		{Name: "summary.guest.hostName", Val: g.hostName},
		{Name: "summary.guest.ipAddress", Val: g.ipAddress},
	}
	simulator.Map.WithLock(vm, func() { simulator.Map.Update(vm, changes) })
}

func sortedKeys(m map[string]string) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}
