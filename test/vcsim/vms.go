// SPDX-License-Identifier: Apache-2.0

package main

import (
	"context"
	"crypto/sha1"
	"fmt"
	"net"

	"github.com/vmware/govmomi/object"
	"github.com/vmware/govmomi/simulator"
	"github.com/vmware/govmomi/vim25/types"
)

const defaultGuestID = "otherLinux64Guest"

// firstDeviceKey is the device key vSphere gives a VM's first NIC; later NICs count up from it.
const firstDeviceKey = 4000

// createVMs creates the scenario's VMs, then the generated ones.
func (inv *inventory) createVMs(ctx context.Context, s *Scenario) error {
	for i, spec := range s.VMs {
		if err := inv.createVM(ctx, spec, i); err != nil {
			return fmt.Errorf("vm %q: %w", spec.Name, err)
		}
	}
	if g := s.Generate; g != nil {
		for i := 1; i <= g.Count; i++ {
			spec := generatedVM(g, i)
			if err := inv.createVM(ctx, spec, i-1); err != nil {
				return fmt.Errorf("generated vm %q: %w", spec.Name, err)
			}
		}
	}
	return nil
}

// generatedVM is the deterministic identity of the index-th (1-based) generated VM; README.md
// states the same formulas for test code that needs to predict them.
func generatedVM(g *GenerateSpec, i int) VMSpec {
	prefix := g.NamePrefix
	if prefix == "" {
		prefix = "gen-"
	}
	network := g.Network
	if network == "" {
		network = "VM Network"
	}
	power := g.PowerState
	if power == "" {
		power = "poweredOn"
	}
	name := fmt.Sprintf("%s%05d", prefix, i)
	nic := NicSpec{
		Network: network,
		IPv4:    []string{fmt.Sprintf("10.%d.%d.%d/16", 100+(i>>16)&0xff, (i>>8)&0xff, i&0xff)},
		Mac:     fmt.Sprintf("00:50:56:%02x:%02x:%02x", (i>>16)&0xff, (i>>8)&0xff, i&0xff),
	}
	if g.IPv6 {
		nic.IPv6 = []string{fmt.Sprintf("fd00::%x", i)}
	}
	return VMSpec{
		Name:         name,
		Datacenter:   g.Datacenter,
		Cluster:      g.Cluster,
		Folder:       g.Folder,
		ResourcePool: g.ResourcePool,
		BiosUUID:     fmt.Sprintf("42000000-0000-4000-8000-%012x", i),
		InstanceUUID: fmt.Sprintf("50000000-0000-4000-8000-%012x", i),
		NumCPU:       2,
		MemoryMB:     4096,
		GuestID:      "ubuntu64Guest",
		PowerState:   power,
		HostName:     name,
		Nics:         []NicSpec{nic},
	}
}

func (inv *inventory) createVM(ctx context.Context, spec VMSpec, index int) error {
	dc, err := inv.datacenter(spec.Datacenter)
	if err != nil {
		return err
	}
	p, err := inv.place(ctx, dc, spec.Cluster, spec.Host, spec.ResourcePool, spec.Folder, index)
	if err != nil {
		return err
	}
	nics := withDefaults(spec)
	config := types.VirtualMachineConfigSpec{
		Name:         spec.Name,
		GuestId:      orDefault(spec.GuestID, defaultGuestID),
		NumCPUs:      orDefaultInt32(spec.NumCPU, 1),
		MemoryMB:     orDefaultInt64(spec.MemoryMB, 1024),
		Uuid:         spec.BiosUUID,
		InstanceUuid: spec.InstanceUUID,
		Files:        &types.VirtualMachineFileInfo{VmPathName: fmt.Sprintf("[%s]", datastoreName(p.hostNm))},
	}
	for _, key := range sortedKeys(spec.ExtraConfig) {
		config.ExtraConfig = append(config.ExtraConfig, &types.OptionValue{Key: key, Value: spec.ExtraConfig[key]})
	}
	for _, nic := range nics {
		if *nic.DeviceConfigID < 0 {
			continue
		}
		if err := inv.ensureNetwork(ctx, dc, nic.Network); err != nil {
			return err
		}
		config.DeviceChange = append(config.DeviceChange, &types.VirtualDeviceConfigSpec{
			Operation: types.VirtualDeviceConfigSpecOperationAdd,
			Device:    ethernetCard(nic),
		})
	}
	task, err := p.folder.CreateVM(ctx, config, p.pool, p.host)
	if err != nil {
		return err
	}
	res, err := task.WaitForResult(ctx, nil)
	if err != nil {
		return err
	}
	ref, ok := res.Result.(types.ManagedObjectReference)
	if !ok {
		return fmt.Errorf("unexpected CreateVM result %T", res.Result)
	}
	if err := setPowerState(ctx, object.NewVirtualMachine(inv.c, ref), orDefault(spec.PowerState, "poweredOn")); err != nil {
		return err
	}
	vm, ok := simulator.Map.Get(ref).(*simulator.VirtualMachine)
	if !ok {
		return fmt.Errorf("vm %s vanished", ref)
	}
	applyGuest(vm, guestFromSpec(spec, nics))
	return nil
}

