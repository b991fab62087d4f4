// SPDX-License-Identifier: Apache-2.0

package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"strings"
)

// Scenario is the inventory a harness serves. The format is documented in README.md.
type Scenario struct {
	Credentials Credentials      `json:"credentials"`
	Datacenters []DatacenterSpec `json:"datacenters"`
	VMs         []VMSpec         `json:"vms"`
	Generate    *GenerateSpec    `json:"generate"`
	Tags        *TagsSpec        `json:"tags"`
	// RetrieveMaxObjects, when positive, is the page size RetrievePropertiesEx uses when the
	// caller sets no maxObjects (real vCenter pages large results on its own too).
	RetrieveMaxObjects int `json:"retrieveMaxObjects"`
	// SolutionUsers are the certificates the STS issues tokens for (see sts.go).
	SolutionUsers []SolutionUser `json:"solutionUsers"`
}

// SolutionUser is a vCenter solution user: a name and its RSA certificate.
type SolutionUser struct {
	Name           string `json:"name"`
	CertificatePem string `json:"certificatePem"`
}

// Credentials are the only user name and password Login and the REST session accept.
type Credentials struct {
	Username string `json:"username"`
	Password string `json:"password"`
}

// DatacenterSpec describes one datacenter and what lives in it.
type DatacenterSpec struct {
	Name string `json:"name"`
	// Folder is an optional "a/b" path of folders under the root folder holding the datacenter.
	Folder string `json:"folder"`
	// Folders are "a/b" paths created under the datacenter's vm folder.
	Folders  []string      `json:"folders"`
	Clusters []ClusterSpec `json:"clusters"`
	// Hosts are standalone hosts.
	Hosts []string `json:"hosts"`
	// Networks are port groups created up front; NIC networks are created on demand as well.
	Networks []string `json:"networks"`
}

// ClusterSpec describes a cluster, its hosts and its resource pools ("a/b" paths under Resources).
type ClusterSpec struct {
	Name          string   `json:"name"`
	Hosts         []string `json:"hosts"`
	ResourcePools []string `json:"resourcePools"`
}

// VMSpec describes one virtual machine.
type VMSpec struct {
	Name         string            `json:"name"`
	Datacenter   string            `json:"datacenter"`
	Cluster      string            `json:"cluster"`
	Host         string            `json:"host"`
	Folder       string            `json:"folder"`
	ResourcePool string            `json:"resourcePool"`
	BiosUUID     string            `json:"biosUuid"`
	InstanceUUID string            `json:"instanceUuid"`
	NumCPU       int32             `json:"numCpu"`
	MemoryMB     int64             `json:"memoryMB"`
	GuestID      string            `json:"guestId"`
	PowerState   string            `json:"powerState"`
	HostName     string            `json:"hostName"`
	IPAddress    string            `json:"ipAddress"`
	GuestInfo    *bool             `json:"guestInfo"`
	Nics         []NicSpec         `json:"nics"`
	ExtraConfig  map[string]string `json:"extraConfig"`
}

// NicSpec describes a NIC: a virtual device plus what the guest reports for it, or a guest-only
// NIC (deviceConfigId -1) with no device behind it.
type NicSpec struct {
	Network        string   `json:"network"`
	DeviceConfigID *int32   `json:"deviceConfigId"`
	IPv4           []string `json:"ipv4"`
	IPv6           []string `json:"ipv6"`
	Mac            string   `json:"mac"`
	Connected      *bool    `json:"connected"`
}

// GenerateSpec asks for Count look-alike VMs with deterministic identities (see README.md).
type GenerateSpec struct {
	Count        int    `json:"count"`
	Datacenter   string `json:"datacenter"`
	Cluster      string `json:"cluster"`
	Folder       string `json:"folder"`
	ResourcePool string `json:"resourcePool"`
	NamePrefix   string `json:"namePrefix"`
	Network      string `json:"network"`
	PowerState   string `json:"powerState"`
	IPv6         bool   `json:"ipv6"`
}

// TagsSpec describes tag categories, their tags and what they are attached to.
type TagsSpec struct {
	Categories  []CategorySpec   `json:"categories"`
	Attachments []AttachmentSpec `json:"attachments"`
}

// CategorySpec is one tag category and the names of its tags.
type CategorySpec struct {
	Name            string   `json:"name"`
	Description     string   `json:"description"`
	Cardinality     string   `json:"cardinality"`
	AssociableTypes []string `json:"associableTypes"`
	Tags            []string `json:"tags"`
}

// AttachmentSpec attaches one tag to one inventory object.
type AttachmentSpec struct {
	Category string    `json:"category"`
	Tag      string    `json:"tag"`
	Object   ObjectRef `json:"object"`
}

