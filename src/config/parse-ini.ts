// SPDX-License-Identifier: Apache-2.0
import type { ConfigIssue } from './config.ts';
import {
  legacyGlobalIniKeys,
  legacyIniSections,
  sectionPath,
  sectionSpecs,
  type SectionSpec,
} from './config-keys.ts';
import type { GcfgSection, GcfgVariable } from './parse-gcfg.ts';
import {
  commaList,
  emptyRawConfig,
  stringScalar,
  type RawConfig,
  type RawEntry,
  type RawSection,
} from './raw-config.ts';
import { suggestKey } from './suggest-key.ts';

/**
 * Maps a parsed gcfg document onto the raw config, the way the Go CPI's gcfg structs read it:
 * section and variable names case-insensitive, the last value of a repeated single-valued key wins.
 * What gcfg ignores silently is reported here as a warning: unknown sections and keys (with a
 * suggestion), in-tree provider sections and keys, a subsection on a section that takes none, and
 * earlier occurrences of a repeated key.
 */
export function iniToRaw(sections: readonly GcfgSection[]): RawConfig {
  const warnings: ConfigIssue[] = [];
  const singles = new Map<string, RawSection>();
  const vcenters = new Map<string, RawSection>();
  const classes = new Map<string, RawSection>();
  for (const section of sections) {
    const spec = sectionSpecs.find((s) => s.ini.toLowerCase() === section.name.toLowerCase());
    if (spec === undefined) {
      warnings.push(unknownSection(section));
      continue;
    }
    if (!spec.named && section.subsection !== undefined) {
      warnings.push({
        path: `[${section.name} "${section.subsection}"]`,
        message: `is ignored: [${spec.ini}] takes no name in quotes`,
      });
      continue;
    }
    const name = spec.named ? (section.subsection ?? '') : undefined;
    const path = name === '' ? `[${spec.ini}]` : sectionPath('ini', spec.id, name);
    const entries = readEntries(section, spec, path, warnings);
    const known = new Set(spec.fields.map((x) => x.ini));
    const unknownKeys = new Set(
      section.variables.map((v) => v.name.toLowerCase()).filter((n) => !known.has(n)),
    ).size;
    const raw: RawSection = { path, entries, unknownKeys };
    if (spec.id === 'vcenter') vcenters.set(name ?? '', raw);
    else if (spec.id === 'loadBalancerClass') classes.set(name ?? '', raw);
    else singles.set(spec.id, raw);
  }
  return {
    ...emptyRawConfig('ini'),
    global: singles.get('global'),
    vcenters,
    labels: singles.get('labels'),
    nodes: singles.get('nodes'),
    nsxt: singles.get('nsxt'),
    loadBalancer: singles.get('loadBalancer'),
    loadBalancerClasses: classes,
    route: singles.get('route'),
    warnings,
  };
}

function unknownSection(section: GcfgSection): ConfigIssue {
  const path =
    section.subsection === undefined ? `[${section.name}]` : `[${section.name} "${section.subsection}"]`;
  const legacy = legacyIniSections.find((s) => s.toLowerCase() === section.name.toLowerCase());
  if (legacy !== undefined) {
    return {
      path,
      message: 'is a section of the in-tree vSphere provider (VCP); its keys have no effect here',
    };
  }
  const hint = suggestKey(
    section.name,
    sectionSpecs.map((s) => s.ini),
  );
  return {
    path,
    message: `is not an INI section of this config; ${hint === undefined ? 'it is ignored' : `did you mean [${hint}]?`}`,
  };
}

function readEntries(
  section: GcfgSection,
  spec: SectionSpec,
  path: string,
  warnings: ConfigIssue[],
): ReadonlyMap<string, RawEntry> {
  const byName = new Map<string, GcfgVariable[]>();
  for (const v of section.variables) {
    const key = v.name.toLowerCase();
    byName.set(key, [...(byName.get(key) ?? []), v]);
  }
  const entries = new Map<string, RawEntry>();
  for (const [lower, occurrences] of byName) {
    const last = occurrences[occurrences.length - 1];
    if (last === undefined) continue;
    const keyPath = `${path} ${last.name}`;
    const field = spec.fields.find((x) => x.ini === lower);
    if (field === undefined) {
      warnings.push(unknownKey(spec, lower, keyPath));
      continue;
    }
    if (occurrences.length > 1) {
      warnings.push({
        path: keyPath,
        message: `is set ${String(occurrences.length)} times; only the last one (line ${String(last.line)}) is used`,
      });
    }
    const value =
      field.kind === 'list' && last.value !== undefined
        ? commaList(last.value)
        : stringScalar(last.value ?? '', last.value === undefined);
    entries.set(field.key, { path: keyPath, value });
  }
  return entries;
}

function unknownKey(spec: SectionSpec, lower: string, keyPath: string): ConfigIssue {
  const hint = suggestKey(
    lower,
    spec.fields.map((x) => x.ini),
  );
  if (spec.id === 'global' && legacyGlobalIniKeys.includes(lower) && hint === undefined) {
    return {
      path: keyPath,
      message: 'is a key of the in-tree vSphere provider (VCP); it has no effect here',
    };
  }
  return {
    path: keyPath,
    message: `is not an INI key; ${hint === undefined ? 'it is ignored' : `did you mean ${hint}?`}`,
  };
}
