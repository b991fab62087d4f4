// SPDX-License-Identifier: Apache-2.0

package main

import (
	"fmt"

	"github.com/vmware/govmomi/simulator"
	"github.com/vmware/govmomi/vim25/mo"
	"github.com/vmware/govmomi/vim25/types"
)

// findVM returns the VM whose name (or moref value, e.g. "vm-42") is name, optionally only in
// datacenter dc; a name shared by several VMs in scope is an error.
func findVM(name string, dc *types.ManagedObjectReference) (types.ManagedObjectReference, error) {
	var found []types.ManagedObjectReference
	for _, e := range simulator.Map.All("VirtualMachine") {
		ref := e.Reference()
		if ref.Value != name && e.Entity().Name != name {
			continue
		}
		if dc != nil && datacenterOf(e) != *dc {
			continue
		}
		found = append(found, ref)
	}
	switch len(found) {
	case 0:
		return types.ManagedObjectReference{}, fmt.Errorf("no vm named %q", name)
	case 1:
		return found[0], nil
	}
	return types.ManagedObjectReference{}, fmt.Errorf("%d vms are named %q: give the datacenter", len(found), name)
}

func datacenterOf(e mo.Entity) types.ManagedObjectReference {
	for {
		parent := e.Entity().Parent
		if parent == nil {
			return types.ManagedObjectReference{}
		}
		if parent.Type == "Datacenter" {
			return *parent
		}
		next, ok := simulator.Map.Get(*parent).(mo.Entity)
		if !ok {
			return types.ManagedObjectReference{}
		}
		e = next
	}
}