// ObjectRef names an inventory object: kind is datacenter, cluster, host, folder, resourcePool or vm.
type ObjectRef struct {
	Kind       string `json:"kind"`
	Datacenter string `json:"datacenter"`
	Cluster    string `json:"cluster"`
	Name       string `json:"name"`
}

// parseScenario decodes and validates a scenario; unknown fields are errors so typos surface.
func parseScenario(r io.Reader) (*Scenario, *json.Decoder, error) {
	dec := json.NewDecoder(r)
	dec.DisallowUnknownFields()
	var s Scenario
	if err := dec.Decode(&s); err != nil {
		return nil, dec, fmt.Errorf("scenario: %w", err)
	}
	return &s, dec, s.validate()
}

func (s *Scenario) validate() error {
	if s.Credentials.Username == "" || s.Credentials.Password == "" {
		return errors.New("scenario: credentials.username and credentials.password are required")
	}
	for _, u := range s.SolutionUsers {
		if u.Name == "" {
			return errors.New("scenario: a solution user has no name")
		}
		if _, err := parseRSACertificate(u.CertificatePem); err != nil {
			return fmt.Errorf("scenario: solution user %q: %w", u.Name, err)
		}
	}
	dcs := map[string]bool{}
	for _, dc := range s.Datacenters {
		if dc.Name == "" {
			return errors.New("scenario: a datacenter has no name")
		}
		if dcs[dc.Name] {
			return fmt.Errorf("scenario: duplicate datacenter %q", dc.Name)
		}
		dcs[dc.Name] = true
	}
	names := map[string]bool{}
	for _, vm := range s.VMs {
		if vm.Name == "" || vm.Datacenter == "" {
			return errors.New("scenario: every vm needs a name and a datacenter")
		}
		if !dcs[vm.Datacenter] {
			return fmt.Errorf("scenario: vm %q: unknown datacenter %q", vm.Name, vm.Datacenter)
		}
		key := vm.Datacenter + "/" + vm.Name
		if names[key] {
			return fmt.Errorf("scenario: duplicate vm %q in datacenter %q", vm.Name, vm.Datacenter)
		}
		names[key] = true
		if err := validatePowerState(vm.PowerState); err != nil {
			return fmt.Errorf("scenario: vm %q: %w", vm.Name, err)
		}
		for _, nic := range vm.Nics {
			if err := validateIPs(nic); err != nil {
				return fmt.Errorf("scenario: vm %q: %w", vm.Name, err)
			}
		}
	}
	if g := s.Generate; g != nil {
		if g.Count < 0 || g.Count > 100000 {
			return errors.New("scenario: generate.count must be between 0 and 100000")
		}
		if g.Count > 0 && (!dcs[g.Datacenter] || g.Cluster == "") {
			return errors.New("scenario: generate needs a known datacenter and a cluster")
		}
		if err := validatePowerState(g.PowerState); err != nil {
			return fmt.Errorf("scenario: generate: %w", err)
		}
	}
	return nil
}

func validatePowerState(state string) error {
	switch state {
	case "", "poweredOn", "poweredOff", "suspended":
		return nil
	}
	return fmt.Errorf("powerState %q is not poweredOn, poweredOff or suspended", state)
}

func validateIPs(nic NicSpec) error {
	for _, list := range []struct {
		ips  []string
		want bool
	}{{nic.IPv4, true}, {nic.IPv6, false}} {
		for _, s := range list.ips {
			ip, _, err := splitPrefix(s)
			if err != nil {
				return err
			}
			if (net.ParseIP(ip).To4() != nil) != list.want {
				return fmt.Errorf("address %q is in the wrong list (ipv4/ipv6)", s)
			}
		}
	}
	return nil
}

// splitPrefix parses "10.0.0.1" or "10.0.0.1/24"; the prefix defaults to 24 (IPv4) or 64 (IPv6).
func splitPrefix(s string) (string, int32, error) {
	if strings.Contains(s, "/") {
		ip, ipnet, err := net.ParseCIDR(s)
		if err != nil {
			return "", 0, fmt.Errorf("bad address %q", s)
		}
		ones, _ := ipnet.Mask.Size()
		return ip.String(), int32(ones), nil
	}
	ip := net.ParseIP(s)
	if ip == nil {
		return "", 0, fmt.Errorf("bad address %q", s)
	}
	if ip.To4() != nil {
		return ip.String(), 24, nil
	}
	return ip.String(), 64, nil
}

// splitPath turns "a/b/" into ["a","b"].
func splitPath(p string) []string {
	var out []string
	for _, part := range strings.Split(p, "/") {
		if part != "" {
			out = append(out, part)
		}
	}
	return out
}

// rest returns whatever the decoder has buffered followed by the rest of r.
func rest(dec *json.Decoder, r io.Reader) io.Reader {
	var buf bytes.Buffer
	_, _ = io.Copy(&buf, dec.Buffered())
	return io.MultiReader(&buf, r)
}
