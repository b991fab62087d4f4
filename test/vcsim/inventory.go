// SPDX-License-Identifier: Apache-2.0

package main

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/vmware/govmomi/object"
	"github.com/vmware/govmomi/vim25"
	"github.com/vmware/govmomi/vim25/types"
)

// inventory builds the scenario's objects through the simulator's own methods (an in-process
// vim25 client), so that every object is registered, indexed and visible to property collectors.
type inventory struct {
	c   *vim25.Client
	dir string
	dcs map[string]*dcInfo
}

type dcInfo struct {
	dc        *object.Datacenter
	folders   *object.DatacenterFolders
	vmFolders map[string]*object.Folder
	clusters  map[string]*clusterInfo
	hosts     map[string]*object.HostSystem
	// hostPools maps a standalone host name to its compute resource's root pool.
	hostPools map[string]*object.ResourcePool
	hostOrder []string
	networks  map[string]bool
	dir       string
}

type clusterInfo struct {
	cluster *object.ClusterComputeResource
	hosts   []string
	pools   map[string]*object.ResourcePool
}

func newInventory(c *vim25.Client, dir string) *inventory {
	return &inventory{c: c, dir: dir, dcs: map[string]*dcInfo{}}
}

func (inv *inventory) build(ctx context.Context, s *Scenario) error {
	for _, spec := range s.Datacenters {
		if err := inv.addDatacenter(ctx, spec); err != nil {
			return fmt.Errorf("datacenter %q: %w", spec.Name, err)
		}
	}
	return nil
}

func (inv *inventory) addDatacenter(ctx context.Context, spec DatacenterSpec) error {
	parent, err := ensureFolderPath(ctx, object.NewRootFolder(inv.c), splitPath(spec.Folder), nil)
	if err != nil {
		return err
	}
	dc, err := parent.CreateDatacenter(ctx, spec.Name)
	if err != nil {
		return err
	}
	folders, err := dc.Folders(ctx)
	if err != nil {
		return err
	}
	info := &dcInfo{
		dc:        dc,
		folders:   folders,
		vmFolders: map[string]*object.Folder{"": folders.VmFolder},
		clusters:  map[string]*clusterInfo{},
		hosts:     map[string]*object.HostSystem{},
		hostPools: map[string]*object.ResourcePool{},
		networks:  map[string]bool{"VM Network": true},
		dir:       filepath.Join(inv.dir, fmt.Sprintf("dc%d", len(inv.dcs))),
	}
	inv.dcs[spec.Name] = info
	for _, p := range spec.Folders {
		if _, err := inv.vmFolder(ctx, info, p); err != nil {
			return err
		}
	}
	for _, cs := range spec.Clusters {
		if err := inv.addCluster(ctx, info, cs); err != nil {
			return fmt.Errorf("cluster %q: %w", cs.Name, err)
		}
	}
	for _, name := range spec.Hosts {
		if err := inv.addStandaloneHost(ctx, info, name); err != nil {
			return fmt.Errorf("host %q: %w", name, err)
		}
	}
	for _, n := range spec.Networks {
		if err := inv.ensureNetwork(ctx, info, n); err != nil {
			return err
		}
	}
	return nil
}

// ensureFolderPath walks (and creates) path under root, recording each level in cache if given.
func ensureFolderPath(ctx context.Context, root *object.Folder, path []string, cache map[string]*object.Folder) (*object.Folder, error) {
	cur := root
	for i := range path {
		key := strings.Join(path[:i+1], "/")
		if f, ok := cache[key]; ok {
			cur = f
			continue
		}
		f, err := cur.CreateFolder(ctx, path[i])
		if err != nil {
			return nil, fmt.Errorf("folder %q: %w", key, err)
		}
		if cache != nil {
			cache[key] = f
		}
		cur = f
	}
	return cur, nil
}

func (inv *inventory) vmFolder(ctx context.Context, dc *dcInfo, path string) (*object.Folder, error) {
	return ensureFolderPath(ctx, dc.folders.VmFolder, splitPath(path), dc.vmFolders)
}

func (inv *inventory) addCluster(ctx context.Context, dc *dcInfo, spec ClusterSpec) error {
	if _, dup := dc.clusters[spec.Name]; dup {
		return fmt.Errorf("duplicate cluster")
	}
	cluster, err := dc.folders.HostFolder.CreateCluster(ctx, spec.Name, types.ClusterConfigSpecEx{})
	if err != nil {
		return err
	}
	info := &clusterInfo{cluster: cluster, pools: map[string]*object.ResourcePool{}}
	dc.clusters[spec.Name] = info
	for _, name := range spec.Hosts {
		if err := inv.checkNewHost(dc, name); err != nil {
			return err
		}
		task, err := cluster.AddHost(ctx, types.HostConnectSpec{HostName: name}, true, nil, nil)
		if err != nil {
			return err
		}
		res, err := task.WaitForResult(ctx, nil)
		if err != nil {
			return fmt.Errorf("host %q: %w", name, err)
		}
		if err := inv.registerHost(ctx, dc, name, res.Result); err != nil {
			return err
		}
		info.hosts = append(info.hosts, name)
	}
	root, err := cluster.ResourcePool(ctx)
	if err != nil {
		return err
	}
	info.pools[""] = root
	for _, p := range spec.ResourcePools {
		if _, err := ensurePoolPath(ctx, info.pools, splitPath(p)); err != nil {
			return err
		}
	}
	return nil
}