// withDefaults fills in device keys and MAC addresses so that guest.net and the devices agree.
func withDefaults(spec VMSpec) []NicSpec {
	out := make([]NicSpec, len(spec.Nics))
	next := int32(firstDeviceKey)
	for i, nic := range spec.Nics {
		if nic.DeviceConfigID == nil {
			k := next
			nic.DeviceConfigID = &k
		}
		if *nic.DeviceConfigID >= next {
			next = *nic.DeviceConfigID + 1
		}
		if nic.Network == "" && *nic.DeviceConfigID >= 0 {
			nic.Network = "VM Network"
		}
		if nic.Mac == "" {
			nic.Mac = derivedMac(spec.Datacenter+"/"+spec.Name, i)
		}
		out[i] = nic
	}
	return out
}

// derivedMac is a stable locally administered-looking VMware MAC for a NIC without one.
func derivedMac(seed string, index int) string {
	sum := sha1.Sum([]byte(fmt.Sprintf("%s#%d", seed, index)))
	return net.HardwareAddr{0x00, 0x50, 0x56, sum[0] & 0x3f, sum[1], sum[2]}.String()
}

func ethernetCard(nic NicSpec) types.BaseVirtualDevice {
	return &types.VirtualVmxnet3{VirtualVmxnet: types.VirtualVmxnet{VirtualEthernetCard: types.VirtualEthernetCard{
		VirtualDevice: types.VirtualDevice{
			Key: *nic.DeviceConfigID,
			Backing: &types.VirtualEthernetCardNetworkBackingInfo{
				VirtualDeviceDeviceBackingInfo: types.VirtualDeviceDeviceBackingInfo{DeviceName: nic.Network},
			},
		},
		AddressType: string(types.VirtualEthernetCardMacTypeManual),
		MacAddress:  nic.Mac,
	}}}
}

// setPowerState drives the VM to state through the simulator's power tasks (which emit
// property-collector updates); it does nothing when the VM is already there.
func setPowerState(ctx context.Context, vm *object.VirtualMachine, state string) error {
	current, err := vm.PowerState(ctx)
	if err != nil {
		return err
	}
	if string(current) == state {
		return nil
	}
	if current == types.VirtualMachinePowerStateSuspended && state == "poweredOff" {
		return waitTask(ctx)(vm.PowerOff(ctx))
	}
	switch state {
	case "poweredOn":
		return waitTask(ctx)(vm.PowerOn(ctx))
	case "poweredOff":
		return waitTask(ctx)(vm.PowerOff(ctx))
	case "suspended":
		if current == types.VirtualMachinePowerStatePoweredOff {
			if err := waitTask(ctx)(vm.PowerOn(ctx)); err != nil {
				return err
			}
		}
		return waitTask(ctx)(vm.Suspend(ctx))
	}
	return fmt.Errorf("unknown power state %q", state)
}

func waitTask(ctx context.Context) func(*object.Task, error) error {
	return func(t *object.Task, err error) error {
		if err != nil {
			return err
		}
		return t.Wait(ctx)
	}
}

func orDefault(v, def string) string {
	if v == "" {
		return def
	}
	return v
}

func orDefaultInt32(v, def int32) int32 {
	if v == 0 {
		return def
	}
	return v
}

func orDefaultInt64(v, def int64) int64 {
	if v == 0 {
		return def
	}
	return v
}
