// SPDX-License-Identifier: Apache-2.0
/**
 * A miniature govmomi, written in the same Go layout, for the generator's unit tests: small
 * enough to reason about, shaped like the real thing (embedded bases, Base interfaces, pointer
 * and omitempty optionals, ArrayOf wrappers, aliases for request types, mo.go properties).
 */
import { mergeGoDecls, parseGoDecls, parseGoManagedObjects, parseGoMethods } from './go-parser.ts';
import type { VimModel } from './vim-model.ts';
import { buildVimModel } from './vim-model.ts';

const typesGo = `
type ManagedObjectReference struct {
	Type  string \`xml:"type,attr"\`
	Value string \`xml:",chardata"\`
}

type DynamicData struct {
}

type SelectionSpec struct {
	DynamicData

	Name string \`xml:"name,omitempty"\`
}

type TraversalSpec struct {
	SelectionSpec

	Type      string              \`xml:"type"\`
	Skip      *bool               \`xml:"skip"\`
	SelectSet []BaseSelectionSpec \`xml:"selectSet,omitempty,typeattr"\`
}

type ObjectSpec struct {
	DynamicData

	Obj       ManagedObjectReference \`xml:"obj"\`
	SelectSet []BaseSelectionSpec    \`xml:"selectSet,omitempty,typeattr"\`
}

type MethodFault struct {
	FaultCause *LocalizedMethodFault \`xml:"faultCause,omitempty"\`
}

type RuntimeFault struct {
	MethodFault
}

type NotFound struct {
	RuntimeFault
}

type LocalizedMethodFault struct {
	DynamicData

	Fault            BaseMethodFault \`xml:"fault,typeattr"\`
	LocalizedMessage string          \`xml:"localizedMessage,omitempty"\`
}

type VirtualMachineRuntimeInfo struct {
	DynamicData

	PowerState VirtualMachinePowerState \`xml:"powerState"\`
	BootTime   *time.Time               \`xml:"bootTime"\`
	MaxMemory  int32                    \`xml:"maxMemoryUsage,omitempty"\`
	Checksum   []byte                   \`xml:"checksum,omitempty"\`
	Digest     []byte                   \`xml:"digest"\`
	Url        VersionURI               \`xml:"url"\`
}

type HostRuntimeInfo struct {
	DynamicData

	InMaintenanceMode bool \`xml:"inMaintenanceMode"\`
}

type Unreached struct {
	DynamicData

	Value AnyType \`xml:"value,typeattr"\`
}

type ArrayOfString struct {
	String []string \`xml:"string,omitempty"\`
}

type ArrayOfUri struct {
	Uri []string \`xml:"uri,omitempty"\`
}

type ArrayOfAnyURI struct {
	AnyURI []string \`xml:"anyURI,omitempty"\`
}

type ArrayOfManagedObjectReference struct {
	ManagedObjectReference []ManagedObjectReference \`xml:"ManagedObjectReference,omitempty"\`
}

type ArrayOfSelectionSpec struct {
	SelectionSpec []BaseSelectionSpec \`xml:"SelectionSpec,omitempty,typeattr"\`
}

type ArrayOfUnreached struct {
	Unreached []Unreached \`xml:"Unreached,omitempty"\`
}

type FindByUuid FindByUuidRequestType

type FindByUuidRequestType struct {
	This         ManagedObjectReference  \`xml:"_this"\`
	Datacenter   *ManagedObjectReference \`xml:"datacenter,omitempty"\`
	Uuid         string                  \`xml:"uuid"\`
	VmSearch     bool                    \`xml:"vmSearch"\`
}

type FindByUuidResponse struct {
	Returnval *ManagedObjectReference \`xml:"returnval,omitempty"\`
}

type FindAllByIp FindAllByIpRequestType

type FindAllByIpRequestType struct {
	This ManagedObjectReference \`xml:"_this"\`
	Ip   string                 \`xml:"ip"\`
}

type FindAllByIpResponse struct {
	Returnval []ManagedObjectReference \`xml:"returnval"\`
}

type Destroy_Task DestroyRequestType

type DestroyRequestType struct {
	This ManagedObjectReference \`xml:"_this"\`
}

type Destroy_TaskResponse struct {
	Returnval ManagedObjectReference \`xml:"returnval"\`
}

type Logout LogoutRequestType

type LogoutRequestType struct {
	This ManagedObjectReference \`xml:"_this"\`
}

type LogoutResponse struct {
}

type VersionURI string
`;

const enumGo = `
type VirtualMachinePowerState string

const (
	VirtualMachinePowerStatePoweredOff = VirtualMachinePowerState("poweredOff")
	VirtualMachinePowerStatePoweredOn  = VirtualMachinePowerState("poweredOn")
)
`;

const ifGo = `
type BaseSelectionSpec interface {
	GetSelectionSpec() *SelectionSpec
}

type BaseMethodFault interface {
	GetMethodFault() *MethodFault
}
`;

function body(name: string, response: string): string {
  return `type ${name}Body struct {
	Req    *types.${name}   \`xml:"urn:vim25 ${name},omitempty"\`
	Res    *types.${response} \`xml:"${response},omitempty"\`
	Fault_ *soap.Fault \`xml:"http://schemas.xmlsoap.org/soap/envelope/ Fault,omitempty"\`
}
`;
}

const methodsGo = [
  body('FindByUuid', 'FindByUuidResponse'),
  body('FindAllByIp', 'FindAllByIpResponse'),
  body('Destroy_Task', 'Destroy_TaskResponse'),
  body('Logout', 'LogoutResponse'),
].join('\n');

const moGo = `
type ManagedEntity struct {
	Self types.ManagedObjectReference

	Name   string                        \`mo:"name"\`
	Parent *types.ManagedObjectReference \`mo:"parent"\`
}

type VirtualMachine struct {
	ManagedEntity

	Runtime types.VirtualMachineRuntimeInfo \`mo:"runtime"\`
	Network []types.ManagedObjectReference  \`mo:"network"\`
}

type HostSystem struct {
	ManagedEntity

	Runtime types.HostRuntimeInfo \`mo:"runtime"\`
}
`;

/** The miniature model, built the way generate.ts builds the real one. */
export function fixtureModel(): VimModel {
  return buildVimModel({
    types: mergeGoDecls([
      parseGoDecls(typesGo, 'types.go'),
      parseGoDecls(enumGo, 'enum.go'),
      parseGoDecls(ifGo, 'if.go'),
    ]),
    methods: parseGoMethods(methodsGo, 'methods.go'),
    managedObjects: parseGoManagedObjects(moGo, 'mo.go'),
  });
}
