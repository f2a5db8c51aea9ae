import { Autocomplete, Button, Group, NumberInput, Select, TextInput } from '@mantine/core';
import { useEffect, useState } from 'react';
import { type ClassifierSummary, RUN_STATUSES } from '../api/types';
import type { RunFilters } from '../lib/run-filters';

/**
 * A typed value that reaches the URL (and the server) after a pause in typing. It follows the URL
 * when that changes from elsewhere (Clear filters, back), unless it already says the same.
 */
function useDebouncedParam(value: string, commit: (v: string) => void, ms = 300) {
  const [local, setLocal] = useState(value);
  useEffect(() => {
    setLocal((l) => (l.trim() === value ? l : value));
  }, [value]);
  // biome-ignore lint/correctness/useExhaustiveDependencies: commit is a new closure on every render
  useEffect(() => {
    if (local.trim() === value) return;
    const t = setTimeout(() => commit(local.trim()), ms);
    return () => clearTimeout(t);
  }, [local, value, ms]);
  return [local, setLocal] as const;
}

const REVIEWED = [
  { value: 'false', label: 'Not reviewed' },
  { value: 'true', label: 'Reviewed' },
];

export function RunFilterBar({
  filters,
  classifiers,
  typeOptions,
  onChange,
  onClear,
}: {
  filters: RunFilters;
  classifiers: ClassifierSummary[];
  /** Suggestions for the type field; any type can be typed. */
  typeOptions: string[];
  onChange: (key: keyof RunFilters, value: string | null) => void;
  onClear: (() => void) | null;
}) {
  const [name, setName] = useDebouncedParam(filters.fileName ?? '', (v) => onChange('fileName', v || null));
  const [type, setType] = useDebouncedParam(filters.type ?? '', (v) => onChange('type', v || null));
  const [conf, setConf] = useDebouncedParam(
    filters.maxConfidencePct === undefined ? '' : String(filters.maxConfidencePct),
    (v) => onChange('maxConfidencePct', v || null),
  );
  return (
    <Group gap="sm" align="end" role="search" aria-label="Filter runs">
      <Select
        label="Status"
        placeholder="Any status"
        data={RUN_STATUSES}
        value={filters.status ?? null}
        onChange={(v) => onChange('status', v)}
        clearable
        w={150}
      />
      <Select
        label="Classifier"
        placeholder="Any classifier"
        data={classifiers.map((c) => ({ value: c.id, label: c.name }))}
        value={filters.classifierId ?? null}
        onChange={(v) => onChange('classifierId', v)}
        clearable
        searchable
        w={190}
      />
      <Autocomplete
        label="Type"
        placeholder="Any type"
        data={typeOptions}
        value={type}
        onChange={setType}
        w={150}
      />
      <Select
        label="Review"
        placeholder="Any"
        data={REVIEWED}
        value={filters.reviewed ?? null}
        onChange={(v) => onChange('reviewed', v)}
        clearable
        w={140}
      />
      <NumberInput
        label="Confidence at most"
        placeholder="Any"
        suffix="%"
        min={0}
        max={100}
        allowNegative={false}
        decimalScale={1}
        value={conf}
        onChange={(v) => setConf(String(v))}
        w={140}
      />
      <TextInput
        type="date"
        label="Created from"
        value={filters.from ?? ''}
        max={filters.to}
        onChange={(e) => onChange('from', e.currentTarget.value || null)}
        w={150}
      />
      <TextInput
        type="date"
        label="Created to"
        value={filters.to ?? ''}
        min={filters.from}
        onChange={(e) => onChange('to', e.currentTarget.value || null)}
        w={150}
      />
      <TextInput
        label="File name contains"
        placeholder="e.g. invoice"
        value={name}
        onChange={(e) => setName(e.currentTarget.value)}
        w={190}
      />
      {onClear && (
        <Button variant="subtle" onClick={onClear}>
          Clear filters
        </Button>
      )}
    </Group>
  );
}