func ensurePoolPath(ctx context.Context, pools map[string]*object.ResourcePool, path []string) (*object.ResourcePool, error) {
	cur := pools[""]
	for i := range path {
		key := strings.Join(path[:i+1], "/")
		if p, ok := pools[key]; ok {
			cur = p
			continue
		}
		p, err := cur.Create(ctx, path[i], types.DefaultResourceConfigSpec())
		if err != nil {
			return nil, fmt.Errorf("resource pool %q: %w", key, err)
		}
		pools[key] = p
		cur = p
	}
	return cur, nil
}

func (inv *inventory) checkNewHost(dc *dcInfo, name string) error {
	if _, dup := dc.hosts[name]; dup {
		return fmt.Errorf("duplicate host %q", name)
	}
	return nil
}

func (inv *inventory) addStandaloneHost(ctx context.Context, dc *dcInfo, name string) error {
	if err := inv.checkNewHost(dc, name); err != nil {
		return err
	}
	task, err := dc.folders.HostFolder.AddStandaloneHost(ctx, types.HostConnectSpec{HostName: name}, true, nil, nil)
	if err != nil {
		return err
	}
	res, err := task.WaitForResult(ctx, nil)
	if err != nil {
		return err
	}
	if err := inv.registerHost(ctx, dc, name, res.Result); err != nil {
		return err
	}
	pool, err := dc.hosts[name].ResourcePool(ctx)
	if err != nil {
		return err
	}
	dc.hostPools[name] = pool
	return nil
}

// registerHost records a new host and gives it a local datastore of its own: the simulator
// stores VM files on the datastore of the VM's host, so every host needs one.
func (inv *inventory) registerHost(ctx context.Context, dc *dcInfo, name string, result types.AnyType) error {
	ref, ok := result.(types.ManagedObjectReference)
	if !ok {
		return fmt.Errorf("host %q: unexpected task result %T", name, result)
	}
	host := object.NewHostSystem(inv.c, ref)
	dc.hosts[name] = host
	dc.hostOrder = append(dc.hostOrder, name)
	dir := filepath.Join(dc.dir, fmt.Sprintf("host%d", len(dc.hostOrder)))
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return err
	}
	dss, err := host.ConfigManager().DatastoreSystem(ctx)
	if err != nil {
		return err
	}
	if _, err := dss.CreateLocalDatastore(ctx, datastoreName(name), dir); err != nil {
		return fmt.Errorf("datastore for host %q: %w", name, err)
	}
	return nil
}

func datastoreName(host string) string {
	return "local-" + host
}

// ensureNetwork creates a standard port group named name (a Network in the datacenter) through
// the first host's network system, unless the datacenter already has it.
func (inv *inventory) ensureNetwork(ctx context.Context, dc *dcInfo, name string) error {
	if dc.networks[name] {
		return nil
	}
	if len(dc.hostOrder) == 0 {
		return fmt.Errorf("network %q: the datacenter needs a host to create a port group", name)
	}
	ns, err := dc.hosts[dc.hostOrder[0]].ConfigManager().NetworkSystem(ctx)
	if err != nil {
		return err
	}
	err = ns.AddPortGroup(ctx, types.HostPortGroupSpec{Name: name, VswitchName: "vSwitch0", Policy: types.HostNetworkPolicy{}})
	if err != nil {
		return fmt.Errorf("network %q: %w", name, err)
	}
	dc.networks[name] = true
	return nil
}

func (inv *inventory) datacenter(name string) (*dcInfo, error) {
	dc, ok := inv.dcs[name]
	if !ok {
		return nil, fmt.Errorf("unknown datacenter %q", name)
	}
	return dc, nil
}

// placement resolves where a VM goes: host, resource pool and folder.
type placement struct {
	host   *object.HostSystem
	hostNm string
	pool   *object.ResourcePool
	folder *object.Folder
}

// place resolves cluster/host/pool/folder names; index spreads cluster VMs over hosts
// deterministically when no host is named.
func (inv *inventory) place(ctx context.Context, dc *dcInfo, cluster, host, pool, folder string, index int) (*placement, error) {
	var p placement
	var err error
	if p.folder, err = inv.vmFolder(ctx, dc, folder); err != nil {
		return nil, err
	}
	if cluster == "" {
		if host == "" {
			return nil, fmt.Errorf("needs a cluster or a host")
		}
		if pool != "" {
			return nil, fmt.Errorf("resource pools are only supported in clusters")
		}
		h, ok := dc.hosts[host]
		if !ok {
			return nil, fmt.Errorf("unknown host %q", host)
		}
		p.host, p.hostNm = h, host
		if p.pool, ok = dc.hostPools[host]; !ok {
			return nil, fmt.Errorf("host %q is in a cluster: name the cluster", host)
		}
		return &p, nil
	}
	ci, ok := dc.clusters[cluster]
	if !ok {
		return nil, fmt.Errorf("unknown cluster %q", cluster)
	}
	if len(ci.hosts) == 0 {
		return nil, fmt.Errorf("cluster %q has no hosts", cluster)
	}
	if host == "" {
		host = ci.hosts[index%len(ci.hosts)]
	} else if !contains(ci.hosts, host) {
		return nil, fmt.Errorf("host %q is not in cluster %q", host, cluster)
	}
	p.host, p.hostNm = dc.hosts[host], host
	if p.pool, err = ensurePoolPath(ctx, ci.pools, splitPath(pool)); err != nil {
		return nil, err
	}
	return &p, nil
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}
